/* svcq.h - a service queue that models embed: a bounded FIFO line,
 * `workers` servers that take requests in batches, and an LRU cache of
 * the requests' keys (or a fixed hit probability).  The behavioural
 * authentication service (auth.c, key = agent) and the canary check
 * service (canaries.c, key = resource) are both one svcq.
 *
 * Not a model: a component with one prefix (svcq_) that a model keeps in
 * its state, feeds from its event handler, finishes in its finish hook
 * and releases in its release hook.  The owner gives it two of its event
 * kinds (batch done, batch timeout), and its tables give it two streams
 * and the ids of its metrics.
 *
 * A request's latency is queueing + batching wait + its batch's service
 * time, where a batch of k requests costs overhead + the sum of k per-item
 * costs + miss_penalty per key not in the cache + hit_cost per key found;
 * a request still queued or in service at the end is censored there and
 * counted in `unfinished`, never dropped.
 * With batch_max = 1, no misses and exponential per-item cost the service
 * is M/M/c with a finite line (Erlang C, tests/test_svcq.c).
 *
 * Cache: LRU over keys 0..n-1 holding cache_items = cache_bytes /
 * item_bytes keys; a key loaded more than cache_ttl_ns ago (when > 0) is
 * stale and counts as a miss (it is loaded again).  Under independent
 * requests with uniform key popularity over N keys the LRU hit rate is
 * min(C, N) / N once warm (a warm start fills the first C keys).
 */
#ifndef MWRASP_SVCQ_H
#define MWRASP_SVCQ_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef enum svcq_cache_model { SVCQ_CACHE_LRU = 0, SVCQ_CACHE_HIT_RATE = 1 } svcq_cache_model;

/* Parameters, read by the owner's parameter table (rows name the fields). */
typedef struct svcq_params {
    int64_t workers;
    int64_t queue_capacity;     /* requests waiting, not in service */
    int64_t batch_max;
    int64_t batch_timeout_ns;
    dist_t overhead;            /* ns per batch */
    dist_t per_item;            /* ns per request */
    int cache_model;            /* svcq_cache_model */
    uint64_t cache_bytes, item_bytes;
    int64_t cache_items;        /* cache_bytes / item_bytes (svcq_configure) */
    int cache_warm;
    double hit_rate;
    dist_t miss_penalty;        /* ns per missed key */
    dist_t hit_cost;            /* ns per key found (decompression) */
    int64_t cache_ttl_ns;       /* 0: entries never go stale */
} svcq_params;

/* Derives cache_items from cache_bytes and item_bytes. */
void svcq_configure(svcq_params *p);

/* The ids of the queue's metrics (the owner's metric table writes them;
 * -1: not declared). */
typedef struct svcq_metric_ids {
    int latency, p50, p99, wait, served, waited, batch, throughput, rejected,
        rejected_fraction, util, hit_rate, queue, unfinished;
} svcq_metric_ids;

/* The queue; its fields are svcq.c's (embedded by value in a model's state). */
typedef struct svcq {
    const svcq_params *p;
    const char *owner;
    int self;
    uint16_t kind_done, kind_timeout;
    gsl_rng *service_rng, *cache_rng;
    int64_t *line_arrival_ns;
    uint32_t *line_key;
    size_t head, len, cap;
    int64_t idle;
    int timer_pending;
    uint32_t *lru_prev, *lru_next;
    uint8_t *lru_cached;
    int64_t *lru_loaded_ns;     /* only with a TTL */
    size_t lru_ids, lru_count;
    uint32_t lru_head, lru_tail;
    int hist;
    uint64_t arrivals, dispatched, rejected, hits, misses;
    double busy_ns, line_area;
    int64_t line_changed_ns, first_arrival_ns, last_done_ns;
    int measuring;
    int hit_costs;              /* hit_cost is not the constant 0 */
    svcq_metric_ids m;
} svcq;

/* What the owner gives the queue: its name (for messages) and two of its
 * event kinds for the queue's own events. */
typedef struct svcq_setup {
    const char *owner;
    uint16_t kind_done, kind_timeout;
} svcq_setup;

/* Makes the line; the owner's tables have written q->m (metric ids) and
 * q->service_rng, q->cache_rng (two rows of its stream table).  0 or an
 * ERR_* code in e.  */
int svcq_init(svcq *q, sim_t *sim, const svcq_params *p, const svcq_setup *setup, err_t *e);
/* Call at the start of each of the owner's events: starts the queue's own
 * counters again at the first event at or after the warmup time. */
void svcq_observe(sim_t *sim, svcq *q);
/* A request for key arriving now. */
void svcq_request(sim_t *sim, svcq *q, uint32_t key);
/* The owner's kind_done / kind_timeout events. */
void svcq_batch_done(sim_t *sim, svcq *q);
void svcq_timeout(sim_t *sim, svcq *q);
/* The key space is 0..keys-1: sizes the LRU once (and fills it with the
 * lowest keys when cache_warm). */
void svcq_population(sim_t *sim, svcq *q, uint64_t keys);
/* Sets the per-replication VALUE metrics. */
void svcq_finish(sim_t *sim, svcq *q);
void svcq_release(svcq *q);

#endif
