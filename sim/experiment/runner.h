/* runner.h - runs replications of one scenario point, in parallel with
 * OpenMP, and combines them in replication order.
 *
 * Replication r of point p always uses the streams keyed by (seed, p, r),
 * and results are stored at index r, so the output is bit-identical for
 * any thread count (and for any split of replications across processes).
 */
#ifndef MWRASP_RUNNER_H
#define MWRASP_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "stats.h"

/* One metric's kept observations in one replication, in the metric's
 * unit (for claims pooled over replications): the events sorted, and for
 * a TTE metric the censored observations; each stands for `weight`
 * observations (a reservoir of k of n kept: n / k).  Empty (all zero)
 * for metrics nobody asked to keep. */
typedef struct runner_samples {
    double *x, *cens;
    uint64_t nx, ncens;
    double weight, cens_weight;
} runner_samples;

typedef struct runner_result {
    size_t nmetrics;
    stats_def *defs;        /* [nmetrics] */
    size_t nreps;
    stats_rep *reps;        /* [nreps][nmetrics] */
    runner_samples *samples; /* [nreps][nmetrics] */
    uint64_t *events;       /* [nreps] events processed */
    double *wall_s;         /* [nreps] wall time (information only) */
    stats_summary *summary; /* [nmetrics], over all nreps */
} runner_result;

/* One replication's raw output. */
typedef struct runner_rep {
    size_t nmetrics;
    stats_def *defs;   /* [nmetrics] */
    stats_rep *reps;   /* [nmetrics] */
    runner_samples *samples; /* [nmetrics] */
    uint64_t events;
    double wall_s;
} runner_rep;

/* Runs replication rep of point (one sim_t, on the calling thread).
 * Returns 0 or an ERR_* code (ERR_INTERRUPTED when *interrupt was set). */
int runner_replicate(const scenario_t *sc, uint64_t point, uint64_t rep,
                     volatile sig_atomic_t *interrupt, runner_rep *out,
                     err_t *e);
void runner_rep_free(runner_rep *r);

/* Runs replications first .. first+count-1 of point using up to threads
 * OpenMP threads (0 = OpenMP default).  On error, returns the code of the
 * lowest-numbered failing replication with its message in e. */
int runner_run(const scenario_t *sc, uint64_t point, size_t first,
               size_t count, int threads, runner_result *out, err_t *e);
/* Recomputes out->summary from out->reps (after reps were filled or
 * merged by another means). */
int runner_summarise(runner_result *out);
void runner_result_free(runner_result *r);

/* Index of metric name in r, or -1. */
int runner_metric_index(const runner_result *r, const char *name);

/* The Kaplan-Meier estimator of time-to-event metric k pooled over r's
 * replications (NULL on out of memory); *reps_with_data (may be NULL)
 * receives the replications with an observation. */
struct ci_survival;
struct ci_survival *runner_survival(const runner_result *r, size_t k, size_t *reps_with_data);

/* Deep copy of one metric's samples (dst gets its own arrays); -1 on out
 * of memory (dst is then empty). */
int runner_samples_copy(runner_samples *dst, const runner_samples *src);
void runner_samples_free(runner_samples *s);

#endif
