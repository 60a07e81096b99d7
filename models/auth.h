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
 * Scenario section `auth`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/auth.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model auth`,
 * docs/scenarios.md).
 *
 * Events this model accepts from others (auth_event below):
 *   AUTH_EV_REQUEST     a request of an agent, arriving at the event time
 *                       (auth_send_request).
 *   AUTH_EV_POPULATION  the number of agents (ids 0..n-1): sizes the LRU
 *                       once instead of growing it request by request
 *                       (auth_send_population).
 *
 * latency_p50 and latency_p99 come from a log-linear histogram (1/64
 * relative resolution), so each replication has its own quantile; the
 * VALUE figures cover the span in which traffic flowed (first arrival to
 * last completion), since the agents model may send auth traffic for only
 * part of a long run.
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
SIM_TYPED_SEND(auth_send_request, AUTH_EV_REQUEST, auth_request_msg, msg->agent);

typedef struct auth_population_msg {
    uint64_t agents;
} auth_population_msg;
SIM_TYPED_SEND(auth_send_population, AUTH_EV_POPULATION, auth_population_msg, 0);

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
