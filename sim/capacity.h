/* capacity.h - capacity planning: the runbook's arithmetic, reproduced
 * exactly, then a simulation of each month's load that finds when each
 * claim breaks and the smallest resources that keep it.
 *
 * Scenario section `capacity:`
 *   months: 6            horizon (the runbook's months_ahead)
 *   growth: 15%          monthly growth (runbook growth_rate)
 *   buffer: 30%          headroom on cores and memory (resource_buffer)
 *   current: {ai_agents, tps, storage_tb, compute_cores, memory_gb,
 *             network_gbps}  the runbook's get_current_metrics(), which it
 *                           never lists: every value is an assumption
 *   load: [agents.count, ...]  scenario paths multiplied by the growth
 *                           factor each month (whole numbers truncated, as
 *                           the runbook's int())
 *   resources:           what may be added, searched in this order:
 *     - {path: auth.workers, max: 1024}
 *   replications: 4      per evaluation (default: the scenario's)
 * Search: for each month the claims that HELD at month 0 must HOLD again
 * (their 95 % CI inside the bound).  Resources are raised one at a time,
 * in the listed order, to the smallest value that restores every claim,
 * assuming more of a resource never hurts (exponential then binary
 * search); a month starts from the previous month's values.
 */
#ifndef MWRASP_CAPACITY_H
#define MWRASP_CAPACITY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "err.h"

#define CAPACITY_MAX_MONTHS 120
#define CAPACITY_MAX_PATHS 16

typedef struct capacity_resource {
    const char *path;
    int64_t max;
} capacity_resource;

typedef struct capacity_spec {
    int enabled;
    int64_t months;
    double growth, buffer;
    double ai_agents, tps, storage_tb, compute_cores, memory_gb, network_gbps;
    const char *load[CAPACITY_MAX_PATHS];
    size_t nload;
    capacity_resource resources[CAPACITY_MAX_PATHS];
    size_t nresources;
    int64_t replications;
} capacity_spec;

/* One row of the runbook's projection (month 0 = current). */
typedef struct capacity_runbook_row {
    int64_t month, ai_agents, tps;
    double storage_tb;
    int64_t compute_cores, memory_gb;
    double network_gbps;
} capacity_runbook_row;

typedef struct capacity_month {
    double growth_factor;
    double agents;                     /* the first load path's value */
    int64_t holding_unchanged;         /* claims (of those held at 0) still holding */
    int64_t resource_values[CAPACITY_MAX_PATHS];
    int feasible;                      /* 0: no setting within max keeps them */
    char resources[256];               /* "auth.workers=48, ..." */
} capacity_month;

typedef struct capacity_result {
    size_t months;                     /* rows = months + 1 */
    capacity_runbook_row runbook[CAPACITY_MAX_MONTHS + 1];
    char recommendations[8][96];
    size_t nrecommendations;
    capacity_month plan[CAPACITY_MAX_MONTHS + 1];
    size_t nclaims;
    int held_at_start[64];
    int64_t breaks_at_month[64];       /* -1: holds to the horizon */
    size_t evaluations;                /* campaigns run */
} capacity_result;

int capacity_parse(cfg_ctx *c, cfg_node *section, capacity_spec *out);

struct scenario;
/* Cross-checks of the capacity: section against the rest of the scenario
 * (sc fully configured, sec its capacity: mapping), before anything runs:
 * no sweep, at most 64 claims, each load a numeric key and each resource a
 * whole-number key set in an active model's section.  Diagnostics at the
 * offending node; 0 or -1. */
int capacity_check(cfg_ctx *c, cfg_node *sec, const struct scenario *sc);

/* The runbook's CapacityPlanning.calculate_capacity_requirements and
 * generate_scaling_recommendations, bit for bit (C pow, truncation for
 * int(), correctly rounded one-decimal rounding for round(x, 1)). */
void capacity_runbook(const capacity_spec *s, capacity_result *out);

struct scenario;
/* Runs the simulated plan.  threads: OpenMP threads per evaluation. */
int capacity_plan(const struct scenario *base, int threads,
                  volatile sig_atomic_t *interrupt, capacity_result *out, err_t *e);

void capacity_print(FILE *out, const struct scenario *base, const capacity_result *r);

#endif
