/* test_svcq.c - the shared service queue (models/svcq.c) through the
 * canary check service, and the A/B comparisons (experiment/paired.c),
 * against closed forms:
 *
 *   svcq/erlang_c      c = 4 workers, batches of 1, exponential service
 *                      S = 1 ms, no misses, Poisson checks at rho = 0.7:
 *                      mean wait and P(wait) are Erlang C's (two seeds)
 *   svcq/batch_exact   one worker, batches of 5 with an unbounded timeout,
 *                      constant costs (100 us + 5 x 10 us): every batch is
 *                      full, every check's service is exactly 150 us, and
 *                      the mean wait for a full batch of Poisson arrivals
 *                      at rate r is (4+3+2+1+0)/5 / r = 2 / r
 *   svcq/lru_uniform   a warm LRU of C entries over N uniformly popular
 *                      keys hits with probability C / N (two sizes)
 *   svcq/ttl           a cache holding every key, TTL T, Poisson checks at
 *                      r / N per key: hit rate (rT/N) / (1 + rT/N)
 *   svcq/zipf_one      an LRU of one entry under Zipf popularity hits when
 *                      two successive checks ask for the same key:
 *                      sum_k p_k^2
 *   svcq/zipf_che      an LRU of 3,000 of 10,000 Zipf(0.8) keys: Che's
 *                      approximation, within 0.005
 *   paired/effects     the effect and its interval from given pairs
 *   paired/crn         identical arms (the scenario as written against a
 *                      derived arm setting what it already says) give a
 *                      difference of exactly 0 and a ratio of exactly 1;
 *                      a metric fixed by an input is BY CONSTRUCTION
 *   paired/cli         mwrasp-sim prints the comparisons' verdicts with
 *                      their intervals (and in JSON); a bad arm is refused
 *                      at load
 *   paired/robustness  --robustness judges them at both ends of an
 *                      assumption: twice the cache gains 0.5 under uniform
 *                      popularity (C/N), less under Zipf(1)
 * Statistical checks: the 95 % CI over replications must contain the
 * closed form (1.5 x for the cache ones); seeds are fixed. */
#include <criterion/criterion.h>

#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"
#include "canaries.h"
#include "mmc.h"
#include "paired.h"
#include "runner.h"
#include "scenario.h"


/* The summary's mean and 95 % CI must hold `expect` (widened by scale). */
static void expect_ci(const runner_result *r, const char *name, double expect, double scale,
                      const char *what)
{
    const stats_summary *s = &r->summary[metric_index_ok(r, name)];
    double half = scale * s->half_width;
    cr_log_info("%s: %.6g +- %.3g, closed form %.6g", what, s->mean, half, expect);
    cr_expect(fabs(s->mean - expect) <= half, "%s: closed form %.6g outside %.6g +- %.3g",
              what, expect, s->mean, half);
}

/* Per-replication ratio num/den: mean and 95 % half-width. */
static void expect_ratio(const runner_result *r, const char *num, const char *den,
                         double expect, const char *what)
{
    int a = metric_index_ok(r, num), b = metric_index_ok(r, den);
    double v[64], m = 0, ss = 0;
    size_t n = r->nreps;
    cr_assert_leq(n, 64);
    for (size_t i = 0; i < n; i++) {
        v[i] = r->reps[i * r->nmetrics + (size_t)a].value /
               r->reps[i * r->nmetrics + (size_t)b].value;
        m += v[i];
    }
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    double half = stats_ci95_half_width(sqrt(ss / (double)(n - 1)), n);
    cr_log_info("%s: %.6g +- %.3g, closed form %.6g", what, m, half, expect);
    cr_expect(fabs(m - expect) <= half, "%s: closed form %.6g outside %.6g +- %.3g", what,
              expect, m, half);
}

/* A canaries section with only the check service (no probes, no rotation). */
static void service_scenario(char *buf, size_t size, unsigned seed, const char *timing,
                             int64_t resources, const char *service)
{
    snprintf(buf, size,
             "name: t\nseed: %u\n%s\n"
             "canaries:\n  count: 0\n  resources: %lld\n  rotation: {period: 0s}\n"
             "  service:\n%s",
             seed, timing, (long long)resources, service);
}

/* ---- svcq -------------------------------------------------------------- */

static void check_erlang_c(unsigned seed)
{
    const int c = 4;
    const double mu = 1000.0, lambda = 0.7 * c * mu;
    char service[1024], text[2048];
    snprintf(service, sizeof service,
             "    rate: %.1f/s\n    workers: %d\n    queue: 100000\n    batch: {max: 1}\n"
             "    per_item: {dist: exponential, mean: 1ms}\n"
             "    cache: {model: hit_rate, hit_rate: 1}\n",
             lambda, c);
    service_scenario(text, sizeof text, seed, "duration: 60s\nwarmup: 1s\nreplications: 10",
                     1000, service);
    runner_result r;
    run_scenario_text(text, &r);
    expect_ci(&r, "canaries.check_wait", 1e3 * mmc_mean_wait_s(c, lambda, mu), 1.0,
              "M/M/4 rho 0.7 mean wait (ms)");
    expect_ratio(&r, "canaries.check_waited", "canaries.check_served",
                 mmc_erlang_c(c, lambda, mu), "M/M/4 rho 0.7 P(wait > 0)");
    expect_ci(&r, "canaries.check_latency", 1e3 * (mmc_mean_wait_s(c, lambda, mu) + 1 / mu),
              1.0, "M/M/4 rho 0.7 latency (ms)");
    runner_result_free(&r);
}

Test(svcq, erlang_c)
{
    check_erlang_c(3);
    check_erlang_c(11);
}

Test(svcq, batch_exact)
{
    char text[2048];
    service_scenario(text, sizeof text, 5, "duration: 200s\nreplications: 10", 1000,
                     "    rate: 100/s\n    workers: 1\n    batch: {max: 5, timeout: 1d}\n"
                     "    overhead: {dist: constant, value: 100us}\n"
                     "    per_item: {dist: constant, value: 10us}\n"
                     "    cache: {model: hit_rate, hit_rate: 1}\n");
    runner_result r;
    run_scenario_text(text, &r);
    const stats_summary *b = &r.summary[metric_index_ok(&r, "canaries.check_batch_size")];
    size_t kb = (size_t)metric_index_ok(&r, "canaries.check_batch_size");
    size_t kl = (size_t)metric_index_ok(&r, "canaries.check_latency");
    size_t kw = (size_t)metric_index_ok(&r, "canaries.check_wait");
    for (size_t i = 0; i < r.nreps; i++) {
        const stats_rep *x = &r.reps[i * r.nmetrics + kb];
        cr_expect_eq(x->min, 5.0, "replication %zu: a batch of %g", i, x->min);
        cr_expect_eq(x->max, 5.0);
        const stats_rep *lat = &r.reps[i * r.nmetrics + kl];
        const stats_rep *w = &r.reps[i * r.nmetrics + kw];
        /* latency - wait = the batch's service, 150 us for every check. */
        cr_expect_float_eq(lat->value - w->value, 0.150, 1e-9, "replication %zu: %.12g ms", i,
                           lat->value - w->value);
        cr_expect_float_eq(lat->min - w->min, 0.150, 1e-9);
    }
    cr_expect_eq(b->mean, 5.0);
    expect_ci(&r, "canaries.check_wait", 1e3 * 2.0 / 100.0, 1.0,
              "full batches of 5, Poisson 100/s: mean wait 2/r (ms)");
    runner_result_free(&r);
}

static void check_lru_uniform(const char *size, double expect)
{
    char service[1024], text[2048];
    snprintf(service, sizeof service,
             "    rate: 2000/s\n    workers: 8\n    popularity: uniform\n"
             "    per_item: {dist: constant, value: 10us}\n"
             "    cache: {size: %s, entry_size: 1KiB, start: warm,"
             " miss_penalty: {dist: constant, value: 0s}}\n",
             size);
    service_scenario(text, sizeof text, 9, "duration: 20s\nreplications: 10", 10000, service);
    runner_result r;
    run_scenario_text(text, &r);
    char what[96];
    snprintf(what, sizeof what, "LRU %s of 1 KiB entries over 10,000 uniform keys", size);
    expect_ci(&r, "canaries.check_hit_rate", expect, 1.5, what);
    runner_result_free(&r);
}

Test(svcq, lru_uniform)
{
    check_lru_uniform("3000KiB", 0.3);
    check_lru_uniform("7500KiB", 0.75);
    check_lru_uniform("20000KiB", 1.0);  /* holds every key: never a miss */
}

Test(svcq, ttl)
{
    /* 1,000 keys, 100 checks/s: 0.1/s a key; TTL 10 s: rT/N = 1, hit rate 1/2. */
    char text[2048];
    service_scenario(text, sizeof text, 13, "duration: 1000s\nwarmup: 100s\nreplications: 10",
                     1000,
                     "    rate: 100/s\n    workers: 2\n    popularity: uniform\n"
                     "    per_item: {dist: constant, value: 10us}\n"
                     "    cache: {size: 4MiB, entry_size: 1KiB, ttl: 10s,"
                     " miss_penalty: {dist: constant, value: 0s}}\n");
    runner_result r;
    run_scenario_text(text, &r);
    expect_ci(&r, "canaries.check_hit_rate", 0.5, 1.5, "TTL 10 s, 0.1 checks/s a key");
    runner_result_free(&r);
}

Test(svcq, zipf_one)
{
    const int64_t n = 100;
    const double s_exp = 1.0;
    double expect = 0, total = 0;
    for (int64_t k = 0; k < n; k++) {
        double p = canaries_zipf_p(n, s_exp, k);
        expect += p * p;
        total += p;
    }
    cr_assert_float_eq(total, 1.0, 1e-12);
    char text[2048];
    service_scenario(text, sizeof text, 17, "duration: 50s\nreplications: 10", n,
                     "    rate: 2000/s\n    workers: 8\n    popularity: zipf\n"
                     "    zipf_exponent: 1\n"
                     "    per_item: {dist: constant, value: 10us}\n"
                     "    cache: {size: 1KiB, entry_size: 1KiB,"
                     " miss_penalty: {dist: constant, value: 0s}}\n");
    runner_result r;
    run_scenario_text(text, &r);
    expect_ci(&r, "canaries.check_hit_rate", expect, 1.5,
              "LRU of one entry, Zipf(1) over 100 keys: sum p_k^2");
    runner_result_free(&r);
}

/* Che's approximation of an LRU of C entries under independent requests
 * with popularity p: the characteristic time T solves
 * sum_k (1 - exp(-p_k T)) = C, and the hit rate is
 * sum_k p_k (1 - exp(-p_k T)) (Che, Tung and Wang, IEEE JSAC 2002; within
 * a fraction of a percent for caches of thousands of entries, Fricker,
 * Robert and Roberts, ITC 2012). */
static double che_hit_rate(int64_t n, double s_exp, double c)
{
    double lo = 0, hi = 1;
    double *p = malloc((size_t)n * sizeof *p);
    cr_assert_not_null(p);
    for (int64_t k = 0; k < n; k++)
        p[k] = canaries_zipf_p(n, s_exp, k);
    for (;;) {   /* bracket T */
        double filled = 0;
        for (int64_t k = 0; k < n; k++)
            filled += -expm1(-p[k] * hi);
        if (filled >= c)
            break;
        hi *= 2;
    }
    for (int it = 0; it < 200; it++) {
        double t = 0.5 * (lo + hi), filled = 0;
        for (int64_t k = 0; k < n; k++)
            filled += -expm1(-p[k] * t);
        if (filled < c)
            lo = t;
        else
            hi = t;
    }
    double h = 0;
    for (int64_t k = 0; k < n; k++)
        h += p[k] * -expm1(-p[k] * lo);
    free(p);
    return h;
}

Test(svcq, zipf_che)
{
    /* Zipf(0.8) over 10,000 keys, an LRU of 3,000: the check that the
     * sampler and the LRU together give the known curve. */
    double expect = che_hit_rate(10000, 0.8, 3000);
    char text[2048];
    service_scenario(text, sizeof text, 19, "duration: 30s\nwarmup: 5s\nreplications: 10",
                     10000,
                     "    rate: 5000/s\n    workers: 8\n    popularity: zipf\n"
                     "    zipf_exponent: 0.8\n"
                     "    per_item: {dist: constant, value: 10us}\n"
                     "    cache: {size: 3000KiB, entry_size: 1KiB,"
                     " miss_penalty: {dist: constant, value: 0s}}\n");
    runner_result r;
    run_scenario_text(text, &r);
    const stats_summary *h = &r.summary[metric_index_ok(&r, "canaries.check_hit_rate")];
    cr_log_info("LRU 3,000 of 10,000 Zipf(0.8) keys: %.5f [%.5f, %.5f], Che %.5f", h->mean,
                h->ci_low, h->ci_high, expect);
    /* Che's is an approximation: within 0.005 of it, and the CI that close. */
    cr_expect(fabs(h->mean - expect) < 0.005, "hit rate %.5f, Che %.5f", h->mean, expect);
    runner_result_free(&r);
}

/* ---- paired ------------------------------------------------------------- */

Test(paired, effects)
{
    double est, lo, hi;
    const double a[] = { 1, 2, 3 }, b[] = { 2, 4, 6 };
    /* b = 2 a in every pair: the ratio is 2 with no spread at all. */
    cr_assert_eq(paired_effect(CLAIMS_EFFECT_RATIO, 0, a, NULL, b, NULL, 3, 0.95,
                               &est, &lo, &hi), 0);
    cr_expect_float_eq(est, 2.0, 1e-15);
    cr_expect_float_eq(lo, 2.0, 1e-15);
    cr_expect_float_eq(hi, 2.0, 1e-15);
    /* Paired t: d = {0.1, 0.3, 0.2, 0.2}, mean 0.2, sd sqrt(0.02/3),
     * t_{3, 0.975} = 3.182446. */
    const double pa[] = { 0.1, 0.2, 0.3, 0.4 }, pb[] = { 0.2, 0.5, 0.5, 0.6 };
    cr_assert_eq(paired_effect(CLAIMS_EFFECT_DIFFERENCE, 1, pa, NULL, pb, NULL, 4, 0.95,
                               &est, &lo, &hi), 0);
    double half = 3.182446305284263 * sqrt(0.02 / 3) / 2;
    cr_expect_float_eq(est, 0.2, 1e-12);
    cr_expect_float_eq(lo, 0.2 - half, 1e-9, "lo %.12g", lo);
    cr_expect_float_eq(hi, 0.2 + half, 1e-9, "hi %.12g", hi);
    /* A proportion's difference stays inside [-1, 1] however wide. */
    const double wa[] = { 0, 1, 0, 1 }, wb[] = { 1, 0, 1, 0 };
    cr_assert_eq(paired_effect(CLAIMS_EFFECT_DIFFERENCE, 1, wa, NULL, wb, NULL, 4, 0.95,
                               &est, &lo, &hi), 0);
    cr_expect(lo >= -1 && hi <= 1, "[%g, %g]", lo, hi);
    cr_expect_eq(lo, -1.0);
    cr_expect_eq(hi, 1.0);
    /* A ratio's interval stays above 0 however wide. */
    const double ra[] = { 1, 100, 1, 100 }, rb[] = { 100, 1, 100, 1 };
    cr_assert_eq(paired_effect(CLAIMS_EFFECT_RATIO, 0, ra, NULL, rb, NULL, 4, 0.95,
                               &est, &lo, &hi), 0);
    cr_expect(lo > 0 && lo <= est && est <= hi, "ratio %g [%g, %g]", est, lo, hi);
    /* Pooled means of a tally (weights: observations): a = {1, 3} with
     * {1, 3} observations pools to 2.5, b = {2, 3} to 2.75, so the ratio is
     * 1.1; the linearised deviations give se(log) = 0.3 - 0.375 / 2.75 =
     * 0.163636..., and t_{1, 0.975} = 12.7062.  Reduction = 1 - ratio. */
    const double ta[] = { 1, 3 }, tb[] = { 2, 3 }, tw[] = { 1, 3 };
    cr_assert_eq(paired_effect(CLAIMS_EFFECT_REDUCTION, 0, ta, tw, tb, tw, 2, 0.95, &est, &lo,
                               &hi), 0);
    double se = 0.3 - 0.375 / 2.75, t1 = 12.706204736174705;
    cr_expect_float_eq(est, 1 - 1.1, 1e-12, "reduction %.12g", est);
    cr_expect_float_eq(lo, 1 - 1.1 * exp(t1 * se), 1e-9, "lo %.12g", lo);
    cr_expect_float_eq(hi, 1 - 1.1 * exp(-t1 * se), 1e-9, "hi %.12g", hi);
    cr_expect(hi < 1, "a reduction stays below 100 %%: %g", hi);
    /* A latency reduction by hand (the runbook's "35 % latency reduction"
     * read as 1 - variant / baseline): baseline 10, 12, 14 ms and variant
     * 6, 6, 9 ms in replications 1..3.  R = 7 / 12; the log-scale
     * deviations (b - 7) / 7 - (a - 12) / 12 = (1/42, -1/7, 5/42) give
     * se(log R) = sqrt(sum of squares / (3 x 2)) = 0.0765369, and
     * t_{2, 0.975} = 4.302653: a reduction of 41.667 % [18.916 %, 58.034 %],
     * INCONCLUSIVE against >= 35 %, HOLDS against >= 15 %, FAILS >= 65 %. */
    const double la[] = { 10, 12, 14 }, lb[] = { 6, 6, 9 };
    cr_assert_eq(paired_effect(CLAIMS_EFFECT_REDUCTION, 0, la, NULL, lb, NULL, 3, 0.95, &est,
                               &lo, &hi), 0);
    const double z0[] = { 1 / 42.0, -1 / 7.0, 5 / 42.0 };
    double ss = z0[0] * z0[0] + z0[1] * z0[1] + z0[2] * z0[2], t2 = 4.302652729749464;
    cr_expect_float_eq(sqrt(ss / 6), 0.0765369108, 1e-9, "se(log R) %.10g", sqrt(ss / 6));
    cr_expect_float_eq(est, 5.0 / 12, 1e-12, "reduction %.12g", est);
    cr_expect_float_eq(lo, 1 - 7.0 / 12 * exp(t2 * sqrt(ss / 6)), 1e-9, "lo %.12g", lo);
    cr_expect_float_eq(hi, 1 - 7.0 / 12 * exp(-t2 * sqrt(ss / 6)), 1e-9, "hi %.12g", hi);
    cr_expect_float_eq(lo, 0.189160179, 1e-8, "lo %.12g", lo);
    cr_expect_float_eq(hi, 0.580339089, 1e-8, "hi %.12g", hi);
    cr_expect(lo < 0.35 && hi > 0.35, "INCONCLUSIVE against >= 35 %%: [%g, %g]", lo, hi);
    cr_expect(lo > 0.15 && hi < 0.65, "HOLDS >= 15 %%, FAILS >= 65 %%: [%g, %g]", lo, hi);
    /* No interval from one pair or from a zero mean. */
    cr_expect_eq(paired_effect(CLAIMS_EFFECT_RATIO, 0, a, NULL, b, NULL, 1, 0.95,
                               &est, &lo, &hi), -1);
    const double z[] = { 0, 0, 0 };
    cr_expect_eq(paired_effect(CLAIMS_EFFECT_RATIO, 0, z, NULL, b, NULL, 3, 0.95,
                               &est, &lo, &hi), -1);
}

static const char crn_scenario[] =
    "name: crn\nseed: 21\nduration: 20s\nreplications: 5\n"
    "canaries:\n  count: 0\n  resources: 20000\n  rotation: {period: 0s}\n"
    "  service:\n    rate: 5000/s\n    workers: 8\n    popularity: zipf\n"
    "    per_item: {dist: exponential, mean: 100us}\n"
    "    cache: {size: 8MiB, entry_size: 1KiB, ttl: 5s}\n"
    "comparisons:\n"
    "  - name: same arms, difference\n    metric: canaries.check_hit_rate\n"
    "    baseline: []\n    variant: [canaries.service.workers=8]\n"
    "    effect: difference\n    bound: {within: [-0.001, 0.001]}\n    source: test\n"
    "  - name: same arms, ratio\n    metric: canaries.check_latency\n    statistic: p99\n"
    "    baseline: [canaries.service.workers=8]\n    variant: []\n"
    "    effect: ratio\n    bound: {within: [0.999, 1.001]}\n    source: test\n"
    "  - name: a bigger cache\n    metric: canaries.check_hit_rate\n"
    "    baseline: []\n    variant: [canaries.service.cache.size=16MiB]\n"
    "    effect: difference\n    bound: {min: 0}\n    source: test\n"
    "  - name: rotation work\n    metric: canaries.rotation_time\n"
    "    baseline: []\n    variant: [canaries.rotation.each=1s]\n"
    "    effect: difference\n    bound: {min: 0}\n    source: test\n";

Test(paired, crn)
{
    scenario_t *sc = load_scenario_ok(crn_scenario, NULL, 0);
    runner_result r;
    err_t e;
    err_clear(&e);
    cr_assert_eq(runner_run(sc, 0, 0, (size_t)sc->replications, 1, &r, &e), 0, "%s", e.msg);
    campaign_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.mpi_size = 1;
    paired_set ps;
    cr_assert_eq(paired_run_all(sc, &o, &r, 0.05, &ps, &e), 0, "%s", e.msg);
    cr_assert_eq(ps.n, 4);
    cr_expect_eq(ps.runs, 3, "the workers=8 arm runs once, the as-written arm not again");
    for (int i = 0; i < 2; i++) {
        const paired_result *x = &ps.rows[i];
        cr_log_info("%s", x->sentence);
        cr_expect_eq(x->pairs, 5);
        double zero = i == 0 ? 0.0 : 1.0;
        cr_expect_eq(x->estimate, zero, "%s", x->sentence);
        cr_expect_eq(x->ci_low, zero, "%s", x->sentence);
        cr_expect_eq(x->ci_high, zero, "%s", x->sentence);
        cr_expect_eq(x->verdict, VERDICT_HOLDS, "%s", x->sentence);
    }
    /* A real change is seen, the interval a proportion's. */
    const paired_result *big = &ps.rows[2];
    cr_log_info("%s", big->sentence);
    cr_expect(big->estimate > 0 && big->ci_low > 0 && big->ci_high <= 1, "%s", big->sentence);
    cr_expect_eq(big->verdict, VERDICT_HOLDS, "%s", big->sentence);
    /* A figure fixed by an input is never a finding. */
    cr_expect_eq(ps.rows[3].verdict, VERDICT_BY_CONSTRUCTION, "%s", ps.rows[3].sentence);
    paired_free(&ps);
    runner_result_free(&r);
    scenario_free(sc);
}

/* Runs crn_scenario with `from` replaced by `to` (same length), --strict. */
static void run_changed(const char *path, const char *out, const char *from, const char *to,
                        run_out *o)
{
    char text[sizeof crn_scenario];
    snprintf(text, sizeof text, "%s", crn_scenario);
    char *at = strstr(text, from);
    cr_assert_not_null(at);
    cr_assert_eq(strlen(from), strlen(to));
    memcpy(at, to, strlen(to));
    write_file(path, text);
    unlink(out);
    const char *args[] = { "--quiet", "--strict", "--out", out, path, NULL };
    run_sim(args, o);
}

Test(paired, cli)
{
    char dir[256], path[512], out[600];
    make_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/crn.yaml", dir);
    snprintf(out, sizeof out, "%s/crn.h5", dir);
    write_file(path, crn_scenario);
    run_out o;
    const char *loud[] = { "--out", out, path, NULL };
    run_sim(loud, &o);
    cr_expect_eq(o.status, 0, "%s", o.err);
    cr_expect(strstr(o.out, "comparisons: A/B claims") != NULL, "%s", o.out);
    cr_expect(strstr(o.out, "same arms, difference: HOLDS: difference +0 [+0, +0]") != NULL,
              "%s", o.out);
    cr_expect(strstr(o.out, "same arms, ratio: HOLDS: ratio 1 [1, 1]") != NULL, "%s", o.out);
    cr_expect(strstr(o.out, "a bigger cache: HOLDS: difference +") != NULL, "%s", o.out);
    /* The same verdicts for scripts. */
    unlink(out);
    const char *json[] = { "--format", "json", "--out", out, path, NULL };
    run_sim(json, &o);
    cr_expect_eq(o.status, 0, "%s", o.err);
    cr_expect(strstr(o.out, "\"comparisons\": [") != NULL, "%s", o.out);
    cr_expect(strstr(o.out, "\"name\": \"same arms, ratio\", \"metric\": "
                            "\"canaries.check_latency\", \"statistic\": \"p99\", \"effect\": "
                            "\"ratio\"") != NULL, "%s", o.out);
    /* --strict counts a comparison that FAILS. */
    run_changed(path, out, "{min: 0}", "{min: 1}", &o);
    cr_expect_eq(o.status, 3, "a FAILS comparison under --strict: %d %s", o.status, o.err);
    /* A bad arm is refused before anything runs, at its comparison. */
    run_changed(path, out, "variant: [canaries.service.workers=8]",
                "variant: [canaries.service.workers=0]", &o);
    cr_expect_eq(o.status, 65, "%d %s", o.status, o.err);
    cr_expect(strstr(o.err, "crn.yaml:16:5: comparisons: 'same arms, difference': the variant "
                            "arm is not a valid scenario") != NULL, "%s", o.err);
    remove_tmpdir(dir);
}

/* --robustness judges the comparisons at both ends of each assumption. */
Test(paired, robustness)
{
    char dir[256], path[512], out[600];
    make_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/rob.yaml", dir);
    snprintf(out, sizeof out, "%s/rob.h5", dir);
    write_file(path,
               "name: rob\nseed: 3\nduration: 10s\nreplications: 3\n"
               "canaries:\n  count: 0\n  resources: 2000\n  rotation: {period: 0s}\n"
               "  service:\n    rate: 2000/s\n    workers: 4\n    popularity: zipf\n"
               "    per_item: {dist: constant, value: 10us}\n"
               "    cache: {size: 1000KiB, entry_size: 1KiB}\n"
               "assumptions:\n  - key: canaries.service.zipf_exponent\n    range: [0, 1]\n"
               "    source: test\n"
               "comparisons:\n  - name: twice the cache\n    metric: canaries.check_hit_rate\n"
               "    baseline: []\n    variant: [canaries.service.cache.size=2000KiB]\n"
               "    effect: difference\n    bound: {min: 0.4}\n    source: test\n"
               "    assumptions: [canaries.service.zipf_exponent]\n");
    const char *args[] = { "--robustness", "--out", out, path, NULL };
    run_out o;
    run_sim(args, &o);
    cr_expect_eq(o.status, 0, "%s", o.err);
    cr_expect(strstr(o.out, "robustness of the comparisons") != NULL, "%s", o.out);
    /* Uniform (s = 0): 0.5 -> 1, +0.5 HOLDS; s = 1: the popular half is
     * cached already, so doubling gains less than 0.4. */
    cr_expect(strstr(o.out, "twice the cache: HOLDS at canaries.service.zipf_exponent = 0 "
                            "(difference 0.5") != NULL, "%s", o.out);
    cr_expect(strstr(o.out, "FAILS at 1 (difference") != NULL, "%s", o.out);
    remove_tmpdir(dir);
}
