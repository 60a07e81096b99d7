/* dist.h - probability distributions named in scenarios.
 *
 * A dist_t is a plain value: kind plus parameters in base units (nanoseconds
 * for durations, the bare value otherwise).  Sampling goes through gsl_ran_*
 * with a caller-supplied stream; a dist_t holds no state and may be shared
 * read-only between threads.
 */
#ifndef MWRASP_DIST_H
#define MWRASP_DIST_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef enum dist_kind {
    DIST_CONSTANT,    /* value: a                                   */
    DIST_EXPONENTIAL, /* mean: a                                    */
    DIST_UNIFORM,     /* min: a, max: b                             */
    DIST_NORMAL,      /* mean: a, sd: b (truncated at 0 for times)  */
    DIST_LOGNORMAL,   /* median: a (= e^mu), sigma: b               */
    DIST_GAMMA,       /* shape: a, scale: b                         */
    DIST_WEIBULL,     /* shape: a, scale: b                         */
    DIST_PARETO       /* shape (alpha): a, scale (x_m): b           */
} dist_kind;

typedef struct dist {
    dist_kind kind;
    double a, b;
} dist_t;

/* Convenience constructors (parameters in base units). */
dist_t dist_constant(double value);
dist_t dist_exponential(double mean);
dist_t dist_uniform(double min, double max);
dist_t dist_lognormal(double median, double sigma);

/* One draw.  Uses only r. */
double dist_sample(const dist_t *d, gsl_rng *r);
/* One draw of a duration in ns: rounded to the nearest ns, never negative. */
int64_t dist_sample_ns(const dist_t *d, gsl_rng *r);
/* Exact mean of the distribution (INFINITY for Pareto with shape <= 1). */
double dist_mean(const dist_t *d);
/* Name as written in scenarios ("exponential", ...). */
const char *dist_kind_name(dist_kind k);
/* Shortest exact spelling of a duration ("63ms", "1.5s", "2min"); the
 * scenario parser reads it back to the same ns. */
void dist_format_duration(int64_t ns, char *buf, size_t size);
/* Writes a scenario-style description, e.g. "{dist: exponential, mean: 2ms}".
 * is_time: format parameters as durations. */
void dist_describe(const dist_t *d, int is_time, char *buf, size_t size);

#endif
