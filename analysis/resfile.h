/* resfile.h - a results file (sim/experiment/h5out.h layout) read whole into memory.
 * The tables' row structs below are made from sim/format/resfields.h, the
 * list the writer uses too.
 *
 * The analysis programs (plots, reports, dashboard, CSV) work from this
 * copy only, never from the simulator's state, so everything they show can
 * be regenerated from the HDF5 file alone.
 *
 * Invariants once resfile_open succeeds:
 *   - npoints >= 1; a file without a sweep has npoints == 1, naxes == 0.
 *   - metrics[] is sorted by name; each metric's summary (when present) has
 *     npoints entries, in the file's point order (row-major over axes[],
 *     axes[0] varying slowest).
 *   - claims[] is [nclaims][npoints] (claim-major).
 *   - every string is non-NULL (a field the file lacks reads as ""), every
 *     double a field lacks reads as NaN, every integer as 0.
 * Reading is tolerant: a group or dataset that is absent (no claims, no
 * capacity, no sweep) leaves the matching arrays empty.
 */
#ifndef MWRASP_RESFILE_H
#define MWRASP_RESFILE_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "resfields.h"

#define RESFILE_CDF_POINTS 101

typedef struct resfile_summary {
    RESFIELDS_SUMMARY(RESFIELDS_READER)
} resfile_summary;

/* One replication of one metric (point is 0 without a sweep). */
typedef struct resfile_rep {
    RESFIELDS_SWEEP_REP(RESFIELDS_READER)
} resfile_rep;

typedef struct resfile_metric {
    char *name, *units, *description;
    resfile_summary *summary;   /* [npoints], NULL when the file has none */
    resfile_rep *reps;          /* [nreps] */
    size_t nreps;
    double *cdf;                /* [cdf_reps][RESFILE_CDF_POINTS] or NULL */
    size_t cdf_reps;
} resfile_metric;

typedef struct resfile_axis {
    char *path;                 /* "mmc.servers" */
    char **values;              /* [nvalues] as written ("30", "28.8/s") */
    size_t nvalues;
    char **at_point;            /* [npoints] */
} resfile_axis;

/* One claim at one point (docs/claims.md): the interval is at `level`. */
typedef struct resfile_claim {
    RESFIELDS_CLAIM(RESFIELDS_READER)
} resfile_claim;

/* One claim at one assumption of a --robustness study. */
typedef struct resfile_robust {
    RESFIELDS_ROBUST(RESFIELDS_READER)
} resfile_robust;

typedef struct resfile_cap_runbook {
    RESFIELDS_RUNBOOK(RESFIELDS_READER)
} resfile_cap_runbook;

/* breaks_at_month -1: holds to the horizon. */
typedef struct resfile_cap_breaking {
    RESFIELDS_BREAKING(RESFIELDS_READER)
} resfile_cap_breaking;

typedef struct resfile_cap_plan {
    RESFIELDS_PLAN(RESFIELDS_READER)
} resfile_cap_plan;

/* /capacity/estimates: one row per month and claim, resources unchanged:
 * the estimate, its interval [ci_low, ci_high] at level, the claim's
 * bound [bound_low, bound_high] (an infinity where open), in unit. */
typedef struct resfile_cap_estimate {
    RESFIELDS_CAPACITY_ESTIMATE(RESFIELDS_READER)
} resfile_cap_estimate;

/* A table's fields at their offsets in the structs above (resfields.h):
 * what resfile reads, and what the CSV export writes whole. */
typedef struct resfile_table {
    const resfields_field *fields;
    size_t n;
} resfile_table;
extern const resfile_table resfile_runbook_table;    /* resfile_cap_runbook */
extern const resfile_table resfile_breaking_table;   /* resfile_cap_breaking */
extern const resfile_table resfile_plan_table;       /* resfile_cap_plan */
extern const resfile_table resfile_estimate_table;   /* resfile_cap_estimate */

typedef struct resfile {
    char *path;
    /* root attributes */
    char *scenario, *scenario_file, *scenario_text, *command_line;
    char *git_revision, *code_version, *start_time;
    char *description;          /* as the run showed it; "" in older files */
    cfg_source *includes;       /* the files scenario_text includes, with their
                                   texts as the run read them */
    size_t nincludes;
    uint64_t seed, replications;
    /* sweep */
    int is_sweep;
    char *sweep_mode;           /* "grid", "zip" or "" */
    size_t naxes;
    resfile_axis *axes;         /* grid order: axes[0] varies slowest */
    size_t npoints;
    /* metrics */
    size_t nmetrics;
    resfile_metric *metrics;
    /* claims */
    size_t nclaims;
    resfile_claim *claims;      /* [nclaims][npoints] */
    char **regions;             /* [nregions] (sweeps) */
    size_t nregions;
    /* capacity */
    resfile_cap_runbook *cap_runbook;
    size_t ncap_runbook;
    char **cap_recommendations;
    size_t ncap_recommendations;
    resfile_cap_breaking *cap_breaking;
    size_t ncap_breaking;
    resfile_cap_plan *cap_plan;
    size_t ncap_plan;
    resfile_cap_estimate *cap_estimates;
    size_t ncap_estimates;
    /* claims audit header and --robustness */
    double claims_alpha;
    uint64_t claims_tests, claims_looks;
    resfile_robust *robust;
    size_t nrobust;
} resfile;

/* Reads the whole file at path.  ERR_NOINPUT when it cannot be opened or
 * is not a results file (no scenario attribute), ERR_SOFTWARE on out of
 * memory.  *out is NULL on failure; free with resfile_close. */
int resfile_open(const char *path, resfile **out, err_t *e);
/* Frees r; NULL is a no-op. */
void resfile_close(resfile *r);

/* The metric named name, or NULL. */
const resfile_metric *resfile_metric_find(const resfile *r, const char *name);
/* The metric's summary at point (NULL when the metric or summary is absent
 * or point is out of range). */
const resfile_summary *resfile_summary_at(const resfile *r, const char *name, size_t point);
/* The claim row of claim c at point p. */
const resfile_claim *resfile_claim_at(const resfile *r, size_t c, size_t p);

/* A scenario parameter at point as written (e.g. "consensus.nodes" -> "7"):
 * the scenario text, with the run's --set/--duration/--seed/--replications
 * options (from the command_line attribute) and the point's sweep values
 * applied.  Writes it into buf and returns 0; -1 when absent or not a
 * scalar, -2 when out of memory. */
int resfile_param(const resfile *r, size_t point, const char *path, char *buf, size_t size);
/* Simulated time per replication in seconds (after warmup) into *seconds:
 * 0; -1 (NaN) if the scenario does not say; -2 when out of memory. */
int resfile_duration(const resfile *r, size_t point, double *seconds);
/* The same as a value: NaN when unknown (or out of memory). */
double resfile_duration_s(const resfile *r, size_t point);
/* "mmc.servers=32, mmc.arrival_rate=28.8/s" for point p ("" without a
 * sweep). */
void resfile_point_label(const resfile *r, size_t p, char *buf, size_t size);

/* Seconds per unit for a time unit ("ns" "us" "ms" "s" "min" "h" "d"),
 * 0 otherwise. */
double resfile_unit_seconds(const char *unit);

#endif
