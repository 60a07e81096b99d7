/* client.c - requests, the replicas' request queues, batches, and the
 * client that broadcasts requests and counts replies (see internal.h). */
#include "internal.h"

#include "rng.h"

void cs_fifo_push(sim_t *sim, cnode *x, uint32_t id)
{
    if (x->qlen == x->qcap) {
        uint32_t cap = x->qcap ? x->qcap * 2 : 64;
        uint32_t *q = malloc((size_t)cap * sizeof *q);
        if (!q) {
            sim_fail(sim, "consensus: out of memory for a request queue");
            return;
        }
        for (uint32_t i = 0; i < x->qlen; i++)
            q[i] = x->q[(x->qhead + i) % x->qcap];
        free(x->q);
        x->q = q;
        x->qhead = 0;
        x->qcap = cap;
    }
    x->q[(x->qhead + x->qlen) % x->qcap] = id;
    x->qlen++;
}

/* Drops requests at the front that replica r has executed. */
void cs_fifo_prune(cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    while (x->qlen) {
        if (!req_executed(s, r, fifo_front(x)))
            break;
        fifo_pop(x);
    }
}

/* Takes up to batch_size requests not yet proposed in view from x's queue
 * into a new batch; returns its id, 0 when none were available. */
int cs_batch_wait(sim_t *sim, cstate *s, uint32_t r, int64_t now)
{
    cnode *x = &s->nodes[r];
    if (x->qlen >= (uint32_t)s->p->batch_size || s->p->batch_timeout_ns <= 0)
        return 0;
    int64_t due = req_get(s, fifo_front(x))->arrive_ns + s->p->batch_timeout_ns;
    if (due <= now)
        return 0;
    if (!x->batch_armed) {
        x->batch_armed = 1;
        sim_schedule(sim, due, s->self, CONSENSUS_EV_BATCH, r);
    }
    return 1;
}

uint32_t cs_batch_build(sim_t *sim, cstate *s, cnode *x, uint32_t view)
{
    uint32_t first = s->nlog, count = 0;
    while (x->qlen && count < (uint32_t)s->p->batch_size) {
        uint32_t id = fifo_front(x);
        fifo_pop(x);
        creq *r = req_get(s, id);
        if (req_executed(s, (uint32_t)(x - s->nodes), id) || r->assigned == view + 1)
            continue;
        /* Rotating HotStuff: already in a block the new one extends. */
        if (hs_rotating(s) && r->block && cs_hs_extends(s, x->hs_qc, r->block))
            continue;
        if (cs_grow((void **)&s->reqlog, &s->log_cap, s->nlog + 1, sizeof *s->reqlog)) {
            sim_fail(sim, "consensus: out of memory for batches");
            return 0;
        }
        s->reqlog[s->nlog++] = id;
        r->assigned = view + 1;
        count++;
    }
    if (!count)
        return 0;
    if (cs_grow((void **)&s->batches, &s->batches_cap, s->nbatches + 1, sizeof *s->batches)) {
        sim_fail(sim, "consensus: out of memory for batches");
        return 0;
    }
    uint32_t b = s->nbatches++;
    s->batches[b] = (cbatch){ first, count, 0, 0, 0 };
    return b;
}

/* A conflicting twin of batch b (same requests, another digest). */
uint32_t cs_batch_twin(sim_t *sim, cstate *s, uint32_t b)
{
    if (cs_grow((void **)&s->batches, &s->batches_cap, s->nbatches + 1, sizeof *s->batches)) {
        sim_fail(sim, "consensus: out of memory for batches");
        return b;
    }
    uint32_t t = s->nbatches++;
    s->batches[t] = s->batches[b];
    s->batches[t].twin = b;
    s->batches[t].replies = 0;
    s->batches[t].done = 0;
    s->batches[b].twin = t;
    return t;
}

void cs_batch_mark_assigned(cstate *s, uint32_t b, uint32_t view)
{
    if (b <= NULL_BATCH || b >= s->nbatches)
        return;
    const cbatch *bt = &s->batches[b];
    for (uint32_t i = 0; i < bt->count; i++)
        req_get(s, s->reqlog[bt->first + i])->assigned = view + 1;
}

uint32_t cs_batch_count(const cstate *s, uint32_t b)
{
    return b > NULL_BATCH && b < s->nbatches ? s->batches[b].count : 0;
}

void cs_client_next_arrival(sim_t *sim, cstate *s)
{
    if (s->p->max_requests && s->nreqs >= (uint32_t)s->p->max_requests)
        return;
    int64_t gap = s->p->has_interval
                      ? dist_sample_ns(&s->p->request_interval, s->r_client)
                      : sim_ns(rng_exponential(s->r_client, 1e9 / s->p->request_rate_per_s));
    sim_schedule_in(sim, gap, s->self, CONSENSUS_EV_ARRIVAL, 0);
}

/* Broadcasts a new request; origin NULL for the built-in client, which
 * then also schedules its next arrival (before the broadcast, so the
 * calendar's tie order is the built-in client's as it always was). */
void cs_client_submit(sim_t *sim, cstate *s, const consensus_client_request_msg *origin)
{
    if (s->nreqs == UINT32_MAX - 1 ||
        cs_grow((void **)&s->reqs, &s->reqs_cap, s->nreqs + 1, sizeof *s->reqs)) {
        sim_fail(sim, "consensus: out of memory for requests");
        return;
    }
    uint32_t id = s->nreqs++;
    s->reqs[id] = origin ? (creq){ sim_now(sim), 0, 0, 0, origin->reply_kind, origin->model,
                                   origin->entity, origin->id, 0, 0, 0 }
                         : (creq){ sim_now(sim), 0, 0, 0, 0, -1, 0, 0, 0, 0, 0 };
    if (!origin)
        cs_client_next_arrival(sim, s);
    cs_backlog_change(sim, s, +1);
    cmsg m = make_msg(M_REQUEST, s->client, 0, id, 0);
    cs_cast_send(sim, s, s->client, &m, 0, -1, C_REQUEST,
              (uint32_t)(sig_bytes(s) + s->p->request_bytes), 1, sim_now(sim), NULL);
}

void cs_client_arrival(sim_t *sim, cstate *s)
{
    cs_client_submit(sim, s, NULL);
}

/* The backlog changes by delta now: first the time since the last change
 * is added to each half of the measured time it overlaps (delta 0 at the
 * end of the run closes the integral). */
void cs_backlog_change(sim_t *sim, cstate *s, int delta)
{
    int64_t now = sim_now(sim), since = sim_warmup_time(sim), end = sim_end_time(sim);
    int64_t mid = since + (end - since) / 2;
    const int64_t lo[2] = { since, mid }, hi[2] = { mid, end };
    for (int h = 0; h < 2; h++) {
        int64_t a = s->backlog_since_ns > lo[h] ? s->backlog_since_ns : lo[h];
        int64_t b = now < hi[h] ? now : hi[h];
        if (b > a)
            s->backlog_area[h] += (double)(b - a) * (double)s->backlog;
    }
    s->backlog_since_ns = now;
    s->backlog += (uint64_t)(int64_t)delta;
    if (now >= since && now < end) {
        s->measured_submitted += delta > 0;
        s->measured_answered += delta < 0;
    }
}

void cs_client_reply(sim_t *sim, cstate *s, const cmsg *m)
{
    uint32_t b = m->digest;
    if (b <= NULL_BATCH || b >= s->nbatches)
        return;
    cbatch *bt = &s->batches[b];
    if (bt->done || ++bt->replies < s->f + 1)
        return;
    bt->done = 1;
    int64_t now = sim_now(sim);
    for (uint32_t i = 0; i < bt->count; i++) {
        creq *r = req_get(s, s->reqlog[bt->first + i]);
        if (r->done)
            continue;
        r->done = 1;
        r->late = now - r->arrive_ns > s->p->deadline_ns;
        sim_tally(sim, s->m_latency, (double)(now - r->arrive_ns));
        cs_backlog_change(sim, s, -1);
        sim_count(sim, s->m_throughput, 1);
        if (r->origin_model >= 0) {
            consensus_committed_msg done = { r->origin_id, r->arrive_ns };
            sim_send(sim, now, r->origin_model, r->origin_kind, r->origin_entity, &done,
                     sizeof done);
        }
    }
}

void cs_reply_to_client(sim_t *sim, cstate *s, uint32_t r, uint32_t view, uint32_t seq,
                        uint32_t batch)
{
    uint32_t k = cs_batch_count(s, batch);
    if (!k)
        return;
    cnode *x = &s->nodes[r];
    cmsg m = make_msg(M_REPLY, r, view, seq, batch);
    cs_unicast_send(sim, s, r, s->client, &m, C_REPLY,
                 (uint32_t)(sig_bytes(s) + k * s->p->reply_bytes), sign_done(sim, s, x));
}
