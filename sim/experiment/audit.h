/* audit.h - the experiments around the claims: deciding them with more
 * replications (--decide), and finding what each verdict rests on by
 * moving every assumption across its range (--robustness).
 *
 * --decide.  Looks at the results after R, 2R, 4R, ... replications per
 * point (R = the scenario's replications:), up to
 * precision.max_replications: K looks in all.  Each look judges the claims
 * with Holm at alpha / K, so the chance that any look, and so the final
 * one, gives a wrong verdict stays at or below alpha (a Bonferroni split
 * of alpha over the looks).  Points with an undecided interval claim get
 * twice the replications; the campaign ends when every claim is decided or
 * the maximum is reached.  Decisions use results only: the same for any
 * thread or rank count.
 *
 * --robustness.  For every assumption and both ends of its range, the
 * scenario runs again with that one value changed (same seed: common
 * random numbers) and every claim is judged there.  Where an interval
 * claim's estimate lies on different sides of its bound at the two ends,
 * the break-even value is found by the Illinois (false position) method,
 * and its interval by the same search on the ends of the claim's CI.
 */
#ifndef MWRASP_AUDIT_H
#define MWRASP_AUDIT_H

#include <stddef.h>

#include "campaign.h"
#include "claims.h"
#include "scenario.h"
#include "verdict.h"

/* Number of looks from `first` replications, doubling, up to `max`. */
size_t audit_looks(size_t first, size_t max);

/* The --decide rule for campaign_opts.policy. */
typedef struct audit_decide {
    const scenario_t *base;
    double alpha_look;       /* alpha / K */
    size_t max_replications;
} audit_decide;
int audit_decide_policy(void *ctx, const runner_result *points, size_t npoints,
                        size_t *targets);

/* One claim at one assumption. */
typedef struct audit_robust_row {
    size_t claim, assumption;
    verdict_kind verdict_low, verdict_base, verdict_high;
    double estimate_low, estimate_base, estimate_high;  /* in the claim's unit */
    char unit[16];                                      /* the claim's unit */
    int flips;                 /* the estimate crosses the bound in the range */
    double break_even, break_even_low, break_even_high; /* in value_unit; NaN none */
    char value_unit[16];       /* the assumption's display unit */
    char base_value[64];       /* the assumption's value in the scenario */
    char sentence[512];
} audit_robust_row;

typedef struct audit_robust {
    audit_robust_row *rows;  /* [assumption][claim] */
    size_t n;
    size_t runs;             /* campaigns run */
} audit_robust;

/* Runs the robustness study of sc (a single point; baseline holds its
 * results judged with verdict_evaluate_all at alpha).  copts supplies
 * threads, MPI rank/size and the interrupt flag (no journal is kept).
 * resolved: the load's resolved values, for each assumption's baseline. */
int audit_robustness(const scenario_t *sc, const cfg_ctx *resolved, const campaign_opts *copts,
                     const verdict_result *baseline, double alpha, audit_robust *out,
                     err_t *e);
void audit_robust_free(audit_robust *r);
void audit_robust_print(FILE *out, const scenario_t *sc, const audit_robust *r);

/* The A/B pair of the compare: section (claims.h): the before
 * configuration run at the scenario's seed (common random numbers with
 * `after`, the scenario's own campaign at its single point), the paired
 * verdict on the reduction (verdict_paired, 95 %: its own family). */
typedef struct audit_compare_result {
    verdict_result verdict;
    size_t replications;      /* of the before run */
} audit_compare_result;

int audit_compare(const scenario_t *sc, const runner_result *after, const campaign_opts *copts,
                  audit_compare_result *out, err_t *e);
void audit_compare_print(FILE *out, const scenario_t *sc, const audit_compare_result *r);

#endif
