/* report.h - the human-readable results table on stdout. */
#ifndef MWRASP_REPORT_H
#define MWRASP_REPORT_H

#include <stdio.h>

#include "runner.h"
#include "scenario.h"

/* Prints a header naming the scenario and its run settings, then one row
 * per metric: name, unit, mean, 95 % CI, p50/p95/p99 (tallies), and what
 * the metric measures. */
void report_table(FILE *out, const scenario_t *sc, const runner_result *r,
                  int threads, double wall_s);
/* For a sweep: one block per metric, one row per point (axis values,
 * replications, mean, 95 % CI, p50/p95/p99). */
struct campaign_result;
void report_sweep(FILE *out, const scenario_t *base, const struct campaign_result *c,
                  int threads, double wall_s);
/* Formats v compactly with 4 significant digits ("-" for NaN). */
void report_number(double v, char *buf, size_t size);

#endif
