/* views.c - request and view-change timers and view entry, shared by both
 * protocols (see internal.h). */
#include "internal.h"
#include "signals.h"

void cs_timer_set(sim_t *sim, cstate *s, uint32_t r, int64_t delay)
{
    cnode *x = &s->nodes[r];
    x->timer_gen++;
    x->timer_armed = 1;
    sim_event *ev = sim_schedule_in(sim, delay, s->self, CONSENSUS_EV_TIMER, r);
    ev->data.u32[0] = x->timer_gen;
}

void cs_timer_clear(cnode *x)
{
    x->timer_gen++;
    x->timer_armed = 0;
}

/* Arms the request timer for the oldest request x waits for. */
void cs_request_timer_arm(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    if (x->timer_armed || x->in_vc || !node_follows(x))
        return;
    cs_fifo_prune(s, r);
    if (!x->qlen) {
        /* Rotating HotStuff's pacemaker: a leader took its requests out of
         * its queue into a block; it keeps timing views while a block with
         * requests under its high QC is not executed. */
        if (!hs_rotating(s))
            return;
        uint32_t b = x->hs_qc, pending = 0;
        for (uint32_t k = 0; k < 4 && b; k++, b = s->blocks[b].parent)
            if (cs_batch_count(s, s->blocks[b].batch)) {
                uint32_t id = s->reqlog[s->batches[s->blocks[b].batch].first];
                if (!req_executed(s, r, id))
                    pending = id + 1;
            }
        if (!pending)
            return;
        x->timer_req = pending - 1;
        cs_timer_set(sim, s, r, s->p->view_timeout_ns);
        return;
    }
    x->timer_req = fifo_front(x);
    cs_timer_set(sim, s, r, s->p->view_timeout_ns);
}

void cs_enter_view(sim_t *sim, cstate *s, uint32_t r, uint32_t view)
{
    cnode *x = &s->nodes[r];
    x->view = view;
    x->vc_target = view;
    x->in_vc = 0;
    cs_timer_clear(x);
    cs_request_timer_arm(sim, s, r);
}

void cs_view_installed(sim_t *sim, cstate *s, uint32_t view)
{
    if (view > s->max_view || s->max_view == NO_VIEW) {
        /* A view change accuses the previous primary of being faulty or
         * slow: reported to the incident pipeline with the scenario's
         * confidence (it cannot tell a crash from a Byzantine leader). */
        if (view > 0 && s->max_view != NO_VIEW) {
            signal_detection d = { RESPONSE_CONSENSUS_FAILURE, RESPONSE_SRC_CONSENSUS, 0,
                                   RESPONSE_NO_ATTACK, primary_of(s, view - 1),
                                   s->p->view_change_confidence };
            sim_emit(sim, SIGNAL_DETECTION, &d);
        }
        s->max_view = view;
    }
    sim_count(sim, s->m_view_changes, 1);
    if (s->p->protocol == CONSENSUS_PBFT) {
        /* PBFT: the view change ends when a quorum is in the new view (the
         * primary and q - 1 backups that validated NEW-VIEW): only then
         * can a request commit again. */
        s->vc_view = view;
        s->vc_accepts = 0;
        cs_view_accepted(sim, s, view);
        return;
    }
    if (s->vc_first_ns >= 0)
        sim_tally(sim, s->m_vc_time, (double)(sim_now(sim) - s->vc_first_ns));
    s->vc_first_ns = -1;
}

void cs_view_accepted(sim_t *sim, cstate *s, uint32_t view)
{
    if (view != s->vc_view || ++s->vc_accepts != s->q)
        return;
    if (s->vc_first_ns >= 0)
        sim_tally(sim, s->m_vc_time, (double)(sim_now(sim) - s->vc_first_ns));
    s->vc_first_ns = -1;
}

void cs_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target)
{
    if (s->vc_first_ns < 0)
        s->vc_first_ns = sim_now(sim);
    if (s->p->protocol == CONSENSUS_PBFT)
        cs_pbft_start_view_change(sim, s, r, target);
    else
        cs_hs_start_view_change(sim, s, r, target);
}

void cs_on_timer(sim_t *sim, cstate *s, uint32_t r, uint32_t gen)
{
    cnode *x = &s->nodes[r];
    if (gen != x->timer_gen || !x->timer_armed)
        return;
    x->timer_armed = 0;
    if (!node_follows(x))
        return;
    if (x->in_vc) {
        /* The new view did not arrive: try the next one, waiting longer. */
        cs_start_view_change(sim, s, r, x->vc_target + 1);
        return;
    }
    if (!req_executed(s, r, x->timer_req)) {
        cs_start_view_change(sim, s, r, x->view + 1);
        return;
    }
    cs_request_timer_arm(sim, s, r);
}

/* ------------------------------------------------------------------ */
/* PBFT                                                                */

