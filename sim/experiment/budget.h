/* budget.h - what a run will cost, estimated before it starts, and the
 * refusal of a run beyond its budget.
 *
 * Legal values can ask for unbounded work: a 1000 x 1000 sweep grid, a
 * billion PHOLD processes, a warmup of 1e9 s.  Before any replication runs
 * (and before the sweep is expanded), the run's peak memory and its number
 * of events are estimated from each model's own estimate (sim_estimate),
 * the replications, the sweep points and the threads, and a run over
 * budget is refused with the position of the key that makes it big:
 *   memory  --max-memory SIZE, default 3/4 of the memory this process may
 *           use (the least of physical RAM, the cgroup's memory.max,
 *           RLIMIT_AS and RLIMIT_DATA);
 *   events  --max-events N, default 1e11 (about three hours of one core).
 * The estimates decide nothing about results, only whether to start.
 * Measured on the shipped scenarios (one replication, one thread): the
 * memory estimate is above the peak RSS for every one (by 1.2x to 4x);
 * the event estimate is within a factor of 5 (models without an estimate
 * of their own, such as attacks or response, count as small).
 */
#ifndef MWRASP_BUDGET_H
#define MWRASP_BUDGET_H

#include <stddef.h>

#include "err.h"
#include "scenario.h"

#define BUDGET_DEFAULT_EVENTS 1e11

typedef struct budget_limits {
    double max_bytes;          /* 0: budget_default_memory() */
    double max_events;         /* 0: BUDGET_DEFAULT_EVENTS */
} budget_limits;

typedef struct budget_estimate {
    double bytes;              /* peak memory of the run */
    double events;             /* events of all replications */
    double rep_bytes;          /* one replication (the largest point) */
    double rep_events;         /* one replication (the largest point) */
    double results_bytes;      /* results kept for the file */
    double points_bytes;       /* the expanded sweep points */
    size_t concurrent;         /* replications in memory at once */
    double replications;       /* per point, the most a run may need */
    const char *rep_driver;    /* the parameter sizing a replication */
    const char *events_driver; /* the model parameter sizing its events */
} budget_estimate;

/* The default memory budget in bytes; *source (may be NULL) names what
 * limited it ("physical memory", "RLIMIT_AS", ...). */
double budget_default_memory(const char **source);

/* Estimates a run of npoints points with threads threads.  points may be
 * NULL (before the sweep is expanded: every point costs what base does);
 * max_replications is the most replications a point may take (precision
 * targets raise it above base->replications). */
void budget_estimate_run(const scenario_t *base, scenario_t *const *points, size_t npoints,
                         int threads, double max_replications, budget_estimate *out);

/* 0 when est fits lim; else ERR_DATA positioned at the key that makes the
 * run big, saying how big, the budget, and how to go on (make it smaller,
 * or raise the option). */
int budget_check(const budget_estimate *est, const budget_limits *lim, const scenario_t *base,
                 size_t npoints, err_t *e);

/* "1.5 GB", "812 MB": a byte count for messages. */
void budget_format_bytes(double bytes, char *buf, size_t size);

#endif
