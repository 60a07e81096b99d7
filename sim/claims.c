/* claims.c - claim verdicts (see claims.h and docs/claims.md).
 *
 * Invariants: a verdict is a pure function of the replications' results
 * (and the confidence level asked for), so it is as reproducible as they
 * are; an interval never leaves its metric's domain; a counterexample is
 * never averaged away; an input is never reported as a finding.
 */
#include "claims.h"
#include "ci.h"
#include "runner.h"
#include "units.h"

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
    static const char *const names[CLAIMS_NVERDICTS] = { "HOLDS", "FAILS", "INCONCLUSIVE",
                                                         "NO DATA", "BY CONSTRUCTION" };
    return (unsigned)v < CLAIMS_NVERDICTS ? names[v] : "?";
}

const char *claims_rule_name(claims_rule r)
{
    static const char *const names[] = { "none", "interval", "every case", "rare event" };
    return (unsigned)r < 4 ? names[r] : "?";
}

int claims_convert(double x, const char *from, const char *to, double *out)
{
    return units_convert(x, from, to, out);
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
    if (unit[0] && strcmp(unit, "%") && strcmp(unit, "/s") && units_seconds(unit) == 0)
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
    bad |= cfg_string(c, item, "fixed_by", "", &cl->fixed_by);
    bad |= cfg_string(c, item, "per", "", &cl->per);
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
        /* "Every case" statistics bound every observation on one side. */
        if (!bad && cl->stat == CLAIMS_MAX && cl->bound != CLAIMS_BOUND_MAX) {
            cfg_error(c, b, "claims: statistic max says every observation is at most the "
                            "bound; write bound: {max: x}");
            bad = -1;
        }
        if (!bad && cl->stat == CLAIMS_MIN && cl->bound != CLAIMS_BOUND_MIN) {
            cfg_error(c, b, "claims: statistic min says every observation is at least the "
                            "bound; write bound: {min: x}");
            bad = -1;
        }
    } else if (b) {
        cfg_error(c, b, "claims: bound is {max: x}, {min: x} or {within: [a, b]}");
        bad = -1;
    }
    cfg_node *as = cfg_list(c, item, "assumptions");
    if (as) {
        cl->assumptions = calloc(as->n ? as->n : 1, sizeof *cl->assumptions);
        if (!cl->assumptions)
            return -1;
        for (size_t i = 0; i < as->n; i++) {
            if (as->items[i]->kind != CFG_SCALAR) {
                cfg_error(c, as->items[i], "claims: assumptions lists keys of the "
                                           "scenario's assumptions: section, like auth.batch.timeout");
                bad = -1;
                continue;
            }
            cl->assumptions[cl->nassumptions++] = as->items[i]->text;
        }
    }
    cfg_check_unused(c, item);
    return bad ? -1 : 0;
}

/* Adds (metric, value, unit) to the watch list unless present. */
static int claims_add_watch(claims_list *l, const char *metric, double value, const char *unit)
{
    for (size_t i = 0; i < l->nwatches; i++)
        if (strcmp(l->watches[i].metric, metric) == 0 && l->watches[i].value == value &&
            strcmp(l->watches[i].unit, unit) == 0)
            return 0;
    sim_watch *w = realloc(l->watches, (l->nwatches + 1) * sizeof *w);
    if (!w)
        return -1;
    l->watches = w;
    w[l->nwatches].metric = metric;
    w[l->nwatches].value = value;
    snprintf(w[l->nwatches].unit, sizeof w[l->nwatches].unit, "%s", unit);
    l->nwatches++;
    return 0;
}

static int claims_add_keep(claims_list *l, const char *metric)
{
    for (size_t i = 0; i < l->nkeep; i++)
        if (strcmp(l->keep[i], metric) == 0)
            return 0;
    const char **k = realloc(l->keep, (l->nkeep + 1) * sizeof *k);
    if (!k)
        return -1;
    l->keep = k;
    k[l->nkeep++] = metric;
    return 0;
}

/* What the engine must record for the claims: exact threshold counts for
 * "every case" and fraction_below claims, samples for quantile claims. */
static int claims_derive_needs(cfg_ctx *c, cfg_node *list, claims_list *l)
{
    int bad = 0;
    for (size_t i = 0; i < l->n; i++) {
        const claims_claim *cl = &l->items[i];
        int rc = 0;
        if (cl->stat == CLAIMS_MAX)
            rc = claims_add_watch(l, cl->metric, cl->hi, cl->hi_unit);
        else if (cl->stat == CLAIMS_MIN)
            rc = claims_add_watch(l, cl->metric, cl->lo, cl->lo_unit);
        else if (cl->stat == CLAIMS_FRACTION_BELOW)
            rc = claims_add_watch(l, cl->metric, cl->threshold, cl->threshold_unit);
        else if (cl->stat != CLAIMS_MEAN)
            rc = claims_add_keep(l, cl->metric);
        if (rc)
            return -1;
    }
    for (size_t i = 0; i < l->n; i++) {
        size_t same = 0;
        for (size_t w = 0; w < l->nwatches; w++)
            same += strcmp(l->watches[w].metric, l->items[i].metric) == 0;
        if (same > STATS_WATCHES) {
            cfg_error(c, list->items[i], "claims: metric %s has more than %d different "
                                         "thresholds across its min/max/fraction_below claims",
                      l->items[i].metric, STATS_WATCHES);
            bad = -1;
            break;
        }
    }
    return bad;
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
    if (!bad && claims_derive_needs(c, list, out) != 0)
        bad = -1;
    cfg_set_prefix(c, "");
    return bad;
}

void claims_free(claims_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].assumptions);
    free(l->items);
    free(l->watches);
    free(l->keep);
    memset(l, 0, sizeof *l);
}

/* ---- evidence: what a claim's interval is made from ------------------- */

typedef enum claims_ev_kind {
    CLAIMS_EV_NONE, CLAIMS_EV_T, CLAIMS_EV_WILSON, CLAIMS_EV_GARWOOD, CLAIMS_EV_WOODRUFF,
    CLAIMS_EV_KM
} claims_ev_kind;

/* Everything needed to give the claim's interval at any level (Holm and
 * the p-value ask for several). */
typedef struct claims_ev {
    claims_ev_kind kind;
    double est;
    double se, df, clip_lo, clip_hi;  /* T */
    double *x, *n;                    /* WILSON: per replication */
    size_t R;
    double count, exposure;           /* GARWOOD */
    ci_pool *pool;                    /* WOODRUFF */
    ci_survival *surv;                /* KM */
    double p;                         /* WOODRUFF, KM: the quantile level */
    const char *method;
} claims_ev;

static void claims_ev_free(claims_ev *ev)
{
    free(ev->x);
    free(ev->n);
    ci_pool_free(ev->pool);
    ci_survival_free(ev->surv);
    memset(ev, 0, sizeof *ev);
}

static void claims_ev_interval(const claims_ev *ev, double level, double *lo, double *hi)
{
    double est;
    *lo = *hi = NAN;
    switch (ev->kind) {
    case CLAIMS_EV_NONE:
        return;
    case CLAIMS_EV_T:
        ci_student(ev->est, ev->se, ev->df, level, lo, hi);
        break;
    case CLAIMS_EV_WILSON:
        ci_wilson_clustered(ev->x, ev->n, ev->R, level, &est, lo, hi, NULL);
        break;
    case CLAIMS_EV_GARWOOD:
        ci_garwood(ev->count, ev->exposure, level, lo, hi);
        break;
    case CLAIMS_EV_WOODRUFF:
        ci_pool_quantile_interval(ev->pool, ev->p, level, &est, lo, hi, NULL);
        break;
    case CLAIMS_EV_KM:
        ci_km_quantile_interval(ev->surv, ev->p, level, &est, lo, hi);
        break;
    }
    if (*lo < ev->clip_lo)
        *lo = ev->clip_lo;
    if (*hi > ev->clip_hi)
        *hi = ev->clip_hi;
}

static claims_verdict claims_decide(double lo, double hi, double blo, double bhi)
{
    if (isnan(lo) || isnan(hi))
        return CLAIMS_INCONCLUSIVE;
    if (lo >= blo && hi <= bhi)
        return CLAIMS_HOLDS;
    if (hi < blo || lo > bhi)
        return CLAIMS_FAILS;
    return CLAIMS_INCONCLUSIVE;
}

/* The smallest alpha whose (1 - alpha) interval decides the claim: the
 * p-value Holm sorts by.  Intervals shrink as alpha grows, so "decided"
 * is monotone in alpha; 80 halvings of log(alpha) over [1e-16, 1) are far
 * below any level anyone asks for. */
static double claims_pvalue(const claims_ev *ev, double blo, double bhi)
{
    double lo, hi;
    double a_lo = log(1e-16), a_hi = log(0.9999);
    claims_ev_interval(ev, 1 - exp(a_lo), &lo, &hi);
    if (claims_decide(lo, hi, blo, bhi) != CLAIMS_INCONCLUSIVE)
        return 0.0;
    claims_ev_interval(ev, 1 - exp(a_hi), &lo, &hi);
    if (claims_decide(lo, hi, blo, bhi) == CLAIMS_INCONCLUSIVE)
        return 1.0;
    for (int i = 0; i < 80; i++) {
        double mid = 0.5 * (a_lo + a_hi);
        claims_ev_interval(ev, 1 - exp(mid), &lo, &hi);
        if (claims_decide(lo, hi, blo, bhi) != CLAIMS_INCONCLUSIVE)
            a_hi = mid;
        else
            a_lo = mid;
    }
    return exp(a_hi);
}

/* ---- formatting -------------------------------------------------------- */

/* "93.7 ms", "0.25", "1.2e-05 1/s" (no unit for "1"). */
static void claims_fmt(double v, const char *unit, char *buf, size_t size)
{
    const char *u = strcmp(unit, "1") ? unit : "";
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (isinf(v))
        snprintf(buf, size, "%s", v > 0 ? "inf" : "-inf");
    else if (v != 0 && (fabs(v) >= 1e6 || fabs(v) < 1e-3))
        snprintf(buf, size, "%.3e%s%s", v, u[0] ? " " : "", u);
    else
        snprintf(buf, size, "%.4g%s%s", v, u[0] ? " " : "", u);
}

/* "1,234,567" */
static void claims_count(double v, char *buf, size_t size)
{
    char digits[40];
    int n = snprintf(digits, sizeof digits, "%.0f", v);
    size_t j = 0;
    for (int i = 0; i < n && j + 2 < size; i++) {
        if (i && (n - i) % 3 == 0 && digits[i - 1] != '-')
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
}

static void claims_pct(double p, char *buf, size_t size)
{
    if (isnan(p))
        snprintf(buf, size, "-");
    else if (p == 0)
        snprintf(buf, size, "0 %%");
    else if (p < 1e-4)
        snprintf(buf, size, "%.2e", p);
    else
        snprintf(buf, size, "%.3g %%", 100 * p);
}

void claims_format_ci(const claims_result *r, char *buf, size_t size)
{
    if (isnan(r->ci_low) || isnan(r->ci_high)) {
        snprintf(buf, size, "-");
        return;
    }
    char lo[32], hi[32];
    claims_fmt(r->ci_low, "1", lo, sizeof lo);
    claims_fmt(r->ci_high, "1", hi, sizeof hi);
    snprintf(buf, size, "[%s, %s]", lo, hi);
}

/* The bound in the metric's unit, for sentences: "100 ms", "[63, 78] ms". */
static void claims_bound_words(const claims_claim *cl, const claims_result *r, char *buf,
                               size_t size)
{
    char a[40], b[40];
    claims_fmt(r->bound_lo, r->unit, a, sizeof a);
    claims_fmt(r->bound_hi, r->unit, b, sizeof b);
    if (cl->bound == CLAIMS_BOUND_MAX)
        snprintf(buf, size, "%s", b);
    else if (cl->bound == CLAIMS_BOUND_MIN)
        snprintf(buf, size, "%s", a);
    else
        snprintf(buf, size, "[%s, %s]", a, b);
}

/* ---- the rules ----------------------------------------------------------- */

static const stats_rep *claims_rep(const runner_result *r, size_t rep, size_t k)
{
    return &r->reps[rep * r->nmetrics + k];
}

static void claims_counterexample_note(const claims_origin *o, const claims_result *out,
                                       char *buf, size_t size)
{
    char t[48] = "";
    if (!isnan(out->first_time_s))
        snprintf(t, sizeof t, " at t = %.6g s", out->first_time_s);
    snprintf(buf, size,
             "the first in replication %ld%s (seed %llu, point %zu; streams are keyed by seed, "
             "point and replication, so --seed %llu with at least %ld replication%s "
             "reproduces it)",
             out->first_rep, t, (unsigned long long)o->seed, o->point,
             (unsigned long long)o->seed, out->first_rep + 1, out->first_rep ? "s" : "");
}

/* A count of rare events bounded by 0: one occurrence is a counterexample. */
static void claims_rare(const claims_claim *cl, const runner_result *r, size_t k,
                        const claims_origin *o, claims_result *out)
{
    out->rule = CLAIMS_RULE_RARE;
    double total = 0;
    out->first_rep = -1;
    for (size_t i = 0; i < r->nreps; i++) {
        const stats_rep *q = claims_rep(r, i, k);
        if (isnan(q->value))
            continue;
        out->reps_with_data++;
        total += q->value;
        if (q->value > 0) {
            out->reps_exceeding++;
            if (out->first_rep < 0) {
                out->first_rep = (long)i;
                out->first_time_s = isnan(q->first_ns) ? NAN : q->first_ns / 1e9;
            }
        }
    }
    out->exceed = total;
    out->observations = (double)out->reps_with_data;
    if (!out->reps_with_data) {
        out->verdict = CLAIMS_NO_DATA;
        snprintf(out->note, sizeof out->note, "the metric has no value in any replication");
        return;
    }
    out->estimate = total / (double)out->reps_with_data;
    ci_garwood(total, (double)out->reps_with_data, 0.95, &out->ci_low, &out->ci_high);
    out->level = 0.95;
    snprintf(out->method, sizeof out->method, "counterexample; Garwood per replication");
    char n1[32], n2[32];
    claims_count(total, n1, sizeof n1);
    if (total > 0) {
        out->verdict = CLAIMS_FAILS;
        char where[256];
        claims_counterexample_note(o, out, where, sizeof where);
        snprintf(out->note, sizeof out->note,
                 "counterexample: %s occurrence%s in %.0f of %zu replications; %s", n1,
                 total == 1 ? "" : "s", out->reps_exceeding, out->reps_with_data, where);
        return;
    }
    /* None: how frequent could it still be?  Per unit of `per:`, or per
     * replication-hour. */
    double exposure = (double)out->reps_with_data * o->duration_s / 3600.0;
    char per[80] = "replication-hour";
    int has_per = cl->per && cl->per[0];
    int pk = has_per ? runner_metric_index(r, cl->per) : -1;
    if (has_per && pk < 0) {
        snprintf(per, sizeof per, "replication-hour (no metric %s to count exposure)", cl->per);
    } else if (pk >= 0) {
        exposure = 0;
        for (size_t i = 0; i < r->nreps; i++) {
            double v = claims_rep(r, i, (size_t)pk)->value;
            if (isnan(v))
                continue;
            exposure += r->defs[pk].kind == STATS_RATE ? v * o->duration_s : v;
        }
        snprintf(per, sizeof per, "%s", cl->per);
    }
    out->verdict = CLAIMS_HOLDS;
    out->exceed_upper = ci_poisson_zero_upper(exposure, 0.95);
    claims_count(exposure, n2, sizeof n2);
    char up[32];
    claims_fmt(out->exceed_upper, "1", up, sizeof up);
    snprintf(out->note, sizeof out->note,
             "none in %zu replications (%s %s%s); rate < %s per %s at 95 %%",
             out->reps_with_data, n2, per, pk >= 0 ? "" : "s", up, per);
}

/* min/max: count the observations beyond the bound. */
static int claims_every_case(const claims_claim *cl, const runner_result *r, size_t k,
                             const claims_origin *o, claims_result *out)
{
    out->rule = CLAIMS_RULE_EVERY_CASE;
    const stats_def *d = &r->defs[k];
    int is_max = cl->stat == CLAIMS_MAX;
    double bound = is_max ? out->bound_hi : out->bound_lo;
    double extreme = is_max ? -INFINITY : INFINITY;
    out->first_rep = -1;
    int exact = 1;
    /* Per replication, for the interval on P(beyond). */
    double *xs = calloc(2 * (r->nreps ? r->nreps : 1), sizeof *xs);
    if (!xs)
        return -1;
    double *ns = xs + r->nreps;
    size_t j = 0;
    for (size_t i = 0; i < r->nreps; i++) {
        const stats_rep *q = claims_rep(r, i, k);
        double n, beyond, first_ns = NAN;
        if (d->kind == STATS_TALLY) {
            n = q->n;
            if (!(n > 0))
                continue;
            int slot = -1;
            for (int w = 0; w < STATS_WATCHES; w++)
                if (q->watch_thr[w] == bound)
                    slot = w;
            double ext = is_max ? q->max : q->min;
            if (slot >= 0) {
                beyond = is_max ? n - q->watch_le[slot] : q->watch_lt[slot];
                first_ns = is_max ? q->watch_first_gt_ns[slot] : q->watch_first_lt_ns[slot];
            } else {
                /* No exact count (the claim was not known to the run):
                 * the replication's extreme still proves existence. */
                beyond = (is_max ? ext > bound : ext < bound) ? 1 : 0;
                exact = 0;
            }
            if (is_max ? ext > extreme : ext < extreme)
                extreme = ext;
        } else {
            if (isnan(q->value))
                continue;
            n = 1;
            beyond = (is_max ? q->value > bound : q->value < bound) ? 1 : 0;
            if (is_max ? q->value > extreme : q->value < extreme)
                extreme = q->value;
        }
        out->reps_with_data++;
        out->observations += n;
        out->exceed += beyond;
        xs[j] = beyond;
        ns[j] = n;
        j++;
        if (beyond > 0) {
            out->reps_exceeding++;
            if (out->first_rep < 0) {
                out->first_rep = (long)i;
                out->first_time_s = isnan(first_ns) ? NAN : first_ns / 1e9;
            }
        }
    }
    if (!(out->observations > 0)) {
        free(xs);
        out->verdict = CLAIMS_NO_DATA;
        snprintf(out->note, sizeof out->note, "the metric has no observations");
        return 0;
    }
    out->estimate = extreme;
    /* How often is the bound exceeded?  Observations inside a replication
     * are correlated: Wilson with the replications' design effect. */
    ci_wilson_clustered(xs, ns, j, 0.95, &out->p_exceed, &out->p_exceed_low,
                        &out->p_exceed_high, NULL);
    free(xs);
    snprintf(out->method, sizeof out->method, "exceedances counted; Wilson, clustered");
    char nobs[32], nex[32], b[48], pe[24], pl[24], ph[24];
    claims_count(out->observations, nobs, sizeof nobs);
    claims_count(out->exceed, nex, sizeof nex);
    claims_fmt(bound, out->unit, b, sizeof b);
    const char *what = d->kind == STATS_TALLY ? "observations" : "replications";
    if (out->exceed > 0) {
        out->verdict = CLAIMS_FAILS;
        char where[256];
        claims_counterexample_note(o, out, where, sizeof where);
        claims_pct(out->p_exceed, pe, sizeof pe);
        claims_pct(out->p_exceed_low, pl, sizeof pl);
        claims_pct(out->p_exceed_high, ph, sizeof ph);
        snprintf(out->note, sizeof out->note,
                 "counterexample: %s%s of %s %s %s %s, in %.0f of %zu replications "
                 "(P(beyond) %s [%s, %s] at 95 %%); %s",
                 exact ? "" : "at least ", nex, nobs, what, is_max ? ">" : "<", b,
                 out->reps_exceeding, out->reps_with_data, pe, pl, ph, where);
        return 0;
    }
    out->verdict = CLAIMS_HOLDS;
    out->exceed_upper = ci_zero_upper(out->observations, 0.95);
    claims_pct(out->exceed_upper, pe, sizeof pe);
    snprintf(out->note, sizeof out->note,
             "0 of %s %s %s %s; P(beyond) < %s at 95 %% (treating %s as independent)", nobs,
             what, is_max ? ">" : "<", b, pe, what);
    return 0;
}

/* Builds the interval evidence for a mean, quantile or fraction_below. */
static int claims_build_ev(const claims_claim *cl, const runner_result *r, size_t k,
                           double threshold, claims_ev *ev, claims_result *out)
{
    const stats_def *d = &r->defs[k];
    size_t nm = r->nmetrics, R = r->nreps;
    ev->clip_lo = d->domain == STATS_REAL ? -INFINITY : 0;
    ev->clip_hi = d->domain == STATS_PROPORTION ? 1 : INFINITY;
    ev->x = calloc(R ? R : 1, sizeof *ev->x);
    ev->n = calloc(R ? R : 1, sizeof *ev->n);
    if (!ev->x || !ev->n)
        return -1;
    double level_p = cl->stat == CLAIMS_P50 ? 0.50 : cl->stat == CLAIMS_P90 ? 0.90
                   : cl->stat == CLAIMS_P95 ? 0.95 : 0.99;
    int tally = d->kind == STATS_TALLY;
    if (cl->stat == CLAIMS_MEAN) {
        size_t j = 0;
        for (size_t i = 0; i < R; i++) {
            const stats_rep *q = claims_rep(r, i, k);
            if (tally ? q->n > 0 : !isnan(q->value)) {
                ev->x[j] = tally ? q->value * q->n : q->value;
                ev->n[j] = tally ? q->n : 1;
                j++;
            }
        }
        ev->R = j;
        out->reps_with_data = j;
        if (!j)
            return 0;
        if (tally && d->domain == STATS_PROPORTION) {
            ev->kind = CLAIMS_EV_WILSON;
            double lo, hi;
            ci_wilson_clustered(ev->x, ev->n, j, 0.95, &ev->est, &lo, &hi, NULL);
            ev->method = "pooled 0/1 trials; Wilson, design effect from replications";
        } else if (tally) {
            ev->kind = CLAIMS_EV_T;
            ci_ratio(ev->x, ev->n, j, &ev->est, &ev->se);
            ev->df = (double)j - 1;
            ev->method = "pooled mean; Student-t, replications as clusters";
        } else if (d->domain == STATS_RARE) {
            ev->kind = CLAIMS_EV_GARWOOD;
            for (size_t i = 0; i < j; i++)
                ev->count += ev->x[i];
            ev->exposure = (double)j;
            ev->est = ev->count / ev->exposure;
            ev->method = "Poisson (Garwood) per replication";
        } else {
            ev->kind = CLAIMS_EV_T;
            ev->est = gsl_stats_mean(ev->x, 1, j);
            ev->se = j > 1 ? gsl_stats_sd_m(ev->x, 1, j, ev->est) / sqrt((double)j) : NAN;
            ev->df = (double)j - 1;
            ev->method = "mean of replications; Student-t";
        }
        return 0;
    }
    if (cl->stat == CLAIMS_FRACTION_BELOW) {
        out->unit[0] = '1';
        out->unit[1] = '\0';
        ev->clip_lo = 0;
        ev->clip_hi = 1;
        size_t j = 0;
        int censored_before = 0;
        if (tally && d->domain == STATS_TTE)
            for (size_t i = 0; i < R; i++) {
                const runner_samples *sm = &r->samples[i * nm + k];
                for (uint64_t c = 0; c < sm->ncens; c++)
                    censored_before |= sm->cens[c] < threshold;
            }
        if (censored_before) {
            /* Censoring before the threshold: Kaplan-Meier F(t). */
            ci_survival *s = runner_survival(r, k, &out->reps_with_data);
            if (!s)
                return -1;
            ev->kind = CLAIMS_EV_T;
            ev->est = ci_km_cdf(s, threshold);
            ev->se = ci_km_cdf_se(s, threshold);
            ev->df = (double)out->reps_with_data - 1;
            ev->method = "Kaplan-Meier F(t); jackknife over replications";
            ci_survival_free(s);
            return 0;
        }
        int slot_missing = 0;
        for (size_t i = 0; i < R; i++) {
            const stats_rep *q = claims_rep(r, i, k);
            if (tally) {
                double trials = q->n + (d->domain == STATS_TTE ? q->censored : 0);
                if (!(trials > 0))
                    continue;
                int slot = -1;
                for (int w = 0; w < STATS_WATCHES; w++)
                    if (q->watch_thr[w] == threshold)
                        slot = w;
                if (slot < 0) {
                    slot_missing = 1;
                    continue;
                }
                ev->x[j] = q->watch_le[slot];
                ev->n[j] = trials;
            } else {
                if (isnan(q->value))
                    continue;
                ev->x[j] = q->value <= threshold ? 1 : 0;
                ev->n[j] = 1;
            }
            j++;
        }
        if (slot_missing)
            snprintf(out->note, sizeof out->note, "no exact count at the threshold was kept");
        ev->R = j;
        out->reps_with_data = j;
        if (!j)
            return 0;
        ev->kind = CLAIMS_EV_WILSON;
        double lo, hi;
        ci_wilson_clustered(ev->x, ev->n, j, 0.95, &ev->est, &lo, &hi, NULL);
        ev->method = tally ? "exact counts; Wilson, design effect from replications"
                           : "replications below; Wilson";
        return 0;
    }
    /* Quantiles. */
    ev->p = level_p;
    if (tally && d->domain == STATS_TTE) {
        ev->surv = runner_survival(r, k, &out->reps_with_data);
        if (!ev->surv)
            return -1;
        ev->kind = CLAIMS_EV_KM;
        ev->est = ci_km_quantile(ev->surv, level_p);
        ev->method = "Kaplan-Meier quantile; Woodruff, jackknife over replications";
        return 0;
    }
    const double **xs = calloc(R ? R : 1, sizeof *xs);
    size_t *nx = calloc(R ? R : 1, sizeof *nx);
    double *w = calloc(R ? R : 1, sizeof *w);
    int ok = xs && nx && w;
    size_t kept = 0;
    for (size_t i = 0; ok && i < R; i++) {
        const stats_rep *q = claims_rep(r, i, k);
        if (tally) {
            const runner_samples *sm = &r->samples[i * nm + k];
            xs[i] = sm->x;
            nx[i] = sm->nx;
            w[i] = sm->weight;
            kept += sm->nx;
            out->reps_with_data += sm->nx > 0;
            if (q->n > 0 && sm->nx == 0 && !sm->x)
                ok = -1; /* samples were not kept for this metric */
        } else if (!isnan(q->value)) {
            ev->x[i] = q->value;
            xs[i] = &ev->x[i];
            nx[i] = 1;
            w[i] = 1;
            kept++;
            out->reps_with_data++;
        }
    }
    if (ok == 1 && kept) {
        ev->pool = ci_pool_new(R, xs, nx, w);
        if (ev->pool) {
            ev->kind = CLAIMS_EV_WOODRUFF;
            ev->est = ci_pool_quantile(ev->pool, level_p);
            ev->method = tally ? "pooled quantile; Woodruff, replications as clusters"
                               : "quantile of replications; Woodruff";
        } else {
            ok = 0;
        }
    } else if (ok == -1) {
        snprintf(out->note, sizeof out->note, "the samples of %s were not kept", d->name);
        ok = 1;
    }
    free(xs);
    free(nx);
    free(w);
    return ok ? 0 : -1;
}

/* A straddling interval: replications that would likely decide it, if
 * the interval shrinks as 1/sqrt(n) around the same estimate. */
static long claims_needed(const claims_result *out, size_t n)
{
    double est = out->estimate, lo = out->ci_low, hi = out->ci_high;
    double best = INFINITY;
    double b[2] = { out->bound_lo, out->bound_hi };
    for (int i = 0; i < 2; i++) {
        if (!isfinite(b[i]) || !(lo < b[i] && hi > b[i]))
            continue;
        double d = fabs(est - b[i]);
        double hw = est < b[i] ? hi - est : est - lo;
        /* An end beyond every observation: judge by the other side. */
        if (!isfinite(hw))
            hw = est < b[i] ? est - lo : hi - est;
        if (!(d > 0) || !isfinite(hw))
            continue;
        double need = (double)n * (hw / d) * (hw / d);
        if (need < best)
            best = need;
    }
    if (!isfinite(best) || best > 1e9)
        return -1;
    long total = (long)ceil(best * 1.05) + 1;
    return total > (long)n ? total - (long)n : 1;
}

static void claims_interval_note(const claims_claim *cl, const stats_def *d,
                                 claims_result *out)
{
    char est[48], lo[32], hi[32], bw[96];
    claims_fmt(out->estimate, out->unit, est, sizeof est);
    claims_fmt(out->ci_low, out->unit, lo, sizeof lo);
    claims_fmt(out->ci_high, out->unit, hi, sizeof hi);
    claims_bound_words(cl, out, bw, sizeof bw);
    int time = units_seconds(out->unit) > 0;
    char lvl[16];
    snprintf(lvl, sizeof lvl, "%.4g %%", 100 * out->level);
    size_t used = strlen(out->note);
    char *p = out->note + used;
    size_t left = sizeof out->note - used;
    const char *sep = used ? "; " : "";
    if (out->verdict == CLAIMS_HOLDS) {
        snprintf(p, left, "%s%s CI [%s, %s] inside %s", sep, lvl, lo, hi, bw);
    } else if (out->verdict == CLAIMS_FAILS) {
        int above = out->ci_low > out->bound_hi;
        const char *word = time ? (above ? "longer than claimed (slower)"
                                         : "shorter than claimed (faster)")
                                : (above ? "higher than claimed" : "lower than claimed");
        char b[32];
        claims_fmt(above ? out->bound_hi : out->bound_lo, out->unit, b, sizeof b);
        snprintf(p, left, "%s%s: %s %s %s (%s CI [%s, %s])", sep, word, est, above ? ">" : "<",
                 b, lvl, lo, hi);
    } else if (out->verdict == CLAIMS_INCONCLUSIVE) {
        if (isnan(out->ci_low))
            snprintf(p, left, "%sno interval: data in fewer than 2 replications", sep);
        else if (out->more_replications > 0)
            snprintf(p, left, "%s%s CI [%s, %s] straddles %s; about %ld more replications "
                              "would likely decide", sep, lvl, lo, hi, bw, out->more_replications);
        else
            snprintf(p, left, "%s%s CI [%s, %s] straddles %s; the estimate sits on the bound: "
                              "more replications will not decide", sep, lvl, lo, hi, bw);
    }
    (void)d;
}

int claims_evaluate(const claims_claim *cl, const runner_result *r, const claims_origin *o,
                    double level, claims_result *out)
{
    memset(out, 0, sizeof *out);
    out->verdict = CLAIMS_NO_DATA;
    out->estimate = out->ci_low = out->ci_high = out->pvalue = NAN;
    out->p_exceed = out->p_exceed_low = out->p_exceed_high = out->exceed_upper = NAN;
    out->p_event = out->p_event_low = out->p_event_high = NAN;
    out->first_time_s = NAN;
    out->first_rep = -1;
    out->more_replications = -1;
    out->level = level;
    out->replications = r->nreps;
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
    out->bound_lo = -INFINITY;
    out->bound_hi = INFINITY;
    if ((cl->bound != CLAIMS_BOUND_MAX &&
         claims_convert(cl->lo, cl->lo_unit, out->unit, &out->bound_lo) != 0) ||
        (cl->bound != CLAIMS_BOUND_MIN &&
         claims_convert(cl->hi, cl->hi_unit, out->unit, &out->bound_hi) != 0)) {
        snprintf(out->note, sizeof out->note, "bound unit does not fit metric unit '%s'",
                 out->unit);
        return 0;
    }
    const char *input = cl->fixed_by && cl->fixed_by[0] ? cl->fixed_by : d->input;
    if (d->domain == STATS_TTE && d->kind == STATS_TALLY) {
        /* Keep the events that never happened in view. */
        double *x = malloc((r->nreps ? r->nreps : 1) * 2 * sizeof *x);
        if (!x)
            return -1;   /* never a verdict made up for want of memory */
        {
            size_t j = 0;
            for (size_t i = 0; i < r->nreps; i++) {
                const stats_rep *q = claims_rep(r, i, (size_t)k);
                if (q->n + q->censored > 0) {
                    x[j] = q->n;
                    x[r->nreps + j] = q->n + q->censored;
                    j++;
                }
            }
            ci_wilson_clustered(x, x + r->nreps, j, 0.95, &out->p_event, &out->p_event_low,
                                &out->p_event_high, NULL);
            free(x);
        }
    }
    if (d->domain == STATS_RARE && cl->bound == CLAIMS_BOUND_MAX && out->bound_hi == 0 &&
        (cl->stat == CLAIMS_MEAN || cl->stat == CLAIMS_MAX)) {
        claims_rare(cl, r, (size_t)k, o, out);
    } else if (cl->stat == CLAIMS_MIN || cl->stat == CLAIMS_MAX) {
        if (claims_every_case(cl, r, (size_t)k, o, out) != 0)
            return -1;
    } else {
        out->rule = CLAIMS_RULE_INTERVAL;
        claims_ev ev;
        memset(&ev, 0, sizeof ev);
        if (claims_build_ev(cl, r, (size_t)k, threshold, &ev, out) != 0) {
            claims_ev_free(&ev);
            return -1;
        }
        if (ev.kind == CLAIMS_EV_NONE) {
            claims_ev_free(&ev);
            out->rule = CLAIMS_RULE_NONE;
            if (!strstr(out->note, "not kept"))
                snprintf(out->note, sizeof out->note, "the metric has no observations");
            return 0;
        }
        snprintf(out->method, sizeof out->method, "%s", ev.method);
        out->estimate = ev.est;
        claims_ev_interval(&ev, level, &out->ci_low, &out->ci_high);
        out->pvalue = claims_pvalue(&ev, out->bound_lo, out->bound_hi);
        claims_ev_free(&ev);
        out->verdict = claims_decide(out->ci_low, out->ci_high, out->bound_lo, out->bound_hi);
        if (out->verdict == CLAIMS_INCONCLUSIVE && !isnan(out->ci_low))
            out->more_replications =
                claims_needed(out, out->reps_with_data ? out->reps_with_data : r->nreps);
        if (!input[0])
            claims_interval_note(cl, d, out);
    }
    if (input[0] && out->verdict != CLAIMS_NO_DATA) {
        /* The data are still shown, but the verdict says what they are. */
        char seen[sizeof out->note];
        snprintf(seen, sizeof seen, "%s", out->note);
        if (!seen[0] && out->rule == CLAIMS_RULE_INTERVAL) {
            char est[48], lo[32], hi[32];
            claims_fmt(out->estimate, out->unit, est, sizeof est);
            claims_fmt(out->ci_low, out->unit, lo, sizeof lo);
            claims_fmt(out->ci_high, out->unit, hi, sizeof hi);
            snprintf(seen, sizeof seen, "measured %s [%s, %s]", est, lo, hi);
        }
        int n = snprintf(out->note, sizeof out->note, "an input, not a finding: fixed by %.96s",
                         input);
        if (seen[0] && n > 0 && (size_t)n + 2 < sizeof out->note)
            snprintf(out->note + n, sizeof out->note - (size_t)n, "; %.*s",
                     (int)(sizeof out->note - (size_t)n - 3), seen);
        out->verdict = CLAIMS_BY_CONSTRUCTION;
        out->pvalue = NAN;
    }
    return 0;
}

typedef struct claims_order {
    double p;
    size_t index;
} claims_order;

static int claims_order_cmp(const void *a, const void *b)
{
    const claims_order *x = a, *y = b;
    if (x->p != y->p)
        return (x->p > y->p) - (x->p < y->p);
    return (x->index > y->index) - (x->index < y->index);
}

int claims_evaluate_all(const claims_list *l, const runner_result *points, size_t npoints,
                        const claims_origin *origin, double alpha, claims_result *res,
                        size_t *tests)
{
    size_t total = l->n * npoints;
    claims_order *fam = malloc((total ? total : 1) * sizeof *fam);
    size_t m = 0;
    if (tests)
        *tests = 0;
    if (!fam)
        return -1;
    for (size_t c = 0; c < l->n; c++)
        for (size_t p = 0; p < npoints; p++) {
            claims_origin o = *origin;
            o.point = p;
            claims_result *r = &res[c * npoints + p];
            if (claims_evaluate(&l->items[c], &points[p], &o, 1 - alpha, r) != 0) {
                free(fam);
                return -1;
            }
            if (r->rule == CLAIMS_RULE_INTERVAL && r->verdict != CLAIMS_BY_CONSTRUCTION &&
                r->verdict != CLAIMS_NO_DATA && !isnan(r->pvalue)) {
                fam[m].p = r->pvalue;
                fam[m].index = c * npoints + p;
                m++;
            }
        }
    /* Holm: test the smallest p at alpha/m, the next at alpha/(m-1), ...;
     * stop at the first that is not decided.  Undecided tests are shown at
     * the level where the procedure stopped. */
    qsort(fam, m, sizeof *fam, claims_order_cmp);
    int stopped = 0;
    double stop_level = 1 - alpha / (double)(m ? m : 1);
    for (size_t i = 0; i < m; i++) {
        double a = alpha / (double)(m - i);
        size_t idx = fam[i].index;
        double level = 1 - a;
        if (!stopped && !(fam[i].p <= a)) {
            stopped = 1;
            stop_level = level;
        }
        if (stopped)
            level = stop_level;
        claims_origin o = *origin;
        o.point = idx % npoints;
        if (claims_evaluate(&l->items[idx / npoints], &points[idx % npoints], &o, level,
                            &res[idx]) != 0) {
            free(fam);
            return -1;
        }
        if (stopped && res[idx].verdict != CLAIMS_INCONCLUSIVE) {
            /* Only at a numerical edge (p equal to the level): keep the
             * procedure's answer. */
            res[idx].verdict = CLAIMS_INCONCLUSIVE;
        }
    }
    free(fam);
    if (tests)
        *tests = m;
    return 0;
}

/* ---- printing ------------------------------------------------------------ */

static void claims_print_header(FILE *out, double alpha, size_t looks, size_t m)
{
    fprintf(out, "\nclaims audit: %zu interval test%s, family-wise error %.3g %% (Holm)",
            m, m == 1 ? "" : "s", 100 * alpha * (double)looks);
    if (looks > 1)
        fprintf(out, " over %zu looks of --decide (%.3g %% per look)", looks, 100 * alpha);
    fprintf(out, "; each CI at the level its test used.\n"
                 "  every-case and rare-event claims are decided by counterexample; inputs are "
                 "BY CONSTRUCTION (docs/claims.md)\n");
}

static void claims_print_rests(FILE *out, const claims_claim *cl)
{
    if (!cl->nassumptions)
        return;
    fprintf(out, "  rests on:");
    for (size_t i = 0; i < cl->nassumptions; i++)
        fprintf(out, "%s %s", i ? "," : "", cl->assumptions[i]);
    fprintf(out, "\n");
}

void claims_print(FILE *out, const claims_list *l, const claims_result *res, double alpha,
                  size_t looks, size_t m)
{
    if (!l->n)
        return;
    claims_print_header(out, alpha, looks, m);
    for (size_t i = 0; i < l->n; i++) {
        const claims_claim *cl = &l->items[i];
        const claims_result *r = &res[i];
        char est[48], ci[80], lvl[16] = "";
        claims_fmt(r->estimate, r->unit, est, sizeof est);
        claims_format_ci(r, ci, sizeof ci);
        if (!isnan(r->ci_low))
            snprintf(lvl, sizeof lvl, " %.4g%%", 100 * r->level);
        fprintf(out, "\n%-15s %s\n", claims_verdict_name(r->verdict), cl->name);
        fprintf(out, "  %s %s %s: %s %s%s  (%s)\n", cl->metric, claims_stat_name(cl->stat),
                cl->bound_text, est, ci, lvl, r->method[0] ? r->method : "-");
        if (r->note[0])
            fprintf(out, "  %s\n", r->note);
        if (!isnan(r->p_event)) {
            char a[24], b[24], c[24];
            claims_pct(r->p_event, a, sizeof a);
            claims_pct(r->p_event_low, b, sizeof b);
            claims_pct(r->p_event_high, c, sizeof c);
            fprintf(out, "  the event happened in %s [%s, %s] of cases within the run\n", a, b, c);
        }
        claims_print_rests(out, cl);
        fprintf(out, "  source: %s\n", cl->source);
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
            /* Row-major: the first axis varies slowest, so point index is
             * i0 * (points / n0) + rest; the group is the "rest". */
            size_t rest_count = npoints / sw->axes[0].nvalues;
            size_t p0 = g % rest_count;
            size_t w = 0;
            for (size_t a = 1; a < sw->naxes; a++)
                w += (size_t)snprintf(where + w, w < sizeof where ? sizeof where - w : 0,
                                      "%s%s=%s", a > 1 ? ", " : "", sw->axes[a].path,
                                      sw->axes[a].values[sweep_value_index(sw, p0, a)]);
            used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%sat %s: ",
                                     g ? "; " : "", where);
        }
        int listed = 0;
        for (int v = 0; v < CLAIMS_NVERDICTS; v++) {
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
                static const char *const heads[CLAIMS_NVERDICTS] = {
                    "holds for ", "fails for ", "undecided for ", "no data for ",
                    "by construction for "
                };
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
                        const claims_result *res, double alpha, size_t looks, size_t m)
{
    if (!l->n)
        return;
    claims_print_header(out, alpha, looks, m);
    for (size_t c = 0; c < l->n; c++) {
        const claims_claim *cl = &l->items[c];
        char region[1024];
        claims_region(l, c, sw, npoints, res, region, sizeof region);
        fprintf(out, "\n%s: %s %s %s  [%s]\n  %s\n", cl->name, cl->metric,
                claims_stat_name(cl->stat), cl->bound_text, cl->source, region);
        claims_print_rests(out, cl);
        for (size_t p = 0; p < npoints; p++) {
            const claims_result *r = &res[c * npoints + p];
            fprintf(out, "  ");
            for (size_t a = 0; a < sw->naxes; a++)
                fprintf(out, "%s=%-10s ", sw->axes[a].path,
                        sw->axes[a].values[sweep_value_index(sw, p, a)]);
            char est[48], ci[80];
            claims_fmt(r->estimate, r->unit, est, sizeof est);
            claims_format_ci(r, ci, sizeof ci);
            fprintf(out, "%-15s %s %s", claims_verdict_name(r->verdict), est, ci);
            if (!isnan(r->ci_low))
                fprintf(out, " %.4g%%", 100 * r->level);
            fprintf(out, "%s%s\n", r->note[0] ? "  " : "", r->note);
        }
    }
}
