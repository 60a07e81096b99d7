/* output.c - stdout in the format asked for (see output.h). */
#define _DEFAULT_SOURCE 1 /* TIOCGWINSZ */
#include "output.h"
#include "report.h"
#include "sink.h"
#include "paired.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int output_parse_format(const char *name, output_format *out)
{
    static const char *const names[] = { "table", "markdown", "csv", "json" };
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, names[i])) {
            *out = (output_format)i;
            return 0;
        }
    return -1;
}

int output_width(void)
{
    const char *env = getenv("COLUMNS");
    if (env && *env) {
        char *end;
        long c = strtol(env, &end, 10);
        if (!*end && c >= 20 && c <= 1000)
            return (int)c;
    }
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 120;
}

int output_keep(const output_view *v, const scenario_t *sc, const char *metric)
{
    if (v->all)
        return 1;
    if (v->metrics) {
        const char *p = v->metrics;
        char glob[256];
        while (*p) {
            size_t n = strcspn(p, ",");
            snprintf(glob, sizeof glob, "%.*s", (int)(n < sizeof glob ? n : sizeof glob - 1), p);
            if (glob[0] && fnmatch(glob, metric, 0) == 0)
                return 1;
            p += n + (p[n] == ',');
        }
        return 0;
    }
    if (!sc->claims.n)
        return 1;
    for (size_t i = 0; i < sc->claims.n; i++) {
        const claims_claim *cl = &sc->claims.items[i];
        if (!strcmp(cl->metric, metric) || (cl->per && !strcmp(cl->per, metric)))
            return 1;
    }
    return 0;
}

typedef struct output_keep_ctx {
    const output_view *v;
    const scenario_t *sc;
} output_keep_ctx;

static int output_keep_cb(const char *metric, void *ctx)
{
    const output_keep_ctx *k = ctx;
    return output_keep(k->v, k->sc, metric);
}

/* Writes text with every line longer than width wrapped at blanks: the
 * continuation lines start under the text after a label ("FAILS    x",
 * "run       x": the first run of 2+ blanks after the line's start), else
 * two columns deeper than the line. */
static void output_wrap(FILE *out, const char *text, int width)
{
    const char *line = text;
    while (*line) {
        size_t len = strcspn(line, "\n");
        if ((int)len <= width) {
            fwrite(line, 1, len, out);
            fputc('\n', out);
        } else {
            size_t indent = strspn(line, " ");
            size_t cont = indent + 2;
            const char *gap = strstr(line + indent, "  ");
            if (gap && gap < line + len) {
                size_t r = (size_t)(gap - line) + strspn(gap, " ");
                if ((int)r < width / 2)
                    cont = r;
            }
            size_t start = 0, lead = 0;
            while (start < len) {
                size_t room = (size_t)width - lead;
                size_t take = len - start;
                if (take > room) {
                    take = room;
                    while (take > 0 && line[start + take] != ' ')
                        take--;
                    if (take == 0)
                        take = room;
                }
                fprintf(out, "%*s%.*s\n", (int)lead, "", (int)take, line + start);
                start += take;
                while (start < len && line[start] == ' ')
                    start++;
                lead = cont;
            }
        }
        line += len + (line[len] == '\n');
    }
}

static void output_estimate(const verdict_result *r, char *buf, size_t size)
{
    char est[32], ci[96];
    report_number(r->estimate, est, sizeof est);
    verdict_format_ci(r, ci, sizeof ci);
    int has_ci = strcmp(ci, "-") != 0;
    const char *unit = strcmp(r->unit, "1") ? r->unit : "";
    if (!has_ci)
        snprintf(buf, size, "%s%s%s", est, unit[0] ? " " : "", unit);
    else if (!isnan(r->ci_low))
        snprintf(buf, size, "%s%s%s %s %.4g%%", est, unit[0] ? " " : "", unit, ci,
                 100 * r->level);
    else
        snprintf(buf, size, "%s%s%s %s", est, unit[0] ? " " : "", unit, ci);
}

static void output_verdict_lines(FILE *o, const output_run *r)
{
    const scenario_t *sc = r->sc;
    size_t np = r->camp->npoints;
    fprintf(o, "\nverdicts  %zu claim%s (details below the table)\n", sc->claims.n,
            sc->claims.n == 1 ? "" : "s");
    for (size_t c = 0; c < sc->claims.n; c++) {
        const claims_claim *cl = &sc->claims.items[c];
        if (sc->sweep.naxes) {
            char region[1024];
            verdict_region(&sc->claims, c, &sc->sweep, np, r->claims, region, sizeof region);
            fprintf(o, "%-15s %s: %s\n", "", cl->name, region);
            continue;
        }
        char est[160];
        output_estimate(&r->claims[c], est, sizeof est);
        fprintf(o, "%-15s %s: %s\n", verdict_name(r->claims[c].verdict), cl->name, est);
    }
}

static void output_table(FILE *out, const output_view *v, const output_run *r, const char *tail)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&buf, &len);
    if (!o) { /* no memory for the wrap: print unwrapped */
        o = out;
    }
    const scenario_t *sc = r->sc;
    output_keep_ctx k = { v, sc };
    report_header(o, sc, r->camp, r->threads, r->wall_s);
    if (sc->claims.n)
        output_verdict_lines(o, r);
    fputc('\n', o);
    if (sc->claims.n && !v->all && !v->metrics)
        fprintf(o, "metrics   the claims' (every metric: --all; a choice: --metrics GLOB,...)\n");
    report_metrics(o, sc, r->camp, output_keep_cb, &k, v->width);
    if (sc->sweep.naxes)
        verdict_print_sweep(o, &sc->claims, &sc->sweep, r->camp->npoints, r->claims, r->alpha,
                            r->looks, r->tests);
    else
        verdict_print(o, &sc->claims, r->claims, r->alpha, r->looks, r->tests);
    if (tail)
        fputs(tail, o);
    fprintf(o, "\nresults   %s\n", r->results);
    if (o == out)
        return;
    fclose(o);
    output_wrap(out, buf, v->width);
    free(buf);
}

/* "a=1, b=2" for point p of a sweep, "" without one. */
static void output_point(const scenario_t *sc, size_t p, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t a = 0; a < sc->sweep.naxes && used < size; a++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", a ? ", " : "",
                                 sc->sweep.axes[a].path,
                                 sc->sweep.axes[a].values[sweep_value_index(&sc->sweep, p, a)]);
}

static void output_md_num(FILE *o, double v)
{
    char b[32];
    report_number(v, b, sizeof b);
    fprintf(o, " %s |", b);
}

static void output_markdown(FILE *o, const output_view *v, const output_run *r)
{
    const scenario_t *sc = r->sc;
    const campaign_result *c = r->camp;
    size_t np = c->npoints;
    int sweep = sc->sweep.naxes > 0;
    char desc[1024], where[1024], est[160];
    scenario_describe(sc, desc, sizeof desc);
    fputs("# ", o), sink_markdown(o, sc->name), fputs("\n\n", o);
    if (desc[0])
        sink_markdown(o, desc), fputs("\n\n", o);
    fprintf(o, "Seed %llu; results in ", (unsigned long long)sc->seed);
    sink_markdown(o, r->results);
    fputs(".\n", o);
    if (sc->claims.n) {
        fprintf(o, "\n## Verdicts\n\n| verdict | claim |%s estimate and CI | rule | source |\n"
                   "|---|---|%s---|---|---|\n", sweep ? " point |" : "", sweep ? "---|" : "");
        for (size_t k = 0; k < sc->claims.n; k++)
            for (size_t p = 0; p < np; p++) {
                const claims_claim *cl = &sc->claims.items[k];
                const verdict_result *x = &r->claims[k * np + p];
                output_estimate(x, est, sizeof est);
                fprintf(o, "| %s | ", verdict_name(x->verdict));
                sink_markdown(o, cl->name);
                if (sweep) {
                    output_point(sc, p, where, sizeof where);
                    fputs(" | ", o), sink_markdown(o, where);
                }
                fputs(" | ", o), sink_markdown(o, est);
                fprintf(o, " | %s | ", verdict_rule_name(x->rule));
                sink_markdown(o, cl->source);
                fputs(" |\n", o);
            }
    }
    const paired_set *ps = r->comparisons;
    if (ps && ps->n) {
        fputs("\n## Comparisons (A/B, common random numbers)\n\n"
              "| verdict | claim | effect [CI] | level | bound | source |\n"
              "|---|---|---|---|---|---|\n", o);
        for (size_t k = 0; k < ps->n; k++) {
            const claims_comparison *cmp = &sc->comparisons.items[k];
            const paired_result *x = &ps->rows[k];
            snprintf(est, sizeof est, "%s %.4g [%.4g, %.4g]", claims_effect_name(cmp->effect),
                     x->estimate, x->ci_low, x->ci_high);
            fprintf(o, "| %s | ", verdict_name(x->verdict));
            sink_markdown(o, cmp->claim.name);
            fputs(" | ", o), sink_markdown(o, est);
            fprintf(o, " | %.4g %% | ", 100 * x->level);
            sink_markdown(o, cmp->claim.bound_text);
            fputs(" | ", o), sink_markdown(o, cmp->claim.source);
            fputs(" |\n", o);
        }
    }
    fprintf(o, "\n## Metrics\n\n|%s metric | unit | mean | 95%% CI low | 95%% CI high | p50 | p95 "
               "| p99 | what it measures |\n|%s---|---|---|---|---|---|---|---|---|\n",
            sweep ? " point |" : "", sweep ? "---|" : "");
    const runner_result *r0 = &c->points[0];
    for (size_t m = 0; m < r0->nmetrics; m++) {
        const stats_def *d = &r0->defs[m];
        if (!output_keep(v, sc, d->name))
            continue;
        for (size_t p = 0; p < np; p++) {
            int kk = runner_metric_index(&c->points[p], d->name);
            if (kk < 0)
                continue;
            const stats_summary *s = &c->points[p].summary[kk];
            fputc('|', o);
            if (sweep) {
                output_point(sc, p, where, sizeof where);
                fputc(' ', o), sink_markdown(o, where), fputs(" |", o);
            }
            fputc(' ', o), sink_markdown(o, d->name), fputs(" | ", o), sink_markdown(o, d->unit);
            fputs(" |", o);
            output_md_num(o, s->mean), output_md_num(o, s->ci_low), output_md_num(o, s->ci_high);
            output_md_num(o, s->p50), output_md_num(o, s->p95), output_md_num(o, s->p99);
            fputc(' ', o), sink_markdown(o, d->what), fputs(" |\n", o);
        }
    }
}

static void output_csv_num(FILE *o, double v)
{
    fputc(',', o);
    if (!isnan(v))
        fprintf(o, "%.10g", v);
}

static void output_csv(FILE *o, const output_view *v, const output_run *r)
{
    const scenario_t *sc = r->sc;
    const campaign_result *c = r->camp;
    fputs("point", o);
    for (size_t a = 0; a < sc->sweep.naxes; a++)
        fputc(',', o), sink_csv(o, sc->sweep.axes[a].path);
    fputs(",metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,n,replications\r\n", o);
    const runner_result *r0 = &c->points[0];
    for (size_t m = 0; m < r0->nmetrics; m++) {
        const stats_def *d = &r0->defs[m];
        if (!output_keep(v, sc, d->name))
            continue;
        for (size_t p = 0; p < c->npoints; p++) {
            int kk = runner_metric_index(&c->points[p], d->name);
            if (kk < 0)
                continue;
            const stats_summary *s = &c->points[p].summary[kk];
            fprintf(o, "%zu", p);
            for (size_t a = 0; a < sc->sweep.naxes; a++)
                fputc(',', o),
                    sink_csv(o, sc->sweep.axes[a].values[sweep_value_index(&sc->sweep, p, a)]);
            fputc(',', o), sink_csv(o, d->name), fputc(',', o), sink_csv(o, d->unit);
            output_csv_num(o, s->mean), output_csv_num(o, s->ci_low);
            output_csv_num(o, s->ci_high), output_csv_num(o, s->p50);
            output_csv_num(o, s->p95), output_csv_num(o, s->p99), output_csv_num(o, s->n);
            fprintf(o, ",%zu\r\n", s->reps);
        }
    }
}

static void output_json_key(FILE *o, const char *key, int first)
{
    fputs(first ? "" : ", ", o);
    sink_json_string(o, key);
    fputs(": ", o);
}

static void output_json_num(FILE *o, const char *key, double v)
{
    output_json_key(o, key, 0);
    sink_json_number(o, v);
}

/* An estimate with its interval: estimate, ci_low, ci_high, level. */
static void output_json_ci(FILE *o, double estimate, double lo, double hi, double level)
{
    output_json_num(o, "estimate", estimate);
    output_json_num(o, "ci_low", lo);
    output_json_num(o, "ci_high", hi);
    output_json_num(o, "level", level);
}

static void output_json_str(FILE *o, const char *key, const char *s, int first)
{
    output_json_key(o, key, first);
    sink_json_string(o, s ? s : "");
}

static void output_json_axes(FILE *o, const scenario_t *sc, size_t p)
{
    fputs("{", o);
    for (size_t a = 0; a < sc->sweep.naxes; a++)
        output_json_str(o, sc->sweep.axes[a].path,
                        sc->sweep.axes[a].values[sweep_value_index(&sc->sweep, p, a)], a == 0);
    fputs("}", o);
}

static void output_json(FILE *o, const output_view *v, const output_run *r)
{
    const scenario_t *sc = r->sc;
    const campaign_result *c = r->camp;
    size_t np = c->npoints;
    char desc[1024];
    scenario_describe(sc, desc, sizeof desc);
    fputs("{", o);
    output_json_str(o, "scenario", sc->name, 1);
    output_json_str(o, "description", desc, 0);
    output_json_num(o, "seed", (double)sc->seed);
    output_json_num(o, "threads", r->threads);
    output_json_str(o, "results", r->results, 0);
    output_json_key(o, "sweep", 0);
    if (!sc->sweep.naxes) {
        fputs("null", o);
    } else {
        fputs("{", o);
        output_json_str(o, "mode", sc->sweep.zip ? "zip" : "grid", 1);
        output_json_key(o, "axes", 0);
        fputs("[", o);
        for (size_t a = 0; a < sc->sweep.naxes; a++) {
            fputs(a ? ", {" : "{", o);
            output_json_str(o, "path", sc->sweep.axes[a].path, 1);
            output_json_key(o, "values", 0);
            fputs("[", o);
            for (size_t i = 0; i < sc->sweep.axes[a].nvalues; i++)
                fputs(i ? ", " : "", o), sink_json_string(o, sc->sweep.axes[a].values[i]);
            fputs("]}", o);
        }
        fputs("]}", o);
    }
    output_json_key(o, "claims", 0);
    fputs("{", o);
    output_json_key(o, "family_wise_error", 1);
    sink_json_number(o, r->alpha * (double)r->looks);
    output_json_num(o, "interval_tests", (double)r->tests);
    output_json_num(o, "looks", (double)r->looks);
    output_json_str(o, "rules", "docs/claims.md", 0);
    output_json_key(o, "verdicts", 0);
    fputs("[", o);
    for (size_t k = 0; k < sc->claims.n; k++) {
        const claims_claim *cl = &sc->claims.items[k];
        fputs(k ? ",\n  {" : "\n  {", o);
        output_json_str(o, "name", cl->name, 1);
        output_json_str(o, "metric", cl->metric, 0);
        output_json_str(o, "statistic", claims_stat_name(cl->stat), 0);
        output_json_str(o, "bound", cl->bound_text, 0);
        output_json_str(o, "source", cl->source, 0);
        output_json_key(o, "assumptions", 0);
        fputs("[", o);
        for (size_t i = 0; i < cl->nassumptions; i++)
            fputs(i ? ", " : "", o), sink_json_string(o, cl->assumptions[i]);
        fputs("]", o);
        output_json_key(o, "points", 0);
        fputs("[", o);
        for (size_t p = 0; p < np; p++) {
            const verdict_result *x = &r->claims[k * np + p];
            fputs(p ? ", {" : "{", o);
            output_json_key(o, "point", 1);
            fprintf(o, "%zu", p);
            output_json_key(o, "axes", 0);
            output_json_axes(o, sc, p);
            output_json_str(o, "verdict", verdict_name(x->verdict), 0);
            output_json_str(o, "rule", verdict_rule_name(x->rule), 0);
            output_json_str(o, "method", x->method, 0);
            output_json_str(o, "unit", x->unit, 0);
            output_json_ci(o, x->estimate, x->ci_low, x->ci_high, x->level);
            output_json_num(o, "pvalue", x->pvalue);
            output_json_num(o, "bound_low", x->bound_lo);
            output_json_num(o, "bound_high", x->bound_hi);
            output_json_num(o, "replications", (double)x->replications);
            output_json_num(o, "more_replications", (double)x->more_replications);
            output_json_num(o, "exceedances", x->exceed);
            output_json_num(o, "observations", x->observations);
            output_json_str(o, "note", x->note, 0);
            fputs("}", o);
        }
        fputs("]}", o);
    }
    fputs("]},\n", o);
    output_json_key(o, "comparisons", 1);
    fputs("[", o);
    const paired_set *ps = r->comparisons;
    for (size_t k = 0; ps && k < ps->n; k++) {
        const claims_comparison *cmp = &sc->comparisons.items[k];
        const paired_result *x = &ps->rows[k];
        fputs(k ? ",\n  {" : "\n  {", o);
        output_json_str(o, "name", cmp->claim.name, 1);
        output_json_str(o, "metric", cmp->claim.metric, 0);
        output_json_str(o, "statistic", claims_stat_name(cmp->claim.stat), 0);
        output_json_str(o, "effect", claims_effect_name(cmp->effect), 0);
        output_json_str(o, "bound", cmp->claim.bound_text, 0);
        output_json_str(o, "source", cmp->claim.source, 0);
        output_json_str(o, "verdict", verdict_name(x->verdict), 0);
        output_json_str(o, "unit", x->unit, 0);
        output_json_ci(o, x->estimate, x->ci_low, x->ci_high, x->level);
        output_json_num(o, "baseline_mean", x->baseline_mean);
        output_json_num(o, "variant_mean", x->variant_mean);
        output_json_num(o, "pairs", (double)x->pairs);
        output_json_str(o, "note", x->sentence, 0);
        fputs("}", o);
    }
    fputs("],\n", o);
    output_json_key(o, "metrics", 1);
    fputs("[", o);
    const runner_result *r0 = &c->points[0];
    int first = 1;
    for (size_t m = 0; m < r0->nmetrics; m++) {
        const stats_def *d = &r0->defs[m];
        if (!output_keep(v, sc, d->name))
            continue;
        fputs(first ? "\n  {" : ",\n  {", o);
        first = 0;
        output_json_str(o, "name", d->name, 1);
        output_json_str(o, "unit", d->unit, 0);
        output_json_str(o, "description", d->what, 0);
        output_json_key(o, "points", 0);
        fputs("[", o);
        int pfirst = 1;
        for (size_t p = 0; p < np; p++) {
            int kk = runner_metric_index(&c->points[p], d->name);
            if (kk < 0)
                continue;
            const stats_summary *s = &c->points[p].summary[kk];
            fputs(pfirst ? "{" : ", {", o);
            pfirst = 0;
            output_json_key(o, "point", 1);
            fprintf(o, "%zu", p);
            output_json_key(o, "axes", 0);
            output_json_axes(o, sc, p);
            output_json_num(o, "replications", (double)s->reps);
            output_json_num(o, "mean", s->mean);
            output_json_num(o, "ci95_low", s->ci_low);
            output_json_num(o, "ci95_high", s->ci_high);
            output_json_num(o, "p50", s->p50);
            output_json_num(o, "p95", s->p95);
            output_json_num(o, "p99", s->p99);
            output_json_num(o, "n", s->n);
            fputs("}", o);
        }
        fputs("]}", o);
    }
    fputs("]}\n", o);
}

void output_print(FILE *out, const output_view *v, const output_run *r, const char *tail)
{
    switch (v->format) {
    case OUTPUT_TABLE: output_table(out, v, r, tail); break;
    case OUTPUT_MARKDOWN: output_markdown(out, v, r); break;
    case OUTPUT_CSV: output_csv(out, v, r); break;
    case OUTPUT_JSON: output_json(out, v, r); break;
    }
}
