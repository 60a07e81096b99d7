/* claims.h - the claims audit: does each published claim hold, and what
 * does the verdict rest on?
 *
 * A scenario's `claims:` list names, for each claim, a metric, a statistic
 * of it and a bound:
 *   claims:
 *     - name: behavioural authentication in 0.1 ms
 *       metric: auth.latency
 *       statistic: p50       # mean p50 p90 p95 p99 min max fraction_below
 *       threshold: 0.1ms     # fraction_below only: P(observation <= threshold)
 *       bound: {max: 0.1ms}  # or {min: x} or {within: [a, b]}
 *       source: "runbook line 15: 0.1ms behavioral authentication"
 *       assumptions: [auth.batch.timeout]   # keys of `assumptions:` it rests on
 *       fixed_by: agents.drift.stationary_sd  # optional: the figure is an input
 *       per: consensus.decided               # optional, rare events: exposure
 * Each claim is judged by the rule that fits its statistic and its metric's
 * domain (stats.h); docs/claims.md explains them with worked examples:
 *   interval     mean / quantile / fraction_below: the statistic's
 *                confidence interval (sim/ci.h) inside the bound HOLDS,
 *                outside FAILS, straddling INCONCLUSIVE (with the
 *                replications that would likely decide it);
 *   every case   min / max: observations beyond the bound are counted
 *                exactly; one is a counterexample (FAILS, with the seed,
 *                point, replication and simulated time that reproduce it);
 *                none HOLDS, with the Clopper-Pearson bound on how rare an
 *                exceedance could still be;
 *   rare event   a STATS_RARE count bounded by {max: 0}: one occurrence is
 *                a counterexample; none HOLDS with an upper bound on the
 *                rate per replication-hour or per unit of `per:`;
 * and a claim on a figure the scenario fixes (the metric's declared input,
 * or the claim's fixed_by:) is BY CONSTRUCTION, never HOLDS.
 *
 * The interval claims of a scenario, over all sweep points, form one
 * family: Holm's step-down procedure keeps the chance of any wrong
 * verdict at or below alpha (5 %), and every interval is printed at the
 * level its test used.
 */
#ifndef MWRASP_CLAIMS_H
#define MWRASP_CLAIMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "sim.h"
#include "stats.h"
#include "sweep.h"

struct runner_result;

typedef enum claims_stat {
    CLAIMS_MEAN, CLAIMS_P50, CLAIMS_P90, CLAIMS_P95, CLAIMS_P99, CLAIMS_MIN,
    CLAIMS_MAX, CLAIMS_FRACTION_BELOW
} claims_stat;

typedef enum claims_bound { CLAIMS_BOUND_MAX, CLAIMS_BOUND_MIN, CLAIMS_BOUND_WITHIN } claims_bound;

typedef enum claims_verdict {
    CLAIMS_HOLDS = 0, CLAIMS_FAILS = 1, CLAIMS_INCONCLUSIVE = 2, CLAIMS_NO_DATA = 3,
    CLAIMS_BY_CONSTRUCTION = 4
} claims_verdict;
#define CLAIMS_NVERDICTS 5

typedef enum claims_rule {
    CLAIMS_RULE_NONE = 0,      /* no data, or a claim that could not be judged */
    CLAIMS_RULE_INTERVAL,      /* a confidence interval against the bound */
    CLAIMS_RULE_EVERY_CASE,    /* min/max: exceedances counted */
    CLAIMS_RULE_RARE           /* rare events bounded by 0 */
} claims_rule;

typedef struct claims_claim {
    const char *name, *metric, *source; /* owned by the scenario document */
    const char *fixed_by;   /* "" or the scenario key(s) fixing the figure */
    const char *per;        /* "" or the exposure metric for a rare event */
    claims_stat stat;
    claims_bound bound;
    /* Bounds as written: value plus unit text; converted at evaluation. */
    double lo, hi;          /* MIN uses lo, MAX uses hi, WITHIN both */
    char lo_unit[8], hi_unit[8], threshold_unit[8];
    double threshold;       /* fraction_below */
    char bound_text[96];    /* "<= 0.1ms", "in [63ms, 78ms]" */
    const char **assumptions; /* keys of the scenario's assumptions: */
    size_t nassumptions;
} claims_claim;

typedef struct claims_list {
    claims_claim *items;
    size_t n;
    sim_watch *watches;     /* thresholds the tallies must count exactly */
    size_t nwatches;
    const char **keep;      /* metrics whose samples a claim pools */
    size_t nkeep;
} claims_list;

/* The result of one claim at one point. */
typedef struct claims_result {
    claims_verdict verdict;
    claims_rule rule;
    double estimate, ci_low, ci_high;   /* in the unit below; CI at `level` */
    double level;                       /* confidence level of the CI */
    double pvalue;                      /* interval rule: the smallest alpha that
                                           decides it; NaN otherwise */
    double bound_lo, bound_hi;          /* converted to the unit */
    long more_replications;             /* INCONCLUSIVE: estimate, -1 unknown */
    size_t replications, reps_with_data;
    /* every case / rare: observations (or replications) beyond the bound */
    double exceed, observations, reps_exceeding;
    double p_exceed, p_exceed_low, p_exceed_high; /* every case: P(beyond), 95 % CP */
    double exceed_upper;                /* none seen: one-sided 95 % upper bound */
    double p_event, p_event_low, p_event_high;   /* TTE metric: P(event seen) */
    long first_rep;                     /* counterexample: replication, -1 none */
    double first_time_s;                /* its simulated time, NaN unknown */
    char unit[16];
    char method[64];                    /* the interval used */
    char note[640];                     /* the verdict in words */
} claims_result;

/* Parses a `claims:` list (NULL: none) and derives the watches and kept
 * metrics.  0 or -1 with diagnostics. */
int claims_parse(cfg_ctx *c, cfg_node *list, claims_list *out);
void claims_free(claims_list *l);

/* Where a result came from, for counterexamples. */
typedef struct claims_origin {
    uint64_t seed;
    size_t point;
    double duration_s;   /* measured time per replication (rate exposure) */
} claims_origin;

/* Judges claim against one point's replications with a two-sided
 * confidence level for its interval (0.95 alone; Holm asks for others).
 * Sets every field; the verdict of an interval claim is HOLDS/FAILS when
 * its CI at `level` decides, else INCONCLUSIVE.  0, or -1 when out of
 * memory (then out holds no verdict: none is made up). */
int claims_evaluate(const claims_claim *claim, const struct runner_result *r,
                    const claims_origin *origin, double level, claims_result *out);

/* Judges every claim at every point (res is [claim][point]) with Holm's
 * step-down over the family of interval claims at family-wise error
 * alpha; *tests (may be NULL) receives the number of tests in the family.
 * 0, or -1 when out of memory. */
int claims_evaluate_all(const claims_list *l, const struct runner_result *points,
                        size_t npoints, const claims_origin *origin, double alpha,
                        claims_result *res, size_t *tests);

const char *claims_verdict_name(claims_verdict v);
const char *claims_stat_name(claims_stat s);
const char *claims_rule_name(claims_rule r);

/* Converts x written in unit `from` to the metric's unit `to` (units.h). */
int claims_convert(double x, const char *from, const char *to, double *out);

/* Prints the claims table for a single point (alpha per look, the looks
 * --decide took, and m as returned by claims_evaluate_all, for the header). */
void claims_print(FILE *out, const claims_list *l, const claims_result *res, double alpha,
                  size_t looks, size_t m);
/* For a sweep (res is [claim][point]): one block per claim with each
 * point's verdict, and a one-line summary of where the claim holds. */
void claims_print_sweep(FILE *out, const claims_list *l, const sweep_spec *sw,
                        size_t npoints, const claims_result *res, double alpha, size_t looks,
                        size_t m);
/* That one-line summary for claim: for each combination of the other axes,
 * the first axis's values at which the claim holds, fails, is undecided. */
void claims_region(const claims_list *l, size_t claim, const sweep_spec *sw,
                   size_t npoints, const claims_result *res, char *buf, size_t size);
/* The CI column: "[lo, hi]" with the unit, "< x" for one-sided bounds,
 * or "-". */
void claims_format_ci(const claims_result *r, char *buf, size_t size);

#endif
