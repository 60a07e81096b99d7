/* auth.h - the behavioural-authentication service: a bounded FIFO queue,
 * `workers` servers that take requests in batches, and a profile cache.
 *
 * Requests come by event from another model (the agents model); this model
 * generates no traffic of its own.  A request's latency is queueing +
 * batching wait + its batch's service time, where a batch of k requests
 * costs overhead + the sum of k per-item costs + one miss penalty for every
 * profile not in the cache.  With batch.max = 1, no cache misses and
 * exponential per-item cost the service is M/M/c with a finite line.
 *
 * Scenario section `auth`:
 *   workers           servers c                                  (default 32)
 *   queue             max requests waiting; overflow is rejected (default 10000)
 *   batch.max         largest batch; 1 turns batching off        (default 1)
 *   batch.timeout     a partial batch is dispatched once its oldest request
 *                     has waited this long (0: dispatch at once) (default 0s)
 *   service.overhead  per-batch fixed cost, time distribution    (default 0)
 *   service.per_item  per-request cost, time distribution        (default 10us)
 *   cache.model       lru | hit_rate                             (default lru)
 *   cache.size        cache bytes (lru)                          (default 4GB)
 *   cache.profile_size  bytes one cached profile takes (lru)     (default 128KiB)
 *   cache.start       warm | cold (lru; warm: the first
 *                     capacity agents are cached at time 0)      (default warm)
 *   cache.hit_rate    P(hit) (hit_rate model)                    (default 1)
 *   cache.miss_penalty  extra service time per miss             (default 1ms)
 *
 * Events this model accepts from others (auth_event below):
 *   AUTH_EV_REQUEST     a request of an agent, arriving at the event time
 *                       (auth_send_request).
 *   AUTH_EV_POPULATION  the number of agents (ids 0..n-1): sizes the LRU
 *                       once instead of growing it request by request
 *                       (auth_send_population).
 *
 * Metrics (times in ms):
 *   latency      TALLY  queue + batching + service per request
 *   latency_p50, latency_p99  VALUE  from a log-linear histogram (1/64
 *                relative resolution), so each replication has its own
 *                quantile and the table shows them with a 95 % CI
 *   wait         TALLY  arrival to the start of the request's batch
 *   served, waited  COUNT  requests dispatched / of those, that waited
 *                (waited / served is Erlang C when the service is M/M/c)
 *   batch_size   TALLY; rejected COUNT
 *   throughput, rejected_fraction, utilisation, cache_hit_rate,
 *   queue_length VALUE  over the span in which traffic flowed (first
 *                arrival to last completion), since the agents model may
 *                send auth traffic for only part of a long run.
 * VALUE figures are computed by the model over the whole run, warmup
 * included (the engine tells a model nothing about warmup); the scenarios
 * that report them start in steady state with no warmup.
 */
#ifndef MWRASP_AUTH_H
#define MWRASP_AUTH_H

#include "sim.h"

extern const sim_model auth_model;

/* Event kinds: the first two come from other models, the rest are the
 * model's own. */
typedef enum auth_kind {
    AUTH_EV_REQUEST = 1,   /* auth_send_request */
    AUTH_EV_POPULATION,    /* auth_send_population */
    AUTH_EV_BATCH_DONE,    /* a server finished a batch */
    AUTH_EV_TIMEOUT        /* the batch timeout */
} auth_kind;

typedef struct auth_request_msg {
    uint32_t agent;        /* the requesting identity */
} auth_request_msg;
SIM_PAYLOAD_FITS(auth_request_msg);
void auth_send_request(sim_t *sim, int auth, int64_t at, const auth_request_msg *msg);

typedef struct auth_population_msg {
    uint64_t agents;
} auth_population_msg;
SIM_PAYLOAD_FITS(auth_population_msg);
void auth_send_population(sim_t *sim, int auth, int64_t at, const auth_population_msg *msg);

typedef enum auth_cache_model { AUTH_CACHE_LRU = 0, AUTH_CACHE_HIT_RATE = 1 } auth_cache_model;

typedef struct auth_params {
    int64_t workers;
    int64_t queue_capacity;     /* requests waiting, not in service */
    int64_t batch_max;
    int64_t batch_timeout_ns;
    dist_t overhead;            /* ns per batch */
    dist_t per_item;            /* ns per request */
    int cache_model;            /* auth_cache_model */
    uint64_t cache_bytes, profile_bytes;
    int64_t cache_profiles;     /* cache_bytes / profile_bytes */
    int cache_warm;
    double hit_rate;
    dist_t miss_penalty;        /* ns per missed profile */
} auth_params;

#endif
