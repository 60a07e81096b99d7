/* auth.c - behavioural-authentication service (see auth.h): the model's
 * parameter and metric tables and its events around one shared service
 * queue (svcq.c), which keeps the line, workers, batches and profile
 * cache and their invariants.
 */
#include "auth.h"
#include "cfg.h"

#include <math.h>


typedef struct auth_state {
    const auth_params *p;       /* SIM_STATE */
    int self;
    svcq q;                     /* its metric and stream fields are the tables' */
} auth_state;

static const char *const auth_cache_names[] = { "lru", "hit_rate", NULL };
static const char *const auth_start_names[] = { "cold", "warm", NULL };

static const sim_param auth_params_table[] = {
    SIM_P_INT("workers", auth_params, workers, 32, 1, 1000000, "workers",
              "parallel authentication workers"),
    SIM_P_INT("queue", auth_params, queue_capacity, 10000, 1, 100000000, "requests",
              "places in the waiting line; an arrival to a full line is rejected"),
    SIM_P_INT("batch.max", auth_params, batch_max, 1, 1, 1000000, "requests",
              "requests a worker takes at once"),
    SIM_P_DURATION("batch.timeout", auth_params, batch_timeout_ns, 0, 0, INT64_C(1) << 50,
                   "longest wait for a full batch (0: a free worker takes what waits)"),
    SIM_P_TIME_DIST("service.overhead", auth_params, overhead, DIST_CONSTANT, 0, 0,
                    "fixed cost of one batch"),
    SIM_P_TIME_DIST("service.per_item", auth_params, per_item, DIST_CONSTANT, 10e3, 0,
                    "cost per request in a batch"),
    SIM_P_ENUM("cache.model", auth_params, cache_model, auth_cache_names, SVCQ_CACHE_LRU,
               "lru: profiles cached by agent id; hit_rate: a fixed hit probability"),
    SIM_P_SIZE("cache.size", auth_params, cache_bytes, INT64_C(4000000000), 0,
               INT64_C(1) << 50, "memory for cached profiles"),
    SIM_P_SIZE("cache.profile_size", auth_params, item_bytes, 131072, 1, INT64_C(1) << 40,
               "one agent's profile"),
    SIM_P_ENUM("cache.start", auth_params, cache_warm, auth_start_names, 1,
               "cold: empty at start; warm: filled with the first agents"),
    SIM_P_FRACTION("cache.hit_rate", auth_params, hit_rate, 1.0, 0.0, 1.0,
                   "P(hit) for model hit_rate"),
    SIM_P_TIME_DIST("cache.miss_penalty", auth_params, miss_penalty, DIST_CONSTANT, 1e6, 0,
                    "extra service time of a request whose profile is not cached"),
    SIM_P_TIME_DIST("cache.hit_cost", auth_params, hit_cost, DIST_CONSTANT, 0, 0,
                    "extra service time of a request whose profile is cached (decompressing "
                    "it: LZ4, runbook L983)"),
};

static const sim_metric_spec auth_metrics[] = {
    SIM_METRIC(auth_state, q.m.latency, "latency", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "request latency: queue + batching + service (runbook claims 0.1 ms)"),
    SIM_METRIC(auth_state, q.m.p50, "latency_p50", "ms", 1e-6, STATS_VALUE, STATS_NONNEG, NULL,
               "median latency per replication (runbook claims 0.1 ms)"),
    SIM_METRIC(auth_state, q.m.p99, "latency_p99", "ms", 1e-6, STATS_VALUE, STATS_NONNEG, NULL,
               "99th-percentile latency per replication (runbook: 0.1 ms)"),
    SIM_METRIC(auth_state, q.m.wait, "wait", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "time from arrival to the start of its batch"),
    SIM_METRIC(auth_state, q.m.served, "served", "requests", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "requests dispatched to a worker"),
    SIM_METRIC(auth_state, q.m.waited, "waited", "requests", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "requests that waited; waited/served is Erlang C when M/M/c"),
    SIM_METRIC(auth_state, q.m.batch, "batch_size", "requests", 1.0, STATS_TALLY, STATS_NONNEG,
               NULL, "requests per dispatched batch"),
    SIM_METRIC(auth_state, q.m.throughput, "throughput", "req/s", 1.0, STATS_VALUE, STATS_NONNEG,
               NULL, "requests served per second while traffic flowed"),
    SIM_METRIC(auth_state, q.m.rejected, "rejected", "requests", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "requests turned away by a full queue"),
    SIM_METRIC(auth_state, q.m.rejected_fraction, "rejected_fraction", "1", 1.0, STATS_VALUE,
               STATS_PROPORTION, NULL, "rejected / arrived"),
    SIM_METRIC(auth_state, q.m.util, "utilisation", "1", 1.0, STATS_VALUE, STATS_PROPORTION, NULL,
               "busy fraction of workers while traffic flowed"),
    SIM_METRIC(auth_state, q.m.hit_rate, "cache_hit_rate", "1", 1.0, STATS_VALUE,
               STATS_PROPORTION, NULL, "profile cache hits / lookups"),
    SIM_METRIC(auth_state, q.m.queue, "queue_length", "requests", 1.0, STATS_VALUE, STATS_NONNEG,
               NULL, "time-average requests waiting while traffic flowed"),
    SIM_METRIC(auth_state, q.m.unfinished, "unfinished", "requests", 1.0, STATS_COUNT,
               STATS_NONNEG, NULL,
               "requests still queued or in service at the end (censored in auth.latency)"),
};

static const sim_stream_spec auth_streams[] = {
    SIM_STREAM(auth_state, q.service_rng, "service"),
    SIM_STREAM(auth_state, q.cache_rng, "cache"),
};

/* Derived: how many profiles the cache holds. */
static int auth_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    (void)c, (void)sec;
    svcq_configure(params);
    return 0;
}

static int auth_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    auth_state *s = state;
    static const svcq_setup setup = { "auth", AUTH_EV_BATCH_DONE, AUTH_EV_TIMEOUT };
    return svcq_init(&s->q, sim, params, &setup, e);
}

static void auth_event(sim_t *sim, void *state, const sim_event *ev)
{
    auth_state *s = state;
    svcq_observe(sim, &s->q);
    switch (ev->kind) {
    case AUTH_EV_REQUEST: {
        auth_request_msg m;
        sim_payload(ev, &m, sizeof m);
        svcq_request(sim, &s->q, m.agent);
        break;
    }
    case AUTH_EV_BATCH_DONE:
        svcq_batch_done(sim, &s->q);
        break;
    case AUTH_EV_TIMEOUT:
        svcq_timeout(sim, &s->q);
        break;
    case AUTH_EV_POPULATION: {
        auth_population_msg m;
        sim_payload(ev, &m, sizeof m);
        /* Access is uniform over agents, so which ones start cached does
         * not matter. */
        svcq_population(sim, &s->q, m.agents);
        break;
    }
    default:
        sim_fail(sim, "auth: unknown event kind %u", ev->kind);
    }
}

static void auth_finish(sim_t *sim, void *state)
{
    auth_state *s = state;
    svcq_finish(sim, &s->q);
}

static void auth_release(void *state)
{
    auth_state *s = state;
    svcq_release(&s->q);
}

const sim_model auth_model = {
    .name = "auth",
    .summary = "behavioural authentication: bounded queue, c workers, batching, profile cache",
    SIM_STATE(auth_state),
    SIM_PARAMS(auth_params, auth_params_table),
    SIM_METRICS(auth_metrics),
    SIM_STREAMS(auth_streams),
    .configure = auth_configure,
    .init = auth_init,
    .event = auth_event,
    .finish = auth_finish,
    .release = auth_release,
};
