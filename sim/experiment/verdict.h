/* verdict.h - the claims audit: does each published claim hold, and what
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
 *                confidence interval (sim/engine/ci.h) inside the bound HOLDS,
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
#ifndef MWRASP_VERDICT_H
#define MWRASP_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "claims.h"
#include "sweep.h"

struct runner_result;

typedef enum verdict_kind {
    VERDICT_HOLDS = 0, VERDICT_FAILS = 1, VERDICT_INCONCLUSIVE = 2, VERDICT_NO_DATA = 3,
    VERDICT_BY_CONSTRUCTION = 4
} verdict_kind;
#define VERDICT_NKINDS 5

typedef enum verdict_rule {
    VERDICT_RULE_NONE = 0,      /* no data, or a claim that could not be judged */
    VERDICT_RULE_INTERVAL,      /* a confidence interval against the bound */
    VERDICT_RULE_EVERY_CASE,    /* min/max: exceedances counted */
    VERDICT_RULE_RARE           /* rare events bounded by 0 */
} verdict_rule;

/* The result of one claim at one point. */
typedef struct verdict_result {
    verdict_kind verdict;
    verdict_rule rule;
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
} verdict_result;

/* Where a result came from, for counterexamples. */
typedef struct verdict_origin {
    uint64_t seed;
    size_t point;
    double duration_s;   /* measured time per replication (rate exposure) */
} verdict_origin;

/* Judges claim against one point's replications with a two-sided
 * confidence level for its interval (0.95 alone; Holm asks for others).
 * Sets every field; the verdict of an interval claim is HOLDS/FAILS when
 * its CI at `level` decides, else INCONCLUSIVE.  0, or -1 when out of
 * memory (then out holds no verdict: none is made up). */
int verdict_evaluate(const claims_claim *claim, const struct runner_result *r,
                    const verdict_origin *origin, double level, verdict_result *out);

/* Judges every claim at every point (res is [claim][point]) with Holm's
 * step-down over the family of interval claims at family-wise error
 * alpha; *tests (may be NULL) receives the number of tests in the family.
 * 0, or -1 when out of memory. */
int verdict_evaluate_all(const claims_list *l, const struct runner_result *points,
                        size_t npoints, const verdict_origin *origin, double alpha,
                        verdict_result *res, size_t *tests);

/* An A/B pair (claims_compare): claim's bound on the relative reduction
 * 1 - R of its metric's mean, R = mean(after) / mean(before), from
 * replications paired by index (common random numbers; the first
 * min(nreps) of each).  Each mean is pooled over the replications as the
 * claims audit pools it (a tally's observations, else one value per
 * replication); R's standard error is the delta method's over the paired
 * replications (u_i / m_a - v_i / m_b, u and v each replication's
 * deviation from its side's pooled mean, so the pairing's covariance
 * counts), with Student-t on n - 1 degrees of freedom.  R's interval is
 * clipped at 0, so the reduction's never exceeds 100 %.  Estimate and
 * interval in %; verdict as an interval claim at `level`.  0, or -1 when
 * out of memory. */
int verdict_paired(const claims_claim *claim, const struct runner_result *before,
                   const struct runner_result *after, double level, verdict_result *out);

const char *verdict_name(verdict_kind v);
const char *verdict_rule_name(verdict_rule r);

/* Prints the claims table for a single point (alpha per look, the looks
 * --decide took, and m as returned by verdict_evaluate_all, for the header). */
void verdict_print(FILE *out, const claims_list *l, const verdict_result *res, double alpha,
                  size_t looks, size_t m);
/* For a sweep (res is [claim][point]): one block per claim with each
 * point's verdict, and a one-line summary of where the claim holds. */
void verdict_print_sweep(FILE *out, const claims_list *l, const sweep_spec *sw,
                        size_t npoints, const verdict_result *res, double alpha, size_t looks,
                        size_t m);
/* That one-line summary for claim: for each combination of the other axes,
 * the first axis's values at which the claim holds, fails, is undecided. */
void verdict_region(const claims_list *l, size_t claim, const sweep_spec *sw,
                   size_t npoints, const verdict_result *res, char *buf, size_t size);
/* The CI column: "[lo, hi]" with the unit, "< x" for one-sided bounds,
 * or "-". */
void verdict_format_ci(const verdict_result *r, char *buf, size_t size);

#endif
