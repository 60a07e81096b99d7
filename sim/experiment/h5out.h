/* h5out.h - results files (HDF5).
 *
 * Layout (every dataset carries a `units` and a `description` attribute):
 *   /                      attributes: code_version, git_revision, scenario,
 *                          scenario_file, scenario_text, seed, replications,
 *                          threads, command_line, start_time, wall_time_s
 *   /summary/<metric>      compound scalar: mean, ci95_low, ci95_high,
 *                          p50, p95, p99, n, replications
 *   /replications/<metric> compound [R]: value, n, sd, min, max, p50, p90,
 *                          p95, p99 (chunked, deflated, extendible)
 *   /replications/events   uint64 [R]: events processed per replication
 *   /cdf/<metric>          double [R][101]: percentiles 0..100 (tallies)
 *   /timing/wall_s         double [R]: wall time per replication (varies
 *                          from run to run; everything else is determined
 *                          by the scenario and seed)
 * A sweep (a scenario with sweep axes) writes instead:
 *   /sweep/axes/<path>          string [n values] of that axis
 *   /sweep/points/<path>        string [points]: the axis value of each point
 *   /sweep/replications_per_point uint64 [points] (precision targets vary it)
 *   /sweep/summary/<metric>     compound (as /summary) shaped by the grid:
 *                               [n1][n2]... (grid) or [points] (zip), its
 *                               dimensions attached to the HDF5 dimension
 *                               scales beside it (numeric axes in SI
 *                               units; h5scale.h), so netCDF-4 readers
 *                               (xarray + h5netcdf) label them
 *   /sweep/replications/<metric> compound [total reps]: point, replication,
 *                               then the /replications fields
 * Claims (when the scenario has a claims: section):
 *   /claims/table               compound [claims] (one point) or
 *                               [claims][points] (sweep): name, metric,
 *                               statistic, bound, source, verdict, unit,
 *                               note, estimate, ci95_low, ci95_high,
 *                               bound_low, bound_high, replications,
 *                               more_replications
 *   /claims/regions             string [claims] (sweep): where each holds
 * Throughput search (throughput: section), attributes of /throughput:
 * name, rate_key, claimed_per_s, verdict, sustained_per_s and
 * unsustained_per_s (NaN: none in the range), source;
 *   /throughput/probes          compound [k]: rate_per_s, sustained, verdict,
 *                               estimate, ci_low, ci_high, level, unit
 * Capacity plan (capacity: section):
 *   /capacity/runbook           compound [months+1]: month, ai_agents,
 *                               transactions_per_second, storage_tb,
 *                               compute_cores, memory_gb, network_gbps
 *   /capacity/recommendations   string [k]: the runbook's rules' output
 *   /capacity/breaking          compound [claims]: claim, metric,
 *                               held_at_start, breaks_at_month (-1: never)
 *   /capacity/plan              compound [months+1]: month, growth_factor,
 *                               agents, claims_holding_unchanged,
 *                               claims_total, resources, resource_units
 *   /capacity/estimates         compound [(months+1) x claims]: month, claim,
 *                               metric, verdict, estimate, ci_low, ci_high,
 *                               level, bound_low, bound_high, headroom,
 *                               unit (resources unchanged; planning.h)
 * The file is written under a temporary name in the same directory,
 * closed, fsync'd and renamed, so a reader never sees a partial file.
 */
#ifndef MWRASP_H5OUT_H
#define MWRASP_H5OUT_H

#include "err.h"
#include "runner.h"
#include "scenario.h"

struct verdict_result;
struct planning_result;
struct planning_throughput;
typedef struct h5out_meta {
    const char *scenario_file;
    const char *command_line;
    const char *start_time;  /* ISO 8601 */
    double wall_time_s;
    int threads;
    /* Claim verdicts, [claim][point] (NULL when the scenario has none),
     * the family-wise error (split over the looks), the family's size and the
     * looks --decide took. */
    const struct verdict_result *claims;
    double claims_alpha;
    size_t claims_tests, claims_looks;
    /* Capacity plan (NULL when the scenario has no capacity: section). */
    const struct planning_result *capacity;
    /* --robustness study (NULL when not asked for). */
    const struct audit_robust *robustness;
    /* The comparisons' verdicts (NULL or empty when the scenario has none). */
    const struct paired_set *comparisons;
    /* Throughput search (throughput: section), NULL when the scenario has
     * none. */
    const struct planning_throughput *throughput;
    /* Every parameter as resolved, defaults included, as --validate lists
     * them ("mmc.servers = 4"); written, a line each, to the root
     * attribute `parameters` when nparameters. */
    const char *const *parameters;
    size_t nparameters;
} h5out_meta;

/* Writes a campaign's results (one point without a sweep, or a sweep)
 * atomically, like h5out_write. */
struct campaign_result;
int h5out_write_campaign(const char *path, const scenario_t *base,
                         const struct campaign_result *c, const h5out_meta *meta,
                         err_t *e);

/* Writes path atomically.  ERR_CANTCREAT when the directory or temporary
 * file cannot be created, ERR_IO on a write failure; no file is left at
 * path (nor a temporary) on failure. */
int h5out_write(const char *path, const scenario_t *sc, const runner_result *r,
                const h5out_meta *meta, err_t *e);

#endif
