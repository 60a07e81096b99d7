/* pbft.c - PBFT: slots, pre-prepare / prepare / commit, view change and new
 * view (see internal.h for the slot ring and its invariants). */
#include "internal.h"

static inline pbft_slot *slot_at(cstate *s, uint32_t r, uint32_t seq)
{
    INVARIANT(r < s->n, "slots exist for replicas only");
    return &s->slots[(size_t)r * s->ring + seq % s->ring];
}

/* The low end of r's slot window: its prefix, or while it catches up
 * the low watermark a message beyond the window set (internal.h). */
static inline uint32_t slot_base(const cnode *x)
{
    return x->fetch_low > x->prefix ? x->fetch_low : x->prefix;
}

/* The slot of (seq, view) at r, reset for view when it held an older view
 * or another seq; NULL when seq is outside r's window or the slot already
 * moved to a newer view. */
static inline __attribute__((always_inline)) pbft_slot *slot_get(cstate *s, uint32_t r,
                                                                  uint32_t seq, uint32_t view)
{
    cnode *x = &s->nodes[r];
    uint32_t base = slot_base(x);
    if (seq <= base || seq > base + s->ring)
        return NULL;
    pbft_slot *sl = slot_at(s, r, seq);
    if (sl->seq != seq) {
        memset(sl, 0, sizeof *sl);
        sl->seq = seq;
        sl->view = view;
        return sl;
    }
    if (view < sl->view)
        return NULL;
    if (view > sl->view) {
        sl->view = view;
        sl->pp = 0;
        sl->d[0] = sl->d[1] = 0;
        sl->np[0] = sl->np[1] = sl->nc[0] = sl->nc[1] = 0;
        sl->prepared = 0;
    }
    return sl;
}

static inline int slot_index(pbft_slot *sl, uint32_t d)
{
    if (sl->d[0] == d)
        return 0;
    if (sl->d[1] == d)
        return 1;
    if (!sl->d[0]) {
        sl->d[0] = d;
        return 0;
    }
    if (!sl->d[1]) {
        sl->d[1] = d;
        return 1;
    }
    return -1;
}

static void pbft_advance_prefix(cstate *s, uint32_t r);

/* ------------------------------------------------------------------ */
/* State transfer by messages (issue 13 item 1; PBFT OSDI'99 4.3 and
 * Castro's thesis 5.3).  A replica that learns it lags (a message beyond
 * its window, a NEW-VIEW whose min-s is above its prefix, a repair) sends
 * FETCH (its prefix) to one peer: the sender of what revealed the lag, or
 * the next replica after a repair.  A peer that follows the protocol
 * answers STATE: its prefix and view, and its log above the requester's
 * prefix, m decisions each with its pre-prepare (header, signature,
 * requests) and commit certificate (q signatures, or one aggregate), so
 * the reply takes 8 bytes / bandwidth on the peer's link and 1 + m (1 + q)
 * checks at the requester (1 + 2m aggregated); when the requester is
 * below the peer's last stable checkpoint (every checkpoint_interval
 * seqs), the checkpoint's certificate (q more checks) stands for the log
 * below it.  The requester moves its
 * prefix to the peer's when the checks are done.  One FETCH is
 * outstanding at a time; unanswered within view_timeout, it goes to the
 * next replica, n - 1 tries in all.  state_transfer_time: first FETCH to
 * the STATE applied.  Catch-up time with constant delay d and an idle
 * peer: 2 d + 8 (B_fetch + B_state) / bandwidth + c (2 + m (1 + q)). */

static void fetch_send(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    cmsg m = make_msg(M_FETCH, r, x->view, x->prefix, 0);
    cs_unicast_send(sim, s, r, x->fetch_peer, &m, C_STATE, sig_bytes(s), sign_done(sim, s, x));
    sim_event *ev = sim_schedule_in(sim, s->p->view_timeout_ns, s->self, CONSENSUS_EV_FETCH, r);
    ev->data.u32[0] = x->fetch_gen;
}

void cs_pbft_fetch(sim_t *sim, cstate *s, uint32_t r, uint32_t peer, int take_view)
{
    cnode *x = &s->nodes[r];
    if (!node_follows(x) || peer == r || peer >= s->n)
        return;
    if (x->fetch_armed) {
        x->fetch_view |= (uint8_t)take_view;
        return;
    }
    x->fetch_armed = 1;
    x->fetch_view = (uint8_t)take_view;
    x->fetch_peer = peer;
    x->fetch_tries = 1;
    x->fetch_gen++;
    x->fetch_since_ns = sim_now(sim);
    fetch_send(sim, s, r);
}

void cs_pbft_on_fetch_timer(sim_t *sim, cstate *s, uint32_t r, uint32_t gen)
{
    cnode *x = &s->nodes[r];
    if (!x->fetch_armed || gen != x->fetch_gen)
        return;
    if (!node_follows(x) || x->fetch_tries >= s->n - 1) {
        x->fetch_armed = 0;
        return;
    }
    do
        x->fetch_peer = (x->fetch_peer + 1) % s->n;
    while (x->fetch_peer == r);
    x->fetch_tries++;
    x->fetch_gen++;
    fetch_send(sim, s, r);
}

/* A peer answers a FETCH with its log above the requester's prefix. */
void cs_pbft_on_fetch(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    if (!node_follows(x))
        return;
    /* Below the peer's last stable checkpoint h the log is replaced by the
     * checkpoint and its certificate (q CHECKPOINT signatures); the log
     * above it travels decision by decision.  The application state at h
     * is not sized (the runbook gives none). */
    uint32_t k = (uint32_t)s->p->checkpoint_interval, h = x->prefix - x->prefix % k;
    uint32_t have = m->seq, from = have;
    uint64_t bytes = sig_bytes(s), checks = 1;
    if (h > have) {
        from = h;
        bytes += cert_bytes(s);
        checks += cert_checks(s);
    }
    uint32_t count = x->prefix > from ? x->prefix - from : 0;
    for (uint32_t seq = from + 1; seq <= x->prefix; seq++) {
        /* The peer's log: its commits, which are the decided digests. */
        uint32_t batch = seq < s->decided_cap ? (uint32_t)s->decided[seq] : 0;
        bytes += sig_bytes(s) + cs_batch_count(s, batch) * s->p->request_bytes + cert_bytes(s);
        checks += 1 + cert_checks(s);
    }
    cmsg st = make_msg(M_STATE, r, x->view, x->prefix, have);
    st.aux = checks > UINT32_MAX ? UINT32_MAX : (uint32_t)checks;
    st.aux2 = count;
    cs_unicast_send(sim, s, r, msg_from(m), &st, C_STATE,
                    bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes, sign_done(sim, s, x));
}

/* STATE, its certificates verified: take the peer's prefix (and, after a
 * repair, its view). */
void cs_pbft_on_state(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    if (!node_follows(x))
        return;
    if (x->fetch_armed && x->fetch_view && m->view > x->view && !x->in_vc) {
        x->view = m->view;
        x->vc_target = m->view;
    }
    if (m->seq > x->prefix) {
        x->prefix = m->seq;
        pbft_advance_prefix(s, r);
    }
    if (x->fetch_low <= x->prefix)
        x->fetch_low = 0;
    if (x->fetch_armed) {
        x->fetch_armed = 0;
        x->fetch_gen++;
        sim_tally(sim, s->m_st_time, (double)(sim_now(sim) - x->fetch_since_ns));
    }
    cs_fifo_prune(s, r);
    cs_request_timer_arm(sim, s, r);
    cs_pbft_try_propose(sim, s, r);
}

/* m (at seq) lies beyond r's window: r moves its low watermark so that
 * m fits, and fetches what it missed from m's sender. */
static void pbft_note_lag(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    if (m->seq <= slot_base(x) + s->ring)
        return;
    x->fetch_low = m->seq - s->ring;
    cs_pbft_fetch(sim, s, r, msg_from(m), 0);
}

static void pbft_advance_prefix(cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    for (;;) {
        pbft_slot *sl = slot_at(s, r, x->prefix + 1);
        if (sl->seq != x->prefix + 1 || !sl->committed)
            break;
        x->prefix++;
    }
    if (x->next_seq <= x->prefix)
        x->next_seq = x->prefix + 1;
    /* Every reader of the queue prunes it first (executed requests stay
     * executed), so pruning here changes nothing but memory: a backup's
     * queue no longer keeps every request it ever received. */
    cs_fifo_prune(s, r);
}

static void pbft_commit_local(sim_t *sim, cstate *s, uint32_t r, pbft_slot *sl, uint32_t d)
{
    cnode *x = &s->nodes[r];
    sl->committed = 1;
    x->vc_fails = 0;
    uint32_t seq = sl->seq, view = sl->view;
    if (x->beh != CONSENSUS_EQUIVOCATE) {
        cs_checker_commit(sim, s, seq, d, d);
        if (node_sends(x))
            cs_reply_to_client(sim, s, r, view, seq, d);
    }
    pbft_advance_prefix(s, r);
    if (primary_of(s, x->view) == r)
        cs_pbft_try_propose(sim, s, r);
}

static void pbft_check_committed(sim_t *sim, cstate *s, uint32_t r, pbft_slot *sl)
{
    /* Committed-local: prepared plus q matching commits (PBFT 4.3).  A
     * replica that never gets the pre-prepare (lost) stays behind until
     * state transfer moves its prefix past the seq. */
    if (sl->committed || !sl->prepared)
        return;
    int k = slot_index(sl, sl->pp);
    if (k >= 0 && sl->nc[k] >= s->q)
        pbft_commit_local(sim, s, r, sl, sl->pp);
}

static void pbft_check_prepared(sim_t *sim, cstate *s, uint32_t r, pbft_slot *sl)
{
    cnode *x = &s->nodes[r];
    if (sl->prepared || !sl->pp || sl->view != x->view || x->in_vc)
        return;
    int k = slot_index(sl, sl->pp);
    if (k < 0 || sl->np[k] < s->q - 1)
        return;
    sl->prepared = 1;
    sl->p_digest = sl->pp;
    sl->p_view = sl->view;
    if (primary_of(s, sl->view) == r && sl->t0 >= 0)
        sim_tally(sim, s->m_quorum_wait, (double)(sim_now(sim) - sl->t0));
    sl->nc[k]++; /* own commit */
    if (node_sends(x)) {
        cmsg m = make_msg(M_COMMIT, r, sl->view, sl->seq, sl->pp);
        cs_cast_send(sim, s, r, &m, sl->pp, -1, C_VOTE, sig_bytes(s), 1, sign_done(sim, s, x),
                  NULL);
    }
    pbft_check_committed(sim, s, r, sl);
}

/* Colluding equivocator: votes d0 to side 0 and the twin to side 1. */
static void pbft_collude(sim_t *sim, cstate *s, uint32_t r, uint32_t view, uint32_t seq,
                         uint32_t d0, int prepare)
{
    cnode *x = &s->nodes[r];
    if (!node_alive(x))
        return;
    uint32_t d1 = d0 < s->nbatches && s->batches[d0].twin ? s->batches[d0].twin
                                                           : BOGUS_DIGEST;
    int64_t t = sign_done(sim, s, x);
    cmsg m = make_msg(M_PREPARE, r, view, seq, d0);
    if (prepare)
        cs_cast_send(sim, s, r, &m, d1, -1, C_VOTE, sig_bytes(s), 1, t, NULL);
    m.kind_from = M_COMMIT | r << 8;
    cs_cast_send(sim, s, r, &m, d1, -1, C_VOTE, sig_bytes(s), 1, t, NULL);
}

/* r (in view) accepts the proposal of digest d at seq: own prepare, and the
 * prepare broadcast. */
static void pbft_accept(sim_t *sim, cstate *s, uint32_t r, uint32_t view, uint32_t seq,
                        uint32_t d)
{
    cnode *x = &s->nodes[r];
    pbft_slot *sl = slot_get(s, r, seq, view);
    if (!sl || sl->pp || sl->committed)
        return;
    sl->pp = d;
    sl->t0 = -1;
    int k = slot_index(sl, d);
    if (k < 0)
        return;
    sl->np[k]++;
    cs_batch_mark_assigned(s, d, view);
    if (node_sends(x)) {
        cmsg m = make_msg(M_PREPARE, r, view, seq, d);
        cs_cast_send(sim, s, r, &m, d, -1, C_VOTE, sig_bytes(s), 1, sign_done(sim, s, x), NULL);
    }
    pbft_check_prepared(sim, s, r, sl);
    pbft_check_committed(sim, s, r, sl);
}

void cs_pbft_try_propose(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    if (primary_of(s, x->view) != r || x->in_vc || x->installed != x->view || !node_sends(x))
        return;
    if (x->beh != CONSENSUS_HONEST && x->beh != CONSENSUS_EQUIVOCATE &&
        !node_follows(x))
        return;
    int64_t now = sim_now(sim);
    if (x->beh == CONSENSUS_EQUIVOCATE) {
        /* Colluders learn the decided prefix from each other. */
        if (s->decided_prefix > x->prefix)
            x->prefix = s->decided_prefix;
        if (x->next_seq <= x->prefix)
            x->next_seq = x->prefix + 1;
    }
    while (x->next_seq <= x->prefix + s->window) {
        cs_fifo_prune(s, r);
        if (!x->qlen)
            return;
        if (cs_batch_wait(sim, s, r, now))
            return;
        uint32_t b = cs_batch_build(sim, s, x, x->view);
        if (!b)
            return;
        uint32_t seq = x->next_seq++;
        INVARIANT(seq > x->prefix && seq <= x->prefix + s->window,
                  "the primary proposes s only if prefix < s <= prefix + window");
        pbft_slot *sl = slot_get(s, r, seq, x->view);
        if (!sl)
            return;
        sl->pp = b;
        sl->t0 = now;
        uint32_t b1 = b;
        if (x->beh == CONSENSUS_EQUIVOCATE)
            b1 = cs_batch_twin(sim, s, b);
        cmsg m = make_msg(M_PREPREPARE, r, x->view, seq, b);
        uint32_t bytes = (uint32_t)(sig_bytes(s) + cs_batch_count(s, b) * s->p->request_bytes);
        cs_cast_send(sim, s, r, &m, b1, -1, C_PROPOSAL, bytes, 1, sign_done(sim, s, x), NULL);
        if (x->beh == CONSENSUS_EQUIVOCATE)
            pbft_collude(sim, s, r, x->view, seq, b, 0);
    }
}

void cs_pbft_on_preprepare(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    uint32_t v = m->view;
    if (msg_from(m) != primary_of(s, v) || primary_of(s, v) == r)
        return;
    if (x->beh == CONSENSUS_EQUIVOCATE) {
        pbft_collude(sim, s, r, v, m->seq, m->digest, 1);
        return;
    }
    if (!node_follows(x) || v < x->view || (x->in_vc && x->vc_target > v))
        return;
    if (v > x->view || x->in_vc)
        cs_enter_view(sim, s, r, v);
    pbft_note_lag(sim, s, r, m);
    pbft_accept(sim, s, r, v, m->seq, m->digest);
}

void cs_pbft_on_vote(sim_t *sim, cstate *s, uint32_t r, const cmsg *m, int commit)
{
    cnode *x = &s->nodes[r];
    if (x->beh == CONSENSUS_EQUIVOCATE || !node_follows(x) || m->view < x->view)
        return;
    if (!commit && msg_from(m) == primary_of(s, m->view))
        return; /* the primary's pre-prepare is its vote */
    pbft_note_lag(sim, s, r, m);
    pbft_slot *sl = slot_get(s, r, m->seq, m->view);
    if (!sl)
        return;
    int k = slot_index(sl, m->digest);
    if (k < 0)
        return;
    /* The checks' first tests, here: most votes arrive after their
     * certificate is complete and change nothing but a count. */
    if (commit) {
        sl->nc[k]++;
        if (!sl->committed && sl->prepared)
            pbft_check_committed(sim, s, r, sl);
    } else {
        sl->np[k]++;
        if (!sl->prepared)
            pbft_check_prepared(sim, s, r, sl);
    }
}

/* r's prepared certificates above its prefix, as window (digest, view)
 * pairs for seqs prefix+1 .. prefix+window. */
static void pbft_prepared_set(cstate *s, uint32_t r, uint32_t *aux, uint32_t *count)
{
    cnode *x = &s->nodes[r];
    *count = 0;
    for (uint32_t k = 0; k < s->ring; k++) {
        uint32_t seq = x->prefix + 1 + k;
        pbft_slot *sl = slot_at(s, r, seq);
        if (sl->seq == seq && sl->p_digest) {
            aux[2 * k] = sl->p_digest;
            aux[2 * k + 1] = sl->p_view;
            ++*count;
        } else {
            aux[2 * k] = aux[2 * k + 1] = 0;
        }
    }
}

/* The new primary merges one view-change message into its table. */
static void pbft_nv_merge(cstate *s, uint32_t r, uint32_t from, uint32_t prefix,
                          const uint32_t *aux)
{
    cnode *x = &s->nodes[r];
    nv_entry *tab = &s->nvtab[(size_t)r * s->ring];
    if (prefix > x->nv_min) {
        x->nv_min = prefix;
        x->nv_min_from = from;
    }
    for (uint32_t k = 0; k < s->ring; k++) {
        if (!aux[2 * k])
            continue;
        uint32_t seq = prefix + 1 + k;
        nv_entry *e = &tab[seq % s->ring];
        /* Of two colliding seqs the lower is at or below the final min-s. */
        if (e->seq > seq)
            continue;
        if (e->seq < seq || aux[2 * k + 1] > e->view) {
            e->seq = seq;
            e->digest = aux[2 * k];
            e->view = aux[2 * k + 1];
        }
        if (seq > x->nv_max)
            x->nv_max = seq;
    }
}

/* Checks to validate r's VIEW-CHANGE (PBFT OSDI'99 4.4): its signature,
 * the checkpoint proof C (q signatures; none for the initial state, which
 * prefix 0 stands for) and, for each of the `count` prepared requests in
 * P, a pre-prepare and 2f prepares (q signatures): 1 + q (1 + W) with
 * signatures checked one by one, 2 + W with aggregate certificates. */
static uint32_t pbft_vc_checks(const cstate *s, const cnode *x, uint32_t count)
{
    /* The last stable checkpoint h: every checkpoint_interval seqs.  The
     * executed seqs above h are prepared requests that P carries too. */
    uint32_t k = (uint32_t)s->p->checkpoint_interval, h = x->prefix - x->prefix % k;
    uint32_t w = x->prefix - h + count;
    return 1 + (h > 0 ? cert_checks(s) : 0) + w * cert_checks(s);
}

static void pbft_install(sim_t *sim, cstate *s, uint32_t r, uint32_t view)
{
    cnode *x = &s->nodes[r];
    uint32_t *own = s->scratch, nown;
    pbft_prepared_set(s, r, own, &nown);
    uint64_t vchecks = x->nv_checks + pbft_vc_checks(s, x, nown); /* V holds own VC too */
    pbft_nv_merge(s, r, r, x->prefix, own);
    uint32_t min_s = x->nv_min, max_s = x->nv_max > min_s ? x->nv_max : min_s;
    if (x->prefix < min_s)
        cs_pbft_fetch(sim, s, r, x->nv_min_from, 0);
    x->view = view;
    x->vc_target = view;
    x->in_vc = 0;
    x->installed = view;
    x->nv_applied = view;
    cs_timer_clear(x);
    cs_view_installed(sim, s, view);
    nv_entry *tab = &s->nvtab[(size_t)r * s->ring];
    uint32_t *o = s->scratch;
    uint32_t reproposed = 0;
    for (uint32_t k = 0; k < s->ring; k++) {
        uint32_t seq = min_s + 1 + k;
        o[2 * k] = o[2 * k + 1] = 0;
        if (seq > max_s)
            continue;
        const nv_entry *e = &tab[seq % s->ring];
        o[2 * k] = e->seq == seq ? e->digest : NULL_BATCH;
        reproposed++;
    }
    /* digest carries max-s (so both halves' copies carry it too). */
    cmsg m = make_msg(M_NEWVIEW, r, view, min_s, max_s);
    m.aux = reproposed;
    if (node_sends(x)) {
        /* A backup validates NEW-VIEW (4.4): its signature, every
         * VIEW-CHANGE in V as above, and the |O| re-proposed pre-prepares:
         * 1 + |O| + sum of V's checks = 1 + W + q + q^2 (1 + W) when all q
         * carry W prepared requests above a checkpoint. */
        uint32_t k = (uint32_t)s->p->checkpoint_interval;
        uint64_t o_count = max_s - (min_s - min_s % k); /* O spans (h, max-s] */
        uint64_t checks = 1 + o_count + vchecks;
        uint32_t bytes = sig_bytes(s) * (1 + s->q) + reproposed * (sig_bytes(s) + cert_bytes(s));
        cs_cast_send(sim, s, r, &m, max_s, -1, C_VIEWCHANGE, bytes,
                     checks > UINT32_MAX ? UINT32_MAX : (uint32_t)checks,
                     sign_done(sim, s, x), o);
    }
    for (uint32_t k = 0; k < reproposed; k++) {
        uint32_t seq = min_s + 1 + k;
        pbft_slot *sl = slot_get(s, r, seq, view);
        if (sl && !sl->committed && !sl->pp) {
            sl->pp = o[2 * k];
            sl->t0 = -1;
            cs_batch_mark_assigned(s, o[2 * k], view);
        }
    }
    x->next_seq = (max_s > x->prefix ? max_s : x->prefix) + 1;
    x->nv_view = NO_VIEW;
    cs_request_timer_arm(sim, s, r);
    cs_pbft_try_propose(sim, s, r);
}

/* Primary r starts collecting VIEW-CHANGE messages for view afresh. */
static void pbft_nv_collect(cstate *s, uint32_t r, uint32_t view)
{
    cnode *x = &s->nodes[r];
    x->nv_view = view;
    x->nv_count = 0;
    x->nv_min = 0;
    x->nv_max = 0;
    x->nv_checks = 0;
    memset(&s->nvtab[(size_t)r * s->ring], 0, s->ring * sizeof(nv_entry));
}

void cs_pbft_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target)
{
    cnode *x = &s->nodes[r];
    if (!cs_vc_enter(x, target))
        return;
    uint32_t *aux = s->scratch, count;
    pbft_prepared_set(s, r, aux, &count);
    uint32_t checks = pbft_vc_checks(s, x, count);
    if (node_sends(x)) {
        cmsg m = make_msg(M_VIEWCHANGE, r, target, x->prefix, 0);
        m.aux = checks;
        uint32_t bytes = sig_bytes(s) + count * (sig_bytes(s) + cert_bytes(s));
        cs_cast_send(sim, s, r, &m, 0, -1, C_VIEWCHANGE, bytes, checks, sign_done(sim, s, x),
                     aux);
    }
    x->vc_timeout_ns = cs_vc_backoff_ns(s, x);
    cs_timer_set(sim, s, r, x->vc_timeout_ns);
    if (primary_of(s, target) == r) {
        if (x->nv_view != target)
            pbft_nv_collect(s, r, target);
        if (x->nv_count >= s->q - 1)
            pbft_install(sim, s, r, target);
    }
}

void cs_pbft_on_view_change(sim_t *sim, cstate *s, uint32_t r, const cmsg *m,
                            const uint32_t *aux)
{
    cnode *x = &s->nodes[r];
    /* A colluding equivocator takes the views it is primary of (honestly),
     * so that it can equivocate in them. */
    int colluder = x->beh == CONSENSUS_EQUIVOCATE && node_alive(x);
    if (!node_follows(x) && !colluder)
        return;
    uint32_t t = m->view;
    if (t == x->vc_seen_view) {
        x->vc_seen_count++;
    } else if (x->vc_seen_view == NO_VIEW || t > x->vc_seen_view) {
        x->vc_seen_view = t;
        x->vc_seen_count = 1;
    }
    /* OSDI'99 4.5: a replica that sent VIEW-CHANGE for v + 1 starts its
     * timer once it has 2f + 1 of them (its own counted); the timer set
     * when it sent stands for retransmission when they never come. */
    if (x->in_vc && x->vc_target == t && x->vc_seen_count + 1 == s->q)
        cs_timer_set(sim, s, r, x->vc_timeout_ns);
    uint32_t mine = x->in_vc ? x->vc_target : x->view;
    if (t > mine && !colluder) {
        /* f + 1 replicas want a later view: join them (PBFT 4.5.2). */
        if (t == x->join_view) {
            x->join_count++;
        } else if (t > x->join_view || x->join_view <= mine) {
            x->join_view = t;
            x->join_count = 1;
        }
        if (x->join_view == t && x->join_count >= s->f + 1)
            cs_start_view_change(sim, s, r, t);
    }
    if (primary_of(s, t) != r || (x->installed != NO_VIEW && x->installed >= t))
        return;
    if (x->nv_view == NO_VIEW || x->nv_view < t) {
        pbft_nv_collect(s, r, t);
    } else if (x->nv_view > t) {
        return;
    }
    pbft_nv_merge(s, r, msg_from(m), m->seq, aux);
    x->nv_count++;
    x->nv_checks += m->aux;
    if (x->nv_count >= s->q - 1 && (colluder || (x->in_vc && x->vc_target == t)))
        pbft_install(sim, s, r, t);
}

void cs_pbft_on_new_view(sim_t *sim, cstate *s, uint32_t r, const cmsg *m,
                         const uint32_t *o)
{
    cnode *x = &s->nodes[r];
    uint32_t v = m->view;
    if (!node_follows(x) || msg_from(m) != primary_of(s, v) || v < x->view ||
        (x->in_vc && x->vc_target > v) || (x->nv_applied != NO_VIEW && x->nv_applied >= v))
        return;
    cs_enter_view(sim, s, r, v);
    x->nv_applied = v;
    cs_view_accepted(sim, s, v);
    uint32_t min_s = m->seq, max_s = m->digest;
    if (x->prefix < min_s)
        cs_pbft_fetch(sim, s, r, msg_from(m), 0);
    for (uint32_t k = 0; k < m->aux && k < s->ring; k++) {
        uint32_t seq = min_s + 1 + k;
        if (seq <= x->prefix || seq > max_s)
            continue;
        pbft_accept(sim, s, r, v, seq, o[2 * k]);
    }
}
