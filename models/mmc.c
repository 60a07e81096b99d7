/* mmc.c - FIFO multi-server queue (see mmc.h).
 *
 * Invariants: busy <= servers; the waiting line holds arrival times of the
 * customers not yet in service, oldest first, in a ring buffer; a customer
 * enters service only when a server frees or on arrival to an idle server.
 */
#include "mmc.h"
#include "grow.h"
#include "cfg.h"

#include <gsl/gsl_randist.h>

#include "invariant.h"
#include "rng.h"
#include <math.h>
#include <stdlib.h>

typedef struct mmc_state {
    const mmc_params *p;
    int self;
    gsl_rng *arrivals, *service;
    double mean_gap_ns;
    int64_t busy;
    int64_t *line;         /* ring buffer of arrival times */
    size_t head, len, cap;
    int m_wait, m_response, m_waited, m_queue, m_util, m_throughput, m_rejected;
} mmc_state;

static const sim_param mmc_params_table[] = {
    SIM_P_INT("servers", mmc_params, servers, 1, 1, 1000000, "servers", "c, the number of servers"),
    { .key = "arrival_rate", .type = SIM_PARAM_RATE, .offset = offsetof(mmc_params, arrival_rate_per_s),
      .required = 1, .def = 1.0, .min = 1e-9, .max = 1e9, .unit = "rate",
      .help = "Poisson arrival rate" },
    SIM_P_TIME_DIST("service", mmc_params, service, DIST_EXPONENTIAL, 1e9, 0, "service time"),
    SIM_P_INT("capacity", mmc_params, capacity, 0, 0, INT64_C(1) << 40, "customers",
              "places in the waiting line, 0 = unbounded"),
};

/* Servers busy / c: the scale depends on c. */
static double mmc_util_scale(const void *params)
{
    return 1.0 / (double)((const mmc_params *)params)->servers;
}

static const sim_metric_spec mmc_metrics[] = {
    SIM_METRIC(mmc_state, m_wait, "wait", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "time in queue before service"),
    SIM_METRIC(mmc_state, m_response, "response", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "time in system (queue + service)"),
    SIM_METRIC(mmc_state, m_waited, "waited", "1", 1.0, STATS_TALLY, STATS_PROPORTION, NULL,
               "fraction of customers who had to wait (Erlang C)"),
    SIM_METRIC(mmc_state, m_queue, "queue_length", "customers", 1.0, STATS_LEVEL, STATS_NONNEG,
               NULL, "time-average number waiting"),
    { "utilisation", "1", 0, STATS_LEVEL, STATS_PROPORTION, NULL,
      "time-average busy fraction of servers", offsetof(mmc_state, m_util), NULL,
      mmc_util_scale, NULL },
    SIM_METRIC(mmc_state, m_throughput, "throughput", "1/s", 1.0, STATS_RATE, STATS_NONNEG, NULL,
               "customers served per second"),
    SIM_METRIC(mmc_state, m_rejected, "rejected", "customers", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "arrivals turned away by a full line"),
};

static const sim_stream_spec mmc_streams[] = {
    SIM_STREAM(mmc_state, arrivals, "arrivals"),
    SIM_STREAM(mmc_state, service, "service"),
};

static const size_t mmc_buffers[] = {
    SIM_BUFFER(mmc_state, line),
};

static void mmc_next_arrival(sim_t *sim, mmc_state *s)
{
    double gap = rng_exponential(s->arrivals, s->mean_gap_ns);
    sim_schedule_in(sim, sim_ns(gap), s->self, MMC_EV_ARRIVAL, 0);
}

static void mmc_start_service(sim_t *sim, mmc_state *s, int64_t arrived_ns)
{
    s->busy++;
    INVARIANT(s->busy <= s->p->servers, "busy <= servers");
    sim_level(sim, s->m_util, (double)s->busy);
    int64_t wait = sim_now(sim) - arrived_ns;
    sim_tally(sim, s->m_wait, (double)wait);
    sim_tally(sim, s->m_waited, wait > 0 ? 1.0 : 0.0);
    sim_event *ev = sim_schedule_in(sim, dist_sample_ns(&s->p->service, s->service),
                                    s->self, MMC_EV_DEPARTURE, 0);
    ev->data.i64[0] = arrived_ns;
}

static int mmc_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)e;
    mmc_state *s = state;
    const mmc_params *p = params;
    s->mean_gap_ns = 1e9 / p->arrival_rate_per_s;
    mmc_next_arrival(sim, s);
    return 0;
}

static void mmc_event(sim_t *sim, void *state, const sim_event *ev)
{
    mmc_state *s = state;
    int64_t now = sim_now(sim);
    switch (ev->kind) {
    case MMC_EV_ARRIVAL:
        mmc_next_arrival(sim, s);
        if (s->busy < s->p->servers) {
            mmc_start_service(sim, s, now);
        } else if (s->p->capacity && (int64_t)s->len >= s->p->capacity) {
            sim_count(sim, s->m_rejected, 1);
        } else {
            if (GROW_RING_PUSH(s->line, s->cap, s->head, s->len, 1024, now) != 0) {
                sim_fail(sim, "mmc: out of memory for the waiting line");
                return;
            }
            sim_level(sim, s->m_queue, (double)s->len);
        }
        break;
    case MMC_EV_DEPARTURE:
        sim_tally(sim, s->m_response, (double)(now - ev->data.i64[0]));
        sim_count(sim, s->m_throughput, 1);
        s->busy--;
        if (s->len) {
            int64_t t = s->line[grow_ring_pop(&s->head, &s->len, s->cap)];
            sim_level(sim, s->m_queue, (double)s->len);
            mmc_start_service(sim, s, t);
        } else {
            sim_level(sim, s->m_util, (double)s->busy);
        }
        break;
    default:
        sim_fail(sim, "mmc: unknown event kind %u", ev->kind);
    }
}

/* Two events per customer; an overloaded queue (rho > 1) grows its line
 * by (lambda - c / S) customers a second, 8 bytes each (doubled on growth). */
static void mmc_estimate(const void *params, sim_estimate *out)
{
    double horizon_s = out->horizon_s;
    const mmc_params *p = params;
    double lambda = p->arrival_rate_per_s, s = dist_mean(&p->service) * 1e-9;
    double growth = s > 0 ? lambda - (double)p->servers / s : 0;
    double waiting = growth > 0 ? growth * horizon_s : 0;
    if (p->capacity > 0 && waiting > (double)p->capacity)
        waiting = (double)p->capacity;
    out->state_bytes = 1024 * 8 + 16 * waiting;
    out->pending_events = (double)p->servers + 1;
    out->events_per_s = 2 * lambda;
    out->driver = growth > 0 ? "mmc.servers" : "mmc.arrival_rate";
}

const sim_model mmc_model = {
    .name = "mmc",
    .summary = "M/M/c FIFO queue (validation model; c = 1 gives M/M/1)",
    SIM_STATE(mmc_state),
    SIM_PARAMS(mmc_params, mmc_params_table),
    SIM_METRICS(mmc_metrics),
    SIM_STREAMS(mmc_streams),
    SIM_BUFFERS(mmc_buffers),
    .init = mmc_init,
    .event = mmc_event,
    .estimate = mmc_estimate,
};

double mmc_erlang_c(int c, double lambda, double mu)
{
    double a = lambda / mu; /* offered load in Erlangs */
    double rho = a / c;
    if (rho >= 1.0)
        return 1.0;
    /* Erlang B by its stable recursion, then C from B. */
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b / (1.0 - rho + rho * b);
}

double mmc_mean_wait_s(int c, double lambda, double mu)
{
    return mmc_erlang_c(c, lambda, mu) / (c * mu - lambda);
}
