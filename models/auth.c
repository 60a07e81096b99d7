/* auth.c - behavioural-authentication service (see auth.h).
 *
 * Invariants:
 *  - 0 <= idle <= workers; the line holds the requests not yet dispatched,
 *    oldest first, in a ring of exactly queue_capacity slots;
 *  - a batch leaves the line only when a worker is idle and either the line
 *    holds batch.max requests or its oldest request has waited
 *    batch.timeout (so with a timeout of 0 a free worker takes whatever is
 *    waiting);
 *  - at most one timeout event is pending; it is never later than the
 *    oldest request's deadline, because deadlines only grow along a FIFO
 *    line and the timer is re-armed after every dispatch;
 *  - a request's latency is known when its batch starts (the batch's
 *    service time is drawn then), so it is recorded at dispatch and the
 *    completion event carries nothing per request; but only when that
 *    completion falls inside the run, as if recorded at completion: a
 *    request still in service or still in the line at the end is censored
 *    there (latency >= end - arrival, sim_tally_censored) and counted in
 *    auth.unfinished, never dropped;
 *  - LRU: the cached profiles form one doubly linked list through
 *    lru_prev/lru_next (indices = agent ids), most recent at lru_head.
 */
#include "auth.h"
#include "cfg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"


#define AUTH_NIL UINT32_MAX

typedef struct auth_state {
    const auth_params *p;
    int self;
    gsl_rng *service_rng, *cache_rng;
    /* the line */
    int64_t *line_arrival_ns;
    uint32_t *line_agent;
    size_t head, len, cap;
    int64_t idle;
    int timer_pending;
    /* profile cache (lru) */
    uint32_t *lru_prev, *lru_next;
    uint8_t *lru_cached;
    size_t lru_ids;             /* agent ids the arrays cover */
    size_t lru_count;           /* profiles cached */
    uint32_t lru_head, lru_tail;
    /* whole-run counters for the VALUE metrics */
    int hist;                   /* latency histogram (sim_histogram) */
    uint64_t arrivals, dispatched, rejected, hits, misses;
    double busy_ns;
    double line_area;           /* integral of the line length, ns */
    int64_t line_changed_ns;
    int64_t first_arrival_ns, last_done_ns;
    int measuring;              /* the counters cover [warmup, end] */
    int m_latency, m_p50, m_p99, m_wait, m_served, m_waited, m_batch, m_throughput, m_rejected,
        m_rejected_fraction, m_util, m_hit_rate, m_queue, m_unfinished;
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
    SIM_P_ENUM("cache.model", auth_params, cache_model, auth_cache_names, AUTH_CACHE_LRU,
               "lru: profiles cached by agent id; hit_rate: a fixed hit probability"),
    SIM_P_SIZE("cache.size", auth_params, cache_bytes, INT64_C(4000000000), 0,
               INT64_C(1) << 50, "memory for cached profiles"),
    SIM_P_SIZE("cache.profile_size", auth_params, profile_bytes, 131072, 1, INT64_C(1) << 40,
               "one agent's profile"),
    SIM_P_ENUM("cache.start", auth_params, cache_warm, auth_start_names, 1,
               "cold: empty at start; warm: filled with the first agents"),
    SIM_P_FRACTION("cache.hit_rate", auth_params, hit_rate, 1.0, 0.0, 1.0,
                   "P(hit) for model hit_rate"),
    SIM_P_TIME_DIST("cache.miss_penalty", auth_params, miss_penalty, DIST_CONSTANT, 1e6, 0,
                    "extra service time of a request whose profile is not cached"),
};

static const sim_metric_spec auth_metrics[] = {
    SIM_METRIC(auth_state, m_latency, "latency", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "request latency: queue + batching + service (runbook claims 0.1 ms)"),
    SIM_METRIC(auth_state, m_p50, "latency_p50", "ms", 1e-6, STATS_VALUE, STATS_NONNEG, NULL,
               "median latency per replication (runbook claims 0.1 ms)"),
    SIM_METRIC(auth_state, m_p99, "latency_p99", "ms", 1e-6, STATS_VALUE, STATS_NONNEG, NULL,
               "99th-percentile latency per replication (runbook: 0.1 ms)"),
    SIM_METRIC(auth_state, m_wait, "wait", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "time from arrival to the start of its batch"),
    SIM_METRIC(auth_state, m_served, "served", "requests", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "requests dispatched to a worker"),
    SIM_METRIC(auth_state, m_waited, "waited", "requests", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "requests that waited; waited/served is Erlang C when M/M/c"),
    SIM_METRIC(auth_state, m_batch, "batch_size", "requests", 1.0, STATS_TALLY, STATS_NONNEG,
               NULL, "requests per dispatched batch"),
    SIM_METRIC(auth_state, m_throughput, "throughput", "req/s", 1.0, STATS_VALUE, STATS_NONNEG,
               NULL, "requests served per second while traffic flowed"),
    SIM_METRIC(auth_state, m_rejected, "rejected", "requests", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "requests turned away by a full queue"),
    SIM_METRIC(auth_state, m_rejected_fraction, "rejected_fraction", "1", 1.0, STATS_VALUE,
               STATS_PROPORTION, NULL, "rejected / arrived"),
    SIM_METRIC(auth_state, m_util, "utilisation", "1", 1.0, STATS_VALUE, STATS_PROPORTION, NULL,
               "busy fraction of workers while traffic flowed"),
    SIM_METRIC(auth_state, m_hit_rate, "cache_hit_rate", "1", 1.0, STATS_VALUE,
               STATS_PROPORTION, NULL, "profile cache hits / lookups"),
    SIM_METRIC(auth_state, m_queue, "queue_length", "requests", 1.0, STATS_VALUE, STATS_NONNEG,
               NULL, "time-average requests waiting while traffic flowed"),
    SIM_METRIC(auth_state, m_unfinished, "unfinished", "requests", 1.0, STATS_COUNT,
               STATS_NONNEG, NULL,
               "requests still queued or in service at the end (censored in auth.latency)"),
};

static const sim_stream_spec auth_streams[] = {
    SIM_STREAM(auth_state, service_rng, "service"),
    SIM_STREAM(auth_state, cache_rng, "cache"),
};

static const size_t auth_buffers[] = {
    SIM_BUFFER(auth_state, line_arrival_ns),
    SIM_BUFFER(auth_state, line_agent),
    SIM_BUFFER(auth_state, lru_prev),
    SIM_BUFFER(auth_state, lru_next),
    SIM_BUFFER(auth_state, lru_cached),
};

/* Derived: how many profiles the cache holds. */
static int auth_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    (void)c, (void)sec;
    auth_params *p = params;
    uint64_t profiles = p->profile_bytes ? p->cache_bytes / p->profile_bytes : 0;
    p->cache_profiles = profiles > UINT32_MAX - 1 ? (int64_t)UINT32_MAX - 1 : (int64_t)profiles;
    return 0;
}

/* --- profile cache ----------------------------------------------------- */

static int auth_lru_reserve(auth_state *s, size_t ids)
{
    if (ids <= s->lru_ids)
        return 0;
    size_t n = s->lru_ids ? s->lru_ids : 1024;
    while (n < ids)
        n *= 2;
    uint32_t *prev = realloc(s->lru_prev, n * sizeof *prev);
    if (!prev)
        return -1;
    s->lru_prev = prev;
    uint32_t *next = realloc(s->lru_next, n * sizeof *next);
    if (!next)
        return -1;
    s->lru_next = next;
    uint8_t *cached = realloc(s->lru_cached, n);
    if (!cached)
        return -1;
    s->lru_cached = cached;
    memset(s->lru_cached + s->lru_ids, 0, n - s->lru_ids);
    s->lru_ids = n;
    return 0;
}

static inline void auth_lru_unlink(auth_state *s, uint32_t a)
{
    uint32_t pr = s->lru_prev[a], nx = s->lru_next[a];
    if (pr != AUTH_NIL)
        s->lru_next[pr] = nx;
    else
        s->lru_head = nx;
    if (nx != AUTH_NIL)
        s->lru_prev[nx] = pr;
    else
        s->lru_tail = pr;
}

static inline void auth_lru_push_front(auth_state *s, uint32_t a)
{
    s->lru_prev[a] = AUTH_NIL;
    s->lru_next[a] = s->lru_head;
    if (s->lru_head != AUTH_NIL)
        s->lru_prev[s->lru_head] = a;
    else
        s->lru_tail = a;
    s->lru_head = a;
}

/* 1 when agent's profile is cached (and marks it most recent), 0 on a miss
 * (and loads it, evicting the least recent), -1 on out of memory. */
static int auth_cache_lookup(auth_state *s, uint32_t agent)
{
    if (s->p->cache_model == AUTH_CACHE_HIT_RATE)
        return s->p->hit_rate >= 1.0 || gsl_rng_uniform(s->cache_rng) < s->p->hit_rate;
    if (s->p->cache_profiles == 0)
        return 0;
    if (agent >= s->lru_ids && auth_lru_reserve(s, (size_t)agent + 1) != 0)
        return -1;
    if (s->lru_cached[agent]) {
        if (s->lru_head != agent) {
            auth_lru_unlink(s, agent);
            auth_lru_push_front(s, agent);
        }
        return 1;
    }
    if ((int64_t)s->lru_count == s->p->cache_profiles) {
        uint32_t victim = s->lru_tail;
        auth_lru_unlink(s, victim);
        s->lru_cached[victim] = 0;
        s->lru_count--;
    }
    auth_lru_push_front(s, agent);
    s->lru_cached[agent] = 1;
    s->lru_count++;
    return 0;
}

/* --- service ------------------------------------------------------------ */

/* Integrates the line length up to now; call before it changes. */
static inline void auth_line_area(auth_state *s, int64_t now)
{
    s->line_area += (double)s->len * (double)(now - s->line_changed_ns);
    s->line_changed_ns = now;
}

static void auth_arm_timer(sim_t *sim, auth_state *s)
{
    if (s->timer_pending || !s->len || !s->idle)
        return;
    int64_t deadline = s->line_arrival_ns[s->head] + s->p->batch_timeout_ns;
    if (deadline < sim_now(sim))
        deadline = sim_now(sim);
    sim_schedule(sim, deadline, s->self, AUTH_EV_TIMEOUT, 0);
    s->timer_pending = 1;
}

/* The summed per-item cost of k requests.  Exact shortcuts where the sum
 * has a closed-form law: k x a constant, and Gamma(k, mean) for
 * exponential items (one draw instead of k logarithms). */
static double auth_per_item_sum(const dist_t *d, gsl_rng *r, size_t k)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return (double)k * d->a;
    case DIST_EXPONENTIAL:
        return k == 1 ? rng_exponential(r, d->a) : gsl_ran_gamma(r, (double)k, d->a);
    default: {
        double sum = 0;
        for (size_t i = 0; i < k; i++)
            sum += dist_sample(d, r);
        return sum;
    }
    }
}

/* A request the run ends before it is done: its latency is at least
 * end - arrival (censored there). */
static void auth_unfinished(sim_t *sim, auth_state *s, int64_t arrival_ns, int64_t end_ns)
{
    sim_tally_censored(sim, s->m_latency, (double)(end_ns - arrival_ns));
    sim_count(sim, s->m_unfinished, 1);
}

/* Starts batches while a worker is idle and a batch is ready. */
static void auth_dispatch(sim_t *sim, auth_state *s)
{
    const auth_params *p = s->p;
    int64_t now = sim_now(sim);
    while (s->idle > 0 && s->len > 0) {
        if ((int64_t)s->len < p->batch_max &&
            s->line_arrival_ns[s->head] + p->batch_timeout_ns > now)
            break;
        size_t k = s->len < (size_t)p->batch_max ? s->len : (size_t)p->batch_max;
        auth_line_area(s, now);
        /* Cache lookups first: the misses set the batch's service time. */
        double service = dist_sample(&p->overhead, s->service_rng) +
                         auth_per_item_sum(&p->per_item, s->service_rng, k);
        size_t h = s->head;
        for (size_t i = 0; i < k; i++) {
            int hit = auth_cache_lookup(s, s->line_agent[h]);
            if (hit < 0) {
                sim_fail(sim, "auth: out of memory for the profile cache");
                return;
            }
            if (hit) {
                s->hits++;
            } else {
                s->misses++;
                service += dist_sample(&p->miss_penalty, s->service_rng);
            }
            h = h + 1 == s->cap ? 0 : h + 1;
        }
        int64_t service_ns = service > 0 ? (int64_t)(service + 0.5) : 0;
        /* Events at or after the end never run: such a batch never completes. */
        int completes = now + service_ns < sim_end_time(sim);
        for (size_t i = 0; i < k; i++) {
            int64_t wait = now - s->line_arrival_ns[s->head];
            int64_t latency = wait + service_ns;
            sim_tally(sim, s->m_wait, (double)wait);
            if (wait > 0)
                sim_count(sim, s->m_waited, 1);
            if (completes) {
                sim_tally(sim, s->m_latency, (double)latency);
                sim_hist_add(sim, s->hist, (uint64_t)latency);
            } else {
                auth_unfinished(sim, s, s->line_arrival_ns[s->head], sim_end_time(sim));
            }
            s->head = s->head + 1 == s->cap ? 0 : s->head + 1;
        }
        s->len -= k;
        s->dispatched += k;
        sim_count(sim, s->m_served, (double)k);
        s->busy_ns += (double)service_ns;
        if (now + service_ns > s->last_done_ns)
            s->last_done_ns = now + service_ns;
        sim_tally(sim, s->m_batch, (double)k);
        s->idle--;
        sim_schedule_in(sim, service_ns, s->self, AUTH_EV_BATCH_DONE, 0);
    }
    auth_arm_timer(sim, s);
}

static void auth_request(sim_t *sim, auth_state *s, uint32_t agent)
{
    int64_t now = sim_now(sim);
    auth_line_area(s, now);
    if (!s->arrivals)
        s->first_arrival_ns = now;
    s->arrivals++;
    if (s->len == s->cap) {
        s->rejected++;
        sim_count(sim, s->m_rejected, 1);
        return;
    }
    size_t tail = s->head + s->len;
    if (tail >= s->cap)
        tail -= s->cap;
    s->line_arrival_ns[tail] = now;
    s->line_agent[tail] = agent;
    s->len++;
    if (s->idle)
        auth_dispatch(sim, s);
}

static void auth_population(sim_t *sim, auth_state *s, uint64_t agents)
{
    if (s->p->cache_model != AUTH_CACHE_LRU || agents == 0 || agents > UINT32_MAX - 1)
        return;
    if (auth_lru_reserve(s, (size_t)agents) != 0) {
        sim_fail(sim, "auth: out of memory for the profile cache");
        return;
    }
    if (!s->p->cache_warm)
        return;
    /* Access is uniform over agents, so which ones start cached does not
     * matter; the lowest ids are as good as any. */
    uint64_t n = agents < (uint64_t)s->p->cache_profiles ? agents : (uint64_t)s->p->cache_profiles;
    for (uint64_t a = n; a-- > 0;) {
        if (s->lru_cached[a])
            continue;
        if ((int64_t)s->lru_count == s->p->cache_profiles)
            break;
        auth_lru_push_front(s, (uint32_t)a);
        s->lru_cached[a] = 1;
        s->lru_count++;
    }
}

static int auth_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    auth_state *s = state;
    const auth_params *p = params;
    s->cap = (size_t)p->queue_capacity;
    s->idle = p->workers;
    s->lru_head = s->lru_tail = AUTH_NIL;
    s->line_arrival_ns = malloc(s->cap * sizeof *s->line_arrival_ns);
    s->line_agent = malloc(s->cap * sizeof *s->line_agent);
    s->hist = sim_histogram(sim);
    if (!s->line_arrival_ns || !s->line_agent || s->hist < 0)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "auth: out of memory");
    return 0;
}

/* The VALUE metrics are computed here, not by the engine, so the warmup
 * reset that the engine gives tallies, counts and the latency histogram is
 * done here for the model's own counters: at the first event at or after
 * the warmup time they start again. */
static void auth_start_measuring(sim_t *sim, auth_state *s)
{
    int64_t now = sim_now(sim);
    s->measuring = 1;
    if (now == 0)
        return;
    s->arrivals = s->dispatched = s->rejected = s->hits = s->misses = 0;
    s->busy_ns = 0;
    s->line_area = 0;
    s->line_changed_ns = now;
}

static void auth_event(sim_t *sim, void *state, const sim_event *ev)
{
    auth_state *s = state;
    if (!s->measuring && sim_now(sim) >= sim_warmup_time(sim))
        auth_start_measuring(sim, s);
    switch (ev->kind) {
    case AUTH_EV_REQUEST: {
        auth_request_msg m;
        sim_payload(ev, &m, sizeof m);
        auth_request(sim, s, m.agent);
        break;
    }
    case AUTH_EV_BATCH_DONE:
        s->idle++;
        auth_dispatch(sim, s);
        break;
    case AUTH_EV_TIMEOUT:
        s->timer_pending = 0;
        auth_dispatch(sim, s);
        break;
    case AUTH_EV_POPULATION: {
        auth_population_msg m;
        sim_payload(ev, &m, sizeof m);
        auth_population(sim, s, m.agents);
        break;
    }
    default:
        sim_fail(sim, "auth: unknown event kind %u", ev->kind);
    }
}

static void auth_finish(sim_t *sim, void *state)
{
    auth_state *s = state;
    /* The line at the end: waiting still, so censored, never dropped. */
    for (size_t i = 0, h = s->head; i < s->len; i++, h = h + 1 == s->cap ? 0 : h + 1) {
        auth_unfinished(sim, s, s->line_arrival_ns[h], sim_now(sim));
        sim_tally_censored(sim, s->m_wait, (double)(sim_now(sim) - s->line_arrival_ns[h]));
    }
    sim_set_value(sim, s->m_p50, sim_hist_quantile(sim, s->hist, 0.50));
    sim_set_value(sim, s->m_p99, sim_hist_quantile(sim, s->hist, 0.99));
    int64_t end = s->last_done_ns < sim_now(sim) ? s->last_done_ns : sim_now(sim);
    double span_s = (double)(end - s->first_arrival_ns) / 1e9;
    sim_set_value(sim, s->m_throughput, span_s > 0 ? (double)s->dispatched / span_s : 0.0);
    auth_line_area(s, end > s->line_changed_ns ? end : s->line_changed_ns);
    sim_set_value(sim, s->m_queue, span_s > 0 ? s->line_area / 1e9 / span_s : 0.0);
    sim_set_value(sim, s->m_util,
                  span_s > 0 ? s->busy_ns / 1e9 / (span_s * (double)s->p->workers) : 0.0);
    sim_set_value(sim, s->m_rejected_fraction,
                  s->arrivals ? (double)s->rejected / (double)s->arrivals : 0.0);
    uint64_t lookups = s->hits + s->misses;
    sim_set_value(sim, s->m_hit_rate, lookups ? (double)s->hits / (double)lookups : NAN);
}

const sim_model auth_model = {
    .name = "auth",
    .summary = "behavioural authentication: bounded queue, c workers, batching, profile cache",
    SIM_STATE(auth_state),
    SIM_PARAMS(auth_params, auth_params_table),
    SIM_METRICS(auth_metrics),
    SIM_STREAMS(auth_streams),
    SIM_BUFFERS(auth_buffers),
    .configure = auth_configure,
    .init = auth_init,
    .event = auth_event,
    .finish = auth_finish,
};
