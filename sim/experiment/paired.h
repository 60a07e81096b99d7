/* paired.h - A/B claims (the scenario's `comparisons:`, config/claims.h)
 * judged from paired replications under common random numbers.
 *
 * Each arm is the scenario with its --set assignments applied, run with
 * the scenario's seed at point 0, so replication r of both arms draws
 * from the same streams (seed, point, replication, stream id): whatever
 * the change leaves alone (arrival times, keys, the stream of every
 * other model) is identical in both, and the difference between the arms
 * is the change's.  An arm without assignments is the scenario as
 * written (its results are reused).
 *
 * The effect, from the statistic's value in each replication (a_r in the
 * baseline, b_r in the variant; n pairs).  mean(x) is the mean over the
 * replications, or for the mean of a tally the pooled mean sum(n_r x_r) /
 * sum(n_r) over its observations (as the claims audit pools it), with
 * u_r = n_r (x_r - mean(x)) / mean(n) its linearised deviation (x_r -
 * mean(x) unpooled):
 *   difference  mean(b) - mean(a) +- t_{n-1} se, se = sqrt(sum (u_b - u_a)^2
 *               / (n (n - 1))) (the paired t unpooled); inside [-1, 1] for
 *               a proportion metric;
 *   ratio       mean(b) / mean(a) with the interval exp(+- t_{n-1} se) x
 *               ratio, se the delta-method (paired, so the arms' covariance
 *               counts) standard error of log(mean(b) / mean(a)):
 *               sqrt(sum (u_b / mean(b) - u_a / mean(a))^2 / (n (n - 1)));
 *               always > 0;
 *   reduction   1 - ratio with the interval 1 - the ratio's (below 100 %).
 * Identical arms give a difference of exactly 0 and a ratio of exactly 1
 * with a zero-width interval.
 *
 * The verdict: the effect's interval against the bound, as for interval
 * claims (HOLDS: all of it meets the bound; FAILS: none; INCONCLUSIVE);
 * the comparisons of a scenario share the family-wise error by
 * Bonferroni (each interval at 1 - alpha / m).  A metric the scenario
 * fixes (an input, stats_def.input) is BY CONSTRUCTION, never a finding.
 * docs/optimisations.md.
 */
#ifndef MWRASP_PAIRED_H
#define MWRASP_PAIRED_H

#include <stdio.h>

#include "campaign.h"
#include "claims.h"
#include "runner.h"
#include "scenario.h"
#include "verdict.h"

/* The effect of one comparison and its verdict. */
typedef struct paired_result {
    verdict_kind verdict;
    double estimate, ci_low, ci_high, level;   /* the effect; CI at level */
    double bound_lo, bound_hi;                 /* on the effect, converted */
    double baseline_mean, variant_mean;        /* the statistic, metric unit */
    size_t pairs;
    char unit[16];                             /* the metric's unit */
    char sentence[768];
} paired_result;

typedef struct paired_set {
    paired_result *rows;   /* [comparison] */
    size_t n;
    size_t runs;           /* campaigns run for the arms */
} paired_set;

/* The effect of n pairs (a: baseline, b: variant values; wa, wb their
 * weights for a pooled mean, or NULL: equal) with its two-sided interval
 * at level; lo/hi clamp to [-1, 1] for a proportion difference.  Returns
 * 0, or -1 when the pairs cannot give one (n < 2, a value not finite, a
 * weight not positive, a ratio or reduction with a non-positive mean). */
int paired_effect(claims_effect effect, int proportion, const double *a, const double *wa,
                  const double *b, const double *wb, size_t n, double level, double *est,
                  double *lo, double *hi);

/* The per-replication value of the statistic of metric k in replication
 * rep of r, in the metric's unit (NaN when the replication has none). */
double paired_value(const runner_result *r, size_t k, size_t rep, claims_stat stat);

/* Runs the arms of every comparison of sc (one point, no sweep) and
 * judges them at family-wise error alpha.  as_written: the scenario's own
 * results (point 0), used for arms without assignments.  copts supplies
 * threads, MPI and the interrupt flag (no journal is kept). */
int paired_run_all(const scenario_t *sc, const campaign_opts *copts,
                   const runner_result *as_written, double alpha, paired_set *out, err_t *e);
void paired_free(paired_set *s);
void paired_print(FILE *out, const scenario_t *sc, const paired_set *s);

/* --robustness for the comparisons: every comparison judged again at both
 * ends of each assumption's range (the scenario with that value, and its
 * arms over it; an arm that sets the key itself keeps its own value), with
 * the same seed.  No break-even search: the two ends' verdicts and
 * effects. */
typedef struct paired_robust_row {
    size_t comparison, assumption;
    verdict_kind verdict_low, verdict_high;
    double estimate_low, estimate_high;
    char sentence[640];
} paired_robust_row;

typedef struct paired_robust {
    paired_robust_row *rows;   /* [assumption][comparison] */
    size_t n;
    size_t runs;               /* campaigns run */
} paired_robust;

int paired_robustness(const scenario_t *sc, const campaign_opts *copts, double alpha,
                      paired_robust *out, err_t *e);
void paired_robust_free(paired_robust *r);
void paired_robust_print(FILE *out, const scenario_t *sc, const paired_robust *r);

#endif
