/* test_claims.c - the claims audit and capacity planning: verdicts at the
 * boundaries, unit conversion, the runbook's capacity arithmetic exactly,
 * and --strict's exit status. */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capacity.h"
#include "claims.h"
#include "planning.h"
#include "verdict.h"
#include "runner.h"
#include "testutil.h"

/* A one-metric result whose replications have the given values, unit ms. */
static void fake_result(runner_result *r, const double *v, size_t n)
{
    memset(r, 0, sizeof *r);
    r->nmetrics = 1;
    r->nreps = n;
    r->defs = calloc(1, sizeof *r->defs);
    r->reps = calloc(n, sizeof *r->reps);
    snprintf(r->defs[0].name, sizeof r->defs[0].name, "m.latency");
    snprintf(r->defs[0].unit, sizeof r->defs[0].unit, "ms");
    r->defs[0].kind = STATS_TALLY;
    r->samples = calloc(n, sizeof *r->samples);
    for (size_t i = 0; i < n; i++) {
        for (int w = 0; w < STATS_WATCHES; w++)
            r->reps[i].watch_thr[w] = NAN;
        r->reps[i].value = v[i];
        r->reps[i].n = 1;
        r->reps[i].p50 = r->reps[i].p95 = r->reps[i].p99 = v[i];
        for (int k = 0; k < STATS_CDF_POINTS; k++)
            r->reps[i].cdf[k] = v[i] * k / 50.0; /* uniform on [0, 2 v] */
    }
}

static claims_claim claim(claims_bound b, double lo, const char *lu, double hi, const char *hu)
{
    claims_claim c;
    memset(&c, 0, sizeof c);
    c.name = c.metric = "m.latency";
    c.source = "test";
    c.bound = b;
    c.lo = lo;
    c.hi = hi;
    snprintf(c.lo_unit, sizeof c.lo_unit, "%s", lu);
    snprintf(c.hi_unit, sizeof c.hi_unit, "%s", hu);
    return c;
}

static const verdict_origin origin = { 1, 0, 1000 };
#define verdict_evaluate(c, r, out) verdict_evaluate(c, r, &origin, 0.95, out)

/* Values 9, 10, 11: mean 10, sd 1, half-width t(.975,2)/sqrt(3) = 2.4841. */
static const double three[] = { 9, 10, 11 };
#define HW 2.484138

Test(claims, verdicts_at_the_boundaries)
{
    runner_result r;
    fake_result(&r, three, 3);
    verdict_result out;
    claims_claim c = claim(CLAIMS_BOUND_MAX, 0, "", 10 + HW + 1e-4, "ms");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_HOLDS);
    cr_expect_float_eq(out.ci_high, 10 + HW, 1e-5);
    c = claim(CLAIMS_BOUND_MAX, 0, "", 10 + HW - 1e-4, "ms");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_INCONCLUSIVE);
    cr_expect_gt(out.more_replications, 0);
    c = claim(CLAIMS_BOUND_MAX, 0, "", 10 - HW - 1e-4, "ms");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_FAILS);
    c = claim(CLAIMS_BOUND_MIN, 10 - HW + 1e-4, "ms", 0, "");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_INCONCLUSIVE);
    c = claim(CLAIMS_BOUND_MIN, 10 - HW - 1e-4, "ms", 0, "");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_HOLDS);
    c = claim(CLAIMS_BOUND_WITHIN, 7, "ms", 13, "ms");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_HOLDS);
    c = claim(CLAIMS_BOUND_WITHIN, 63, "ms", 78, "ms");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_FAILS);
    c = claim(CLAIMS_BOUND_WITHIN, 11, "ms", 20, "ms");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_INCONCLUSIVE);
    /* The estimate sits on the bound: more replications cannot decide. */
    c = claim(CLAIMS_BOUND_MAX, 0, "", 10, "ms");
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_INCONCLUSIVE);
    cr_expect(strstr(out.note, "sits on the bound") != NULL, "%s", out.note);
    runner_result_free(&r);
}

Test(claims, inconclusive_estimates_the_replications_needed)
{
    /* hw shrinks as 1/sqrt(n): distance 1 from the bound at hw 2.484 with
     * n = 3 needs about 3 * 2.484^2 = 18.5 replications in all. */
    runner_result r;
    fake_result(&r, three, 3);
    claims_claim c = claim(CLAIMS_BOUND_MAX, 0, "", 11, "ms");
    verdict_result out;
    verdict_evaluate(&c, &r, &out);
    cr_assert_eq(out.verdict, VERDICT_INCONCLUSIVE);
    cr_expect(out.more_replications >= 15 && out.more_replications <= 20, "%ld",
              out.more_replications);
    runner_result_free(&r);
}

Test(claims, units_convert_and_mismatches_are_reported)
{
    double v;
    cr_expect_eq(claims_convert(0.1, "ms", "ms", &v), 0);
    cr_expect_float_eq(v, 0.1, 1e-15);
    cr_expect_eq(claims_convert(100, "us", "ms", &v), 0);
    cr_expect_float_eq(v, 0.1, 1e-15);
    cr_expect_eq(claims_convert(3, "s", "ms", &v), 0);
    cr_expect_float_eq(v, 3000, 1e-9);
    cr_expect_eq(claims_convert(99.99, "%", "1", &v), 0);
    cr_expect_float_eq(v, 0.9999, 1e-15);
    cr_expect_eq(claims_convert(5, "ms", "requests", &v), -1);
    runner_result r;
    fake_result(&r, three, 3);
    claims_claim c = claim(CLAIMS_BOUND_MAX, 0, "", 0.011, "s"); /* 11 ms */
    verdict_result out;
    verdict_evaluate(&c, &r, &out);
    cr_expect_float_eq(out.bound_hi, 11, 1e-9);
    c.metric = "m.nothing";
    verdict_evaluate(&c, &r, &out);
    cr_expect_eq(out.verdict, VERDICT_NO_DATA);
    runner_result_free(&r);
}

Test(claims, fraction_below_counts_exactly)
{
    runner_result r;
    fake_result(&r, three, 3);
    /* 100 observations per replication, 55, 50 and 45 of them <= 10 ms,
     * counted by the run's watch on that threshold. */
    static const double le[] = { 55, 50, 45 };
    for (int i = 0; i < 3; i++) {
        r.reps[i].n = 100;
        r.reps[i].watch_thr[0] = 10;
        r.reps[i].watch_le[0] = le[i];
        r.reps[i].watch_lt[0] = le[i];
    }
    claims_claim c = claim(CLAIMS_BOUND_MIN, 0.4, "", 0, "");
    c.stat = CLAIMS_FRACTION_BELOW;
    c.threshold = 10;
    snprintf(c.threshold_unit, sizeof c.threshold_unit, "ms");
    verdict_result out;
    verdict_evaluate(&c, &r, &out);
    cr_expect_float_eq(out.estimate, 150.0 / 300.0, 1e-12);
    cr_expect(out.ci_low >= 0 && out.ci_high <= 1 && out.ci_low < 0.5 && out.ci_high > 0.5);
    cr_expect_eq(out.rule, VERDICT_RULE_INTERVAL);
    runner_result_free(&r);
}

Test(capacity, runbook_arithmetic_exactly)
{
    capacity_spec s;
    memset(&s, 0, sizeof s);
    s.months = 6;
    s.growth = 0.15;
    s.buffer = 0.30;
    s.ai_agents = 10547;
    s.tps = 1000;
    s.storage_tb = 50;
    s.compute_cores = 256;
    s.memory_gb = 1024;
    s.network_gbps = 5;
    planning_result *r = calloc(1, sizeof *r);
    planning_runbook(&s, r);
    /* The figures the issue quotes (Python's int(10547 * 1.15 ** m)). */
    cr_expect_eq(r->runbook[3].ai_agents, 16040);
    cr_expect_eq(r->runbook[6].ai_agents, 24395);
    /* Python: int(256 * 1.15**3 * 1.3) = 506; round(50 * 1.15**5, 1) = 100.6 */
    cr_expect_eq(r->runbook[3].compute_cores, 506);
    cr_expect_float_eq(r->runbook[5].storage_tb, 100.6, 1e-12);
    cr_expect_float_eq(r->runbook[6].network_gbps, 11.6, 1e-12);
    cr_assert_eq(r->nrecommendations, 3);
    cr_expect_str_eq(r->recommendations[0], "Add 2 additional consensus nodes by month 3");
    cr_expect_str_eq(r->recommendations[1], "Consider horizontal scaling with Kubernetes");
    cr_expect_str_eq(r->recommendations[2], "Upgrade network infrastructure to 25Gbps");
    free(r);
}

/* Issue 13 item 6: the throughput search against a closed form.  The
 * only bottleneck is one deterministic FIFO server: the client sits alone
 * in region 1 and every request crosses the 1 -> 0 region link as n = 4
 * copies of 1,000 bytes at 800 Mbit/s (100 bytes/us), 40 us per request,
 * while signatures, headers, replies and CPU cost nothing.  So the system
 * is M/D/1 with service rate mu = 800e6 / (8 x 4 x 1000) = 25,000
 * requests/s: below mu the backlog is bounded, above it grows at
 * lambda - mu, and far above it the completed rate is mu itself.  The
 * search (criterion: backlog_growth <= 1.2) must bracket mu: the highest
 * rate shown sustained lies in [0.95 mu, mu] and the lowest not shown
 * sustained in (that, 1.04 mu]; 10,000/s HOLDS, 50,000/s does not.  With
 * the criterion keep_pace >= 0.95 (answered over submitted: mu / lambda
 * past mu) the bracket may reach mu / 0.95, no further. */
static const char md1_yaml[] =
    "name: md1\nseed: %u\nduration: 2s\nwarmup: 200ms\nreplications: 5\n"
    "consensus:\n  nodes: 4\n  request_rate: %s\n  batch_size: 1000\n  window: 10\n"
    "  header_size: 0B\n  signature_size: 0B\n  request_size: 1000B\n  reply_size: 0B\n"
    "  network:\n    delay: {dist: constant, value: 100us}\n"
    "    regions: {count: 2, nodes: [4, 0], clients: 1, latency: [[0ms, 1ms], [1ms, 0ms]], "
    "bandwidth_mbps: 800}\n"
    "throughput:\n  rate: consensus.request_rate\n  claimed: %s\n"
    "  range: [100/s, 1000000/s]\n  tolerance: 1%%\n"
    "claims:\n  - name: bounded\n    metric: consensus.backlog_growth\n"
    "    bound: {max: 1.2}\n    source: test\n";

Test(capacity, throughput_search_md1_closed_form)
{
    const double mu = 800e6 / (8.0 * 4 * 1000);
    const char *claimed[] = { "10000/s", "50000/s", "10000/s" };
    for (int k = 0; k < 3; k++) {
        char text[2048];
        snprintf(text, sizeof text, md1_yaml, 3u, claimed[k], claimed[k]);
        if (k == 2) { /* the other criterion: answered >= 95 % of submitted */
            char *m = strstr(text, "consensus.backlog_growth\n    bound: {max: 1.2}");
            cr_assert_not_null(m);
            snprintf(m, sizeof text - (size_t)(m - text),
                     "consensus.keep_pace\n    bound: {min: 0.95}\n    source: test\n");
        }
        scenario_t *sc = load_scenario_ok(text, NULL, 0);
        planning_throughput *t = calloc(1, sizeof *t);
        err_t e;
        err_clear(&e);
        cr_assert_eq(planning_throughput_run(sc, 1, NULL, 0, t, &e), 0, "%s", e.msg);
        cr_log_info("claimed %s: sustained %.6g, not %.6g, mu %.6g (%zu probes)", claimed[k],
                    t->sustained, t->unsustained, mu, t->nprobes);
        cr_expect_eq(t->verdict, k == 1 ? VERDICT_FAILS : VERDICT_HOLDS, "claimed %s",
                     claimed[k]);
        /* keep_pace >= 0.95 passes an overload up to mu / 0.95 */
        double top = k == 2 ? mu / 0.95 : mu;
        cr_expect(t->sustained >= 0.95 * mu && t->sustained <= top,
                  "highest rate sustained %.6g, service rate %.6g", t->sustained, mu);
        cr_expect(t->unsustained > t->sustained && t->unsustained <= 1.04 * top,
                  "lowest rate not sustained %.6g, service rate %.6g", t->unsustained, mu);
        cr_expect_leq(t->unsustained, t->sustained * 1.01 + 1e-9, "bisected to 1 %%");
        free(t);
        scenario_free(sc);
    }
    /* Far above mu the link serves exactly mu requests per second. */
    for (unsigned seed = 1; seed <= 3; seed++) {
        char text[2048];
        snprintf(text, sizeof text, md1_yaml, seed, "50000/s", "50000/s");
        scenario_t *sc = load_scenario_ok(text, NULL, 0);
        runner_result r;
        err_t e;
        err_clear(&e);
        cr_assert_eq(runner_run(sc, 0, 0, 5, 1, &r, &e), 0, "%s", e.msg);
        int m = runner_metric_index(&r, "consensus.throughput");
        cr_assert_geq(m, 0);
        cr_expect(fabs(r.summary[m].mean - mu) < 0.005 * mu, "seed %u: completed %.6g/s, mu %.6g",
                  seed, r.summary[m].mean, mu);
        m = runner_metric_index(&r, "consensus.backlog_growth");
        cr_expect_gt(r.summary[m].ci_low, 1.2, "seed %u: backlog_growth %.4g", seed,
                     r.summary[m].mean);
        runner_result_free(&r);
        scenario_free(sc);
    }
}

/* The throughput: section's hostile input, at its position. */
Test(capacity, throughput_section_refused)
{
    static const struct { const char *section, *says; } bad[] = {
        { "throughput: {rate: consensus.nodes, claimed: 10/s, range: [1/s, 100/s]}",
          "is not a rate key" },
        { "throughput: {rate: consensus.request_rate, claimed: 1000/s, range: [1/s, 100/s]}",
          "lies outside throughput.range" },
        { "throughput: {rate: consensus.request_rate, claimed: 10/s, range: [100/s, 1/s]}",
          "expected two rates" },
        { "throughput: {rate: \"a`b\", claimed: 10/s, range: [1/s, 100/s]}", "throughput.rate" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "name: t\nconsensus: {nodes: 4}\n%s\n"
                 "claims:\n  - {name: b, metric: consensus.backlog_growth, bound: {max: 1.2}, "
                 "source: t}\n", bad[i].section);
        expect_load_refused(text, bad[i].says, ":3:");
    }
}

Test(strict, failing_claim_exits_3)
{
    char path[] = "/tmp/mwrasp-strict-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("name: strict\nduration: 500s\nreplications: 4\n"
          "mmc: {servers: 1, arrival_rate: 0.5/s}\n"
          "claims:\n"
          "  - {metric: mmc.utilisation, bound: {within: [0.4, 0.6]}, source: test}\n",
          f);
    fclose(f);
    const char *ok[] = { "--quiet", "--strict", "--out", "/tmp/mwrasp-strict.h5", path, NULL };
    run_out o;
    run_sim(ok, &o);
    cr_expect_eq(o.status, 0, "%s", o.err);
    const char *bad[] = { "--quiet", "--strict", "--set", "mmc.arrival_rate=0.9/s", "--out",
                          "/tmp/mwrasp-strict.h5", path, NULL };
    run_sim(bad, &o);
    cr_expect_eq(o.status, 3, "%s", o.err);
    cr_expect(strstr(o.err, "FAILS") != NULL, "%s", o.err);
    const char *lax[] = { "--quiet", "--set", "mmc.arrival_rate=0.9/s", "--out",
                          "/tmp/mwrasp-strict.h5", path, NULL };
    run_sim(lax, &o);
    cr_expect_eq(o.status, 0, "without --strict a failing claim is reported, not fatal");
    unlink(path);
    unlink("/tmp/mwrasp-strict.h5");
}

/* An A/B claim (comparisons:) and the throughput search from the command
 * line: printed after the table, stored in /comparisons/table and
 * /throughput/probes, and a FAILS counts for --strict (exit 3) like a
 * claim's.  Constant delays, 1 ms in the variant and 2 ms in the
 * baseline, isolated requests: a reduction of exactly 50 %. */
Test(strict, comparison_and_throughput_printed_stored_and_strict)
{
    char dir[64], yaml[128], h5[128];
    make_tmpdir(dir, sizeof dir);
    snprintf(yaml, sizeof yaml, "%s/ab.yaml", dir);
    snprintf(h5, sizeof h5, "%s/ab.h5", dir);
    write_file(yaml, "name: ab\nseed: 2\nduration: 3s\nreplications: 3\n"
                     "consensus:\n  nodes: 4\n  request_rate: 20/s\n"
                     "  network: {delay: {dist: constant, value: 1ms}}\n"
                     "  request_interval: {dist: constant, value: 100ms}\n"
                     "comparisons:\n  - {name: halved, metric: consensus.latency, "
                     "statistic: mean, baseline: [consensus.network.delay.value=2ms], "
                     "variant: [], effect: reduction, bound: {min: 60%}, source: t}\n");
    const char *args[] = { "--strict", "--out", h5, yaml, NULL };
    run_out o;
    run_sim(args, &o);
    cr_expect_eq(o.status, 3, "a 50 %% reduction against >= 60 %%: FAILS, exit 3\n%s", o.err);
    cr_expect(strstr(o.out, "comparisons: A/B claims") &&
                  strstr(o.out, "halved: FAILS: reduction 50 % [50, 50]"), "%s", o.out);
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "no results file");
    cr_expect_gt(H5Lexists(f, "/comparisons", H5P_DEFAULT), 0);
    cr_expect_gt(H5Lexists(f, "/comparisons/table", H5P_DEFAULT), 0);
    H5Fclose(f);

    snprintf(yaml, sizeof yaml, "%s/tp.yaml", dir);
    snprintf(h5, sizeof h5, "%s/tp.h5", dir);
    char text[2048];
    snprintf(text, sizeof text, md1_yaml, 1u, "50000/s", "50000/s");
    write_file(yaml, text);
    const char *targs[] = { "--strict", "--out", h5, yaml, NULL };
    run_sim(targs, &o);
    cr_expect_eq(o.status, 3, "50,000/s is past mu = 25,000/s: FAILS, exit 3\n%s", o.err);
    cr_expect(strstr(o.out, "throughput: the highest consensus.request_rate sustained") &&
                  strstr(o.out, "maximum sustainable"), "%s", o.out);
    f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "no results file");
    cr_expect_gt(H5Lexists(f, "/throughput", H5P_DEFAULT), 0);
    cr_expect_gt(H5Lexists(f, "/throughput/probes", H5P_DEFAULT), 0);
    H5Fclose(f);
    remove_tmpdir(dir);
}
