/* ci.c - confidence intervals (see ci.h and docs/claims.md).
 *
 * Invariants: every interval function is a pure function of its inputs
 * (bit-identical for identical inputs, combining replications in index
 * order), proportion intervals stay inside [0, 1], and an interval is
 * never narrower than its level allows because of a degenerate variance
 * estimate (design effects are floored at CI_MIN_DEFF).
 */
#include "ci.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* The smallest design effect believed from the data (see
 * ci_wilson_clustered). */
#define CI_MIN_DEFF 0.25

double ci_t_crit(double level, double df)
{
    double a = 1.0 - level;
    if (!(a > 0 && a < 1))
        return NAN;
    if (!(df >= 1e6))
        return df >= 1 ? gsl_cdf_tdist_Pinv(1.0 - a / 2, df) : NAN;
    return gsl_cdf_ugaussian_Pinv(1.0 - a / 2);
}

void ci_student(double mean, double se, double df, double level, double *lo, double *hi)
{
    double k = ci_t_crit(level, df);
    if (!isfinite(se) || !isfinite(k)) {
        *lo = *hi = NAN;
        return;
    }
    *lo = mean - k * se;
    *hi = mean + k * se;
}

void ci_ratio(const double *y, const double *n, size_t R, double *est, double *se)
{
    double sy = 0, sn = 0;
    for (size_t r = 0; r < R; r++) {
        sy += y[r];
        sn += n[r];
    }
    *est = sn > 0 ? sy / sn : NAN;
    *se = NAN;
    if (R < 2 || !(sn > 0))
        return;
    double ss = 0;
    for (size_t r = 0; r < R; r++) {
        double d = y[r] - *est * n[r];
        ss += d * d;
    }
    *se = sqrt((double)R / (double)(R - 1) * ss) / sn;
}

void ci_wilson_clustered(const double *x, const double *n, size_t R, double level,
                         double *est, double *lo, double *hi, double *deff_out)
{
    double p, se;
    ci_ratio(x, n, R, &p, &se);
    double N = 0;
    for (size_t r = 0; r < R; r++)
        N += n[r];
    *est = p;
    if (deff_out)
        *deff_out = NAN;
    if (!(N > 0)) {
        *lo = *hi = NAN;
        return;
    }
    /* Design effect: the replications' variance over the binomial one.
     * With one replication, or no spread to measure (all 0 or all 1),
     * independence is the only assumption left.  An estimate below 1 is
     * kept (flooring it at 1 over-covers: 0.985 for independent trials,
     * docs/claims.md) but never below CI_MIN_DEFF, so a chance agreement
     * of the replications cannot make the data look many times more
     * informative than independent trials. */
    double iid = p * (1 - p) / N;
    double deff = (isfinite(se) && iid > 0 && se > 0) ? se * se / iid : 1.0;
    if (deff < CI_MIN_DEFF)
        deff = CI_MIN_DEFF;
    double ne = N / deff;
    double k = R >= 2 ? ci_t_crit(level, (double)(R - 1)) : ci_t_crit(level, INFINITY);
    double k2 = k * k;
    double den = 1 + k2 / ne;
    double centre = (p + k2 / (2 * ne)) / den;
    double hw = k * sqrt(p * (1 - p) / ne + k2 / (4 * ne * ne)) / den;
    *lo = centre - hw < 0 ? 0 : centre - hw;
    *hi = centre + hw > 1 ? 1 : centre + hw;
    if (p == 0)
        *lo = 0;
    if (p == 1)
        *hi = 1;
    if (deff_out)
        *deff_out = deff;
}

void ci_clopper_pearson(double x, double n, double level, double *lo, double *hi)
{
    double a = 1.0 - level;
    if (!(n > 0) || x < 0 || x > n) {
        *lo = *hi = NAN;
        return;
    }
    *lo = x > 0 ? gsl_cdf_beta_Pinv(a / 2, x, n - x + 1) : 0.0;
    *hi = x < n ? gsl_cdf_beta_Pinv(1 - a / 2, x + 1, n - x) : 1.0;
}

double ci_zero_upper(double n, double level)
{
    if (!(n > 0))
        return 1.0;
    return -expm1(log1p(-level) / n);
}

void ci_garwood(double count, double exposure, double level, double *lo, double *hi)
{
    double a = 1.0 - level;
    if (!(exposure > 0) || count < 0) {
        *lo = *hi = NAN;
        return;
    }
    *lo = count > 0 ? gsl_cdf_chisq_Pinv(a / 2, 2 * count) / 2 / exposure : 0.0;
    *hi = gsl_cdf_chisq_Pinv(1 - a / 2, 2 * count + 2) / 2 / exposure;
}

double ci_poisson_zero_upper(double exposure, double level)
{
    return exposure > 0 ? -log1p(-level) / exposure : INFINITY;
}

/* ---- pooled samples ---------------------------------------------------- */

typedef struct ci_item {
    double v, w;
} ci_item;

struct ci_pool {
    size_t R;
    const double **x;    /* copies of the caller's arrays of pointers */
    size_t *nx;
    double *weight;
    ci_item *items;   /* merged, sorted by value */
    double *cum;      /* cum[i] = weight of items[0..i] */
    size_t n;
    double total;
};

/* A total order (value, then weight), so the cumulative weights do not
 * depend on how qsort arranges ties. */
static int ci_item_cmp(const void *a, const void *b)
{
    const ci_item *x = a, *y = b;
    if (x->v != y->v)
        return (x->v > y->v) - (x->v < y->v);
    return (x->w > y->w) - (x->w < y->w);
}

ci_pool *ci_pool_new(size_t R, const double *const *x, const size_t *nx, const double *weight)
{
    ci_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->R = R;
    p->x = malloc((R ? R : 1) * sizeof *p->x);
    p->nx = malloc((R ? R : 1) * sizeof *p->nx);
    p->weight = malloc((R ? R : 1) * sizeof *p->weight);
    if (!p->x || !p->nx || !p->weight) {
        ci_pool_free(p);
        return NULL;
    }
    for (size_t r = 0; r < R; r++) {
        p->x[r] = x[r];
        p->nx[r] = nx[r];
        p->weight[r] = weight[r];
        p->n += nx[r];
    }
    p->items = malloc((p->n ? p->n : 1) * sizeof *p->items);
    p->cum = malloc((p->n ? p->n : 1) * sizeof *p->cum);
    if (!p->items || !p->cum) {
        ci_pool_free(p);
        return NULL;
    }
    size_t k = 0;
    for (size_t r = 0; r < R; r++)
        for (size_t i = 0; i < nx[r]; i++) {
            p->items[k].v = x[r][i];
            p->items[k].w = weight[r];
            k++;
        }
    qsort(p->items, p->n, sizeof *p->items, ci_item_cmp);
    double c = 0;
    for (size_t i = 0; i < p->n; i++) {
        c += p->items[i].w;
        p->cum[i] = c;
    }
    p->total = c;
    return p;
}

void ci_pool_free(ci_pool *p)
{
    if (!p)
        return;
    free(p->x);
    free(p->nx);
    free(p->weight);
    free(p->items);
    free(p->cum);
    free(p);
}

double ci_pool_total(const ci_pool *p)
{
    return p->total;
}

/* Index of the smallest item with cum >= p * total (n when none). */
static size_t ci_pool_index(const ci_pool *p, double prob)
{
    double target = prob * p->total;
    /* Relative slack for the floating-point sum: a probability that equals
     * a cumulative weight exactly must select that item, not the next. */
    target -= 1e-12 * p->total;
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->cum[mid] >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

double ci_pool_quantile(const ci_pool *p, double prob)
{
    if (!p->n)
        return NAN;
    size_t i = ci_pool_index(p, prob);
    return p->items[i < p->n ? i : p->n - 1].v;
}

/* Weighted count of replication r's observations <= t. */
static double ci_pool_count_le(const ci_pool *p, size_t r, double t)
{
    const double *x = p->x[r];
    size_t lo = 0, hi = p->nx[r];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (double)lo * p->weight[r];
}

void ci_pool_quantile_interval(const ci_pool *p, double prob, double level, double *est,
                               double *lo, double *hi, size_t *reps)
{
    *est = *lo = *hi = NAN;
    size_t R = 0;
    for (size_t r = 0; r < p->R; r++)
        R += p->nx[r] > 0;
    if (reps)
        *reps = R;
    if (!p->n)
        return;
    size_t iq = ci_pool_index(p, prob);
    if (iq >= p->n)
        iq = p->n - 1;
    double q = p->items[iq].v;
    *est = q;
    if (R < 2)
        return;
    double *c = malloc(2 * R * sizeof *c);
    if (!c)
        return;
    double *n = c + R;
    size_t k = 0;
    for (size_t r = 0; r < p->R; r++)
        if (p->nx[r] > 0) {
            c[k] = ci_pool_count_le(p, r, q);
            n[k] = (double)p->nx[r] * p->weight[r];
            k++;
        }
    double ph, se;
    ci_ratio(c, n, R, &ph, &se);
    free(c);
    double t = ci_t_crit(level, (double)(R - 1));
    double plo = ph - t * se, phi = ph + t * se;
    /* Widen by one order statistic (the neighbouring distinct value). */
    if (plo <= 0) {
        *lo = -INFINITY;
    } else {
        size_t i = ci_pool_index(p, plo);
        if (i >= p->n)
            i = p->n - 1;
        while (i > 0 && p->items[i - 1].v == p->items[i].v)
            i--;
        *lo = i > 0 ? p->items[i - 1].v : -INFINITY;
    }
    if (phi >= 1) {
        *hi = INFINITY;
    } else {
        size_t i = ci_pool_index(p, phi);
        if (i >= p->n) {
            *hi = INFINITY;
        } else {
            while (i + 1 < p->n && p->items[i + 1].v == p->items[i].v)
                i++;
            *hi = i + 1 < p->n ? p->items[i + 1].v : INFINITY;
        }
    }
}

/* ---- survival ---------------------------------------------------------- */

typedef struct ci_km_item {
    double t, w;
    int event;    /* 1 event, 0 censored */
    uint32_t rep;
} ci_km_item;

struct ci_survival {
    size_t R;
    ci_km_item *items; /* sorted by time, events before censorings at ties */
    size_t n;
    /* KM curve of all replications: at distinct event times */
    double *times, *F;
    size_t nt;
    double max_cens;
    double min_cens;
};

static int ci_km_cmp(const void *a, const void *b)
{
    const ci_km_item *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    if (x->event != y->event)
        return y->event - x->event;
    if (x->rep != y->rep)
        return (x->rep > y->rep) - (x->rep < y->rep);
    return (x->w > y->w) - (x->w < y->w);
}

/* F at time t from items, leaving out replication skip (SIZE_MAX: none). */
static double ci_km_eval(const ci_km_item *it, size_t n, size_t skip, double t)
{
    double at_risk = 0;
    for (size_t i = 0; i < n; i++)
        if (it[i].rep != skip)
            at_risk += it[i].w;
    double S = 1;
    size_t i = 0;
    while (i < n && it[i].t <= t) {
        double tt = it[i].t, d = 0, leave = 0;
        while (i < n && it[i].t == tt) {
            if (it[i].rep != skip) {
                if (it[i].event)
                    d += it[i].w;
                leave += it[i].w;
            }
            i++;
        }
        if (d > 0 && at_risk > 0)
            S *= 1 - d / at_risk;
        at_risk -= leave;
    }
    return 1 - S;
}

ci_survival *ci_survival_new(size_t R, const double *const *ev, const size_t *nev,
                             const double *wev, const double *const *cens,
                             const size_t *ncens, const double *wcens)
{
    ci_survival *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->R = R;
    for (size_t r = 0; r < R; r++)
        s->n += nev[r] + ncens[r];
    s->items = malloc((s->n ? s->n : 1) * sizeof *s->items);
    s->times = malloc((s->n ? s->n : 1) * sizeof *s->times);
    s->F = malloc((s->n ? s->n : 1) * sizeof *s->F);
    if (!s->items || !s->times || !s->F) {
        ci_survival_free(s);
        return NULL;
    }
    size_t k = 0;
    s->max_cens = -INFINITY;
    s->min_cens = INFINITY;
    for (size_t r = 0; r < R; r++) {
        for (size_t i = 0; i < nev[r]; i++)
            s->items[k++] = (ci_km_item){ ev[r][i], wev[r], 1, (uint32_t)r };
        for (size_t i = 0; i < ncens[r]; i++) {
            s->items[k++] = (ci_km_item){ cens[r][i], wcens[r], 0, (uint32_t)r };
            if (cens[r][i] > s->max_cens)
                s->max_cens = cens[r][i];
            if (cens[r][i] < s->min_cens)
                s->min_cens = cens[r][i];
        }
    }
    qsort(s->items, s->n, sizeof *s->items, ci_km_cmp);
    /* The whole curve once: F after each distinct event time. */
    double at_risk = 0;
    for (size_t i = 0; i < s->n; i++)
        at_risk += s->items[i].w;
    double S = 1;
    size_t i = 0;
    while (i < s->n) {
        double tt = s->items[i].t, d = 0, leave = 0;
        while (i < s->n && s->items[i].t == tt) {
            if (s->items[i].event)
                d += s->items[i].w;
            leave += s->items[i].w;
            i++;
        }
        if (d > 0) {
            if (at_risk > 0)
                S *= 1 - d / at_risk;
            s->times[s->nt] = tt;
            s->F[s->nt] = 1 - S;
            s->nt++;
        }
        at_risk -= leave;
    }
    return s;
}

void ci_survival_free(ci_survival *s)
{
    if (!s)
        return;
    free(s->items);
    free(s->times);
    free(s->F);
    free(s);
}

double ci_km_cdf(const ci_survival *s, double t)
{
    if (!s->n)
        return NAN;
    double F = 0;
    for (size_t i = 0; i < s->nt && s->times[i] <= t; i++)
        F = s->F[i];
    return F;
}

/* Index of the first event time with F >= p, or nt. */
static size_t ci_km_index(const ci_survival *s, double p)
{
    for (size_t i = 0; i < s->nt; i++)
        if (s->F[i] >= p - 1e-12)
            return i;
    return s->nt;
}

double ci_km_quantile(const ci_survival *s, double p)
{
    if (!s->n)
        return NAN;
    size_t i = ci_km_index(s, p);
    return i < s->nt ? s->times[i] : INFINITY;
}

/* Replications that contributed at least one observation. */
static size_t ci_km_reps(const ci_survival *s)
{
    unsigned char *has = calloc(s->R ? s->R : 1, 1);
    if (!has)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        has[s->items[i].rep] = 1;
    size_t R = 0;
    for (size_t r = 0; r < s->R; r++)
        R += has[r];
    free(has);
    return R;
}

double ci_km_cdf_se(const ci_survival *s, double t)
{
    size_t R = ci_km_reps(s);
    if (R < 2)
        return NAN;
    double *f = malloc(s->R * sizeof *f);
    unsigned char *has = calloc(s->R, 1);
    if (!f || !has) {
        free(f);
        free(has);
        return NAN;
    }
    for (size_t i = 0; i < s->n; i++)
        has[s->items[i].rep] = 1;
    size_t k = 0;
    double mean = 0;
    for (size_t r = 0; r < s->R; r++)
        if (has[r]) {
            f[k] = ci_km_eval(s->items, s->n, r, t);
            mean += f[k];
            k++;
        }
    mean /= (double)R;
    double ss = 0;
    for (size_t i = 0; i < R; i++)
        ss += (f[i] - mean) * (f[i] - mean);
    free(f);
    free(has);
    return sqrt((double)(R - 1) / (double)R * ss);
}

void ci_km_quantile_interval(const ci_survival *s, double p, double level, double *est,
                             double *lo, double *hi)
{
    *est = ci_km_quantile(s, p);
    *lo = -INFINITY;
    *hi = INFINITY;
    size_t R = ci_km_reps(s);
    if (!s->n || s->nt == 0 || R < 2)
        return;
    /* Beyond the curve (the event too rare in the window), judge F where
     * the curve ends: the quantile lies above, and the se says how far
     * below the curve's end it could be. */
    double at = isfinite(*est) ? *est : s->times[s->nt - 1];
    double centre = isfinite(*est) ? p : s->F[s->nt - 1];
    double se = ci_km_cdf_se(s, at);
    double k = ci_t_crit(level, (double)(R - 1));
    if (!isfinite(se) || !isfinite(k))
        return;
    double plo = centre - k * se, phi = p + k * se;
    if (!isfinite(*est))
        phi = INFINITY;
    if (plo > 0) {
        size_t i = ci_km_index(s, plo);
        if (i > 0 && i <= s->nt)
            *lo = s->times[i - 1];
    }
    if (phi < 1) {
        size_t i = ci_km_index(s, phi);
        if (i + 1 < s->nt)
            *hi = s->times[i + 1];
    }
}

int ci_survival_uncensored_before(const ci_survival *s, double t)
{
    return !(s->min_cens < t);
}
