/* report.h - the human-readable results table on stdout. */
#ifndef MWRASP_REPORT_H
#define MWRASP_REPORT_H

#include <stdio.h>

#include "runner.h"
#include "scenario.h"

struct campaign_result;
/* The scenario line and the run (or sweep) line. */
void report_header(FILE *out, const scenario_t *sc, const struct campaign_result *c,
                   int threads, double wall_s);
/* Which metrics a table shows: keep(name, ctx) != 0 (keep NULL: all). */
typedef int (*report_keep)(const char *metric, void *ctx);
/* The metrics table: one row per metric (name, unit, mean, 95 % CI,
 * p50/p95/p99 of tallies, what it measures), fitted to width columns (the
 * percentiles go, then the description and long names are cut with
 * "..."); for a sweep one block per metric, a row per point. */
void report_metrics(FILE *out, const scenario_t *sc, const struct campaign_result *c,
                    report_keep keep, void *ctx, int width);
/* Formats v compactly with 4 significant digits ("-" for NaN). */
void report_number(double v, char *buf, size_t size);

#endif
