/* verdict.c - claim verdicts (see verdict.h and docs/claims.md).
 *
 * Invariants: a verdict is a pure function of the replications' results
 * (and the confidence level asked for), so it is as reproducible as they
 * are; an interval never leaves its metric's domain; a counterexample is
 * never averaged away; an input is never reported as a finding.
 */
#include "verdict.h"
#include "ci.h"
#include "runner.h"
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

const char *verdict_name(verdict_kind v)
{
    static const char *const names[VERDICT_NKINDS] = { "HOLDS", "FAILS", "INCONCLUSIVE",
                                                         "NO DATA", "BY CONSTRUCTION" };
    return (unsigned)v < VERDICT_NKINDS ? names[v] : "?";
}

const char *verdict_rule_name(verdict_rule r)
{
    static const char *const names[] = { "none", "interval", "every case", "rare event" };
    return (unsigned)r < 4 ? names[r] : "?";
}

/* ---- evidence: what a claim's interval is made from ------------------- */

typedef enum verdict_ev_kind {
    VERDICT_EV_NONE, VERDICT_EV_T, VERDICT_EV_WILSON, VERDICT_EV_GARWOOD, VERDICT_EV_WOODRUFF,
    VERDICT_EV_KM
} verdict_ev_kind;

/* Everything needed to give the claim's interval at any level (Holm and
 * the p-value ask for several). */
typedef struct verdict_ev {
    verdict_ev_kind kind;
    double est;
    double se, df, clip_lo, clip_hi;  /* T */
    double *x, *n;                    /* WILSON: per replication */
    size_t R;
    double count, exposure;           /* GARWOOD */
    ci_pool *pool;                    /* WOODRUFF */
    ci_survival *surv;                /* KM */
    double p;                         /* WOODRUFF, KM: the quantile level */
    const char *method;
} verdict_ev;

static void verdict_ev_free(verdict_ev *ev)
{
    free(ev->x);
    free(ev->n);
    ci_pool_free(ev->pool);
    ci_survival_free(ev->surv);
    memset(ev, 0, sizeof *ev);
}

static void verdict_ev_interval(const verdict_ev *ev, double level, double *lo, double *hi)
{
    double est;
    *lo = *hi = NAN;
    switch (ev->kind) {
    case VERDICT_EV_NONE:
        return;
    case VERDICT_EV_T:
        ci_student(ev->est, ev->se, ev->df, level, lo, hi);
        break;
    case VERDICT_EV_WILSON:
        ci_wilson_clustered(ev->x, ev->n, ev->R, level, &est, lo, hi, NULL);
        break;
    case VERDICT_EV_GARWOOD:
        ci_garwood(ev->count, ev->exposure, level, lo, hi);
        break;
    case VERDICT_EV_WOODRUFF:
        ci_pool_quantile_interval(ev->pool, ev->p, level, &est, lo, hi, NULL);
        break;
    case VERDICT_EV_KM:
        ci_km_quantile_interval(ev->surv, ev->p, level, &est, lo, hi);
        break;
    }
    if (*lo < ev->clip_lo)
        *lo = ev->clip_lo;
    if (*hi > ev->clip_hi)
        *hi = ev->clip_hi;
}

static verdict_kind verdict_decide(double lo, double hi, double blo, double bhi)
{
    if (isnan(lo) || isnan(hi))
        return VERDICT_INCONCLUSIVE;
    if (lo >= blo && hi <= bhi)
        return VERDICT_HOLDS;
    if (hi < blo || lo > bhi)
        return VERDICT_FAILS;
    return VERDICT_INCONCLUSIVE;
}

/* The smallest alpha whose (1 - alpha) interval decides the claim: the
 * p-value Holm sorts by.  Intervals shrink as alpha grows, so "decided"
 * is monotone in alpha; 80 halvings of log(alpha) over [1e-16, 1) are far
 * below any level anyone asks for. */
static double verdict_pvalue(const verdict_ev *ev, double blo, double bhi)
{
    double lo, hi;
    double a_lo = log(1e-16), a_hi = log(0.9999);
    verdict_ev_interval(ev, 1 - exp(a_lo), &lo, &hi);
    if (verdict_decide(lo, hi, blo, bhi) != VERDICT_INCONCLUSIVE)
        return 0.0;
    verdict_ev_interval(ev, 1 - exp(a_hi), &lo, &hi);
    if (verdict_decide(lo, hi, blo, bhi) == VERDICT_INCONCLUSIVE)
        return 1.0;
    for (int i = 0; i < 80; i++) {
        double mid = 0.5 * (a_lo + a_hi);
        verdict_ev_interval(ev, 1 - exp(mid), &lo, &hi);
        if (verdict_decide(lo, hi, blo, bhi) != VERDICT_INCONCLUSIVE)
            a_hi = mid;
        else
            a_lo = mid;
    }
    return exp(a_hi);
}

/* ---- formatting -------------------------------------------------------- */

/* "93.7 ms", "0.25", "1.2e-05 1/s" (no unit for "1"). */
static void verdict_fmt(double v, const char *unit, char *buf, size_t size)
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
static void verdict_count(double v, char *buf, size_t size)
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

static void verdict_pct(double p, char *buf, size_t size)
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

void verdict_format_ci(const verdict_result *r, char *buf, size_t size)
{
    if (isnan(r->ci_low) || isnan(r->ci_high)) {
        snprintf(buf, size, "-");
        return;
    }
    char lo[32], hi[32];
    verdict_fmt(r->ci_low, "1", lo, sizeof lo);
    verdict_fmt(r->ci_high, "1", hi, sizeof hi);
    snprintf(buf, size, "[%s, %s]", lo, hi);
}

/* The bound in the metric's unit, for sentences: "100 ms", "[63, 78] ms". */
static void verdict_bound_words(const claims_claim *cl, const verdict_result *r, char *buf,
                               size_t size)
{
    char a[40], b[40];
    verdict_fmt(r->bound_lo, r->unit, a, sizeof a);
    verdict_fmt(r->bound_hi, r->unit, b, sizeof b);
    if (cl->bound == CLAIMS_BOUND_MAX)
        snprintf(buf, size, "%s", b);
    else if (cl->bound == CLAIMS_BOUND_MIN)
        snprintf(buf, size, "%s", a);
    else
        snprintf(buf, size, "[%s, %s]", a, b);
}

/* ---- the rules ----------------------------------------------------------- */

static const stats_rep *verdict_rep(const runner_result *r, size_t rep, size_t k)
{
    return &r->reps[rep * r->nmetrics + k];
}

static void verdict_counterexample_note(const verdict_origin *o, const verdict_result *out,
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
static void verdict_rare(const claims_claim *cl, const runner_result *r, size_t k,
                        const verdict_origin *o, verdict_result *out)
{
    out->rule = VERDICT_RULE_RARE;
    double total = 0;
    out->first_rep = -1;
    for (size_t i = 0; i < r->nreps; i++) {
        const stats_rep *q = verdict_rep(r, i, k);
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
        out->verdict = VERDICT_NO_DATA;
        snprintf(out->note, sizeof out->note, "the metric has no value in any replication");
        return;
    }
    out->estimate = total / (double)out->reps_with_data;
    ci_garwood(total, (double)out->reps_with_data, 0.95, &out->ci_low, &out->ci_high);
    out->level = 0.95;
    snprintf(out->method, sizeof out->method, "counterexample; Garwood per replication");
    char n1[32], n2[32];
    verdict_count(total, n1, sizeof n1);
    if (total > 0) {
        out->verdict = VERDICT_FAILS;
        char where[256];
        verdict_counterexample_note(o, out, where, sizeof where);
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
            double v = verdict_rep(r, i, (size_t)pk)->value;
            if (isnan(v))
                continue;
            exposure += r->defs[pk].kind == STATS_RATE ? v * o->duration_s : v;
        }
        snprintf(per, sizeof per, "%s", cl->per);
    }
    out->verdict = VERDICT_HOLDS;
    out->exceed_upper = ci_poisson_zero_upper(exposure, 0.95);
    verdict_count(exposure, n2, sizeof n2);
    char up[32];
    verdict_fmt(out->exceed_upper, "1", up, sizeof up);
    snprintf(out->note, sizeof out->note,
             "none in %zu replications (%s %s%s); rate < %s per %s at 95 %%",
             out->reps_with_data, n2, per, pk >= 0 ? "" : "s", up, per);
}

/* min/max: count the observations beyond the bound. */
static int verdict_every_case(const claims_claim *cl, const runner_result *r, size_t k,
                             const verdict_origin *o, verdict_result *out)
{
    out->rule = VERDICT_RULE_EVERY_CASE;
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
        const stats_rep *q = verdict_rep(r, i, k);
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
        out->verdict = VERDICT_NO_DATA;
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
    verdict_count(out->observations, nobs, sizeof nobs);
    verdict_count(out->exceed, nex, sizeof nex);
    verdict_fmt(bound, out->unit, b, sizeof b);
    const char *what = d->kind == STATS_TALLY ? "observations" : "replications";
    if (out->exceed > 0) {
        out->verdict = VERDICT_FAILS;
        char where[256];
        verdict_counterexample_note(o, out, where, sizeof where);
        verdict_pct(out->p_exceed, pe, sizeof pe);
        verdict_pct(out->p_exceed_low, pl, sizeof pl);
        verdict_pct(out->p_exceed_high, ph, sizeof ph);
        snprintf(out->note, sizeof out->note,
                 "counterexample: %s%s of %s %s %s %s, in %.0f of %zu replications "
                 "(P(beyond) %s [%s, %s] at 95 %%); %s",
                 exact ? "" : "at least ", nex, nobs, what, is_max ? ">" : "<", b,
                 out->reps_exceeding, out->reps_with_data, pe, pl, ph, where);
        return 0;
    }
    out->verdict = VERDICT_HOLDS;
    out->exceed_upper = ci_zero_upper(out->observations, 0.95);
    verdict_pct(out->exceed_upper, pe, sizeof pe);
    snprintf(out->note, sizeof out->note,
             "0 of %s %s %s %s; P(beyond) < %s at 95 %% (treating %s as independent)", nobs,
             what, is_max ? ">" : "<", b, pe, what);
    return 0;
}

/* Builds the interval evidence for a mean, quantile or fraction_below. */
static int verdict_build_ev(const claims_claim *cl, const runner_result *r, size_t k,
                           double threshold, verdict_ev *ev, verdict_result *out)
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
            const stats_rep *q = verdict_rep(r, i, k);
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
            ev->kind = VERDICT_EV_WILSON;
            double lo, hi;
            ci_wilson_clustered(ev->x, ev->n, j, 0.95, &ev->est, &lo, &hi, NULL);
            ev->method = "pooled 0/1 trials; Wilson, design effect from replications";
        } else if (tally) {
            ev->kind = VERDICT_EV_T;
            ci_ratio(ev->x, ev->n, j, &ev->est, &ev->se);
            ev->df = (double)j - 1;
            ev->method = "pooled mean; Student-t, replications as clusters";
        } else if (d->domain == STATS_RARE) {
            ev->kind = VERDICT_EV_GARWOOD;
            for (size_t i = 0; i < j; i++)
                ev->count += ev->x[i];
            ev->exposure = (double)j;
            ev->est = ev->count / ev->exposure;
            ev->method = "Poisson (Garwood) per replication";
        } else {
            ev->kind = VERDICT_EV_T;
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
            ev->kind = VERDICT_EV_T;
            ev->est = ci_km_cdf(s, threshold);
            ev->se = ci_km_cdf_se(s, threshold);
            ev->df = (double)out->reps_with_data - 1;
            ev->method = "Kaplan-Meier F(t); jackknife over replications";
            ci_survival_free(s);
            return 0;
        }
        int slot_missing = 0;
        for (size_t i = 0; i < R; i++) {
            const stats_rep *q = verdict_rep(r, i, k);
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
        ev->kind = VERDICT_EV_WILSON;
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
        ev->kind = VERDICT_EV_KM;
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
        const stats_rep *q = verdict_rep(r, i, k);
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
            ev->kind = VERDICT_EV_WOODRUFF;
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
static long verdict_needed(const verdict_result *out, size_t n)
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

static void verdict_interval_note(const claims_claim *cl, const stats_def *d,
                                 verdict_result *out)
{
    char est[48], lo[32], hi[32], bw[96];
    verdict_fmt(out->estimate, out->unit, est, sizeof est);
    verdict_fmt(out->ci_low, out->unit, lo, sizeof lo);
    verdict_fmt(out->ci_high, out->unit, hi, sizeof hi);
    verdict_bound_words(cl, out, bw, sizeof bw);
    int time = units_seconds(out->unit) > 0;
    char lvl[16];
    snprintf(lvl, sizeof lvl, "%.4g %%", 100 * out->level);
    size_t used = strlen(out->note);
    char *p = out->note + used;
    size_t left = sizeof out->note - used;
    const char *sep = used ? "; " : "";
    if (out->verdict == VERDICT_HOLDS) {
        snprintf(p, left, "%s%s CI [%s, %s] inside %s", sep, lvl, lo, hi, bw);
    } else if (out->verdict == VERDICT_FAILS) {
        int above = out->ci_low > out->bound_hi;
        const char *word = time ? (above ? "longer than claimed (slower)"
                                         : "shorter than claimed (faster)")
                                : (above ? "higher than claimed" : "lower than claimed");
        char b[32];
        verdict_fmt(above ? out->bound_hi : out->bound_lo, out->unit, b, sizeof b);
        snprintf(p, left, "%s%s: %s %s %s (%s CI [%s, %s])", sep, word, est, above ? ">" : "<",
                 b, lvl, lo, hi);
    } else if (out->verdict == VERDICT_INCONCLUSIVE) {
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

int verdict_evaluate(const claims_claim *cl, const runner_result *r, const verdict_origin *o,
                    double level, verdict_result *out)
{
    memset(out, 0, sizeof *out);
    out->verdict = VERDICT_NO_DATA;
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
                const stats_rep *q = verdict_rep(r, i, (size_t)k);
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
        verdict_rare(cl, r, (size_t)k, o, out);
    } else if (cl->stat == CLAIMS_MIN || cl->stat == CLAIMS_MAX) {
        if (verdict_every_case(cl, r, (size_t)k, o, out) != 0)
            return -1;
    } else {
        out->rule = VERDICT_RULE_INTERVAL;
        verdict_ev ev;
        memset(&ev, 0, sizeof ev);
        if (verdict_build_ev(cl, r, (size_t)k, threshold, &ev, out) != 0) {
            verdict_ev_free(&ev);
            return -1;
        }
        if (ev.kind == VERDICT_EV_NONE) {
            verdict_ev_free(&ev);
            out->rule = VERDICT_RULE_NONE;
            if (!strstr(out->note, "not kept"))
                snprintf(out->note, sizeof out->note, "the metric has no observations");
            return 0;
        }
        snprintf(out->method, sizeof out->method, "%s", ev.method);
        out->estimate = ev.est;
        verdict_ev_interval(&ev, level, &out->ci_low, &out->ci_high);
        out->pvalue = verdict_pvalue(&ev, out->bound_lo, out->bound_hi);
        verdict_ev_free(&ev);
        out->verdict = verdict_decide(out->ci_low, out->ci_high, out->bound_lo, out->bound_hi);
        if (out->verdict == VERDICT_INCONCLUSIVE && !isnan(out->ci_low))
            out->more_replications =
                verdict_needed(out, out->reps_with_data ? out->reps_with_data : r->nreps);
        if (!input[0])
            verdict_interval_note(cl, d, out);
    }
    if (input[0] && out->verdict != VERDICT_NO_DATA) {
        /* The data are still shown, but the verdict says what they are. */
        char seen[sizeof out->note];
        snprintf(seen, sizeof seen, "%s", out->note);
        if (!seen[0] && out->rule == VERDICT_RULE_INTERVAL) {
            char est[48], lo[32], hi[32];
            verdict_fmt(out->estimate, out->unit, est, sizeof est);
            verdict_fmt(out->ci_low, out->unit, lo, sizeof lo);
            verdict_fmt(out->ci_high, out->unit, hi, sizeof hi);
            snprintf(seen, sizeof seen, "measured %s [%s, %s]", est, lo, hi);
        }
        int n = snprintf(out->note, sizeof out->note, "an input, not a finding: fixed by %.96s",
                         input);
        if (seen[0] && n > 0 && (size_t)n + 2 < sizeof out->note)
            snprintf(out->note + n, sizeof out->note - (size_t)n, "; %.*s",
                     (int)(sizeof out->note - (size_t)n - 3), seen);
        out->verdict = VERDICT_BY_CONSTRUCTION;
        out->pvalue = NAN;
    }
    return 0;
}

typedef struct verdict_order {
    double p;
    size_t index;
} verdict_order;

static int verdict_order_cmp(const void *a, const void *b)
{
    const verdict_order *x = a, *y = b;
    if (x->p != y->p)
        return (x->p > y->p) - (x->p < y->p);
    return (x->index > y->index) - (x->index < y->index);
}

int verdict_evaluate_all(const claims_list *l, const runner_result *points, size_t npoints,
                        const verdict_origin *origin, double alpha, verdict_result *res,
                        size_t *tests)
{
    size_t total = l->n * npoints;
    verdict_order *fam = malloc((total ? total : 1) * sizeof *fam);
    size_t m = 0;
    if (tests)
        *tests = 0;
    if (!fam)
        return -1;
    for (size_t c = 0; c < l->n; c++)
        for (size_t p = 0; p < npoints; p++) {
            verdict_origin o = *origin;
            o.point = p;
            verdict_result *r = &res[c * npoints + p];
            if (verdict_evaluate(&l->items[c], &points[p], &o, 1 - alpha, r) != 0) {
                free(fam);
                return -1;
            }
            if (r->rule == VERDICT_RULE_INTERVAL && r->verdict != VERDICT_BY_CONSTRUCTION &&
                r->verdict != VERDICT_NO_DATA && !isnan(r->pvalue)) {
                fam[m].p = r->pvalue;
                fam[m].index = c * npoints + p;
                m++;
            }
        }
    /* Holm: test the smallest p at alpha/m, the next at alpha/(m-1), ...;
     * stop at the first that is not decided.  Undecided tests are shown at
     * the level where the procedure stopped. */
    qsort(fam, m, sizeof *fam, verdict_order_cmp);
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
        verdict_origin o = *origin;
        o.point = idx % npoints;
        if (verdict_evaluate(&l->items[idx / npoints], &points[idx % npoints], &o, level,
                            &res[idx]) != 0) {
            free(fam);
            return -1;
        }
        if (stopped && res[idx].verdict != VERDICT_INCONCLUSIVE) {
            /* Only at a numerical edge (p equal to the level): keep the
             * procedure's answer. */
            res[idx].verdict = VERDICT_INCONCLUSIVE;
        }
    }
    free(fam);
    if (tests)
        *tests = m;
    return 0;
}

/* ---- printing ------------------------------------------------------------ */

static void verdict_print_header(FILE *out, double alpha, size_t looks, size_t m)
{
    fprintf(out, "\nclaims audit: %zu interval test%s, family-wise error %.3g %% (Holm)",
            m, m == 1 ? "" : "s", 100 * alpha * (double)looks);
    if (looks > 1)
        fprintf(out, " over %zu looks of --decide (%.3g %% per look)", looks, 100 * alpha);
    fprintf(out, "; each CI at the level its test used.\n"
                 "  every-case and rare-event claims are decided by counterexample; inputs are "
                 "BY CONSTRUCTION (docs/claims.md)\n");
}

static void verdict_print_rests(FILE *out, const claims_claim *cl)
{
    if (!cl->nassumptions)
        return;
    fprintf(out, "  rests on:");
    for (size_t i = 0; i < cl->nassumptions; i++)
        fprintf(out, "%s %s", i ? "," : "", cl->assumptions[i]);
    fprintf(out, "\n");
}

void verdict_print(FILE *out, const claims_list *l, const verdict_result *res, double alpha,
                  size_t looks, size_t m)
{
    if (!l->n)
        return;
    verdict_print_header(out, alpha, looks, m);
    for (size_t i = 0; i < l->n; i++) {
        const claims_claim *cl = &l->items[i];
        const verdict_result *r = &res[i];
        char est[48], ci[80], lvl[16] = "";
        verdict_fmt(r->estimate, r->unit, est, sizeof est);
        verdict_format_ci(r, ci, sizeof ci);
        if (!isnan(r->ci_low))
            snprintf(lvl, sizeof lvl, " %.4g%%", 100 * r->level);
        fprintf(out, "\n%-15s %s\n", verdict_name(r->verdict), cl->name);
        fprintf(out, "  %s %s %s: %s %s%s  (%s)\n", cl->metric, claims_stat_name(cl->stat),
                cl->bound_text, est, ci, lvl, r->method[0] ? r->method : "-");
        if (r->note[0])
            fprintf(out, "  %s\n", r->note);
        if (!isnan(r->p_event)) {
            char a[24], b[24], c[24];
            verdict_pct(r->p_event, a, sizeof a);
            verdict_pct(r->p_event_low, b, sizeof b);
            verdict_pct(r->p_event_high, c, sizeof c);
            fprintf(out, "  the event happened in %s [%s, %s] of cases within the run\n", a, b, c);
        }
        verdict_print_rests(out, cl);
        fprintf(out, "  source: %s\n", cl->source);
    }
}

/* Point p's values of the first k axes: "4", or "(16, equivocate, 5)". */
static void verdict_point_label(const sweep_spec *sw, size_t p, size_t k, char *buf,
                                size_t size)
{
    if (!sw->naxes) {
        snprintf(buf, size, "-");
        return;
    }
    size_t w = 0;
    for (size_t a = 0; a < k; a++)
        w += (size_t)snprintf(buf + w, w < size ? size - w : 0, "%s%s%s", a ? ", " : k > 1 ? "(" : "",
                              sw->axes[a].values[sweep_value_index(sw, p, a)],
                              a + 1 == k && k > 1 ? ")" : "");
}

void verdict_region(const claims_list *l, size_t claim, const sweep_spec *sw, size_t npoints,
                   const verdict_result *res, char *buf, size_t size)
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
        for (int v = 0; v < VERDICT_NKINDS; v++) {
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
                /* A zip point is named by all its values, "(16, equivocate,
                 * 5)": the first axis alone would not tell its points apart. */
                char val[192];
                verdict_point_label(sw, p, sw->zip ? sw->naxes : 1, val, sizeof val);
                static const char *const heads[VERDICT_NKINDS] = {
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
    if (sw->naxes && used < size) {
        char paths[512];
        size_t w = 0, k = sw->zip ? sw->naxes : 1;
        for (size_t a = 0; a < k; a++)
            w += (size_t)snprintf(paths + w, w < sizeof paths ? sizeof paths - w : 0, "%s%s",
                                  a ? ", " : "", sw->axes[a].path);
        snprintf(buf + used, size - used, " (%s)", paths);
    }
}

void verdict_print_sweep(FILE *out, const claims_list *l, const sweep_spec *sw, size_t npoints,
                        const verdict_result *res, double alpha, size_t looks, size_t m)
{
    if (!l->n)
        return;
    verdict_print_header(out, alpha, looks, m);
    for (size_t c = 0; c < l->n; c++) {
        const claims_claim *cl = &l->items[c];
        char region[1024];
        verdict_region(l, c, sw, npoints, res, region, sizeof region);
        fprintf(out, "\n%s: %s %s %s  [%s]\n  %s\n", cl->name, cl->metric,
                claims_stat_name(cl->stat), cl->bound_text, cl->source, region);
        verdict_print_rests(out, cl);
        for (size_t p = 0; p < npoints; p++) {
            const verdict_result *r = &res[c * npoints + p];
            fprintf(out, "  ");
            for (size_t a = 0; a < sw->naxes; a++)
                fprintf(out, "%s=%-10s ", sw->axes[a].path,
                        sw->axes[a].values[sweep_value_index(sw, p, a)]);
            char est[48], ci[80];
            verdict_fmt(r->estimate, r->unit, est, sizeof est);
            verdict_format_ci(r, ci, sizeof ci);
            fprintf(out, "%-15s %s %s", verdict_name(r->verdict), est, ci);
            if (!isnan(r->ci_low))
                fprintf(out, " %.4g%%", 100 * r->level);
            fprintf(out, "%s%s\n", r->note[0] ? "  " : "", r->note);
        }
    }
}
