/* resfields.h - the compound tables of a results file, field by field:
 * the one list from which the HDF5 writer (experiment/h5out.c) builds its
 * row structs and compound types, the reader (analysis/resfile.c) its
 * structs and field tables (hence what its child process's wire format
 * carries), and the CSV export its replication and capacity tables.
 *
 * Each RESFIELDS_<TABLE>(X) expands X(name, KIND) once per field, in the
 * file's order; KIND is DOUBLE, I64, U64 or STR.  A consumer makes its row
 * struct with RESFIELDS_WRITER / RESFIELDS_READER (strings borrowed or
 * owned) and its field table with offsetof, so a field added here is in
 * every struct and table at once, or the build says where it is missing.
 * The order of a table is the order of its compound type in the file.
 */
#ifndef MWRASP_RESFIELDS_H
#define MWRASP_RESFIELDS_H

#include <stddef.h>
#include <stdint.h>

typedef enum resfields_kind {
    RESFIELDS_DOUBLE, RESFIELDS_I64, RESFIELDS_U64, RESFIELDS_STR
} resfields_kind;

typedef struct resfields_field {
    const char *name;
    resfields_kind kind;
    size_t offset;       /* in the consumer's row struct */
} resfields_field;

#define RESFIELDS_WTYPE_DOUBLE double
#define RESFIELDS_WTYPE_I64 int64_t
#define RESFIELDS_WTYPE_U64 uint64_t
#define RESFIELDS_WTYPE_STR const char *
#define RESFIELDS_RTYPE_DOUBLE double
#define RESFIELDS_RTYPE_I64 int64_t
#define RESFIELDS_RTYPE_U64 uint64_t
#define RESFIELDS_RTYPE_STR char *
/* A member of the writer's row (strings borrowed from the run) or of the
 * reader's (strings owned). */
#define RESFIELDS_WRITER(name, kind) RESFIELDS_WTYPE_##kind name;
#define RESFIELDS_READER(name, kind) RESFIELDS_RTYPE_##kind name;
/* A field table entry for row struct T. */
#define RESFIELDS_ENTRY(T, name, kind) { #name, RESFIELDS_##kind, offsetof(T, name) },

/* /summary/<metric> and /sweep/summary/<metric>: one row per point. */
#define RESFIELDS_SUMMARY(X) \
    X(mean, DOUBLE) X(ci95_low, DOUBLE) X(ci95_high, DOUBLE) X(p50, DOUBLE) X(p95, DOUBLE) \
    X(p99, DOUBLE) X(n, DOUBLE) X(replications, U64) X(reps_with_data, U64) \
    X(censored, DOUBLE) X(p_event, DOUBLE) X(p_event_low, DOUBLE) X(p_event_high, DOUBLE) \
    X(km_median, DOUBLE) X(km_median_low, DOUBLE) X(km_median_high, DOUBLE)

/* /replications/<metric>: one row per replication. */
#define RESFIELDS_REP(X) \
    X(value, DOUBLE) X(n, DOUBLE) X(sd, DOUBLE) X(min, DOUBLE) X(max, DOUBLE) X(p50, DOUBLE) \
    X(p90, DOUBLE) X(p95, DOUBLE) X(p99, DOUBLE)
/* /sweep/replications/<metric>: the same, with the point and replication. */
#define RESFIELDS_SWEEP_REP(X) X(point, U64) X(replication, U64) RESFIELDS_REP(X)

/* /claims/table: one row per claim and point (docs/claims.md). */
#define RESFIELDS_CLAIM(X) \
    X(name, STR) X(metric, STR) X(statistic, STR) X(bound, STR) X(source, STR) \
    X(verdict, STR) X(unit, STR) X(note, STR) X(rule, STR) X(method, STR) \
    X(assumptions, STR) X(estimate, DOUBLE) X(ci_low, DOUBLE) X(ci_high, DOUBLE) \
    X(level, DOUBLE) X(pvalue, DOUBLE) X(bound_low, DOUBLE) X(bound_high, DOUBLE) \
    X(replications, U64) X(reps_with_data, U64) X(more_replications, I64) \
    X(exceed, DOUBLE) X(observations, DOUBLE) X(reps_exceeding, DOUBLE) \
    X(p_exceed, DOUBLE) X(p_exceed_low, DOUBLE) X(p_exceed_high, DOUBLE) \
    X(exceed_upper, DOUBLE) X(first_replication, I64) X(first_time_s, DOUBLE) \
    X(p_event, DOUBLE) X(p_event_low, DOUBLE) X(p_event_high, DOUBLE)

/* /robustness/table: one row per claim and assumption. */
#define RESFIELDS_ROBUST(X) \
    X(claim, STR) X(assumption, STR) X(low, STR) X(high, STR) X(baseline, STR) \
    X(verdict_low, STR) X(verdict_baseline, STR) X(verdict_high, STR) X(unit, STR) \
    X(value_unit, STR) X(sentence, STR) X(estimate_low, DOUBLE) \
    X(estimate_baseline, DOUBLE) X(estimate_high, DOUBLE) X(flips, I64) \
    X(break_even, DOUBLE) X(break_even_low, DOUBLE) X(break_even_high, DOUBLE)

/* /comparisons/table: one row per A/B claim (docs/optimisations.md). */
#define RESFIELDS_COMPARISON(X) \
    X(name, STR) X(metric, STR) X(statistic, STR) X(effect, STR) X(bound, STR) \
    X(source, STR) X(baseline, STR) X(variant, STR) X(assumptions, STR) X(verdict, STR) \
    X(unit, STR) X(sentence, STR) X(estimate, DOUBLE) X(ci_low, DOUBLE) X(ci_high, DOUBLE) \
    X(level, DOUBLE) X(bound_low, DOUBLE) X(bound_high, DOUBLE) X(baseline_mean, DOUBLE) \
    X(variant_mean, DOUBLE) X(pairs, U64)

/* /capacity/runbook, /capacity/breaking, /capacity/plan. */
#define RESFIELDS_RUNBOOK(X) \
    X(month, I64) X(ai_agents, I64) X(transactions_per_second, I64) X(storage_tb, DOUBLE) \
    X(compute_cores, I64) X(memory_gb, I64) X(network_gbps, DOUBLE)
#define RESFIELDS_BREAKING(X) \
    X(claim, STR) X(metric, STR) X(held_at_start, I64) X(breaks_at_month, I64)
#define RESFIELDS_PLAN(X) \
    X(month, I64) X(growth_factor, DOUBLE) X(agents, DOUBLE) \
    X(claims_holding_unchanged, I64) X(claims_total, I64) X(resources, STR) \
    X(resource_units, DOUBLE)

/* /capacity/estimates: one row per month and claim, resources unchanged. */
#define RESFIELDS_CAPACITY_ESTIMATE(X) \
    X(month, I64) X(claim, STR) X(metric, STR) X(verdict, STR) X(estimate, DOUBLE) \
    X(ci_low, DOUBLE) X(ci_high, DOUBLE) X(level, DOUBLE) X(bound_low, DOUBLE) \
    X(bound_high, DOUBLE) X(headroom, DOUBLE) X(unit, STR)

/* /throughput/probes: every rate the throughput search ran, in order. */
#define RESFIELDS_THROUGHPUT_PROBE(X) \
    X(rate_per_s, DOUBLE) X(sustained, I64) X(verdict, STR) X(estimate, DOUBLE) \
    X(ci_low, DOUBLE) X(ci_high, DOUBLE) X(level, DOUBLE) X(unit, STR)
#define RESFIELDS_COUNT(a) (sizeof(a) / sizeof(a)[0])

#endif
