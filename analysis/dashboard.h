/* dashboard.h - the runbook's ASCII operational dashboard (runbook section
 * 5, SystemHealthMonitor.generate_dashboard) and monthly executive report
 * (section 7.1, OperationalReporting.generate_executive_report), filled from
 * a results file.
 *
 * Every figure comes from a simulated metric (or a scenario parameter the
 * simulation ran with, such as the node count); a figure no metric
 * measures is printed as "n/a (not simulated)", never as a constant.  The
 * metric each figure comes from is looked up in a small table of candidate
 * names (first one present wins), so models may rename or add metrics
 * without breaking the dashboard.  The text depends only on the results
 * file, not on the clock, so two renders of one file are identical.
 */
#ifndef MWRASP_DASHBOARD_H
#define MWRASP_DASHBOARD_H

#include <stddef.h>

#include "resfile.h"

/* The text printed for a figure no metric measures. */
#define DASHBOARD_NA "n/a (not simulated)"

/* Renders the dashboard for sweep point `point` (0 without a sweep) into a
 * new NUL-terminated string (*out, free()).  0, or -1 when out of memory. */
int dashboard_render(const resfile *r, size_t point, char **out);

/* Renders the executive report fields likewise. */
int dashboard_executive(const resfile *r, size_t point, char **out);

/* Lists, one per line, where each figure of the two renders came from
 * ("Threat detection latency <- attacks.time_to_detect"). */
int dashboard_sources(const resfile *r, size_t point, char **out);

/* The metric names the dashboard looks for, at most max of them into
 * names (which may repeat); returns how many there are. */
size_t dashboard_metric_names(const char **names, size_t max);

#endif
