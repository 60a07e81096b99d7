/* test_threats.c - attacks, canaries, fragments, the incident pipeline and
 * the escalation matrix against closed forms.  Every simulated check is a
 * 95 % confidence interval that must contain the closed form; seeds are
 * fixed, so the tests are deterministic.
 *
 * Closed forms (issue 5):
 *   canaries   P(detect within m touches) = 1 - C(N,m)/C(N+K,m)
 *              (K = 5,234, N = 100,000: m = 10 -> 0.400, m = 50 -> 0.922);
 *              mean time to first trip (N+K)/(rK)
 *   fragments  P_e = sum_{j>=k} C(n,j) p^j (1-p)^(n-j), p = 1 - e^(-lambda tau)
 *              (n = 5, k = 3, lambda = 0.01/s, tau = 4 s: 5.68e-4);
 *              P(win within 60 s) = 1 - (1 - P_e)^15 = 0.0085;
 *              no expiry: mean time to compromise 78.3 s
 *   grover     sin^2((2j+1) theta), sin^2 theta = 2^-k
 *   response   as_written classifies confidence 0.97 as low
 *   escalation one on-call person, Poisson pages, constant service:
 *              Pollaczek-Khinchine M/D/1 wait */
#include <criterion/criterion.h>

#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attacks.h"
#include "grover.h"
#include "canaries.h"
#include "escalation.h"
#include "fragments.h"
#include "response.h"
#include "runner.h"
#include "scenario.h"
#include "verdict.h"

static scenario_t *load_text(const char *text)
{
    return load_scenario_ok(text, NULL, 0);
}

static void run(const char *text, runner_result *r)
{
    scenario_t *sc = load_text(text);
    err_t e;
    err_clear(&e);
    cr_assert_eq(runner_run(sc, 0, 0, (size_t)sc->replications, 0, r, &e), 0, "%s", e.msg);
    scenario_free(sc);
}

static const stats_summary *summary(const runner_result *r, const char *name)
{
    int k = runner_metric_index(r, name);
    cr_assert_geq(k, 0, "no metric %s", name);
    return &r->summary[k];
}

static void check_inside(const runner_result *r, const char *name, double expect)
{
    const stats_summary *s = summary(r, name);
    cr_log_info("%s: simulated %.5g [%.5g, %.5g], closed form %.5g", name, s->mean,
                s->ci_low, s->ci_high, expect);
    cr_expect(s->ci_low <= expect && expect <= s->ci_high,
              "%s: closed form %.6g outside the 95%% CI [%.6g, %.6g] (mean %.6g)", name,
              expect, s->ci_low, s->ci_high, s->mean);
}

/* Wilson 95 % interval of a binomial proportion. */
static void wilson(double successes, double n, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double p = successes / n, z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    *lo = centre - half;
    *hi = centre + half;
}

/* ---- canaries ----------------------------------------------------------- */

Test(canaries, closed_form_values)
{
    cr_expect(fabs(canaries_detect_within(5234, 100000, 10) - 0.400) < 5e-4,
              "m=10: %.5f", canaries_detect_within(5234, 100000, 10));
    cr_expect(fabs(canaries_detect_within(5234, 100000, 50) - 0.922) < 5e-4,
              "m=50: %.5f", canaries_detect_within(5234, 100000, 50));
    cr_expect(fabs(canaries_mean_time_to_trip_s(5234, 100000, 10.0) - 105234.0 / 52340.0) < 1e-12);
}

/* Recon sessions probing 10 distinct resources a second, one a minute. */
static void canary_window(int touches)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: t\nseed: 21\nduration: 2h\nreplications: 20\n"
             "canaries:\n  count: 5234\n  resources: 100000\n  touches: distinct\n"
             "  window_touches: %d\n  rotation: {period: 0s}\n"
             "attacks:\n  timeline:\n"
             "    - {type: recon, rate: 1/min, probe_rate: 10/s}\n",
             touches);
    runner_result r;
    run(text, &r);
    check_inside(&r, "canaries.detected_within_touches",
                 canaries_detect_within(5234, 100000, touches));
    runner_result_free(&r);
}

Test(canaries, detect_within_10_touches) { canary_window(10); }
Test(canaries, detect_within_50_touches) { canary_window(50); }

/* Recon sessions (1/min) against 5,234 canaries among 100,000 resources
 * with independent touches; `canaries` and `probe` add keys. */
static void run_recon(uint64_t seed, const char *duration, int reps, const char *canaries,
                      const char *probe, runner_result *r)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: t\nseed: %llu\nduration: %s\nreplications: %d\n"
             "canaries:\n  count: 5234\n  resources: 100000\n  touches: independent\n"
             "  rotation: {period: 0s}\n  %s\n"
             "attacks:\n  timeline:\n"
             "    - {type: recon, rate: 1/min, %s}\n",
             (unsigned long long)seed, duration, reps, canaries, probe);
    run(text, r);
}

/* Hand count, every replication: each session is decided (an observation
 * of `decided`) or counted in `censored`, never both, never neither;
 * returns the smallest censored share of a replication. */
static double expect_decided_or_censored(const runner_result *r, const char *decided,
                                         const char *censored)
{
    int kw = runner_metric_index(r, decided), kc = runner_metric_index(r, censored);
    int ks = runner_metric_index(r, "canaries.sessions");
    cr_assert(kw >= 0 && kc >= 0 && ks >= 0);
    double least = 1;
    for (size_t i = 0; i < r->nreps; i++) {
        const stats_rep *q = &r->reps[i * r->nmetrics];
        cr_expect_eq(q[kw].n + q[kc].value, q[ks].value,
                     "rep %zu: %g decided + %g censored != %g sessions", i, q[kw].n,
                     q[kc].value, q[ks].value);
        least = fmin(least, q[kc].value / q[ks].value);
    }
    return least;
}

/* detected_within_window under censoring.  Independent touches at rate r
 * trip at rate lambda = r K / (N + K), so P(trip within W) = 1 - exp(-lambda
 * W).  Recon sessions probe without end, so a session is in the denominator
 * exactly when it started at least W before the end of the run; the others
 * are censored, tripped or not (keeping the early trips among them is what
 * made a short run report 1 [1, 1]). */
static void canary_censored_window(uint64_t seed)
{
    runner_result r;
    run_recon(seed, "1h", 20, "window: 10min", "probe_rate: 0.02/s", &r);
    double lambda = 0.02 * 5234.0 / 105234.0;
    check_inside(&r, "canaries.detected_within_window", -expm1(-lambda * 600.0));
    expect_decided_or_censored(&r, "canaries.detected_within_window",
                               "canaries.window_censored");
    /* Sessions start as a Poisson process of 1/min: those of the last
     * 10 min are censored, 10 per replication on average. */
    check_inside(&r, "canaries.window_censored", 10.0);
    runner_result_free(&r);
}

Test(canaries, censored_window_seed_31) { canary_censored_window(31); }
Test(canaries, censored_window_seed_32) { canary_censored_window(32); }
Test(canaries, censored_window_seed_33) { canary_censored_window(33); }

/* detected_within_touches when probing stops early: 5 min at 0.1/s is 30
 * touches on average, so about half the sessions stop before the 30th.
 * Independent touches hit with K / (N + K) each: P(trip within m) =
 * 1 - (N / (N + K))^m, 0.783 at m = 30.  Keeping the early trips of the
 * sessions that stopped short (and dropping the rest) gave about 0.87. */
static void canary_censored_touches(uint64_t seed)
{
    runner_result r;
    run_recon(seed, "2h", 10, "window_touches: 30", "probe_rate: 0.1/s, probe_for: 5min", &r);
    check_inside(&r, "canaries.detected_within_touches", 1 - pow(100000.0 / 105234.0, 30));
    double least = expect_decided_or_censored(&r, "canaries.detected_within_touches",
                                              "canaries.touches_censored");
    cr_expect_gt(least, 0.3, "about half the sessions censored, at least %g", least);
    runner_result_free(&r);
}

Test(canaries, censored_touches_seed_41) { canary_censored_touches(41); }
Test(canaries, censored_touches_seed_42) { canary_censored_touches(42); }
Test(canaries, censored_touches_seed_43) { canary_censored_touches(43); }

/* A run shorter than the window decides no session: no estimate (the
 * verdict is NO DATA), every session censored. */
Test(canaries, run_shorter_than_window_has_no_estimate)
{
    scenario_t *sc = load_text(
        "name: t\nseed: 34\nduration: 30min\nreplications: 4\n"
        "canaries:\n  count: 5234\n  resources: 100000\n  touches: independent\n"
        "  window: 1h\n  rotation: {period: 0s}\n"
        "attacks:\n  timeline:\n"
        "    - {type: recon, rate: 1/min, probe_rate: 0.1/s}\n"
        "claims:\n  - {name: c, metric: canaries.detected_within_window, statistic: mean,"
        " bound: {min: 0.9}, source: t}\n");
    runner_result r;
    err_t e;
    err_clear(&e);
    cr_assert_eq(runner_run(sc, 0, 0, (size_t)sc->replications, 0, &r, &e), 0, "%s", e.msg);
    const stats_summary *w = summary(&r, "canaries.detected_within_window");
    cr_expect(w->n == 0 && w->reps_with_data == 0 && isnan(w->mean), "n %g, mean %g", w->n,
              w->mean);
    cr_expect_eq(summary(&r, "canaries.window_censored")->mean,
                 summary(&r, "canaries.sessions")->mean);
    cr_expect_gt(summary(&r, "canaries.trips")->mean, 10, "trips happen, yet no estimate");
    verdict_origin origin = { sc->seed, 0, (double)sc->duration_ns / 1e9 };
    verdict_result v;
    verdict_evaluate(&sc->claims.items[0], &r, &origin, 0.95, &v);
    cr_expect_eq(v.verdict, VERDICT_NO_DATA, "verdict %d: %s", (int)v.verdict, v.note);
    runner_result_free(&r);
    scenario_free(sc);
}

Test(canaries, mean_time_to_first_trip)
{
    runner_result r;
    run("name: t\nseed: 22\nduration: 2h\nreplications: 20\n"
        "canaries:\n  count: 5234\n  resources: 100000\n  touches: independent\n"
        "  rotation: {period: 0s}\n"
        "attacks:\n  timeline:\n"
        "    - {type: recon, rate: 1/min, probe_rate: 10/s}\n",
        &r);
    check_inside(&r, "canaries.time_to_first_trip",
                 canaries_mean_time_to_trip_s(5234, 100000, 10.0));
    check_inside(&r, "canaries.touches_to_trip", 105234.0 / 5234.0);
    runner_result_free(&r);
}

Test(canaries, daily_rotation_cost)
{
    runner_result r;
    run("name: t\nseed: 23\nduration: 3d\nreplications: 2\n"
        "canaries: {count: 5234, rotation: {period: 1d, first: 6h, each: 12.3ms}}\n",
        &r);
    /* runbook L539-L542: 5,234 rotated a day at 12.3 ms each = 64.4 s */
    cr_expect_float_eq(summary(&r, "canaries.rotations")->mean, 3 * 5234.0, 1e-9);
    cr_expect_float_eq(summary(&r, "canaries.rotation_time")->mean, 3 * 5234 * 0.0123, 1e-6);
    runner_result_free(&r);
}

/* ---- fragments ---------------------------------------------------------- */

Test(fragments, closed_form_values)
{
    double pe = fragments_epoch_success(5, 3, 0.01, 4.0);
    cr_expect(fabs(pe - 5.68e-4) < 0.005e-4, "P_e = %.4g", pe);
    cr_expect(fabs(-expm1(15 * log1p(-pe)) - 0.0085) < 0.00005, "P(win in 60 s)");
    cr_expect(fabs(fragments_mean_time_to_compromise_s(5, 3, 0.01) - 78.33) < 0.01);
}

#define THEFT_TEXT(extra)                                                              \
    "fragments:\n  shares: 5\n  threshold: 3\n  nodes: 5\n  read_rate: 0/s\n" extra     \
    "attacks:\n  timeline:\n    - {type: fragment_theft, at: 0s, capture_rate: 0.01/s}\n"

Test(fragments, per_epoch_success)
{
    runner_result r;
    run("name: t\nseed: 31\nduration: 2d\nreplications: 20\n"
        THEFT_TEXT("  mode: refresh\n  refresh: 4s\n"), &r);
    check_inside(&r, "fragments.epoch_compromised", fragments_epoch_success(5, 3, 0.01, 4.0));
    runner_result_free(&r);
}

Test(fragments, win_within_60s)
{
    /* One Bernoulli per replication: run them one by one (runner_run would
     * keep every replication's metrics) and take a Wilson interval. */
    scenario_t *sc = load_text("name: t\nseed: 77\nduration: 60s\nreplications: 1\n"
                               THEFT_TEXT("  mode: refresh\n  refresh: 4s\n"));
    const int reps = 100000;
    double wins = 0;
    for (int i = 0; i < reps; i++) {
        runner_rep out;
        err_t e;
        err_clear(&e);
        cr_assert_eq(runner_replicate(sc, 0, (uint64_t)i, NULL, &out, &e), 0, "%s", e.msg);
        for (size_t k = 0; k < out.nmetrics; k++)
            if (strcmp(out.defs[k].name, "fragments.attacker_won") == 0)
                wins += out.reps[k].value;
        runner_rep_free(&out);
    }
    scenario_free(sc);
    double expect = -expm1(15 * log1p(-fragments_epoch_success(5, 3, 0.01, 4.0)));
    double lo, hi;
    wilson(wins, reps, &lo, &hi);
    cr_log_info("P(win within 60 s): %.5f [%.5f, %.5f], closed form %.5f", wins / reps, lo, hi,
                expect);
    cr_expect(lo <= expect && expect <= hi, "closed form %.5f outside [%.5f, %.5f]", expect, lo, hi);
}

Test(fragments, no_expiry_time_to_compromise)
{
    runner_result r;
    run("name: t\nseed: 33\nduration: 2h\nreplications: 400\n" THEFT_TEXT("  mode: none\n"), &r);
    check_inside(&r, "fragments.time_to_reconstruct", fragments_mean_time_to_compromise_s(5, 3, 0.01));
    cr_expect_float_eq(summary(&r, "fragments.attacker_won")->mean, 1.0, 1e-12);
    runner_result_free(&r);
}

Test(fragments, lifetimes_3_to_5s)
{
    runner_result r;
    run("name: t\nseed: 34\nduration: 10min\nreplications: 4\n"
        "fragments: {mode: expiry, ttl: {dist: uniform, min: 3s, max: 5s}, read_rate: 10/s}\n",
        &r);
    check_inside(&r, "fragments.share_lifetime", 4.0);
    cr_expect_float_eq(summary(&r, "fragments.lifetime_in_3_5s")->mean, 1.0, 1e-12);
    cr_expect_float_eq(summary(&r, "fragments.read_success")->mean, 1.0, 1e-12);
    runner_result_free(&r);
    /* A 2 s expiry sweeper makes shares outlive 5 s. */
    run("name: t\nseed: 35\nduration: 10min\nreplications: 4\n"
        "fragments: {mode: expiry, sweep: 2s, read_rate: 0/s}\n", &r);
    cr_expect_lt(summary(&r, "fragments.lifetime_in_3_5s")->mean, 0.9);
    cr_expect_gt(summary(&r, "fragments.share_lifetime")->mean, 4.5);
    runner_result_free(&r);
}

Test(fragments, refresh_gap_costs_reads)
{
    /* Re-sharing takes 1 s of every 4 s epoch: 3/4 of reads succeed. */
    runner_result r;
    run("name: t\nseed: 36\nduration: 1h\nreplications: 10\n"
        "fragments: {mode: refresh, refresh: 4s, reshare_time: {dist: constant, value: 1s}, "
        "read_rate: 5/s}\n", &r);
    check_inside(&r, "fragments.read_success", 0.75);
    runner_result_free(&r);
}

/* Issue 14 item 6, counted by hand: the first deal happens in init, at
 * t = 0, and counts (it was lost to a metrics reset at t = 0 even without
 * warmup: 1919 for 1920 deals).  Refresh every 4 s over 7680 s deals at
 * 0, 4, ..., 7676 s (the one at 7680 s = the end does not run): 1920 per
 * item, in every replication. */
Test(fragments, generations_count_the_deal_made_in_init)
{
    runner_result r;
    run("name: t\nseed: 37\nduration: 7680s\nwarmup: 0s\nreplications: 3\n"
        "fragments: {items: 2, mode: refresh, refresh: 4s, read_rate: 0/s}\n", &r);
    int k = runner_metric_index(&r, "fragments.generations");
    cr_assert_geq(k, 0);
    for (size_t i = 0; i < r.nreps; i++)
        cr_expect_eq(r.reps[i * r.nmetrics + (size_t)k].value, 2 * 1920.0, "rep %zu: %g", i,
                     r.reps[i * r.nmetrics + (size_t)k].value);
    runner_result_free(&r);
}

/* ---- grover ------------------------------------------------------------- */

/* Smallest / largest observation of a tally over all replications. */
static double rep_extreme(const runner_result *r, const char *name, int largest)
{
    int k = runner_metric_index(r, name);
    cr_assert_geq(k, 0, "no metric %s", name);
    double v = largest ? -INFINITY : INFINITY;
    for (size_t i = 0; i < r->nreps; i++) {
        const stats_rep *x = &r->reps[i * r->nmetrics + (size_t)k];
        if (x->n > 0)
            v = largest ? fmax(v, x->max) : fmin(v, x->min);
    }
    return v;
}

Test(grover, closed_form_values)
{
    /* optimal j = round(pi/(4 theta) - 1/2) reaches P ~ 1 */
    cr_expect_eq(grover_iterations(20, 1), 804.0);
    cr_expect_gt(grover_success(20, 1, 804), 0.999);
    cr_expect(fabs(grover_log2_iterations(128, 1) - (64 + log2(3.14159265358979 / 4))) < 1e-9);
    /* exact counts (docs/grover.md): k = 40 and 56 */
    cr_expect_eq(grover_iterations(40, 1), 823549.0);
    cr_expect_eq(grover_iterations(56, 1), 210828714.0);
    /* 128-bit key at 1e6 iterations/s: (pi/4) 2^64 / 1e6 s = 4.59e5 years */
    attacks_item a = { .type = ATTACKS_GROVER, .cycle_s = 1e-6, .code_distance = 1,
                       .machines = 1, .measure_at = 1 };
    double y = attacks_years_to_break(&a, 128);
    cr_expect(fabs(y / 4.591e5 - 1) < 1e-3, "years = %g", y);
    /* 256 bits: (pi/4) 2^128 / 1e6 s = 8.47e24 years; nothing overflowed */
    double y256 = attacks_years_to_break(&a, 256);
    cr_expect(isfinite(y256) && fabs(y256 / 8.4689e24 - 1) < 1e-3, "years(256) = %g", y256);
    /* half the iterations: sin^2 of about pi/4 */
    cr_expect(fabs(grover_success(20, 1, 402) - 0.5) < 0.01);
}

/* Issue 14: measure_at 1 at k = 20 ran floor(exp2(log2 804)) = 803
 * iterations.  The count, the log2 metric and the simulated time of the
 * measurement (804 / rate) all say 804. */
Test(grover, k20_runs_804_iterations_not_803)
{
    attacks_item a = { .type = ATTACKS_GROVER, .cycle_s = 1e-3, .code_distance = 1,
                       .machines = 1, .measure_at = 1 };
    cr_expect_eq(attacks_grover_iterations(&a, 20), 804.0);
    runner_result r;
    run("name: t\nseed: 44\nduration: 10s\nreplications: 20\n"
        "attacks:\n  timeline:\n"
        "    - {type: grover, name: k20, at: 0s, key_bits: 20, iteration_rate: 1000/s}\n", &r);
    cr_expect_float_eq(summary(&r, "attacks.grover_log2_iterations.k20")->mean, log2(804.0),
                       1e-12);
    /* P(miss) at 804 is 2.4e-7: every replication wins at its first
     * measurement, 0.804 s after the start. */
    double lo = rep_extreme(&r, "attacks.grover_time_to_win", 0);
    cr_expect_float_eq(lo, 0.804, 1e-9, "first measurement at %.9g s", lo);
    cr_expect_float_eq(rep_extreme(&r, "attacks.grover_time_to_win", 1), 0.804, 1e-9);
    runner_result_free(&r);
}

/* p machines each search 2^k / p keys: the time to key falls by sqrt(p)
 * (Zalka 1999), so 4 machines give 2x, not 4x; 256 give 16x. */
Test(grover, four_machines_give_sqrt_p_speed_up)
{
    for (double k = 20; k <= 256; k += 12) {
        double r4 = grover_iterations(k, 1) / grover_iterations(k, 4);
        cr_expect(fabs(r4 - 2) < 2e-3, "k = %g: speed-up %g", k, r4);
        double r256 = grover_iterations(k, 1) / grover_iterations(k, 256);
        cr_expect(fabs(r256 / 16 - 1) < 0.05, "k = %g: speed-up(256) %g", k, r256);
    }
    /* In a run: a 30-bit key on 1 and on 4 machines of 1 ms iterations. */
    double t[2];
    for (int i = 0; i < 2; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "name: t\nseed: %d\nduration: 2h\nreplications: 10\n"
                 "attacks:\n  timeline:\n"
                 "    - {type: grover, name: g, at: 0s, key_bits: 30, "
                 "machine: {cycle: 1ms, code_distance: 1, machines: %d}}\n", 45 + i, i ? 4 : 1);
        runner_result r;
        run(text, &r);
        t[i] = rep_extreme(&r, "attacks.grover_time_to_win", 0);
        runner_result_free(&r);
    }
    cr_log_info("time to win: 1 machine %.6g s, 4 machines %.6g s", t[0], t[1]);
    cr_expect(fabs(t[0] / t[1] - 2) < 2e-3, "speed-up %g", t[0] / t[1]);
}

/* The published machine estimate (docs/grover.md): "assuming that one can
 * prepare-and-run the Grover machine in one nanosecond ... for AES-128 it
 * will take ~585 years", 2^64 iterations (no pi/4), one machine, and "less
 * than one year" with 10^6 machines (crypto.stackexchange q. 6712).  The
 * same inputs reproduce it to within 1 %. */
Test(grover, aes128_published_estimate_within_one_percent)
{
    attacks_item a = { .type = ATTACKS_GROVER, .cycle_s = 1e-9, .code_distance = 1,
                       .machines = 1, .measure_at = 1, .iter_count = ATTACKS_COUNT_SQRT_N };
    runner_result r;
    run("name: t\nseed: 47\nduration: 1s\nreplications: 2\n"
        "attacks:\n  timeline:\n"
        "    - {type: grover, name: se, at: 0s, key_bits: 128, iterations: sqrt_n,\n"
        "       machine: {cycle: 1ns, code_distance: 1, machines: 1}}\n"
        "    - {type: grover, name: se_1e6, at: 0s, key_bits: 128, iterations: sqrt_n,\n"
        "       machine: {cycle: 1ns, code_distance: 1, machines: 1e6}}\n"
        "    - {type: grover, name: jnrv, at: 0s, key_bits: 128,\n"
        "       machine: {cipher: aes128, cycle: 1us, code_distance: 1}}\n", &r);
    double y = summary(&r, "attacks.grover_search_years.se")->mean;
    cr_log_info("AES-128, 1 ns per iteration, 2^64 iterations: %.6g years (cited: 585)", y);
    cr_expect(fabs(y / 585 - 1) < 0.01, "%g years against the cited 585", y);
    cr_expect(fabs(attacks_years_to_break(&a, 128) * grover_success(128, 1, exp2(64)) / y - 1) <
              1e-9);
    double y6 = summary(&r, "attacks.grover_search_years.se_1e6")->mean;
    cr_expect(y6 < 1 && fabs(y6 / (y / 1000) - 1) < 1e-9, "10^6 machines: %g years", y6);
    cr_expect_float_eq(summary(&r, "attacks.grover_simulable.se")->mean, 0.0, 0);
    /* JNRV's AES-128 oracle (Maximov MixColumn, r = 2): depth 2096 per
     * iteration, so one sequential search is (pi/4) 2^64 x 2096 = 1.61 x
     * 2^74 layers, far beyond MAXDEPTH 2^40; 5,633 logical qubits; at a
     * 1 us logical cycle 9.62e8 years. */
    double d = summary(&r, "attacks.grover_log2_depth.jnrv")->mean;
    cr_expect(fabs(d - (74 + log2(1.61))) < 0.01, "log2 depth %g", d);
    cr_expect_float_eq(summary(&r, "attacks.grover_within_maxdepth.jnrv")->mean, 0.0, 0);
    cr_expect_float_eq(summary(&r, "attacks.grover_logical_qubits.jnrv")->mean, 5633.0, 0);
    double yj = summary(&r, "attacks.grover_search_years.jnrv")->mean;
    cr_expect(fabs(yj / 9.62e8 - 1) < 0.01, "%g years", yj);
    runner_result_free(&r);
}

/* The classical baseline: 2^40 keys at 8.4e9 keys/s (one RTX 3090, hashcat
 * AES-128, docs/grover.md) is 130.9 s for the whole space; the key is
 * uniform in it, so every win comes within 130.9 s, the mean at 65.4 s. */
Test(grover, classical_baseline_breaks_40_bits_in_keys_over_rate)
{
    runner_result r;
    run("name: t\nseed: 48\nduration: 10min\nreplications: 200\n"
        "attacks:\n  timeline:\n"
        "    - {type: classical_search, name: gpu, at: 0s, key_bits: 40, keys_per_s: 8.4e9}\n",
        &r);
    double full = exp2(40) / 8.4e9;
    cr_expect_float_eq(summary(&r, "attacks.classical_full_search_s.gpu")->mean, full, 1e-9);
    cr_expect_float_eq(summary(&r, "attacks.classical_won.gpu")->mean, 1.0, 0);
    const stats_summary *t = summary(&r, "attacks.classical_time_to_key.gpu");
    double hi = rep_extreme(&r, "attacks.classical_time_to_key.gpu", 1);
    cr_expect_leq(hi, full);
    cr_expect_geq(rep_extreme(&r, "attacks.classical_time_to_key.gpu", 0), 0.0);
    /* pooled mean of 200 uniform draws: sd full / sqrt(12 x 200) */
    double se = full / sqrt(12.0 * 200);
    cr_log_info("time to key: mean %.4g s (predicted %.4g s), max %.4g s <= %.4g s", t->mean,
                full / 2, hi, full);
    cr_expect(fabs(t->mean - full / 2) < 4 * se, "mean %g, predicted %g +- %g", t->mean,
              full / 2, se);
    runner_result_free(&r);
}

Test(grover, early_measurement_success_probability)
{
    runner_result r;
    run("name: t\nseed: 41\nduration: 1min\nreplications: 400\n"
        "attacks:\n  timeline:\n"
        "    - {type: grover, at: 0s, key_bits: 20, iteration_rate: 100/s, measure_at: 0.5, "
        "restart: false}\n", &r);
    double j = floor(grover_iterations(20, 1) * 0.5);
    check_inside(&r, "attacks.grover_won", grover_success(20, 1, j));
    runner_result_free(&r);
}

#define GROVER_TOY                                                                       \
    "attacks:\n  timeline:\n"                                                            \
    "    - {type: grover, at: 0s, key_bits: 20, iteration_rate: 100/s, "                 \
    "confidence: {dist: constant, value: 0.9}, detect: {probability: 1, latency: {dist: constant, value: 1s}}}\n"

Test(grover, undefended_toy_key_falls)
{
    runner_result r;
    run("name: t\nseed: 42\nduration: 1min\nreplications: 20\n" GROVER_TOY, &r);
    cr_expect_gt(summary(&r, "attacks.grover_won")->mean, 0.95);
    runner_result_free(&r);
}

Test(grover, rotation_and_expansion_win_the_race)
{
    runner_result r;
    run("name: t\nseed: 43\nduration: 1min\nreplications: 20\n" GROVER_TOY
        "response: {expanded_bits: 256}\n", &r);
    cr_expect_float_eq(summary(&r, "attacks.grover_won")->mean, 0.0, 1e-12);
    cr_expect_gt(summary(&r, "attacks.grover_dead_keys")->mean, 0.5);
    /* detected 1 s after the start, contained some ms later */
    cr_expect_float_eq(summary(&r, "attacks.time_to_detect")->mean, 1.0, 1e-9);
    cr_expect_gt(summary(&r, "attacks.time_to_contain")->mean, 1.0);
    cr_expect_lt(summary(&r, "attacks.time_to_contain")->mean, 1.2);
    runner_result_free(&r);
}

/* ---- response ----------------------------------------------------------- */

Test(response, classification)
{
    cr_expect_eq(response_classify(0.97, 1), RESPONSE_LOW, "as_written: 0.97 is low");
    cr_expect_eq(response_classify(0.97, 0), RESPONSE_CRITICAL);
    cr_expect_eq(response_classify(0.85, 0), RESPONSE_HIGH);
    cr_expect_eq(response_classify(0.70, 0), RESPONSE_MEDIUM);
    cr_expect_eq(response_classify(0.40, 0), RESPONSE_LOW);
    cr_expect_eq(response_classify(0.10, 0), RESPONSE_LOW);
    for (double c = 0; c <= 1.0; c += 0.01)
        cr_expect_eq(response_classify(c, 1), RESPONSE_LOW);
}

static void classify_run(const char *mode, const char *expect_metric)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nseed: 51\nduration: 1min\nreplications: 2\n"
             "attacks:\n  timeline:\n"
             "    - {type: grover, at: 1s, iteration_rate: 1e6/s, "
             "confidence: {dist: constant, value: 0.97}, detect: {probability: 1}}\n"
             "response: {classification: %s}\n", mode);
    runner_result r;
    run(text, &r);
    cr_expect_float_eq(summary(&r, "response.incidents")->mean, 1.0, 1e-12);
    cr_expect_float_eq(summary(&r, expect_metric)->mean, 1.0, 1e-12, "%s: %s", mode, expect_metric);
    runner_result_free(&r);
}

Test(response, as_written_is_low) { classify_run("as_written", "response.incidents_low"); }
Test(response, intended_is_critical) { classify_run("intended", "response.incidents_critical"); }

#define CONST(ms) "{dist: constant, value: " #ms "ms}"
#define PIPELINE                                                                          \
    "  steps: {classify: " CONST(1) ", emergency_key_rotation: " CONST(2)                  \
    ", key_space_expansion: " CONST(20) ", isolate_agents: " CONST(10)                     \
    ", reactive_canaries: " CONST(15) ", threat_intel_update: " CONST(10)                  \
    ", notify_stakeholders: " CONST(5) "}\n"                                               \
    "  containment: {emergency_shutdown: " CONST(50) ", full_isolation: " CONST(30)        \
    ", incident_response: " CONST(10) "}\n"                                                \
    "  keys_per_rotation: 10\n"

Test(response, sequential_and_parallel_times)
{
    const char *head = "name: t\nseed: 52\nduration: 1min\nreplications: 2\n"
                       "attacks:\n  timeline:\n"
                       "    - {type: grover, at: 1s, iteration_rate: 1e6/s, "
                       "confidence: {dist: constant, value: 0.97}, detect: {probability: 1}}\n"
                       "response:\n" PIPELINE;
    char text[4096];
    runner_result r;
    /* critical Grover: classify 1 + containment 90 + rotation 10 x 2 +
     * expansion 20 + canaries 15 + intel 10 + notify 5 = 161 ms > 100 ms */
    snprintf(text, sizeof text, "%s  parallel: false\n", head);
    run(text, &r);
    cr_expect_float_eq(summary(&r, "response.total")->mean, 161.0, 1e-9);
    cr_expect_float_eq(summary(&r, "response.step.containment")->mean, 90.0, 1e-9);
    cr_expect_float_eq(summary(&r, "response.time_to_contain")->mean, 91.0, 1e-9);
    cr_expect_float_eq(summary(&r, "response.within_target")->mean, 0.0, 1e-12);
    runner_result_free(&r);
    /* parallel: classify 1 + the longest (containment 50) = 51 ms */
    snprintf(text, sizeof text, "%s  parallel: true\n", head);
    run(text, &r);
    cr_expect_float_eq(summary(&r, "response.total")->mean, 51.0, 1e-9);
    cr_expect_float_eq(summary(&r, "response.within_target")->mean, 1.0, 1e-12);
    runner_result_free(&r);
}

/* ---- escalation --------------------------------------------------------- */

Test(escalation, default_matrix)
{
    const char *const *p = escalation_default_path(RESPONSE_QUANTUM_ATTACK, RESPONSE_CRITICAL);
    const char *want[] = {"security_manager", "ciso", "ceo", "legal", NULL};
    for (int i = 0; want[i]; i++)
        cr_expect_str_eq(p[i], want[i]);
    cr_expect_null(p[4]);
    p = escalation_default_path(RESPONSE_DATA_BREACH, RESPONSE_CRITICAL);
    cr_expect_str_eq(p[4], "regulators");
}

Test(escalation, single_on_call_is_md1)
{
    /* Low-severity quantum incidents (confidence 0.5) page soc_analyst only,
     * as a Poisson stream of 0.5/min; one analyst is busy exactly 1 min per
     * page (ack 1 min, handle 0): M/D/1 with rho = 0.5, so
     * Wq = rho S / (2 (1 - rho)) = 0.5 min and the ack time is 1.5 min. */
    runner_result r;
    run("name: t\nseed: 61\nduration: 5d\nreplications: 10\n"
        "response:\n  steps: {classify: {dist: constant, value: 0s}}\n"
        "  false_positives:\n"
        "    - {type: quantum_attack, rate: 0.5/min, confidence: {dist: constant, value: 0.5}}\n"
        "escalation:\n  roles:\n    soc_analyst: {staff: 1, ack: {dist: constant, value: 1min}, "
        "handle: {dist: constant, value: 0s}}\n",
        &r);
    check_inside(&r, "escalation.ack.soc_analyst", 1.5);
    check_inside(&r, "escalation.pages_per_day.soc_analyst", 720.0);
    cr_expect_float_eq(summary(&r, "escalation.pages_per_day.ciso")->mean, 0.0, 1e-12);
    runner_result_free(&r);
}

Test(escalation, matrix_override)
{
    runner_result r;
    run("name: t\nseed: 62\nduration: 1d\nreplications: 2\n"
        "response:\n  false_positives:\n"
        "    - {type: data_breach, rate: 10/d, confidence: {dist: constant, value: 0.99}}\n"
        "escalation:\n  matrix: {data_breach: {critical: [ciso, night_desk]}}\n"
        "  roles: {night_desk: {staff: 3}}\n",
        &r);
    cr_expect_gt(summary(&r, "escalation.pages_per_day.night_desk")->mean, 0);
    cr_expect_float_eq(summary(&r, "escalation.pages_per_day.board")->mean, 0.0, 1e-12);
    runner_result_free(&r);
}

/* ---- scenarios ---------------------------------------------------------- */

Test(scenarios, all_load_cleanly)
{
    const char *files[] = {
        "scenarios/grover_attack.yaml", "scenarios/agent_compromise.yaml",
        "scenarios/byzantine_takeover.yaml", "scenarios/fragment_theft.yaml",
        "scenarios/baseline_ops.yaml", NULL,
    };
    for (int i = 0; files[i]; i++) {
        cfg_ctx c;
        cfg_ctx_init(&c);
        scenario_t *sc = NULL;
        err_t e;
        err_clear(&e);
        int rc = scenario_load(files[i], TU_MODELS, NULL, 0, &c, &sc, &e);
        for (size_t d = 0; d < c.ndiags; d++)
            fprintf(stderr, "%s\n", c.diags[d]);
        cr_expect_eq(rc, 0, "%s: %s", files[i], e.msg);
        cr_expect_eq(c.ndiags, 0, "%s: diagnostics", files[i]);
        cfg_ctx_free(&c);
        scenario_free(sc);
    }
}

/* Issue 14 item 5: every detection source counts its false positives at
 * the response model.  All agents are clean, so every drift flag (each
 * opens its own incident: no attack to merge with) is a false positive, and
 * so is every background detection; a Grover attack adds true incidents. */
Test(response, false_positives_from_every_source)
{
    runner_result r;
    run("name: t\nseed: 52\nduration: 1h\nreplications: 4\n"
        "agents: {count: 200, auth_rate: 0/s, detect: {check_rate: 20/h, threshold: 0.1}}\n"
        "response: {false_positives: [{type: data_breach, rate: 10/h}]}\n"
        "attacks:\n  timeline:\n"
        "    - {type: grover, name: g, at: 0s, key_bits: 20, iteration_rate: 100/s, "
        "detect: {probability: 1, latency: {dist: constant, value: 1s}}}\n", &r);
    int fp = runner_metric_index(&r, "response.false_positives");
    int inc = runner_metric_index(&r, "response.incidents");
    int fl = runner_metric_index(&r, "agents.flagged");
    int bg = runner_metric_index(&r, "attacks.prevented");
    cr_assert(fp >= 0 && inc >= 0 && fl >= 0 && bg >= 0);
    for (size_t i = 0; i < r.nreps; i++) {
        const stats_rep *x = &r.reps[i * r.nmetrics];
        cr_log_info("rep %zu: %g false positives of %g incidents, %g agent flags", i,
                    x[fp].value, x[inc].value, x[fl].value);
        cr_expect_gt(x[fl].value, 0);
        /* flags + background = false positives; the attack is the rest */
        cr_expect_geq(x[fp].value, x[fl].value);
        cr_expect_eq(x[inc].value - x[fp].value, 1.0, "rep %zu: true incidents %g", i,
                     x[inc].value - x[fp].value);
    }
    /* the toy key (8 s per search) is detected at 1 s: prevented exactly
     * when the attacker did not win, and never more than detected */
    cr_expect_float_eq(summary(&r, "attacks.preventable")->mean, 1.0, 0);
    cr_expect_float_eq(summary(&r, "attacks.prevented")->mean,
                       1.0 - summary(&r, "attacks.grover_won")->mean, 1e-12);
    cr_expect_leq(summary(&r, "attacks.prevented")->mean, summary(&r, "attacks.detected")->mean);
    runner_result_free(&r);
}
