/* svcq.c - the shared service queue (see svcq.h).
 *
 * Invariants:
 *  - 0 <= idle <= workers; the line holds the requests not yet dispatched,
 *    oldest first, in a ring of exactly queue_capacity slots;
 *  - a batch leaves the line only when a worker is idle and either the line
 *    holds batch_max requests or its oldest request has waited
 *    batch_timeout (so with a timeout of 0 a free worker takes whatever is
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
 *    the unfinished metric, never dropped;
 *  - LRU: the cached keys form one doubly linked list through
 *    lru_prev/lru_next (indices = keys), most recent at lru_head;
 *  - random draws, per batch and in this order: overhead, the per-item sum,
 *    then per request its cache draw (hit_rate model) and its miss penalty
 *    or hit cost (constants draw nothing), so an owner that moved onto this
 *    queue kept its results bit for bit.
 */
#include "svcq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

#define SVCQ_NIL UINT32_MAX

void svcq_configure(svcq_params *p)
{
    uint64_t items = p->item_bytes ? p->cache_bytes / p->item_bytes : 0;
    p->cache_items = items > UINT32_MAX - 1 ? (int64_t)UINT32_MAX - 1 : (int64_t)items;
}

/* --- cache --------------------------------------------------------------- */

static int svcq_lru_reserve(svcq *q, size_t ids)
{
    if (ids <= q->lru_ids)
        return 0;
    size_t n = q->lru_ids ? q->lru_ids : 1024;
    while (n < ids)
        n *= 2;
    uint32_t *prev = realloc(q->lru_prev, n * sizeof *prev);
    if (!prev)
        return -1;
    q->lru_prev = prev;
    uint32_t *next = realloc(q->lru_next, n * sizeof *next);
    if (!next)
        return -1;
    q->lru_next = next;
    uint8_t *cached = realloc(q->lru_cached, n);
    if (!cached)
        return -1;
    q->lru_cached = cached;
    memset(q->lru_cached + q->lru_ids, 0, n - q->lru_ids);
    if (q->p->cache_ttl_ns > 0) {
        int64_t *loaded = realloc(q->lru_loaded_ns, n * sizeof *loaded);
        if (!loaded)
            return -1;
        q->lru_loaded_ns = loaded;
    }
    q->lru_ids = n;
    return 0;
}

static inline void svcq_lru_unlink(svcq *q, uint32_t a)
{
    uint32_t pr = q->lru_prev[a], nx = q->lru_next[a];
    if (pr != SVCQ_NIL)
        q->lru_next[pr] = nx;
    else
        q->lru_head = nx;
    if (nx != SVCQ_NIL)
        q->lru_prev[nx] = pr;
    else
        q->lru_tail = pr;
}

static inline void svcq_lru_push_front(svcq *q, uint32_t a)
{
    q->lru_prev[a] = SVCQ_NIL;
    q->lru_next[a] = q->lru_head;
    if (q->lru_head != SVCQ_NIL)
        q->lru_prev[q->lru_head] = a;
    else
        q->lru_tail = a;
    q->lru_head = a;
}

/* Puts key at the front as just loaded. */
static void svcq_lru_insert(svcq *q, uint32_t key, int64_t now)
{
    svcq_lru_push_front(q, key);
    q->lru_cached[key] = 1;
    q->lru_count++;
    if (q->lru_loaded_ns)
        q->lru_loaded_ns[key] = now;
}

/* 1 when key is cached and fresh (and marks it most recent), 0 on a miss
 * (and loads it, evicting the least recent), -1 on out of memory. */
static int svcq_cache_lookup(svcq *q, uint32_t key, int64_t now)
{
    const svcq_params *p = q->p;
    if (p->cache_model == SVCQ_CACHE_HIT_RATE)
        return p->hit_rate >= 1.0 || gsl_rng_uniform(q->cache_rng) < p->hit_rate;
    if (p->cache_items == 0)
        return 0;
    if (key >= q->lru_ids && svcq_lru_reserve(q, (size_t)key + 1) != 0)
        return -1;
    if (q->lru_cached[key]) {
        if (q->lru_head != key) {
            svcq_lru_unlink(q, key);
            svcq_lru_push_front(q, key);
        }
        /* A stale entry is loaded again: a miss. */
        if (q->lru_loaded_ns && now - q->lru_loaded_ns[key] > p->cache_ttl_ns) {
            q->lru_loaded_ns[key] = now;
            return 0;
        }
        return 1;
    }
    if ((int64_t)q->lru_count == p->cache_items) {
        uint32_t victim = q->lru_tail;
        svcq_lru_unlink(q, victim);
        q->lru_cached[victim] = 0;
        q->lru_count--;
    }
    svcq_lru_insert(q, key, now);
    return 0;
}

/* --- service ------------------------------------------------------------ */

/* Integrates the line length up to now; call before it changes. */
static inline void svcq_line_area(svcq *q, int64_t now)
{
    q->line_area += (double)q->len * (double)(now - q->line_changed_ns);
    q->line_changed_ns = now;
}

static void svcq_arm_timer(sim_t *sim, svcq *q)
{
    if (q->timer_pending || !q->len || !q->idle)
        return;
    int64_t deadline = q->line_arrival_ns[q->head] + q->p->batch_timeout_ns;
    if (deadline < sim_now(sim))
        deadline = sim_now(sim);
    sim_schedule(sim, deadline, q->self, q->kind_timeout, 0);
    q->timer_pending = 1;
}

/* The summed per-item cost of k requests.  Exact shortcuts where the sum
 * has a closed-form law: k x a constant, and Gamma(k, mean) for
 * exponential items (one draw instead of k logarithms). */
static double svcq_per_item_sum(const dist_t *d, gsl_rng *r, size_t k)
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
static void svcq_unfinished(sim_t *sim, svcq *q, int64_t arrival_ns, int64_t end_ns)
{
    sim_tally_censored(sim, q->m.latency, (double)(end_ns - arrival_ns));
    sim_count(sim, q->m.unfinished, 1);
}

/* Starts batches while a worker is idle and a batch is ready. */
static void svcq_dispatch(sim_t *sim, svcq *q)
{
    const svcq_params *p = q->p;
    int64_t now = sim_now(sim);
    while (q->idle > 0 && q->len > 0) {
        if ((int64_t)q->len < p->batch_max &&
            q->line_arrival_ns[q->head] + p->batch_timeout_ns > now)
            break;
        size_t k = q->len < (size_t)p->batch_max ? q->len : (size_t)p->batch_max;
        svcq_line_area(q, now);
        /* Cache lookups first: the misses set the batch's service time. */
        double service = dist_sample(&p->overhead, q->service_rng) +
                         svcq_per_item_sum(&p->per_item, q->service_rng, k);
        size_t h = q->head;
        for (size_t i = 0; i < k; i++) {
            int hit = svcq_cache_lookup(q, q->line_key[h], now);
            if (hit < 0) {
                sim_fail(sim, "%s: out of memory for the cache", q->owner);
                return;
            }
            if (hit) {
                q->hits++;
                if (q->hit_costs)
                    service += dist_sample(&p->hit_cost, q->service_rng);
            } else {
                q->misses++;
                service += dist_sample(&p->miss_penalty, q->service_rng);
            }
            h = h + 1 == q->cap ? 0 : h + 1;
        }
        int64_t service_ns = service > 0 ? (int64_t)(service + 0.5) : 0;
        /* Events at or after the end never run: such a batch never completes. */
        int completes = now + service_ns < sim_end_time(sim);
        for (size_t i = 0; i < k; i++) {
            int64_t wait = now - q->line_arrival_ns[q->head];
            int64_t latency = wait + service_ns;
            sim_tally(sim, q->m.wait, (double)wait);
            if (wait > 0)
                sim_count(sim, q->m.waited, 1);
            if (completes) {
                sim_tally(sim, q->m.latency, (double)latency);
                sim_hist_add(sim, q->hist, (uint64_t)latency);
            } else {
                svcq_unfinished(sim, q, q->line_arrival_ns[q->head], sim_end_time(sim));
            }
            q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
        }
        q->len -= k;
        q->dispatched += k;
        sim_count(sim, q->m.served, (double)k);
        q->busy_ns += (double)service_ns;
        if (now + service_ns > q->last_done_ns)
            q->last_done_ns = now + service_ns;
        sim_tally(sim, q->m.batch, (double)k);
        q->idle--;
        sim_schedule_in(sim, service_ns, q->self, q->kind_done, 0);
    }
    svcq_arm_timer(sim, q);
}

void svcq_request(sim_t *sim, svcq *q, uint32_t key)
{
    int64_t now = sim_now(sim);
    svcq_line_area(q, now);
    if (!q->arrivals)
        q->first_arrival_ns = now;
    q->arrivals++;
    if (q->len == q->cap) {
        q->rejected++;
        sim_count(sim, q->m.rejected, 1);
        return;
    }
    size_t tail = q->head + q->len;
    if (tail >= q->cap)
        tail -= q->cap;
    q->line_arrival_ns[tail] = now;
    q->line_key[tail] = key;
    q->len++;
    if (q->idle)
        svcq_dispatch(sim, q);
}

void svcq_batch_done(sim_t *sim, svcq *q)
{
    q->idle++;
    svcq_dispatch(sim, q);
}

void svcq_timeout(sim_t *sim, svcq *q)
{
    q->timer_pending = 0;
    svcq_dispatch(sim, q);
}

void svcq_population(sim_t *sim, svcq *q, uint64_t keys)
{
    if (q->p->cache_model != SVCQ_CACHE_LRU || keys == 0 || keys > UINT32_MAX - 1)
        return;
    if (svcq_lru_reserve(q, (size_t)keys) != 0) {
        sim_fail(sim, "%s: out of memory for the cache", q->owner);
        return;
    }
    if (!q->p->cache_warm)
        return;
    /* Which keys start cached matters only for skewed popularity; the
     * lowest keys are the most popular ones there (canaries.c), and as
     * good as any under uniform popularity. */
    uint64_t n = keys < (uint64_t)q->p->cache_items ? keys : (uint64_t)q->p->cache_items;
    for (uint64_t a = n; a-- > 0;) {
        if (q->lru_cached[a])
            continue;
        if ((int64_t)q->lru_count == q->p->cache_items)
            break;
        svcq_lru_insert(q, (uint32_t)a, sim_now(sim));
    }
}

int svcq_init(svcq *q, sim_t *sim, const svcq_params *p, const svcq_setup *setup, err_t *e)
{
    q->p = p;
    q->owner = setup->owner;
    q->self = sim_self(sim);
    q->kind_done = setup->kind_done;
    q->kind_timeout = setup->kind_timeout;
    q->hit_costs = p->hit_cost.kind != DIST_CONSTANT || p->hit_cost.a != 0;
    q->cap = (size_t)p->queue_capacity;
    q->idle = p->workers;
    q->lru_head = q->lru_tail = SVCQ_NIL;
    q->line_arrival_ns = malloc(q->cap * sizeof *q->line_arrival_ns);
    q->line_key = malloc(q->cap * sizeof *q->line_key);
    q->hist = sim_histogram(sim);
    if (!q->line_arrival_ns || !q->line_key || q->hist < 0)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "%s: out of memory", q->owner);
    return 0;
}

/* The VALUE metrics are computed here, not by the engine, so the warmup
 * reset that the engine gives tallies, counts and the latency histogram is
 * done here for the queue's own counters: at the first event at or after
 * the warmup time they start again. */
void svcq_observe(sim_t *sim, svcq *q)
{
    if (q->measuring || sim_now(sim) < sim_warmup_time(sim))
        return;
    int64_t now = sim_now(sim);
    q->measuring = 1;
    if (now == 0)
        return;
    q->arrivals = q->dispatched = q->rejected = q->hits = q->misses = 0;
    q->busy_ns = 0;
    q->line_area = 0;
    q->line_changed_ns = now;
}

void svcq_finish(sim_t *sim, svcq *q)
{
    /* The line at the end: waiting still, so censored, never dropped. */
    for (size_t i = 0, h = q->head; i < q->len; i++, h = h + 1 == q->cap ? 0 : h + 1) {
        svcq_unfinished(sim, q, q->line_arrival_ns[h], sim_now(sim));
        sim_tally_censored(sim, q->m.wait, (double)(sim_now(sim) - q->line_arrival_ns[h]));
    }
    sim_set_value(sim, q->m.p50, sim_hist_quantile(sim, q->hist, 0.50));
    sim_set_value(sim, q->m.p99, sim_hist_quantile(sim, q->hist, 0.99));
    int64_t end = q->last_done_ns < sim_now(sim) ? q->last_done_ns : sim_now(sim);
    double span_s = (double)(end - q->first_arrival_ns) / 1e9;
    sim_set_value(sim, q->m.throughput, span_s > 0 ? (double)q->dispatched / span_s : 0.0);
    svcq_line_area(q, end > q->line_changed_ns ? end : q->line_changed_ns);
    sim_set_value(sim, q->m.queue, span_s > 0 ? q->line_area / 1e9 / span_s : 0.0);
    sim_set_value(sim, q->m.util,
                  span_s > 0 ? q->busy_ns / 1e9 / (span_s * (double)q->p->workers) : 0.0);
    sim_set_value(sim, q->m.rejected_fraction,
                  q->arrivals ? (double)q->rejected / (double)q->arrivals : 0.0);
    uint64_t lookups = q->hits + q->misses;
    sim_set_value(sim, q->m.hit_rate, lookups ? (double)q->hits / (double)lookups : NAN);
}

void svcq_release(svcq *q)
{
    free(q->line_arrival_ns);
    free(q->line_key);
    free(q->lru_prev);
    free(q->lru_next);
    free(q->lru_cached);
    free(q->lru_loaded_ns);
}
