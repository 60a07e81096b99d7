/* consensus.c - the consensus model's callbacks and its dispatch: cast
 * delivery, verification on the receiver's CPU, and the message switch
 * (see consensus.h, and internal.h for the structure). */
#include "internal.h"

#include <math.h>

#include <gsl/gsl_randist.h>

static void on_request(sim_t *sim, cstate *s, uint32_t r, uint32_t id)
{
    cnode *x = &s->nodes[r];
    if (req_executed(s, r, id) || !node_alive(x))
        return;
    cs_fifo_push(sim, x, id);
    cs_request_timer_arm(sim, s, r);
    if (s->p->protocol == CONSENSUS_PBFT)
        cs_pbft_try_propose(sim, s, r);
    else
        cs_hs_try_propose(sim, s, r);
}

static void process(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    const uint32_t *aux = NULL;
    uint32_t kind = msg_kind(m);
    if (kind == M_VIEWCHANGE || kind == M_NEWVIEW)
        aux = s->casts[m->aux2].aux;
    switch (kind) {
    case M_REQUEST: on_request(sim, s, r, m->seq); break;
    case M_PREPREPARE: cs_pbft_on_preprepare(sim, s, r, m); break;
    case M_PREPARE: cs_pbft_on_vote(sim, s, r, m, 0); break;
    case M_COMMIT: cs_pbft_on_vote(sim, s, r, m, 1); break;
    case M_VIEWCHANGE: cs_pbft_on_view_change(sim, s, r, m, aux); break;
    case M_NEWVIEW: cs_pbft_on_new_view(sim, s, r, m, aux); break;
    case M_PROPOSAL: cs_hs_on_proposal(sim, s, r, m); break;
    case M_VOTE: cs_hs_on_vote(sim, s, r, m); break;
    case M_HSNEWVIEW: cs_hs_on_new_view(sim, s, r, m); break;
    case M_FETCH: cs_pbft_on_fetch(sim, s, r, m); break;
    case M_STATE: cs_pbft_on_state(sim, s, r, m); break;
    default: sim_fail(sim, "consensus: unknown message kind %u", kind);
    }
}

static void cast_unref(cstate *s, uint32_t id)
{
    ccast *c = &s->casts[id];
    INVARIANT(c->refs > 0, "a cast is unreferenced only as often as referenced");
    if (--c->refs == 0 && c->chain_done)
        cs_cast_release(s, id);
}

/* A copy of m reaches r: verify on r's CPU, then process. */
static void deliver(sim_t *sim, cstate *s, uint32_t r, const cmsg *m, uint32_t verifies)
{
    if (r == s->client) {
        if (msg_kind(m) == M_REPLY)
            cs_client_reply(sim, s, m);
        return;
    }
    cnode *x = &s->nodes[r];
    if (!node_alive(x))
        return;
    if (s->verify_zero) {
        process(sim, s, r, m);
        return;
    }
    int64_t done;
    if (s->cores > 1 && s->p->verify_ns.kind == DIST_CONSTANT) {
        done = cs_cpu_equal(sim, s, x, verifies, dist_sample_ns(&s->p->verify_ns, s->r_cpu));
    } else if (s->cores > 1) {
        done = cs_cpu_drawn(sim, s, x, verifies);
    } else {
        int64_t cost = 0;
        if (s->p->verify_ns.kind == DIST_CONSTANT)
            cost = (int64_t)verifies * dist_sample_ns(&s->p->verify_ns, s->r_cpu);
        else
            for (uint32_t k = 0; k < verifies; k++)
                cost += dist_sample_ns(&s->p->verify_ns, s->r_cpu);
        done = cpu_run(sim, s, x, cost);
    }
    if (done == sim_now(sim)) {
        process(sim, s, r, m);
        return;
    }
    uint32_t kind = msg_kind(m);
    if (kind == M_VIEWCHANGE || kind == M_NEWVIEW)
        s->casts[m->aux2].refs++;
    sim_event *ev = sim_schedule(sim, done, s->self, CONSENSUS_EV_PROCESS, r);
    memcpy(&ev->data, m, sizeof *m);
}

static void on_cast(sim_t *sim, cstate *s, uint32_t id)
{
    ccast *c = &s->casts[id];
    c->refs++; /* keep aux alive while this handler delivers */
    uint32_t j;
    int more; /* this event is due for at least one copy */
    do {
        more = network_mcast_take_next(&c->mc, &j);
        cmsg m = c->msg;
        if (s->nodes[j].side == 1)
            m.digest = c->digest1;
        /* Only the new primary validates a VIEW-CHANGE's certificates (it
         * builds NEW-VIEW from them; backups check them inside NEW-VIEW);
         * elsewhere its signature is checked for the f + 1 join rule. */
        uint32_t kind = msg_kind(&m);
        if ((kind == M_PREPARE || kind == M_COMMIT) && s->verify_zero) {
            /* The bulk of the copies: deliver() and process() for a vote
             * to a replica with nothing to verify, straight through. */
            if (node_alive(&s->nodes[j]))
                cs_pbft_on_vote(sim, s, j, &m, kind == M_COMMIT);
            c = &s->casts[id];
            continue;
        }
        uint32_t checks = c->verifies;
        if (kind == M_VIEWCHANGE && j != primary_of(s, m.view))
            checks = 1;
        deliver(sim, s, j, &m, checks);
        c = &s->casts[id]; /* deliver may have grown the cast array */
    } while (more);
    if (network_mcast_pending(&c->mc)) {
        sim_event *ev = sim_schedule(sim, network_mcast_due(&c->mc), s->self, CONSENSUS_EV_CAST, 0);
        ev->data.u32[0] = id;
    } else {
        c->chain_done = 1;
    }
    cast_unref(s, id);
}

/* ------------------------------------------------------------------ */
/* faults and availability                                             */

#define CS_METRIC(field, name, unit, scale, kind, domain, what) \
    SIM_METRIC(cstate, field, name, unit, scale, kind, domain, NULL, what)

static const sim_metric_spec consensus_metrics[] = {
    CS_METRIC(m_latency, "latency", "ms", 1e-6, STATS_TALLY, STATS_NONNEG,
              "coordination (commit) latency, request to f+1 replies (runbook claims 63-78 ms)"),
    CS_METRIC(m_quorum_wait, "quorum_wait", "ms", 1e-6, STATS_TALLY, STATS_NONNEG,
              "leader: proposal sent to quorum of votes (PBFT prepared, HotStuff QC)"),
    CS_METRIC(m_throughput, "throughput", "req/s", 1.0, STATS_RATE, STATS_NONNEG,
              "requests completed per second"),
    CS_METRIC(m_decisions, "decisions", "1/s", 1.0, STATS_RATE, STATS_NONNEG,
              "non-empty batches decided per second"),
    CS_METRIC(m_messages, "messages", "msgs", 1.0, STATS_COUNT, STATS_NONNEG,
              "replica-to-replica messages sent"),
    CS_METRIC(m_client_messages, "client_messages", "msgs", 1.0, STATS_COUNT, STATS_NONNEG,
              "client requests and replies sent"),
    CS_METRIC(m_bytes, "bytes", "B", 1.0, STATS_COUNT, STATS_NONNEG,
              "replica-to-replica bytes sent"),
    CS_METRIC(m_msgs_per_dec, "messages_per_decision", "msgs", 1.0, STATS_VALUE, STATS_NONNEG,
              "replica messages per decision (whole run)"),
    CS_METRIC(m_bytes_per_dec, "bytes_per_decision", "kB", 1e-3, STATS_VALUE, STATS_NONNEG,
              "replica bytes per decision (whole run)"),
    /* COUNT and RATE metrics are not scaled: consensus_finish adds the
     * busy seconds within the measured window per core (busy / 1e9 / (n
     * cores)), so the rate is the mean busy fraction of a core. */
    CS_METRIC(m_cpu, "cpu_utilisation", "1", 1.0, STATS_RATE, STATS_PROPORTION,
              "mean CPU busy fraction of a replica's cores (sign + verify)"),
    CS_METRIC(m_cpu_max, "cpu_utilisation_max", "1", 1.0, STATS_VALUE, STATS_PROPORTION,
              "busiest replica's CPU busy fraction (whole run)"),
    CS_METRIC(m_view_changes, "view_changes", "views", 1.0, STATS_COUNT, STATS_NONNEG,
              "new views installed"),
    CS_METRIC(m_vc_time, "view_change_time", "ms", 1e-6, STATS_TALLY, STATS_NONNEG,
              "first view-change timeout to a quorum in the new view (HotStuff: the leader's)"),
    CS_METRIC(m_uncommitted, "uncommitted", "req", 1.0, STATS_VALUE, STATS_NONNEG,
              "requests not completed by the end"),
    CS_METRIC(m_violations, "safety_violations", "seqs", 1.0, STATS_COUNT, STATS_RARE,
              "seqs where honest replicas committed different values"),
    CS_METRIC(m_first_violation, "first_violation", "s", 1e-9, STATS_TALLY, STATS_TTE,
              "time to the first safety violation (censored at the end when there is none)"),
    CS_METRIC(m_lost, "lost_messages", "msgs", 1.0, STATS_VALUE, STATS_NONNEG,
              "messages lost to loss or partitions (whole run)"),
    /* With traffic, what users mean (issue 13): the requests submitted after
     * the warm-up that committed within the SLO deadline, which counts
     * partitions, view changes, maintenance and failures alike; constant
     * or Poisson arrivals sample time evenly (PASTA), so this is also the
     * fraction of time a request would have been served.  Without
     * traffic nothing is submitted: the fraction of time live honest
     * replicas form a quorum, an upper bound (set at the end). */
    CS_METRIC(m_available, "availability", "1", 1.0, STATS_VALUE, STATS_PROPORTION,
              "fraction of requests committed within availability.deadline (no traffic: "
              "of time with a live honest quorum, an upper bound; runbook target 99.99%)"),
    CS_METRIC(m_outage_time, "outage_time", "s", 1e-9, STATS_TALLY, STATS_NONNEG,
              "traffic: each outage's length, first failed request to the next served one"),
    CS_METRIC(m_st_time, "state_transfer_time", "ms", 1e-6, STATS_TALLY, STATS_NONNEG,
              "PBFT: a lagging replica's catch-up, its first FETCH to the STATE reply's "
              "log verified and applied"),
    CS_METRIC(m_live, "live_honest", "nodes", 1.0, STATS_LEVEL, STATS_NONNEG,
              "time-average number of live honest replicas"),
    CS_METRIC(m_outages, "outages", "1", 1.0, STATS_COUNT, STATS_RARE,
              "times the network lost its quorum"),
    /* Issue 13 item 6, the stability criterion of the throughput search: a
     * queue that keeps up has the same time-average backlog in both halves
     * of the run (ratio 1, by Little's law the same latency); one that
     * grows without bound has a backlog rising linearly (ratio 3 from an
     * empty start), and a collapse (view changes under overload) more. */
    CS_METRIC(m_backlog_growth, "backlog_growth", "1", 1.0, STATS_VALUE, STATS_NONNEG,
              "time-average requests awaiting their f+1 replies in the second half of the "
              "measured time over the first half's; 1 = bounded"),
    /* The other half of the criterion: a stationary queue answers as many
     * requests as arrive (ratio 1 up to the backlog's fluctuation), an
     * overloaded one only its service rate (ratio mu / lambda < 1). */
    CS_METRIC(m_keep_pace, "keep_pace", "1", 1.0, STATS_VALUE, STATS_NONNEG,
              "requests answered (f+1 replies) during the measured time over those submitted "
              "during it; 1 = keeping pace"),
};

static const sim_stream_spec consensus_streams[] = {
    SIM_STREAM(cstate, r_client, "client"),
    SIM_STREAM(cstate, r_cpu, "cpu"),
    SIM_STREAM(cstate, r_fault, "faults"),
    SIM_STREAM(cstate, r_avail, "availability"),
};

static int consensus_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    cstate *s = state;
    const consensus_params *p = params;
    s->n = (uint32_t)p->nodes;
    s->f = (uint32_t)p->f;
    s->q = (uint32_t)p->quorum;
    /* Safety: two quorums share f + 1 replicas, so at least one honest one;
     * liveness: the n - f honest replicas alone form a quorum. */
    INVARIANT(s->f == (s->n - 1) / 3 && 2 * s->q >= s->n + s->f + 1,
              "two quorums intersect in an honest replica");
    INVARIANT(s->q <= s->n - s->f, "the honest replicas form a quorum");
    s->window = (uint32_t)p->window;
    /* A primary keeps at most `window` seqs above its own prefix in
     * flight; backups, whose prefixes trail the primary's, accept twice
     * that (PBFT's watermarks span more than the pipelining depth). */
    s->ring = 2 * s->window;
    s->client = s->n;
    s->cores = (uint32_t)p->cores;
    s->cpu_scale = 1e-9 / ((double)s->n * (double)s->cores);
    s->cast_free = UINT32_MAX;
    s->max_view = 0;
    s->vc_first_ns = -1;
    s->vc_view = NO_VIEW;
    s->first_violation_ns = -1;
    s->sign_zero = p->sign_ns.kind == DIST_CONSTANT && p->sign_ns.a == 0.0;
    s->verify_zero = p->verify_ns.kind == DIST_CONSTANT && p->verify_ns.a == 0.0;
    int rc = network_init(&s->net, &p->net, s->n + 1, sim_stream(sim, "network"), e);
    if (rc)
        return rc;
    s->nodes = calloc(s->n, sizeof *s->nodes);
    s->slots = calloc((size_t)s->n * s->ring, sizeof *s->slots);
    s->nvtab = calloc((size_t)s->n * s->ring, sizeof *s->nvtab);
    s->scratch_cap = 2 * s->ring + 64;
    s->scratch = malloc(s->scratch_cap * sizeof *s->scratch);
    s->cast_to = malloc((size_t)s->n * sizeof *s->cast_to);
    s->cast_hold = malloc((size_t)s->n * sizeof *s->cast_hold);
    s->nbatches = 2; /* 0: none, 1: the null request */
    s->nblocks = 1;  /* genesis */
    if (s->cores > 1)
        s->core_free = calloc((size_t)s->n * s->cores, sizeof *s->core_free);
    if (!s->nodes || !s->slots || !s->nvtab || !s->scratch || !s->cast_to || !s->cast_hold ||
        (s->cores > 1 && !s->core_free) ||
        cs_grow((void **)&s->batches, &s->batches_cap, 64, sizeof *s->batches) ||
        cs_grow((void **)&s->blocks, &s->blocks_cap, 64, sizeof *s->blocks) ||
        cs_grow((void **)&s->decided, &s->decided_cap, 1024, sizeof *s->decided))
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "consensus: out of memory");
    memset(s->decided, 0, s->decided_cap * sizeof *s->decided);
    memset(s->batches, 0, 2 * sizeof *s->batches);
    memset(&s->blocks[0], 0, sizeof s->blocks[0]);
    s->blocks[0].qc = 1;
    for (uint32_t i = 0; i < s->n; i++) {
        cnode *x = &s->nodes[i];
        x->installed = i == 0 ? 0 : NO_VIEW;
        x->nv_applied = 0;
        x->nv_view = NO_VIEW;
        x->vc_seen_view = NO_VIEW;
        x->next_seq = 1;
        x->hold = &x->hold_own;
    }
    /* Fault groups: choose replicas, mark them with their group, start the
     * behaviour now or at the group's start time. */
    /* Random placement draws from its own stream, keyed by (seed, point,
     * replication) like every stream: positions do not move when another
     * use of the fault stream (hold-backs, drops) changes. */
    gsl_rng *r_place = sim_stream(sim, "placement");
    uint32_t lo = 0, hi = s->n, left = s->n;
    for (int g = 0; g < p->nfaults; g++) {
        const consensus_fault *fl = &p->faults[g];
        for (int64_t k = 0; k < fl->count && left > 0; k++, left--) {
            /* first: lowest free id; last: highest; random: uniform among
             * the free ones (groups before took theirs). */
            uint32_t id;
            if (fl->placement == 0) {
                while (s->nodes[lo].group)
                    lo++;
                id = lo;
            } else if (fl->placement == 1) {
                while (s->nodes[hi - 1].group)
                    hi--;
                id = hi - 1;
            } else {
                do
                    id = (uint32_t)gsl_rng_uniform_int(r_place, s->n);
                while (s->nodes[id].group);
            }
            cnode *x = &s->nodes[id];
            x->hold = &fl->hold;
            x->group = (uint8_t)(g + 1);
            if (fl->behaviour == CONSENSUS_EQUIVOCATE)
                x->side = SIDE_FAULTY; /* colluders know each other from the start */
        }
    }
    /* Honest replicas alternate between the two halves an equivocator
     * splits the network into. */
    uint32_t alt = 0;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->nodes[i].side != SIDE_FAULTY)
            s->nodes[i].side = (uint8_t)(alt++ & 1);
    for (uint32_t i = 0; i < s->n; i++) {
        s->nodes[i].counted = 1;
        s->live_honest++;
    }
    s->available = s->live_honest >= s->q;
    sim_level(sim, s->m_live, (double)s->live_honest);
    s->quorum_since_ns = 0;
    for (int g = 0; g < p->nfaults; g++) {
        if (p->faults[g].start_ns == 0)
            cs_on_fault_start(sim, s, (uint32_t)g);
        else
            sim_schedule(sim, p->faults[g].start_ns, s->self, CONSENSUS_EV_FAULT, (uint32_t)g);
    }
    if (p->failures)
        for (uint32_t i = 0; i < s->n; i++)
            sim_schedule_in(sim, dist_sample_ns(&p->time_to_failure, s->r_avail), s->self,
                            CONSENSUS_EV_FAIL, i);
    if (p->maintenance != CONSENSUS_MAINT_OFF) {
        int64_t t = consensus_next_maintenance(p, -1);
        if (t != SIM_TIME_MAX)
            sim_schedule(sim, t, s->self, CONSENSUS_EV_MAINT, 0);
    }
    if (p->traffic)
        cs_client_next_arrival(sim, s);
    return 0;
}

static void consensus_event(sim_t *sim, void *state, const sim_event *ev)
{
    cstate *s = state;
    uint32_t r = ev->target;
    switch (ev->kind) {
    case CONSENSUS_EV_ARRIVAL:
        cs_client_arrival(sim, s);
        break;
    case CONSENSUS_EV_CAST:
        on_cast(sim, s, ev->data.u32[0]);
        break;
    case CONSENSUS_EV_MSG: {
        cmsg m;
        memcpy(&m, &ev->data, sizeof m);
        uint32_t k = msg_kind(&m);
        /* STATE carries its checks (1 + m (1 + q)) in aux. */
        deliver(sim, s, r, &m, k == M_HSNEWVIEW ? cert_verifies(s) : k == M_STATE ? m.aux : 1);
        break;
    }
    case CONSENSUS_EV_PROCESS: {
        cmsg m;
        memcpy(&m, &ev->data, sizeof m);
        uint32_t k = msg_kind(&m);
        if (node_alive(&s->nodes[r]))
            process(sim, s, r, &m);
        if (k == M_VIEWCHANGE || k == M_NEWVIEW)
            cast_unref(s, m.aux2);
        break;
    }
    case CONSENSUS_EV_TIMER:
        cs_on_timer(sim, s, r, ev->data.u32[0]);
        break;
    case CONSENSUS_EV_BATCH:
        s->nodes[r].batch_armed = 0;
        if (s->p->protocol == CONSENSUS_PBFT)
            cs_pbft_try_propose(sim, s, r);
        else
            cs_hs_try_propose(sim, s, r);
        break;
    case CONSENSUS_EV_FETCH:
        cs_pbft_on_fetch_timer(sim, s, r, ev->data.u32[0]);
        break;
    case CONSENSUS_EV_FAULT:
        cs_on_fault_start(sim, s, r);
        break;
    case CONSENSUS_EV_FAIL:
        cs_node_down(sim, s, r, 1);
        sim_schedule_in(sim, dist_sample_ns(&s->p->time_to_repair, s->r_avail), s->self,
                        CONSENSUS_EV_REPAIR, r);
        break;
    case CONSENSUS_EV_REPAIR:
        cs_node_down(sim, s, r, -1);
        sim_schedule_in(sim, dist_sample_ns(&s->p->time_to_failure, s->r_avail), s->self,
                        CONSENSUS_EV_FAIL, r);
        break;
    case CONSENSUS_EV_MAINT:
        cs_on_maintenance(sim, s);
        break;
    case CONSENSUS_EV_MAINT_NODE:
        if (r == UINT32_MAX) {
            for (uint32_t i = 0; i < s->n; i++)
                cs_node_down(sim, s, i, (int)ev->data.i64[0]);
        } else {
            cs_node_down(sim, s, r, (int)ev->data.i64[0]);
        }
        break;
    case CONSENSUS_EV_CLIENT_REQUEST: {
        consensus_client_request_msg m;
        sim_payload(ev, &m, sizeof m);
        cs_client_submit(sim, s, &m);
        break;
    }
    case CONSENSUS_EV_SET_BEHAVIOUR: {
        consensus_set_behaviour_msg m;
        sim_payload(ev, &m, sizeof m);
        if (m.replica >= s->n || m.behaviour > CONSENSUS_DROP) {
            sim_fail(sim, "consensus: bad behaviour event for replica %u", m.replica);
            return;
        }
        cnode *x = &s->nodes[m.replica];
        if (m.behaviour == CONSENSUS_DROP)
            x->drop = m.param;
        if (m.behaviour == CONSENSUS_DELAY) {
            x->hold_own = dist_exponential(m.param);
            x->hold = &x->hold_own;
        }
        cs_set_behaviour(sim, s, m.replica, (int)m.behaviour);
        break;
    }
    default:
        sim_fail(sim, "consensus: unknown event kind %u", ev->kind);
    }
}

/* Availability as the SLO sees it, and outages as events with durations:
 * a run of consecutive failed requests (late, or unfinished past the
 * deadline) lasts from the first one's submission to the next served
 * request's (or the end).  Requests still within their deadline at the end
 * are not judged. */
static void consensus_finish_slo(sim_t *sim, cstate *s)
{
    int64_t since = sim_warmup_time(sim), end = sim_now(sim), out_from = -1;
    uint64_t good = 0, bad = 0;
    for (uint32_t i = 0; i < s->nreqs; i++) {
        const creq *r = &s->reqs[i];
        if (r->arrive_ns < since)
            continue;
        int failed = r->done ? r->late : end - r->arrive_ns > s->p->deadline_ns;
        if (!r->done && !failed)
            continue;
        if (failed) {
            bad++;
            if (out_from < 0)
                out_from = r->arrive_ns;
        } else {
            good++;
            if (out_from >= 0)
                sim_tally(sim, s->m_outage_time, (double)(r->arrive_ns - out_from));
            out_from = -1;
        }
    }
    if (out_from >= 0)
        sim_tally(sim, s->m_outage_time, (double)(end - out_from));
    sim_set_value(sim, s->m_available, good + bad ? (double)good / (double)(good + bad) : NAN);
}

static void consensus_finish(sim_t *sim, void *state)
{
    cstate *s = state;
    double dec = (double)s->decisions_total;
    sim_set_value(sim, s->m_msgs_per_dec, dec > 0 ? (double)s->msgs_total / dec : NAN);
    sim_set_value(sim, s->m_bytes_per_dec, dec > 0 ? (double)s->bytes_total / dec : NAN);
    /* Busy time within the run: the work queued but still ahead of a core
     * at the end is not (a fraction above 1 otherwise, under a backlog).
     * A core serves its queue back to back, so what lies past the end is
     * free - end.  cpu_utilisation: the busy time from the warm-up to the
     * end over n x cores x the measured time (the RATE's divisor). */
    double end = (double)sim_now(sim), busiest = 0, past_all = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        double past = 0;
        for (uint32_t j = 0; j < s->cores; j++) {
            int64_t free_ns = s->cores > 1 ? s->core_free[(size_t)i * s->cores + j]
                                           : s->nodes[i].cpu_free_ns;
            if ((double)free_ns > end)
                past += (double)free_ns - end;
        }
        if (s->nodes[i].busy_ns - past > busiest)
            busiest = s->nodes[i].busy_ns - past;
        past_all += past;
    }
    sim_set_value(sim, s->m_cpu_max, end > 0 ? busiest / (end * (double)s->cores) : 0.0);
    sim_count(sim, s->m_cpu, (s->busy_measured_ns - past_all) * s->cpu_scale);
    uint32_t open = 0;
    for (uint32_t i = 0; i < s->nreqs; i++)
        open += !s->reqs[i].done;
    sim_set_value(sim, s->m_uncommitted, open);
    cs_backlog_change(sim, s, 0);
    {
        int64_t from = sim_warmup_time(sim), to = sim_end_time(sim);
        double first = (double)((to - from) / 2), second = (double)(to - from) - first;
        double b0 = s->backlog_area[0] / first, b1 = s->backlog_area[1] / second;
        sim_set_value(sim, s->m_backlog_growth, first > 0 && b0 > 0 ? b1 / b0 : NAN);
        sim_set_value(sim, s->m_keep_pace,
                      s->measured_submitted ? (double)s->measured_answered /
                                                  (double)s->measured_submitted
                                            : NAN);
    }
    if (s->p->traffic) {
        consensus_finish_slo(sim, s);
    } else {
        cs_quorum_time(sim, s);
        double span = (double)(sim_now(sim) - sim_warmup_time(sim));
        sim_set_value(sim, s->m_available, span > 0 ? (double)s->quorum_up_ns / span : NAN);
    }
    /* Never a sentinel: no violation is an observation censored at the end. */
    int64_t since = sim_warmup_time(sim);
    if (s->first_violation_ns >= since)
        sim_tally(sim, s->m_first_violation, (double)(s->first_violation_ns - since));
    else if (s->first_violation_ns < 0)
        sim_tally_censored(sim, s->m_first_violation, (double)(sim_now(sim) - since));
    sim_set_value(sim, s->m_lost, (double)s->net.lost);
}

static void consensus_release(void *state)
{
    cstate *s = state;
    network_release(&s->net);
    if (s->nodes)
        for (uint32_t i = 0; i < s->n; i++)
            free(s->nodes[i].q);
    for (uint32_t i = 0; i < s->ncasts; i++) {
        network_mcast_release(&s->casts[i].mc);
        free(s->casts[i].aux);
    }
    free(s->casts);
    free(s->nodes);
    free(s->slots);
    free(s->nvtab);
    free(s->reqs);
    free(s->reqlog);
    free(s->batches);
    free(s->blocks);
    free(s->decided);
    free(s->scratch);
    free(s->cast_to);
    free(s->cast_hold);
    free(s->core_free);
}

/* Measured on consensus_5_nodes and consensus_127_nodes: about 4 n^2
 * events per decision; batching caps decisions near window / 10 ms. */
static void consensus_estimate(const void *params, sim_estimate *out)
{
    const consensus_params *p = params;
    double n = (double)p->nodes, rate = p->traffic ? p->request_rate_per_s : 0;
    double decisions = rate;
    double batched = rate / (double)p->batch_size, cap = (double)p->window / 0.010;
    if (decisions > cap)
        decisions = batched > cap ? batched : cap;
    out->state_bytes = n * 4096 + n * 2 * (double)p->window * 512;
    out->pending_events = 4 * n * n * (double)p->window;
    out->events_per_s = 4 * n * n * decisions;
    out->driver = "consensus.nodes";
}

const sim_model consensus_model = {
    .name = "consensus",
    .summary = "BFT consensus network (PBFT / chained HotStuff) with faults and availability",
    SIM_STATE(cstate),
    .params_size = sizeof(consensus_params),
    .params = cs_params,
    .nparams = CS_NPARAMS,
    SIM_METRICS(consensus_metrics),
    SIM_STREAMS(consensus_streams),
    .configure = cs_configure,
    .init = consensus_init,
    .event = consensus_event,
    .finish = consensus_finish,
    .release = consensus_release,
    .estimate = consensus_estimate,
};
