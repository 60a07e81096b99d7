/* testutil.h - shared helpers for tests that run the mwrasp-sim program
 * and compare results files. */
#ifndef MWRASP_TESTUTIL_H
#define MWRASP_TESTUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include <hdf5.h>

#include "registry.h"
#include "scenario.h"

/* The model registry, as scenario_load takes it. */
#define TU_MODELS registry_models(NULL), registry_count()

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

/* Writes text to a temporary file and loads it as a scenario with the
 * --set assignments sets[0..nsets).  Returns scenario_load's status; the
 * diagnostics are in diags (the caller owns and frees it). */
int load_scenario_text(const char *text, const char *const *sets, size_t nsets,
                       cfg_ctx *diags, scenario_t **out, err_t *e);
/* The same, asserting that it loads (diagnostics go to stderr). */
scenario_t *load_scenario_ok(const char *text, const char *const *sets, size_t nsets);
/* Loads text and runs its replications at point 0 into r (asserting both). */
struct runner_result;
void run_scenario_text(const char *text, struct runner_result *r);
/* The index of metric name in r, asserting that it exists. */
int metric_index_ok(const struct runner_result *r, const char *name);

typedef struct run_out {
    int status;        /* exit code, or 128 + signal */
    char err[8192];    /* stderr (truncated) */
    char out[16384];   /* stdout (truncated) */
} run_out;

/* The simulator: $MWRASP_SIM (set by CTest) or ./mwrasp-sim. */
const char *sim_binary(void);
/* Reads at most size-1 bytes of path into buf ("" when unreadable). */
void slurp(const char *path, char *buf, size_t size);
/* Runs the simulator with args (NULL-terminated) to completion, with a
 * 1 GB address-space limit (not under ASan) and a 60 s alarm. */
void run_sim(const char *const *args, run_out *o);
/* Starts the simulator in the background (stdout/stderr to /dev/null);
 * returns its pid. */
pid_t spawn_sim(const char *const *args);
/* Waits for pid; returns its exit code or 128 + signal. */
int wait_sim(pid_t pid);
/* Criterion-expects that every dataset under each of groups (NULL-
 * terminated, e.g. "/summary") is bit-identical in files a and b. */
void expect_same_datasets(const char *a, const char *b, const char *const *groups);

/* A fresh directory /tmp/mwrasp-test-XXXXXX (its name in buf). */
void make_tmpdir(char *buf, size_t size);
/* Removes dir and everything in it; only a make_tmpdir directory. */
void remove_tmpdir(const char *dir);
/* Writes text to path, asserting it can. */
void write_file(const char *path, const char *text);

/* Writes text to a temporary file and loads it as a scenario with the
 * --set assignments sets[0..nsets).  Returns scenario_load's status; the
 * diagnostics are in diags (the caller owns and frees it). */
int load_scenario_text(const char *text, const char *const *sets, size_t nsets,
                       cfg_ctx *diags, scenario_t **out, err_t *e);
/* The same, asserting that it loads (diagnostics go to stderr). */
scenario_t *load_scenario_ok(const char *text, const char *const *sets, size_t nsets);
/* Criterion-expects text to be refused with a diagnostic holding both
 * says and at (a position like ":5:"). */
void expect_load_refused(const char *text, const char *says, const char *at);

/* Runs bin with args (NULL-terminated) in directory cwd (NULL: here) to
 * completion; its stdout and stderr go into out.  Returns its exit code or
 * 128 + signal. */
int run_program(const char *cwd, const char *bin, const char *const *args, char *out,
                size_t size);
/* A test's own directory, /tmp/mwrasp-t-XXXXXX, into buf. */
void make_tmpdir(char *buf, size_t size);
/* Removes dir and all in it (only a make_tmpdir directory; MWRASP_KEEP=1
 * keeps it, to look at what a failing test wrote). */
void remove_tmpdir(const char *dir);
/* Writes text to path (asserting it can). */
void write_file(const char *path, const char *text);
/* A variable-length UTF-8 string attribute name = value on loc. */
void attr_str(hid_t loc, const char *name, const char *value);

#endif
