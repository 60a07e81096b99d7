/* key_rotation.c - the key rotation service (see key_rotation.h).
 *
 * Invariants: busy <= workers; the line holds the keys not yet started,
 * oldest request first, each as the index of its request; a request's
 * left counts its keys not yet rotated and reaches 0 exactly once, when
 * SIGNAL_KEYS_ROTATED is emitted for it.
 *
 * No init and no release: the engine sets p, self, the stream and the
 * metric ids from the tables, both buffers grow from empty on first use
 * (grow.h), and the engine frees them (the buffer table).
 */
#include "key_rotation.h"
#include "cfg.h"
#include "grow.h"

#include <stdlib.h>

#include "invariant.h"
#include "signals.h"

typedef struct key_rotation_job {
    int64_t arrived_ns;   /* the request's arrival */
    uint64_t keys, left;
} key_rotation_job;

typedef struct key_rotation_state {
    const key_rotation_params *p;
    int self;
    gsl_rng *cost_rng;
    int64_t busy;
    key_rotation_job *jobs;    /* one per request, in arrival order */
    uint32_t njobs;
    size_t jobs_cap;
    uint32_t *line;            /* ring of job indices, one entry per waiting key */
    size_t head, len, cap;
    int m_wait, m_rotation, m_keys, m_requests, m_queue, m_util;
} key_rotation_state;

static const sim_param key_rotation_params_table[] = {
    SIM_P_INT("workers", key_rotation_params, workers, 1, 1, 1000000, "workers",
              "rotations in parallel"),
    SIM_P_TIME_DIST("cost", key_rotation_params, cost, DIST_LOGNORMAL, 200.0 * SIM_NS_PER_MS, 0.5,
                    "time to rotate one key"),
};

/* Workers busy / workers: the scale depends on the pool. */
static double key_rotation_util_scale(const void *params)
{
    return 1.0 / (double)((const key_rotation_params *)params)->workers;
}

#define KR_METRIC(field, name, unit, scale, kind, what) \
    SIM_METRIC(key_rotation_state, field, name, unit, scale, kind, STATS_NONNEG, NULL, what)

static const sim_metric_spec key_rotation_metrics[] = {
    KR_METRIC(m_wait, "wait", "ms", 1e-6, STATS_TALLY,
              "per key: rotation requested to its rotation started"),
    KR_METRIC(m_rotation, "rotation_time", "ms", 1e-6, STATS_TALLY,
              "per request: requested to its last key rotated"),
    KR_METRIC(m_keys, "keys_rotated", "keys", 1.0, STATS_COUNT, "keys rotated"),
    KR_METRIC(m_requests, "requests", "1", 1.0, STATS_COUNT, "rotation requests received"),
    KR_METRIC(m_queue, "queue_length", "keys", 1.0, STATS_LEVEL,
              "time-average keys waiting for a worker"),
    { "utilisation", "1", 0, STATS_LEVEL, STATS_PROPORTION, NULL,
      "time-average busy fraction of the workers", offsetof(key_rotation_state, m_util), NULL,
      key_rotation_util_scale, NULL },
};

static const sim_stream_spec key_rotation_streams[] = {
    SIM_STREAM(key_rotation_state, cost_rng, "cost"),
};

static const size_t key_rotation_buffers[] = {
    SIM_BUFFER(key_rotation_state, jobs),
    SIM_BUFFER(key_rotation_state, line),
};

static void key_rotation_start(sim_t *sim, key_rotation_state *s, uint32_t job)
{
    s->busy++;
    INVARIANT(s->busy <= s->p->workers, "busy <= workers");
    sim_level(sim, s->m_util, (double)s->busy);
    sim_tally(sim, s->m_wait, (double)(sim_now(sim) - s->jobs[job].arrived_ns));
    sim_schedule_in(sim, dist_sample_ns(&s->p->cost, s->cost_rng), s->self,
                    KEY_ROTATION_EV_KEY_DONE, job);
}

static void key_rotation_request(sim_t *sim, key_rotation_state *s,
                                 const key_rotation_request_msg *m)
{
    if (m->keys == 0) {
        sim_fail(sim, "key_rotation: a request for no keys (incident %u)", m->incident);
        return;
    }
    /* Job indices are uint32_t event targets. */
    if (GROW_RESERVE_UPTO(s->jobs, s->jobs_cap, (size_t)s->njobs + 1, 64, UINT32_MAX) != 0) {
        sim_fail(sim, "key_rotation: out of memory for requests");
        return;
    }
    uint32_t job = s->njobs++;
    s->jobs[job] = (key_rotation_job){ sim_now(sim), m->keys, m->keys };
    sim_count(sim, s->m_requests, 1);
    for (uint64_t k = 0; k < m->keys; k++) {
        if (s->busy < s->p->workers) {
            key_rotation_start(sim, s, job);
        } else if (GROW_RING_PUSH(s->line, s->cap, s->head, s->len, 256, job) != 0) {
            sim_fail(sim, "key_rotation: out of memory for the queue");
            return;
        }
    }
    sim_level(sim, s->m_queue, (double)s->len);
}

static void key_rotation_key_done(sim_t *sim, key_rotation_state *s, uint32_t job)
{
    key_rotation_job *j = &s->jobs[job];
    INVARIANT(job < s->njobs && j->left > 0 && s->busy > 0, "a key is done once, by a busy worker");
    sim_count(sim, s->m_keys, 1);
    s->busy--;
    if (--j->left == 0) {
        sim_tally(sim, s->m_rotation, (double)(sim_now(sim) - j->arrived_ns));
        sim_emit(sim, SIGNAL_KEYS_ROTATED, &(signal_keys_rotated){ j->keys });
    }
    if (s->len) {
        uint32_t next = s->line[grow_ring_pop(&s->head, &s->len, s->cap)];
        sim_level(sim, s->m_queue, (double)s->len);
        key_rotation_start(sim, s, next);
    } else {
        sim_level(sim, s->m_util, (double)s->busy);
    }
}

static void key_rotation_event(sim_t *sim, void *state, const sim_event *ev)
{
    key_rotation_state *s = state;
    switch (ev->kind) {
    case KEY_ROTATION_EV_REQUEST:
        key_rotation_request(sim, s, SIM_PAYLOAD(ev, key_rotation_request_msg));
        break;
    case KEY_ROTATION_EV_KEY_DONE:
        key_rotation_key_done(sim, s, ev->target);
        break;
    default:
        sim_fail(sim, "key_rotation: unknown event kind %u", ev->kind);
    }
}

const sim_model key_rotation_model = {
    .name = "key_rotation",
    .summary = "key rotation service: a queue of per-key rotation jobs and workers",
    SIM_STATE(key_rotation_state),
    SIM_PARAMS(key_rotation_params, key_rotation_params_table),
    SIM_METRICS(key_rotation_metrics),
    SIM_STREAMS(key_rotation_streams),
    SIM_BUFFERS(key_rotation_buffers),
    .event = key_rotation_event,
};
