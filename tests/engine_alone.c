/* engine_alone.c - the engine library on its own: this program links
 * mwrasp_engine and nothing else of ours (no models, no libyaml, no HDF5;
 * CMake target test_engine_alone), defines its model here, and checks a
 * run against closed forms.  It builds only while the engine keeps that
 * promise: an engine source calling into config, a model or HDF5 leaves
 * an undefined symbol at link time, and an engine header including one
 * of theirs does not compile (only sim/engine is on the include path).
 *
 * The model is an M/M/1 queue written as Lindley's recursion: an arrival
 * at t starts service at max(t, free_at); its departure is scheduled on
 * the calendar.  With lambda = 1/ms and mu = 2/ms the mean wait in queue
 * is rho / (mu - lambda) = 0.5 ms and the server is busy half the time.
 * A ticker beside it fires every millisecond exactly, and a watchdog it
 * cancels each tick must never fire: calendar order and cancellation.
 * The model is declared by tables (SIM_STATE, metric, stream, peer and
 * buffer rows), so the engine's part of a model's start-up is checked
 * here too: p, self, the streams, the peers' ids and the metric ids are in
 * place before init runs, and the buffer it grows is freed by the engine
 * (under the asan preset LeakSanitizer fails the run if it is not).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"
#include "sim.h"

enum { Q_ARRIVAL = 1, Q_DEPARTURE, Q_TICK, Q_WATCHDOG };

typedef struct q_params {
    double mean_gap_ns, mean_service_ns;
    int64_t tick_ns;
} q_params;

typedef struct q_state {
    const q_params *p;
    int self;
    gsl_rng *arrivals, *service;
    int64_t free_at, last_tick;
    sim_handle watchdog;
    int bad_order;
    int m_wait, m_busy, m_ticks, m_departed, m_watchdog;
    int64_t in_system;
    int me, absent;            /* peers: this model itself, and one not in the run */
    int64_t *starts;           /* service start times of the first customers */
    size_t nstarts, starts_cap;
} q_state;

static void q_next_arrival(sim_t *sim, q_state *s)
{
    sim_schedule_in(sim, sim_ns(rng_exponential(s->arrivals, s->p->mean_gap_ns)), s->self,
                    Q_ARRIVAL, 0);
}

static void q_arm_watchdog(sim_t *sim, q_state *s)
{
    /* Due after the next tick: the tick always cancels it first. */
    s->watchdog = sim_handle_of(sim_schedule_in(sim, 2 * s->p->tick_ns, s->self, Q_WATCHDOG, 0));
}

static const sim_metric_spec q_metrics[] = {
    SIM_METRIC(q_state, m_wait, "wait", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "time in queue"),
    SIM_METRIC(q_state, m_busy, "busy", "1", 1.0, STATS_LEVEL, STATS_PROPORTION, NULL,
               "server busy fraction"),
    SIM_METRIC(q_state, m_ticks, "ticks", "ticks", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "ticker events"),
    SIM_METRIC(q_state, m_departed, "departed", "1/s", 1.0, STATS_RATE, STATS_NONNEG, NULL,
               "departures"),
    SIM_METRIC(q_state, m_watchdog, "watchdog", "firings", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "cancelled events that ran anyway (must stay 0)"),
};

static const sim_stream_spec q_streams[] = {
    SIM_STREAM(q_state, arrivals, "arrivals"),
    SIM_STREAM(q_state, service, "service"),
};

static const sim_peer_spec q_peers[] = {
    SIM_PEER(q_state, me, "queue"),
    SIM_PEER(q_state, absent, "no_such_model"),
};

static const size_t q_buffers[] = { SIM_BUFFER(q_state, starts) };

static int q_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)e;
    q_state *s = state;
    /* What the descriptor promises is in place before init. */
    if (s->p != params || s->self != sim_self(sim) || s->arrivals != sim_stream(sim, "arrivals") ||
        s->service != sim_stream(sim, "service") || s->arrivals == s->service ||
        s->m_wait != 0 || s->m_watchdog != 4 || s->me != sim_self(sim) || s->absent != -1)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "queue: state not set up from the tables");
    s->last_tick = -1;
    q_next_arrival(sim, s);
    sim_schedule(sim, 0, s->self, Q_TICK, 0);
    q_arm_watchdog(sim, s);
    return 0;
}

static void q_event(sim_t *sim, void *state, const sim_event *ev)
{
    q_state *s = state;
    int64_t now = sim_now(sim);
    switch (ev->kind) {
    case Q_ARRIVAL: {
        q_next_arrival(sim, s);
        int64_t start = now > s->free_at ? now : s->free_at;
        if (s->nstarts < 1000) {
            if (SIM_RESERVE(sim, s->starts, s->starts_cap, s->nstarts + 1, 4) != 0)
                return;
            s->starts[s->nstarts++] = start;
        }
        sim_tally(sim, s->m_wait, (double)(start - now));
        s->free_at = start + sim_ns(rng_exponential(s->service, s->p->mean_service_ns));
        sim_schedule(sim, s->free_at, s->self, Q_DEPARTURE, 0);
        if (s->in_system++ == 0)
            sim_level(sim, s->m_busy, 1);
        break;
    }
    case Q_DEPARTURE:
        sim_count(sim, s->m_departed, 1);
        if (--s->in_system == 0)
            sim_level(sim, s->m_busy, 0);
        break;
    case Q_TICK:
        if (s->last_tick >= 0 && now != s->last_tick + s->p->tick_ns)
            s->bad_order = 1;
        s->last_tick = now;
        sim_count(sim, s->m_ticks, 1);
        if (!sim_cancel(sim, s->watchdog))
            s->bad_order = 1;
        q_arm_watchdog(sim, s);
        sim_schedule_in(sim, s->p->tick_ns, s->self, Q_TICK, 0);
        break;
    case Q_WATCHDOG:
        sim_count(sim, s->m_watchdog, 1);
        break;
    default:
        sim_fail(sim, "queue: unknown event kind %u", ev->kind);
    }
}

static void q_finish(sim_t *sim, void *state)
{
    q_state *s = state;
    if (s->bad_order)
        sim_fail(sim, "queue: ticks out of order or a stale watchdog handle");
    /* One server in FIFO order: service starts never go back. */
    for (size_t i = 1; i < s->nstarts; i++)
        if (s->starts[i] < s->starts[i - 1])
            sim_fail(sim, "queue: service start %zu before the one ahead of it", i);
    if (s->nstarts != 1000)
        sim_fail(sim, "queue: %zu service starts kept, expected 1000", s->nstarts);
}

static const sim_model q_model = {
    .name = "queue",
    .summary = "M/M/1 by Lindley's recursion, and a ticker",
    .params_size = sizeof(q_params),
    SIM_STATE(q_state),
    SIM_METRICS(q_metrics),
    SIM_STREAMS(q_streams),
    SIM_PEERS(q_peers),
    SIM_BUFFERS(q_buffers),
    .init = q_init,
    .event = q_event,
    .finish = q_finish,
};

static int failures;

static void check(int ok, const char *what, double got, double want)
{
    printf("%s %s: %.9g (expected %.9g)\n", ok ? "ok  " : "FAIL", what, got, want);
    failures += !ok;
}

/* One replication; copies the results of the five metrics into out. */
static int run(uint64_t replication, stats_rep out[5])
{
    static const q_params params = { 1e6, 0.5e6, SIM_NS_PER_MS };
    const sim_model *const models[] = { &q_model };
    void *const p[] = { (void *)&params };
    sim_config cfg = {
        .seed = 42, .replication = replication,
        .duration_ns = 200 * SIM_NS_PER_S, .warmup_ns = 10 * SIM_NS_PER_S,
        .quantile_samples = 4096, .models = models, .nmodels = 1, .params = p,
    };
    err_t e;
    err_clear(&e);
    sim_t *sim = sim_new(&cfg, &e);
    if (!sim || sim_run(sim, &e) != 0) {
        fprintf(stderr, "engine_alone: %s\n", e.msg);
        sim_free(sim);
        return -1;
    }
    if (sim_metric_count(sim) != 5) {
        fprintf(stderr, "engine_alone: %zu metrics, expected 5\n", sim_metric_count(sim));
        sim_free(sim);
        return -1;
    }
    memcpy(out, sim_results(sim), 5 * sizeof *out);
    sim_free(sim);
    return 0;
}

int main(void)
{
    stats_rep a[5], b[5], c[5];
    if (run(0, a) != 0 || run(0, b) != 0 || run(1, c) != 0)
        return 1;
    double metrics, tallies;
    sim_model_metric_count(&q_model, &metrics, &tallies);
    check(metrics == 5 && tallies == 1, "metrics (tallies) counted from the table",
          metrics + tallies / 10, 5.1);
    /* Measured time: the 200 s after the 10 s warmup, [10 s, 210 s); one
     * tick at every ms in it. */
    check(a[2].value == 200000, "ticks in the measured 200 s", a[2].value, 200000);
    check(a[4].value == 0, "cancelled watchdogs that fired", a[4].value, 0);
    /* 200,000 customers: the mean wait's standard error is about 1 %. */
    check(fabs(a[0].value - 0.5) < 0.05, "M/M/1 mean wait (ms), rho/(mu-lambda)", a[0].value,
          0.5);
    check(fabs(a[1].value - 0.5) < 0.02, "busy fraction, rho", a[1].value, 0.5);
    check(fabs(a[3].value - 1000) < 20, "departures per second, lambda", a[3].value, 1000);
    check(memcmp(a, b, sizeof a) == 0, "same replication, same bits", 1, 1);
    check(a[0].value != c[0].value, "another replication, another stream", c[0].value,
          a[0].value);
    return failures ? 1 : 0;
}
