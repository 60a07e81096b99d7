/* test_key_rotation.c - the key rotation service against closed forms.
 *
 *   exact      constant costs, two workers, two requests (5 keys at 1 s,
 *              1 key at 1.015 s, 10 ms a key): waits 0, 0, 10, 10, 20 and
 *              5 ms (mean 7.5), rotation times 30 and 15 ms, both "keys
 *              rotated" signals at 1.030 s, in request order
 *   M/D/1      Poisson requests of one key (the response pipeline's false
 *              positives, every step before the hand-off constant 0), one
 *              worker, constant cost D: mean wait rho D / (2 (1 - rho))
 *   M/M/1      the same with exponential cost: rho / (mu - lambda)
 * The queueing checks are 95 % confidence intervals over replications
 * (one stream each) that must contain the closed form; seeds are fixed. */
#include <criterion/criterion.h>

#include "testutil.h"
#include <math.h>
#include <string.h>

#include "key_rotation.h"
#include "runner.h"
#include "scenario.h"
#include "signals.h"

/* ---- exact times: a driver model in the test --------------------------- */

enum { DRIVER_EV_FIRST = 1, DRIVER_EV_SECOND, DRIVER_EV_ROTATED };

typedef struct driver_state {
    int service;
    int m_signals, m_keys, m_first_keys, m_last_ns;
    int seen;
} driver_state;

static int driver_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)params; (void)e;
    driver_state *s = state;
    s->service = sim_model_id(sim, "key_rotation");
    s->m_signals = sim_metric(sim, "signals", "1", 1.0, STATS_COUNT, "keys-rotated signals");
    s->m_keys = sim_metric(sim, "keys", "1", 1.0, STATS_COUNT, "keys they report");
    s->m_first_keys = sim_metric(sim, "first_keys", "1", 1.0, STATS_VALUE, "first signal");
    s->m_last_ns = sim_metric(sim, "last_ns", "ns", 1.0, STATS_VALUE, "last signal's time");
    sim_schedule(sim, SIM_NS_PER_S, sim_self(sim), DRIVER_EV_FIRST, 0);
    sim_schedule(sim, SIM_NS_PER_S + 15 * SIM_NS_PER_MS, sim_self(sim), DRIVER_EV_SECOND, 0);
    return 0;
}

static void driver_event(sim_t *sim, void *state, const sim_event *ev)
{
    driver_state *s = state;
    switch (ev->kind) {
    case DRIVER_EV_FIRST:
        key_rotation_send_request(sim, s->service, sim_now(sim),
                                  &(key_rotation_request_msg){ 5, 1 });
        break;
    case DRIVER_EV_SECOND:
        key_rotation_send_request(sim, s->service, sim_now(sim),
                                  &(key_rotation_request_msg){ 1, 2 });
        break;
    case DRIVER_EV_ROTATED: {
        signal_keys_rotated m;
        sim_payload(ev, &m, sizeof m);
        sim_count(sim, s->m_signals, 1);
        sim_count(sim, s->m_keys, (double)m.keys);
        if (!s->seen++)
            sim_set_value(sim, s->m_first_keys, (double)m.keys);
        sim_set_value(sim, s->m_last_ns, (double)sim_now(sim));
        break;
    }
    }
}

static const sim_subscription driver_subscriptions[] = {
    { SIGNAL_KEYS_ROTATED, DRIVER_EV_ROTATED },
};

static const sim_model driver_model = {
    .name = "driver", .summary = "test", .params_size = 1,
    .state_size = sizeof(driver_state), .init = driver_init, .event = driver_event,
    SIM_SUBSCRIBE(driver_subscriptions),
};

static const stats_rep *rep_of(const sim_t *sim, const char *name)
{
    for (size_t i = 0; i < sim_metric_count(sim); i++)
        if (strcmp(sim_metric_def(sim, i)->name, name) == 0)
            return &sim_results(sim)[i];
    cr_assert_fail("no metric %s", name);
    return NULL;
}

Test(key_rotation, exact_times_with_constant_costs)
{
    key_rotation_params kp = { .workers = 2, .cost = dist_constant(10.0 * SIM_NS_PER_MS) };
    char dummy = 0;
    const sim_model *models[] = { &driver_model, &key_rotation_model };
    void *params[] = { &dummy, &kp };
    sim_config cfg = { .seed = 1, .duration_ns = 10 * SIM_NS_PER_S, .quantile_samples = 100,
                       .models = models, .nmodels = 2, .params = params };
    err_t e;
    err_clear(&e);
    sim_t *sim = sim_new(&cfg, &e);
    cr_assert_not_null(sim, "%s", e.msg);
    cr_assert_eq(sim_run(sim, &e), 0, "%s", e.msg);
    const stats_rep *wait = rep_of(sim, "key_rotation.wait");
    const stats_rep *rot = rep_of(sim, "key_rotation.rotation_time");
    cr_expect_eq(wait->n, 6);
    cr_expect_float_eq(wait->value, 7.5, 1e-12, "mean wait %g ms", wait->value);
    cr_expect_float_eq(wait->max, 20.0, 1e-12);
    cr_expect_eq(rot->n, 2);
    cr_expect_float_eq(rot->value, 22.5, 1e-12, "mean rotation time %g ms", rot->value);
    cr_expect_float_eq(rot->min, 15.0, 1e-12);
    cr_expect_float_eq(rot->max, 30.0, 1e-12);
    cr_expect_eq(rep_of(sim, "key_rotation.keys_rotated")->value, 6.0);
    cr_expect_eq(rep_of(sim, "key_rotation.requests")->value, 2.0);
    cr_expect_eq(rep_of(sim, "driver.signals")->value, 2.0, "one signal per request");
    cr_expect_eq(rep_of(sim, "driver.keys")->value, 6.0);
    cr_expect_eq(rep_of(sim, "driver.first_keys")->value, 5.0, "the first request first");
    cr_expect_eq(rep_of(sim, "driver.last_ns")->value, 1030.0 * SIM_NS_PER_MS);
    sim_free(sim);
}

/* ---- queueing closed forms through the response pipeline ------------- */

static double mean_wait_ms(const char *cost, int replications, double *lo, double *hi)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: key_rotation_queue\nseed: 7\nduration: 20d\nwarmup: 1d\nreplications: %d\n"
             "response:\n"
             "  parallel: true\n"
             "  keys_per_rotation: 1\n"
             "  steps:\n"
             "    classify: {dist: constant, value: 0ms}\n"
             "    emergency_key_rotation: {dist: constant, value: 0ms}\n"
             "  false_positives:\n"
             "    - {type: quantum_attack, rate: 36/h, confidence: {dist: constant, value: 0.9}}\n"
             "key_rotation:\n"
             "  workers: 1\n"
             "  cost: %s\n",
             replications, cost);
    scenario_t *sc = load_scenario_ok(text, NULL, 0);
    runner_result r;
    err_t e;
    err_clear(&e);
    cr_assert_eq(runner_run(sc, 0, 0, (size_t)sc->replications, 0, &r, &e), 0, "%s", e.msg);
    int k = runner_metric_index(&r, "key_rotation.wait");
    cr_assert_geq(k, 0);
    double mean = r.summary[k].mean;
    *lo = r.summary[k].ci_low;
    *hi = r.summary[k].ci_high;
    int u = runner_metric_index(&r, "key_rotation.utilisation");
    cr_log_info("utilisation %.4f (rho 0.6)", r.summary[u].mean);
    runner_result_free(&r);
    scenario_free(sc);
    return mean;
}

/* lambda = 36/h = 0.01/s, D = 60 s: rho = 0.6, Wq = 0.6 * 60 / 0.8 = 45 s. */
Test(key_rotation, md1_wait)
{
    double lo, hi, m = mean_wait_ms("{dist: constant, value: 60s}", 20, &lo, &hi);
    const double expect = 45000.0;
    cr_log_info("M/D/1 wait %.1f ms [%.1f, %.1f], closed form %.1f", m, lo, hi, expect);
    cr_expect(lo <= expect && expect <= hi, "M/D/1: %g ms outside [%g, %g]", expect, lo, hi);
}

/* Exponential cost of mean 60 s: Wq = rho / (mu - lambda) = 0.6 / (1/60 - 0.01) = 90 s. */
Test(key_rotation, mm1_wait)
{
    double lo, hi, m = mean_wait_ms("{dist: exponential, mean: 60s}", 20, &lo, &hi);
    const double expect = 90000.0;
    cr_log_info("M/M/1 wait %.1f ms [%.1f, %.1f], closed form %.1f", m, lo, hi, expect);
    cr_expect(lo <= expect && expect <= hi, "M/M/1: %g ms outside [%g, %g]", expect, lo, hi);
}
