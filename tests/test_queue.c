/* test_queue.c - the engine against queueing theory: M/M/1 and M/M/c mean
 * wait, probability of waiting (Erlang C) and utilisation must lie inside
 * the simulation's 95 % confidence interval.  Seeds are fixed, so these
 * tests are deterministic. */
#include <criterion/criterion.h>

#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mmc.h"
#include "runner.h"
#include "scenario.h"

static scenario_t *load_text(const char *text)
{
    return load_scenario_ok(text, NULL, 0);
}

static void check_inside(const runner_result *r, const char *metric, double expect,
                         const char *label)
{
    int k = runner_metric_index(r, metric);
    cr_assert_geq(k, 0, "no metric %s", metric);
    const stats_summary *s = &r->summary[k];
    cr_log_info("%s %s: simulated %.5g [%.5g, %.5g], closed form %.5g", label, metric,
                s->mean, s->ci_low, s->ci_high, expect);
    cr_expect(s->ci_low <= expect && expect <= s->ci_high,
              "%s %s: closed form %.6g outside the 95%% CI [%.6g, %.6g] (mean %.6g)",
              label, metric, expect, s->ci_low, s->ci_high, s->mean);
}

static void check_mmc(int c, double rho, double duration_s, int reps, unsigned seed)
{
    double mu = 1.0, lambda = rho * c * mu;
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nseed: %u\nduration: %.0fs\nwarmup: %.0fs\nreplications: %d\n"
             "mmc:\n  servers: %d\n  arrival_rate: %.6f/s\n"
             "  service: {dist: exponential, mean: 1s}\n",
             seed, duration_s, duration_s / 20, reps, c, lambda);
    scenario_t *sc = load_text(text);
    runner_result r;
    err_t e;
    err_clear(&e);
    cr_assert_eq(runner_run(sc, 0, 0, (size_t)reps, 0, &r, &e), 0, "%s", e.msg);
    char label[64];
    snprintf(label, sizeof label, "M/M/%d rho=%.2f", c, rho);
    check_inside(&r, "mmc.wait", 1e3 * mmc_mean_wait_s(c, lambda, mu), label);
    check_inside(&r, "mmc.waited", mmc_erlang_c(c, lambda, mu), label);
    check_inside(&r, "mmc.utilisation", rho, label);
    check_inside(&r, "mmc.response", 1e3 * (mmc_mean_wait_s(c, lambda, mu) + 1 / mu), label);
    runner_result_free(&r);
    scenario_free(sc);
}

Test(mm1, closed_form_values)
{
    /* M/M/1: Wq = rho / (mu - lambda); Erlang C = rho. */
    cr_assert_float_eq(mmc_mean_wait_s(1, 0.9, 1.0), 9.0, 1e-12);
    cr_assert_float_eq(mmc_erlang_c(1, 0.5, 1.0), 0.5, 1e-12);
    /* c = 32: the values quoted in the agent-population issue. */
    cr_assert_float_eq(mmc_erlang_c(32, 0.8 * 32, 1.0), 0.1606, 5e-5);
    cr_assert_float_eq(mmc_erlang_c(32, 0.9 * 32, 1.0), 0.4582, 5e-5);
    cr_assert_float_eq(mmc_mean_wait_s(32, 0.9 * 32, 1.0), 0.1432, 5e-5);
}

Test(mm1, rho_0_5) { check_mmc(1, 0.5, 20000, 20, 11); }
Test(mm1, rho_0_9) { check_mmc(1, 0.9, 100000, 20, 12); }
Test(mmc, c4_rho_0_8) { check_mmc(4, 0.8, 20000, 20, 13); }
Test(mmc, c32_rho_0_8) { check_mmc(32, 0.8, 5000, 20, 14); }
Test(mmc, c32_rho_0_9) { check_mmc(32, 0.9, 5000, 20, 15); }
