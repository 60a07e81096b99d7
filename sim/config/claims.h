/* claims.h - the `claims:` section: what each published claim says (a
 * metric, a statistic of it, a bound, where it comes from, what it rests
 * on), read and checked with the rest of the scenario.  Judging a claim
 * against results is experiment/verdict.h's; docs/claims.md explains the
 * rules with worked examples.
 *
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
 *
 * Parsing also derives what the engine must record for the claims' rules:
 * exact threshold counts (watches) and kept samples.
 *
 * The `comparisons:` section holds A/B claims: "changing X improves M by
 * this much".  Each names two arms as --set assignments applied to the
 * scenario (an empty list: the scenario as written), the metric and the
 * per-replication statistic compared, the effect (ratio variant/baseline
 * or difference variant - baseline) and a bound on the effect; both arms
 * run with the same seed, point and stream ids (common random numbers),
 * so replication r of one arm is paired with replication r of the other
 * (experiment/paired.h judges them; docs/optimisations.md).
 *
 *   comparisons:
 *     - name: 16 workers give +45 % throughput
 *       metric: canaries.check_throughput
 *       statistic: mean         # mean p50 p90 p95 p99 of each replication
 *       baseline: [canaries.service.workers=8]
 *       variant: [canaries.service.workers=16]
 *       effect: ratio           # or difference (in the metric's unit), or
 *                               # reduction (1 - ratio: "35 % faster")
 *       bound: {min: 1.45}      # on the effect
 *       source: "runbook L922-L925"
 *       assumptions: [canaries.service.rate]
 */
#ifndef MWRASP_CLAIMS_H
#define MWRASP_CLAIMS_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "sim.h"

typedef enum claims_stat {
    CLAIMS_MEAN, CLAIMS_P50, CLAIMS_P90, CLAIMS_P95, CLAIMS_P99, CLAIMS_MIN,
    CLAIMS_MAX, CLAIMS_FRACTION_BELOW
} claims_stat;

typedef enum claims_bound { CLAIMS_BOUND_MAX, CLAIMS_BOUND_MIN, CLAIMS_BOUND_WITHIN } claims_bound;

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

typedef enum claims_effect {
    CLAIMS_EFFECT_RATIO,        /* variant / baseline */
    CLAIMS_EFFECT_DIFFERENCE,   /* variant - baseline, in the metric's unit */
    CLAIMS_EFFECT_REDUCTION     /* 1 - variant / baseline ("35 % latency reduction") */
} claims_effect;

/* One A/B claim: claim.bound bounds the effect (a ratio or reduction is
 * a plain number, "35%" = 0.35; a difference is in the metric's unit). */
typedef struct claims_comparison {
    claims_claim claim;
    claims_effect effect;
    const char **baseline, **variant;   /* --set assignments of each arm */
    size_t nbaseline, nvariant;
    const char *file;                   /* the entry's position, for messages */
    int line, col;
} claims_comparison;

typedef struct claims_comparisons {
    claims_comparison *items;
    size_t n;
} claims_comparisons;

const char *claims_effect_name(claims_effect e);

/* Parses a `comparisons:` list (NULL: none).  0 or -1 with diagnostics. */
int claims_parse_comparisons(cfg_ctx *c, cfg_node *list, claims_comparisons *out);
void claims_comparisons_free(claims_comparisons *l);

/* Parses a `claims:` list (NULL: none) and derives the watches and kept
 * metrics.  0 or -1 with diagnostics. */
int claims_parse(cfg_ctx *c, cfg_node *list, claims_list *out);
void claims_free(claims_list *l);

const char *claims_stat_name(claims_stat s);
/* Converts x written in unit `from` to the metric's unit `to` (units.h). */
int claims_convert(double x, const char *from, const char *to, double *out);

#endif
