/* internal.h - the consensus model's shared state and the functions its
 * files call across (models/consensus/: config, cast, client, checker, views,
 * pbft, hotstuff, faults, consensus).  Not for other models: they use
 * models/consensus.h.  Exported names carry the cs_ prefix.
 *
 * Structure.  All replicas, the client and the safety checker live in one
 * model state; they interact only through messages that travel the
 * network as engine events.  A broadcast is one "cast", a network_mcast
 * (models/network.h) plus the message: the sender draws every copy's
 * arrival time, the copies are sorted, and one calendar event walks them
 * in arrival order (all copies due at the same instant in one handler
 * call).  The calendar therefore holds O(broadcasts in flight)
 * entries instead of O(messages), and no memory is allocated per message:
 * casts come from a free list whose delivery arrays are sized once.  A
 * message is 24 bytes (cmsg) and rides in event payloads; bodies that do
 * not fit (a view change's prepared set, a new view's re-proposals) live
 * in the cast's aux array, which stays alive until every recipient has
 * processed it (refs).
 *
 * CPU.  Each replica has `cores` cores behind one FIFO queue; with one
 * core (the default) it is one FIFO server: busy_until = max(now,
 * busy_until) + cost.  With more, each job (a signature, one signature
 * check) runs on the first free core (cpu.c), so a message's checks run in
 * parallel.  A received message is processed when its verification ends
 * (an extra event only when the cost is non-zero); a sent message leaves
 * when its signature is done.
 *
 * PBFT state.  Replica r keeps a ring of 2 * window slots indexed by seq
 * mod ring covering (base, base + ring], where prefix is r's highest
 * contiguous committed seq and base is prefix, or while r fetches the
 * decisions it missed, the low watermark fetch_low that a message beyond
 * the ring moved up (so that r keeps taking part in the seqs in flight
 * and executes them once the STATE fills the hole).  A slot counts
 * prepares and commits for at most two digests of one (view, seq); counts from an older view are discarded
 * when a newer view's message arrives; the prepared certificate
 * (p_digest, p_view) survives view changes.  Prepared = pre-prepare plus
 * q-1 matching prepares from backups; committed-local = prepared plus q
 * matching commits.
 *
 * Invariants:
 *  - an honest replica sends at most one prepare and one commit per
 *    (view, seq), so counts need no sender sets;
 *  - the primary of view v proposes seq s only if s <= prefix + window;
 *  - a new view re-proposes at most ring seqs above the highest prefix
 *    reported (min-s), so its table fits ring entries;
 *  - decided[seq] holds the first digest an honest replica committed at
 *    seq; any later honest commit of another digest is a safety violation
 *    (counted once per seq, never fatal);
 *  - live_honest counts replicas that are up and honest; availability is
 *    live_honest >= q (the no-traffic availability; with traffic it is the
 *    fraction of requests committed within availability.deadline).
 *
 * Simplifications (documented in the scenario files): clients broadcast
 * requests to all replicas (as BFT-SMaRt and HotStuff clients do), so a
 * replica's request timer starts on receipt.  A replica's timers, queue
 * and batches use only its own log (req_executed: its prefix / committed
 * height reaches the seq that decided the request), never another
 * replica's state (issue 13).  A lagging or repaired PBFT replica catches
 * up by messages (pbft.c, state transfer): a FETCH to one peer, whose
 * STATE reply carries its log above the requester's prefix (each
 * decision's pre-prepare, requests and commit certificate: bytes on the
 * link, 1 + m (1 + q) signature checks for m decisions; below the
 * peer's last stable checkpoint, its certificate instead); only the sizes
 * of those batches are read from the decided log, which an honest peer's
 * log equals.  A catching-up replica's VIEW-CHANGE reports the prepared
 * certificates of (prefix, prefix + ring] only.  Still global: a repaired HotStuff replica rejoins at the latest
 * view, a HotStuff replica commits ancestors it never received, colluding
 * equivocators share the decided prefix, and a new view's min-s is the
 * highest prefix reported rather than the last stable checkpoint (the
 * VIEW-CHANGE's verification cost does count the prepared
 * certificates above the checkpoint, checkpoint_interval).  A replica
 * enters view v on the first valid message from v's primary (pre-prepares
 * after NEW-VIEW) instead of buffering it.
 */
#ifndef MWRASP_CONSENSUS_INTERNAL_H
#define MWRASP_CONSENSUS_INTERNAL_H

#include <stdlib.h>
#include <string.h>

#include "consensus.h"
#include "invariant.h"

/* Message kinds (low byte of cmsg.kind_from). */
enum {
    M_REQUEST = 1, M_PREPREPARE, M_PREPARE, M_COMMIT, M_REPLY, M_VIEWCHANGE,
    M_NEWVIEW, M_PROPOSAL, M_VOTE, M_HSNEWVIEW, M_FETCH, M_STATE
};

/* Network classes; names in the same order for network.class_delay. */
enum { C_REQUEST, C_PROPOSAL, C_VOTE, C_VIEWCHANGE, C_REPLY, C_STATE, C_COUNT };

#define NULL_BATCH 1u           /* PBFT null request */
#define BOGUS_DIGEST 0xFFFFFFFEu /* an equivocator's vote for nothing */
#define SIDE_FAULTY 2
#define NO_VIEW UINT32_MAX

/* 24 bytes: fits an event payload. */
typedef struct cmsg {
    uint32_t kind_from;  /* kind | sender << 8 */
    uint32_t view;
    uint32_t seq;        /* PBFT seq, HotStuff height, request id */
    uint32_t digest;     /* batch id (PBFT), block id (HotStuff) */
    uint32_t aux, aux2;
} cmsg;

_Static_assert(sizeof(cmsg) <= sizeof(((sim_event *)0)->data), "cmsg fits a payload");

static inline uint32_t msg_kind(const cmsg *m) { return m->kind_from & 0xFF; }
static inline uint32_t msg_from(const cmsg *m) { return m->kind_from >> 8; }

typedef struct ccast {
    cmsg msg;
    uint32_t digest1;    /* digest for side-1 recipients */
    uint32_t refs;       /* deferred processings still reading aux */
    uint32_t next_free;
    uint32_t verifies;   /* signature checks a recipient makes */
    uint8_t chain_done;
    network_mcast mc;    /* the copies, in arrival order */
    uint32_t *aux;       /* 2 * ring words */
} ccast;

typedef struct pbft_slot {
    uint32_t seq, view;
    uint32_t pp;             /* digest pre-prepared in view, 0 none */
    uint32_t d[2];
    uint16_t np[2], nc[2];
    uint32_t p_digest, p_view; /* prepared certificate */
    uint8_t prepared, committed;
    int64_t t0;              /* primary: pre-prepare time */
} pbft_slot;

typedef struct nv_entry {
    uint32_t seq, digest, view;
} nv_entry;

typedef struct creq {
    int64_t arrive_ns;
    uint32_t assigned;       /* view + 1 of the last proposal holding it */
    uint8_t done, committed;
    uint16_t origin_kind;    /* the reply's event kind */
    int32_t origin_model;    /* -1: the built-in client; else who to tell */
    uint32_t origin_entity;
    uint64_t origin_id;
    uint32_t dec_seq;        /* seq (PBFT) / height (HotStuff) first deciding it, 0 none */
    uint8_t late;            /* done, but after the deadline */
    uint32_t block;          /* rotating HotStuff: last block holding it, 0 none */
} creq;

typedef struct cbatch {
    uint32_t first, count, twin;
    uint16_t replies;
    uint8_t done;
} cbatch;

typedef struct hsblock {
    uint32_t parent, height, view, batch;
    uint16_t votes;
    uint8_t qc, side;
    int64_t proposed_ns;
} hsblock;

typedef struct cnode {
    uint32_t view, vc_target, installed, nv_applied;
    uint32_t prefix, next_seq;
    uint32_t vc_fails, join_view, join_count;
    uint32_t nv_view, nv_count, nv_min, nv_max, nv_best;
    uint64_t nv_checks;      /* new primary: checks of the VIEW-CHANGEs in V */
    uint32_t vc_seen_view, vc_seen_count; /* VIEW-CHANGEs received for the highest view */
    int64_t vc_timeout_ns;   /* the current view change's timeout */
    uint32_t timer_gen, timer_req;
    uint8_t in_vc, timer_armed, batch_armed, beh, side, down, counted;
    uint8_t group;           /* fault group + 1, 0 = none */
    double drop;
    const dist_t *hold;
    dist_t hold_own;
    int64_t cpu_free_ns;
    double busy_ns;
    uint32_t *q;             /* FIFO of request ids */
    uint32_t qhead, qlen, qcap;
    /* HotStuff */
    uint32_t hs_qc, hs_locked, hs_vview, hs_vheight, hs_committed;
    uint32_t hs_side_qc[2], hs_waiting[2], hs_flush[2];
    uint32_t hs_proposed;    /* rotating: view + 1 of this leader's last proposal */
    /* PBFT state transfer: one FETCH outstanding at a time */
    uint8_t fetch_armed, fetch_view; /* fetch_view: take the peer's view (recovery) */
    uint32_t fetch_peer, fetch_gen, fetch_tries;
    uint32_t fetch_low;      /* while catching up: slots cover (fetch_low, + ring] */
    int64_t fetch_since_ns;  /* first FETCH of this catch-up */
    uint32_t nv_min_from;    /* new primary: who reported the highest prefix */
} cnode;

typedef struct cstate {
    const consensus_params *p;
    int self;
    uint32_t n, f, q, window, client;
    uint32_t ring;           /* slots per replica: 2 * window (see below) */
    network_t net;
    gsl_rng *r_client, *r_cpu, *r_fault, *r_avail;
    int sign_zero, verify_zero;
    double cpu_scale;        /* 1e-9 / (n cores): ns of one replica to mean busy s */
    double busy_measured_ns; /* every core's busy time from the warm-up on */
    uint32_t cores;          /* CPU cores per replica */
    int64_t *core_free;      /* [n][cores] when cores > 1: each core's end */
    cnode *nodes;
    pbft_slot *slots;        /* [n][ring] */
    nv_entry *nvtab;         /* [n][ring] */
    ccast *casts;
    uint32_t ncasts, casts_cap, cast_free;
    creq *reqs;
    uint32_t nreqs, reqs_cap;
    uint32_t *reqlog;
    uint32_t nlog, log_cap;
    cbatch *batches;
    uint32_t nbatches, batches_cap;
    hsblock *blocks;
    uint32_t nblocks, blocks_cap;
    uint64_t *decided;       /* [seq]: digest | violated << 32 */
    uint32_t decided_cap, decided_prefix;
    uint32_t *scratch;
    uint32_t scratch_cap;
    uint32_t *cast_to;       /* [n]: a broadcast's recipients (cast.c) */
    int64_t *cast_hold;      /* [n]: their hold-backs, faulty senders */
    uint32_t max_view;       /* highest view installed by a primary */
    int64_t vc_first_ns;     /* first view-change start since last install */
    uint32_t vc_view, vc_accepts; /* PBFT: view being installed, replicas in it */
    uint32_t live_honest;
    int available;
    int64_t quorum_since_ns, quorum_up_ns; /* no traffic: time with a quorum */
    uint64_t msgs_total, bytes_total, decisions_total;
    int64_t first_violation_ns;
    int64_t maint_window_ns;
    int m_latency, m_quorum_wait, m_throughput, m_decisions, m_messages,
        m_client_messages, m_bytes, m_msgs_per_dec, m_bytes_per_dec, m_cpu,
        m_cpu_max, m_view_changes, m_vc_time, m_uncommitted, m_violations,
        m_first_violation, m_lost, m_available, m_live, m_outages, m_outage_time,
        m_st_time, m_backlog_growth, m_keep_pace;
    /* Requests submitted and not yet answered (f + 1 replies), and the
     * integral of that backlog over each half of the measured time (0:
     * first, 1: second; request-ns), for backlog_growth. */
    uint64_t backlog;
    int64_t backlog_since_ns;
    double backlog_area[2];
    uint64_t measured_submitted, measured_answered; /* in the measured time */
} cstate;

/* ------------------------------------------------------------------ */
/* small helpers (inline: they sit on the per-message paths)           */

static inline int hs_rotating(const cstate *s)
{
    return s->p->protocol == CONSENSUS_HOTSTUFF;
}

static inline uint32_t primary_of(const cstate *s, uint32_t view)
{
    return view % s->n;
}

static inline int node_alive(const cnode *x)
{
    return !x->down && x->beh != CONSENSUS_CRASH;
}

static inline int node_sends(const cnode *x)
{
    return node_alive(x) && x->beh != CONSENSUS_SILENT;
}

/* Runs the protocol faithfully (honest, or faulty only in how it sends). */
static inline int node_follows(const cnode *x)
{
    return node_alive(x) && (x->beh == CONSENSUS_HONEST || x->beh == CONSENSUS_DELAY ||
                             x->beh == CONSENSUS_DROP);
}

/* Replica r starts a view change to target (both protocols): 0 when it
 * does not follow the protocol and so takes no part. */
static inline int cs_vc_enter(cnode *x, uint32_t target)
{
    if (!node_follows(x))
        return 0;
    x->in_vc = 1;
    x->vc_target = target;
    return 1;
}

/* This attempt's view-change timeout: view_timeout doubled per earlier
 * failed attempt (at most 2^20 times); counts the attempt. */
static inline int64_t cs_vc_backoff_ns(const cstate *s, cnode *x)
{
    uint32_t fails = x->vc_fails < 20 ? x->vc_fails : 20;
    x->vc_fails++;
    return s->p->view_timeout_ns << fails;
}

static inline int cs_grow(void **buf, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    uint32_t nc = *cap ? *cap : 64;
    while (nc < need) {
        if (nc > UINT32_MAX / 2)
            return -1;
        nc *= 2;
    }
    void *b = realloc(*buf, (size_t)nc * elem);
    if (!b)
        return -1;
    *buf = b;
    *cap = nc;
    return 0;
}

/* cpu.c: several cores (s->cores > 1). */
int64_t cs_cpu_job(sim_t *sim, cstate *s, cnode *x, int64_t cost_ns);
int64_t cs_cpu_equal(sim_t *sim, cstate *s, cnode *x, uint32_t v, int64_t c);
int64_t cs_cpu_drawn(sim_t *sim, cstate *s, cnode *x, uint32_t v);

/* A core busy over [start, finish): the part from the warm-up on counts
 * for cpu_utilisation (consensus_finish takes off what lies past the
 * run's end, so the metric is busy time within the measured window). */
static inline void cs_cpu_busy(const sim_t *sim, cstate *s, int64_t start, int64_t finish)
{
    int64_t from = sim_warmup_time(sim);
    if (start < from)
        start = from;
    if (finish > start)
        s->busy_measured_ns += (double)(finish - start);
}

/* CPU: the time the node's CPU finishes a job of cost_ns queued now. */
static inline int64_t cpu_run(sim_t *sim, cstate *s, cnode *x, int64_t cost_ns)
{
    if (s->cores > 1)
        return cs_cpu_job(sim, s, x, cost_ns);
    int64_t now = sim_now(sim);
    int64_t start = x->cpu_free_ns > now ? x->cpu_free_ns : now;
    x->cpu_free_ns = start + cost_ns;
    x->busy_ns += (double)cost_ns;
    cs_cpu_busy(sim, s, start, x->cpu_free_ns);
    return x->cpu_free_ns;
}

static inline int64_t sign_done(sim_t *sim, cstate *s, cnode *x)
{
    if (s->sign_zero)
        return sim_now(sim);
    return cpu_run(sim, s, x, dist_sample_ns(&s->p->sign_ns, s->r_cpu));
}

static inline uint32_t sig_bytes(const cstate *s)
{
    return (uint32_t)(s->p->header_bytes + s->p->signature_bytes);
}

static inline uint32_t cert_bytes(const cstate *s)
{
    return (uint32_t)(s->p->aggregate_votes ? s->p->signature_bytes
                                            : s->q * s->p->signature_bytes);
}

/* Checks to verify one quorum certificate: its q signatures one by one,
 * or one aggregate / threshold signature (aggregate_votes). */
static inline uint32_t cert_checks(const cstate *s)
{
    return s->p->aggregate_votes ? 1 : s->q;
}

/* A message carrying one certificate: its own signature plus the
 * certificate's (HotStuff proposals and new-views). */
static inline uint32_t cert_verifies(const cstate *s)
{
    return 1 + cert_checks(s);
}


static inline cmsg make_msg(uint32_t kind, uint32_t from, uint32_t view, uint32_t seq,
                            uint32_t digest)
{
    cmsg m = { kind | from << 8, view, seq, digest, 0, 0 };
    return m;
}

static inline creq *req_get(cstate *s, uint32_t id)
{
    return &s->reqs[id];
}

/* Whether replica r has executed request id by its own log: the request
 * was first decided at dec_seq, and r's contiguously executed prefix (PBFT)
 * or committed height (HotStuff) reaches it.  Replicas never read another
 * replica's state or a global "committed" flag (issue 13): a replica that
 * missed the commits of a decision still waits for it, and its own
 * request timer starts the view change. */
static inline int req_executed(const cstate *s, uint32_t r, uint32_t id)
{
    const cnode *x = &s->nodes[r];
    uint32_t d = s->reqs[id].dec_seq;
    if (!d)
        return 0;
    uint32_t mine = s->p->protocol == CONSENSUS_PBFT ? x->prefix
                                                     : s->blocks[x->hs_committed].height;
    return mine >= d;
}

/* Whether block anc is b or an ancestor of b (HotStuff). */
static inline int cs_hs_extends(const cstate *s, uint32_t b, uint32_t anc)
{
    uint32_t h = s->blocks[anc].height;
    while (s->blocks[b].height > h)
        b = s->blocks[b].parent;
    return b == anc;
}

static inline uint32_t fifo_front(const cnode *x)
{
    INVARIANT(x->qlen > 0 && x->qhead < x->qcap, "the request ring is read inside its bounds");
    return x->q[x->qhead];
}

static inline void fifo_pop(cnode *x)
{
    INVARIANT(x->qlen > 0, "pop from a non-empty request ring");
    x->qhead = (x->qhead + 1) % x->qcap;
    x->qlen--;
}

/* config.c */
int cs_configure(cfg_ctx *c, cfg_node *sec, void *params);
/* The parameter and metric tables (config.c, consensus.c). */
#define CS_NPARAMS 32
extern const sim_param cs_params[CS_NPARAMS];

/* cast.c */
void cs_cast_release(cstate *s, uint32_t id);
void cs_cast_send(sim_t *sim, cstate *s, uint32_t from, const cmsg *m, uint32_t digest1,
                  int filter, int cls, uint32_t bytes, uint32_t verifies, int64_t send_ns,
                  const uint32_t *aux);
void cs_unicast_send(sim_t *sim, cstate *s, uint32_t from, uint32_t to, const cmsg *m, int cls,
                     uint32_t bytes, int64_t send_ns);

/* client.c */
void cs_fifo_push(sim_t *sim, cnode *x, uint32_t id);
void cs_fifo_prune(cstate *s, uint32_t r);
uint32_t cs_batch_build(sim_t *sim, cstate *s, cnode *x, uint32_t view);
/* 1 when replica r's queue holds less than a full batch whose oldest
 * request is younger than batch_timeout: the proposal waits, and the
 * batch timer is armed once. */
int cs_batch_wait(sim_t *sim, cstate *s, uint32_t r, int64_t now);
uint32_t cs_batch_twin(sim_t *sim, cstate *s, uint32_t b);
void cs_batch_mark_assigned(cstate *s, uint32_t b, uint32_t view);
uint32_t cs_batch_count(const cstate *s, uint32_t b);
void cs_client_next_arrival(sim_t *sim, cstate *s);
void cs_client_submit(sim_t *sim, cstate *s, const consensus_client_request_msg *origin);
void cs_client_arrival(sim_t *sim, cstate *s);
void cs_backlog_change(sim_t *sim, cstate *s, int delta);
void cs_client_reply(sim_t *sim, cstate *s, const cmsg *m);
void cs_reply_to_client(sim_t *sim, cstate *s, uint32_t r, uint32_t view, uint32_t seq,
                        uint32_t batch);

/* checker.c */
void cs_checker_commit(sim_t *sim, cstate *s, uint32_t seq, uint32_t d, uint32_t payload);

/* views.c */
void cs_timer_set(sim_t *sim, cstate *s, uint32_t r, int64_t delay);
void cs_timer_clear(cnode *x);
void cs_request_timer_arm(sim_t *sim, cstate *s, uint32_t r);
void cs_enter_view(sim_t *sim, cstate *s, uint32_t r, uint32_t view);
void cs_view_installed(sim_t *sim, cstate *s, uint32_t view);
void cs_view_accepted(sim_t *sim, cstate *s, uint32_t view);
void cs_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target);
void cs_on_timer(sim_t *sim, cstate *s, uint32_t r, uint32_t gen);

/* pbft.c */
void cs_pbft_fetch(sim_t *sim, cstate *s, uint32_t r, uint32_t peer, int take_view);
void cs_pbft_on_fetch_timer(sim_t *sim, cstate *s, uint32_t r, uint32_t gen);
void cs_pbft_on_fetch(sim_t *sim, cstate *s, uint32_t r, const cmsg *m);
void cs_pbft_on_state(sim_t *sim, cstate *s, uint32_t r, const cmsg *m);
void cs_pbft_try_propose(sim_t *sim, cstate *s, uint32_t r);
void cs_pbft_on_preprepare(sim_t *sim, cstate *s, uint32_t r, const cmsg *m);
void cs_pbft_on_vote(sim_t *sim, cstate *s, uint32_t r, const cmsg *m, int commit);
void cs_pbft_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target);
void cs_pbft_on_view_change(sim_t *sim, cstate *s, uint32_t r, const cmsg *m,
                            const uint32_t *aux);
void cs_pbft_on_new_view(sim_t *sim, cstate *s, uint32_t r, const cmsg *m, const uint32_t *o);

/* hotstuff.c */
void cs_hs_try_propose(sim_t *sim, cstate *s, uint32_t r);
void cs_hs_on_proposal(sim_t *sim, cstate *s, uint32_t r, const cmsg *m);
void cs_hs_on_vote(sim_t *sim, cstate *s, uint32_t r, const cmsg *m);
void cs_hs_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target);
void cs_hs_on_new_view(sim_t *sim, cstate *s, uint32_t r, const cmsg *m);

/* faults.c */
void cs_set_behaviour(sim_t *sim, cstate *s, uint32_t r, int beh);
void cs_on_fault_start(sim_t *sim, cstate *s, uint32_t group);
void cs_node_down(sim_t *sim, cstate *s, uint32_t r, int delta);
void cs_on_maintenance(sim_t *sim, cstate *s);
void cs_quorum_time(sim_t *sim, cstate *s);


#endif
