/* capacity.h - the `capacity:` section of a scenario (the plan it asks
 * for is experiment/planning.h's: the runbook's arithmetic, reproduced
 * exactly, then a simulation of each month's load that finds when each
 * claim breaks and the smallest resources that keep it).
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

#include <stddef.h>
#include <stdint.h>

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

int capacity_parse(cfg_ctx *c, cfg_node *section, capacity_spec *out);

/* The `throughput:` section: the highest request rate the system
 * sustains, found by search, against the rate a claim promises
 * (experiment/planning.h runs it).
 *   throughput:
 *     name: 10,000 transactions per second   what is claimed (a label)
 *     rate: consensus.request_rate           the scenario's rate key searched
 *     claimed: 10000/s                       the claimed sustainable rate
 *     range: [100/s, 1000000/s]              the search stays inside it
 *     tolerance: 2%                          stop when hi / lo - 1 is below it
 *     replications: 3                        per evaluation (default: the scenario's)
 *     source: "runbook L907"
 * "Sustained at a rate" means: every claim of the scenario HOLDS there
 * (its whole 95 % CI meets the bound); the claims state the stability
 * criterion (e.g. consensus.backlog_growth <= 1.5).  Assuming that a
 * higher rate never helps, the search probes the claimed rate, doubles
 * (or halves) it until the answer changes, then bisects geometrically. */
typedef struct capacity_throughput {
    int enabled;
    const char *name, *rate, *source;   /* owned by the scenario document */
    double claimed, lo, hi;             /* per second */
    double tolerance;                   /* fraction */
    int64_t replications;
} capacity_throughput;

int capacity_throughput_parse(cfg_ctx *c, cfg_node *section, capacity_throughput *out);

struct scenario;
/* Cross-checks of the capacity: section against the rest of the scenario
 * (sc fully configured, sec its capacity: mapping), before anything runs:
 * no sweep, at most 64 claims, each load a numeric key and each resource a
 * whole-number key set in an active model's section.  Diagnostics at the
 * offending node; 0 or -1. */
int capacity_check(cfg_ctx *c, cfg_node *sec, const struct scenario *sc);

/* Cross-checks of the throughput: section (sc fully configured, sec its
 * mapping): no sweep, no capacity: section, at least one claim and at
 * most 64, rate a rate key set in the scenario, claimed inside range. */
int capacity_throughput_check(cfg_ctx *c, cfg_node *sec, const struct scenario *sc);

/* Scales a scenario value ("10547", "12.5/s", "2ms") by f into buf,
 * keeping its unit; whole numbers without a unit are truncated like
 * int().  0, or -1 when text is not a number. */
int capacity_scale(const char *text, double f, char *buf, size_t size);

#endif
