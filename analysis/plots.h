/* plots.h - gnuplot figures from a results file.
 *
 * For each figure NAME the directory gets NAME.dat (tab-separated data,
 * blocks separated by two blank lines for gnuplot's `index`) and NAME.gp
 * (a script that, run from that directory with `gnuplot NAME.gp`, writes
 * NAME.png with pngcairo and NAME.svg), so users can restyle a plot
 * without the simulator.  Figures, each only when its data is present:
 *   cdf_<metric>        latency CDFs (/cdf: every replication and their
 *                       mean curve), with the bounds of claims on the metric
 *   sweep_<metric>      1-D or 2-D sweeps: mean and 95 % CI band per point
 *   claim_<k>           1-D sweeps: claim k's statistic, CI and bound, with
 *                       each point's verdict
 *   holds_<k>           2-D grids: where claim k holds (heat map)
 *   capacity            /capacity: load and resources per month, months
 *                       where claims break
 *   escalation_<family> escalation.<family>.<role> metrics, bars per role
 *   attack_timeline     attack, detection, containment, key rotation
 * The text of a figure depends only on the results file.
 */
#ifndef MWRASP_PLOTS_H
#define MWRASP_PLOTS_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "resfile.h"

typedef struct plots_item {
    char name[160];      /* file stem, e.g. "cdf_mmc.wait" */
    char title[320];     /* one line, for reports */
    int rendered;        /* NAME.png and NAME.svg were written */
} plots_item;

typedef struct plots_list {
    plots_item *items;
    size_t n, cap;
} plots_list;

/* Path of the gnuplot program ($MWRASP_GNUPLOT, else `gnuplot` on PATH)
 * written into buf; 0 when it exists and is executable, else -1. */
int plots_find_gnuplot(char *buf, size_t size);

/* Writes every applicable figure into dir (created if needed) and, when
 * run_gnuplot is set and gnuplot is found, renders it.  Warnings (gnuplot
 * missing or failing on one script: not errors) go to warn unless it is
 * NULL.  Fills out (caller frees with plots_list_free).  Returns 0, or
 * ERR_CANTCREAT / ERR_IO when a file cannot be written, ERR_SOFTWARE on
 * out of memory. */
int plots_write(const resfile *r, const char *dir, int run_gnuplot, FILE *warn,
                plots_list *out, err_t *e);

void plots_list_free(plots_list *l);

/* The metric names the figures look for by name (the attack timeline's);
 * the others take whatever the file has (every /cdf entry, every
 * escalation.<family>.<role>).  Fills names[0..max) and returns how many
 * there are. */
size_t plots_metric_names(const char **names, size_t max);

#endif
