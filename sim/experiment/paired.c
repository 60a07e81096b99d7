/* paired.c - A/B claims from paired replications (see paired.h).
 *
 * Invariants: both arms of a comparison run at point 0 with the
 * scenario's seed, and pair k joins replication k of each arm; every
 * figure is a pure function of the arms' results (never of timing or
 * thread count); an arm named by the same assignments in two comparisons
 * runs once.
 */
#include "paired.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ci.h"
#include "sink.h"

/* --- the effect ------------------------------------------------------------ */

/* The pooled mean sum(w x) / sum(w) (w NULL: every weight 1). */
static double paired_mean(const double *x, const double *w, size_t n)
{
    double s = 0, sw = 0;
    for (size_t i = 0; i < n; i++) {
        s += (w ? w[i] : 1.0) * x[i];
        sw += w ? w[i] : 1.0;
    }
    return s / sw;
}

/* Replication i's linearised deviation from the pooled mean m:
 * w_i (x_i - m) / mean(w), whose mean is 0 (the ratio estimator's
 * influence; x_i - m with equal weights). */
static double paired_dev(const double *x, const double *w, size_t n, size_t i, double m)
{
    if (!w)
        return x[i] - m;
    double sw = 0;
    for (size_t k = 0; k < n; k++)
        sw += w[k];
    return w[i] * (x[i] - m) / (sw / (double)n);
}

/* Standard error of the pooled u mean(b) - v mean(a) from the pairs: the
 * paired difference with u = v = 1, the log ratio with u = 1/mean(b) and
 * v = 1/mean(a) (the delta method, so the arms' covariance counts). */
static double paired_se(const double *a, const double *wa, double ma, const double *b,
                        const double *wb, double mb, size_t n, double u, double v)
{
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double z = u * paired_dev(b, wb, n, i, mb) - v * paired_dev(a, wa, n, i, ma);
        ss += z * z;
    }
    return sqrt(ss / ((double)n * (double)(n - 1)));
}

int paired_effect(claims_effect effect, int proportion, const double *a, const double *wa,
                  const double *b, const double *wb, size_t n, double level, double *est,
                  double *lo, double *hi)
{
    *est = *lo = *hi = NAN;
    if (n < 2)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i]) || !isfinite(b[i]) || (wa && !(wa[i] > 0)) || (wb && !(wb[i] > 0)))
            return -1;
    double t = ci_t_crit(level, (double)(n - 1));
    double ma = paired_mean(a, wa, n), mb = paired_mean(b, wb, n);
    if (effect == CLAIMS_EFFECT_DIFFERENCE) {
        double d = mb - ma;   /* identical arms: exactly 0 */
        double se = paired_se(a, wa, ma, b, wb, mb, n, 1.0, 1.0);
        *est = d;
        *lo = d - t * se;
        *hi = d + t * se;
        if (proportion) {
            *lo = *lo < -1 ? -1 : *lo;
            *hi = *hi > 1 ? 1 : *hi;
        }
        return 0;
    }
    if (!(ma > 0) || !(mb > 0))
        return -1;
    double se = paired_se(a, wa, ma, b, wb, mb, n, 1.0 / mb, 1.0 / ma);
    double r = mb / ma, rlo = r * exp(-t * se), rhi = r * exp(t * se);
    if (effect == CLAIMS_EFFECT_REDUCTION) {
        /* 1 - ratio: below 1 (100 %) however wide, as the ratio is above 0. */
        *est = 1 - r;
        *lo = 1 - rhi;
        *hi = 1 - rlo;
    } else {
        *est = r;
        *lo = rlo;
        *hi = rhi;
    }
    return 0;
}

double paired_value(const runner_result *r, size_t k, size_t rep, claims_stat stat)
{
    const stats_rep *x = &r->reps[rep * r->nmetrics + k];
    const stats_def *d = &r->defs[k];
    if (d->kind == STATS_TALLY && !(x->n > 0))
        return NAN;
    switch (stat) {
    case CLAIMS_P50: return x->p50;
    case CLAIMS_P90: return x->p90;
    case CLAIMS_P95: return x->p95;
    case CLAIMS_P99: return x->p99;
    default:
        /* Counts and rates are kept raw until the summary (sim.c). */
        return d->kind == STATS_COUNT || d->kind == STATS_RATE ? x->value * d->scale
                                                                : x->value;
    }
}

/* --- the arms --------------------------------------------------------------- */

typedef struct paired_arm {
    char *key;                 /* the assignments joined by "\n" */
    campaign_result res;
    int own;                   /* res is ours to free */
    const runner_result *r;
} paired_arm;

typedef struct paired_ctx {
    const scenario_t *sc;
    const campaign_opts *copts;
    const runner_result *as_written;
    paired_arm *arms;
    size_t narms;
    size_t *runs;
} paired_ctx;

static char *paired_key(const char *const *sets, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(sets[i]) + 1;
    char *k = malloc(len);
    if (!k)
        return NULL;
    k[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(k, sets[i]);
        strcat(k, "\n");
    }
    return k;
}

/* One campaign of base with the assignments sets (its point 0, the same
 * seed: common random numbers with base), never journaled
 * (campaign_run_derived).  what names it in a message about a bad
 * assignment, placed at file:line:col when file. */
static int paired_campaign(const scenario_t *base, const char *const *sets, size_t n,
                           const campaign_opts *copts, const char *what, const char *file,
                           int line, int col, campaign_result *out, err_t *e)
{
    scenario_t *sc = NULL;
    int rc = campaign_run_derived(base, sets, n, copts, what, &sc, out, e);
    if (rc == ERR_DATA && file && !e->file[0]) {
        snprintf(e->file, sizeof e->file, "%s", file);
        e->line = line;
        e->col = col;
    }
    scenario_free(sc);
    return rc;
}

/* The results of the arm with these assignments (run once, then kept). */
static const runner_result *paired_arm_run(paired_ctx *cx, const claims_comparison *cmp,
                                           const char *const *sets, size_t n, err_t *e)
{
    if (!n)
        return cx->as_written;
    char *key = paired_key(sets, n);
    if (!key) {
        err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < cx->narms; i++)
        if (strcmp(cx->arms[i].key, key) == 0) {
            free(key);
            return cx->arms[i].r;
        }
    paired_arm *arms = realloc(cx->arms, (cx->narms + 1) * sizeof *arms);
    if (!arms) {
        free(key);
        err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        return NULL;
    }
    cx->arms = arms;
    paired_arm *arm = &arms[cx->narms++];
    memset(arm, 0, sizeof *arm);
    arm->key = key;
    char what[256];
    snprintf(what, sizeof what, "comparisons: %s", cmp->claim.name);
    int rc = paired_campaign(cx->sc, sets, n, cx->copts, what, cmp->file, cmp->line, cmp->col,
                             &arm->res, e);
    arm->own = 1;
    if (rc)
        return NULL;
    (*cx->runs)++;
    arm->r = &arm->res.points[0];
    return arm->r;
}

/* --- the verdict ------------------------------------------------------------ */

/* The bound on the effect: a ratio is a plain number ("1.45" or "145%"),
 * a difference is in the metric's unit. */
static int paired_bound(const claims_comparison *cmp, const char *unit, double *lo,
                        double *hi)
{
    const claims_claim *cl = &cmp->claim;
    const char *to = cmp->effect == CLAIMS_EFFECT_DIFFERENCE ? unit : "1";
    *lo = -INFINITY;
    *hi = INFINITY;
    if (cl->bound != CLAIMS_BOUND_MAX && claims_convert(cl->lo, cl->lo_unit, to, lo) != 0)
        return -1;
    if (cl->bound != CLAIMS_BOUND_MIN && claims_convert(cl->hi, cl->hi_unit, to, hi) != 0)
        return -1;
    return 0;
}

static void paired_judge(const claims_comparison *cmp, const runner_result *ra,
                         const runner_result *rb, double level, paired_result *out)
{
    const claims_claim *cl = &cmp->claim;
    memset(out, 0, sizeof *out);
    out->verdict = VERDICT_NO_DATA;
    out->level = level;
    out->estimate = out->ci_low = out->ci_high = NAN;
    out->baseline_mean = out->variant_mean = NAN;
    int ka = runner_metric_index(ra, cl->metric), kb = runner_metric_index(rb, cl->metric);
    if (ka < 0 || kb < 0) {
        snprintf(out->sentence, sizeof out->sentence,
                 "%s: NO DATA: no model of the %s arm produces %s", cl->name,
                 ka < 0 ? "baseline" : "variant", cl->metric);
        return;
    }
    snprintf(out->unit, sizeof out->unit, "%s", ra->defs[ka].unit);
    /* A figure the scenario fixes changes with its inputs: no finding. */
    if (ra->defs[ka].input[0]) {
        out->verdict = VERDICT_BY_CONSTRUCTION;
        snprintf(out->sentence, sizeof out->sentence,
                 "%s: BY CONSTRUCTION: %s is fixed by %s; comparing arms compares inputs",
                 cl->name, cl->metric, ra->defs[ka].input);
        return;
    }
    size_t n = ra->nreps < rb->nreps ? ra->nreps : rb->nreps;
    /* A tally's mean is pooled over its observations, as the claims audit
     * pools it: each replication weighs its observations. */
    int pooled = cl->stat == CLAIMS_MEAN && ra->defs[ka].kind == STATS_TALLY;
    size_t cap = n ? n : 1;
    double *a = malloc(4 * cap * sizeof *a);
    if (!a) {
        snprintf(out->sentence, sizeof out->sentence, "%s: NO DATA: out of memory", cl->name);
        return;
    }
    double *b = a + cap, *wa = b + cap, *wb = wa + cap;
    size_t m = 0;
    for (size_t r = 0; r < n; r++) {
        a[m] = paired_value(ra, (size_t)ka, r, cl->stat);
        b[m] = paired_value(rb, (size_t)kb, r, cl->stat);
        wa[m] = ra->reps[r * ra->nmetrics + (size_t)ka].n;
        wb[m] = rb->reps[r * rb->nmetrics + (size_t)kb].n;
        m += isfinite(a[m]) && isfinite(b[m]);   /* a pair needs both */
    }
    out->pairs = m;
    if (m) {
        out->baseline_mean = paired_mean(a, pooled ? wa : NULL, m);
        out->variant_mean = paired_mean(b, pooled ? wb : NULL, m);
    }
    int proportion = ra->defs[ka].domain == STATS_PROPORTION;
    int rc = paired_effect(cmp->effect, proportion, a, pooled ? wa : NULL, b,
                           pooled ? wb : NULL, m, level, &out->estimate, &out->ci_low,
                           &out->ci_high);
    free(a);
    const char *what = cmp->effect == CLAIMS_EFFECT_RATIO       ? "ratio variant/baseline"
                     : cmp->effect == CLAIMS_EFFECT_REDUCTION ? "reduction 1 - variant/baseline"
                                                              : "difference variant - baseline";
    if (rc) {
        snprintf(out->sentence, sizeof out->sentence,
                 "%s: NO DATA: %zu pair%s of %s %s (a %s needs 2 or more pairs%s)", cl->name,
                 m, m == 1 ? "" : "s", claims_stat_name(cl->stat), cl->metric, what,
                 cmp->effect != CLAIMS_EFFECT_DIFFERENCE ? " and positive means" : "");
        return;
    }
    if (paired_bound(cmp, out->unit, &out->bound_lo, &out->bound_hi) != 0) {
        snprintf(out->sentence, sizeof out->sentence,
                 "%s: NO DATA: the bound's unit does not fit a %s of %s (%s)", cl->name,
                 claims_effect_name(cmp->effect), cl->metric, out->unit);
        return;
    }
    if (out->ci_low >= out->bound_lo && out->ci_high <= out->bound_hi)
        out->verdict = VERDICT_HOLDS;
    else if (out->ci_high < out->bound_lo || out->ci_low > out->bound_hi)
        out->verdict = VERDICT_FAILS;
    else
        out->verdict = VERDICT_INCONCLUSIVE;
    /* Percent changes, with a zero never printed as -0.0. */
    double pe = 100 * (out->estimate - 1), pl = 100 * (out->ci_low - 1),
           ph = 100 * (out->ci_high - 1);
    pe = fabs(pe) < 0.05 ? 0 : pe;
    pl = fabs(pl) < 0.05 ? 0 : pl;
    ph = fabs(ph) < 0.05 ? 0 : ph;
    char effect[160];
    const char *unit = strcmp(out->unit, "1") ? out->unit : "";   /* a plain number */
    if (cmp->effect == CLAIMS_EFFECT_RATIO)
        snprintf(effect, sizeof effect, "ratio %.4g [%.4g, %.4g] (%+.1f %% [%+.1f, %+.1f])",
                 out->estimate, out->ci_low, out->ci_high, pe, pl, ph);
    else if (cmp->effect == CLAIMS_EFFECT_REDUCTION)
        snprintf(effect, sizeof effect, "reduction %.4g %% [%.4g, %.4g]",
                 100 * out->estimate, 100 * out->ci_low, 100 * out->ci_high);
    else
        snprintf(effect, sizeof effect, "difference %+.4g [%+.4g, %+.4g]%s%s", out->estimate,
                 out->ci_low, out->ci_high, unit[0] ? " " : "", unit);
    snprintf(out->sentence, sizeof out->sentence,
             "%s: %s: %s at %.4g %% against %s; %s of %s: baseline %.4g%s%s, variant "
             "%.4g%s%s (%zu pairs, same seed and streams)",
             cl->name, verdict_name(out->verdict), effect, 100 * level, cl->bound_text,
             claims_stat_name(cl->stat), cl->metric, out->baseline_mean, unit[0] ? " " : "",
             unit, out->variant_mean, unit[0] ? " " : "", unit, m);
}

int paired_run_all(const scenario_t *sc, const campaign_opts *copts,
                   const runner_result *as_written, double alpha, paired_set *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    size_t n = sc->comparisons.n;
    if (!n)
        return 0;
    if (sc->sweep.naxes)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "comparisons: compare arms of one scenario point; drop the sweep");
    out->rows = calloc(n, sizeof *out->rows);
    if (!out->rows)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    out->n = n;
    paired_ctx cx = { sc, copts, as_written, NULL, 0, &out->runs };
    double level = 1 - alpha / (double)n;   /* Bonferroni over the comparisons */
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const claims_comparison *cmp = &sc->comparisons.items[i];
        const runner_result *ra = paired_arm_run(&cx, cmp, cmp->baseline, cmp->nbaseline, e);
        const runner_result *rb =
            ra ? paired_arm_run(&cx, cmp, cmp->variant, cmp->nvariant, e) : NULL;
        if (!ra || !rb) {
            rc = e->code ? e->code : ERR_SOFTWARE;
            break;
        }
        paired_judge(cmp, ra, rb, level, &out->rows[i]);
        if (copts->interrupt && *copts->interrupt)
            rc = err_set(e, ERR_INTERRUPTED, NULL, 0, 0, "interrupted");
    }
    for (size_t i = 0; i < cx.narms; i++) {
        free(cx.arms[i].key);
        if (cx.arms[i].own)
            campaign_result_free(&cx.arms[i].res);
    }
    free(cx.arms);
    if (rc)
        paired_free(out);
    return rc;
}

void paired_free(paired_set *s)
{
    if (!s)
        return;
    free(s->rows);
    s->rows = NULL;
    s->n = 0;
}

/* One line of scenario text for the terminal: control characters go. */
static void paired_line(FILE *out, const char *indent, const char *text)
{
    char buf[1024];
    sink_text(text, 0, buf, sizeof buf);
    fprintf(out, "%s%s\n", indent, buf);
}

/* An arm's assignments on one line. */
static void paired_arm_line(FILE *out, const char *label, const char *const *sets, size_t n)
{
    char line[1024];
    size_t used = (size_t)snprintf(line, sizeof line, "%s", label);
    for (size_t k = 0; k < n && used < sizeof line; k++)
        used += (size_t)snprintf(line + used, sizeof line - used, " %s", sets[k]);
    if (!n)
        snprintf(line + used, sizeof line - used, " (the scenario as written)");
    paired_line(out, "    ", line);
}

void paired_print(FILE *out, const scenario_t *sc, const paired_set *s)
{
    if (!s || !s->n)
        return;
    fprintf(out, "\ncomparisons: A/B claims, both arms with seed %llu and the same streams "
                 "(%zu arm campaign%s; docs/optimisations.md)\n",
            (unsigned long long)sc->seed, s->runs, s->runs == 1 ? "" : "s");
    for (size_t i = 0; i < s->n; i++) {
        const claims_comparison *cmp = &sc->comparisons.items[i];
        paired_line(out, "  ", s->rows[i].sentence);
        paired_arm_line(out, "baseline:", cmp->baseline, cmp->nbaseline);
        paired_arm_line(out, "variant: ", cmp->variant, cmp->nvariant);
        if (cmp->claim.nassumptions)
            paired_arm_line(out, "rests on:", cmp->claim.assumptions, cmp->claim.nassumptions);
        char src[600];
        snprintf(src, sizeof src, "source: %s", cmp->claim.source);
        paired_line(out, "    ", src);
    }
}

/* --- --robustness ------------------------------------------------------------ */

/* The comparisons of sc with key = value: the scenario's own campaign
 * there, then every comparison's arms over it. */
static int paired_at(const scenario_t *sc, const campaign_opts *copts, double alpha,
                     const char *key, const char *value, paired_set *out, size_t *runs,
                     err_t *e)
{
    char set[512], what[600];
    snprintf(set, sizeof set, "%s=%s", key, value);
    snprintf(what, sizeof what, "--robustness: %s", set);
    const char *sets[1] = { set };
    /* The scenario there (its own campaign, for the arms without
     * assignments), and the arms over it. */
    cfg_ctx diags;
    cfg_ctx_init(&diags);
    scenario_t *at = NULL;
    int rc = scenario_derive(sc, sets, 1, &diags, &at, e);
    if (rc && diags.ndiags)
        err_set(e, ERR_DATA, NULL, 0, 0, "%s: %s", what, diags.diags[0]);
    cfg_ctx_free(&diags);
    if (rc)
        return rc;
    campaign_result own;
    rc = paired_campaign(at, NULL, 0, copts, what, NULL, 0, 0, &own, e);
    if (!rc) {
        rc = paired_run_all(at, copts, &own.points[0], alpha, out, e);
        *runs += 1 + out->runs;
    }
    campaign_result_free(&own);
    scenario_free(at);
    return rc;
}

int paired_robustness(const scenario_t *sc, const campaign_opts *copts, double alpha,
                      paired_robust *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    size_t nc = sc->comparisons.n;
    if (!nc || !sc->nassumptions)
        return 0;
    out->rows = calloc(nc * sc->nassumptions, sizeof *out->rows);
    if (!out->rows)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    out->n = nc * sc->nassumptions;
    int rc = 0;
    for (size_t a = 0; a < sc->nassumptions && !rc; a++) {
        const scenario_assumption *as = &sc->assumptions[a];
        paired_set lo, hi;
        memset(&lo, 0, sizeof lo);
        memset(&hi, 0, sizeof hi);
        rc = paired_at(sc, copts, alpha, as->key, as->lo, &lo, &out->runs, e);
        if (!rc)
            rc = paired_at(sc, copts, alpha, as->key, as->hi, &hi, &out->runs, e);
        for (size_t c = 0; c < nc && !rc; c++) {
            paired_robust_row *w = &out->rows[a * nc + c];
            const paired_result *l = &lo.rows[c], *h = &hi.rows[c];
            w->comparison = c;
            w->assumption = a;
            w->verdict_low = l->verdict;
            w->verdict_high = h->verdict;
            w->estimate_low = l->estimate;
            w->estimate_high = h->estimate;
            snprintf(w->sentence, sizeof w->sentence,
                     "%s: %s at %s = %s (%s %.4g [%.4g, %.4g]), %s at %s (%s %.4g [%.4g, "
                     "%.4g])%s",
                     sc->comparisons.items[c].claim.name, verdict_name(l->verdict), as->key,
                     as->lo, claims_effect_name(sc->comparisons.items[c].effect), l->estimate,
                     l->ci_low, l->ci_high, verdict_name(h->verdict), as->hi,
                     claims_effect_name(sc->comparisons.items[c].effect), h->estimate,
                     h->ci_low, h->ci_high,
                     l->verdict == h->verdict ? "; the verdict does not depend on it here" : "");
        }
        paired_free(&lo);
        paired_free(&hi);
        if (!rc && copts->interrupt && *copts->interrupt)
            rc = err_set(e, ERR_INTERRUPTED, NULL, 0, 0, "interrupted");
    }
    if (rc)
        paired_robust_free(out);
    return rc;
}

void paired_robust_free(paired_robust *r)
{
    if (!r)
        return;
    free(r->rows);
    r->rows = NULL;
    r->n = 0;
}

void paired_robust_print(FILE *out, const scenario_t *sc, const paired_robust *r)
{
    if (!r || !r->n)
        return;
    size_t nc = sc->comparisons.n;
    fprintf(out, "\nrobustness of the comparisons: each at both ends of each assumption's range "
                 "(same seed; %zu runs)\n", r->runs);
    for (size_t a = 0; a < sc->nassumptions; a++) {
        const scenario_assumption *as = &sc->assumptions[a];
        char head[1024];
        snprintf(head, sizeof head, "%s in [%s, %s]  source: %s", as->key, as->lo, as->hi,
                 as->source);
        fputc('\n', out);
        paired_line(out, "", head);
        for (size_t c = 0; c < nc; c++)
            paired_line(out, "  ", r->rows[a * nc + c].sentence);
    }
}
