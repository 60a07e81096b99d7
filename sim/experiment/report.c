/* report.c - results table (see report.h). */
#include "report.h"
#include "campaign.h"
#include "figfmt.h"

#include <math.h>
#include <string.h>

void report_number(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (v != 0 && (fabs(v) >= 1e6 || fabs(v) < 1e-3))
        snprintf(buf, size, "%.3e", v);
    else
        figfmt_number(v, "-", buf, size);   /* %.4g, never "1" for 0.9999996 */
}

/* The numeric columns of a summary row: mean, CI (or why there is none),
 * p50, p95, p99. */
typedef struct report_cells {
    char mean[24], p50[24], p95[24], p99[24], ci[64];
} report_cells;

static void report_cells_of(const stats_summary *s, const char *no_ci, report_cells *c)
{
    char lo[24], hi[24];
    report_number(s->mean, c->mean, sizeof c->mean);
    report_number(s->p50, c->p50, sizeof c->p50);
    report_number(s->p95, c->p95, sizeof c->p95);
    report_number(s->p99, c->p99, sizeof c->p99);
    report_number(s->ci_low, lo, sizeof lo);
    report_number(s->ci_high, hi, sizeof hi);
    if (isnan(s->half_width))
        snprintf(c->ci, sizeof c->ci, "%s", no_ci);
    else
        snprintf(c->ci, sizeof c->ci, "[%s, %s]", lo, hi);
}

/* Text cut to at most n columns ("..." marks the cut); n < 4: empty. */
static void report_cut(const char *text, int n, char *buf, size_t size)
{
    size_t len = strlen(text);
    if (n < 4)
        len = 0, text = "";
    if ((int)len > n) {
        snprintf(buf, size, "%.*s...", n - 3, text);
        return;
    }
    snprintf(buf, size, "%s", text);
}

static int report_kept(const char *name, report_keep keep, void *ctx)
{
    return !keep || keep(name, ctx);
}

void report_header(FILE *out, const scenario_t *sc, const campaign_result *c, int threads,
                   double wall_s)
{
    char dur[32], warm[32];
    cfg_format_duration(sc->duration_ns, dur, sizeof dur);
    cfg_format_duration(sc->warmup_ns, warm, sizeof warm);
    char desc[1024];
    scenario_describe(sc, desc, sizeof desc);
    fprintf(out, "scenario  %s%s%s\n", sc->name, desc[0] ? " - " : "", desc);
    if (sc->sweep.naxes) {
        size_t reps = 0;
        for (size_t p = 0; p < c->npoints; p++)
            reps += c->points[p].nreps;
        fprintf(out, "sweep     %zu points (%s) x replications, %zu replications in all; "
                     "seed %llu, %s simulated after %s warmup, %d threads, %.2f s wall\n",
                c->npoints, sc->sweep.zip ? "zip" : "grid", reps,
                (unsigned long long)sc->seed, dur, warm, threads, wall_s);
        return;
    }
    const runner_result *r = &c->points[0];
    uint64_t events = 0;
    for (size_t i = 0; i < r->nreps; i++)
        events += r->events[i];
    fprintf(out, "run       seed %llu, %zu replications x %s simulated (after %s warmup), "
                 "%d threads, %.2f s wall, %llu events\n",
            (unsigned long long)sc->seed, r->nreps, dur, warm, threads, wall_s,
            (unsigned long long)events);
}

static void report_table(FILE *out, const runner_result *r, report_keep keep, void *ctx,
                         int width)
{
    fprintf(out, "figures   per metric: the mean (tallies: pooled over observations) with a "
                 "95%% CI that fits its domain (docs/claims.md);\n"
                 "          p50/p95/p99 of the pooled distribution; [k/R] = replications "
                 "with data when some had none\n\n");
    int w = 6;
    for (size_t k = 0; k < r->nmetrics; k++)
        if (report_kept(r->defs[k].name, keep, ctx) && (int)strlen(r->defs[k].name) > w)
            w = (int)strlen(r->defs[k].name);
    /* Columns: name unit mean CI (50 columns besides the name), then
     * p50/p95/p99 (33) while 12 are left for what it measures, which
     * takes what is left of width. */
    if (w > width - 50)
        w = width - 50 > 16 ? width - 50 : 16;
    int pct = w + 50 + 33 + 2 + 12 <= width;
    int rest = width - w - 50 - (pct ? 33 : 0) - 2;
    char name[128], what[512], head[64];
    report_cut("what it measures", rest, head, sizeof head);
    fprintf(out, "%-*s %-10s %11s  %-25s", w, "metric", "unit", "mean", "95% CI");
    if (pct)
        fprintf(out, " %10s %10s %10s", "p50", "p95", "p99");
    fprintf(out, "%s%s\n", head[0] ? "  " : "", head);
    for (size_t k = 0; k < r->nmetrics; k++) {
        const stats_def *d = &r->defs[k];
        const stats_summary *s = &r->summary[k];
        if (!report_kept(d->name, keep, ctx))
            continue;
        report_cells c;
        report_cells_of(s, "(data in < 2 reps)", &c);
        char full[512];
        if (s->reps_with_data < s->reps)
            snprintf(full, sizeof full, "[%zu/%zu] %s", s->reps_with_data, s->reps, d->what);
        else
            snprintf(full, sizeof full, "%s", d->what);
        report_cut(d->name, w, name, sizeof name);
        report_cut(full, rest, what, sizeof what);
        fprintf(out, "%-*s %-10s %11s  %-25s", w, name, d->unit, c.mean, c.ci);
        if (pct)
            fprintf(out, " %10s %10s %10s", c.p50, c.p95, c.p99);
        fprintf(out, "%s%s\n", what[0] ? "  " : "", what);
        if (!isnan(s->p_event)) {
            char km[24], kl[24], kh[24];
            report_number(s->km_median, km, sizeof km);
            report_number(s->km_median_low, kl, sizeof kl);
            report_number(s->km_median_high, kh, sizeof kh);
            fprintf(out, "  P(event) %.3g [%.3g, %.3g] (%.0f of %.0f still waiting at the "
                         "end); Kaplan-Meier median %s %s [%s, %s]\n",
                    s->p_event, s->p_event_low, s->p_event_high, s->censored,
                    s->censored + s->n, km, d->unit, kl, kh);
        }
    }
}

static void report_sweep(FILE *out, const scenario_t *base, const campaign_result *c,
                         report_keep keep, void *ctx)
{
    const sweep_spec *sw = &base->sweep;
    fprintf(out, "figures   mean with a 95%% CI that fits the metric's domain "
                 "(docs/claims.md); p50/p95/p99 pooled\n");
    const runner_result *r0 = &c->points[0];
    for (size_t k = 0; k < r0->nmetrics; k++) {
        const stats_def *d = &r0->defs[k];
        if (!report_kept(d->name, keep, ctx))
            continue;
        fprintf(out, "\n%s [%s]: %s\n", d->name, d->unit, d->what);
        for (size_t a = 0; a < sw->naxes; a++)
            fprintf(out, "  %-22s", sw->axes[a].path);
        fprintf(out, "  %5s %11s  %-25s %10s %10s %10s\n", "reps", "mean", "95% CI", "p50",
                "p95", "p99");
        for (size_t p = 0; p < c->npoints; p++) {
            const runner_result *r = &c->points[p];
            int kk = runner_metric_index(r, d->name);
            if (kk < 0)
                continue;
            const stats_summary *s = &r->summary[kk];
            for (size_t a = 0; a < sw->naxes; a++)
                fprintf(out, "  %-22s", sw->axes[a].values[sweep_value_index(sw, p, a)]);
            report_cells cells;
            report_cells_of(s, "-", &cells);
            fprintf(out, "  %5zu %11s  %-25s %10s %10s %10s\n", r->nreps, cells.mean, cells.ci,
                    cells.p50, cells.p95, cells.p99);
        }
    }
}

void report_metrics(FILE *out, const scenario_t *sc, const campaign_result *c,
                    report_keep keep, void *ctx, int width)
{
    if (sc->sweep.naxes)
        report_sweep(out, sc, c, keep, ctx);
    else
        report_table(out, &c->points[0], keep, ctx, width);
}
