/* bench_util.c - see bench_util.h. */
#include "bench_util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

double bench_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

long bench_peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

double bench_double(const char *flag, const char *v)
{
    char *end;
    errno = 0;
    double d = v ? strtod(v, &end) : NAN;
    if (!v || errno || *end || end == v || !isfinite(d) || d < 0) {
        fprintf(stderr, "%s wants a non-negative number, not '%s'\n", flag, v ? v : "");
        exit(64);
    }
    return d;
}

long long bench_int(const char *flag, const char *v)
{
    char *end;
    errno = 0;
    long long x = v ? strtoll(v, &end, 10) : -1;
    if (!v || errno || *end || end == v || x < 0) {
        fprintf(stderr, "%s wants a non-negative whole number, not '%s'\n", flag, v ? v : "");
        exit(64);
    }
    return x;
}
