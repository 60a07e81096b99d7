/* canaries.c - canary tokens among real resources (see canaries.h).
 *
 * Invariants: a probe session touches only while `active`; in distinct
 * mode untouched_canaries + untouched_real counts what the session has not
 * touched yet, and a session stops at its first trip.  Rotation is
 * computed, not simulated per canary: a sweep starting at sweep_start_ns
 * rotates canary c (c < sweep_count) during slot c / workers, so whether a
 * touched canary is blind is one division.  Each session's
 * detected_within_touches is decided at the window_touches-th touch: a
 * session is in its denominator only when that touch falls inside the run
 * and the session's probing, whatever happened; for a session that tripped
 * earlier, the time of that touch is drawn (the rest of the Poisson touch
 * times, from their own stream), so the early trips are not selected; the
 * others are counted in touches_censored.
 * detected_within_window is decided at min(start + window, session end):
 * a session is in its denominator only when that moment falls inside the
 * run, whatever happened, so cutting the run short never selects the early
 * trips; the others are counted in window_censored, and a run where every
 * session is censored has no estimate (NO DATA), never 1.
 */
#include "canaries.h"
#include "grow.h"
#include "cfg.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "signals.h"
#include "rng.h"


typedef struct canaries_session {
    int64_t start_ns, end_ns;
    int64_t touches;
    int64_t untouched_real, untouched_canaries;
    double rate_per_s;
    uint32_t attack, type, flags;
    uint8_t active, window_resolved, touches_resolved;
    uint8_t tripped, alerted;  /* for censoring the times at the end */
} canaries_session;

typedef struct canaries_state {
    const canaries_params *p;
    int self;
    gsl_rng *touch_rng, *alert_rng, *false_rng, *window_rng;
    int64_t active;             /* K now, reactive deployments included */
    int64_t sweep_start_ns, sweep_count;
    canaries_session *sess;
    size_t nsess, cap;
    int m_time, m_touches, m_within_window, m_within_touches, m_alert_time, m_trips,
        m_alerts, m_false, m_blind, m_sessions, m_rotations, m_rotation_time, m_active,
        m_window_censored, m_touches_censored;
} canaries_state;

static const char *const touches_names[] = {"independent", "distinct", NULL};

static const sim_param canaries_params_table[] = {
    SIM_P_INT("count", canaries_params, count, 5234, 0, INT64_C(1) << 40, "canaries",
              "K canaries (runbook L539)"),
    SIM_P_INT("resources", canaries_params, resources, 100000, 0, INT64_C(1) << 40, "resources",
              "N real resources"),
    SIM_P_ENUM("touches", canaries_params, distinct, touches_names, 1,
               "distinct: enumeration without repeats; independent: each touch hits K/(N+K)"),
    SIM_P_TIME_DIST("alert_latency", canaries_params, alert_latency, DIST_CONSTANT, 0, 0,
                    "trip to alert"),
    SIM_P_DIST("confidence", canaries_params, confidence, DIST_CONSTANT, 0.97, 0,
               "alert confidence"),
    SIM_P_DURATION("window", canaries_params, window_ns, 60 * SIM_NS_PER_S, 1, INT64_MAX / 4,
                   "detection-probability window (detected_within_window)"),
    SIM_P_INT("window_touches", canaries_params, window_touches, 10, 1, INT64_C(1) << 40,
              "touches", "detection-probability window in touches (detected_within_touches)"),
    SIM_P_RATE("false_trip_rate", canaries_params, false_trip_rate_per_s, 0, 0, 1e9,
               "trips by legitimate users (false positives)"),
    SIM_P_ENUM("false_type", canaries_params, false_type, response_type_names,
               RESPONSE_DATA_BREACH, "incident type of false trips"),
    SIM_P_DURATION("rotation.period", canaries_params, rotation_period_ns, 86400 * SIM_NS_PER_S,
                   0, INT64_MAX / 4, "time between rotation sweeps, 0 = no rotation (L540)"),
    SIM_P_DURATION("rotation.first", canaries_params, rotation_first_ns,
                   6 * 3600 * SIM_NS_PER_S, 0, INT64_MAX / 4, "first sweep start (L543)"),
    SIM_P_DURATION("rotation.each", canaries_params, rotation_each_ns, 12300 * SIM_NS_PER_US, 0,
                   INT64_MAX / 4, "time to rotate one canary (L542)"),
    SIM_P_INT("rotation.workers", canaries_params, rotation_workers, 1, 1, INT64_C(1) << 40,
              "canaries", "canaries rotated concurrently"),
    SIM_P_BOOL("rotation.blind", canaries_params, rotation_blind, 0,
               "a rotating canary cannot trip"),
};

static const sim_metric_spec canaries_metrics[] = {
    SIM_METRIC(canaries_state, m_time, "time_to_first_trip", "s", 1e-9, STATS_TALLY, STATS_TTE,
               NULL, "probe start to first canary trip; (N+K)/(rK) for independent touches"),
    SIM_METRIC(canaries_state, m_touches, "touches_to_trip", "touches", 1.0, STATS_TALLY,
               STATS_TTE, NULL, "touches up to and including the first trip"),
    SIM_METRIC(canaries_state, m_within_window, "detected_within_window", "1", 1.0, STATS_TALLY,
               STATS_PROPORTION, NULL,
               "per probe session whose window ends within the run: tripped within `window`"),
    SIM_METRIC(canaries_state, m_window_censored, "window_censored", "1", 1.0, STATS_COUNT,
               STATS_NONNEG, NULL,
               "probe sessions whose `window` runs past the end of the run (censored: not in "
               "detected_within_window)"),
    SIM_METRIC(canaries_state, m_within_touches, "detected_within_touches", "1", 1.0,
               STATS_TALLY, STATS_PROPORTION, NULL,
               "per probe session whose window_touches-th touch is within the run and its "
               "probing: tripped within them; 1 - C(N,m)/C(N+K,m)"),
    SIM_METRIC(canaries_state, m_touches_censored, "touches_censored", "1", 1.0, STATS_COUNT,
               STATS_NONNEG, NULL,
               "probe sessions whose window_touches-th touch would come after the end of the "
               "run or of the probing (censored: not in detected_within_touches)"),
    SIM_METRIC(canaries_state, m_alert_time, "time_to_alert", "s", 1e-9, STATS_TALLY, STATS_TTE,
               NULL, "probe start to the alert reaching response"),
    SIM_METRIC(canaries_state, m_trips, "trips", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "canary trips by attackers"),
    SIM_METRIC(canaries_state, m_alerts, "alerts", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "alerts raised (true and false)"),
    SIM_METRIC(canaries_state, m_false, "false_trips", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "trips by legitimate users (false positives)"),
    SIM_METRIC(canaries_state, m_blind, "blind_touches", "1", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "canary touches missed because the canary was rotating"),
    SIM_METRIC(canaries_state, m_sessions, "sessions", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "probe sessions started"),
    SIM_METRIC(canaries_state, m_rotations, "rotations", "1", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "canaries rotated (runbook L540: all 5,234 every 24 h)"),
    /* Canaries rotated x the time each takes: the scenario's own figures. */
    SIM_METRIC(canaries_state, m_rotation_time, "rotation_time", "s", 1.0, STATS_COUNT,
               STATS_NONNEG, "canaries.rotation.each",
               "rotation work, canaries x time each (12.3 ms, L542)"),
    SIM_METRIC(canaries_state, m_active, "active", "canaries", 1.0, STATS_LEVEL, STATS_NONNEG,
               NULL, "time-average canaries deployed (reactive ones included)"),
};

static const sim_stream_spec canaries_streams[] = {
    SIM_STREAM(canaries_state, touch_rng, "touches"),
    SIM_STREAM(canaries_state, alert_rng, "alerts"),
    SIM_STREAM(canaries_state, false_rng, "false_trips"),
    SIM_STREAM(canaries_state, window_rng, "touch_window"),
};

static const size_t canaries_buffers[] = {
    SIM_BUFFER(canaries_state, sess),
};

/* What the table cannot say: some resource to touch. */
static int canaries_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    const canaries_params *p = params;
    int bad = 0;
    if (p->count + p->resources == 0) {
        cfg_error(c, sec, "canaries: count + resources must be > 0");
        bad = -1;
    }
    return bad ? -1 : 0;
}

double canaries_detect_within(int64_t canaries, int64_t resources, int64_t touches)
{
    double n = (double)resources, k = (double)canaries, m = (double)touches;
    if (touches > resources)
        return 1.0;
    /* C(N, m) / C(N + K, m) = [N! / (N - m)!] / [(N + K)! / (N + K - m)!] */
    double log_ratio = lgamma(n + 1) - lgamma(n - m + 1) - lgamma(n + k + 1) + lgamma(n + k - m + 1);
    return -expm1(log_ratio);
}

double canaries_mean_time_to_trip_s(int64_t canaries, int64_t resources, double rate_per_s)
{
    return ((double)resources + (double)canaries) / (rate_per_s * (double)canaries);
}

static void canaries_next_false(sim_t *sim, canaries_state *s)
{
    double gap = rng_exponential(s->false_rng, 1e9 / s->p->false_trip_rate_per_s);
    if (gap < (double)(sim_end_time(sim) - sim_now(sim)))
        sim_schedule_in(sim, (int64_t)llround(gap), s->self, CANARIES_EV_FALSE_TRIP, 0);
}

static int canaries_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)e;
    canaries_state *s = state;
    const canaries_params *p = params;
    s->active = p->count;
    s->sweep_start_ns = INT64_MIN / 2;
    sim_level(sim, s->m_active, (double)s->active);
    if (p->rotation_period_ns > 0 && p->rotation_first_ns < sim_end_time(sim))
        sim_schedule(sim, p->rotation_first_ns, s->self, CANARIES_EV_ROTATE, 0);
    if (p->false_trip_rate_per_s > 0)
        canaries_next_false(sim, s);
    return 0;
}

static int canaries_blind(const canaries_state *s, int64_t now, int64_t canary)
{
    if (!s->p->rotation_blind || canary >= s->sweep_count || now < s->sweep_start_ns)
        return 0;
    int64_t slot = canary / s->p->rotation_workers;
    int64_t from = s->sweep_start_ns + slot * s->p->rotation_each_ns;
    return now >= from && now < from + s->p->rotation_each_ns;
}

static void canaries_alert(sim_t *sim, canaries_state *s, uint32_t session)
{
    int64_t d = dist_sample_ns(&s->p->alert_latency, s->alert_rng);
    sim_event *ev = sim_schedule_in(sim, d, s->self, CANARIES_EV_ALERT, session);
    ev->data.u32[0] = session == UINT32_MAX ? 1 : 0;
}

/* Whether the run sees all of the session's detection window: it is
 * decided at min(start + window, end of probing), and events at or after
 * the end time never run.  Independent of the outcome, so no bias. */
static int canaries_window_observed(const sim_t *sim, const canaries_state *s,
                                    const canaries_session *x)
{
    int64_t decided = sim_time_add(x->start_ns, s->p->window_ns);
    if (x->end_ns < decided)
        decided = x->end_ns;
    return decided < sim_end_time(sim);
}

/* At a trip after touches < window_touches: whether the window_touches-th
 * touch would have come before the probing or the run ends.  The touch
 * times are a Poisson process independent of what each touch hits, so
 * the rest is Gamma(window_touches - touches, 1 / rate). */
static int canaries_touches_observed(const sim_t *sim, const canaries_state *s,
                                     const canaries_session *x)
{
    int64_t left = s->p->window_touches - x->touches;
    int64_t stop = x->end_ns < sim_end_time(sim) ? x->end_ns : sim_end_time(sim);
    if (left <= 0)
        return 1;
    double more_ns = gsl_ran_gamma(s->window_rng, (double)left, 1e9 / x->rate_per_s);
    return (double)sim_now(sim) + more_ns < (double)stop;
}

static void canaries_session_end(sim_t *sim, canaries_state *s, canaries_session *x)
{
    x->active = 0;
    if (!x->window_resolved) {
        sim_tally(sim, s->m_within_window, 0.0);
        x->window_resolved = 1;
    }
}

static void canaries_schedule_touch(sim_t *sim, canaries_state *s, uint32_t i)
{
    canaries_session *x = &s->sess[i];
    double gap = rng_exponential(s->touch_rng, 1e9 / x->rate_per_s);
    int64_t at = sim_time_add(sim_now(sim), sim_ns(gap));
    if (at >= x->end_ns || at >= sim_end_time(sim)) {
        /* The run ends first: leave the session to finish() */
        if (at >= x->end_ns && x->end_ns < sim_end_time(sim))
            sim_schedule(sim, x->end_ns, s->self, CANARIES_EV_SESSION_END, i);
        return;
    }
    sim_schedule(sim, at, s->self, CANARIES_EV_TOUCH, i);
}

static void canaries_touch(sim_t *sim, canaries_state *s, uint32_t i)
{
    canaries_session *x = &s->sess[i];
    const canaries_params *p = s->p;
    int64_t now = sim_now(sim);
    if (!x->active)
        return;
    x->touches++;
    int hit;
    if (p->distinct) {
        int64_t left = x->untouched_real + x->untouched_canaries;
        if (left == 0) {
            canaries_session_end(sim, s, x);
            return;
        }
        hit = (double)gsl_rng_uniform(s->touch_rng) * (double)left < (double)x->untouched_canaries;
        if (hit)
            x->untouched_canaries--;
        else
            x->untouched_real--;
    } else {
        double total = (double)(p->resources + s->active);
        hit = gsl_rng_uniform(s->touch_rng) * total < (double)s->active;
    }
    if (hit && p->rotation_blind) {
        int64_t canary = (int64_t)gsl_rng_uniform_int(s->touch_rng,
                                                      (unsigned long)(s->active > 0 ? s->active : 1));
        if (canaries_blind(s, now, canary)) {
            sim_count(sim, s->m_blind, 1);
            hit = 0;
        }
    }
    if (hit) {
        x->tripped = 1;
        sim_count(sim, s->m_trips, 1);
        sim_tally(sim, s->m_time, (double)(now - x->start_ns));
        sim_tally(sim, s->m_touches, (double)x->touches);
        if (!x->window_resolved && canaries_window_observed(sim, s, x)) {
            sim_tally(sim, s->m_within_window, now - x->start_ns <= p->window_ns ? 1.0 : 0.0);
            x->window_resolved = 1;
        }
        if (!x->touches_resolved) {
            /* Unresolved, so touches <= window_touches: a detection. */
            if (canaries_touches_observed(sim, s, x))
                sim_tally(sim, s->m_within_touches, 1.0);
            else
                sim_count(sim, s->m_touches_censored, 1);
            x->touches_resolved = 1;
        }
        x->active = 0;
        canaries_alert(sim, s, i);
        return;
    }
    if (!x->touches_resolved && x->touches >= p->window_touches) {
        sim_tally(sim, s->m_within_touches, 0.0);
        x->touches_resolved = 1;
    }
    canaries_schedule_touch(sim, s, i);
}

static void canaries_probe(sim_t *sim, canaries_state *s, const canaries_probe_msg *m)
{
    if (!(m->rate_per_s > 0)) {
        sim_fail(sim, "canaries: probe with touch rate %g", m->rate_per_s);
        return;
    }
    if (SIM_RESERVE(sim, s->sess, s->cap, s->nsess + 1, 16) != 0)
        return;
    uint32_t i = (uint32_t)s->nsess++;
    canaries_session *x = &s->sess[i];
    int64_t now = sim_now(sim);
    *x = (canaries_session){
        .start_ns = now,
        .end_ns = m->length_ns > 0 ? now + m->length_ns : INT64_MAX,
        .untouched_real = s->p->resources,
        .untouched_canaries = s->active,
        .rate_per_s = m->rate_per_s,
        .attack = m->attack,
        .type = m->type,
        .flags = m->flags,
        .active = 1,
    };
    sim_count(sim, s->m_sessions, 1);
    canaries_schedule_touch(sim, s, i);
}

static void canaries_event(sim_t *sim, void *state, const sim_event *ev)
{
    canaries_state *s = state;
    const canaries_params *p = s->p;
    int64_t now = sim_now(sim);
    switch (ev->kind) {
    case CANARIES_EV_TOUCH:
        canaries_touch(sim, s, ev->target);
        break;
    case CANARIES_EV_SESSION_END:
        if (s->sess[ev->target].active)
            canaries_session_end(sim, s, &s->sess[ev->target]);
        break;
    case CANARIES_EV_ALERT: {
        double conf = dist_sample(&p->confidence, s->alert_rng);
        sim_count(sim, s->m_alerts, 1);
        if (ev->data.u32[0] == 1) {
            signal_detection d = { (uint32_t)p->false_type, RESPONSE_SRC_CANARY,
                                   RESPONSE_FLAG_FALSE,
                                   RESPONSE_NO_ATTACK, RESPONSE_NO_ENTITY, conf };
            sim_emit(sim, SIGNAL_DETECTION, &d);
        } else {
            canaries_session *x = &s->sess[ev->target];
            x->alerted = 1;
            sim_tally(sim, s->m_alert_time, (double)(now - x->start_ns));
            signal_detection d = { (uint32_t)x->type, RESPONSE_SRC_CANARY, (uint16_t)x->flags,
                                   x->attack, RESPONSE_NO_ENTITY, conf };
            sim_emit(sim, SIGNAL_DETECTION, &d);
        }
        break;
    }
    case CANARIES_EV_ROTATE:
        s->sweep_start_ns = now;
        s->sweep_count = s->active;
        sim_count(sim, s->m_rotations, (double)s->active);
        sim_count(sim, s->m_rotation_time, (double)s->active * (double)p->rotation_each_ns * 1e-9);
        if (now + p->rotation_period_ns < sim_end_time(sim))
            sim_schedule_in(sim, p->rotation_period_ns, s->self, CANARIES_EV_ROTATE, 0);
        break;
    case CANARIES_EV_FALSE_TRIP:
        sim_count(sim, s->m_false, 1);
        canaries_alert(sim, s, UINT32_MAX);
        canaries_next_false(sim, s);
        break;
    case CANARIES_EV_PROBE:
        canaries_probe(sim, s, SIM_PAYLOAD(ev, canaries_probe_msg));
        break;
    case CANARIES_EV_DEPLOY: {
        canaries_deploy_msg m;
        sim_payload(ev, &m, sizeof m);
        s->active += (int64_t)m.canaries;
        sim_level(sim, s->m_active, (double)s->active);
        break;
    }
    default:
        sim_fail(sim, "canaries: unknown event kind %u", ev->kind);
    }
}

static void canaries_finish(sim_t *sim, void *state)
{
    canaries_state *s = state;
    int64_t now = sim_now(sim);
    for (size_t i = 0; i < s->nsess; i++) {
        canaries_session *x = &s->sess[i];
        /* A session without a trip in a window the run saw whole is a
         * miss; one whose window runs past the end is censored, tripped or
         * not. */
        if (!x->window_resolved) {
            if (canaries_window_observed(sim, s, x))
                sim_tally(sim, s->m_within_window, 0.0);
            else
                sim_count(sim, s->m_window_censored, 1);
            x->window_resolved = 1;
        }
        /* Fewer than window_touches clean touches when probing stopped. */
        if (!x->touches_resolved)
            sim_count(sim, s->m_touches_censored, 1);
        /* Times to a trip or alert that never came: censored where the
         * probing stopped (the session's end, or the run's). */
        int64_t stop = x->end_ns < now ? x->end_ns : now;
        if (!x->tripped) {
            sim_tally_censored(sim, s->m_time, (double)(stop - x->start_ns));
            sim_tally_censored(sim, s->m_touches, (double)x->touches);
        }
        if (!x->alerted)
            sim_tally_censored(sim, s->m_alert_time,
                               (double)((x->tripped ? now : stop) - x->start_ns));
    }
}

const sim_model canaries_model = {
    .name = "canaries",
    .summary = "canary tokens among real resources: trips, alerts, daily rotation",
    SIM_STATE(canaries_state),
    SIM_PARAMS(canaries_params, canaries_params_table),
    SIM_METRICS(canaries_metrics),
    SIM_STREAMS(canaries_streams),
    SIM_BUFFERS(canaries_buffers),
    .configure = canaries_configure,
    .init = canaries_init,
    .event = canaries_event,
    .finish = canaries_finish,
};
