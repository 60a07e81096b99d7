/* stats.c - tallies, levels, counts and summaries (see stats.h).
 *
 * Invariants: a tally's moments cover every observation since the last
 * reset; samples[0..nsamples) is either all of them (n <= cap) or a uniform
 * reservoir of them.  Summaries combine replications in index order only.
 */
#include "stats.h"
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
}

void stats_acc_free(stats_acc *a)
{
    if (!a)
        return;
    free(a->samples);
    if (a->reservoir_rng)
        gsl_rng_free(a->reservoir_rng);
    a->samples = NULL;
    a->reservoir_rng = NULL;
}

/* Algorithm L's state once the reservoir is full: W and the index (1-based
 * count of observations) of the next one to keep. */
static void stats_reservoir_start(stats_acc *a)
{
    gsl_rng *r = a->reservoir_rng;
    a->reservoir_w = exp(log(gsl_rng_uniform_pos(r)) / (double)a->cap);
    a->reservoir_next = (double)a->cap +
                        floor(log(gsl_rng_uniform_pos(r)) / log1p(-a->reservoir_w)) + 1;
}

static int stats_keep_sample(stats_acc *a, double x)
{
    if (a->nsamples < a->cap) {
        if (a->nsamples == a->alloc) {
            /* Grow geometrically up to the cap: small tallies stay small. */
            size_t want = a->alloc ? a->alloc * 2 : 1024;
            if (want > a->cap)
                want = a->cap;
            double *s = realloc(a->samples, want * sizeof *s);
            if (!s)
                return -1;
            a->samples = s;
            a->alloc = want;
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
    gsl_rng *r = a->reservoir_rng;
    a->samples[gsl_rng_uniform_int(r, (unsigned long)a->cap)] = x;
    a->reservoir_w *= exp(log(gsl_rng_uniform_pos(r)) / (double)a->cap);
    a->reservoir_next += floor(log(gsl_rng_uniform_pos(r)) / log1p(-a->reservoir_w)) + 1;
    return 0;
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
    switch (a->kind) {
    case STATS_TALLY:
        out->n = a->n;
        out->value = a->n > 0 ? a->mean : NAN;
        out->sd = a->n > 1 ? sqrt(a->m2 / (a->n - 1)) : NAN;
        out->min = a->n > 0 ? a->min : NAN;
        out->max = a->n > 0 ? a->max : NAN;
        if (a->nsamples > 0) {
            gsl_sort(a->samples, 1, a->nsamples);
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

/* Mean of field values over replications, skipping NaN; NaN if none. */
static double stats_mean_field(const double *first, size_t nreps,
                               size_t stride_doubles)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < nreps; i++) {
        double v = first[i * stride_doubles];
        if (!isnan(v)) {
            sum += v;
            k++;
        }
    }
    return k ? sum / (double)k : NAN;
}

int stats_summarise(const stats_rep *reps, size_t nreps, size_t stride,
                    stats_kind kind, stats_summary *out)
{
    memset(out, 0, sizeof *out);
    out->reps = nreps;
    size_t sd_stride = stride * (sizeof(stats_rep) / sizeof(double));
    double *vals = malloc((nreps ? nreps : 1) * sizeof *vals);
    if (!vals)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < nreps; i++) {
        const stats_rep *r = &reps[i * stride];
        if (!isnan(r->value))
            vals[k++] = r->value;
        out->n += r->n;
    }
    out->mean = k ? gsl_stats_mean(vals, 1, k) : NAN;
    double sd = k > 1 ? gsl_stats_sd_m(vals, 1, k, out->mean) : NAN;
    out->half_width = stats_ci95_half_width(sd, k);
    out->ci_low = out->mean - out->half_width;
    out->ci_high = out->mean + out->half_width;
    free(vals);
    if (kind == STATS_TALLY) {
        out->p50 = stats_mean_field(&reps[0].p50, nreps, sd_stride);
        out->p95 = stats_mean_field(&reps[0].p95, nreps, sd_stride);
        out->p99 = stats_mean_field(&reps[0].p99, nreps, sd_stride);
    } else {
        out->p50 = out->p95 = out->p99 = NAN;
    }
    return 0;
}
