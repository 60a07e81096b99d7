/* faults.c - Byzantine behaviours, benign failures and repairs, maintenance
 * windows, and the availability they leave (see internal.h). */
#include "internal.h"

/* Adds the time since the last change (after the warm-up) with a live
 * honest quorum to quorum_up_ns. */
void cs_quorum_time(sim_t *sim, cstate *s)
{
    int64_t now = sim_now(sim), from = s->quorum_since_ns, w = sim_warmup_time(sim);
    if (from < w)
        from = w;
    if (s->available && now > from)
        s->quorum_up_ns += now - from;
    s->quorum_since_ns = now;
}

static void update_availability(sim_t *sim, cstate *s, uint32_t i)
{
    cnode *x = &s->nodes[i];
    uint8_t ok = node_alive(x) && x->beh == CONSENSUS_HONEST;
    if (ok == x->counted)
        return;
    x->counted = ok;
    s->live_honest = ok ? s->live_honest + 1 : s->live_honest - 1;
    INVARIANT(s->live_honest <= s->n, "live_honest counts replicas that are up and honest");
    sim_level(sim, s->m_live, (double)s->live_honest);
    int avail = s->live_honest >= s->q;
    if (avail != s->available) {
        cs_quorum_time(sim, s);
        s->available = avail;
        if (!avail)
            sim_count(sim, s->m_outages, 1);
    }
}


static void node_recovered(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    if (!node_alive(x))
        return;
    /* PBFT: fetch the log and the view from the next replica (state
     * transfer by messages).  HotStuff: rejoin at the latest view (still
     * global knowledge, see internal.h). */
    x->in_vc = 0;
    cs_timer_clear(x);
    if (s->p->protocol == CONSENSUS_PBFT) {
        cs_pbft_fetch(sim, s, r, (r + 1) % s->n, 1);
    } else if (s->max_view != NO_VIEW && s->max_view > x->view) {
        x->view = s->max_view;
        x->vc_target = s->max_view;
    }
    cs_request_timer_arm(sim, s, r);
}

void cs_set_behaviour(sim_t *sim, cstate *s, uint32_t r, int beh)
{
    cnode *x = &s->nodes[r];
    int was_alive = node_alive(x);
    x->beh = (uint8_t)beh;
    if (beh == CONSENSUS_EQUIVOCATE)
        x->side = SIDE_FAULTY;
    if (!node_follows(x))
        cs_timer_clear(x);
    update_availability(sim, s, r);
    if (!was_alive && node_alive(x))
        node_recovered(sim, s, r);
}

void cs_on_fault_start(sim_t *sim, cstate *s, uint32_t group)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->nodes[i].group == group + 1 && s->nodes[i].beh == CONSENSUS_HONEST) {
            const consensus_fault *fl = &s->p->faults[group];
            s->nodes[i].drop = fl->drop;
            cs_set_behaviour(sim, s, i, fl->behaviour);
        }
}

void cs_node_down(sim_t *sim, cstate *s, uint32_t r, int delta)
{
    cnode *x = &s->nodes[r];
    int was_alive = node_alive(x);
    x->down = (uint8_t)(x->down + delta);
    update_availability(sim, s, r);
    if (was_alive && !node_alive(x))
        cs_timer_clear(x);
    if (!was_alive && node_alive(x))
        node_recovered(sim, s, r);
}

void cs_on_maintenance(sim_t *sim, cstate *s)
{
    const consensus_params *p = s->p;
    int64_t now = sim_now(sim), len = p->maintenance_length_ns;
    if (p->maintenance == CONSENSUS_MAINT_WHOLE) {
        for (uint32_t i = 0; i < s->n; i++)
            cs_node_down(sim, s, i, 1);
        sim_event *ev = sim_schedule(sim, now + len, s->self, CONSENSUS_EV_MAINT_NODE, UINT32_MAX);
        ev->data.i64[0] = -1;
    } else {
        int64_t per = len / s->n;
        for (uint32_t i = 0; i < s->n; i++) {
            sim_event *ev = sim_schedule(sim, now + per * i, s->self, CONSENSUS_EV_MAINT_NODE, i);
            ev->data.i64[0] = 1;
            ev = sim_schedule(sim, now + per * (i + 1), s->self, CONSENSUS_EV_MAINT_NODE, i);
            ev->data.i64[0] = -1;
        }
    }
    int64_t next = consensus_next_maintenance(p, now);
    if (next != SIM_TIME_MAX)
        sim_schedule(sim, next, s->self, CONSENSUS_EV_MAINT, 0);
}

/* ------------------------------------------------------------------ */
/* model callbacks                                                     */
