/* claims.c - claim verdicts (see claims.h).
 *
 * Invariant: a verdict is a pure function of the replications' results,
 * so it is as reproducible as they are.
 */
#include "claims.h"
#include "runner.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

static const char *const claims_stat_names[] = {
    "mean", "p50", "p90", "p95", "p99", "min", "max", "fraction_below", NULL
};

const char *claims_stat_name(claims_stat s)
{
    return claims_stat_names[s];
}

const char *claims_verdict_name(claims_verdict v)
{
    static const char *const names[] = { "HOLDS", "FAILS", "INCONCLUSIVE", "NO DATA" };
    return names[v];
}

/* Seconds per time unit, or 0 when unit is not a time unit. */
static double claims_seconds(const char *unit)
{
    static const struct { const char *u; double s; } t[] = {
        { "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1.0 },
        { "min", 60.0 }, { "h", 3600.0 }, { "d", 86400.0 }, { "y", 31557600.0 },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(unit, t[i].u) == 0)
            return t[i].s;
    return 0;
}

int claims_convert(double x, const char *from, const char *to, double *out)
{
    if (!from[0] || strcmp(from, to) == 0) {
        *out = x;
        return 0;
    }
    if (strcmp(from, "%") == 0) {
        *out = strcmp(to, "%") == 0 ? x : x / 100.0;
        return 0;
    }
    double fs = claims_seconds(from), ts = claims_seconds(to);
    if (fs > 0 && ts > 0) {
        *out = x * fs / ts;
        return 0;
    }
    if (strcmp(from, "/s") == 0 && strcmp(to, "1/s") == 0) {
        *out = x;
        return 0;
    }
    return -1;
}

/* "63ms" -> 63, "ms"; "99.99%" -> 99.99, "%"; "0.15" -> 0.15, "". */
static int claims_split(const char *s, double *v, char *unit, size_t usz)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || errno || !isfinite(*v))
        return -1;
    while (*end == ' ')
        end++;
    if (strlen(end) >= usz)
        return -1;
    snprintf(unit, usz, "%s", end);
    if (unit[0] && strcmp(unit, "%") && strcmp(unit, "/s") && claims_seconds(unit) == 0)
        return -1;
    return 0;
}

static int claims_value(cfg_ctx *c, cfg_node *n, const char *what, double *v, char *unit,
                        size_t usz)
{
    if (!n || n->kind != CFG_SCALAR || claims_split(n->text, v, unit, usz) != 0) {
        cfg_error(c, n, "claims: %s must be a number with an optional unit "
                        "(ns us ms s min h d, %% or /s), like 0.1ms or 99.99%%", what);
        return -1;
    }
    return 0;
}

static int claims_parse_one(cfg_ctx *c, cfg_node *item, claims_claim *cl)
{
    if (item->kind != CFG_MAP) {
        cfg_error(c, item, "claims: each claim is a mapping {name, metric, statistic, bound, source}");
        return -1;
    }
    int bad = cfg_require(c, item, "metric") | cfg_require(c, item, "bound") |
              cfg_require(c, item, "source");
    bad |= cfg_name_string(c, item, "name", "", SINK_NAME_LABEL, &cl->name);
    bad |= cfg_name_string(c, item, "metric", "", SINK_NAME_PATH, &cl->metric);
    bad |= cfg_string(c, item, "source", "", &cl->source);
    if (!cl->name[0])
        cl->name = cl->metric;
    int stat = 0;
    bad |= cfg_enum(c, item, "statistic", claims_stat_names, 0, &stat);
    cl->stat = (claims_stat)stat;
    cfg_node *th = cfg_get(item, "threshold");
    if (cl->stat == CLAIMS_FRACTION_BELOW) {
        if (!th) {
            cfg_error(c, item, "claims: statistic fraction_below needs threshold: (e.g. 100ms)");
            bad = -1;
        } else {
            bad |= claims_value(c, th, "threshold", &cl->threshold, cl->threshold_unit,
                                sizeof cl->threshold_unit);
        }
    } else if (th) {
        cfg_error(c, th, "claims: threshold goes with statistic: fraction_below");
        bad = -1;
    }
    cfg_node *b = cfg_get(item, "bound");
    if (b && b->kind == CFG_MAP && b->n == 1) {
        const char *k = b->keys[0];
        cfg_node *v = b->items[0];
        b->used[0] = 1;
        if (strcmp(k, "max") == 0) {
            cl->bound = CLAIMS_BOUND_MAX;
            bad |= claims_value(c, v, "bound max", &cl->hi, cl->hi_unit, sizeof cl->hi_unit);
            snprintf(cl->bound_text, sizeof cl->bound_text, "<= %s", v->text ? v->text : "?");
        } else if (strcmp(k, "min") == 0) {
            cl->bound = CLAIMS_BOUND_MIN;
            bad |= claims_value(c, v, "bound min", &cl->lo, cl->lo_unit, sizeof cl->lo_unit);
            snprintf(cl->bound_text, sizeof cl->bound_text, ">= %s", v->text ? v->text : "?");
        } else if (strcmp(k, "within") == 0 && v->kind == CFG_SEQ && v->n == 2) {
            cl->bound = CLAIMS_BOUND_WITHIN;
            bad |= claims_value(c, v->items[0], "bound within[0]", &cl->lo, cl->lo_unit,
                                sizeof cl->lo_unit);
            bad |= claims_value(c, v->items[1], "bound within[1]", &cl->hi, cl->hi_unit,
                                sizeof cl->hi_unit);
            if (!bad)
                snprintf(cl->bound_text, sizeof cl->bound_text, "in [%s, %s]",
                         v->items[0]->text, v->items[1]->text);
        } else {
            cfg_error(c, v, "claims: bound is {max: x}, {min: x} or {within: [a, b]}");
            bad = -1;
        }
    } else if (b) {
        cfg_error(c, b, "claims: bound is {max: x}, {min: x} or {within: [a, b]}");
        bad = -1;
    }
    cfg_check_unused(c, item);
    return bad ? -1 : 0;
}

int claims_parse(cfg_ctx *c, cfg_node *list, claims_list *out)
{
    memset(out, 0, sizeof *out);
    if (!list)
        return 0;
    out->items = calloc(list->n ? list->n : 1, sizeof *out->items);
    if (!out->items) {
        cfg_oom(c, list);
        return -1;
    }
    int bad = 0;
    cfg_set_prefix(c, "claims.");
    for (size_t i = 0; i < list->n; i++)
        if (claims_parse_one(c, list->items[i], &out->items[out->n++]) != 0)
            bad = -1;
    cfg_set_prefix(c, "");
    return bad;
}

void claims_free(claims_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* P(X <= t) from a replication's 101 percentiles, interpolating linearly
 * between them (the CDF is piecewise linear through (q_i, i/100)). */
static double claims_fraction_below(const double *cdf, double t)
{
    if (isnan(cdf[0]))
        return NAN;
    if (t < cdf[0])
        return 0.0;
    if (t >= cdf[STATS_CDF_POINTS - 1])
        return 1.0;
    for (int i = STATS_CDF_POINTS - 1; i > 0; i--)
        if (t >= cdf[i - 1]) {
            /* Among tied percentiles take the highest index below t. */
            double lo = cdf[i - 1], hi = cdf[i];
            double f = hi > lo ? (t - lo) / (hi - lo) : 1.0;
            return ((double)(i - 1) + f) / (STATS_CDF_POINTS - 1);
        }
    return 0.0;
}

static double claims_stat_of(const claims_claim *cl, const stats_rep *q, double threshold)
{
    switch (cl->stat) {
    case CLAIMS_MEAN: return q->value;
    case CLAIMS_P50: return q->p50;
    case CLAIMS_P90: return q->p90;
    case CLAIMS_P95: return q->p95;
    case CLAIMS_P99: return q->p99;
    case CLAIMS_MIN: return q->min;
    case CLAIMS_MAX: return q->max;
    case CLAIMS_FRACTION_BELOW: return claims_fraction_below(q->cdf, threshold);
    }
    return NAN;
}

/* Replications needed for a half-width below distance d, given half-width
 * hw at n replications (hw ~ 1/sqrt(n)). */
static long claims_needed(double hw, double d, size_t n)
{
    if (!(d > 0) || !isfinite(hw))
        return -1;
    double need = (double)n * (hw / d) * (hw / d);
    if (need > 1e9)
        return -1;
    long total = (long)ceil(need * 1.05) + 1; /* small margin for t-quantile drift */
    return total > (long)n ? total - (long)n : 1;
}

int claims_evaluate(const claims_claim *cl, const runner_result *r, claims_result *out)
{
    memset(out, 0, sizeof *out);
    out->verdict = CLAIMS_NO_DATA;
    out->estimate = out->ci_low = out->ci_high = NAN;
    out->more_replications = -1;
    int k = runner_metric_index(r, cl->metric);
    if (k < 0) {
        snprintf(out->note, sizeof out->note, "no metric '%s' in this scenario", cl->metric);
        return 0;
    }
    const stats_def *d = &r->defs[k];
    snprintf(out->unit, sizeof out->unit, "%s", cl->stat == CLAIMS_FRACTION_BELOW ? "1" : d->unit);
    double threshold = 0;
    if (cl->stat == CLAIMS_FRACTION_BELOW &&
        claims_convert(cl->threshold, cl->threshold_unit, d->unit, &threshold) != 0) {
        snprintf(out->note, sizeof out->note, "threshold unit '%s' does not fit metric unit '%s'",
                 cl->threshold_unit, d->unit);
        return 0;
    }
    const char *target_unit = out->unit;
    out->bound_lo = -INFINITY;
    out->bound_hi = INFINITY;
    if ((cl->bound != CLAIMS_BOUND_MAX &&
         claims_convert(cl->lo, cl->lo_unit, target_unit, &out->bound_lo) != 0) ||
        (cl->bound != CLAIMS_BOUND_MIN &&
         claims_convert(cl->hi, cl->hi_unit, target_unit, &out->bound_hi) != 0)) {
        snprintf(out->note, sizeof out->note, "bound unit does not fit metric unit '%s'",
                 target_unit);
        return 0;
    }
    double *vals = malloc((r->nreps ? r->nreps : 1) * sizeof *vals);
    if (!vals)
        return -1;   /* never a verdict made up for want of memory */
    size_t n = 0;
    for (size_t i = 0; i < r->nreps; i++) {
        double v = claims_stat_of(cl, &r->reps[i * r->nmetrics + (size_t)k], threshold);
        if (!isnan(v))
            vals[n++] = v;
    }
    out->replications = n;
    if (n == 0) {
        free(vals);
        snprintf(out->note, sizeof out->note, "the metric has no observations");
        return 0;
    }
    out->estimate = gsl_stats_mean(vals, 1, n);
    double hw = n > 1 ? stats_ci95_half_width(gsl_stats_sd_m(vals, 1, n, out->estimate), n) : NAN;
    free(vals);
    if (isnan(hw)) {
        out->verdict = CLAIMS_INCONCLUSIVE;
        snprintf(out->note, sizeof out->note, "a CI needs at least 2 replications");
        return 0;
    }
    out->ci_low = out->estimate - hw;
    out->ci_high = out->estimate + hw;
    double lo = out->bound_lo, hi = out->bound_hi;
    int inside = out->ci_low >= lo && out->ci_high <= hi;
    int outside = out->ci_high < lo || out->ci_low > hi;
    if (inside) {
        out->verdict = CLAIMS_HOLDS;
    } else if (outside) {
        out->verdict = CLAIMS_FAILS;
    } else {
        out->verdict = CLAIMS_INCONCLUSIVE;
        /* Distance from the estimate to the bound it straddles. */
        double dist = INFINITY;
        if (out->ci_low < lo && out->ci_high >= lo)
            dist = fabs(out->estimate - lo);
        if (out->ci_low <= hi && out->ci_high > hi && fabs(out->estimate - hi) < dist)
            dist = fabs(out->estimate - hi);
        out->more_replications = claims_needed(hw, dist, n);
        if (out->more_replications > 0)
            snprintf(out->note, sizeof out->note, "about %ld more replications would decide",
                     out->more_replications);
        else
            snprintf(out->note, sizeof out->note,
                     "the estimate sits on the bound: more replications will not decide");
    }
    return 0;
}

void claims_print(FILE *out, const claims_list *l, const claims_result *res)
{
    if (!l->n)
        return;
    fprintf(out, "\nclaims audit (verdict from the 95%% CI of the statistic across replications)\n");
    fprintf(out, "%-13s %-40s %-26s %-9s %12s  %-25s %-20s  %s\n", "verdict", "claim",
            "metric", "statistic", "estimate", "95% CI", "claimed", "source / note");
    for (size_t i = 0; i < l->n; i++) {
        const claims_claim *cl = &l->items[i];
        const claims_result *r = &res[i];
        char est[32], ci[64];
        if (isnan(r->estimate))
            snprintf(est, sizeof est, "-");
        else
            snprintf(est, sizeof est, "%.4g%s%s", r->estimate, strcmp(r->unit, "1") ? " " : "",
                     strcmp(r->unit, "1") ? r->unit : "");
        if (isnan(r->ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%.4g, %.4g]", r->ci_low, r->ci_high);
        fprintf(out, "%-13s %-40.40s %-26.26s %-9s %12s  %-25s %-20s  %s%s%s\n",
                claims_verdict_name(r->verdict), cl->name, cl->metric,
                claims_stat_name(cl->stat), est, ci, cl->bound_text, cl->source,
                r->note[0] ? "; " : "", r->note);
    }
}

void claims_region(const claims_list *l, size_t claim, const sweep_spec *sw, size_t npoints,
                   const claims_result *res, char *buf, size_t size)
{
    (void)l;
    size_t used = 0;
    buf[0] = '\0';
    /* Group points by the values of every axis but the first; within a
     * group, list the first axis's values by verdict. */
    size_t group_size = sw->zip || sw->naxes == 0 ? npoints : sw->axes[0].nvalues;
    size_t ngroups = group_size ? npoints / group_size : 0;
    if (sw->zip || sw->naxes <= 1)
        ngroups = 1, group_size = npoints;
    for (size_t g = 0; g < ngroups; g++) {
        char where[256] = "";
        if (!sw->zip && sw->naxes > 1) {
            size_t p0 = g; /* first point of the group: first axis index 0 */
            /* Row-major: the first axis varies slowest, so point index is
             * i0 * (points / n0) + rest; the group is the "rest". */
            size_t rest_count = npoints / sw->axes[0].nvalues;
            p0 = g % rest_count;
            size_t w = 0;
            for (size_t a = 1; a < sw->naxes; a++)
                w += (size_t)snprintf(where + w, w < sizeof where ? sizeof where - w : 0,
                                      "%s%s=%s", a > 1 ? ", " : "", sw->axes[a].path,
                                      sw->axes[a].values[sweep_value_index(sw, p0, a)]);
            used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%sat %s: ",
                                     g ? "; " : "", where);
        }
        int listed = 0;
        for (int v = CLAIMS_HOLDS; v <= CLAIMS_NO_DATA; v++) {
            int any = 0;
            for (size_t i = 0; i < group_size; i++) {
                size_t p;
                if (!sw->zip && sw->naxes > 1) {
                    size_t rest_count = npoints / sw->axes[0].nvalues;
                    p = i * rest_count + g % rest_count;
                } else {
                    p = i;
                }
                if ((int)res[claim * npoints + p].verdict != v)
                    continue;
                const char *val = sw->naxes ? sw->axes[0].values[sweep_value_index(sw, p, 0)]
                                            : "-";
                static const char *const heads[] = { "holds for ", "fails for ",
                                                     "undecided for ", "no data for " };
                used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s%s",
                                         !any && listed ? "; " : "", any ? ", " : heads[v], val);
                any = 1;
                listed = 1;
            }
        }
    }
    if (sw->naxes && used < size)
        snprintf(buf + used, size - used, " (%s)", sw->axes[0].path);
}

void claims_print_sweep(FILE *out, const claims_list *l, const sweep_spec *sw, size_t npoints,
                        const claims_result *res)
{
    if (!l->n)
        return;
    fprintf(out, "\nclaims audit across the sweep (verdict per point from the 95%% CI)\n");
    for (size_t c = 0; c < l->n; c++) {
        const claims_claim *cl = &l->items[c];
        char region[1024];
        claims_region(l, c, sw, npoints, res, region, sizeof region);
        fprintf(out, "\n%s: %s %s %s  [%s]\n  %s\n", cl->name, cl->metric,
                claims_stat_name(cl->stat), cl->bound_text, cl->source, region);
        for (size_t p = 0; p < npoints; p++) {
            const claims_result *r = &res[c * npoints + p];
            fprintf(out, "  ");
            for (size_t a = 0; a < sw->naxes; a++)
                fprintf(out, "%s=%-10s ", sw->axes[a].path,
                        sw->axes[a].values[sweep_value_index(sw, p, a)]);
            if (isnan(r->ci_low))
                fprintf(out, "%-13s %s\n", claims_verdict_name(r->verdict), r->note);
            else
                fprintf(out, "%-13s %.4g%s%s [%.4g, %.4g]%s%s\n", claims_verdict_name(r->verdict),
                        r->estimate, strcmp(r->unit, "1") ? " " : "",
                        strcmp(r->unit, "1") ? r->unit : "", r->ci_low, r->ci_high,
                        r->note[0] ? "  " : "", r->note);
        }
    }
}
