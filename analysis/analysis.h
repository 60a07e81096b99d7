/* analysis.h - everything a results file can be turned into: plots, the
 * Markdown and HTML reports, the operational dashboard, the executive
 * report and CSV files.  The one entry point for programs (mwrasp-report,
 * and mwrasp-sim's --plot/--csv) is analysis_run.
 *
 * Output directory (analysis_opts.out_dir, default: the results file's
 * path without ".h5", e.g. results/mmc.h5 -> results/mmc/):
 *   report.md, report.html   claims, key figures, dashboard, executive
 *                            report, plots, assumptions, scenario text;
 *                            report.html is self-contained (plots inlined
 *                            as SVG, no network)
 *   dashboard.txt            the ASCII operational dashboard
 *   executive.txt            the monthly executive report fields
 *   plots/NAME.{dat,gp,png,svg}   see plots.h
 * CSV directory (analysis_opts.csv_dir): summary.csv (or sweep_summary.csv
 * for sweeps), replications.csv, claims.csv when there are claims,
 * capacity_*.csv when there is a capacity plan.
 * Every output depends only on the results file (and on gnuplot for the
 * images).
 */
#ifndef MWRASP_ANALYSIS_H
#define MWRASP_ANALYSIS_H

#include <stdio.h>

#include "err.h"
#include "resfile.h"

typedef struct analysis_opts {
    const char *out_dir;   /* NULL: the results path without ".h5" */
    int plots;             /* write plots (and run gnuplot when found) */
    int report;            /* write report.md/.html, dashboard.txt, executive.txt */
    const char *csv_dir;   /* NULL: no CSV */
    int quiet;             /* no progress lines on stderr (warnings still) */
} analysis_opts;

/* Sets the defaults: plots and report on, no CSV, not quiet. */
void analysis_opts_init(analysis_opts *o);

/* Reads the results file at h5_path and writes what opts asks for.
 * gnuplot missing or failing is a warning on stderr, not an error.
 * Returns 0, or ERR_NOINPUT (results file unreadable), ERR_CANTCREAT /
 * ERR_IO (outputs), ERR_SOFTWARE (out of memory), with e filled. */
int analysis_run(const char *h5_path, const analysis_opts *opts, err_t *e);

/* CSV export of r into dir (created if needed); see above. */
int analysis_write_csv(const resfile *r, const char *dir, err_t *e);

/* The default output directory for h5_path into buf. */
void analysis_default_out_dir(const char *h5_path, char *buf, size_t size);

#endif
