/* stats.c - tallies, levels, counts and summaries (see stats.h).
 *
 * Invariants: a tally's moments cover every observation since the last
 * reset; samples[0..nsamples) is either all of them (n <= cap) or a uniform
 * reservoir of them.  Summaries combine replications in index order only.
 */
#include "stats.h"
#include "grow.h"
#include "ci.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

void stats_acc_init(stats_acc *a, stats_kind kind, size_t cap,
                    uint64_t reservoir_key)
{
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->cap = cap;
    a->reservoir_key = reservoir_key;
    a->min = INFINITY;
    a->max = -INFINITY;
    a->first_ns = -1;
    a->watch_scale = 1.0;
}

void stats_acc_free(stats_acc *a)
{
    if (!a)
        return;
    free(a->cens);
    a->cens = NULL;
    free(a->samples);
    if (a->reservoir_rng)
        gsl_rng_free(a->reservoir_rng);
    a->samples = NULL;
    a->reservoir_rng = NULL;
}

/* Algorithm L's state once the reservoir is full: W and the index (1-based
 * count of observations) of the next one to keep. */
/* gsl_rng_uniform_pos(r), bit for bit, inline (the reservoir's streams are
 * rng.h's Philox streams). */
static inline double stats_uniform_pos(gsl_rng *r)
{
    double u;
    do
        u = rng_uniform(r);
    while (u == 0.0);
    return u;
}

static void stats_reservoir_start(stats_acc *a)
{
    gsl_rng *r = a->reservoir_rng;
    a->reservoir_w = exp(log(stats_uniform_pos(r)) / (double)a->cap);
    a->reservoir_next = (double)a->cap +
                        floor(log(stats_uniform_pos(r)) / log1p(-a->reservoir_w)) + 1;
}

static int stats_keep_sample(stats_acc *a, double x)
{
    if (a->nsamples < a->cap) {
        if (a->nsamples == a->alloc) {
            /* Grow geometrically up to the cap: small tallies stay small. */
            double *s = grow_array_upto(a->samples, &a->alloc, a->nsamples + 1, sizeof *s, 1024,
                                        a->cap);
            if (!s)
                return -1;
            a->samples = s;
        }
        a->samples[a->nsamples++] = x;
        return 0;
    }
    if (a->cap == 0)
        return 0;
    if (!a->reservoir_rng) {
        a->reservoir_rng = rng_stream_new(a->reservoir_key);
        if (!a->reservoir_rng)
            return -1;
        stats_reservoir_start(a);
    }
    /* Li's algorithm L: the same uniform reservoir as algorithm R, but it
     * draws the gap to the next replacement, so observations between
     * replacements cost one comparison and no random numbers. */
    if (a->n < a->reservoir_next)
        return 0;
    /* The same draws as gsl_rng_uniform_int/_pos, inline; the slot's range
     * is worked out once per reservoir (caps are at most 1e8 from a
     * scenario; a larger one takes GSL's path). */
    gsl_rng *r = a->reservoir_rng;
    if (a->cap <= UINT32_MAX) {
        if (a->reservoir_range.n != a->cap)
            a->reservoir_range = rng_range_of((uint32_t)a->cap);
        a->samples[rng_uniform_range(r, &a->reservoir_range)] = x;
    } else {
        a->samples[gsl_rng_uniform_int(r, (unsigned long)a->cap)] = x;
    }
    a->reservoir_w *= exp(log(stats_uniform_pos(r)) / (double)a->cap);
    a->reservoir_next += floor(log(stats_uniform_pos(r)) / log1p(-a->reservoir_w)) + 1;
    return 0;
}

/* Radix sort of the samples: gsl_sort's result bit for bit, about a
 * tenth of its instructions (its heapsort was 45 % of bench/mm1 at 100,000
 * customers, sorting the 100,000-sample reservoir).  Doubles map to
 * unsigned keys in numeric order (negative: all bits flipped; else the
 * sign bit set); without NaNs and without -0.0 (which compares equal to
 * +0.0), values that compare equal have the same bits, so every correct
 * sort leaves the same array.  Otherwise, for short arrays and when
 * the work array cannot be had: gsl_sort itself. */
#define STATS_RADIX_MIN 256

static inline uint64_t stats_sort_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u >> 63 ? ~u : u | UINT64_C(1) << 63;
}

static inline double stats_sort_value(uint64_t k)
{
    uint64_t u = k >> 63 ? k & ~(UINT64_C(1) << 63) : ~k;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static void stats_sort_samples(double *x, size_t n)
{
    int plain = n < STATS_RADIX_MIN || n > UINT32_MAX;
    for (size_t i = 0; i < n && !plain; i++)
        plain = isnan(x[i]) || (x[i] == 0.0 && signbit(x[i]));
    /* Digits of 16 bits (4 passes) once the 64 Ki counters per pass are
     * paid for by the keys, else 11 bits (6 passes). */
    unsigned bits = n >= (1u << 16) ? 16 : 11, passes = (64 + bits - 1) / bits;
    size_t radix = (size_t)1 << bits;
    uint64_t *key = plain ? NULL : malloc(2 * n * sizeof *key);
    uint32_t *count = key ? calloc(passes * radix, sizeof *count) : NULL;
    if (!count) {
        free(key);
        gsl_sort(x, 1, n);
        return;
    }
    const uint64_t mask = radix - 1;
    uint64_t *a = key, *b = key + n;
    for (size_t i = 0; i < n; i++) {
        a[i] = stats_sort_key(x[i]);
        for (unsigned p = 0; p < passes; p++)
            count[p * radix + ((a[i] >> (p * bits)) & mask)]++;
    }
    for (unsigned p = 0; p < passes; p++) {
        unsigned shift = p * bits;
        uint32_t *c = count + p * radix;
        if (c[(a[0] >> shift) & mask] == n)
            continue; /* every key has this digit: the pass would not move one */
        uint32_t sum = 0;
        for (size_t d = 0; d < radix; d++) {
            uint32_t k = c[d];
            c[d] = sum;
            sum += k;
        }
        for (size_t i = 0; i < n; i++)
            b[c[(a[i] >> shift) & mask]++] = a[i]; /* stable: LSD order holds */
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = stats_sort_value(a[i]);
    free(count);
    free(key);
}

int stats_tally_add(stats_acc *a, double x)
{
    a->n += 1.0;
    double d = x - a->mean;
    a->mean += d / a->n;
    a->m2 += d * (x - a->mean);
    if (x < a->min)
        a->min = x;
    if (x > a->max)
        a->max = x;
    return stats_keep_sample(a, x);
}

int stats_tally_censored(stats_acc *a, double x)
{
    a->ncens += 1.0;
    if (a->ncens_kept >= a->cap)
        return 0;
    if (a->ncens_kept == a->cens_alloc) {
        double *c = grow_array_upto(a->cens, &a->cens_alloc, a->ncens_kept + 1, sizeof *c, 64,
                                    a->cap);
        if (!c)
            return -1;
        a->cens = c;
    }
    a->cens[a->ncens_kept++] = x;
    return 0;
}

int stats_watch_add(stats_acc *a, double threshold, double scale)
{
    for (int k = 0; k < a->nwatch; k++)
        if (a->watch_thr[k] == threshold)
            return k;
    if (a->nwatch == STATS_WATCHES)
        return -1;
    int k = a->nwatch++;
    a->watch_scale = scale;
    a->watch_thr[k] = threshold;
    a->watch_le[k] = a->watch_lt[k] = 0;
    a->watch_first_gt[k] = a->watch_first_lt[k] = -1;
    return k;
}

void stats_level_set(stats_acc *a, int64_t now_ns, double x)
{
    a->area += a->level * (double)(now_ns - a->last_ns);
    a->last_ns = now_ns;
    a->level = x;
    if (x > a->max)
        a->max = x;
    if (x < a->min)
        a->min = x;
}

void stats_acc_reset(stats_acc *a, int64_t now_ns)
{
    a->n = a->mean = a->m2 = 0;
    a->nsamples = 0;
    a->total = 0;
    a->first_ns = -1;
    a->ncens = 0;
    a->ncens_kept = 0;
    for (int k = 0; k < a->nwatch; k++) {
        a->watch_le[k] = a->watch_lt[k] = 0;
        a->watch_first_gt[k] = a->watch_first_lt[k] = -1;
    }
    a->area = 0;
    a->last_ns = now_ns;
    if (a->kind == STATS_LEVEL) {
        a->min = a->max = a->level;
    } else {
        a->min = INFINITY;
        a->max = -INFINITY;
    }
    if (a->reservoir_rng) {
        /* Start the reservoir afresh (its stream from the beginning) when
         * the cap is next reached, so results do not depend on how many
         * warmup samples overflowed it. */
        gsl_rng_free(a->reservoir_rng);
        a->reservoir_rng = NULL;
    }
}

void stats_acc_finish(stats_acc *a, int64_t end_ns, double measured_s,
                      stats_rep *out)
{
    memset(out, 0, sizeof *out);
    out->p50 = out->p90 = out->p95 = out->p99 = NAN;
    for (size_t i = 0; i < STATS_CDF_POINTS; i++)
        out->cdf[i] = NAN;
    out->n = 1;
    out->sd = NAN;
    out->min = out->max = NAN;
    out->first_ns = a->first_ns >= 0 ? (double)a->first_ns : NAN;
    for (int k = 0; k < STATS_WATCHES; k++) {
        out->watch_thr[k] = k < a->nwatch ? a->watch_thr[k] : NAN;
        out->watch_le[k] = k < a->nwatch ? a->watch_le[k] : NAN;
        out->watch_lt[k] = k < a->nwatch ? a->watch_lt[k] : NAN;
        out->watch_first_gt_ns[k] =
            k < a->nwatch && a->watch_first_gt[k] >= 0 ? (double)a->watch_first_gt[k] : NAN;
        out->watch_first_lt_ns[k] =
            k < a->nwatch && a->watch_first_lt[k] >= 0 ? (double)a->watch_first_lt[k] : NAN;
    }
    switch (a->kind) {
    case STATS_TALLY:
        out->censored = a->ncens;
        out->n = a->n;
        out->value = a->n > 0 ? a->mean : NAN;
        out->sd = a->n > 1 ? sqrt(a->m2 / (a->n - 1)) : NAN;
        out->min = a->n > 0 ? a->min : NAN;
        out->max = a->n > 0 ? a->max : NAN;
        if (a->nsamples > 0) {
            stats_sort_samples(a->samples, a->nsamples);
            out->p50 = gsl_stats_quantile_from_sorted_data(a->samples, 1, a->nsamples, 0.50);
            out->p90 = gsl_stats_quantile_from_sorted_data(a->samples, 1, a->nsamples, 0.90);
            out->p95 = gsl_stats_quantile_from_sorted_data(a->samples, 1, a->nsamples, 0.95);
            out->p99 = gsl_stats_quantile_from_sorted_data(a->samples, 1, a->nsamples, 0.99);
            for (size_t i = 0; i < STATS_CDF_POINTS; i++)
                out->cdf[i] = gsl_stats_quantile_from_sorted_data(
                    a->samples, 1, a->nsamples, (double)i / (STATS_CDF_POINTS - 1));
        }
        break;
    case STATS_LEVEL: {
        stats_level_set(a, end_ns, a->level);
        double span = measured_s * 1e9;
        out->value = span > 0 ? a->area / span : a->level;
        out->min = a->min;
        out->max = a->max;
        break;
    }
    case STATS_COUNT:
    case STATS_VALUE:
        out->value = a->total;
        break;
    case STATS_RATE:
        out->value = measured_s > 0 ? a->total / measured_s : NAN;
        break;
    }
}

double stats_ci95_half_width(double sd, size_t n)
{
    if (n < 2 || !isfinite(sd))
        return NAN;
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

void stats_acc_samples(const stats_acc *a, const double **x, size_t *nx, const double **cens,
                       size_t *ncens, double *weight, double *cens_weight)
{
    *x = a->samples;
    *nx = a->nsamples;
    *cens = a->cens;
    *ncens = a->ncens_kept;
    *weight = a->nsamples ? a->n / (double)a->nsamples : 1.0;
    *cens_weight = a->ncens_kept ? a->ncens / (double)a->ncens_kept : 1.0;
}

void stats_mean_interval(const double *vals, size_t n, stats_domain domain, double level,
                         double *mean, double *lo, double *hi)
{
    *mean = n ? gsl_stats_mean(vals, 1, n) : NAN;
    *lo = *hi = NAN;
    if (domain == STATS_RARE) {
        /* Counts of rare events: exact Poisson for the total over n
         * replications, per replication. */
        double total = 0;
        for (size_t i = 0; i < n; i++)
            total += vals[i];
        if (n)
            ci_garwood(total, (double)n, level, lo, hi);
        return;
    }
    if (n < 2)
        return;
    double sd = gsl_stats_sd_m(vals, 1, n, *mean);
    ci_student(*mean, sd / sqrt((double)n), (double)(n - 1), level, lo, hi);
    /* The parameter lies in the domain, so intersecting the interval with
     * it keeps the coverage and never reports an impossible value. */
    if (domain != STATS_REAL && *lo < 0)
        *lo = 0;
    if (domain == STATS_PROPORTION && *hi > 1)
        *hi = 1;
}

/* P(X <= x) in one replication from its percentile curve (piecewise
 * linear through (cdf[i], i/100)). */
static double stats_rep_cdf_at(const double *cdf, double x)
{
    if (x < cdf[0])
        return 0.0;
    if (x >= cdf[STATS_CDF_POINTS - 1])
        return 1.0;
    size_t lo = 0, hi = STATS_CDF_POINTS - 1; /* cdf[lo] <= x < cdf[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (cdf[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    double f = cdf[hi] > cdf[lo] ? (x - cdf[lo]) / (cdf[hi] - cdf[lo]) : 0.0;
    return ((double)lo + f) / (STATS_CDF_POINTS - 1);
}

double stats_pooled_quantile(const stats_rep *reps, size_t nreps, size_t stride, double p)
{
    double lo = INFINITY, hi = -INFINITY, w = 0;
    for (size_t i = 0; i < nreps; i++) {
        const stats_rep *r = &reps[i * stride];
        if (!(r->n > 0) || isnan(r->cdf[0]))
            continue;
        if (r->cdf[0] < lo)
            lo = r->cdf[0];
        if (r->cdf[STATS_CDF_POINTS - 1] > hi)
            hi = r->cdf[STATS_CDF_POINTS - 1];
        w += r->n;
    }
    if (!(w > 0))
        return NAN;
    /* Bisection on the mixture CDF, weighted by each replication's
     * observations; 100 halvings reach the resolution of a double. */
    for (int it = 0; it < 100 && lo < hi; it++) {
        double mid = lo + (hi - lo) / 2;
        if (mid <= lo || mid >= hi)
            break;
        double F = 0;
        for (size_t i = 0; i < nreps; i++) {
            const stats_rep *r = &reps[i * stride];
            if (r->n > 0 && !isnan(r->cdf[0]))
                F += r->n * stats_rep_cdf_at(r->cdf, mid);
        }
        if (F / w >= p)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

int stats_summarise(const stats_rep *reps, size_t nreps, size_t stride, const stats_def *def,
                    stats_summary *out)
{
    memset(out, 0, sizeof *out);
    out->reps = nreps;
    out->mean = out->ci_low = out->ci_high = out->half_width = NAN;
    out->p50 = out->p95 = out->p99 = NAN;
    out->p_event = out->p_event_low = out->p_event_high = NAN;
    out->km_median = out->km_median_low = out->km_median_high = NAN;
    double *buf = malloc(3 * (nreps ? nreps : 1) * sizeof *buf);
    if (!buf)
        return -1;
    double *vals = buf, *ys = buf + nreps, *ns = buf + 2 * nreps;
    size_t k = 0;
    for (size_t i = 0; i < nreps; i++) {
        const stats_rep *r = &reps[i * stride];
        out->n += r->n;
        out->censored += r->censored;
        if (def->kind == STATS_TALLY) {
            if (r->n > 0) {
                ys[k] = r->value * r->n;
                ns[k] = r->n;
                k++;
            }
        } else if (!isnan(r->value)) {
            vals[k++] = r->value;
        }
    }
    out->reps_with_data = k;
    const double level = 0.95;
    if (def->kind == STATS_TALLY) {
        if (def->domain == STATS_PROPORTION) {
            /* 0/1 trials pooled over replications. */
            ci_wilson_clustered(ys, ns, k, level, &out->mean, &out->ci_low, &out->ci_high,
                                NULL);
            out->method = "Wilson, design effect from replications";
        } else {
            double se;
            ci_ratio(ys, ns, k, &out->mean, &se);
            if (k >= 2)
                ci_student(out->mean, se, (double)(k - 1), level, &out->ci_low, &out->ci_high);
            if (def->domain != STATS_REAL && out->ci_low < 0)
                out->ci_low = 0;
            out->method = "pooled mean, Student-t over replications";
        }
        if (def->domain == STATS_TTE) {
            /* P(event seen): events among events + censored, per replication. */
            size_t j = 0;
            for (size_t i = 0; i < nreps; i++) {
                const stats_rep *r = &reps[i * stride];
                if (r->n + r->censored > 0) {
                    ys[j] = r->n;
                    ns[j] = r->n + r->censored;
                    j++;
                }
            }
            ci_wilson_clustered(ys, ns, j, level, &out->p_event, &out->p_event_low,
                                &out->p_event_high, NULL);
            out->method = "events only (see p_event); pooled mean, Student-t";
        }
        /* Quantiles of 0/1 trials say nothing the proportion does not. */
        if (def->domain != STATS_PROPORTION) {
            out->p50 = stats_pooled_quantile(reps, nreps, stride, 0.50);
            out->p95 = stats_pooled_quantile(reps, nreps, stride, 0.95);
            out->p99 = stats_pooled_quantile(reps, nreps, stride, 0.99);
        }
    } else {
        stats_mean_interval(vals, k, def->domain, level, &out->mean, &out->ci_low,
                            &out->ci_high);
        out->method = def->domain == STATS_RARE ? "Poisson (Garwood), per replication"
                                                : "mean of replications, Student-t";
    }
    if (!isnan(out->ci_low) && !isnan(out->ci_high))
        out->half_width = (out->ci_high - out->ci_low) / 2;
    free(buf);
    return 0;
}

/* ------------------------------------------------------------------------
 * Bounded histogram tally
 */

int stats_hist_init(stats_hist *h)
{
    h->n = 0;
    h->count = calloc(STATS_HIST_BUCKETS, sizeof *h->count);
    return h->count ? 0 : -1;
}

void stats_hist_free(stats_hist *h)
{
    free(h->count);
    h->count = NULL;
    h->n = 0;
}

void stats_hist_reset(stats_hist *h)
{
    if (h->count)
        memset(h->count, 0, STATS_HIST_BUCKETS * sizeof *h->count);
    h->n = 0;
}

double stats_hist_quantile(const stats_hist *h, double q)
{
    if (h->n == 0)
        return NAN;
    double rank = q * (double)h->n, cum = 0;
    for (size_t i = 0; i < STATS_HIST_BUCKETS; i++) {
        if (!h->count[i])
            continue;
        double next = cum + (double)h->count[i];
        if (next >= rank) {
            double lo, width;
            if (i < 2 * STATS_HIST_SUB) {
                lo = (double)i;
                width = 1;
            } else {
                size_t shift = i / STATS_HIST_SUB - 1;
                lo = ldexp((double)(i - shift * STATS_HIST_SUB), (int)shift);
                width = ldexp(1.0, (int)shift);
            }
            return lo + width * (rank - cum) / (double)h->count[i];
        }
        cum = next;
    }
    return NAN;
}
