/* test_verdicts.c - the verdict layer against issue 11's reproducers and
 * by coverage: each interval kind, over many seeds, must cover the true
 * value about as often as its level says (95 % +- 3 %), with truths from
 * closed forms (M/M/1 response time, Erlang C for M/M/1, the exponential
 * waiting-time tail). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "audit.h"
#include "campaign.h"
#include "ci.h"
#include "claims.h"
#include "verdict.h"
#include "runner.h"
#include "testutil.h"

/* ---- helpers ---- */

static scenario_t *load_file(const char *path, const char *const *sets, size_t nsets)
{
    cfg_ctx c;
    cfg_ctx_init(&c);
    scenario_t *sc = NULL;
    err_t e;
    err_clear(&e);
    int rc = scenario_load(path, TU_MODELS, sets, nsets, &c, &sc, &e);
    for (size_t i = 0; i < c.ndiags; i++)
        fprintf(stderr, "%s\n", c.diags[i]);
    cfg_ctx_free(&c);
    cr_assert_eq(rc, 0, "%s: %s", path, e.msg);
    return sc;
}

/* Runs sc's replications (optionally with a --decide policy) and judges
 * its claims with Holm at alpha; res must hold sc->claims.n results. */
static void judge(scenario_t *sc, int decide, verdict_result *res, campaign_result *camp)
{
    scenario_t *pts[1] = { sc };
    campaign_opts o = { .threads = 0, .progress = CAMPAIGN_PROGRESS_NONE, .mpi_size = 1 };
    size_t looks = 1;
    audit_decide d = { sc, 0.05, (size_t)sc->precision.max_replications };
    if (decide) {
        looks = audit_looks((size_t)sc->replications, (size_t)sc->precision.max_replications);
        d.alpha_look = 0.05 / (double)looks;
        o.policy = audit_decide_policy;
        o.policy_ctx = &d;
    }
    err_t e;
    err_clear(&e);
    cr_assert_eq(campaign_run(sc, pts, 1, &o, camp, &e), 0, "%s", e.msg);
    verdict_origin origin = { sc->seed, 0, (double)sc->duration_ns / 1e9 };
    cr_assert_eq(verdict_evaluate_all(&sc->claims, camp->points, 1, &origin,
                                     0.05 / (double)looks, res, NULL), 0);
}

/* ---- the reproducers of issue 11 ---- */

Test(reproducers, every_case_claim_fails_with_the_exceedance_count)
{
    scenario_t *sc = load_file("tests/data/verdicts/mm1_max_wait.yaml", NULL, 0);
    verdict_result res[1];
    campaign_result camp;
    judge(sc, 0, res, &camp);
    const verdict_result *r = &res[0];
    cr_expect_eq(r->rule, VERDICT_RULE_EVERY_CASE);
    cr_expect_eq(r->verdict, VERDICT_FAILS, "%s", r->note);
    cr_expect_gt(r->exceed, 0);
    cr_expect_gt(r->reps_exceeding, 0);
    cr_expect_leq(r->reps_exceeding, 30);
    cr_expect_gt(r->observations, 25000);
    cr_expect_geq(r->first_rep, 0);
    cr_expect(isfinite(r->first_time_s) && r->first_time_s > 0, "%g", r->first_time_s);
    cr_expect(r->p_exceed_low >= 0 && r->p_exceed_high <= 1 &&
              r->p_exceed_low <= r->p_exceed && r->p_exceed <= r->p_exceed_high);
    /* The counterexample is in the replication it names. */
    int k = runner_metric_index(&camp.points[0], "mmc.wait");
    cr_assert_geq(k, 0);
    cr_expect_gt(camp.points[0].reps[(size_t)r->first_rep * camp.points[0].nmetrics + (size_t)k].max,
                 12000.0);
    cr_expect(strstr(r->note, "counterexample") != NULL, "%s", r->note);
    campaign_result_free(&camp);
    scenario_free(sc);
}

Test(reproducers, a_seen_safety_violation_fails_with_where_to_find_it)
{
    const char *sets[] = { "consensus.faults.1.count=43", "consensus.faults.0.count=0" };
    scenario_t *sc = load_file("scenarios/consensus_byzantine.yaml", sets, 2);
    verdict_result res[2];
    campaign_result camp;
    judge(sc, 0, res, &camp);
    const verdict_result *r = &res[0];
    cr_expect_eq(r->rule, VERDICT_RULE_RARE);
    cr_expect_eq(r->verdict, VERDICT_FAILS, "%s", r->note);
    cr_expect_geq(r->first_rep, 0);
    cr_expect(isfinite(r->first_time_s), "%s", r->note);
    cr_expect(strstr(r->note, "seed 1") != NULL && strstr(r->note, "replication") != NULL, "%s",
              r->note);
    campaign_result_free(&camp);
    scenario_free(sc);
}

Test(reproducers, no_violation_holds_with_a_bound_on_the_rate)
{
    scenario_t *sc = load_file("scenarios/consensus_byzantine.yaml", NULL, 0);
    verdict_result res[2];
    campaign_result camp;
    judge(sc, 0, res, &camp);
    const verdict_result *r = &res[0];
    cr_expect_eq(r->rule, VERDICT_RULE_RARE);
    cr_expect_eq(r->verdict, VERDICT_HOLDS, "%s", r->note);
    cr_expect(isfinite(r->exceed_upper) && r->exceed_upper > 0, "%g", r->exceed_upper);
    cr_expect(strstr(r->note, "rate <") != NULL, "%s", r->note);
    campaign_result_free(&camp);
    scenario_free(sc);
}

/* The same p99 verdict at 200 s and 40,000 s replications, with intervals
 * that contain the true 9.21 s (200 s needs --decide for enough data). */
Test(reproducers, p99_verdict_does_not_depend_on_run_length)
{
    const double truth = log(100.0) / 0.5 * 1000.0; /* ms */
    const char *longer[] = { "duration=40000s" };
    scenario_t *sc = load_file("tests/data/verdicts/mm1_p99.yaml", longer, 1);
    verdict_result res[2];
    campaign_result camp;
    judge(sc, 0, res, &camp);
    cr_expect_eq(res[0].verdict, VERDICT_FAILS, "40,000 s: %s", res[0].note);
    cr_expect(res[0].ci_low <= truth && truth <= res[0].ci_high, "40,000 s: [%g, %g]",
              res[0].ci_low, res[0].ci_high);
    campaign_result_free(&camp);
    scenario_free(sc);
    sc = load_file("tests/data/verdicts/mm1_p99.yaml", NULL, 0);
    judge(sc, 1, res, &camp);
    cr_expect_eq(res[0].verdict, VERDICT_FAILS, "200 s: %s", res[0].note);
    cr_expect(res[0].ci_low <= truth && truth <= res[0].ci_high, "200 s: [%g, %g]",
              res[0].ci_low, res[0].ci_high);
    cr_expect_gt(camp.points[0].nreps, 30, "--decide added replications");
    /* fraction_below uses exact counts: the true 0.98574 is inside. */
    cr_expect(res[1].ci_low <= 0.98574 && 0.98574 <= res[1].ci_high, "[%g, %g]", res[1].ci_low,
              res[1].ci_high);
    campaign_result_free(&camp);
    scenario_free(sc);
}

/* ---- coverage over many seeds ---- */

/* M/M/1 with lambda = 0.5/s, mu = 1/s: response ~ Exp(0.5/s), so mean 2 s
 * and p99 ln(100)/0.5 s; P(wait > 0) = rho; P(wait > t) = rho e^{-0.5 t}. */
static const char mm1_text[] =
    "name: coverage\n"
    "seed: 1\n"
    "duration: 2000s\n"
    "warmup: 200s\n"
    "replications: 10\n"
    "mmc: {servers: 1, arrival_rate: 0.5/s, service: {dist: exponential, mean: 1s}}\n"
    "claims:\n"
    "  - {metric: mmc.response, statistic: mean, bound: {max: 1s}, source: t}\n"
    "  - {metric: mmc.response, statistic: p99, bound: {max: 1s}, source: t}\n"
    "  - {metric: mmc.waited, statistic: mean, bound: {max: 0.1}, source: t}\n"
    "  - {metric: mmc.wait, statistic: max, bound: {max: 4605.17ms}, source: t}\n";

#define COVERAGE_TRIALS 1000

static void expect_coverage(const char *what, int hits, int trials)
{
    double c = (double)hits / trials;
    cr_log_info("coverage of %s: %.3f over %d seeds", what, c, trials);
    cr_expect(c >= 0.92 && c <= 0.98, "coverage of %s is %.3f over %d seeds (want 0.95 +- 0.03)",
              what, c, trials);
}

Test(coverage, mm1_mean_p99_proportion_and_exceedance, .timeout = 600)
{
    scenario_t *sc = load_scenario_ok(mm1_text, NULL, 0);
    const double mean_ms = 2000, p99_ms = log(100.0) / 0.5 * 1000, rho = 0.5;
    const double p_beyond = rho * exp(-0.5 * 4.60517); /* = 0.05 */
    int hit_mean = 0, hit_p99 = 0, hit_prop = 0, hit_exc = 0;
    verdict_origin origin = { 0, 0, 2000 };
    for (int t = 0; t < COVERAGE_TRIALS; t++) {
        sc->seed = 1000 + (uint64_t)t;
        runner_result r;
        err_t e;
        err_clear(&e);
        cr_assert_eq(runner_run(sc, 0, 0, 10, 0, &r, &e), 0, "%s", e.msg);
        verdict_result res[4];
        for (int c = 0; c < 4; c++)
            verdict_evaluate(&sc->claims.items[c], &r, &origin, 0.95, &res[c]);
        hit_mean += res[0].ci_low <= mean_ms && mean_ms <= res[0].ci_high;
        hit_p99 += res[1].ci_low <= p99_ms && p99_ms <= res[1].ci_high;
        hit_prop += res[2].ci_low <= rho && rho <= res[2].ci_high;
        hit_exc += res[3].p_exceed_low <= p_beyond && p_beyond <= res[3].p_exceed_high;
        cr_assert(res[2].ci_low >= 0 && res[2].ci_high <= 1);
        runner_result_free(&r);
    }
    expect_coverage("the M/M/1 mean response (pooled mean, Student-t)", hit_mean,
                    COVERAGE_TRIALS);
    expect_coverage("the M/M/1 p99 response (Woodruff)", hit_p99, COVERAGE_TRIALS);
    expect_coverage("P(wait) = 0.5 (Wilson, design effect)", hit_prop, COVERAGE_TRIALS);
    expect_coverage("P(wait > 4.6 s) = 0.05 (exceedance, Wilson)", hit_exc, COVERAGE_TRIALS);
    scenario_free(sc);
}

/* A rare proportion: M/M/1 at rho = 0.02 waits with probability 0.02. */
Test(coverage, rare_proportion, .timeout = 600)
{
    scenario_t *sc = load_scenario_ok(
        "name: coverage_rare\nseed: 1\nduration: 2000s\nwarmup: 100s\nreplications: 10\n"
        "mmc: {servers: 1, arrival_rate: 0.02/s, service: {dist: exponential, mean: 1s}}\n"
        "claims:\n  - {metric: mmc.waited, statistic: mean, bound: {max: 0.5}, source: t}\n",
        NULL, 0);
    int hit = 0, inside = 1;
    verdict_origin origin = { 0, 0, 2000 };
    for (int t = 0; t < COVERAGE_TRIALS; t++) {
        sc->seed = 5000 + (uint64_t)t;
        runner_result r;
        err_t e;
        err_clear(&e);
        cr_assert_eq(runner_run(sc, 0, 0, 10, 0, &r, &e), 0, "%s", e.msg);
        verdict_result res;
        verdict_evaluate(&sc->claims.items[0], &r, &origin, 0.95, &res);
        hit += res.ci_low <= 0.02 && 0.02 <= res.ci_high;
        inside &= res.ci_low >= 0 && res.ci_high <= 1;
        runner_result_free(&r);
    }
    cr_expect(inside, "a proportion's interval left [0, 1]");
    expect_coverage("P(wait) = 0.02 (Wilson, design effect)", hit, COVERAGE_TRIALS);
    scenario_free(sc);
}

/* Independent Bernoulli trials at p = 0.02 and 0.5, 10 replications of
 * 50 trials, through the claims layer (the interval alone). */
Test(coverage, bernoulli_proportions)
{
    static const double ps[] = { 0.02, 0.5 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int k = 0; k < 2; k++) {
        int hit = 0;
        for (int t = 0; t < 4000; t++) {
            gsl_rng_set(rng, 77 + (unsigned long)t + 100000UL * (unsigned long)k);
            double x[10], n[10], est, lo, hi;
            for (int r = 0; r < 10; r++) {
                n[r] = 50;
                x[r] = 0;
                for (int i = 0; i < 50; i++)
                    x[r] += gsl_rng_uniform(rng) < ps[k];
            }
            ci_wilson_clustered(x, n, 10, 0.95, &est, &lo, &hi, NULL);
            cr_assert(lo >= 0 && hi <= 1);
            hit += lo <= ps[k] && ps[k] <= hi;
        }
        char what[64];
        snprintf(what, sizeof what, "a Bernoulli proportion at p = %g", ps[k]);
        expect_coverage(what, hit, 4000);
    }
    gsl_rng_free(rng);
}

/* ---- intervals and rules ---- */

Test(intervals, stay_in_their_domains)
{
    double lo, hi, est, d;
    /* 0 of 10 and 10 of 10: inside [0, 1] with the end on the data side. */
    double x0[2] = { 0, 0 }, x1[2] = { 5, 5 }, n[2] = { 5, 5 };
    ci_wilson_clustered(x0, n, 2, 0.95, &est, &lo, &hi, &d);
    cr_expect(lo == 0 && hi > 0 && hi < 1);
    ci_wilson_clustered(x1, n, 2, 0.95, &est, &lo, &hi, &d);
    cr_expect(hi == 1 && lo > 0 && lo < 1);
    /* Clopper-Pearson of 0 of 1213 at one side: about 3/n (issue 11). */
    cr_expect_float_eq(ci_zero_upper(1213, 0.95), 0.00247, 1e-5);
    /* Garwood: 0 events over 1 unit: upper -ln(0.025)... two-sided 3.689. */
    ci_garwood(0, 1, 0.95, &lo, &hi);
    cr_expect_float_eq(lo, 0, 0);
    cr_expect_float_eq(hi, 3.6889, 1e-3);
    cr_expect_float_eq(ci_poisson_zero_upper(1000, 0.95), 2.9957e-3, 1e-6);
}

/* Holm: p-values 0.01, 0.02, 0.04 at m = 3 are all decided (thresholds
 * 0.0167, 0.025, 0.05); 0.01, 0.03, 0.04 stop at the second. */
static void holm_case(const double *p, const verdict_kind *expect)
{
    /* One REAL metric with 3 replications 9, 10, 11: est 10, se 1/sqrt(3),
     * df 2; a bound b = 10 + se * t_{2, 1 - p/2} has p-value exactly p. */
    runner_result r;
    memset(&r, 0, sizeof r);
    r.nmetrics = 1;
    r.nreps = 3;
    r.defs = calloc(1, sizeof *r.defs);
    r.reps = calloc(3, sizeof *r.reps);
    r.samples = calloc(3, sizeof *r.samples);
    snprintf(r.defs[0].name, sizeof r.defs[0].name, "m.x");
    snprintf(r.defs[0].unit, sizeof r.defs[0].unit, "ms");
    r.defs[0].kind = STATS_VALUE;
    r.defs[0].domain = STATS_REAL;
    for (int i = 0; i < 3; i++)
        r.reps[i].value = 9 + i;
    claims_claim items[3];
    memset(items, 0, sizeof items);
    for (int c = 0; c < 3; c++) {
        items[c].name = items[c].metric = "m.x";
        items[c].source = "t";
        items[c].bound = CLAIMS_BOUND_MAX;
        /* slightly inside, so the p-value is just below p */
        items[c].hi = 10 - gsl_cdf_tdist_Pinv(1 - p[c] / 2, 2) / sqrt(3.0) - 1e-9;
        snprintf(items[c].hi_unit, sizeof items[c].hi_unit, "ms");
    }
    claims_list l = { items, 3, NULL, 0, NULL, 0 };
    verdict_result res[3];
    verdict_origin o = { 1, 0, 1 };
    size_t m = 0;
    cr_assert_eq(verdict_evaluate_all(&l, &r, 1, &o, 0.05, res, &m), 0);
    cr_expect_eq(m, 3);
    for (int c = 0; c < 3; c++) {
        cr_expect_eq(res[c].verdict, expect[c], "claim %d (p %g, computed %g): %s", c, p[c],
                     res[c].pvalue, res[c].note);
        cr_expect_float_eq(res[c].pvalue, p[c], p[c] * 1e-3);
    }
    runner_result_free(&r);
}

Test(intervals, holm_step_down)
{
    const double all[] = { 0.01, 0.02, 0.04 };
    const verdict_kind all_v[] = { VERDICT_FAILS, VERDICT_FAILS, VERDICT_FAILS };
    holm_case(all, all_v);
    const double stop[] = { 0.01, 0.03, 0.04 };
    const verdict_kind stop_v[] = { VERDICT_FAILS, VERDICT_INCONCLUSIVE, VERDICT_INCONCLUSIVE };
    holm_case(stop, stop_v);
}

Test(rules, an_input_is_by_construction)
{
    scenario_t *sc = load_scenario_ok(
        "name: byc\nseed: 1\nduration: 60s\nreplications: 3\n"
        "fragments: {items: 1, shares: 5, threshold: 3, nodes: 20, "
        "ttl: {dist: uniform, min: 3s, max: 5s}, read_rate: 0/s}\n"
        "mmc: {servers: 1, arrival_rate: 0.5/s}\n"
        "claims:\n"
        "  - {metric: fragments.share_lifetime, statistic: max, bound: {max: 5s}, source: t}\n"
        "  - {metric: mmc.utilisation, bound: {max: 0.9}, source: t, fixed_by: mmc.arrival_rate}\n"
        "  - {metric: mmc.utilisation, bound: {max: 0.9}, source: t}\n",
        NULL, 0);
    verdict_result res[3];
    campaign_result camp;
    judge(sc, 0, res, &camp);
    cr_expect_eq(res[0].verdict, VERDICT_BY_CONSTRUCTION, "%s", res[0].note);
    cr_expect(strstr(res[0].note, "fragments.ttl") != NULL, "%s", res[0].note);
    cr_expect_eq(res[1].verdict, VERDICT_BY_CONSTRUCTION, "%s", res[1].note);
    cr_expect_eq(res[2].verdict, VERDICT_HOLDS, "%s", res[2].note);
    cr_expect(isnan(res[1].pvalue), "an input is not a test");
    campaign_result_free(&camp);
    scenario_free(sc);
}

Test(rules, direction_in_words)
{
    scenario_t *sc = load_scenario_ok(
        "name: dir\nseed: 1\nduration: 500s\nreplications: 5\n"
        "mmc: {servers: 1, arrival_rate: 0.5/s}\n"
        "claims:\n"
        "  - {metric: mmc.response, bound: {within: [63ms, 78ms]}, source: t}\n"
        "  - {metric: mmc.response, bound: {max: 100ms}, source: t}\n",
        NULL, 0);
    verdict_result res[2];
    campaign_result camp;
    judge(sc, 0, res, &camp);
    cr_expect_eq(res[0].verdict, VERDICT_FAILS);
    cr_expect(strstr(res[0].note, "longer than claimed") != NULL, "%s", res[0].note);
    cr_expect(strstr(res[0].note, "> 78 ms") != NULL, "%s", res[0].note);
    campaign_result_free(&camp);
    scenario_free(sc);
}

/* Censored times: undetected attacks count in P(detected) and the
 * Kaplan-Meier median, never silently dropped. */
Test(rules, time_to_event_keeps_what_never_happened)
{
    double e1[] = { 1, 2, 3 }, e2[] = { 4 }, c1[] = { 10 }, c2[] = { 10, 10 };
    const double *ev[] = { e1, e2 }, *cs[] = { c1, c2 };
    size_t nev[] = { 3, 1 }, ncs[] = { 1, 2 };
    double w[] = { 1, 1 };
    ci_survival *s = ci_survival_new(2, ev, nev, w, cs, ncs, w);
    cr_assert(s);
    /* 7 subjects; S after 1,2,3,4: 6/7, 5/7, 4/7, 3/7 -> median 4. */
    cr_expect_float_eq(ci_km_cdf(s, 3.5), 3.0 / 7.0, 1e-12);
    cr_expect_float_eq(ci_km_quantile(s, 0.5), 4.0, 0);
    cr_expect(isinf(ci_km_quantile(s, 0.9)), "the curve never reaches 0.9");
    cr_expect(ci_survival_uncensored_before(s, 5));
    cr_expect(!ci_survival_uncensored_before(s, 11));
    ci_survival_free(s);
}

/* --decide and --robustness give bit-identical files for 1 and 2 threads. */
Test(audit, decide_and_robustness_are_deterministic, .timeout = 600)
{
    const char *path = "tests/data/verdicts/robust_mmc.yaml";
    const char *t1[] = { "--quiet", "--threads", "1", "--decide", "--robustness", "--out",
                         "/tmp/mwrasp-robust-1.h5", path, NULL };
    const char *t2[] = { "--quiet", "--threads", "2", "--decide", "--robustness", "--out",
                         "/tmp/mwrasp-robust-2.h5", path, NULL };
    run_out o;
    run_sim(t1, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    run_sim(t2, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    const char *groups[] = { "/summary", "/replications", NULL };
    expect_same_datasets("/tmp/mwrasp-robust-1.h5", "/tmp/mwrasp-robust-2.h5", groups);
    if (system("command -v h5diff >/dev/null 2>&1") == 0) {
        cr_expect_eq(system("h5diff -q /tmp/mwrasp-robust-1.h5 /tmp/mwrasp-robust-2.h5 "
                            "/claims/table"), 0, "/claims differ between 1 and 2 threads");
        cr_expect_eq(system("h5diff -q /tmp/mwrasp-robust-1.h5 /tmp/mwrasp-robust-2.h5 "
                            "/robustness/table"), 0,
                     "/robustness differs between 1 and 2 threads");
    }
    /* The break-even is where the mean response 1/(1/s - 0.5/s) crosses
     * 2.5 s: service mean 1/(0.5 + 1/2.5) = 1.111 s. */
    const char *text[] = { "--threads", "2", "--robustness", "--out", "/tmp/mwrasp-robust-3.h5",
                           path, NULL };
    run_sim(text, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    const char *at = strstr(o.out, "HOLDS iff mmc.service.mean < ");
    cr_assert(at != NULL, "%s", o.out);
    double be = atof(at + strlen("HOLDS iff mmc.service.mean < "));
    cr_expect(be > 1.0 && be < 1.25, "break-even %g s, closed form 1.111 s", be);
    unlink("/tmp/mwrasp-robust-1.h5");
    unlink("/tmp/mwrasp-robust-2.h5");
    unlink("/tmp/mwrasp-robust-3.h5");
}

Test(audit, looks_double_up_to_the_maximum)
{
    cr_expect_eq(audit_looks(30, 960), 6);
    cr_expect_eq(audit_looks(10, 10), 1);
    cr_expect_eq(audit_looks(10, 1000), 8);
}

/* A zip sweep's points are named by all their values (issue 13: the
 * Byzantine sweep's points differ by behaviour and integer count at one
 * node count, so "holds for 4, 4" would not say which). */
Test(rules, zip_sweep_region_names_every_axis)
{
    char *nodes[] = { "4", "4", "16" }, *beh[] = { "honest", "equivocate", "delay" },
         *count[] = { "0", "1", "5" };
    sweep_axis axes[3] = {
        { .path = "consensus.nodes", .values = nodes, .nvalues = 3 },
        { .path = "consensus.faults.0.behaviour", .values = beh, .nvalues = 3 },
        { .path = "consensus.faults.0.count", .values = count, .nvalues = 3 },
    };
    sweep_spec sw = { .axes = axes, .naxes = 3, .zip = 1 };
    verdict_result res[3];
    memset(res, 0, sizeof res);
    res[0].verdict = VERDICT_HOLDS;
    res[1].verdict = VERDICT_FAILS;
    res[2].verdict = VERDICT_HOLDS;
    claims_list l = { 0 };
    char buf[1024];
    verdict_region(&l, 0, &sw, 3, res, buf, sizeof buf);
    cr_expect_str_eq(buf, "holds for (4, honest, 0), (16, delay, 5); fails for (4, equivocate, 1) "
                          "(consensus.nodes, consensus.faults.0.behaviour, "
                          "consensus.faults.0.count)");
}
