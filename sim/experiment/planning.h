/* planning.h - capacity planning: the runbook's CapacityPlanning
 * arithmetic reproduced exactly, then a simulation of each month's load
 * (the scenario's capacity: section, config/capacity.h) that finds when
 * each claim breaks and the smallest resources that keep it.
 */
#ifndef MWRASP_PLANNING_H
#define MWRASP_PLANNING_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capacity.h"
#include "err.h"

/* One row of the runbook's projection (month 0 = current). */
typedef struct planning_runbook_row {
    int64_t month, ai_agents, tps;
    double storage_tb;
    int64_t compute_cores, memory_gb;
    double network_gbps;
} planning_runbook_row;

/* One claim's figure in a month's campaign with the resources unchanged:
 * its estimate and interval (verdict.h), the bounds in its unit, and the
 * headroom: how far the interval's far end (the estimate where the rule
 * has no interval) is inside the nearer bound, in that unit (negative:
 * past it; NaN: no data). */
typedef struct planning_estimate {
    int verdict;                       /* verdict_kind */
    double estimate, ci_low, ci_high, level, bound_lo, bound_hi, headroom;
    char unit[16];
} planning_estimate;

typedef struct planning_month {
    double growth_factor;
    double agents;                     /* the first load path's value */
    int64_t holding_unchanged;         /* claims (of those held at 0) still holding */
    int64_t resource_values[CAPACITY_MAX_PATHS];
    int feasible;                      /* 0: no setting within max keeps them */
    char resources[256];               /* "auth.workers=48, ..." */
    planning_estimate est[64];         /* per claim, resources unchanged */
} planning_month;

typedef struct planning_result {
    size_t months;                     /* rows = months + 1 */
    planning_runbook_row runbook[CAPACITY_MAX_MONTHS + 1];
    char recommendations[8][96];
    size_t nrecommendations;
    planning_month plan[CAPACITY_MAX_MONTHS + 1];
    size_t nclaims;
    int held_at_start[64];
    int64_t breaks_at_month[64];       /* -1: holds to the horizon */
    size_t evaluations;                /* campaigns run */
} planning_result;

struct scenario;
/* The runbook's CapacityPlanning.calculate_capacity_requirements and
 * generate_scaling_recommendations, bit for bit (C pow, truncation for
 * int(), correctly rounded one-decimal rounding for round(x, 1)). */
void planning_runbook(const capacity_spec *s, planning_result *out);

/* Runs the simulated plan.  threads: OpenMP threads per evaluation;
 * progress: a line on stderr as each campaign starts. */
int planning_run(const struct scenario *base, int threads,
                  volatile sig_atomic_t *interrupt, int progress, planning_result *out,
                  err_t *e);

void planning_print(FILE *out, const struct scenario *base, const planning_result *r);

/* One rate the throughput search ran: every claim's verdict there, and
 * the first claim's estimate with its interval (the stability figure). */
typedef struct planning_probe {
    double rate;                       /* per second */
    int sustained;                     /* every claim HOLDS */
    int verdict;                       /* the worst claim's: FAILS > INCONCLUSIVE > HOLDS */
    double estimate, ci_low, ci_high, level;
    char unit[16];
} planning_probe;

#define PLANNING_MAX_PROBES 64

/* The throughput: section's answer (config/capacity.h).  The maximum
 * sustainable rate lies in [sustained, unsustained]: the highest rate at
 * which every claim held and the lowest at which one did not (NaN: none
 * such inside the range).  verdict: the claimed rate's own (HOLDS when
 * every claim held there, FAILS when one failed, else INCONCLUSIVE). */
typedef struct planning_throughput {
    int verdict;                       /* verdict_kind */
    double claimed, sustained, unsustained;
    planning_probe probes[PLANNING_MAX_PROBES];   /* in the order run */
    size_t nprobes;
} planning_throughput;

/* Runs the throughput search of base (its throughput: section). */
int planning_throughput_run(const struct scenario *base, int threads,
                            volatile sig_atomic_t *interrupt, int progress,
                            planning_throughput *out, err_t *e);
void planning_throughput_print(FILE *out, const struct scenario *base,
                               const planning_throughput *r);

#endif
