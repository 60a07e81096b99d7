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

/* The `compare:` section: an A/B pair with common random numbers.  The
 * scenario is the "after" configuration; `before:` sets keys over it
 * (as --set) for the "before" one; both run at the same seed, so each
 * replication of one draws from the same streams (seed, point,
 * replication, stream id) as the same replication of the other.  The
 * claim is on the relative reduction 1 - mean(after) / mean(before) of
 * its metric (statistic mean), with its bound in % or as a fraction:
 *   compare:
 *     before: {consensus.batch_size: 1, consensus.window: 1}
 *     claim:
 *       name: consensus tuning gives a 35 % latency reduction
 *       metric: consensus.latency
 *       bound: {min: 35%}
 *       source: "runbook L968"
 * experiment/verdict.h judges it (verdict_paired). */
typedef struct claims_compare {
    int enabled;
    claims_claim claim;
    char **sets;            /* "path=value" for the before run (owned) */
    size_t nsets;
} claims_compare;

int claims_compare_parse(cfg_ctx *c, cfg_node *section, claims_compare *out);
void claims_compare_free(claims_compare *cc);

/* Parses a `claims:` list (NULL: none) and derives the watches and kept
 * metrics.  0 or -1 with diagnostics. */
int claims_parse(cfg_ctx *c, cfg_node *list, claims_list *out);
void claims_free(claims_list *l);

const char *claims_stat_name(claims_stat s);
/* Converts x written in unit `from` to the metric's unit `to` (units.h). */
int claims_convert(double x, const char *from, const char *to, double *out);

#endif
