/* output.h - what a run prints on stdout, in the format asked for.
 *
 * table (the default, for people): the scenario and run lines, then the
 *   claims' verdicts one line each, then the table of the metrics the
 *   claims use (every metric with --all, those matching --metrics GLOB,...;
 *   every metric when the scenario has no claims), then each verdict's
 *   details.  Fitted to the terminal's width: $COLUMNS, else the
 *   terminal's (TIOCGWINSZ), else 120 columns (a pipe, a file, CI);
 *   long lines wrap, table rows drop the percentiles, then cut the
 *   description and long names with "...".
 * markdown: the same verdicts and metrics as Markdown tables.
 * csv: the selected metrics' summaries, a row per point and metric.
 * json: one object with the run, every claim's verdict (interval, level,
 *   rule, method, note, per point) and the selected metrics' summaries.
 * The results file is complete whatever is printed.
 */
#ifndef MWRASP_OUTPUT_H
#define MWRASP_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "campaign.h"
#include "scenario.h"
#include "verdict.h"

typedef enum output_format {
    OUTPUT_TABLE, OUTPUT_MARKDOWN, OUTPUT_CSV, OUTPUT_JSON
} output_format;

typedef struct output_view {
    output_format format;
    int all;              /* --all: every metric */
    const char *metrics;  /* --metrics: comma-separated fnmatch globs, or NULL */
    int width;            /* columns (output_width) */
} output_view;

/* "table", "markdown", "csv", "json": 0, else -1. */
int output_parse_format(const char *name, output_format *out);
/* $COLUMNS (20..1000), else the terminal's width on stdout, else 120. */
int output_width(void);

typedef struct output_run {
    const scenario_t *sc;
    const campaign_result *camp;
    const verdict_result *claims;   /* [claim][point] */
    double alpha;                   /* per look */
    size_t looks, tests;
    int threads;
    double wall_s;
    const char *results;            /* the results file's path */
    const struct paired_set *comparisons; /* A/B claims (NULL or empty: none) */
} output_run;

/* Whether a table shows metric (the view's selection). */
int output_keep(const output_view *v, const scenario_t *sc, const char *metric);

/* Prints the run in v's format.  For the table, the text `tail` (what
 * else the run reports: --decide, robustness, capacity; may be NULL) goes
 * after the details, wrapped like the rest. */
void output_print(FILE *out, const output_view *v, const output_run *r, const char *tail);

#endif
