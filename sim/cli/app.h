/* app.h - the mwrasp-sim pipeline: load the scenario (against the model
 * registry), expand its sweep, check the budget and the outputs, run the
 * campaign, judge the claims (--decide, --robustness, capacity plan),
 * write the results file and print the tables, plots and CSV.
 *
 * main.c parses the command line into app_opts, calls app_run once and
 * prints the error it returns (rule 6); app_run prints only what a run
 * reports on success (tables, --validate lines) and the diagnostics of a
 * scenario (several lines, each with its position).
 */
#ifndef MWRASP_APP_H
#define MWRASP_APP_H

#include <signal.h>
#include <stddef.h>

#include "budget.h"
#include "cfg.h"
#include "err.h"
#include "output.h"
#include "sim.h"

#define APP_MAX_SETS 256

typedef struct app_opts {
    const char *sets[APP_MAX_SETS];   /* --set, --seed, --replications, --duration */
    char *owned[APP_MAX_SETS];        /* the sets main allocated (freed by main) */
    size_t nsets;
    const char *sweeps[APP_MAX_SETS];
    size_t nsweeps;
    const char *out;
    const char *scenario;
    int threads, validate, quiet, resume, strict, plot, decide, robustness;
    const char *csv;
    output_view view;                 /* --format, --all, --metrics, the width */
    size_t run_index, run_of;         /* --run-index K --of N (run_of 0: whole run) */
    int run_index_given;
    const char *merge[APP_MAX_SETS];  /* --merge PART, or merge's parts (batch.h) */
    size_t nmerge;
    /* `mwrasp-sim merge`: the scenario's text and its included files' as
     * the parts recorded them (scenario_text NULL: read o->scenario). */
    const char *scenario_text;
    size_t scenario_len;
    const cfg_source *includes;
    size_t nincludes;
    double ci_target;
    budget_limits budget;             /* --max-memory, --max-events (0: defaults) */
    /* The program around the pipeline. */
    int argc;
    char **argv;                      /* recorded in the results file */
    int mpi_rank, mpi_size;           /* 0 and 1 without MPI */
    const sim_model *const *models;   /* the registry */
    size_t nmodels;
    volatile sig_atomic_t *interrupt; /* set by SIGINT/SIGTERM */
    /* Called once the scenario has loaded, before anything that can take
     * long (sweep expansion): from then on Ctrl-C stops the run cleanly. */
    void (*install_signals)(void);
} app_opts;

/* Runs the pipeline.  Returns the exit status: 0, 3 (--strict and a claim
 * FAILS), ERR_INTERRUPTED or another ERR_* code.  When e->code is set on
 * return the caller prints e; otherwise whatever there was to say (a
 * scenario's diagnostics, "interrupted: ...") is printed already. */
int app_run(const app_opts *o, err_t *e);

/* OpenMP threads a run uses: --threads, else OpenMP's default. */
int app_threads(const app_opts *o);

#endif
