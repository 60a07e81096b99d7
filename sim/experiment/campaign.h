/* campaign.h - every replication of every sweep point: OpenMP inside a
 * process, MPI across processes, precision targets, progress, a journal
 * that survives interruption, and --resume.
 *
 * Determinism: task (point p, replication r) always runs the streams keyed
 * by (seed, p, r); results are stored at (p, r) and combined in that
 * order; the precision rule looks only at results.  So the output is the
 * same for any thread count, rank count, or interruption history.
 *
 * Journal (<results>.journal): a header with a key identifying the
 * scenario, its overrides and the program version, then one checksummed
 * record per finished replication, each carrying the key again (flushed as
 * written; a torn last record is ignored, a record with another key is
 * refused).  It is created exclusively and locked for the whole run, and
 * deleted once the results file is complete.
 */
#ifndef MWRASP_CAMPAIGN_H
#define MWRASP_CAMPAIGN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "runner.h"
#include "scenario.h"

typedef enum campaign_progress {
    CAMPAIGN_PROGRESS_NONE,
    CAMPAIGN_PROGRESS_TTY,   /* one stderr line redrawn in place */
    CAMPAIGN_PROGRESS_PLAIN  /* a plain stderr line every 10 s */
} campaign_progress;

typedef struct campaign_opts {
    int threads;                      /* OpenMP threads per process */
    const char *journal;              /* path, or NULL for none */
    uint64_t journal_key;             /* identifies scenario + overrides */
    int resume;                       /* reuse the journal's replications */
    volatile sig_atomic_t *interrupt; /* set by SIGINT/SIGTERM handlers */
    campaign_progress progress;
    double ci_target;                 /* > 0 overrides precision.target */
    int mpi_rank, mpi_size;           /* 0 and 1 without MPI */
    /* Optional rule run after every round (on every rank, on the same
     * results): points[p] holds point p's first targets[p] replications
     * (views, summaries filled); the rule may raise targets[p].  Returns 0,
     * or -1 on out of memory.  The campaign ends when no target rises. */
    int (*policy)(void *ctx, const runner_result *points, size_t npoints, size_t *targets);
    void *policy_ctx;
    /* The journal as claimed by journal_claim on the rank that
     * writes it; <= 0 elsewhere (then it is opened by path: read-only on
     * resume, created with O_EXCL otherwise). */
    int journal_fd;
    /* A part of a batch job (--run-index K --of N; part_count 0: the whole
     * run): only replications r with r mod part_count == part_index run,
     * and the journal is the part's output (no results are assembled:
     * out->npoints stays 0). */
    size_t part_index, part_count;
} campaign_opts;

typedef struct campaign_result {
    size_t npoints;
    runner_result *points;   /* [npoints], reps in order */
    size_t saved, planned;   /* replications finished / planned so far */
    size_t resumed;          /* replications taken from the journal */
} campaign_result;

/* Runs all replications of points[0..npoints).  base supplies the
 * replication count and precision rule.  Returns 0, ERR_INTERRUPTED (with
 * out->saved/planned set and the journal kept), or another ERR_*. */
int campaign_run(const scenario_t *base, scenario_t *const *points,
                 size_t npoints, const campaign_opts *opts,
                 campaign_result *out, err_t *e);
void campaign_result_free(campaign_result *r);

/* An experiment's extra campaign (capacity plan, throughput search,
 * --robustness, a comparison's arm): base with the assignments sets[0..nsets)
 * (scenario_derive; a value the schema refuses is ERR_DATA "what:
 * diagnostic"), its single point run with opts less the journal, resume,
 * progress and policy, so it is never journaled.  *point receives the
 * derived scenario and out the results; the caller frees both (also on
 * failure: *point may be NULL, out is then empty). */
int campaign_run_derived(const scenario_t *base, const char *const *sets, size_t nsets,
                         const campaign_opts *opts, const char *what, scenario_t **point,
                         campaign_result *out, err_t *e);

/* The journal: journal.h (journal_claim, journal_release). */

/* FNV-1a over a string, chained from h (for journal keys). */
uint64_t campaign_hash(uint64_t h, const char *s);

#endif
