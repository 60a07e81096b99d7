/* plots.c - gnuplot figures from a results file (see plots.h).
 *
 * Each figure is written as NAME.dat + NAME.gp, then rendered by one
 * gnuplot child process run in the figure directory (so the script's
 * relative file names work when a user re-runs it there).  The script
 * loops over the two terminals (pngcairo, svg) and draws the same plot
 * for each, which also works for multiplot figures where `replot` would
 * not.  gnuplot's own messages go to gnuplot.log in the directory, which
 * is removed when empty.
 */
#include "plots.h"
#include "h5out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg.h"

#define PLOT_W 1000
#define PLOT_H 600
#define MAX_REP_CURVES 60

static const char *const verdict_colour[] = { "#2ca02c", "#d62728", "#ff9f1c", "#9e9e9e" };
/* Verdict codes 0..3 on cbrange [-0.5:3.5]: one flat colour per code. */
static const char palette[] =
    "set palette defined (0 \"#2ca02c\", 1 \"#2ca02c\", 1 \"#d62728\", 2 \"#d62728\", "
    "2 \"#ff9f1c\", 3 \"#ff9f1c\", 3 \"#9e9e9e\", 4 \"#9e9e9e\")\n";

typedef struct pctx {
    const resfile *r;
    const char *dir;
    plots_list *list;
    err_t *e;
    FILE *dat, *gp;
    plots_item *cur;
} pctx;

/* ---- small helpers ---- */

/* A file-name-safe copy of s. */
static void safe_name(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    for (; *s && k + 1 < size; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        buf[k++] = ok ? c : '_';
    }
    buf[k] = '\0';
}

/* A double-quoted gnuplot string (escapes \ and "; newlines become \n). */
static void gp_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(o, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", o);
        else if (*s != '\r')
            fputc(*s, o);
    }
    fputc('"', o);
}

/* A title: gp_str with lines longer than 110 columns wrapped at a blank. */
static void gp_title(FILE *o, const char *s)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", s);
    size_t col = 0, last_blank = 0;
    for (size_t i = 0; buf[i]; i++) {
        if (buf[i] == '\n') {
            col = 0, last_blank = 0;
            continue;
        }
        if (buf[i] == ' ')
            last_blank = i;
        if (++col > 110 && last_blank) {
            buf[last_blank] = '\n';
            col = i - last_blank;
            last_blank = 0;
        }
    }
    gp_str(o, buf);
}

/* A data-file text field: tabs and newlines would break the columns. */
static void dat_str(FILE *o, const char *s)
{
    if (!*s) {
        fputs("-", o);
        return;
    }
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, o);
}

static void dat_num(FILE *o, double v)
{
    if (isfinite(v))
        fprintf(o, "%.10g", v);
    else
        fputs("NaN", o);
}

/* "mmc.wait (ms)", or the bare name for dimensionless units. */
static void axis_label(const char *name, const char *unit, char *buf, size_t size)
{
    if (!unit || !*unit || !strcmp(unit, "1"))
        snprintf(buf, size, "%s", name);
    else
        snprintf(buf, size, "%s (%s)", name, unit);
}

static void scenario_line(const resfile *r, char *buf, size_t size)
{
    snprintf(buf, size, "scenario %s, seed %llu, %llu replications", r->scenario,
             (unsigned long long)r->seed, (unsigned long long)r->replications);
}

/* ---- figure files ---- */

static int begin_plot(pctx *c, const char *stem, const char *title, int width, int height)
{
    plots_list *l = c->list;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        plots_item *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return err_set(c->e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        l->items = p;
        l->cap = cap;
    }
    plots_item *it = &l->items[l->n];
    memset(it, 0, sizeof *it);
    safe_name(stem, it->name, sizeof it->name);
    snprintf(it->title, sizeof it->title, "%s", title);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.dat", c->dir, it->name);
    c->dat = fopen(path, "w");
    snprintf(path, sizeof path, "%s/%s.gp", c->dir, it->name);
    c->gp = c->dat ? fopen(path, "w") : NULL;
    if (!c->dat || !c->gp) {
        if (c->dat)
            fclose(c->dat);
        c->dat = c->gp = NULL;
        return err_set(c->e, ERR_CANTCREAT, path, 0, 0, "cannot create: %s", strerror(errno));
    }
    c->cur = it;
    l->n++;
    fprintf(c->dat, "# %s\n# from %s (%s)\n", title, c->r->path, c->r->scenario);
    /* The whole script runs once per format, from `reset`, so that settings
     * one pass changes (multiplot panels) cannot leak into the next. */
    fprintf(c->gp,
            "# %s.gp - %s\n"
            "# Generated by mwrasp-report from %s; the data is in %s.dat.\n"
            "# Run from this directory: gnuplot %s.gp  (writes %s.png and %s.svg)\n"
            "do for [fmt in \"png svg\"] {\n"
            "reset\n"
            "if (fmt eq \"png\") {\n"
            "  set terminal pngcairo noenhanced size %d,%d font \"DejaVu Sans,11\"\n"
            "} else {\n"
            "  set terminal svg noenhanced size %d,%d font \"DejaVu Sans,11\" background rgb \"white\"\n"
            "}\n"
            "set output \"%s.\".fmt\n"
            "set encoding utf8\n"
            "set datafile separator \"\\t\"\n"
            "set datafile missing \"NaN\"\n"
            "set grid lc rgb \"#dddddd\"\n"
            "set key box opaque\n"
            "set border lc rgb \"#444444\"\n",
            it->name, title, c->r->path, it->name, it->name, it->name, it->name, width, height,
            width, height, it->name);
    return 0;
}

static int end_plot(pctx *c)
{
    fprintf(c->gp, "unset output\n}\n");
    int bad = ferror(c->dat) | ferror(c->gp);
    bad |= fclose(c->dat) != 0;
    bad |= fclose(c->gp) != 0;
    c->dat = c->gp = NULL;
    if (bad)
        return err_set(c->e, ERR_IO, c->dir, 0, 0, "cannot write %s.dat/.gp", c->cur->name);
    return 0;
}

/* ---- latency CDFs ---- */

static double claim_level(const char *statistic)
{
    if (!strcmp(statistic, "p50"))
        return 0.50;
    if (!strcmp(statistic, "p90"))
        return 0.90;
    if (!strcmp(statistic, "p95"))
        return 0.95;
    if (!strcmp(statistic, "p99"))
        return 0.99;
    if (!strcmp(statistic, "max"))
        return 1.0;
    if (!strcmp(statistic, "min"))
        return 0.0;
    return NAN;
}

/* Whether claim cl is about the distribution of metric: it names the
 * metric, or the mean of a per-replication quantile metric such as
 * "auth.latency_p99" (then *level is that quantile).  Otherwise *level is
 * the claim statistic's level (NaN for a mean). */
static int claim_on(const resfile_claim *cl, const char *metric, double *level)
{
    *level = claim_level(cl->statistic);
    if (!strcmp(cl->metric, metric))
        return 1;
    size_t n = strlen(metric);
    static const struct { const char *suffix; double level; } q[] = {
        { "_p50", 0.50 }, { "_p90", 0.90 }, { "_p95", 0.95 }, { "_p99", 0.99 },
    };
    if (strncmp(cl->metric, metric, n) || strcmp(cl->statistic, "mean"))
        return 0;
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (!strcmp(cl->metric + n, q[i].suffix)) {
            *level = q[i].level;
            return 1;
        }
    return 0;
}

static int metric_has_claim(const resfile *r, const char *metric)
{
    double level;
    for (size_t k = 0; k < r->nclaims; k++)
        if (claim_on(resfile_claim_at(r, k, 0), metric, &level))
            return 1;
    return 0;
}

static int plot_cdf(pctx *c, const resfile_metric *m)
{
    const resfile *r = c->r;
    size_t R = m->cdf_reps;
    double mean[RESFILE_CDF_POINTS], lo[RESFILE_CDF_POINTS], hi[RESFILE_CDF_POINTS];
    for (int p = 0; p < RESFILE_CDF_POINTS; p++) {
        double s = 0;
        lo[p] = INFINITY, hi[p] = -INFINITY;
        for (size_t i = 0; i < R; i++) {
            double v = m->cdf[i * RESFILE_CDF_POINTS + p];
            s += v;
            lo[p] = fmin(lo[p], v);
            hi[p] = fmax(hi[p], v);
        }
        mean[p] = s / (double)R;
    }
    if (!isfinite(mean[0]) || !isfinite(mean[100]))
        return 0;   /* no samples in some replication: nothing to draw */
    char stem[200], title[320], sline[200], xl[200];
    snprintf(stem, sizeof stem, "cdf_%s", m->name);
    scenario_line(r, sline, sizeof sline);
    snprintf(title, sizeof title, "CDF of %s - %s", m->name, r->scenario);
    int rc = begin_plot(c, stem, title, PLOT_W, PLOT_H);
    if (rc)
        return rc;
    FILE *d = c->dat, *g = c->gp;
    size_t shown = R < MAX_REP_CURVES ? R : MAX_REP_CURVES;
    fprintf(d, "# percentile\tprobability\tmean\tmin\tmax");
    for (size_t i = 0; i < shown; i++)
        fprintf(d, "\trep%zu", i);
    fputc('\n', d);
    for (int p = 0; p < RESFILE_CDF_POINTS; p++) {
        fprintf(d, "%d\t%.2f\t", p, p / 100.0);
        dat_num(d, mean[p]), fputc('\t', d), dat_num(d, lo[p]), fputc('\t', d);
        dat_num(d, hi[p]);
        for (size_t i = 0; i < shown; i++)
            fputc('\t', d), dat_num(d, m->cdf[i * RESFILE_CDF_POINTS + p]);
        fputc('\n', d);
    }
    /* Block 1: claim estimates at their percentile level. */
    fprintf(d, "\n\n# claim\testimate\tlevel\tci95_low\tci95_high\tverdict\n");
    double xmin = mean[0], xmax = mean[99];
    int nmarks = 0;
    for (size_t k = 0; k < r->nclaims; k++) {
        const resfile_claim *cl = resfile_claim_at(r, k, 0);
        double level;
        if (!claim_on(cl, m->name, &level))
            continue;
        if (isfinite(level) && isfinite(cl->estimate)) {
            dat_str(d, cl->name), fputc('\t', d), dat_num(d, cl->estimate), fputc('\t', d);
            dat_num(d, level), fputc('\t', d), dat_num(d, cl->ci_low), fputc('\t', d);
            dat_num(d, cl->ci_high), fputc('\t', d), dat_str(d, cl->verdict), fputc('\n', d);
            nmarks++;
            xmax = fmax(xmax, isfinite(cl->ci_high) ? cl->ci_high : cl->estimate);
        }
        if (!strcmp(cl->statistic, "fraction_below"))
            continue;     /* its bound is a probability, drawn horizontally */
        if (isfinite(cl->bound_low))
            xmin = fmin(xmin, cl->bound_low), xmax = fmax(xmax, cl->bound_low);
        if (isfinite(cl->bound_high))
            xmin = fmin(xmin, cl->bound_high), xmax = fmax(xmax, cl->bound_high);
    }
    if (!nmarks)
        fprintf(d, "-\tNaN\tNaN\tNaN\tNaN\t-\n");

    double span = xmax - xmin;
    if (!(span > 0))
        span = fabs(xmax) > 0 ? fabs(xmax) : 1.0;
    double x0 = xmin - 0.04 * span, x1 = xmax + 0.06 * span;
    if (xmin >= 0 && x0 < 0)
        x0 = 0;
    char cut[160] = "";
    if (mean[100] > x1)
        snprintf(cut, sizeof cut, "; axis cut at the p99 range, largest sample %.4g %s", mean[100],
                 m->units);
    axis_label(m->name, m->units, xl, sizeof xl);
    fprintf(g, "set title ");
    char t2[900];
    snprintf(t2, sizeof t2, "%s: CDF of %s\n%s%s%s; curve: mean of per-replication "
             "percentiles%s", r->scenario, m->name, m->description,
             m->description[0] ? "\n" : "", sline, cut);
    gp_title(g, t2);
    fprintf(g, "\nset xlabel ");
    gp_str(g, xl);
    fprintf(g, "\nset ylabel \"cumulative probability\"\n"
               "set yrange [0:1.02]\nset ytics 0.1\nset xrange [%.10g:%.10g]\n"
               "set key bottom right\n", x0, x1);
    /* Bounds of claims on this metric. */
    int nb = 0;
    char legend[1024] = "";
    size_t ll = 0;
    for (size_t k = 0; k < r->nclaims; k++) {
        const resfile_claim *cl = resfile_claim_at(r, k, 0);
        double level;
        if (!claim_on(cl, m->name, &level))
            continue;
        const char *col = verdict_colour[!strcmp(cl->verdict, "HOLDS") ? 0
                                         : !strcmp(cl->verdict, "FAILS") ? 1 : 2];
        int horizontal = !strcmp(cl->statistic, "fraction_below");
        double b[2] = { cl->bound_low, cl->bound_high };
        for (int j = 0; j < 2; j++) {
            if (!isfinite(b[j]))
                continue;
            if (horizontal)
                fprintf(g, "set arrow from graph 0, first %.10g to graph 1, first %.10g nohead "
                           "lw 2 dt 2 lc rgb \"%s\" front\n", b[j], b[j], col);
            else
                fprintf(g, "set arrow from first %.10g, graph 0 to first %.10g, graph 1 nohead "
                           "lw 2 dt 2 lc rgb \"%s\" front\n", b[j], b[j], col);
        }
        char entry[400], esc[600];
        int is_mean = !strcmp(cl->statistic, "mean");
        snprintf(entry, sizeof entry, "claim: %s (%s%s%s %s): %s", cl->name, cl->metric,
                 is_mean ? "" : " ", is_mean ? "" : cl->statistic, cl->bound, cl->verdict);
        /* Build the legend entries as NaN plots with the bound's style. */
        FILE *mem = fmemopen(esc, sizeof esc, "w");
        if (mem) {
            gp_str(mem, entry);
            fclose(mem);
            esc[sizeof esc - 1] = '\0';
            int k2 = snprintf(legend + ll, sizeof legend - ll,
                              ", NaN with lines lw 2 dt 2 lc rgb \"%s\" title %s", col, esc);
            if (k2 > 0 && (size_t)k2 < sizeof legend - ll)
                ll += (size_t)k2;
        }
        nb++;
    }
    fprintf(g, "  plot ");
    if (shown > 1)
        fprintf(g, "for [i=6:%zu] \"%s.dat\" index 0 using i:2 with lines lw 1 lc rgb \"#b8c7dc\" "
                   "title (i == 6 ? \"each replication (%zu)\" : \"\"), \\\n       ",
                5 + shown, c->cur->name, R);
    fprintf(g, "\"%s.dat\" index 0 using 3:2 with lines lw 3 lc rgb \"#1f4e9c\" "
               "title \"mean over replications\"", c->cur->name);
    if (nmarks)
        fprintf(g, ", \\\n       \"%s.dat\" index 1 using 2:3:4:5 with xerrorbars pt 7 ps 1.3 "
                   "lc rgb \"#000000\" title \"claim statistic, 95%% CI\"", c->cur->name);
    fprintf(g, "%s\n", legend);
    (void)nb;
    return end_plot(c);
}

/* ---- sweeps ---- */

/* Parses every value of axis a as one kind of number (plain, duration in
 * s, rate per s, size in B, fraction); 0 and the unit, or -1. */
static int axis_numbers(const resfile_axis *a, double *x, const char **unit)
{
    char why[128];
    for (int kind = 0; kind < 5; kind++) {
        size_t i;
        for (i = 0; i < a->nvalues; i++) {
            const char *s = a->values[i];
            int64_t ns;
            uint64_t bytes;
            int bad;
            switch (kind) {
            case 0: bad = cfg_parse_double(s, &x[i], why, sizeof why); *unit = ""; break;
            case 1: bad = cfg_parse_duration(s, &ns, why, sizeof why);
                    x[i] = (double)ns * 1e-9; *unit = "s"; break;
            case 2: bad = cfg_parse_rate(s, &x[i], why, sizeof why); *unit = "1/s"; break;
            case 3: bad = cfg_parse_size(s, &bytes, why, sizeof why);
                    x[i] = (double)bytes; *unit = "B"; break;
            default: bad = cfg_parse_fraction(s, &x[i], why, sizeof why); *unit = ""; break;
            }
            if (bad)
                break;
        }
        if (i == a->nvalues)
            return 0;
    }
    return -1;
}

typedef struct axis_view {
    const resfile_axis *a;
    double *x;           /* [nvalues]: numeric values or indices */
    int numeric;
    const char *unit;
    size_t *index;       /* [npoints]: the point's value index on this axis */
} axis_view;

static int axis_view_init(const resfile *r, size_t k, axis_view *v)
{
    memset(v, 0, sizeof *v);
    v->a = &r->axes[k];
    v->x = calloc(v->a->nvalues ? v->a->nvalues : 1, sizeof *v->x);
    v->index = calloc(r->npoints, sizeof *v->index);
    if (!v->x || !v->index)
        return -1;
    v->numeric = axis_numbers(v->a, v->x, &v->unit) == 0;
    if (!v->numeric) {
        v->unit = "";
        for (size_t i = 0; i < v->a->nvalues; i++)
            v->x[i] = (double)i;
    }
    for (size_t p = 0; p < r->npoints; p++)
        for (size_t i = 0; i < v->a->nvalues; i++)
            if (!strcmp(v->a->at_point[p], v->a->values[i]))
                v->index[p] = i;
    return 0;
}

static void axis_view_free(axis_view *v)
{
    free(v->x);
    free(v->index);
}

/* Sets the x axis of a sweep figure: label, and tics when not numeric. */
static void sweep_xaxis(FILE *g, const axis_view *v)
{
    char xl[300];
    axis_label(v->a->path, v->unit, xl, sizeof xl);
    fprintf(g, "set xlabel ");
    gp_str(g, xl);
    fputc('\n', g);
    if (!v->numeric || v->a->nvalues <= 12) {
        fprintf(g, "set xtics (");
        for (size_t i = 0; i < v->a->nvalues; i++) {
            fprintf(g, "%s", i ? ", " : "");
            gp_str(g, v->a->values[i]);
            fprintf(g, " %.10g", v->x[i]);
        }
        fprintf(g, ")\n");
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < v->a->nvalues; i++)
        lo = fmin(lo, v->x[i]), hi = fmax(hi, v->x[i]);
    if (v->numeric && lo > 0 && hi / lo >= 100) {
        /* Values spread over decades (log-spaced sweeps): a log axis. */
        fprintf(g, "set logscale x\nset xrange [%.10g:%.10g]\n", lo / 1.3, hi * 1.3);
        return;
    }
    double pad = hi > lo ? 0.04 * (hi - lo) : 0.5;
    fprintf(g, "set xrange [%.10g:%.10g]\n", lo - pad, hi + pad);
}

/* Data rows of a sweep metric: one block per value of the second axis
 * (one block for a 1-D sweep), sorted by x within the block. */
static void sweep_rows(pctx *c, const resfile_metric *m, const axis_view *ax, const axis_view *ay,
                       size_t iy)
{
    const resfile *r = c->r;
    FILE *d = c->dat;
    for (size_t ix = 0; ix < ax->a->nvalues; ix++)
        for (size_t p = 0; p < r->npoints; p++) {
            if (ax->index[p] != ix || (ay && ay->index[p] != iy))
                continue;
            const resfile_summary *s = &m->summary[p];
            dat_num(d, ax->x[ix]), fputc('\t', d), dat_str(d, ax->a->values[ix]);
            fputc('\t', d), dat_num(d, s->mean), fputc('\t', d), dat_num(d, s->ci95_low);
            fputc('\t', d), dat_num(d, s->ci95_high), fputc('\t', d), dat_num(d, s->p95);
            fputc('\t', d), dat_num(d, s->p99);
            fprintf(d, "\t%zu\n", p);
        }
}

static const char *const series_colour[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
};
#define NSERIES (sizeof series_colour / sizeof series_colour[0])

static int plot_sweep_metric(pctx *c, const resfile_metric *m, const axis_view *ax,
                             const axis_view *ay)
{
    const resfile *r = c->r;
    char stem[200], title[320], t2[700], sline[200], yl[200];
    snprintf(stem, sizeof stem, "sweep_%s", m->name);
    snprintf(title, sizeof title, "%s against %s%s%s - %s", m->name, ax->a->path,
             ay ? " and " : "", ay ? ay->a->path : "", r->scenario);
    int rc = begin_plot(c, stem, title, PLOT_W, PLOT_H);
    if (rc)
        return rc;
    FILE *d = c->dat, *g = c->gp;
    size_t nblocks = ay ? ay->a->nvalues : 1;
    for (size_t iy = 0; iy < nblocks; iy++) {
        fprintf(d, "%s# %s%s%s\n# x\tvalue\tmean\tci95_low\tci95_high\tp95\tp99\tpoint\n",
                iy ? "\n\n" : "", ay ? ay->a->path : "", ay ? " = " : "",
                ay ? ay->a->values[iy] : "");
        sweep_rows(c, m, ax, ay, iy);
    }
    scenario_line(r, sline, sizeof sline);
    snprintf(t2, sizeof t2, "%s: %s by %s\n%s%s%s (mean and 95%% CI per point)", r->scenario,
             m->name, ax->a->path, m->description, m->description[0] ? "\n" : "", sline);
    fprintf(g, "set title ");
    gp_title(g, t2);
    axis_label(m->name, m->units, yl, sizeof yl);
    fprintf(g, "\nset ylabel ");
    gp_str(g, yl);
    fputc('\n', g);
    sweep_xaxis(g, ax);
    fprintf(g, "set key outside below center maxrows 3\nset bmargin 8\n"
               "set style fill transparent solid 0.2 noborder\n");
    /* Claims on the mean of this metric: their bounds as horizontal lines. */
    for (size_t k = 0; k < r->nclaims; k++) {
        const resfile_claim *cl = resfile_claim_at(r, k, 0);
        if (strcmp(cl->metric, m->name) || strcmp(cl->statistic, "mean"))
            continue;
        double b[2] = { cl->bound_low, cl->bound_high };
        for (int j = 0; j < 2; j++)
            if (isfinite(b[j]))
                fprintf(g, "set arrow from graph 0, first %.10g to graph 1, first %.10g nohead "
                           "lw 2 dt 2 lc rgb \"#444444\" front\n", b[j], b[j]);
    }
    if (ay) {
        fprintf(g, "array series[%zu] = [", nblocks);
        for (size_t iy = 0; iy < nblocks; iy++) {
            char lab[300];
            snprintf(lab, sizeof lab, "%s = %s", ay->a->path, ay->a->values[iy]);
            fprintf(g, "%s", iy ? ", " : "");
            gp_str(g, lab);
        }
        fprintf(g, "]\narray colour[%zu] = [", NSERIES);
        for (size_t i = 0; i < NSERIES; i++)
            fprintf(g, "%s\"%s\"", i ? ", " : "", series_colour[i]);
        fprintf(g, "]\n");
    }
    if (ay)
        fprintf(g, "  plot for [i=0:%zu] \"%s.dat\" index i using 1:4:5 with filledcurves "
                   "lc rgb colour[i %% %zu + 1] notitle, \\\n"
                   "       for [i=0:%zu] \"%s.dat\" index i using 1:3 with linespoints lw 2 pt 7 "
                   "lc rgb colour[i %% %zu + 1] title series[i + 1]",
                nblocks - 1, c->cur->name, NSERIES, nblocks - 1, c->cur->name, NSERIES);
    else
        fprintf(g, "  plot \"%s.dat\" index 0 using 1:4:5 with filledcurves lc rgb \"#1f77b4\" "
                   "title \"95%% CI\", \\\n"
                   "       \"%s.dat\" index 0 using 1:3 with linespoints lw 2 pt 7 "
                   "lc rgb \"#1f77b4\" title \"mean\"",
                c->cur->name, c->cur->name);
    for (size_t k = 0; k < r->nclaims; k++) {
        const resfile_claim *cl = resfile_claim_at(r, k, 0);
        if (strcmp(cl->metric, m->name) || strcmp(cl->statistic, "mean"))
            continue;
        char lab[400];
        snprintf(lab, sizeof lab, "claim: %s (%s)", cl->name, cl->bound);
        fprintf(g, ", \\\n       NaN with lines lw 2 dt 2 lc rgb \"#444444\" title ");
        gp_str(g, lab);
    }
    fputc('\n', g);
    return end_plot(c);
}

static int verdict_code(const char *v)
{
    if (!strcmp(v, "HOLDS"))
        return 0;
    if (!strcmp(v, "FAILS"))
        return 1;
    if (!strcmp(v, "INCONCLUSIVE"))
        return 2;
    return 3;
}

/* 1-D sweep: claim k's statistic per point, its CI and bound(s). */
static int plot_claim_curve(pctx *c, size_t k, const axis_view *ax)
{
    const resfile *r = c->r;
    const resfile_claim *c0 = resfile_claim_at(r, k, 0);
    char stem[64], title[320], t2[900], sline[200], yl[300];
    snprintf(stem, sizeof stem, "claim_%zu", k + 1);
    snprintf(title, sizeof title, "claim %zu: %s - where it holds along %s", k + 1, c0->name,
             ax->a->path);
    int rc = begin_plot(c, stem, title, PLOT_W, PLOT_H);
    if (rc)
        return rc;
    FILE *d = c->dat, *g = c->gp;
    fprintf(d, "# x\tvalue\testimate\tci95_low\tci95_high\tverdict_code\tverdict\n");
    for (size_t ix = 0; ix < ax->a->nvalues; ix++)
        for (size_t p = 0; p < r->npoints; p++) {
            if (ax->index[p] != ix)
                continue;
            const resfile_claim *cl = resfile_claim_at(r, k, p);
            dat_num(d, ax->x[ix]), fputc('\t', d), dat_str(d, ax->a->values[ix]), fputc('\t', d);
            dat_num(d, cl->estimate), fputc('\t', d), dat_num(d, cl->ci_low), fputc('\t', d);
            dat_num(d, cl->ci_high);
            fprintf(d, "\t%d\t", verdict_code(cl->verdict));
            dat_str(d, cl->verdict);
            fputc('\n', d);
        }
    scenario_line(r, sline, sizeof sline);
    const char *region = k < r->nregions ? r->regions[k] : "";
    snprintf(t2, sizeof t2, "%s: claim \"%s\" (%s %s %s)\n%s%s%s", r->scenario, c0->name,
             c0->metric, c0->statistic, c0->bound, region, region[0] ? "; " : "", sline);
    fprintf(g, "set title ");
    gp_title(g, t2);
    char what[200];
    snprintf(what, sizeof what, "%s of %s", c0->statistic, c0->metric);
    axis_label(what, c0->unit, yl, sizeof yl);
    fprintf(g, "\nset ylabel ");
    gp_str(g, yl);
    fputc('\n', g);
    sweep_xaxis(g, ax);
    fprintf(g, "set key outside below center maxrows 3\nset bmargin 8\n"
               "set style fill transparent solid 0.2 noborder\n"
               "%s"
               "set cbrange [-0.5:3.5]\nunset colorbox\n", palette);
    double b[2] = { c0->bound_low, c0->bound_high };
    for (int j = 0; j < 2; j++)
        if (isfinite(b[j]))
            fprintf(g, "set arrow from graph 0, first %.10g to graph 1, first %.10g nohead "
                       "lw 2 dt 2 lc rgb \"#444444\" front\n", b[j], b[j]);
    fprintf(g, "  plot \"%s.dat\" using 1:4:5 with filledcurves lc rgb \"#1f77b4\" "
               "title \"95%% CI\", \\\n"
               "       \"%s.dat\" using 1:3 with lines lw 2 lc rgb \"#1f77b4\" title \"estimate\", \\\n"
               "       \"%s.dat\" using 1:3:6 with points pt 7 ps 1.8 lc palette notitle, \\\n",
            c->cur->name, c->cur->name, c->cur->name);
    for (int v = 0; v < 4; v++)
        fprintf(g, "       NaN with points pt 7 ps 1.8 lc rgb \"%s\" title \"%s\", \\\n",
                verdict_colour[v], v == 0 ? "HOLDS" : v == 1 ? "FAILS" : v == 2 ? "INCONCLUSIVE"
                                                                            : "NO DATA");
    char lab[300];
    snprintf(lab, sizeof lab, "bound: %s", c0->bound);
    fprintf(g, "       NaN with lines lw 2 dt 2 lc rgb \"#444444\" title ");
    gp_str(g, lab);
    fputc('\n', g);
    return end_plot(c);
}

/* 2-D grid: where claim k holds. */
static int plot_claim_heatmap(pctx *c, size_t k, const axis_view *ax, const axis_view *ay)
{
    const resfile *r = c->r;
    const resfile_claim *c0 = resfile_claim_at(r, k, 0);
    char stem[64], title[320], t2[900], sline[200], lab[300];
    snprintf(stem, sizeof stem, "holds_%zu", k + 1);
    snprintf(title, sizeof title, "claim %zu: %s - where it holds on the %s x %s grid", k + 1,
             c0->name, ax->a->path, ay->a->path);
    int rc = begin_plot(c, stem, title, PLOT_W, PLOT_H);
    if (rc)
        return rc;
    FILE *d = c->dat, *g = c->gp;
    fprintf(d, "# ix\tiy\tverdict_code\tverdict\t%s\t%s\testimate\tunit\n", ax->a->path,
            ay->a->path);
    for (size_t iy = 0; iy < ay->a->nvalues; iy++) {
        for (size_t ix = 0; ix < ax->a->nvalues; ix++) {
            const resfile_claim *cl = NULL;
            for (size_t p = 0; p < r->npoints && !cl; p++)
                if (ax->index[p] == ix && ay->index[p] == iy)
                    cl = resfile_claim_at(r, k, p);
            fprintf(d, "%zu\t%zu\t%d\t", ix, iy, cl ? verdict_code(cl->verdict) : 3);
            dat_str(d, cl ? cl->verdict : "not run"), fputc('\t', d);
            dat_str(d, ax->a->values[ix]), fputc('\t', d), dat_str(d, ay->a->values[iy]);
            fputc('\t', d), dat_num(d, cl ? cl->estimate : NAN), fputc('\t', d);
            dat_str(d, cl && strcmp(cl->unit, "1") ? cl->unit : ""), fputc('\n', d);
        }
        fputc('\n', d);   /* gnuplot: one scan line per row */
    }
    scenario_line(r, sline, sizeof sline);
    snprintf(t2, sizeof t2, "%s: where \"%s\" holds (%s %s %s)\n%s", r->scenario, c0->name,
             c0->metric, c0->statistic, c0->bound, sline);
    fprintf(g, "set title ");
    gp_title(g, t2);
    fprintf(g, "\nset xlabel ");
    gp_str(g, ax->a->path);
    fprintf(g, "\nset ylabel ");
    gp_str(g, ay->a->path);
    fprintf(g, "\nset xtics (");
    for (size_t i = 0; i < ax->a->nvalues; i++) {
        fprintf(g, "%s", i ? ", " : "");
        gp_str(g, ax->a->values[i]);
        fprintf(g, " %zu", i);
    }
    fprintf(g, ")\nset ytics (");
    for (size_t i = 0; i < ay->a->nvalues; i++) {
        fprintf(g, "%s", i ? ", " : "");
        gp_str(g, ay->a->values[i]);
        fprintf(g, " %zu", i);
    }
    fprintf(g, ")\nset xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\nunset grid\n"
               "%s"
               "set cbrange [-0.5:3.5]\n"
               "set cbtics (\"HOLDS\" 0, \"FAILS\" 1, \"INCONCLUSIVE\" 2, \"NO DATA\" 3)\n"
               "set cblabel \"verdict\"\nset rmargin 18\nunset key\n",
            ax->a->nvalues - 1, ay->a->nvalues - 1, palette);
    fprintf(g, "  plot \"%s.dat\" using 1:2:3 with image, \\\n"
               "       \"%s.dat\" using 1:2:(sprintf(\"%%s\\n%%.4g %%s\", strcol(4), $7, "
               "strcol(8) eq \"-\" ? \"\" : strcol(8))) with labels "
               "font \",10\" tc rgb \"black\"\n",
            c->cur->name, c->cur->name);
    (void)lab;
    return end_plot(c);
}

static int plot_sweeps(pctx *c, FILE *warn)
{
    const resfile *r = c->r;
    if (!r->is_sweep || !r->naxes)
        return 0;
    if (r->naxes > 2) {
        if (warn)
            fprintf(warn, "mwrasp-report: warning: %zu sweep axes; sweep plots are drawn for 1-D "
                          "and 2-D sweeps only\n", r->naxes);
        return 0;
    }
    axis_view ax, ay;
    int rc = 0;
    if (axis_view_init(r, 0, &ax) || (r->naxes == 2 && axis_view_init(r, 1, &ay))) {
        axis_view_free(&ax);
        return err_set(c->e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    }
    /* Zip sweeps move all axes together: plot against the first. */
    int two_d = r->naxes == 2 && strcmp(r->sweep_mode, "zip");
    for (size_t i = 0; i < r->nmetrics && !rc; i++) {
        const resfile_metric *m = &r->metrics[i];
        int any = 0;   /* a metric with no sample at any point has nothing to draw */
        for (size_t p = 0; m->summary && p < r->npoints && !any; p++)
            any = isfinite(m->summary[p].mean);
        if (any)
            rc = plot_sweep_metric(c, m, &ax, two_d ? &ay : NULL);
    }
    for (size_t k = 0; k < r->nclaims && !rc; k++)
        rc = two_d ? plot_claim_heatmap(c, k, &ax, &ay) : plot_claim_curve(c, k, &ax);
    axis_view_free(&ax);
    if (r->naxes == 2)
        axis_view_free(&ay);
    return rc;
}

/* ---- capacity ---- */

static int plot_capacity(pctx *c)
{
    const resfile *r = c->r;
    if (!r->ncap_plan && !r->ncap_runbook)
        return 0;
    char title[320], t2[900], sline[200];
    snprintf(title, sizeof title, "capacity projection - %s", r->scenario);
    int rc = begin_plot(c, "capacity", title, PLOT_W, r->ncap_plan ? 860 : PLOT_H);
    if (rc)
        return rc;
    FILE *d = c->dat, *g = c->gp;
    /* Block 0: one row per month (plan and runbook joined on month). */
    int64_t last = -1;
    double units_max = 0;
    int64_t claims_max = 1;
    for (size_t i = 0; i < r->ncap_plan; i++) {
        if (r->cap_plan[i].claims_total > claims_max)
            claims_max = r->cap_plan[i].claims_total;
        last = r->cap_plan[i].month > last ? r->cap_plan[i].month : last;
        if (isfinite(r->cap_plan[i].resource_units))
            units_max = fmax(units_max, r->cap_plan[i].resource_units);
    }
    for (size_t i = 0; i < r->ncap_runbook; i++)
        last = r->cap_runbook[i].month > last ? r->cap_runbook[i].month : last;
    fprintf(d, "# month\trunbook_agents\tplan_agents\tresource_units\tclaims_holding_unchanged\t"
               "claims_total\tgrowth_factor\trunbook_tps\tresources\tlabel (resources when "
               "they change)\n");
    const char *prev = NULL;
    for (int64_t mth = 0; mth <= last; mth++) {
        const resfile_cap_runbook *rb = NULL;
        const resfile_cap_plan *pl = NULL;
        for (size_t i = 0; i < r->ncap_runbook; i++)
            if (r->cap_runbook[i].month == mth)
                rb = &r->cap_runbook[i];
        for (size_t i = 0; i < r->ncap_plan; i++)
            if (r->cap_plan[i].month == mth)
                pl = &r->cap_plan[i];
        if (!rb && !pl)
            continue;
        fprintf(d, "%lld\t", (long long)mth);
        dat_num(d, rb ? (double)rb->ai_agents : NAN), fputc('\t', d);
        dat_num(d, pl ? pl->agents : NAN), fputc('\t', d);
        dat_num(d, pl ? pl->resource_units : NAN), fputc('\t', d);
        dat_num(d, pl ? (double)pl->claims_holding_unchanged : NAN), fputc('\t', d);
        dat_num(d, pl ? (double)pl->claims_total : NAN), fputc('\t', d);
        dat_num(d, pl ? pl->growth_factor : NAN), fputc('\t', d);
        dat_num(d, rb ? (double)rb->transactions_per_second : NAN), fputc('\t', d);
        dat_str(d, pl ? pl->resources : ""), fputc('\t', d);
        int changed = pl && (!prev || strcmp(prev, pl->resources));
        dat_str(d, changed ? pl->resources : "");
        if (pl)
            prev = pl->resources;
        fputc('\n', d);
    }
    fprintf(d, "\n\n# breaks_at_month\tclaim\tmetric\n");
    int nbreaks = 0, held = 0;
    for (size_t i = 0; i < r->ncap_breaking; i++) {
        const resfile_cap_breaking *b = &r->cap_breaking[i];
        held += b->held_at_start != 0;
        if (b->breaks_at_month < 0 || !b->held_at_start)
            continue;
        fprintf(d, "%lld\t", (long long)b->breaks_at_month);
        dat_str(d, b->claim), fputc('\t', d), dat_str(d, b->metric), fputc('\n', d);
        nbreaks++;
    }
    if (!nbreaks)
        fprintf(d, "NaN\t-\t-\n");
    scenario_line(r, sline, sizeof sline);
    int have_plan = r->ncap_plan > 0, have_rb = r->ncap_runbook > 0;
    int64_t xmax = last < 1 ? 1 : last;
    fprintf(g, "set xlabel \"month\"\nset xrange [-0.6:%lld.4]\nset xtics 1\n",
            (long long)xmax);
    /* Breaking months: a dashed red line and the claim's name beside it. */
    int row = 0;
    for (size_t i = 0; i < r->ncap_breaking; i++) {
        const resfile_cap_breaking *b = &r->cap_breaking[i];
        if (b->breaks_at_month < 0 || !b->held_at_start)
            continue;
        fprintf(g, "set arrow from first %lld, graph 0 to first %lld, graph 1 nohead lw 2 dt 2 "
                   "lc rgb \"#d62728\" front\n", (long long)b->breaks_at_month,
                (long long)b->breaks_at_month);
        char lab[300];
        int right = 2 * b->breaks_at_month > xmax;
        snprintf(lab, sizeof lab, right ? "%s breaks " : " %s breaks", b->claim);
        fprintf(g, "set label %d ", 100 + row);
        gp_str(g, lab);
        fprintf(g, " at first %lld, graph %.3f %s tc rgb \"#d62728\" front font \",9\"\n",
                (long long)b->breaks_at_month, 0.55 - 0.07 * (row % 6), right ? "right" : "left");
        row++;
    }
    if (have_plan)
        snprintf(t2, sizeof t2, "%s: load (agents) against the resources that keep every claim\n"
                 "%d claim(s) held at month 0; %d break(s) if nothing is added (dashed red)\n%s",
                 r->scenario, held, nbreaks, sline);
    else
        snprintf(t2, sizeof t2, "%s: the runbook's capacity projection\n%s", r->scenario, sline);
    if (have_plan)
        fprintf(g, "  set multiplot layout 2,1 title ");
    else
        fprintf(g, "  set title ");
    gp_str(g, t2);
    fprintf(g, "\n  set lmargin 12\n  set rmargin 12\n"
               "  set ylabel \"agents (load)\"\n  set yrange [0:*]\n  set key bottom right\n");
    if (have_plan)
        fprintf(g, "  set y2label \"resource units (capacity)\"\n  set ytics nomirror\n"
                   "  set y2tics\n  set y2range [0:%.10g]\n", units_max > 0 ? units_max * 1.3 : 1);
    fprintf(g, "  plot ");
    if (have_plan)
        fprintf(g, "\"capacity.dat\" index 0 using 1:3 with linespoints lw 3 pt 7 "
                   "lc rgb \"#1f77b4\" title \"agents simulated (load)\", \\\n"
                   "       \"capacity.dat\" index 0 using 1:4 axes x1y2 with linespoints lw 3 "
                   "pt 9 ps 1.4 lc rgb \"#2ca02c\" title \"resources needed (capacity: sum of "
                   "resource values)\", \\\n"
                   "       \"capacity.dat\" index 0 using 1:4:(strcol(10) eq \"-\" ? \"\" : "
                   "strcol(10)) axes x1y2 with labels offset 0,1.2 font \",9\" tc rgb \"#2ca02c\" "
                   "notitle%s",
                have_rb ? ", \\\n       " : "");
    if (have_rb)
        fprintf(g, "\"capacity.dat\" index 0 using 1:2 with linespoints lw 1.5 dt 2 pt 4 "
                   "ps 1.8 lc rgb \"#555555\" title \"agents, the runbook's projection\"");
    if (nbreaks)
        fprintf(g, ", \\\n       NaN with lines lw 2 dt 2 lc rgb \"#d62728\" "
                   "title \"month a claim breaks (month-0 resources)\"");
    fputc('\n', g);
    if (have_plan) {
        fprintf(g, "  unset y2tics\n  unset y2label\n  set ytics mirror\n  unset label\n"
                   "  set ylabel \"claims holding\"\n  set yrange [0:%lld.6]\n  set ytics 1\n"
                   "  set key bottom left\n"
                   "  plot \"capacity.dat\" index 0 using 1:6 with lines lw 2 dt 3 "
                   "lc rgb \"#444444\" title \"claims audited\", \\\n"
                   "       \"capacity.dat\" index 0 using 1:5 with linespoints lw 2 pt 7 "
                   "lc rgb \"#ff7f0e\" title \"claims holding with month-0 resources\"\n"
                   "  unset multiplot\n", (long long)claims_max);
    }
    return end_plot(c);
}

/* ---- escalation load per role ---- */

static int plot_escalation(pctx *c)
{
    const resfile *r = c->r;
    if (r->is_sweep)
        return 0;
    /* Families: escalation.<family>.<role>. */
    char families[16][64];
    size_t nf = 0;
    for (size_t i = 0; i < r->nmetrics; i++) {
        const char *n = r->metrics[i].name;
        if (strncmp(n, "escalation.", 11) || !r->metrics[i].summary)
            continue;
        const char *dot = strchr(n + 11, '.');
        if (!dot || (size_t)(dot - (n + 11)) >= 64)
            continue;
        char fam[64];
        snprintf(fam, sizeof fam, "%.*s", (int)(dot - (n + 11)), n + 11);
        size_t j;
        for (j = 0; j < nf && strcmp(families[j], fam); j++)
            ;
        if (j == nf && nf < 16)
            snprintf(families[nf++], 64, "%s", fam);
    }
    int rc = 0;
    for (size_t f = 0; f < nf && !rc; f++) {
        char stem[128], title[320], t2[700], sline[200], prefix[96], yl[200];
        snprintf(prefix, sizeof prefix, "escalation.%s.", families[f]);
        snprintf(stem, sizeof stem, "escalation_%s", families[f]);
        snprintf(title, sizeof title, "escalation: %s per role - %s", families[f], r->scenario);
        rc = begin_plot(c, stem, title, PLOT_W, PLOT_H);
        if (rc)
            break;
        FILE *d = c->dat, *g = c->gp;
        const char *unit = "", *desc = "";
        int row = 0;
        double ymax = 0;
        fprintf(d, "# role\tmean\tci95_low\tci95_high\tmetric\n");
        for (size_t i = 0; i < r->nmetrics; i++) {
            const resfile_metric *m = &r->metrics[i];
            if (strncmp(m->name, prefix, strlen(prefix)) || !m->summary)
                continue;
            unit = m->units;
            desc = m->description;
            dat_str(d, m->name + strlen(prefix)), fputc('\t', d);
            dat_num(d, m->summary[0].mean), fputc('\t', d);
            dat_num(d, m->summary[0].ci95_low), fputc('\t', d);
            dat_num(d, m->summary[0].ci95_high), fputc('\t', d);
            dat_str(d, m->name), fputc('\n', d);
            ymax = fmax(ymax, fmax(m->summary[0].mean, isfinite(m->summary[0].ci95_high)
                                                            ? m->summary[0].ci95_high : 0));
            row++;
        }
        scenario_line(r, sline, sizeof sline);
        snprintf(t2, sizeof t2, "%s: escalation %s per role\n%s%s%s (mean, 95%% CI)", r->scenario,
                 families[f], desc, desc[0] ? "\n" : "", sline);
        fprintf(g, "set title ");
        gp_title(g, t2);
        char what[160];
        snprintf(what, sizeof what, "%s per role", families[f]);
        axis_label(what, unit, yl, sizeof yl);
        fprintf(g, "\nset ylabel ");
        gp_str(g, yl);
        fprintf(g, "\nset xlabel \"role\"\nset yrange [0:%.10g]\nset xrange [-0.6:%d.6]\n"
                   "set xtics rotate by -30\nset style fill solid 0.7 border lc rgb \"#333333\"\n"
                   "set boxwidth 0.6\nunset key\n", ymax > 0 ? ymax * 1.15 : 1.0, row - 1);
        fprintf(g, "  plot \"%s.dat\" using 0:2:xtic(1) with boxes lc rgb \"#1f77b4\", \\\n"
                   "       \"%s.dat\" using 0:2:3:4 with yerrorbars pt 7 ps 0.6 lw 2 lc rgb \"#000000\"\n",
                c->cur->name, c->cur->name);
        rc = end_plot(c);
    }
    return rc;
}

/* ---- robustness: a tornado chart per claim ---- */

/* For each claim of a --robustness study: one bar per assumption from the
 * claim's estimate at the low end of the range to the estimate at the high
 * end, the scenario's estimate as a line, and the claim's bound. */
static int plot_tornado(pctx *c)
{
    const resfile *r = c->r;
    int rc = 0;
    for (size_t k = 0; k < r->nclaims && !rc; k++) {
        const resfile_claim *cl = resfile_claim_at(r, k, 0);
        size_t rows = 0;
        for (size_t i = 0; i < r->nrobust; i++)
            rows += strcmp(r->robust[i].claim, cl->name) == 0;
        if (!rows || !isfinite(cl->estimate))
            continue;
        char stem[64], title[400], t2[900], sline[200], xl[200];
        snprintf(stem, sizeof stem, "tornado_C%zu", k + 1);
        snprintf(title, sizeof title, "robustness of claim C%zu (%s) - %s", k + 1, cl->name,
                 r->scenario);
        rc = begin_plot(c, stem, title, PLOT_W, 160 + 70 * (int)rows);
        if (rc)
            break;
        FILE *d = c->dat, *g = c->gp;
        fprintf(d, "# y\tfrom\tto\testimate_low\testimate_high\tverdict_low\tverdict_high\t"
                   "assumption\n");
        double xmin = cl->estimate, xmax = cl->estimate;
        size_t y = 0;
        for (size_t i = 0; i < r->nrobust; i++) {
            const resfile_robust *x = &r->robust[i];
            if (strcmp(x->claim, cl->name) != 0)
                continue;
            double a = x->estimate_low, b = x->estimate_high;
            fprintf(d, "%zu\t", y++);
            dat_num(d, fmin(a, b)), fputc('\t', d), dat_num(d, fmax(a, b)), fputc('\t', d);
            dat_num(d, a), fputc('\t', d), dat_num(d, b), fputc('\t', d);
            dat_str(d, x->verdict_low), fputc('\t', d), dat_str(d, x->verdict_high);
            fputc('\t', d);
            char lab[300];
            snprintf(lab, sizeof lab, "%s [%s, %s]", x->assumption, x->low, x->high);
            dat_str(d, lab), fputc('\n', d);
            if (isfinite(a))
                xmin = fmin(xmin, a), xmax = fmax(xmax, a);
            if (isfinite(b))
                xmin = fmin(xmin, b), xmax = fmax(xmax, b);
        }
        double bounds[2] = { cl->bound_low, cl->bound_high };
        for (int j = 0; j < 2; j++)
            if (isfinite(bounds[j]))
                xmin = fmin(xmin, bounds[j]), xmax = fmax(xmax, bounds[j]);
        double pad = xmax > xmin ? 0.08 * (xmax - xmin) : fabs(xmax) * 0.1 + 1e-12;
        scenario_line(r, sline, sizeof sline);
        snprintf(t2, sizeof t2, "C%zu %s: %s %s %s\neach bar: the estimate with the assumption "
                 "at the low and the high end of its range (same seed)\n%s",
                 k + 1, cl->name, cl->metric, cl->statistic, cl->bound, sline);
        fprintf(g, "set title ");
        gp_title(g, t2);
        axis_label(cl->metric, cl->unit, xl, sizeof xl);
        fprintf(g, "\nset xlabel ");
        gp_str(g, xl);
        fprintf(g, "\nset xrange [%.10g:%.10g]\nset yrange [-0.7:%zu.7]\nunset ytics\n"
                   "set style fill solid 0.6 border lc rgb \"#333333\"\n"
                   "set key outside top center horizontal\n",
                xmin - pad, xmax + pad, rows - 1);
        /* The scenario's estimate and the bound(s) as vertical lines. */
        fprintf(g, "set arrow from %.10g, graph 0 to %.10g, graph 1 nohead lw 2 "
                   "lc rgb \"#000000\"\n", cl->estimate, cl->estimate);
        for (int j = 0; j < 2; j++)
            if (isfinite(bounds[j]))
                fprintf(g, "set arrow from %.10g, graph 0 to %.10g, graph 1 nohead lw 2 dt 2 "
                           "lc rgb \"#d62728\"\n", bounds[j], bounds[j]);
        fprintf(g, "  plot \"%s.dat\" using (($2+$3)/2):1:2:3:($1-0.3):($1+0.3) with boxxyerror "
                   "lc rgb \"#1f77b4\" title \"estimate over the range\", \\\n"
                   "       \"%s.dat\" using (%.10g):($1+0.42):8 with labels left notitle, \\\n"
                   "       NaN with lines lw 2 lc rgb \"#000000\" title \"scenario's estimate\", \\\n"
                   "       NaN with lines lw 2 dt 2 lc rgb \"#d62728\" title \"claimed bound\"\n",
                c->cur->name, c->cur->name, xmin - 0.9 * pad);
        rc = end_plot(c);
    }
    return rc;
}

/* ---- attack timeline ---- */

typedef struct milestone {
    const char *label;
    double start_s, end_s, lo_s, hi_s;
    const char *from;
} milestone;

/* A time metric's mean and CI in seconds; 0 when present. */
static int time_of(const resfile *r, const char *name, double *mean, double *lo, double *hi)
{
    const resfile_metric *m = resfile_metric_find(r, name);
    double s = m ? resfile_unit_seconds(m->units) : 0;
    if (!m || !m->summary || !(s > 0) || !isfinite(m->summary[0].mean))
        return -1;
    *mean = m->summary[0].mean * s;
    *lo = m->summary[0].ci95_low * s;
    *hi = m->summary[0].ci95_high * s;
    return 0;
}

static int plot_timeline(pctx *c)
{
    const resfile *r = c->r;
    if (r->is_sweep)
        return 0;
    milestone ms[8];
    int n = 0;
    double t = 0, mean, lo, hi;
    int from_attack = 0;
    if (!time_of(r, "attacks.time_to_detect", &mean, &lo, &hi)) {
        ms[n++] = (milestone){ "attack -> detected", 0, mean, lo, hi, "attacks.time_to_detect" };
        t = mean;
        from_attack = 1;
    } else if (!time_of(r, "canaries.time_to_alert", &mean, &lo, &hi)) {
        ms[n++] = (milestone){ "probe -> canary alert", 0, mean, lo, hi, "canaries.time_to_alert" };
        t = mean;
        from_attack = 1;
    }
    double detect = t;
    if (!time_of(r, "attacks.time_to_contain", &mean, &lo, &hi) && from_attack) {
        ms[n++] = (milestone){ "detected -> contained", t, mean, lo, hi, "attacks.time_to_contain" };
        t = mean;
    } else if (!time_of(r, "response.time_to_contain", &mean, &lo, &hi)) {
        ms[n++] = (milestone){ "detected -> contained", t, t + mean, t + lo, t + hi,
                               "response.time_to_contain" };
        t += mean;
    }
    if (!time_of(r, "response.step.emergency_key_rotation", &mean, &lo, &hi) && n) {
        ms[n++] = (milestone){ "contained -> keys rotated", t, t + mean, t + lo, t + hi,
                               "response.step.emergency_key_rotation" };
        t += mean;
    }
    if (!time_of(r, "response.total", &mean, &lo, &hi) && n) {
        ms[n++] = (milestone){ "detected -> all response steps done", detect, detect + mean,
                               detect + lo, detect + hi, "response.total" };
    }
    if (!n)
        return 0;
    double tmax = 0;
    for (int i = 0; i < n; i++)
        tmax = fmax(tmax, fmax(ms[i].end_s, isfinite(ms[i].hi_s) ? ms[i].hi_s : 0));
    double div = 1.0;
    const char *unit = "s";
    if (tmax < 1.0)
        div = 1e-3, unit = "ms";
    else if (tmax > 7200.0)
        div = 3600.0, unit = "h";
    else if (tmax > 180.0)
        div = 60.0, unit = "min";
    char title[320], t2[700], sline[200], xl[64];
    snprintf(title, sizeof title, "attack timeline - %s", r->scenario);
    int rc = begin_plot(c, "attack_timeline", title, PLOT_W, 140 + 90 * n);
    if (rc)
        return rc;
    FILE *d = c->dat, *g = c->gp;
    fprintf(d, "# milestone\tstart\tend\tci95_low\tci95_high\tmetric\tlabel   (times in %s)\n",
            unit);
    for (int i = 0; i < n; i++) {
        dat_str(d, ms[i].label), fputc('\t', d);
        dat_num(d, ms[i].start_s / div), fputc('\t', d), dat_num(d, ms[i].end_s / div);
        fputc('\t', d), dat_num(d, ms[i].lo_s / div), fputc('\t', d);
        dat_num(d, ms[i].hi_s / div), fputc('\t', d), dat_str(d, ms[i].from), fputc('\t', d);
        /* The step's own length, in a unit that suits it (a 80 ms step
         * after 12 min of detection is invisible on the axis). */
        double len = ms[i].end_s - ms[i].start_s, a = fabs(len);
        const char *u = a < 1.0 ? "ms" : a < 180.0 ? "s" : a < 7200.0 ? "min" : "h";
        double k = a < 1.0 ? 1e3 : a < 180.0 ? 1.0 : a < 7200.0 ? 1.0 / 60 : 1.0 / 3600;
        fprintf(d, "%s%.3g %s\n", ms[i].start_s > 0 ? "+" : "", len * k, u);
    }
    scenario_line(r, sline, sizeof sline);
    snprintf(t2, sizeof t2, "%s: attack timeline (means; whiskers: 95%% CI of each milestone)\n"
             "%s\nkeys rotated = contained + the emergency_key_rotation step (sequential "
             "pipeline)", r->scenario, sline);
    fprintf(g, "set title ");
    gp_title(g, t2);
    snprintf(xl, sizeof xl, "time since %s (%s)", from_attack ? "the attack starts" : "detection",
             unit);
    fprintf(g, "\nset xlabel ");
    gp_str(g, xl);
    fprintf(g, "\nset yrange [%d.6:-0.6]\nset xrange [0:%.10g]\nunset key\n"
               "set style fill solid 0.75 border lc rgb \"#333333\"\nset lmargin 34\n", n - 1,
               tmax / div * 1.18);
    fprintf(g, "  plot \"attack_timeline.dat\" using (($2+$3)/2):0:2:3:($0-0.3):($0+0.3):ytic(1) "
               "with boxxyerror lc rgb \"#1f77b4\", \\\n"
               "       \"attack_timeline.dat\" using 3:0:4:5 with xerrorbars pt 7 lw 2 "
               "lc rgb \"#000000\", \\\n"
               "       \"attack_timeline.dat\" using 3:0:7 with labels "
               "left offset 1,0.8 font \",9\"\n");
    return end_plot(c);
}

/* ---- running gnuplot ---- */

int plots_find_gnuplot(char *buf, size_t size)
{
    const char *env = getenv("MWRASP_GNUPLOT");
    if (env && *env) {
        snprintf(buf, size, "%s", env);
        return access(buf, X_OK) == 0 ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        snprintf(buf, size, "%.*s/gnuplot", (int)len, p);
        if (len && access(buf, X_OK) == 0)
            return 0;
        p += len + (colon != NULL);
    }
    buf[0] = '\0';
    return -1;
}

/* Runs `gnuplot NAME.gp` in dir; stderr appended to dir/gnuplot.log.
 * Returns the exit status (or -1 when it could not start). */
static int run_gnuplot(const char *gnuplot, const char *dir, const char *name)
{
    char log[4096], script[256];
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    snprintf(script, sizeof script, "%s.gp", name);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0666);
        int nul = open("/dev/null", O_RDWR);
        if (fd >= 0)
            dup2(fd, 2);
        if (nul >= 0)
            dup2(nul, 1), dup2(nul, 0);
        if (chdir(dir))
            _exit(127);
        execl(gnuplot, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int nonempty(const char *dir, const char *name, const char *ext)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* Removes the figure files an earlier run left in dir (only names this
 * module writes), so that no stale figure outlives its data. */
static void remove_stale(const char *dir)
{
    static const char *const prefixes[] = { "cdf_", "sweep_", "claim_", "holds_", "capacity.",
                                            "escalation_", "attack_timeline." };
    static const char *const exts[] = { ".dat", ".gp", ".png", ".svg" };
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        const char *n = de->d_name;
        size_t len = strlen(n);
        int ours = 0;
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !ours; i++)
            ours = !strncmp(n, prefixes[i], strlen(prefixes[i]));
        int ext = 0;
        for (size_t i = 0; i < sizeof exts / sizeof exts[0] && !ext; i++)
            ext = len > strlen(exts[i]) && !strcmp(n + len - strlen(exts[i]), exts[i]);
        if (ours && ext) {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", dir, n);
            unlink(path);
        }
    }
    closedir(dp);
}

int plots_write(const resfile *r, const char *dir, int run, FILE *warn, plots_list *out,
                err_t *e)
{
    memset(out, 0, sizeof *out);
    if (h5out_make_dirs(dir))
        return err_set(e, ERR_CANTCREAT, dir, 0, 0, "cannot create the directory: %s",
                       strerror(errno));
    remove_stale(dir);
    pctx c = { r, dir, out, e, NULL, NULL, NULL };
    char log[4096];
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    unlink(log);   /* messages of an earlier run */
    int rc = 0;
    /* Latency CDFs: time-valued tallies, and any tally a claim names. */
    for (size_t i = 0; i < r->nmetrics && !rc; i++) {
        const resfile_metric *m = &r->metrics[i];
        if (m->cdf && m->cdf_reps &&
            (resfile_unit_seconds(m->units) > 0 || metric_has_claim(r, m->name)))
            rc = plot_cdf(&c, m);
    }
    if (!rc)
        rc = plot_sweeps(&c, warn);
    if (!rc)
        rc = plot_capacity(&c);
    if (!rc)
        rc = plot_escalation(&c);
    if (!rc)
        rc = plot_timeline(&c);
    if (!rc)
        rc = plot_tornado(&c);
    if (rc || !run)
        return rc;

    char gnuplot[4096];
    if (plots_find_gnuplot(gnuplot, sizeof gnuplot)) {
        if (warn)
            fprintf(warn, "mwrasp-report: warning: gnuplot not found (install gnuplot-nox); "
                          "wrote the .dat and .gp files to %s without images\n", dir);
        return 0;
    }
    int failed = 0;
    for (size_t i = 0; i < out->n; i++) {
        plots_item *it = &out->items[i];
        int st = run_gnuplot(gnuplot, dir, it->name);
        it->rendered = st == 0 && nonempty(dir, it->name, "png") && nonempty(dir, it->name, "svg");
        if (!it->rendered) {
            failed++;
            if (warn)
                fprintf(warn, "mwrasp-report: warning: gnuplot failed on %s/%s.gp (status %d; "
                              "see %s/gnuplot.log)\n", dir, it->name, st, dir);
        }
    }
    if (!failed) {
        struct stat st;
        if (stat(log, &st) == 0 && st.st_size == 0)
            unlink(log);
    }
    return 0;
}

void plots_list_free(plots_list *l)
{
    if (!l)
        return;
    free(l->items);
    memset(l, 0, sizeof *l);
}
