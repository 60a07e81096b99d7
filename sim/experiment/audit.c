/* audit.c - --decide and --robustness (see audit.h).
 *
 * Invariants: every decision here is a pure function of simulation
 * results (never of timing or arrival order), so the replications run,
 * the verdicts and the break-even points are the same for any thread
 * count, rank count or interruption history.
 */
#include "audit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

size_t audit_looks(size_t first, size_t max)
{
    size_t k = 1;
    for (size_t n = first ? first : 1; n < max; n *= 2)
        k++;
    return k;
}

int audit_decide_policy(void *ctx, const runner_result *points, size_t npoints,
                        size_t *targets)
{
    const audit_decide *d = ctx;
    const claims_list *l = &d->base->claims;
    if (!l->n)
        return 0;
    verdict_result *res = calloc(l->n * npoints, sizeof *res);
    if (!res)
        return -1;
    verdict_origin origin = { d->base->seed, 0, (double)d->base->duration_ns / 1e9 };
    if (verdict_evaluate_all(l, points, npoints, &origin, d->alpha_look, res, NULL) != 0) {
        free(res);
        return -1;
    }
    for (size_t p = 0; p < npoints; p++) {
        int undecided = 0;
        for (size_t c = 0; c < l->n; c++)
            undecided |= res[c * npoints + p].verdict == VERDICT_INCONCLUSIVE;
        if (undecided && targets[p] < d->max_replications) {
            size_t t = targets[p] * 2;
            targets[p] = t > d->max_replications ? d->max_replications : t;
        }
    }
    free(res);
    return 0;
}

/* ---- robustness ---------------------------------------------------------- */

typedef enum audit_kind { AUDIT_INT, AUDIT_NUMBER, AUDIT_DURATION, AUDIT_RATE } audit_kind;

/* Break-even searches: at most this many campaigns per crossing, and stop
 * once the bracket is this narrow (as a fraction of the range). */
#define AUDIT_MAX_STEPS 8
#define AUDIT_TOLERANCE 0.005

/* An assumption's range as numbers: durations in ns, rates per second. */
typedef struct audit_range {
    audit_kind kind;
    double lo, hi;
    int log_scale;
    char unit[16];       /* display unit */
    double unit_ns;      /* durations: ns per display unit */
    double unit_s;       /* rates: seconds per display unit's period */
} audit_range;

static int audit_parse_range(const scenario_assumption *a, audit_range *r)
{
    char why[160];
    int64_t i0, i1, n0, n1;
    double d0, d1;
    memset(r, 0, sizeof *r);
    r->log_scale = a->log_scale;
    if (cfg_parse_int(a->lo, &i0, why, sizeof why) == 0 &&
        cfg_parse_int(a->hi, &i1, why, sizeof why) == 0) {
        r->kind = AUDIT_INT;
        r->lo = (double)i0;
        r->hi = (double)i1;
    } else if (cfg_parse_double(a->lo, &d0, why, sizeof why) == 0 &&
               cfg_parse_double(a->hi, &d1, why, sizeof why) == 0) {
        r->kind = AUDIT_NUMBER;
        r->lo = d0;
        r->hi = d1;
    } else if (cfg_parse_duration(a->lo, &n0, why, sizeof why) == 0 &&
               cfg_parse_duration(a->hi, &n1, why, sizeof why) == 0) {
        r->kind = AUDIT_DURATION;
        r->lo = (double)n0;
        r->hi = (double)n1;
        /* Show durations in the unit the range's high end is written in. */
        const char *u = a->hi + strspn(a->hi, "0123456789.+-eE");
        double s = units_seconds(u);
        if (s > 0) {
            snprintf(r->unit, sizeof r->unit, "%s", u);
            r->unit_ns = s * 1e9;
        } else {
            snprintf(r->unit, sizeof r->unit, "s");
            r->unit_ns = 1e9;
        }
    } else if (cfg_parse_rate(a->lo, &d0, why, sizeof why) == 0 &&
               cfg_parse_rate(a->hi, &d1, why, sizeof why) == 0) {
        r->kind = AUDIT_RATE;
        r->lo = d0;
        r->hi = d1;
        /* Show rates per the period the range's high end is written in. */
        const char *slash = strchr(a->hi, '/');
        double s = slash ? units_seconds(slash + 1) : 0;
        if (s > 0) {
            snprintf(r->unit, sizeof r->unit, "1/%s", slash + 1);
            r->unit_s = s;
        } else {
            snprintf(r->unit, sizeof r->unit, "1/s");
            r->unit_s = 1;
        }
    } else {
        return -1;
    }
    if (r->log_scale && !(r->lo > 0 && r->hi > 0))
        r->log_scale = 0;
    return 0;
}

/* The value at position t in [0, 1] of the range. */
static double audit_at(const audit_range *r, double t)
{
    double x = r->log_scale ? r->lo * pow(r->hi / r->lo, t) : r->lo + t * (r->hi - r->lo);
    if (r->kind == AUDIT_INT || r->kind == AUDIT_DURATION)
        x = nearbyint(x);
    return x;
}

static void audit_set_text(const audit_range *r, double x, char *buf, size_t size)
{
    switch (r->kind) {
    case AUDIT_INT: snprintf(buf, size, "%lld", (long long)x); break;
    case AUDIT_NUMBER: snprintf(buf, size, "%.17g", x); break;
    case AUDIT_DURATION: snprintf(buf, size, "%lldns", (long long)x); break;
    case AUDIT_RATE: snprintf(buf, size, "%.17g/s", x); break;
    }
}

/* x in the display unit. */
static double audit_display(const audit_range *r, double x)
{
    return r->kind == AUDIT_DURATION ? x / r->unit_ns
         : r->kind == AUDIT_RATE     ? x * r->unit_s
                                     : x;
}

/* Rewrites the scenario's value of the assumption in the range's display
 * unit ("1.157e-09/s" -> "0.0001 1/d"); leaves text it cannot read. */
static void audit_base_in_unit(const audit_range *r, char *text, size_t size)
{
    char why[160];
    double v;
    int64_t ns;
    if (r->kind == AUDIT_RATE && cfg_parse_rate(text, &v, why, sizeof why) == 0)
        snprintf(text, size, "%.4g %s", audit_display(r, v), r->unit);
    else if (r->kind == AUDIT_DURATION && cfg_parse_duration(text, &ns, why, sizeof why) == 0)
        snprintf(text, size, "%.4g %s", audit_display(r, (double)ns), r->unit);
}

/* One evaluated position of an assumption's range. */
typedef struct audit_point {
    double t, x;
    verdict_result *res;  /* [nclaims] */
} audit_point;

typedef struct audit_ctx {
    const scenario_t *sc;
    const campaign_opts *copts;
    double alpha;
    const scenario_assumption *a;
    audit_range range;
    audit_point *pts;
    size_t npts, cap;
    size_t *runs;
} audit_ctx;

/* The claims' results with the assumption at position t (cached). */
static const verdict_result *audit_eval(audit_ctx *cx, double t, err_t *e)
{
    double x = audit_at(&cx->range, t);
    for (size_t i = 0; i < cx->npts; i++)
        if (cx->pts[i].x == x)
            return cx->pts[i].res;
    char value[64], set[512];
    audit_set_text(&cx->range, x, value, sizeof value);
    snprintf(set, sizeof set, "%s=%s", cx->a->key, value);
    const char *sets[1] = { set };
    char what[600];
    snprintf(what, sizeof what, "--robustness: %s", set);
    scenario_t *sc = NULL;
    campaign_result r;
    int rc = campaign_run_derived(cx->sc, sets, 1, cx->copts, what, &sc, &r, e);
    verdict_result *res = NULL;
    if (!rc) {
        res = calloc(cx->sc->claims.n ? cx->sc->claims.n : 1, sizeof *res);
        if (res) {
            verdict_origin origin = { sc->seed, 0, (double)sc->duration_ns / 1e9 };
            if (verdict_evaluate_all(&sc->claims, &r.points[0], 1, &origin, cx->alpha, res,
                                    NULL) != 0) {
                free(res);
                res = NULL;
                err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            }
        } else {
            err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        }
        (*cx->runs)++;
    }
    campaign_result_free(&r);
    scenario_free(sc);
    if (!res)
        return NULL;
    if (cx->npts == cx->cap) {
        size_t cap = cx->cap ? cx->cap * 2 : 16;
        audit_point *p = realloc(cx->pts, cap * sizeof *p);
        if (!p) {
            free(res);
            err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            return NULL;
        }
        cx->pts = p;
        cx->cap = cap;
    }
    cx->pts[cx->npts].t = t;
    cx->pts[cx->npts].x = x;
    cx->pts[cx->npts].res = res;
    cx->npts++;
    return res;
}

typedef enum audit_what { AUDIT_ESTIMATE, AUDIT_CI_LOW, AUDIT_CI_HIGH } audit_what;

static double audit_value(const verdict_result *r, audit_what w)
{
    return w == AUDIT_ESTIMATE ? r->estimate : w == AUDIT_CI_LOW ? r->ci_low : r->ci_high;
}

/* Position t in [0, 1] where claim c's `what` crosses b, by the Illinois
 * variant of false position (each evaluation is a full campaign, so few
 * and well-placed ones matter).  NaN when the ends do not bracket it;
 * -1 on error. */
static int audit_cross(audit_ctx *cx, size_t c, audit_what what, double b, double *t_out,
                       err_t *e)
{
    const verdict_result *r0 = audit_eval(cx, 0, e), *r1 = r0 ? audit_eval(cx, 1, e) : NULL;
    if (!r1)
        return -1;
    /* (t0, f0) and (t1, f1) bracket the crossing; g0 is f0 halved by the
     * Illinois rule each time t0 is kept, so the steps do not stall on one
     * side; the values themselves stay in f0 and f1 for the last step. */
    double t0 = 0, t1 = 1;
    double f0 = audit_value(&r0[c], what) - b, f1 = audit_value(&r1[c], what) - b;
    *t_out = NAN;
    if (!isfinite(f0) || !isfinite(f1) || f0 * f1 > 0)
        return 0;
    double g0 = f0;
    for (int it = 0; it < AUDIT_MAX_STEPS && fabs(t1 - t0) > AUDIT_TOLERANCE; it++) {
        double t = f1 != g0 ? t1 - f1 * (t1 - t0) / (f1 - g0) : 0.5 * (t0 + t1);
        /* Keep the step inside the bracket and away from its ends. */
        double lo = t0 < t1 ? t0 : t1, hi = t0 < t1 ? t1 : t0, margin = 0.02 * (hi - lo);
        if (!(t > lo + margin))
            t = lo + margin;
        if (!(t < hi - margin))
            t = hi - margin;
        const verdict_result *r = audit_eval(cx, t, e);
        if (!r)
            return -1;
        double f = audit_value(&r[c], what) - b;
        if (!isfinite(f))
            break;
        if (f == 0) {
            *t_out = t;
            return 0;
        }
        if (f * f1 < 0) {
            t0 = t1;          /* the crossing lies between t1 and t */
            f0 = g0 = f1;
        } else {
            g0 /= 2;          /* t0 kept again */
        }
        t1 = t;
        f1 = f;
    }
    /* The crossing of the straight line through the final bracket. */
    *t_out = f1 != f0 ? t1 - f1 * (t1 - t0) / (f1 - f0) : 0.5 * (t0 + t1);
    return 0;
}

static void audit_fmt(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (isinf(v))
        snprintf(buf, size, v > 0 ? "above the range" : "below the range");
    else
        snprintf(buf, size, "%.4g", v);
}

static int audit_one(audit_ctx *cx, size_t ai, const verdict_result *baseline,
                     const cfg_ctx *resolved, audit_robust_row *rows, err_t *e)
{
    const claims_list *l = &cx->sc->claims;
    const verdict_result *r0 = audit_eval(cx, 0, e);
    if (!r0)
        return e->code ? e->code : ERR_SOFTWARE;
    /* Later evaluations may move the cache: keep copies of the ends. */
    verdict_result *ends = malloc(2 * (l->n ? l->n : 1) * sizeof *ends);
    if (!ends)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    memcpy(ends, r0, l->n * sizeof *ends);
    const verdict_result *r1 = audit_eval(cx, 1, e);
    if (!r1) {
        free(ends);
        return e->code ? e->code : ERR_SOFTWARE;
    }
    memcpy(ends + l->n, r1, l->n * sizeof *ends);
    int rc = 0;
    for (size_t c = 0; c < l->n; c++) {
        audit_robust_row *w = &rows[c];
        memset(w, 0, sizeof *w);
        w->claim = c;
        w->assumption = ai;
        const verdict_result *lo = &ends[c], *hi = &ends[l->n + c];
        w->verdict_low = lo->verdict;
        w->verdict_high = hi->verdict;
        w->verdict_base = baseline[c].verdict;
        w->estimate_low = lo->estimate;
        w->estimate_high = hi->estimate;
        w->estimate_base = baseline[c].estimate;
        snprintf(w->unit, sizeof w->unit, "%s", baseline[c].unit);
        snprintf(w->value_unit, sizeof w->value_unit, "%s", cx->range.unit);
        if (!scenario_assumption_value(resolved, cx->a->key, w->base_value, sizeof w->base_value)) {
            const char *v = scenario_value(cx->sc, cx->a->key);
            snprintf(w->base_value, sizeof w->base_value, "%s", v ? v : "?");
        }
        audit_base_in_unit(&cx->range, w->base_value, sizeof w->base_value);
        w->break_even = w->break_even_low = w->break_even_high = NAN;
    }
    for (size_t c = 0; c < l->n; c++) {
        audit_robust_row *w = &rows[c];
        const claims_claim *cl = &l->items[c];
        const verdict_result lo = ends[c], hi = ends[l->n + c];
        char vlo[32], vhi[32];
        audit_set_text(&cx->range, audit_at(&cx->range, 0), vlo, sizeof vlo);
        audit_set_text(&cx->range, audit_at(&cx->range, 1), vhi, sizeof vhi);
        double b = NAN;
        if (lo.rule == VERDICT_RULE_INTERVAL && hi.rule == VERDICT_RULE_INTERVAL &&
            lo.verdict != VERDICT_BY_CONSTRUCTION && hi.verdict != VERDICT_BY_CONSTRUCTION) {
            if (isfinite(lo.bound_hi) &&
                (lo.estimate - lo.bound_hi) * (hi.estimate - lo.bound_hi) < 0)
                b = lo.bound_hi;
            else if (isfinite(lo.bound_lo) &&
                     (lo.estimate - lo.bound_lo) * (hi.estimate - lo.bound_lo) < 0)
                b = lo.bound_lo;
        }
        if (isnan(b)) {
            snprintf(w->sentence, sizeof w->sentence, "%s: %s at %s = %s, %s at %s; %s",
                     cl->name, verdict_name(lo.verdict), cx->a->key, cx->a->lo,
                     verdict_name(hi.verdict), cx->a->hi,
                     lo.verdict == hi.verdict ? "the verdict does not depend on it here"
                                              : "no break-even (the estimate stays on one "
                                                "side of the bound)");
            continue;
        }
        w->flips = 1;
        double t, tl, th;
        if (audit_cross(cx, c, AUDIT_ESTIMATE, b, &t, e) != 0 ||
            audit_cross(cx, c, AUDIT_CI_LOW, b, &tl, e) != 0 ||
            audit_cross(cx, c, AUDIT_CI_HIGH, b, &th, e) != 0) {
            rc = e->code ? e->code : ERR_SOFTWARE;
            break;
        }
        w->break_even = isnan(t) ? NAN : audit_display(&cx->range, audit_at(&cx->range, t));
        /* The break-even interval: where the CI still contains the bound.
         * An end whose crossing lies outside the range is infinite. */
        double xl = isnan(tl) ? NAN : audit_display(&cx->range, audit_at(&cx->range, tl));
        double xh = isnan(th) ? NAN : audit_display(&cx->range, audit_at(&cx->range, th));
        int rising = hi.estimate > lo.estimate; /* estimate grows with the value */
        double a1 = rising ? xh : xl, a2 = rising ? xl : xh;
        int up = cx->range.hi > cx->range.lo;
        w->break_even_low = isnan(a1) ? (up ? -INFINITY : INFINITY) : a1;
        w->break_even_high = isnan(a2) ? (up ? INFINITY : -INFINITY) : a2;
        if (w->break_even_low > w->break_even_high) {
            double s = w->break_even_low;
            w->break_even_low = w->break_even_high;
            w->break_even_high = s;
        }
        char be[32], bl[32], bh[32];
        audit_fmt(w->break_even, be, sizeof be);
        audit_fmt(w->break_even_low, bl, sizeof bl);
        audit_fmt(w->break_even_high, bh, sizeof bh);
        /* Which side of the break-even holds: the estimate is below an
         * upper bound (or above a lower one) on one side of it. */
        int upward = cx->range.hi > cx->range.lo;
        int below_holds = (rising == upward) == (b == lo.bound_hi); /* in values, not t */
        const char *lt = below_holds ? "<" : ">";
        /* Where the interval decides: below its low end one verdict, above
         * its high end the other (an end outside the range is not said). */
        char sides[200] = "";
        size_t used = 0;
        if (isfinite(w->break_even_low))
            used += (size_t)snprintf(sides + used, sizeof sides - used, "%s below %s, ",
                                     below_holds ? "HOLDS" : "FAILS", bl);
        if (isfinite(w->break_even_high) && used < sizeof sides)
            snprintf(sides + used, sizeof sides - used, "%s above %s, ",
                     below_holds ? "FAILS" : "HOLDS", bh);
        snprintf(w->sentence, sizeof w->sentence,
                 "%s: HOLDS iff %s %s %s %s [%s, %s]: %sundecided between "
                 "(%s at %s, %s at %s)",
                 cl->name, cx->a->key, lt, be, cx->range.unit, bl, bh, sides,
                 verdict_name(lo.verdict), cx->a->lo, verdict_name(hi.verdict),
                 cx->a->hi);
        (void)vlo;
        (void)vhi;
    }
    free(ends);
    return rc;
}

int audit_robustness(const scenario_t *sc, const cfg_ctx *resolved, const campaign_opts *copts,
                     const verdict_result *baseline, double alpha, audit_robust *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    if (sc->sweep.naxes)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "--robustness studies one scenario point; drop the sweep (or fix its "
                       "axes with --set)");
    if (!sc->nassumptions)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "--robustness needs an assumptions: section listing the parameters "
                       "to vary (docs/claims.md)");
    size_t nc = sc->claims.n;
    out->rows = calloc((nc ? nc : 1) * sc->nassumptions, sizeof *out->rows);
    if (!out->rows)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    out->n = nc * sc->nassumptions;
    int rc = 0;
    for (size_t i = 0; i < sc->nassumptions && !rc; i++) {
        audit_ctx cx;
        memset(&cx, 0, sizeof cx);
        cx.sc = sc;
        cx.copts = copts;
        cx.alpha = alpha;
        cx.a = &sc->assumptions[i];
        cx.runs = &out->runs;
        if (audit_parse_range(cx.a, &cx.range) != 0) {
            rc = err_set(e, ERR_DATA, cx.a->file, cx.a->line, cx.a->col,
                         "assumptions: the range of %s must be two numbers, durations or "
                         "rates of one kind", cx.a->key);
            break;
        }
        rc = audit_one(&cx, i, baseline, resolved, &out->rows[i * nc], e);
        for (size_t p = 0; p < cx.npts; p++)
            free(cx.pts[p].res);
        free(cx.pts);
        if (copts->interrupt && *copts->interrupt && !rc)
            rc = err_set(e, ERR_INTERRUPTED, NULL, 0, 0, "interrupted");
    }
    if (rc)
        audit_robust_free(out);
    return rc;
}

void audit_robust_free(audit_robust *r)
{
    if (!r)
        return;
    free(r->rows);
    r->rows = NULL;
    r->n = 0;
}

void audit_robust_print(FILE *out, const scenario_t *sc, const audit_robust *r)
{
    size_t nc = sc->claims.n;
    fprintf(out, "\nrobustness: every claim at both ends of each assumption's range (same seed; "
                 "%zu runs)\n", r->runs);
    for (size_t i = 0; i < sc->nassumptions; i++) {
        const scenario_assumption *a = &sc->assumptions[i];
        fprintf(out, "\n%s in [%s, %s] (scenario: %s)  source: %s\n", a->key, a->lo, a->hi,
                nc ? r->rows[i * nc].base_value : "?", a->source);
        for (size_t c = 0; c < nc; c++)
            fprintf(out, "  %s\n", r->rows[i * nc + c].sentence);
    }
}
