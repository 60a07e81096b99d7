/* stats.h - per-replication statistics and across-replication summaries.
 *
 * Within a replication a metric is one of:
 *   STATS_TALLY  observations (latencies...): count, mean, sd, min, max and
 *                quantiles.  Mean/sd/min/max are exact over all samples
 *                (Welford's update).  Quantiles are exact while the number of
 *                samples is <= the cap (scenario key stats.quantile_samples,
 *                default 100,000); beyond it the samples kept are a uniform
 *                reservoir (Li's algorithm L, which skips ahead between
 *                replacements, driven by the metric's own keyed stream) and
 *                quantiles are estimated from that reservoir.  The replication's value is the mean.
 *   STATS_LEVEL  a piecewise-constant level (queue length, busy servers):
 *                its time-weighted average over [warmup, end]; max kept too.
 *   STATS_COUNT  a count of occurrences after warmup; the value is the count.
 *   STATS_RATE   like COUNT, divided by the measured time in seconds.
 *   STATS_VALUE  a value the model sets once at the end.
 *
 * Across replications the value of each replication is averaged and given
 * a Student-t 95 % confidence interval (gsl_cdf_tdist_Pinv).  Quantiles
 * reported across replications are means of per-replication quantiles.
 */
#ifndef MWRASP_STATS_H
#define MWRASP_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef enum stats_kind {
    STATS_TALLY, STATS_LEVEL, STATS_COUNT, STATS_RATE, STATS_VALUE
} stats_kind;

#define STATS_CDF_POINTS 101 /* percentiles 0..100 kept per replication */

/* One metric's result in one replication. */
typedef struct stats_rep {
    double value;            /* mean / time-average / count / rate / value */
    double n;                /* observations (tally), else 1 */
    double sd, min, max;     /* tally: over samples; level: min/max level */
    double p50, p90, p95, p99; /* tally only, else NaN */
    double cdf[STATS_CDF_POINTS]; /* tally: the 0th..100th percentiles */
} stats_rep;

/* One metric's running state in one replication. */
typedef struct stats_acc {
    stats_kind kind;
    /* tally */
    double n, mean, m2, min, max;
    double *samples;
    size_t nsamples, alloc, cap;
    gsl_rng *reservoir_rng;  /* created lazily when the cap is reached */
    double reservoir_w, reservoir_next; /* algorithm L state */
    uint64_t reservoir_key;
    /* level */
    double level, area;
    int64_t last_ns;
    /* count / value */
    double total;
} stats_acc;

/* Metric catalog entry, identical in every replication. */
typedef struct stats_def {
    char name[64];     /* dotted: "mmc.wait" */
    char unit[16];     /* "ms", "1", "req/s", ... */
    char what[160];    /* one-line description shown in tables */
    stats_kind kind;
    double scale;      /* raw value * scale = value in unit */
} stats_def;

/* Summary of one metric across replications. */
typedef struct stats_summary {
    double mean, ci_low, ci_high, half_width;
    double p50, p95, p99;    /* NaN unless tally */
    double n;                /* total observations over replications */
    size_t reps;
} stats_summary;

void stats_acc_init(stats_acc *a, stats_kind kind, size_t cap,
                    uint64_t reservoir_key);
void stats_acc_free(stats_acc *a);
/* Tally: one observation.  Returns -1 on out of memory (sample dropped
 * from the quantile set only; moments stay exact). */
int stats_tally_add(stats_acc *a, double x);
/* Level: the level becomes x at time now_ns (integrate the old level). */
void stats_level_set(stats_acc *a, int64_t now_ns, double x);
/* Discards everything observed so far (used at the end of warmup); a
 * level keeps its current value, integrating from now_ns. */
void stats_acc_reset(stats_acc *a, int64_t now_ns);
/* Produces the replication result; measured_s is the measured duration. */
void stats_acc_finish(stats_acc *a, int64_t end_ns, double measured_s,
                      stats_rep *out);

/* Across replications (in the given order: the result is bit-identical
 * for identical inputs).  0, or -1 when out of memory. */
int stats_summarise(const stats_rep *reps, size_t nreps, size_t stride,
                    stats_kind kind, stats_summary *out);
/* Student-t 95 % half-width for n values with sample sd. */
double stats_ci95_half_width(double sd, size_t n);

#endif
