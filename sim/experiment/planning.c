/* planning.c - capacity planning (see planning.h).
 *
 * Invariant: every simulated figure comes from a campaign run at this
 * session's seed; nothing is extrapolated.  Evaluations are cached by
 * their assignments so a search never runs the same setting twice.
 */
#include "planning.h"
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "scenario.h"
#include "verdict.h"

/* Family-wise error of the claims judged at each capacity step. */
#define PLANNING_ALPHA 0.05

/* Python's round(x, 1): the correctly rounded one-decimal value; glibc's
 * printf rounds the exact binary value the same way. */
static double planning_round1(double x)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.1f", x);
    return strtod(buf, NULL);
}

void planning_runbook(const capacity_spec *s, planning_result *out)
{
    out->months = (size_t)s->months;
    for (int64_t m = 0; m <= s->months; m++) {
        planning_runbook_row *r = &out->runbook[m];
        double gf = pow(1.0 + s->growth, (double)m); /* Python: (1 + g) ** month */
        r->month = m;
        if (m == 0) { /* current metrics, as given */
            r->ai_agents = (int64_t)s->ai_agents;
            r->tps = (int64_t)s->tps;
            r->storage_tb = s->storage_tb;
            r->compute_cores = (int64_t)s->compute_cores;
            r->memory_gb = (int64_t)s->memory_gb;
            r->network_gbps = s->network_gbps;
            continue;
        }
        r->ai_agents = (int64_t)(s->ai_agents * gf);
        r->tps = (int64_t)(s->tps * gf);
        r->storage_tb = planning_round1(s->storage_tb * gf);
        r->compute_cores = (int64_t)(s->compute_cores * gf * (1.0 + s->buffer));
        r->memory_gb = (int64_t)(s->memory_gb * gf * (1.0 + s->buffer));
        r->network_gbps = planning_round1(s->network_gbps * gf);
    }
    out->nrecommendations = 0;
#define CAPACITY_SAY(text) \
    snprintf(out->recommendations[out->nrecommendations++], sizeof out->recommendations[0], "%s", text)
    if (s->months >= 3) {
        const planning_runbook_row *m3 = &out->runbook[3];
        if (m3->ai_agents > 15000)
            CAPACITY_SAY("Add 2 additional consensus nodes by month 3");
        if (m3->storage_tb > 100)
            CAPACITY_SAY("Implement storage tiering for cold data");
        if (m3->compute_cores > 500)
            CAPACITY_SAY("Consider horizontal scaling with Kubernetes");
    }
    if (s->months >= 6) {
        const planning_runbook_row *m6 = &out->runbook[6];
        if (m6->ai_agents > 25000)
            CAPACITY_SAY("Deploy regional clusters for latency optimization");
        if (m6->network_gbps > 10)
            CAPACITY_SAY("Upgrade network infrastructure to 25Gbps");
    }
#undef CAPACITY_SAY
}

typedef struct planning_ctx {
    const scenario_t *base;
    int threads;
    volatile sig_atomic_t *interrupt;
    const int *held;           /* claims that held at month 0 */
    planning_result *out;
    int progress;
    int64_t month;             /* being planned */
    planning_estimate *est;    /* where the next campaign's figures go, or NULL */
} planning_ctx;

/* How far r's interval (or estimate) is inside its nearer bound. */
static double planning_headroom(const verdict_result *r)
{
    double hi = isnan(r->ci_high) ? r->estimate : r->ci_high;
    double lo = isnan(r->ci_low) ? r->estimate : r->ci_low;
    double h = NAN;
    if (isfinite(r->bound_hi) && !isnan(hi))
        h = r->bound_hi - hi;
    if (isfinite(r->bound_lo) && !isnan(lo) && (isnan(h) || lo - r->bound_lo < h))
        h = lo - r->bound_lo;
    return h;
}

/* Runs base with sets (a campaign at base's seed) and judges every claim
 * as a plain run would (Holm over the claims): cr[claim]. */
static int planning_campaign(const scenario_t *base, int threads,
                             volatile sig_atomic_t *interrupt, const char *const *sets,
                             size_t nsets, verdict_result *cr, err_t *e)
{
    campaign_opts o = { .threads = threads, .interrupt = interrupt, .mpi_size = 1 };
    scenario_t *sc = NULL;
    campaign_result r;
    int rc = campaign_run_derived(base, sets, nsets, &o, "capacity", &sc, &r, e);
    if (!rc) {
        verdict_origin origin = { sc->seed, 0, (double)sc->duration_ns / 1e9 };
        if (verdict_evaluate_all(&base->claims, &r.points[0], 1, &origin, PLANNING_ALPHA, cr,
                                NULL) != 0)
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    }
    campaign_result_free(&r);
    scenario_free(sc);
    return rc;
}

/* Runs base with sets; fills verdict[claim]. */
static int planning_evaluate(planning_ctx *cx, const char *const *sets, size_t nsets,
                             verdict_kind *verdict, err_t *e)
{
    if (cx->progress)
        fprintf(stderr, "capacity  campaign %zu: month %lld of %lld%s\n",
                cx->out->evaluations + 1, (long long)cx->month,
                (long long)cx->base->capacity.months,
                cx->est ? ", resources unchanged" : ", searching the resources");
    verdict_result *cr = calloc(cx->base->claims.n ? cx->base->claims.n : 1, sizeof *cr);
    if (!cr)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    int rc = planning_campaign(cx->base, cx->threads, cx->interrupt, sets, nsets, cr, e);
    for (size_t c = 0; !rc && c < cx->base->claims.n; c++) {
        verdict[c] = cr[c].verdict;
        if (cx->est && c < 64) {
            planning_estimate x = { cr[c].verdict, cr[c].estimate, cr[c].ci_low,
                                    cr[c].ci_high, cr[c].level, cr[c].bound_lo,
                                    cr[c].bound_hi, planning_headroom(&cr[c]), "" };
            memcpy(x.unit, cr[c].unit, sizeof x.unit);
            cx->est[c] = x;
        }
    }
    if (!rc)
        cx->out->evaluations++;
    free(cr);
    return rc;
}

/* ---- the search along one value, for capacity and throughput ---------- */

/* Answers whether x is past the boundary (0 below it, 1 past it); the
 * answer must not decrease with x. */
typedef int (*planning_probe_fn)(void *ctx, double x, int *past, err_t *e);

typedef struct planning_line {
    planning_probe_fn probe;
    void *ctx;
    double min, max;       /* the search stays inside [min, max] */
    int whole;             /* whole numbers: bisect to adjacent values */
    double tolerance;      /* else: stop once hi <= lo (1 + tolerance) */
} planning_line;

/* From x0 (answer past0): doubles x (past0 = 0) or halves it (past0 = 1)
 * until the answer changes or the limit is reached, then bisects the
 * bracket (midpoint for whole numbers, geometric mean otherwise).
 * *below: the largest x answered 0, *above: the smallest answered 1,
 * NaN when none was. */
static int planning_boundary(const planning_line *l, double x0, int past0, double *below,
                             double *above, err_t *e)
{
    double lo = past0 ? NAN : x0, hi = past0 ? x0 : NAN, x = x0;
    int rc = 0;
    while (isnan(lo) || isnan(hi)) {
        int up = isnan(hi);
        if (up ? x >= l->max : x <= l->min)
            break;
        x = up ? fmin(2 * x, l->max) : fmax(x / 2, l->min);
        int past;
        if ((rc = l->probe(l->ctx, x, &past, e)))
            return rc;
        if (past)
            hi = x;
        else
            lo = x;
    }
    while (!isnan(lo) && !isnan(hi) &&
           (l->whole ? hi - lo > 1 : hi > lo * (1 + l->tolerance))) {
        double mid = l->whole ? lo + floor((hi - lo) / 2) : sqrt(lo * hi);
        int past;
        if ((rc = l->probe(l->ctx, mid, &past, e)))
            return rc;
        if (past)
            hi = mid;
        else
            lo = mid;
    }
    *below = lo;
    *above = hi;
    return 0;
}

/* The sets for month m's load plus resource values. */
static size_t planning_sets(const planning_ctx *cx, double gf, const int64_t *res,
                            char (*buf)[160], const char **sets)
{
    const capacity_spec *s = &cx->base->capacity;
    size_t n = 0;
    if (s->replications) {
        snprintf(buf[n], 160, "replications=%lld", (long long)s->replications);
        sets[n] = buf[n];
        n++;
    }
    for (size_t i = 0; i < s->nload; i++) {
        char v[96];
        const char *text = scenario_value(cx->base, s->load[i]);
        if (!text || capacity_scale(text, gf, v, sizeof v) != 0)
            continue; /* checked before the plan starts */
        snprintf(buf[n], 160, "%s=%s", s->load[i], v);
        sets[n] = buf[n];
        n++;
    }
    for (size_t i = 0; i < s->nresources; i++) {
        snprintf(buf[n], 160, "%s=%lld", s->resources[i].path, (long long)res[i]);
        sets[n] = buf[n];
        n++;
    }
    return n;
}

static int planning_all_held(const planning_ctx *cx, const verdict_kind *v)
{
    for (size_t c = 0; c < cx->base->claims.n; c++)
        if (cx->held[c] && v[c] != VERDICT_HOLDS)
            return 0;
    return 1;
}

static int planning_ok(planning_ctx *cx, double gf, const int64_t *res, int *ok, err_t *e)
{
    char buf[2 * CAPACITY_MAX_PATHS + 1][160];
    const char *sets[2 * CAPACITY_MAX_PATHS + 1];
    verdict_kind v[64];
    size_t n = planning_sets(cx, gf, res, buf, sets);
    int rc = planning_evaluate(cx, sets, n, v, e);
    *ok = !rc && planning_all_held(cx, v);
    return rc;
}

typedef struct planning_resource_probe {
    planning_ctx *cx;
    double gf;
    int64_t *res;
    size_t i;
} planning_resource_probe;

/* Past the boundary: every claim that held at month 0 holds with
 * resource i at x (the others as they are). */
static int planning_resource_ok(void *ctx, double x, int *past, err_t *e)
{
    planning_resource_probe *rp = ctx;
    rp->res[rp->i] = (int64_t)x;
    return planning_ok(rp->cx, rp->gf, rp->res, past, e);
}

int planning_run(const scenario_t *base, int threads, volatile sig_atomic_t *interrupt,
                  int progress, planning_result *out, err_t *e)
{
    const capacity_spec *s = &base->capacity;
    planning_runbook(s, out);
    out->nclaims = base->claims.n < 64 ? base->claims.n : 64;
    if (base->claims.n > 64)
        return err_set(e, ERR_DATA, NULL, 0, 0, "capacity planning handles at most 64 claims");
    for (size_t i = 0; i < s->nload; i++) {
        char v[96];
        const char *text = scenario_value(base, s->load[i]);
        if (!text || capacity_scale(text, 1.0, v, sizeof v) != 0)
            return err_set(e, ERR_DATA, base->doc->file, 0, 0,
                           "capacity.load: '%s' is not a numeric key of this scenario",
                           s->load[i]);
    }
    int64_t res[CAPACITY_MAX_PATHS];
    for (size_t i = 0; i < s->nresources; i++) {
        const char *text = scenario_value(base, s->resources[i].path);
        char *end;
        long long v = text ? strtoll(text, &end, 10) : 0;
        if (!text || *end || v < 1)
            return err_set(e, ERR_DATA, base->doc->file, 0, 0,
                           "capacity.resources: '%s' must be a whole-number key set in the "
                           "scenario (its starting value)", s->resources[i].path);
        res[i] = v;
    }
    int held[64] = { 0 };
    planning_ctx cx = { base, threads, interrupt, held, out, progress, 0, NULL };
    /* Month 0: which claims hold as the scenario stands. */
    {
        char buf[2 * CAPACITY_MAX_PATHS + 1][160];
        const char *sets[2 * CAPACITY_MAX_PATHS + 1];
        verdict_kind v[64];
        size_t n = planning_sets(&cx, 1.0, res, buf, sets);
        int rc = planning_evaluate(&cx, sets, n, v, e);
        if (rc)
            return rc;
        for (size_t c = 0; c < out->nclaims; c++) {
            held[c] = v[c] == VERDICT_HOLDS;
            out->held_at_start[c] = held[c];
            out->breaks_at_month[c] = -1;
        }
    }
    for (int64_t m = 0; m <= s->months; m++) {
        planning_month *pm = &out->plan[m];
        double gf = pow(1.0 + s->growth, (double)m);
        pm->growth_factor = gf;
        pm->agents = s->nload ? 0 : NAN;
        if (s->nload) {
            char v[96];
            capacity_scale(scenario_value(base, s->load[0]), gf, v, sizeof v);
            pm->agents = strtod(v, NULL);
        }
        /* Unchanged resources (month-0 values): which claims still hold? */
        int64_t start[CAPACITY_MAX_PATHS];
        for (size_t i = 0; i < s->nresources; i++) {
            const char *text = scenario_value(base, s->resources[i].path);
            start[i] = strtoll(text, NULL, 10);
        }
        char buf[2 * CAPACITY_MAX_PATHS + 1][160];
        const char *sets[2 * CAPACITY_MAX_PATHS + 1];
        verdict_kind v[64];
        size_t n = planning_sets(&cx, gf, start, buf, sets);
        cx.month = m;
        cx.est = pm->est;
        int rc = planning_evaluate(&cx, sets, n, v, e);
        cx.est = NULL;
        if (rc)
            return rc;
        pm->holding_unchanged = 0;
        for (size_t c = 0; c < out->nclaims; c++) {
            if (!held[c])
                continue;
            if (v[c] == VERDICT_HOLDS)
                pm->holding_unchanged++;
            else if (out->breaks_at_month[c] < 0)
                out->breaks_at_month[c] = m;
        }
        /* Smallest resources (from last month's) that keep every claim. */
        int ok;
        rc = planning_ok(&cx, gf, res, &ok, e);
        if (rc)
            return rc;
        for (size_t i = 0; !ok && i < s->nresources; i++) {
            /* More of a resource never hurts: from the value that fails,
             * the smallest that keeps every claim. */
            planning_resource_probe rp = { &cx, gf, res, i };
            planning_line line = { planning_resource_ok, &rp, (double)res[i],
                                   (double)s->resources[i].max, 1, 0 };
            double below, above;
            if ((rc = planning_boundary(&line, (double)res[i], 0, &below, &above, e)))
                return rc;
            if (isnan(above))
                continue; /* this resource alone cannot: keep it at max, try the next */
            res[i] = (int64_t)above;
            ok = 1;
        }
        pm->feasible = ok;
        size_t used = 0;
        pm->resources[0] = '\0';
        for (size_t i = 0; i < s->nresources; i++) {
            pm->resource_values[i] = res[i];
            used += (size_t)snprintf(pm->resources + used,
                                     used < sizeof pm->resources ? sizeof pm->resources - used : 0,
                                     "%s%s=%lld", i ? ", " : "", s->resources[i].path,
                                     (long long)res[i]);
        }
    }
    return 0;
}

void planning_print(FILE *out, const scenario_t *base, const planning_result *r)
{
    const capacity_spec *s = &base->capacity;
    fprintf(out, "\ncapacity plan: the runbook's arithmetic (section 4.2), growth %.4g%%/month, "
                 "buffer %.4g%% on cores and memory\n", 100 * s->growth, 100 * s->buffer);
    fprintf(out, "%5s %10s %8s %10s %13s %10s %12s\n", "month", "ai_agents", "tps",
            "storage_tb", "compute_cores", "memory_gb", "network_gbps");
    for (size_t m = 0; m <= r->months; m++) {
        const planning_runbook_row *x = &r->runbook[m];
        fprintf(out, "%5lld %10lld %8lld %10.1f %13lld %10lld %12.1f\n", (long long)x->month,
                (long long)x->ai_agents, (long long)x->tps, x->storage_tb,
                (long long)x->compute_cores, (long long)x->memory_gb, x->network_gbps);
    }
    fprintf(out, "runbook recommendations:\n");
    for (size_t i = 0; i < r->nrecommendations; i++)
        fprintf(out, "  - %s\n", r->recommendations[i]);
    if (!r->nrecommendations)
        fprintf(out, "  (none)\n");
    fprintf(out, "\ncapacity plan: simulated (%zu campaigns; a claim 'holds' when its whole 95%% CI "
                 "meets the bound)\n", r->evaluations);
    fprintf(out, "%5s %8s %14s %22s  %s\n", "month", "growth", s->nload ? s->load[0] : "load",
            "claims kept unchanged", "smallest resources keeping every claim");
    int held_total = 0;
    for (size_t c = 0; c < r->nclaims; c++)
        held_total += r->held_at_start[c];
    for (size_t m = 0; m <= r->months; m++) {
        const planning_month *pm = &r->plan[m];
        fprintf(out, "%5zu %8.4f %14.6g %15lld of %-3d  %s%s\n", m, pm->growth_factor, pm->agents,
                (long long)pm->holding_unchanged, held_total, pm->resources,
                pm->feasible ? "" : "  (NOT ENOUGH: no setting within the max keeps every claim)");
    }
    fprintf(out, "claims month by month with the resources unchanged: estimate [95%% CI or the "
                 "level its test used], headroom to the bound (negative: past it)\n");
    for (size_t c = 0; c < r->nclaims; c++) {
        const claims_claim *cl = &base->claims.items[c];
        fprintf(out, "  %s (%s %s %s)\n", cl->name, cl->metric, claims_stat_name(cl->stat),
                cl->bound_text);
        for (size_t m = 0; m <= r->months; m++) {
            const planning_estimate *x = &r->plan[m].est[c];
            char est[24], lo[24], hi[24], room[24], ci[64] = "";
            report_number(x->estimate, est, sizeof est);
            report_number(x->ci_low, lo, sizeof lo);
            report_number(x->ci_high, hi, sizeof hi);
            report_number(x->headroom, room, sizeof room);
            if (!isnan(x->ci_low) || !isnan(x->ci_high))
                snprintf(ci, sizeof ci, "[%s, %s] %.4g%%", lo, hi, 100 * x->level);
            fprintf(out, "    month %3zu  %-15s %10s %-6s %-32s headroom %s %s\n", m,
                    verdict_name((verdict_kind)x->verdict), est, x->unit, ci, room, x->unit);
        }
    }
    fprintf(out, "breaking points with nothing added:\n");
    for (size_t c = 0; c < r->nclaims; c++) {
        const claims_claim *cl = &base->claims.items[c];
        if (!r->held_at_start[c])
            fprintf(out, "  %-44s did not hold at month 0\n", cl->name);
        else if (r->breaks_at_month[c] < 0)
            fprintf(out, "  %-44s holds through month %zu\n", cl->name, r->months);
        else
            fprintf(out, "  %-44s breaks at month %lld\n", cl->name,
                    (long long)r->breaks_at_month[c]);
    }
}

/* ---- throughput: the highest rate sustained ----------------------------- */

typedef struct planning_tp_ctx {
    const scenario_t *base;
    int threads;
    volatile sig_atomic_t *interrupt;
    int progress;
    planning_throughput *out;
} planning_tp_ctx;

/* Runs the scenario at rate x; past the boundary when a claim does not
 * HOLD there. */
static int planning_tp_probe(void *ctx, double x, int *past, err_t *e)
{
    planning_tp_ctx *cx = ctx;
    const capacity_throughput *t = &cx->base->throughput;
    planning_throughput *out = cx->out;
    if (out->nprobes == PLANNING_MAX_PROBES)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "throughput: more than %d probes",
                       PLANNING_MAX_PROBES);
    if (cx->progress)
        fprintf(stderr, "throughput campaign %zu: %s = %.6g/s\n", out->nprobes + 1, t->rate, x);
    char buf[2][160];
    const char *sets[2];
    size_t n = 0;
    snprintf(buf[n], sizeof buf[n], "%s=%.17g/s", t->rate, x);
    sets[n] = buf[n];
    n++;
    if (t->replications) {
        snprintf(buf[n], sizeof buf[n], "replications=%lld", (long long)t->replications);
        sets[n] = buf[n];
        n++;
    }
    size_t nc = cx->base->claims.n;
    verdict_result *cr = calloc(nc ? nc : 1, sizeof *cr);
    if (!cr)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    int rc = planning_campaign(cx->base, cx->threads, cx->interrupt, sets, n, cr, e);
    if (!rc) {
        planning_probe *pr = &out->probes[out->nprobes++];
        memset(pr, 0, sizeof *pr);
        pr->rate = x;
        pr->sustained = 1;
        pr->verdict = VERDICT_HOLDS;
        for (size_t c = 0; c < nc; c++) {
            pr->sustained &= cr[c].verdict == VERDICT_HOLDS;
            if (cr[c].verdict == VERDICT_FAILS)
                pr->verdict = VERDICT_FAILS;
            else if (cr[c].verdict != VERDICT_HOLDS && pr->verdict == VERDICT_HOLDS)
                pr->verdict = VERDICT_INCONCLUSIVE;
        }
        pr->estimate = cr[0].estimate;
        pr->ci_low = cr[0].ci_low;
        pr->ci_high = cr[0].ci_high;
        pr->level = cr[0].level;
        memcpy(pr->unit, cr[0].unit, sizeof pr->unit);
        *past = !pr->sustained;
    }
    free(cr);
    return rc;
}

int planning_throughput_run(const scenario_t *base, int threads,
                            volatile sig_atomic_t *interrupt, int progress,
                            planning_throughput *out, err_t *e)
{
    const capacity_throughput *t = &base->throughput;
    memset(out, 0, sizeof *out);
    out->claimed = t->claimed;
    planning_tp_ctx cx = { base, threads, interrupt, progress, out };
    int past;
    int rc = planning_tp_probe(&cx, t->claimed, &past, e);
    if (rc)
        return rc;
    out->verdict = out->probes[0].verdict;
    planning_line line = { planning_tp_probe, &cx, t->lo, t->hi, 0, t->tolerance };
    return planning_boundary(&line, t->claimed, past, &out->sustained, &out->unsustained, e);
}

void planning_throughput_print(FILE *out, const scenario_t *base, const planning_throughput *r)
{
    const capacity_throughput *t = &base->throughput;
    const claims_claim *c0 = &base->claims.items[0];
    char lo[32], hi[64] = "?";
    if (isnan(r->sustained))
        snprintf(lo, sizeof lo, "< %.6g", t->lo);
    else
        snprintf(lo, sizeof lo, "%.6g", r->sustained);
    if (isnan(r->unsustained))
        snprintf(hi, sizeof hi, "> %.6g", t->hi);
    else /* which verdict the first rate not sustained had */
        for (size_t i = 0; i < r->nprobes; i++)
            if (r->probes[i].rate == r->unsustained)
                snprintf(hi, sizeof hi, "%.6g (%s there)", r->unsustained,
                         verdict_name((verdict_kind)r->probes[i].verdict));
    fprintf(out, "\nthroughput: the highest %s sustained, found by search (%zu campaigns; "
                 "sustained: every claim HOLDS, its whole 95%% CI within the bound)\n",
            t->rate, r->nprobes);
    fprintf(out, "%-15s %s: maximum sustainable %s in [%s, %s] 1/s against %.6g 1/s claimed",
            verdict_name((verdict_kind)r->verdict), t->name, t->rate, lo, hi, t->claimed);
    if (r->verdict == VERDICT_FAILS)
        fprintf(out, " (not sustained at the claimed rate)");
    else if (r->verdict == VERDICT_HOLDS)
        fprintf(out, " (sustained at the claimed rate)");
    else
        fprintf(out, " (undecided at the claimed rate)");
    fprintf(out, "\n  interval: the highest rate shown sustained and the lowest not shown "
                 "sustained (FAILS, or INCONCLUSIVE: more replications may move it up), "
                 "bisected to %.4g%%; assumes a higher rate never helps\n",
            100 * t->tolerance);
    fprintf(out, "  criterion: %s (%s %s %s)\n", c0->name, c0->metric,
            claims_stat_name(c0->stat), c0->bound_text);
    if (t->source[0])
        fprintf(out, "  source: %s\n", t->source);
    fprintf(out, "  %14s  %-12s  %s\n", "rate (1/s)", "verdict", "criterion estimate [CI]");
    for (size_t i = 0; i < r->nprobes; i++) {
        const planning_probe *p = &r->probes[i];
        char est[24], l[24], h[24];
        report_number(p->estimate, est, sizeof est);
        report_number(p->ci_low, l, sizeof l);
        report_number(p->ci_high, h, sizeof h);
        fprintf(out, "  %14.6g  %-12s  %s %s [%s, %s] %.4g%%\n", p->rate,
                verdict_name((verdict_kind)p->verdict), est, strcmp(p->unit, "1") ? p->unit : "",
                l, h, 100 * p->level);
    }
}
