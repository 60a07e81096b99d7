/* bench_util.h - helpers shared by the benchmark programs. */
#ifndef MWRASP_BENCH_UTIL_H
#define MWRASP_BENCH_UTIL_H

/* Monotonic wall clock, seconds. */
double bench_clock(void);
/* Peak resident set size of this process, KiB. */
long bench_peak_rss_kb(void);
/* Parses a positive double / non-negative integer flag value; exits 64
 * with a message on junk (benchmarks are leaf programs). */
double bench_double(const char *flag, const char *v);
long long bench_int(const char *flag, const char *v);

#endif
