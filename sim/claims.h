/* claims.h - the claims audit: does each published claim hold?
 *
 * A scenario's `claims:` list names, for each claim, a metric, a statistic
 * of it and a bound:
 *   claims:
 *     - name: behavioural authentication in 0.1 ms
 *       metric: auth.latency
 *       statistic: p99        # mean p50 p90 p95 p99 min max fraction_below
 *       threshold: 0.1ms      # fraction_below only: P(sample <= threshold)
 *       bound: {max: 0.1ms}   # or {min: x} or {within: [a, b]}
 *       source: "runbook line 15: 0.1ms behavioral authentication"
 * The statistic is computed in every replication; its mean and Student-t
 * 95 % CI across replications decide the verdict:
 *   HOLDS         the whole CI satisfies the bound,
 *   FAILS         the whole CI violates it,
 *   INCONCLUSIVE  the CI straddles the bound; the estimate of how many
 *                 replications would decide assumes the half-width shrinks
 *                 as 1/sqrt(n) around the same mean.
 * Bounds with duration units are converted to the metric's unit; `99.99%`
 * is the fraction 0.9999.
 */
#ifndef MWRASP_CLAIMS_H
#define MWRASP_CLAIMS_H

#include <stddef.h>
#include <stdio.h>

#include "cfg.h"
#include "stats.h"
#include "sweep.h"

struct runner_result;

typedef enum claims_stat {
    CLAIMS_MEAN, CLAIMS_P50, CLAIMS_P90, CLAIMS_P95, CLAIMS_P99, CLAIMS_MIN,
    CLAIMS_MAX, CLAIMS_FRACTION_BELOW
} claims_stat;

typedef enum claims_bound { CLAIMS_BOUND_MAX, CLAIMS_BOUND_MIN, CLAIMS_BOUND_WITHIN } claims_bound;

typedef enum claims_verdict {
    CLAIMS_HOLDS = 0, CLAIMS_FAILS = 1, CLAIMS_INCONCLUSIVE = 2, CLAIMS_NO_DATA = 3
} claims_verdict;

typedef struct claims_claim {
    const char *name, *metric, *source; /* owned by the scenario document */
    claims_stat stat;
    claims_bound bound;
    /* Bounds as written: value plus unit text; converted at evaluation. */
    double lo, hi;          /* MIN uses lo, MAX uses hi, WITHIN both */
    char lo_unit[8], hi_unit[8], threshold_unit[8];
    double threshold;       /* fraction_below */
    char bound_text[96];    /* "<= 0.1ms", "in [63ms, 78ms]" */
} claims_claim;

typedef struct claims_list {
    claims_claim *items;
    size_t n;
} claims_list;

/* The result of one claim at one point. */
typedef struct claims_result {
    claims_verdict verdict;
    double estimate, ci_low, ci_high;   /* in the metric's unit */
    double bound_lo, bound_hi;          /* converted to the metric's unit */
    long more_replications;             /* INCONCLUSIVE: estimate, -1 unknown */
    size_t replications;
    char unit[16];
    char note[160];
} claims_result;

/* Parses a `claims:` list (NULL: none).  0 or -1 with diagnostics. */
int claims_parse(cfg_ctx *c, cfg_node *list, claims_list *out);
void claims_free(claims_list *l);

/* Evaluates claim against one point's replications.  0, or -1 when out of
 * memory (then out holds no verdict). */
int claims_evaluate(const claims_claim *claim, const struct runner_result *r,
                    claims_result *out);

const char *claims_verdict_name(claims_verdict v);
const char *claims_stat_name(claims_stat s);

/* Converts x written in unit `from` (a duration unit, "%", or "" = the
 * metric's unit) to unit `to` (the metric's unit).  -1 when they are
 * incompatible. */
int claims_convert(double x, const char *from, const char *to, double *out);

/* Prints the claims table for a single point. */
void claims_print(FILE *out, const claims_list *l, const claims_result *res);
/* For a sweep (res is [claim][point]): one block per claim with each
 * point's verdict, and a one-line summary of where the claim holds. */
void claims_print_sweep(FILE *out, const claims_list *l, const sweep_spec *sw,
                        size_t npoints, const claims_result *res);
/* That one-line summary for claim: for each combination of the other axes,
 * the first axis's values at which the claim holds, fails, is undecided. */
void claims_region(const claims_list *l, size_t claim, const sweep_spec *sw,
                   size_t npoints, const claims_result *res, char *buf, size_t size);

#endif
