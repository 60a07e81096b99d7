/* dist.c - probability distributions named in scenarios (see dist.h).
 *
 * Invariants: a dist_t is immutable after construction; sampling touches
 * only the caller's gsl_rng, so one dist_t may be shared between threads.
 * Parameter meaning per kind is documented in dist.h; validation (positive
 * scale, min <= max, ...) is the job of whoever builds the value (cfg_dist).
 */
#include "dist.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_randist.h>

dist_t dist_constant(double value)
{
    return (dist_t){DIST_CONSTANT, value, 0.0};
}

dist_t dist_exponential(double mean)
{
    return (dist_t){DIST_EXPONENTIAL, mean, 0.0};
}

dist_t dist_uniform(double min, double max)
{
    return (dist_t){DIST_UNIFORM, min, max};
}

dist_t dist_lognormal(double median, double sigma)
{
    return (dist_t){DIST_LOGNORMAL, median, sigma};
}

double dist_sample(const dist_t *d, gsl_rng *r)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        /* Draw nothing: a constant must not shift the stream of the caller,
         * so swapping a constant for a random dist changes only that draw. */
        return d->a;
    case DIST_EXPONENTIAL:
        return rng_exponential(r, d->a); /* gsl_ran_exponential, via log(): see rng.h */
    case DIST_UNIFORM:
        return gsl_ran_flat(r, d->a, d->b);
    case DIST_NORMAL:
        return d->a + gsl_ran_gaussian(r, d->b);
    case DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, log(d->a), d->b);
    case DIST_GAMMA:
        return gsl_ran_gamma(r, d->a, d->b);
    case DIST_WEIBULL:
        /* GSL takes (scale, shape); we store (shape, scale). */
        return gsl_ran_weibull(r, d->b, d->a);
    case DIST_PARETO:
        return gsl_ran_pareto(r, d->a, d->b);
    }
    return NAN;
}

int64_t dist_sample_ns(const dist_t *d, gsl_rng *r)
{
    double x = dist_sample(d, r);
    /* !(x > 0) also catches NaN; a time can never run backwards. */
    if (!(x > 0.0))
        return 0;
    if (x >= 9223372036854775807.0)
        return INT64_MAX;
    return (int64_t)llround(x);
}

double dist_mean(const dist_t *d)
{
    switch (d->kind) {
    case DIST_CONSTANT:
    case DIST_EXPONENTIAL:
    case DIST_NORMAL:
        return d->a;
    case DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case DIST_LOGNORMAL:
        return d->a * exp(0.5 * d->b * d->b);
    case DIST_GAMMA:
        return d->a * d->b;
    case DIST_WEIBULL:
        return d->b * tgamma(1.0 + 1.0 / d->a);
    case DIST_PARETO:
        return d->a <= 1.0 ? INFINITY : d->a * d->b / (d->a - 1.0);
    }
    return NAN;
}

const char *dist_kind_name(dist_kind k)
{
    static const char *const names[] = {
        "constant", "exponential", "uniform", "normal",
        "lognormal", "gamma", "weibull", "pareto",
    };
    if ((unsigned)k >= sizeof names / sizeof names[0])
        return "unknown";
    return names[k];
}

void dist_format_duration(int64_t ns, char *buf, size_t size)
{
    static const struct { const char *name; uint64_t ns; int decimal; } units[] = {
        {"d", 86400000000000ull, 0}, {"h", 3600000000000ull, 0},
        {"min", 60000000000ull, 0},  {"s", 1000000000ull, 1},
        {"ms", 1000000ull, 1},       {"us", 1000ull, 1},
        {"ns", 1ull, 1},
    };
    if (ns == 0) {
        snprintf(buf, size, "0s");
        return;
    }
    uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    const char *sign = ns < 0 ? "-" : "";
    char best[64] = "";
    /* Units run from large to small and only a strictly shorter spelling
     * wins, so ties go to the larger unit ("2min", not "120s"). */
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t q = mag / units[i].ns, rem = mag % units[i].ns;
        char cand[64];
        if (rem == 0) {
            snprintf(cand, sizeof cand, "%s%llu%s", sign, (unsigned long long)q,
                     units[i].name);
        } else if (units[i].decimal && q > 0) {
            /* "250ms" reads better than "0.25s", so no leading "0.". */
            int digits = 0;
            for (uint64_t u = units[i].ns; u > 1; u /= 10)
                digits++;
            char frac[24];
            if (snprintf(frac, sizeof frac, "%0*llu", digits, (unsigned long long)rem) >=
                (int)sizeof frac)
                continue;
            for (int k = digits - 1; k > 0 && frac[k] == '0'; k--)
                frac[k] = '\0';
            snprintf(cand, sizeof cand, "%s%llu.%s%s", sign, (unsigned long long)q, frac,
                     units[i].name);
        } else {
            continue;
        }
        if (!best[0] || strlen(cand) < strlen(best))
            snprintf(best, sizeof best, "%s", cand);
    }
    snprintf(buf, size, "%s", best);
}

/* A duration parameter held as double ns (it may exceed int64 range). */
static void dist_format_ns(double value_ns, char *buf, size_t size)
{
    if (!isfinite(value_ns) || fabs(value_ns) >= 9.2e18)
        snprintf(buf, size, "%gns", value_ns);
    else
        dist_format_duration((int64_t)llround(value_ns), buf, size);
}

static void dist_format_param(double v, int is_time, char *buf, size_t size)
{
    if (is_time)
        dist_format_ns(v, buf, size);
    else
        snprintf(buf, size, "%.15g", v);
}

void dist_describe(const dist_t *d, int is_time, char *buf, size_t size)
{
    char a[64], b[64];
    switch (d->kind) {
    case DIST_CONSTANT:
        dist_format_param(d->a, is_time, a, sizeof a);
        snprintf(buf, size, "{dist: constant, value: %s}", a);
        return;
    case DIST_EXPONENTIAL:
        dist_format_param(d->a, is_time, a, sizeof a);
        snprintf(buf, size, "{dist: exponential, mean: %s}", a);
        return;
    case DIST_UNIFORM:
        dist_format_param(d->a, is_time, a, sizeof a);
        dist_format_param(d->b, is_time, b, sizeof b);
        snprintf(buf, size, "{dist: uniform, min: %s, max: %s}", a, b);
        return;
    case DIST_NORMAL:
        dist_format_param(d->a, is_time, a, sizeof a);
        dist_format_param(d->b, is_time, b, sizeof b);
        snprintf(buf, size, "{dist: normal, mean: %s, sd: %s}", a, b);
        return;
    case DIST_LOGNORMAL:
        /* sigma is dimensionless even for a time distribution. */
        dist_format_param(d->a, is_time, a, sizeof a);
        dist_format_param(d->b, 0, b, sizeof b);
        snprintf(buf, size, "{dist: lognormal, median: %s, sigma: %s}", a, b);
        return;
    case DIST_GAMMA:
    case DIST_WEIBULL:
    case DIST_PARETO:
        dist_format_param(d->a, 0, a, sizeof a);
        dist_format_param(d->b, is_time, b, sizeof b);
        snprintf(buf, size, "{dist: %s, shape: %s, scale: %s}",
                 dist_kind_name(d->kind), a, b);
        return;
    }
    snprintf(buf, size, "{dist: unknown}");
}
