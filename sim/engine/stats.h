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
 * Each metric also declares its domain (stats_domain), which decides the
 * interval its summary gets (docs/claims.md, sim/engine/ci.h):
 *   STATS_NONNEG      durations, counts, sizes (the default): Student-t,
 *                     never below 0;
 *   STATS_REAL        any sign: Student-t;
 *   STATS_PROPORTION  in [0, 1]: a tally of 0/1 trials (pooled successes
 *                     over trials, Wilson with the replications' design
 *                     effect) or a fraction per replication (Student-t
 *                     inside [0, 1]);
 *   STATS_RARE        a count of rare events (safety violations): exact
 *                     Poisson (Garwood) interval; one occurrence is a
 *                     counterexample to a "never" claim;
 *   STATS_TTE         a time to an event that may not happen: tallies of
 *                     the events seen plus censored observations (still
 *                     waiting at the end), so P(event) and Kaplan-Meier
 *                     quantiles can be estimated.
 * A tally's mean across replications is the pooled per-observation mean
 * (the ratio estimator) with the replications as clusters; other kinds
 * average one value per replication.  Replications without data are left
 * out and counted (reps_with_data).  The p50/p95/p99 of a summary are
 * quantiles of the pooled distribution (the mixture of the replications'
 * percentile curves, weighted by their observations).
 *
 * Watches: a tally can count, exactly and for every observation (beyond
 * the quantile cap too), the observations <= and < up to STATS_WATCHES
 * thresholds, with the time of the first one above and below each; the
 * claims layer uses them for "every case" and fraction_below claims.
 */
#ifndef MWRASP_STATS_H
#define MWRASP_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef enum stats_kind {
    STATS_TALLY, STATS_LEVEL, STATS_COUNT, STATS_RATE, STATS_VALUE
} stats_kind;

typedef enum stats_domain {
    STATS_NONNEG = 0, STATS_REAL, STATS_PROPORTION, STATS_RARE, STATS_TTE
} stats_domain;

#define STATS_CDF_POINTS 101 /* percentiles 0..100 kept per replication */
#define STATS_WATCHES 4      /* watched thresholds per tally */

/* One metric's result in one replication. */
typedef struct stats_rep {
    double value;            /* mean / time-average / count / rate / value */
    double n;                /* observations (tally), else 1 */
    double sd, min, max;     /* tally: over samples; level: min/max level */
    double p50, p90, p95, p99; /* tally only, else NaN */
    double cdf[STATS_CDF_POINTS]; /* tally: the 0th..100th percentiles */
    double censored;         /* TTE tally: observations still waiting */
    double first_ns;         /* count: time of the first occurrence, NaN if none */
    double watch_thr[STATS_WATCHES];  /* tally: watched thresholds (unit), NaN unused */
    double watch_le[STATS_WATCHES], watch_lt[STATS_WATCHES]; /* tally: obs <= / < */
    double watch_first_gt_ns[STATS_WATCHES], watch_first_lt_ns[STATS_WATCHES];
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
    /* censored observations (TTE): count, and the first `cap` kept */
    double ncens;
    double *cens;
    size_t ncens_kept, cens_alloc;
    /* watches: thresholds in the metric's unit; x * watch_scale compared */
    int nwatch;
    double watch_scale;
    double watch_thr[STATS_WATCHES], watch_le[STATS_WATCHES], watch_lt[STATS_WATCHES];
    int64_t watch_first_gt[STATS_WATCHES], watch_first_lt[STATS_WATCHES];
    /* level */
    double level, area;
    int64_t last_ns;
    /* count / value */
    double total;
    int64_t first_ns;   /* count: first occurrence (-1 none) */
} stats_acc;

/* Metric catalog entry, identical in every replication. */
typedef struct stats_def {
    char name[64];     /* dotted: "mmc.wait" */
    char unit[16];     /* "ms", "1", "req/s", ... */
    char what[160];    /* one-line description shown in tables */
    stats_kind kind;
    double scale;      /* raw value * scale = value in unit */
    stats_domain domain;
    /* The scenario keys that fix this metric (a figure that is an input,
     * reported BY CONSTRUCTION, never as a finding); "" for an outcome. */
    char input[96];
} stats_def;

/* Summary of one metric across replications. */
typedef struct stats_summary {
    double mean, ci_low, ci_high, half_width; /* half_width = (high-low)/2 */
    double p50, p95, p99;    /* NaN unless tally: pooled */
    double n;                /* total observations over replications */
    size_t reps;
    size_t reps_with_data;   /* replications whose value is defined */
    double censored;         /* TTE: censored observations over replications */
    double p_event, p_event_low, p_event_high; /* TTE: P(event seen), 95 % CI */
    double km_median, km_median_low, km_median_high; /* TTE: Kaplan-Meier, 95 % CI
                                                         (filled by the runner) */
    const char *method;      /* how the interval was made (static text) */
} stats_summary;

void stats_acc_init(stats_acc *a, stats_kind kind, size_t cap,
                    uint64_t reservoir_key);
void stats_acc_free(stats_acc *a);
/* Tally: one observation.  Returns -1 on out of memory (sample dropped
 * from the quantile set only; moments stay exact). */
int stats_tally_add(stats_acc *a, double x);
/* TTE tally: an observation censored at x (the event had not happened
 * after x).  Not part of the moments or quantiles of the events.  -1 on
 * out of memory (the count stays exact). */
int stats_tally_censored(stats_acc *a, double x);
/* Adds a watched threshold (in the metric's unit; raw values are
 * multiplied by scale before the comparison).  Returns its slot, or -1
 * when STATS_WATCHES are in use.  An equal threshold reuses its slot. */
int stats_watch_add(stats_acc *a, double threshold, double scale);
/* Counts a tally observation x (raw) against the watches at time now_ns. */
static inline void stats_watch(stats_acc *a, double x, int64_t now_ns)
{
    double y = x * a->watch_scale;
    for (int k = 0; k < a->nwatch; k++) {
        double t = a->watch_thr[k];
        if (y <= t) {
            a->watch_le[k] += 1;
            if (y < t) {
                a->watch_lt[k] += 1;
                if (a->watch_first_lt[k] < 0)
                    a->watch_first_lt[k] = now_ns;
            }
        } else if (a->watch_first_gt[k] < 0) {
            a->watch_first_gt[k] = now_ns;
        }
    }
}
/* Count: adds increment at time now_ns (remembers the first occurrence). */
static inline void stats_count_add(stats_acc *a, double increment, int64_t now_ns)
{
    if (increment > 0 && a->first_ns < 0)
        a->first_ns = now_ns;
    a->total += increment;
}
/* Level: the level becomes x at time now_ns (integrate the old level). */
void stats_level_set(stats_acc *a, int64_t now_ns, double x);
/* Discards everything observed so far (used at the end of warmup); a
 * level keeps its current value, integrating from now_ns. */
void stats_acc_reset(stats_acc *a, int64_t now_ns);
/* Produces the replication result; measured_s is the measured duration. */
void stats_acc_finish(stats_acc *a, int64_t end_ns, double measured_s,
                      stats_rep *out);

/* The kept samples after stats_acc_finish: events sorted ascending (raw
 * units), censored in arrival order; *weight = observations per kept
 * sample (n / kept, 1 when all were kept). */
void stats_acc_samples(const stats_acc *a, const double **x, size_t *nx,
                       const double **cens, size_t *ncens, double *weight,
                       double *cens_weight);

/* Across replications (in the given order: the result is bit-identical
 * for identical inputs), with the interval def's kind and domain call for.
 * 0, or -1 when out of memory. */
int stats_summarise(const stats_rep *reps, size_t nreps, size_t stride,
                    const stats_def *def, stats_summary *out);
/* The mean of one value per replication with the interval of its domain
 * at the given level (vals[0..n) finite): Student-t, clipped to the
 * domain's range, or Garwood for RARE counts. */
void stats_mean_interval(const double *vals, size_t n, stats_domain domain,
                         double level, double *mean, double *lo, double *hi);
/* Student-t 95 % half-width for n values with sample sd. */
double stats_ci95_half_width(double sd, size_t n);
/* Pooled quantile p of a tally from the replications' percentile curves. */
double stats_pooled_quantile(const stats_rep *reps, size_t nreps, size_t stride, double p);

#endif
