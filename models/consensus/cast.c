/* cast.c - sending: broadcasts ("casts", one calendar event per arrival
 * instant) and unicasts over the network, with a faulty sender's drops
 * and hold-backs (see internal.h). */
#include "internal.h"

#include <gsl/gsl_rng.h>

static uint32_t cast_alloc(cstate *s)
{
    if (s->cast_free != UINT32_MAX) {
        uint32_t id = s->cast_free;
        s->cast_free = s->casts[id].next_free;
        return id;
    }
    uint32_t id = s->ncasts;
    /* The array doubles; the per-cast arrays never move. */
    if (cs_grow((void **)&s->casts, &s->casts_cap, id + 1, sizeof *s->casts))
        return UINT32_MAX;
    ccast *c = &s->casts[id];
    memset(c, 0, sizeof *c);
    int rc = network_mcast_init(&s->net, &c->mc);
    c->aux = malloc((size_t)s->ring * 2 * sizeof *c->aux);
    if (rc || !c->aux) {
        network_mcast_release(&c->mc);
        free(c->aux);
        return UINT32_MAX;
    }
    s->ncasts++;
    return id;
}

void cs_cast_release(cstate *s, uint32_t id)
{
    s->casts[id].next_free = s->cast_free;
    s->cast_free = id;
}

/* Extra hold-back and drop decision of a faulty sender for one copy:
 * returns -1 when the copy is dropped, else the extra delay in ns. */
static inline int64_t sender_fault(cstate *s, const cnode *x)
{
    if (x->beh == CONSENSUS_DROP)
        return gsl_rng_uniform(s->r_fault) < x->drop ? -1 : 0;
    if (x->beh == CONSENSUS_DELAY)
        return dist_sample_ns(x->hold, s->r_fault);
    return 0;
}

/* Sends m from `from` (a replica or the client) to every replica but
 * itself (filter >= 0: only side `filter` and the faulty).  Side-1
 * recipients get digest1.  send_ns: when the copies leave the CPU. */
void cs_cast_send(sim_t *sim, cstate *s, uint32_t from, const cmsg *m, uint32_t digest1,
                  int filter, int cls, uint32_t bytes, uint32_t verifies, int64_t send_ns,
                  const uint32_t *aux)
{
    uint32_t id = cast_alloc(s);
    if (id == UINT32_MAX) {
        sim_fail(sim, "consensus: out of memory for broadcasts");
        return;
    }
    ccast *c = &s->casts[id];
    c->msg = *m;
    c->digest1 = digest1;
    c->verifies = verifies;
    network_mcast_begin(&c->mc, send_ns);
    c->refs = 0;
    c->chain_done = 0;
    if (aux)
        memcpy(c->aux, aux, (size_t)s->ring * 2 * sizeof *aux);
    if (msg_kind(m) == M_VIEWCHANGE || msg_kind(m) == M_NEWVIEW)
        c->msg.aux2 = id;
    const cnode *x = from < s->n ? &s->nodes[from] : NULL;
    int faulty_sender = x && (x->beh == CONSENSUS_DROP || x->beh == CONSENSUS_DELAY);
    /* The recipients (and a faulty sender's hold-backs, drawn from its own
     * stream) first, then every copy's delay in one batch. */
    uint32_t sent = 0, k = 0, *to = s->cast_to;
    int64_t *hold = faulty_sender ? s->cast_hold : NULL;
    for (uint32_t j = 0; j < s->n; j++) {
        if (j == from)
            continue;
        if (filter >= 0 && s->nodes[j].side != filter && s->nodes[j].side != SIDE_FAULTY)
            continue;
        sent++;
        if (hold) {
            int64_t extra = sender_fault(s, x);
            if (extra < 0)
                continue;
            hold[k] = extra;
        }
        to[k++] = j;
    }
    network_mcast_add_batch(&s->net, &c->mc, from, to, hold, k, bytes, cls);
    if (from < s->n) {
        s->msgs_total += sent;
        s->bytes_total += (uint64_t)sent * bytes;
        sim_count(sim, s->m_messages, sent);
        sim_count(sim, s->m_bytes, (double)sent * bytes);
    } else {
        sim_count(sim, s->m_client_messages, sent);
    }
    if (!network_mcast_pending(&c->mc)) {
        cs_cast_release(s, id);
        return;
    }
    network_mcast_sort(&s->net, &c->mc);
    sim_event *ev = sim_schedule(sim, network_mcast_due(&c->mc), s->self, CONSENSUS_EV_CAST, 0);
    ev->data.u32[0] = id;
}

void cs_unicast_send(sim_t *sim, cstate *s, uint32_t from, uint32_t to, const cmsg *m,
                     int cls, uint32_t bytes, int64_t send_ns)
{
    if (from < s->n) {
        s->msgs_total += to < s->n;
        if (to < s->n) {
            s->bytes_total += bytes;
            sim_count(sim, s->m_messages, 1);
            sim_count(sim, s->m_bytes, bytes);
        } else {
            sim_count(sim, s->m_client_messages, 1);
        }
        const cnode *x = &s->nodes[from];
        int64_t extra = x->beh == CONSENSUS_DROP || x->beh == CONSENSUS_DELAY
                            ? sender_fault(s, x) : 0;
        if (extra < 0)
            return;
        send_ns += extra;
    }
    int64_t arr = network_arrival(&s->net, send_ns, from, to, bytes, cls);
    if (arr < 0)
        return;
    sim_event *ev = sim_schedule(sim, arr, s->self, CONSENSUS_EV_MSG, to);
    memcpy(&ev->data, m, sizeof *m);
}

