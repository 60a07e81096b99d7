/* hotstuff.c - chained HotStuff: blocks, votes, QCs, the three-chain commit
 * rule and new-view (see internal.h). */
#include "internal.h"

static inline int hs_rank_gt(const cstate *s, uint32_t a, uint32_t b)
{
    const hsblock *x = &s->blocks[a], *y = &s->blocks[b];
    return x->view != y->view ? x->view > y->view : x->height > y->height;
}

static int hs_extends(const cstate *s, uint32_t b, uint32_t anc)
{
    uint32_t h = s->blocks[anc].height;
    while (s->blocks[b].height > h)
        b = s->blocks[b].parent;
    return b == anc;
}

static void hs_commit(sim_t *sim, cstate *s, uint32_t r, uint32_t b0)
{
    cnode *x = &s->nodes[r];
    uint32_t ch = s->blocks[x->hs_committed].height;
    if (s->blocks[b0].height <= ch)
        return;
    uint32_t n = 0;
    for (uint32_t b = b0; s->blocks[b].height > ch; b = s->blocks[b].parent) {
        if (cs_grow((void **)&s->scratch, &s->scratch_cap, n + 1, sizeof *s->scratch)) {
            sim_fail(sim, "consensus: out of memory");
            return;
        }
        s->scratch[n++] = b;
    }
    x->hs_committed = b0;
    x->vc_fails = 0;
    while (n--) {
        uint32_t b = s->scratch[n];
        const hsblock *bl = &s->blocks[b];
        cs_checker_commit(sim, s, bl->height, b, bl->batch);
        if (node_sends(x))
            cs_reply_to_client(sim, s, r, bl->view, bl->height, bl->batch);
    }
    cs_fifo_prune(s, r); /* memory only, as in PBFT's pbft_advance_prefix */
}

/* The chained-HotStuff update on seeing a QC for block b2. */
static void hs_update(sim_t *sim, cstate *s, uint32_t r, uint32_t b2)
{
    cnode *x = &s->nodes[r];
    if (hs_rank_gt(s, b2, x->hs_qc))
        x->hs_qc = b2;
    if (b2 == 0)
        return;
    /* Parents are always the justified blocks, so b0 <- b1 <- b2 is a
     * three-chain: lock on the two-chain head, commit the three-chain head. */
    uint32_t b1 = s->blocks[b2].parent, b0 = s->blocks[b1].parent;
    if (hs_rank_gt(s, b1, x->hs_locked))
        x->hs_locked = b1;
    hs_commit(sim, s, r, b0);
}

/* Rotating: whether a block at `height` extending hq is needed to commit a
 * non-empty block: one at most three below it (b, then three more blocks
 * whose QCs make b's three-chain and carry it to the replicas). */
static int hs_needs_flush(const cstate *s, uint32_t hq, uint32_t height)
{
    for (uint32_t b = hq, k = 0; k < 3 && b; k++, b = s->blocks[b].parent)
        if (cs_batch_count(s, s->blocks[b].batch) && s->blocks[b].height + 3 >= height)
            return 1;
    return 0;
}

static void hs_vote(sim_t *sim, cstate *s, uint32_t r, uint32_t v, uint32_t height, uint32_t b);

/* Rotating leader of view v (installed: it holds the QC of view v - 1's
 * block, or q new-views after a timeout): one block per view, extending
 * the high QC; an equivocator sends a twin to side 1. */
static void hs_rot_try_propose(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    uint32_t v = x->view;
    if (primary_of(s, v) != r || x->installed != v || x->hs_proposed == v + 1 || !node_sends(x))
        return;
    int equiv = x->beh == CONSENSUS_EQUIVOCATE;
    int64_t now = sim_now(sim);
    uint32_t parent = x->hs_qc, height = s->blocks[parent].height + 1;
    cs_fifo_prune(s, r);
    int flush = hs_needs_flush(s, parent, height);
    if (!x->qlen && !flush)
        return;
    if (!flush && cs_batch_wait(sim, s, r, now))
        return;
    x->hs_proposed = v + 1;
    for (int side = 0; side < (equiv ? 2 : 1); side++) {
        uint32_t batch = side ? cs_batch_twin(sim, s, s->blocks[s->nblocks - 1].batch)
                              : cs_batch_build(sim, s, x, v);
        if (side && !s->blocks[s->nblocks - 1].batch)
            batch = 0;
        if (cs_grow((void **)&s->blocks, &s->blocks_cap, s->nblocks + 1, sizeof *s->blocks)) {
            sim_fail(sim, "consensus: out of memory for blocks");
            return;
        }
        uint32_t b = s->nblocks++;
        s->blocks[b] = (hsblock){ parent, height, v, batch, 0, 0, (uint8_t)side, now };
        if (!side && cs_batch_count(s, batch))
            for (uint32_t i = 0; i < s->batches[batch].count; i++)
                req_get(s, s->reqlog[s->batches[batch].first + i])->block = b;
        cmsg m = make_msg(M_PROPOSAL, r, v, height, b);
        uint32_t bytes = (uint32_t)(sig_bytes(s) + cs_batch_count(s, batch) * s->p->request_bytes +
                                    cert_bytes(s));
        cs_cast_send(sim, s, r, &m, b, equiv ? side : -1, C_PROPOSAL, bytes, cert_verifies(s),
                     sign_done(sim, s, x), NULL);
        if (!equiv) {
            /* The leader votes for its own block, like every replica. */
            x->hs_vview = v;
            x->hs_vheight = height;
            hs_vote(sim, s, r, v, height, b);
        } else {
            /* A colluding leader votes for both twins. */
            cmsg vote = make_msg(M_VOTE, r, v, height, b);
            uint32_t next = primary_of(s, v + 1);
            if (next == r)
                cs_hs_on_vote(sim, s, r, &vote);
            else
                cs_unicast_send(sim, s, r, next, &vote, C_VOTE, sig_bytes(s),
                                sign_done(sim, s, x));
        }
    }
    if (equiv && x->view == v)
        x->view = v + 1;
}

void cs_hs_try_propose(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    if (hs_rotating(s)) {
        hs_rot_try_propose(sim, s, r);
        return;
    }
    if (primary_of(s, x->view) != r || x->in_vc || x->installed != x->view || !node_sends(x))
        return;
    int equiv = x->beh == CONSENSUS_EQUIVOCATE;
    int64_t now = sim_now(sim);
    for (int side = 0; side < (equiv ? 2 : 1); side++) {
        if (x->hs_waiting[side])
            continue;
        uint32_t parent = equiv ? x->hs_side_qc[side] : x->hs_qc;
        uint32_t height = s->blocks[parent].height + 1;
        cs_fifo_prune(s, r);
        int flush = height <= x->hs_flush[side];
        if (!x->qlen && !flush)
            continue;
        if (!flush && cs_batch_wait(sim, s, r, now))
            continue;
        uint32_t batch = cs_batch_build(sim, s, x, x->view);
        if (cs_grow((void **)&s->blocks, &s->blocks_cap, s->nblocks + 1, sizeof *s->blocks)) {
            sim_fail(sim, "consensus: out of memory for blocks");
            return;
        }
        uint32_t b = s->nblocks++;
        s->blocks[b] = (hsblock){ parent, height, x->view, batch, 1, 0, (uint8_t)side, now };
        if (batch)
            x->hs_flush[side] = height + 3;
        x->hs_waiting[side] = b;
        x->hs_vview = x->view;
        x->hs_vheight = height;
        cmsg m = make_msg(M_PROPOSAL, r, x->view, height, b);
        uint32_t bytes = (uint32_t)(sig_bytes(s) + cs_batch_count(s, batch) * s->p->request_bytes +
                                    cert_bytes(s));
        cs_cast_send(sim, s, r, &m, b, equiv ? side : -1, C_PROPOSAL, bytes, cert_verifies(s),
                  sign_done(sim, s, x), NULL);
    }
}

/* A vote for block b of view v goes to the leader of v + 1 (rotating),
 * counted at once when that is r itself; then r moves to view v + 1 and
 * its pacemaker timer restarts there. */
static void hs_vote(sim_t *sim, cstate *s, uint32_t r, uint32_t v, uint32_t height, uint32_t b)
{
    cnode *x = &s->nodes[r];
    uint32_t next = primary_of(s, v + 1);
    cmsg vote = make_msg(M_VOTE, r, v, height, b);
    if (x->view <= v) {
        x->view = v;
        cs_enter_view(sim, s, r, v + 1);
    }
    if (next == r)
        cs_hs_on_vote(sim, s, r, &vote);
    else if (node_sends(x))
        cs_unicast_send(sim, s, r, next, &vote, C_VOTE, sig_bytes(s), sign_done(sim, s, x));
}

void cs_hs_on_proposal(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    uint32_t v = m->view, b = m->digest;
    if (msg_from(m) != primary_of(s, v) || b >= s->nblocks)
        return;
    cmsg vote = make_msg(M_VOTE, r, v, m->seq, b);
    uint32_t to = hs_rotating(s) ? primary_of(s, v + 1) : msg_from(m);
    if (x->beh == CONSENSUS_EQUIVOCATE) {
        if (node_alive(x) && to != r)
            cs_unicast_send(sim, s, r, to, &vote, C_VOTE, sig_bytes(s), sign_done(sim, s, x));
        else if (node_alive(x))
            cs_hs_on_vote(sim, s, r, &vote);
        return;
    }
    if (!node_follows(x) || v < x->view || (x->in_vc && x->vc_target > v))
        return;
    if (v > x->view || x->in_vc)
        cs_enter_view(sim, s, r, v);
    const hsblock *bl = &s->blocks[b];
    hs_update(sim, s, r, bl->parent);
    int fresh = bl->view != x->hs_vview ? bl->view > x->hs_vview : bl->height > x->hs_vheight;
    if (fresh && (hs_extends(s, b, x->hs_locked) || hs_rank_gt(s, bl->parent, x->hs_locked))) {
        x->hs_vview = bl->view;
        x->hs_vheight = bl->height;
        if (hs_rotating(s)) {
            hs_vote(sim, s, r, v, bl->height, b);
            return;
        }
        if (node_sends(x))
            cs_unicast_send(sim, s, r, msg_from(m), &vote, C_VOTE, sig_bytes(s),
                         sign_done(sim, s, x));
    }
    cs_request_timer_arm(sim, s, r);
}

void cs_hs_on_vote(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    uint32_t b = m->digest;
    if (b >= s->nblocks || !node_alive(x))
        return;
    hsblock *bl = &s->blocks[b];
    if (hs_rotating(s)) {
        /* Votes for view v's block make the leader of v + 1. */
        if (primary_of(s, bl->view + 1) != r || x->view > bl->view + 1 || bl->qc ||
            (x->installed != NO_VIEW && x->installed > bl->view))
            return;
        if (++bl->votes < s->q)
            return;
        bl->qc = 1;
        if (bl->side == 0)
            sim_tally(sim, s->m_quorum_wait, (double)(sim_now(sim) - bl->proposed_ns));
        if (x->beh != CONSENSUS_EQUIVOCATE)
            hs_update(sim, s, r, b);
        else if (hs_rank_gt(s, b, x->hs_qc))
            x->hs_qc = b;
        x->view = bl->view + 1;
        x->vc_target = x->view;
        x->in_vc = 0;
        x->installed = x->view;
        hs_rot_try_propose(sim, s, r);
        return;
    }
    if (primary_of(s, bl->view) != r || bl->view != x->view || bl->qc)
        return;
    if (++bl->votes < s->q)
        return;
    bl->qc = 1;
    int side = bl->side;
    if (side == 0)
        sim_tally(sim, s->m_quorum_wait, (double)(sim_now(sim) - bl->proposed_ns));
    if (x->hs_waiting[side] == b)
        x->hs_waiting[side] = 0;
    if (x->beh == CONSENSUS_EQUIVOCATE) {
        x->hs_side_qc[side] = b;
    } else {
        hs_update(sim, s, r, b);
    }
    cs_hs_try_propose(sim, s, r);
}

static void hs_install(sim_t *sim, cstate *s, uint32_t r, uint32_t view)
{
    cnode *x = &s->nodes[r];
    if (hs_rank_gt(s, x->nv_best, x->hs_qc))
        x->hs_qc = x->nv_best;
    x->view = view;
    x->vc_target = view;
    x->in_vc = 0;
    x->installed = view;
    x->hs_waiting[0] = x->hs_waiting[1] = 0;
    x->hs_side_qc[0] = x->hs_side_qc[1] = x->hs_qc;
    /* Uncommitted blocks under the high QC need three more to commit. */
    uint32_t hq = s->blocks[x->hs_qc].height;
    if (!hs_rotating(s) && hq > s->blocks[x->hs_committed].height && x->hs_flush[0] < hq + 3)
        x->hs_flush[0] = hq + 3;
    cs_timer_clear(x);
    cs_view_installed(sim, s, view);
    x->nv_view = NO_VIEW;
    cs_request_timer_arm(sim, s, r);
    cs_hs_try_propose(sim, s, r);
}

void cs_hs_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target)
{
    cnode *x = &s->nodes[r];
    if (!cs_vc_enter(x, target))
        return;
    uint32_t leader = primary_of(s, target);
    if (leader != r) {
        if (node_sends(x)) {
            cmsg m = make_msg(M_HSNEWVIEW, r, target, 0, x->hs_qc);
            cs_unicast_send(sim, s, r, leader, &m, C_VIEWCHANGE, sig_bytes(s) + cert_bytes(s),
                         sign_done(sim, s, x));
        }
    } else {
        if (x->nv_view != target) {
            x->nv_view = target;
            x->nv_count = 0;
            x->nv_best = x->hs_qc;
        }
        if (x->nv_count >= s->q - 1)
            hs_install(sim, s, r, target);
    }
    int64_t timeout_ns = cs_vc_backoff_ns(s, x);
    if (x->in_vc)
        cs_timer_set(sim, s, r, timeout_ns);
}

void cs_hs_on_new_view(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    uint32_t t = m->view;
    int colluder = x->beh == CONSENSUS_EQUIVOCATE && node_alive(x);
    if ((!node_follows(x) && !colluder) || primary_of(s, t) != r ||
        (x->installed != NO_VIEW && x->installed >= t) || m->digest >= s->nblocks)
        return;
    if (x->nv_view == NO_VIEW || x->nv_view < t) {
        x->nv_view = t;
        x->nv_count = 0;
        x->nv_best = x->hs_qc;
    } else if (x->nv_view > t) {
        return;
    }
    if (hs_rank_gt(s, m->digest, x->nv_best))
        x->nv_best = m->digest;
    x->nv_count++;
    if (x->nv_count >= s->q - 1 && (colluder || (x->in_vc && x->vc_target == t)))
        hs_install(sim, s, r, t);
}
