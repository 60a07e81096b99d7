/* consensus.c - PBFT and chained HotStuff replicas over models/network
 * (see consensus.h).
 *
 * Structure.  All replicas, the client and the safety checker live in one
 * model state; they interact only through messages that travel the
 * network as engine events.  A broadcast is one "cast": the sender draws
 * every copy's arrival time, the copies are sorted, and one calendar event
 * walks them in arrival order (all copies due at the same instant in one
 * handler call).  The calendar therefore holds O(broadcasts in flight)
 * entries instead of O(messages), and no memory is allocated per message:
 * casts come from a free list whose delivery arrays are sized once.  A
 * message is 24 bytes (cmsg) and rides in event payloads; bodies that do
 * not fit (a view change's prepared set, a new view's re-proposals) live
 * in the cast's aux array, which stays alive until every recipient has
 * processed it (refs).
 *
 * CPU.  Each replica is one FIFO server: busy_until = max(now, busy_until)
 * + cost.  A received message is processed when its verification ends (an
 * extra event only when the cost is non-zero); a sent message leaves when
 * its signature is done.
 *
 * PBFT state.  Replica r keeps a ring of 2 * window slots indexed by seq
 * mod ring covering (prefix, prefix + ring], where prefix is r's highest
 * contiguous committed seq.  A slot counts prepares and commits for at most
 * two digests of one (view, seq); counts from an older view are discarded
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
 *    live_honest >= q.
 *
 * Simplifications (documented in the scenario files): clients broadcast
 * requests to all replicas (as BFT-SMaRt and HotStuff clients do), so a
 * replica's request timer starts on receipt; a replica's timer treats a
 * request as done once any honest replica committed it; a lagging or
 * repaired replica catches up by state transfer from the decided log
 * (PBFT's checkpoint transfer, modelled as instantaneous); a replica
 * enters view v on the first valid message from v's primary (pre-prepares
 * after NEW-VIEW) instead of buffering it.
 */
#include "consensus.h"
#include "cfg.h"
#include "response.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

/* Message kinds (low byte of cmsg.kind_from). */
enum {
    M_REQUEST = 1, M_PREPREPARE, M_PREPARE, M_COMMIT, M_REPLY, M_VIEWCHANGE,
    M_NEWVIEW, M_PROPOSAL, M_VOTE, M_HSNEWVIEW
};

/* Network classes; names in the same order for network.class_delay. */
enum { C_REQUEST, C_PROPOSAL, C_VOTE, C_VIEWCHANGE, C_REPLY, C_COUNT };
static const char *const consensus_classes[C_COUNT] = {
    "request", "proposal", "vote", "view_change", "reply"
};

/* Event kinds. */
enum {
    EV_ARRIVAL = 1, EV_CAST, EV_MSG, EV_PROCESS, EV_TIMER, EV_BATCH,
    EV_FAULT, EV_FAIL, EV_REPAIR, EV_MAINT, EV_MAINT_NODE
};

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
    uint32_t n, next;    /* copies, next to deliver */
    uint32_t refs;       /* deferred processings still reading aux */
    uint32_t next_free;
    uint8_t verifies, chain_done;
    int64_t base_ns;
    uint64_t *deliv;     /* sorted (arrival - base) << 16 | recipient */
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
    int32_t origin_model;    /* -1: the built-in client; else who to tell */
    uint32_t origin_entity;
    uint64_t origin_id;
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
} cnode;

typedef struct cstate {
    const consensus_params *p;
    int self;
    uint32_t n, f, q, window, client;
    int response;            /* incident pipeline's model id, -1 if absent */
    uint32_t ring;           /* slots per replica: 2 * window (see below) */
    network_t net;
    gsl_rng *r_client, *r_cpu, *r_fault, *r_avail;
    int sign_zero, verify_zero;
    double cpu_scale;        /* 1e-9 / n: ns of one replica to mean busy s */
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
    uint64_t *sort_tmp;      /* n + 1 keys, the size of a cast's deliv */
    uint32_t *sort_count;    /* n + 2 bucket counters */
    uint32_t max_view;       /* highest view installed by a primary */
    int64_t vc_first_ns;     /* first view-change start since last install */
    uint32_t live_honest;
    int available;
    uint64_t msgs_total, bytes_total, decisions_total;
    int64_t first_violation_ns;
    int64_t maint_window_ns;
    int m_latency, m_quorum_wait, m_throughput, m_decisions, m_messages,
        m_client_messages, m_bytes, m_msgs_per_dec, m_bytes_per_dec, m_cpu,
        m_cpu_max, m_view_changes, m_vc_time, m_uncommitted, m_violations,
        m_first_violation, m_lost, m_available, m_live, m_outages;
} cstate;

/* ------------------------------------------------------------------ */
/* configuration                                                       */

static const char *const protocol_names[] = { "pbft", "hotstuff", NULL };
static const char *const behaviour_names[] = {
    "honest", "crash", "silent", "equivocate", "delay", "drop", NULL
};
static const char *const placement_names[] = { "first", "last", "random", NULL };
static const char *const maintenance_names[] = { "off", "rolling", "whole", NULL };
static const char *const weekday_names[] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", NULL
};

int64_t consensus_days_from_civil(int64_t y, int m, int d)
{
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t consensus_next_maintenance(const consensus_params *p, int64_t after_ns)
{
    const int64_t day_ns = 86400 * SIM_NS_PER_S;
    int64_t y;
    int m, d;
    int64_t day = p->start_day + (after_ns >= 0 ? after_ns / day_ns : 0);
    civil_from_days(day, &y, &m, &d);
    for (int k = 0; k < 3; k++) {
        int64_t first = consensus_days_from_civil(y, m, 1);
        int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
        int64_t target = first + (p->maintenance_weekday - wd + 7) % 7;
        int64_t t = (target - p->start_day) * day_ns + p->maintenance_start_ns;
        if (t > after_ns)
            return t;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return SIM_TIME_MAX;
}

double consensus_order_stat_exp(int m, int k)
{
    double h = 0.0;
    for (int j = 0; j < k; j++)
        h += 1.0 / (double)(m - j);
    return h;
}

static int consensus_configure_faults(cfg_ctx *c, cfg_node *sec, consensus_params *p)
{
    int bad = 0;
    bad |= cfg_enum(c, sec, "placement", placement_names, 0, &p->placement);
    cfg_node *list = cfg_list(c, sec, "faults");
    if (!list)
        return bad;
    if (list->n > CONSENSUS_MAX_FAULTS) {
        cfg_error(c, list, "consensus.faults: at most %d groups", CONSENSUS_MAX_FAULTS);
        return -1;
    }
    int64_t total = 0;
    for (size_t i = 0; i < list->n; i++) {
        cfg_node *g = list->items[i];
        consensus_fault *fl = &p->faults[p->nfaults++];
        if (g->kind != CFG_MAP) {
            cfg_error(c, g, "consensus.faults: each group is a mapping like "
                      "{behaviour: silent, count: 1}");
            bad = -1;
            continue;
        }
        bad |= cfg_require(c, g, "behaviour");
        bad |= cfg_enum(c, g, "behaviour", behaviour_names, 0, &fl->behaviour);
        double fraction = 0;
        int has_count = cfg_get(g, "count") != NULL, has_frac = cfg_get(g, "fraction") != NULL;
        bad |= cfg_int(c, g, "count", 0, 0, p->nodes, &fl->count);
        bad |= cfg_fraction(c, g, "fraction", 0.0, 0.0, 1.0, &fraction);
        if (has_count && has_frac) {
            cfg_error(c, g, "consensus.faults: give count or fraction, not both");
            bad = -1;
        } else if (has_frac) {
            /* Rounded down: "33%" of 127 is 41 replicas, within f = 42. */
            fl->count = (int64_t)floor(fraction * (double)p->nodes + 1e-9);
        } else if (!has_count) {
            fl->count = 1;
        }
        bad |= cfg_enum(c, g, "placement", placement_names, p->placement, &fl->placement);
        bad |= cfg_duration(c, g, "start", 0, 0, INT64_MAX / 4, &fl->start_ns);
        dist_t hold = dist_exponential(10.0 * SIM_NS_PER_MS);
        bad |= cfg_dist(c, g, "hold", &hold, 1, &fl->hold);
        bad |= cfg_fraction(c, g, "drop", 0.5, 0.0, 1.0, &fl->drop);
        total += fl->count;
    }
    if (total > p->nodes) {
        cfg_error(c, list, "consensus.faults: %lld faulty replicas but only %lld nodes",
                  (long long)total, (long long)p->nodes);
        bad = -1;
    }
    return bad;
}

static int consensus_configure_availability(cfg_ctx *c, cfg_node *sec,
                                            consensus_params *p)
{
    cfg_node *a = cfg_section(c, sec, "availability");
    int bad = 0;
    dist_t ttf = dist_exponential(30.0 * 86400 * SIM_NS_PER_S);
    dist_t ttr = dist_exponential(4.0 * 3600 * SIM_NS_PER_S);
    bad |= cfg_bool(c, a, "failures", 0, &p->failures);
    bad |= cfg_dist(c, a, "time_to_failure", &ttf, 1, &p->time_to_failure);
    bad |= cfg_dist(c, a, "time_to_repair", &ttr, 1, &p->time_to_repair);
    bad |= cfg_enum(c, a, "maintenance", maintenance_names, 0, &p->maintenance);
    bad |= cfg_enum(c, a, "maintenance_day", weekday_names, 0, &p->maintenance_weekday);
    bad |= cfg_duration(c, a, "maintenance_start", 2 * 3600 * SIM_NS_PER_S, 0,
                        86400 * SIM_NS_PER_S - 1, &p->maintenance_start_ns);
    bad |= cfg_duration(c, a, "maintenance_length", 4 * 3600 * SIM_NS_PER_S, 1,
                        7 * 86400 * SIM_NS_PER_S, &p->maintenance_length_ns);
    const char *date = "2025-01-01";
    bad |= cfg_string(c, a, "start_date", "2025-01-01", &date);
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (sscanf(date, "%d-%d-%d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31 || y < 1970 || y > 9999) {
        cfg_error(c, cfg_get(a, "start_date"), "consensus.availability.start_date: "
                  "expected a date like 2025-01-01, found '%s'", date);
        bad = -1;
    } else {
        p->start_day = consensus_days_from_civil(y, m, d);
    }
    return bad;
}

static int consensus_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    consensus_params *p = params;
    int bad = 0;
    bad |= cfg_enum(c, sec, "protocol", protocol_names, CONSENSUS_PBFT, &p->protocol);
    bad |= cfg_int(c, sec, "nodes", 4, 4, CONSENSUS_MAX_NODES, &p->nodes);
    cfg_publish(c, "consensus.nodes", p->nodes);   /* attacks target these replicas */
    p->f = (p->nodes - 1) / 3;
    p->quorum = (p->nodes + p->f + 2) / 2; /* ceil((n + f + 1) / 2) */
    bad |= cfg_bool(c, sec, "traffic", 1, &p->traffic);
    bad |= cfg_rate(c, sec, "request_rate", 10.0, 1e-9, 1e9, &p->request_rate_per_s);
    p->has_interval = cfg_get(sec, "request_interval") != NULL;
    dist_t iv = dist_exponential(1e9 / p->request_rate_per_s);
    bad |= cfg_dist(c, sec, "request_interval", &iv, 1, &p->request_interval);
    bad |= cfg_int(c, sec, "requests", 0, 0, INT64_C(1) << 31, &p->max_requests);
    bad |= cfg_int(c, sec, "batch_size", 1, 1, 1000000, &p->batch_size);
    bad |= cfg_duration(c, sec, "batch_timeout", 0, 0, 3600 * SIM_NS_PER_S,
                        &p->batch_timeout_ns);
    bad |= cfg_int(c, sec, "window", 10, 1, CONSENSUS_MAX_WINDOW, &p->window);
    bad |= cfg_fraction(c, sec, "view_change_confidence", 0.7, 0.0, 1.0,
                        &p->view_change_confidence);
    bad |= cfg_duration(c, sec, "view_timeout", 500 * SIM_NS_PER_MS, SIM_NS_PER_US,
                        3600 * SIM_NS_PER_S, &p->view_timeout_ns);
    dist_t zero = dist_constant(0.0);
    bad |= cfg_dist(c, sec, "sign", &zero, 1, &p->sign_ns);
    bad |= cfg_dist(c, sec, "verify", &zero, 1, &p->verify_ns);
    bad |= cfg_bool(c, sec, "aggregate_votes", 0, &p->aggregate_votes);
    bad |= cfg_size(c, sec, "header_size", 128, 0, 1 << 20, &p->header_bytes);
    bad |= cfg_size(c, sec, "signature_size", 3309, 0, 1 << 20, &p->signature_bytes);
    bad |= cfg_size(c, sec, "request_size", 512, 0, 1 << 24, &p->request_bytes);
    bad |= cfg_size(c, sec, "reply_size", 64, 0, 1 << 24, &p->reply_bytes);
    cfg_node *net = cfg_section(c, sec, "network");
    bad |= network_configure(c, net, consensus_classes, C_COUNT, &p->net);
    bad |= consensus_configure_faults(c, sec, p);
    bad |= consensus_configure_availability(c, sec, p);
    return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

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

static int grow(void **buf, uint32_t *cap, uint32_t need, size_t elem)
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

static void update_availability(sim_t *sim, cstate *s, uint32_t i)
{
    cnode *x = &s->nodes[i];
    uint8_t ok = node_alive(x) && x->beh == CONSENSUS_HONEST;
    if (ok == x->counted)
        return;
    x->counted = ok;
    s->live_honest = ok ? s->live_honest + 1 : s->live_honest - 1;
    sim_level(sim, s->m_live, (double)s->live_honest);
    int avail = s->live_honest >= s->q;
    if (avail != s->available) {
        s->available = avail;
        sim_level(sim, s->m_available, avail);
        if (!avail)
            sim_count(sim, s->m_outages, 1);
    }
}

/* CPU: the time the node's FIFO CPU finishes a job of cost_ns queued now. */
static int64_t cpu_run(sim_t *sim, cstate *s, cnode *x, int64_t cost_ns)
{
    int64_t now = sim_now(sim);
    int64_t start = x->cpu_free_ns > now ? x->cpu_free_ns : now;
    x->cpu_free_ns = start + cost_ns;
    x->busy_ns += (double)cost_ns;
    sim_count(sim, s->m_cpu, (double)cost_ns * s->cpu_scale);
    return x->cpu_free_ns;
}

static int64_t sign_done(sim_t *sim, cstate *s, cnode *x)
{
    if (s->sign_zero)
        return sim_now(sim);
    return cpu_run(sim, s, x, dist_sample_ns(&s->p->sign_ns, s->r_cpu));
}

static uint32_t sig_bytes(const cstate *s)
{
    return (uint32_t)(s->p->header_bytes + s->p->signature_bytes);
}

static uint32_t cert_bytes(const cstate *s)
{
    return (uint32_t)(s->p->aggregate_votes ? s->p->signature_bytes
                                            : s->q * s->p->signature_bytes);
}

static uint8_t cert_verifies(const cstate *s)
{
    uint32_t k = s->p->aggregate_votes ? 2 : 1 + s->q;
    return (uint8_t)(k > 255 ? 255 : k);
}

/* ------------------------------------------------------------------ */
/* sending                                                             */

/* Sorts the n distinct keys of a ascending and returns the sorted array:
 * a itself, or tmp (n entries) holding them.  count: n + 1 words of
 * workspace.  One bucket pass over the keys' range (about one key per
 * bucket, stable), then an insertion sort that only fixes order inside
 * buckets; input already sorted (constant delays) is returned at once.
 * Arrival times are spread too evenly for the quicksort this replaced to
 * beat its branch mispredictions. */
static uint64_t *sort_u64(uint64_t *a, uint64_t *tmp, uint32_t *count, uint32_t n)
{
    if (n < 2)
        return a;
    uint64_t lo = a[0], hi = a[0];
    int sorted = 1;
    for (uint32_t i = 1; i < n; i++) {
        uint64_t k = a[i];
        sorted &= a[i - 1] <= k;
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    if (sorted)
        return a;
    uint64_t range = hi - lo; /* > 0: keys are distinct */
    unsigned range_bits = 64 - (unsigned)__builtin_clzll(range);
    unsigned n_bits = 32 - (unsigned)__builtin_clz(n);
    unsigned shift = range_bits > n_bits ? range_bits - n_bits : 0;
    while ((range >> shift) >= n)
        shift++;
    uint32_t nb = (uint32_t)(range >> shift) + 1; /* <= n */
    memset(count, 0, ((size_t)nb + 1) * sizeof *count);
    for (uint32_t i = 0; i < n; i++)
        count[((a[i] - lo) >> shift) + 1]++;
    for (uint32_t b = 1; b < nb; b++)
        count[b] += count[b - 1]; /* count[b]: first index of bucket b */
    for (uint32_t i = 0; i < n; i++)
        tmp[count[(a[i] - lo) >> shift]++] = a[i];
    for (uint32_t i = 1; i < n; i++) {
        uint64_t t = tmp[i];
        uint32_t j = i;
        for (; j > 0 && tmp[j - 1] > t; j--)
            tmp[j] = tmp[j - 1];
        tmp[j] = t;
    }
    return tmp;
}

static uint32_t cast_alloc(cstate *s)
{
    if (s->cast_free != UINT32_MAX) {
        uint32_t id = s->cast_free;
        s->cast_free = s->casts[id].next_free;
        return id;
    }
    uint32_t id = s->ncasts;
    /* The array doubles; the per-cast arrays never move. */
    if (grow((void **)&s->casts, &s->casts_cap, id + 1, sizeof *s->casts))
        return UINT32_MAX;
    ccast *c = &s->casts[id];
    memset(c, 0, sizeof *c);
    c->deliv = malloc(((size_t)s->n + 1) * sizeof *c->deliv);
    c->aux = malloc((size_t)s->ring * 2 * sizeof *c->aux);
    if (!c->deliv || !c->aux) {
        free(c->deliv);
        free(c->aux);
        return UINT32_MAX;
    }
    s->ncasts++;
    return id;
}

static void cast_release(cstate *s, uint32_t id)
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
static void cast_send(sim_t *sim, cstate *s, uint32_t from, const cmsg *m, uint32_t digest1,
                      int filter, int cls, uint32_t bytes, uint8_t verifies, int64_t send_ns,
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
    c->base_ns = send_ns;
    c->n = c->next = c->refs = 0;
    c->chain_done = 0;
    if (aux)
        memcpy(c->aux, aux, (size_t)s->ring * 2 * sizeof *aux);
    if (msg_kind(m) == M_VIEWCHANGE || msg_kind(m) == M_NEWVIEW)
        c->msg.aux2 = id;
    const cnode *x = from < s->n ? &s->nodes[from] : NULL;
    int faulty_sender = x && (x->beh == CONSENSUS_DROP || x->beh == CONSENSUS_DELAY);
    uint32_t sent = 0;
    for (uint32_t j = 0; j < s->n; j++) {
        if (j == from)
            continue;
        if (filter >= 0 && s->nodes[j].side != filter && s->nodes[j].side != SIDE_FAULTY)
            continue;
        sent++;
        int64_t extra = faulty_sender ? sender_fault(s, x) : 0;
        if (extra < 0)
            continue;
        int64_t arr = network_arrival(&s->net, send_ns, from, j, bytes, cls);
        if (arr < 0)
            continue;
        uint64_t off = (uint64_t)(arr + extra - send_ns);
        if (off >= (UINT64_C(1) << 48))
            continue; /* held back for more than 78 hours: never arrives */
        c->deliv[c->n++] = off << 16 | j;
    }
    if (from < s->n) {
        s->msgs_total += sent;
        s->bytes_total += (uint64_t)sent * bytes;
        sim_count(sim, s->m_messages, sent);
        sim_count(sim, s->m_bytes, (double)sent * bytes);
    } else {
        sim_count(sim, s->m_client_messages, sent);
    }
    if (!c->n) {
        cast_release(s, id);
        return;
    }
    uint64_t *sorted = sort_u64(c->deliv, s->sort_tmp, s->sort_count, c->n);
    if (sorted != c->deliv) { /* same size: the buffers trade places */
        s->sort_tmp = c->deliv;
        c->deliv = sorted;
    }
    sim_event *ev = sim_schedule(sim, send_ns + (int64_t)(c->deliv[0] >> 16), s->self,
                                 EV_CAST, 0);
    ev->data.u32[0] = id;
}

static void unicast_send(sim_t *sim, cstate *s, uint32_t from, uint32_t to, const cmsg *m,
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
    sim_event *ev = sim_schedule(sim, arr, s->self, EV_MSG, to);
    memcpy(&ev->data, m, sizeof *m);
}

static inline cmsg make_msg(uint32_t kind, uint32_t from, uint32_t view, uint32_t seq,
                            uint32_t digest)
{
    cmsg m = { kind | from << 8, view, seq, digest, 0, 0 };
    return m;
}

/* ------------------------------------------------------------------ */
/* requests, batches, client                                           */

static creq *req_get(cstate *s, uint32_t id)
{
    return &s->reqs[id];
}

static void fifo_push(sim_t *sim, cnode *x, uint32_t id)
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

static inline uint32_t fifo_front(const cnode *x)
{
    return x->q[x->qhead];
}

static inline void fifo_pop(cnode *x)
{
    x->qhead = (x->qhead + 1) % x->qcap;
    x->qlen--;
}

/* Drops requests at the front that some honest replica committed. */
static void fifo_prune(cstate *s, cnode *x)
{
    while (x->qlen) {
        const creq *r = req_get(s, fifo_front(x));
        if (!r->committed && !r->done)
            break;
        fifo_pop(x);
    }
}

/* Takes up to batch_size requests not yet proposed in view from x's queue
 * into a new batch; returns its id, 0 when none were available. */
static uint32_t batch_build(sim_t *sim, cstate *s, cnode *x, uint32_t view)
{
    uint32_t first = s->nlog, count = 0;
    while (x->qlen && count < (uint32_t)s->p->batch_size) {
        uint32_t id = fifo_front(x);
        fifo_pop(x);
        creq *r = req_get(s, id);
        if (r->committed || r->done || r->assigned == view + 1)
            continue;
        if (grow((void **)&s->reqlog, &s->log_cap, s->nlog + 1, sizeof *s->reqlog)) {
            sim_fail(sim, "consensus: out of memory for batches");
            return 0;
        }
        s->reqlog[s->nlog++] = id;
        r->assigned = view + 1;
        count++;
    }
    if (!count)
        return 0;
    if (grow((void **)&s->batches, &s->batches_cap, s->nbatches + 1, sizeof *s->batches)) {
        sim_fail(sim, "consensus: out of memory for batches");
        return 0;
    }
    uint32_t b = s->nbatches++;
    s->batches[b] = (cbatch){ first, count, 0, 0, 0 };
    return b;
}

/* A conflicting twin of batch b (same requests, another digest). */
static uint32_t batch_twin(sim_t *sim, cstate *s, uint32_t b)
{
    if (grow((void **)&s->batches, &s->batches_cap, s->nbatches + 1, sizeof *s->batches)) {
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

static void batch_mark_assigned(cstate *s, uint32_t b, uint32_t view)
{
    if (b <= NULL_BATCH || b >= s->nbatches)
        return;
    const cbatch *bt = &s->batches[b];
    for (uint32_t i = 0; i < bt->count; i++)
        req_get(s, s->reqlog[bt->first + i])->assigned = view + 1;
}

static uint32_t batch_count(const cstate *s, uint32_t b)
{
    return b > NULL_BATCH && b < s->nbatches ? s->batches[b].count : 0;
}

static void client_next_arrival(sim_t *sim, cstate *s)
{
    if (s->p->max_requests && s->nreqs >= (uint32_t)s->p->max_requests)
        return;
    int64_t gap = s->p->has_interval
                      ? dist_sample_ns(&s->p->request_interval, s->r_client)
                      : sim_ns(rng_exponential(s->r_client, 1e9 / s->p->request_rate_per_s));
    sim_schedule_in(sim, gap, s->self, EV_ARRIVAL, 0);
}

/* Broadcasts a new request; origin_model < 0 for the built-in client,
 * which then also schedules its next arrival (before the broadcast, so the
 * calendar's tie order is the built-in client's as it always was). */
static void client_submit(sim_t *sim, cstate *s, int32_t origin_model, uint32_t origin_entity,
                          uint64_t origin_id)
{
    if (s->nreqs == UINT32_MAX - 1 ||
        grow((void **)&s->reqs, &s->reqs_cap, s->nreqs + 1, sizeof *s->reqs)) {
        sim_fail(sim, "consensus: out of memory for requests");
        return;
    }
    uint32_t id = s->nreqs++;
    s->reqs[id] = (creq){ sim_now(sim), 0, 0, 0, origin_model, origin_entity, origin_id };
    if (origin_model < 0)
        client_next_arrival(sim, s);
    cmsg m = make_msg(M_REQUEST, s->client, 0, id, 0);
    cast_send(sim, s, s->client, &m, 0, -1, C_REQUEST,
              (uint32_t)(sig_bytes(s) + s->p->request_bytes), 1, sim_now(sim), NULL);
}

static void client_arrival(sim_t *sim, cstate *s)
{
    client_submit(sim, s, -1, 0, 0);
}

static void client_reply(sim_t *sim, cstate *s, const cmsg *m)
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
        sim_tally(sim, s->m_latency, (double)(now - r->arrive_ns));
        sim_count(sim, s->m_throughput, 1);
        if (r->origin_model >= 0) {
            sim_event *ev = sim_schedule_in(sim, 0, r->origin_model, CONSENSUS_EV_COMMITTED,
                                            r->origin_entity);
            ev->data.u64[0] = r->origin_id;
            ev->data.i64[1] = r->arrive_ns;
        }
    }
}

/* ------------------------------------------------------------------ */
/* safety checker                                                      */

/* An honest replica committed digest d at seq (PBFT) or height (HotStuff);
 * `payload` is the batch whose requests it orders (0 or NULL_BATCH: none). */
static void checker_commit(sim_t *sim, cstate *s, uint32_t seq, uint32_t d, uint32_t payload)
{
    uint32_t old = s->decided_cap;
    if (grow((void **)&s->decided, &s->decided_cap, seq + 1, sizeof *s->decided)) {
        sim_fail(sim, "consensus: out of memory for the commit log");
        return;
    }
    if (s->decided_cap > old) /* grow() leaves the new tail uninitialised */
        memset(s->decided + old, 0, (size_t)(s->decided_cap - old) * sizeof *s->decided);
    uint64_t *e = &s->decided[seq];
    if ((uint32_t)*e == 0) {
        *e = d;
        if (payload > NULL_BATCH && payload < s->nbatches) {
            s->decisions_total++;
            sim_count(sim, s->m_decisions, 1);
            const cbatch *bt = &s->batches[payload];
            for (uint32_t i = 0; i < bt->count; i++)
                req_get(s, s->reqlog[bt->first + i])->committed = 1;
        }
        while (s->decided_prefix + 1 < s->decided_cap &&
               (uint32_t)s->decided[s->decided_prefix + 1] != 0)
            s->decided_prefix++;
    } else if ((uint32_t)*e != d && !(*e >> 32)) {
        *e |= UINT64_C(1) << 32;
        sim_count(sim, s->m_violations, 1);
        if (s->first_violation_ns < 0)
            s->first_violation_ns = sim_now(sim);
        /* A fork is certain evidence of a consensus failure. */
        response_detection(sim, s->response, sim_now(sim), RESPONSE_CONSENSUS_FAILURE,
                           RESPONSE_SRC_CONSENSUS, 0, RESPONSE_NO_ATTACK, RESPONSE_NO_ENTITY, 1.0);
    }
}

static void reply_to_client(sim_t *sim, cstate *s, uint32_t r, uint32_t view, uint32_t seq,
                            uint32_t batch)
{
    uint32_t k = batch_count(s, batch);
    if (!k)
        return;
    cnode *x = &s->nodes[r];
    cmsg m = make_msg(M_REPLY, r, view, seq, batch);
    unicast_send(sim, s, r, s->client, &m, C_REPLY,
                 (uint32_t)(sig_bytes(s) + k * s->p->reply_bytes), sign_done(sim, s, x));
}

/* ------------------------------------------------------------------ */
/* timers and views (both protocols)                                   */

static void timer_set(sim_t *sim, cstate *s, uint32_t r, int64_t delay)
{
    cnode *x = &s->nodes[r];
    x->timer_gen++;
    x->timer_armed = 1;
    sim_event *ev = sim_schedule_in(sim, delay, s->self, EV_TIMER, r);
    ev->data.u32[0] = x->timer_gen;
}

static void timer_clear(cnode *x)
{
    x->timer_gen++;
    x->timer_armed = 0;
}

/* Arms the request timer for the oldest request x waits for. */
static void request_timer_arm(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    if (x->timer_armed || x->in_vc || !node_follows(x))
        return;
    fifo_prune(s, x);
    if (!x->qlen)
        return;
    x->timer_req = fifo_front(x);
    timer_set(sim, s, r, s->p->view_timeout_ns);
}

static void enter_view(sim_t *sim, cstate *s, uint32_t r, uint32_t view)
{
    cnode *x = &s->nodes[r];
    x->view = view;
    x->vc_target = view;
    x->in_vc = 0;
    timer_clear(x);
    request_timer_arm(sim, s, r);
}

static void view_installed(sim_t *sim, cstate *s, uint32_t view)
{
    if (view > s->max_view || s->max_view == NO_VIEW) {
        /* A view change accuses the previous primary of being faulty or
         * slow: reported to the incident pipeline with the scenario's
         * confidence (it cannot tell a crash from a Byzantine leader). */
        if (view > 0 && s->max_view != NO_VIEW)
            response_detection(sim, s->response, sim_now(sim), RESPONSE_CONSENSUS_FAILURE,
                               RESPONSE_SRC_CONSENSUS, 0, RESPONSE_NO_ATTACK,
                               primary_of(s, view - 1), s->p->view_change_confidence);
        s->max_view = view;
    }
    sim_count(sim, s->m_view_changes, 1);
    if (s->vc_first_ns >= 0)
        sim_tally(sim, s->m_vc_time, (double)(sim_now(sim) - s->vc_first_ns));
    s->vc_first_ns = -1;
}

static void pbft_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target);
static void hs_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target);

static void start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target)
{
    if (s->vc_first_ns < 0)
        s->vc_first_ns = sim_now(sim);
    if (s->p->protocol == CONSENSUS_PBFT)
        pbft_start_view_change(sim, s, r, target);
    else
        hs_start_view_change(sim, s, r, target);
}

static void on_timer(sim_t *sim, cstate *s, uint32_t r, uint32_t gen)
{
    cnode *x = &s->nodes[r];
    if (gen != x->timer_gen || !x->timer_armed)
        return;
    x->timer_armed = 0;
    if (!node_follows(x))
        return;
    if (x->in_vc) {
        /* The new view did not arrive: try the next one, waiting longer. */
        start_view_change(sim, s, r, x->vc_target + 1);
        return;
    }
    if (!req_get(s, x->timer_req)->committed) {
        start_view_change(sim, s, r, x->view + 1);
        return;
    }
    request_timer_arm(sim, s, r);
}

/* ------------------------------------------------------------------ */
/* PBFT                                                                */

static inline pbft_slot *slot_at(cstate *s, uint32_t r, uint32_t seq)
{
    return &s->slots[(size_t)r * s->ring + seq % s->ring];
}

/* The slot of (seq, view) at r, reset for view when it held an older view
 * or another seq; NULL when seq is outside r's window or the slot already
 * moved to a newer view. */
static pbft_slot *slot_get(cstate *s, uint32_t r, uint32_t seq, uint32_t view)
{
    cnode *x = &s->nodes[r];
    if (seq <= x->prefix || seq > x->prefix + s->ring)
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

/* A lagging replica (a message beyond its window) fetches the decided
 * prefix: PBFT's checkpoint state transfer, taken as instantaneous. */
static void pbft_state_transfer(cstate *s, uint32_t r, uint32_t upto)
{
    cnode *x = &s->nodes[r];
    if (upto > s->decided_prefix)
        upto = s->decided_prefix;
    if (upto > x->prefix)
        x->prefix = upto;
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
}

static void pbft_try_propose(sim_t *sim, cstate *s, uint32_t r);

static void pbft_commit_local(sim_t *sim, cstate *s, uint32_t r, pbft_slot *sl, uint32_t d)
{
    cnode *x = &s->nodes[r];
    sl->committed = 1;
    x->vc_fails = 0;
    uint32_t seq = sl->seq, view = sl->view;
    if (x->beh != CONSENSUS_EQUIVOCATE) {
        checker_commit(sim, s, seq, d, d);
        if (node_sends(x))
            reply_to_client(sim, s, r, view, seq, d);
    }
    pbft_advance_prefix(s, r);
    if (primary_of(s, x->view) == r)
        pbft_try_propose(sim, s, r);
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
        cast_send(sim, s, r, &m, sl->pp, -1, C_VOTE, sig_bytes(s), 1, sign_done(sim, s, x),
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
        cast_send(sim, s, r, &m, d1, -1, C_VOTE, sig_bytes(s), 1, t, NULL);
    m.kind_from = M_COMMIT | r << 8;
    cast_send(sim, s, r, &m, d1, -1, C_VOTE, sig_bytes(s), 1, t, NULL);
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
    batch_mark_assigned(s, d, view);
    if (node_sends(x)) {
        cmsg m = make_msg(M_PREPARE, r, view, seq, d);
        cast_send(sim, s, r, &m, d, -1, C_VOTE, sig_bytes(s), 1, sign_done(sim, s, x), NULL);
    }
    pbft_check_prepared(sim, s, r, sl);
    pbft_check_committed(sim, s, r, sl);
}

static void pbft_try_propose(sim_t *sim, cstate *s, uint32_t r)
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
        pbft_state_transfer(s, r, s->decided_prefix);
        if (x->next_seq <= x->prefix)
            x->next_seq = x->prefix + 1;
    }
    while (x->next_seq <= x->prefix + s->window) {
        fifo_prune(s, x);
        if (!x->qlen)
            return;
        if (x->qlen < (uint32_t)s->p->batch_size && s->p->batch_timeout_ns > 0) {
            int64_t due = req_get(s, fifo_front(x))->arrive_ns + s->p->batch_timeout_ns;
            if (due > now) {
                if (!x->batch_armed) {
                    x->batch_armed = 1;
                    sim_schedule(sim, due, s->self, EV_BATCH, r);
                }
                return;
            }
        }
        uint32_t b = batch_build(sim, s, x, x->view);
        if (!b)
            return;
        uint32_t seq = x->next_seq++;
        pbft_slot *sl = slot_get(s, r, seq, x->view);
        if (!sl)
            return;
        sl->pp = b;
        sl->t0 = now;
        uint32_t b1 = b;
        if (x->beh == CONSENSUS_EQUIVOCATE)
            b1 = batch_twin(sim, s, b);
        cmsg m = make_msg(M_PREPREPARE, r, x->view, seq, b);
        uint32_t bytes = (uint32_t)(sig_bytes(s) + batch_count(s, b) * s->p->request_bytes);
        cast_send(sim, s, r, &m, b1, -1, C_PROPOSAL, bytes, 1, sign_done(sim, s, x), NULL);
        if (x->beh == CONSENSUS_EQUIVOCATE)
            pbft_collude(sim, s, r, x->view, seq, b, 0);
    }
}

static void pbft_on_preprepare(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
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
        enter_view(sim, s, r, v);
    if (m->seq > x->prefix + s->ring)
        pbft_state_transfer(s, r, m->seq - s->ring);
    pbft_accept(sim, s, r, v, m->seq, m->digest);
}

static void pbft_on_vote(sim_t *sim, cstate *s, uint32_t r, const cmsg *m, int commit)
{
    cnode *x = &s->nodes[r];
    if (x->beh == CONSENSUS_EQUIVOCATE || !node_follows(x) || m->view < x->view)
        return;
    if (!commit && msg_from(m) == primary_of(s, m->view))
        return; /* the primary's pre-prepare is its vote */
    if (m->seq > x->prefix + s->ring)
        pbft_state_transfer(s, r, m->seq - s->ring);
    pbft_slot *sl = slot_get(s, r, m->seq, m->view);
    if (!sl)
        return;
    int k = slot_index(sl, m->digest);
    if (k < 0)
        return;
    if (commit) {
        sl->nc[k]++;
        pbft_check_committed(sim, s, r, sl);
    } else {
        sl->np[k]++;
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
static void pbft_nv_merge(cstate *s, uint32_t r, uint32_t prefix, const uint32_t *aux)
{
    cnode *x = &s->nodes[r];
    nv_entry *tab = &s->nvtab[(size_t)r * s->ring];
    if (prefix > x->nv_min)
        x->nv_min = prefix;
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

static void pbft_install(sim_t *sim, cstate *s, uint32_t r, uint32_t view)
{
    cnode *x = &s->nodes[r];
    uint32_t *own = s->scratch, nown;
    pbft_prepared_set(s, r, own, &nown);
    pbft_nv_merge(s, r, x->prefix, own);
    uint32_t min_s = x->nv_min, max_s = x->nv_max > min_s ? x->nv_max : min_s;
    if (x->prefix < min_s)
        pbft_state_transfer(s, r, min_s);
    x->view = view;
    x->vc_target = view;
    x->in_vc = 0;
    x->installed = view;
    x->nv_applied = view;
    timer_clear(x);
    view_installed(sim, s, view);
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
        uint32_t bytes = sig_bytes(s) * (1 + s->q) + reproposed * (sig_bytes(s) + cert_bytes(s));
        cast_send(sim, s, r, &m, max_s, -1, C_VIEWCHANGE, bytes, cert_verifies(s),
                  sign_done(sim, s, x), o);
    }
    for (uint32_t k = 0; k < reproposed; k++) {
        uint32_t seq = min_s + 1 + k;
        pbft_slot *sl = slot_get(s, r, seq, view);
        if (sl && !sl->committed && !sl->pp) {
            sl->pp = o[2 * k];
            sl->t0 = -1;
            batch_mark_assigned(s, o[2 * k], view);
        }
    }
    x->next_seq = (max_s > x->prefix ? max_s : x->prefix) + 1;
    x->nv_view = NO_VIEW;
    request_timer_arm(sim, s, r);
    pbft_try_propose(sim, s, r);
}

static void pbft_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target)
{
    cnode *x = &s->nodes[r];
    if (!node_follows(x))
        return;
    x->in_vc = 1;
    x->vc_target = target;
    uint32_t *aux = s->scratch, count;
    pbft_prepared_set(s, r, aux, &count);
    if (node_sends(x)) {
        cmsg m = make_msg(M_VIEWCHANGE, r, target, x->prefix, 0);
        uint32_t bytes = sig_bytes(s) + count * (sig_bytes(s) + cert_bytes(s));
        cast_send(sim, s, r, &m, 0, -1, C_VIEWCHANGE, bytes, 1, sign_done(sim, s, x), aux);
    }
    uint32_t fails = x->vc_fails < 20 ? x->vc_fails : 20;
    x->vc_fails++;
    timer_set(sim, s, r, s->p->view_timeout_ns << fails);
    if (primary_of(s, target) == r) {
        if (x->nv_view != target) {
            x->nv_view = target;
            x->nv_count = 0;
            x->nv_min = 0;
            x->nv_max = 0;
            memset(&s->nvtab[(size_t)r * s->ring], 0, s->ring * sizeof(nv_entry));
        }
        if (x->nv_count >= s->q - 1)
            pbft_install(sim, s, r, target);
    }
}

static void pbft_on_view_change(sim_t *sim, cstate *s, uint32_t r, const cmsg *m,
                                const uint32_t *aux)
{
    cnode *x = &s->nodes[r];
    /* A colluding equivocator takes the views it is primary of (honestly),
     * so that it can equivocate in them. */
    int colluder = x->beh == CONSENSUS_EQUIVOCATE && node_alive(x);
    if (!node_follows(x) && !colluder)
        return;
    uint32_t t = m->view;
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
            start_view_change(sim, s, r, t);
    }
    if (primary_of(s, t) != r || (x->installed != NO_VIEW && x->installed >= t))
        return;
    if (x->nv_view == NO_VIEW || x->nv_view < t) {
        x->nv_view = t;
        x->nv_count = 0;
        x->nv_min = 0;
        x->nv_max = 0;
        memset(&s->nvtab[(size_t)r * s->ring], 0, s->ring * sizeof(nv_entry));
    } else if (x->nv_view > t) {
        return;
    }
    pbft_nv_merge(s, r, m->seq, aux);
    x->nv_count++;
    if (x->nv_count >= s->q - 1 && (colluder || (x->in_vc && x->vc_target == t)))
        pbft_install(sim, s, r, t);
}

static void pbft_on_new_view(sim_t *sim, cstate *s, uint32_t r, const cmsg *m,
                             const uint32_t *o)
{
    cnode *x = &s->nodes[r];
    uint32_t v = m->view;
    if (!node_follows(x) || msg_from(m) != primary_of(s, v) || v < x->view ||
        (x->in_vc && x->vc_target > v) || (x->nv_applied != NO_VIEW && x->nv_applied >= v))
        return;
    enter_view(sim, s, r, v);
    x->nv_applied = v;
    uint32_t min_s = m->seq, max_s = m->digest;
    if (x->prefix < min_s)
        pbft_state_transfer(s, r, min_s);
    for (uint32_t k = 0; k < m->aux && k < s->ring; k++) {
        uint32_t seq = min_s + 1 + k;
        if (seq <= x->prefix || seq > max_s)
            continue;
        pbft_accept(sim, s, r, v, seq, o[2 * k]);
    }
}

/* ------------------------------------------------------------------ */
/* chained HotStuff                                                    */

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
        if (grow((void **)&s->scratch, &s->scratch_cap, n + 1, sizeof *s->scratch)) {
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
        checker_commit(sim, s, bl->height, b, bl->batch);
        if (node_sends(x))
            reply_to_client(sim, s, r, bl->view, bl->height, bl->batch);
    }
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

static void hs_try_propose(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    if (primary_of(s, x->view) != r || x->in_vc || x->installed != x->view || !node_sends(x))
        return;
    int equiv = x->beh == CONSENSUS_EQUIVOCATE;
    int64_t now = sim_now(sim);
    for (int side = 0; side < (equiv ? 2 : 1); side++) {
        if (x->hs_waiting[side])
            continue;
        uint32_t parent = equiv ? x->hs_side_qc[side] : x->hs_qc;
        uint32_t height = s->blocks[parent].height + 1;
        fifo_prune(s, x);
        int flush = height <= x->hs_flush[side];
        if (!x->qlen && !flush)
            continue;
        if (!flush && x->qlen < (uint32_t)s->p->batch_size && s->p->batch_timeout_ns > 0) {
            int64_t due = req_get(s, fifo_front(x))->arrive_ns + s->p->batch_timeout_ns;
            if (due > now) {
                if (!x->batch_armed) {
                    x->batch_armed = 1;
                    sim_schedule(sim, due, s->self, EV_BATCH, r);
                }
                continue;
            }
        }
        uint32_t batch = batch_build(sim, s, x, x->view);
        if (grow((void **)&s->blocks, &s->blocks_cap, s->nblocks + 1, sizeof *s->blocks)) {
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
        uint32_t bytes = (uint32_t)(sig_bytes(s) + batch_count(s, batch) * s->p->request_bytes +
                                    cert_bytes(s));
        cast_send(sim, s, r, &m, b, equiv ? side : -1, C_PROPOSAL, bytes, cert_verifies(s),
                  sign_done(sim, s, x), NULL);
    }
}

static void hs_on_proposal(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    uint32_t v = m->view, b = m->digest;
    if (msg_from(m) != primary_of(s, v) || b >= s->nblocks)
        return;
    cmsg vote = make_msg(M_VOTE, r, v, m->seq, b);
    if (x->beh == CONSENSUS_EQUIVOCATE) {
        if (node_alive(x))
            unicast_send(sim, s, r, msg_from(m), &vote, C_VOTE, sig_bytes(s),
                         sign_done(sim, s, x));
        return;
    }
    if (!node_follows(x) || v < x->view || (x->in_vc && x->vc_target > v))
        return;
    if (v > x->view || x->in_vc)
        enter_view(sim, s, r, v);
    const hsblock *bl = &s->blocks[b];
    hs_update(sim, s, r, bl->parent);
    int fresh = bl->view != x->hs_vview ? bl->view > x->hs_vview : bl->height > x->hs_vheight;
    if (fresh && (hs_extends(s, b, x->hs_locked) || hs_rank_gt(s, bl->parent, x->hs_locked))) {
        x->hs_vview = bl->view;
        x->hs_vheight = bl->height;
        if (node_sends(x))
            unicast_send(sim, s, r, msg_from(m), &vote, C_VOTE, sig_bytes(s),
                         sign_done(sim, s, x));
    }
    request_timer_arm(sim, s, r);
}

static void hs_on_vote(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    cnode *x = &s->nodes[r];
    uint32_t b = m->digest;
    if (b >= s->nblocks || !node_alive(x))
        return;
    hsblock *bl = &s->blocks[b];
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
    hs_try_propose(sim, s, r);
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
    if (hq > s->blocks[x->hs_committed].height && x->hs_flush[0] < hq + 3)
        x->hs_flush[0] = hq + 3;
    timer_clear(x);
    view_installed(sim, s, view);
    x->nv_view = NO_VIEW;
    request_timer_arm(sim, s, r);
    hs_try_propose(sim, s, r);
}

static void hs_start_view_change(sim_t *sim, cstate *s, uint32_t r, uint32_t target)
{
    cnode *x = &s->nodes[r];
    if (!node_follows(x))
        return;
    x->in_vc = 1;
    x->vc_target = target;
    uint32_t leader = primary_of(s, target);
    if (leader != r) {
        if (node_sends(x)) {
            cmsg m = make_msg(M_HSNEWVIEW, r, target, 0, x->hs_qc);
            unicast_send(sim, s, r, leader, &m, C_VIEWCHANGE, sig_bytes(s) + cert_bytes(s),
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
    uint32_t fails = x->vc_fails < 20 ? x->vc_fails : 20;
    x->vc_fails++;
    if (x->in_vc)
        timer_set(sim, s, r, s->p->view_timeout_ns << fails);
}

static void hs_on_new_view(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
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

/* ------------------------------------------------------------------ */
/* dispatch                                                            */

static void on_request(sim_t *sim, cstate *s, uint32_t r, uint32_t id)
{
    cnode *x = &s->nodes[r];
    const creq *rq = req_get(s, id);
    if (rq->committed || rq->done || !node_alive(x))
        return;
    fifo_push(sim, x, id);
    request_timer_arm(sim, s, r);
    if (s->p->protocol == CONSENSUS_PBFT)
        pbft_try_propose(sim, s, r);
    else
        hs_try_propose(sim, s, r);
}

static void process(sim_t *sim, cstate *s, uint32_t r, const cmsg *m)
{
    const uint32_t *aux = NULL;
    uint32_t kind = msg_kind(m);
    if (kind == M_VIEWCHANGE || kind == M_NEWVIEW)
        aux = s->casts[m->aux2].aux;
    switch (kind) {
    case M_REQUEST: on_request(sim, s, r, m->seq); break;
    case M_PREPREPARE: pbft_on_preprepare(sim, s, r, m); break;
    case M_PREPARE: pbft_on_vote(sim, s, r, m, 0); break;
    case M_COMMIT: pbft_on_vote(sim, s, r, m, 1); break;
    case M_VIEWCHANGE: pbft_on_view_change(sim, s, r, m, aux); break;
    case M_NEWVIEW: pbft_on_new_view(sim, s, r, m, aux); break;
    case M_PROPOSAL: hs_on_proposal(sim, s, r, m); break;
    case M_VOTE: hs_on_vote(sim, s, r, m); break;
    case M_HSNEWVIEW: hs_on_new_view(sim, s, r, m); break;
    default: sim_fail(sim, "consensus: unknown message kind %u", kind);
    }
}

static void cast_unref(cstate *s, uint32_t id)
{
    ccast *c = &s->casts[id];
    if (--c->refs == 0 && c->chain_done)
        cast_release(s, id);
}

/* A copy of m reaches r: verify on r's CPU, then process. */
static void deliver(sim_t *sim, cstate *s, uint32_t r, const cmsg *m, uint8_t verifies)
{
    if (r == s->client) {
        if (msg_kind(m) == M_REPLY)
            client_reply(sim, s, m);
        return;
    }
    cnode *x = &s->nodes[r];
    if (!node_alive(x))
        return;
    if (s->verify_zero) {
        process(sim, s, r, m);
        return;
    }
    int64_t cost = 0;
    for (uint8_t k = 0; k < verifies; k++)
        cost += dist_sample_ns(&s->p->verify_ns, s->r_cpu);
    int64_t done = cpu_run(sim, s, x, cost);
    if (done == sim_now(sim)) {
        process(sim, s, r, m);
        return;
    }
    uint32_t kind = msg_kind(m);
    if (kind == M_VIEWCHANGE || kind == M_NEWVIEW)
        s->casts[m->aux2].refs++;
    sim_event *ev = sim_schedule(sim, done, s->self, EV_PROCESS, r);
    memcpy(&ev->data, m, sizeof *m);
}

static void on_cast(sim_t *sim, cstate *s, uint32_t id)
{
    ccast *c = &s->casts[id];
    uint64_t off = c->deliv[c->next] >> 16;
    c->refs++; /* keep aux alive while this handler delivers */
    while (c->next < c->n && (c->deliv[c->next] >> 16) == off) {
        uint32_t j = (uint32_t)(c->deliv[c->next++] & 0xFFFF);
        cmsg m = c->msg;
        if (s->nodes[j].side == 1)
            m.digest = c->digest1;
        deliver(sim, s, j, &m, c->verifies);
        c = &s->casts[id]; /* deliver may have grown the cast array */
    }
    if (c->next < c->n) {
        sim_event *ev = sim_schedule(sim, c->base_ns + (int64_t)(c->deliv[c->next] >> 16),
                                     s->self, EV_CAST, 0);
        ev->data.u32[0] = id;
    } else {
        c->chain_done = 1;
    }
    cast_unref(s, id);
}

/* ------------------------------------------------------------------ */
/* faults and availability                                             */

static void node_recovered(sim_t *sim, cstate *s, uint32_t r)
{
    cnode *x = &s->nodes[r];
    if (!node_alive(x))
        return;
    /* Rejoin at the latest view with the decided prefix (state transfer). */
    if (s->max_view != NO_VIEW && s->max_view > x->view) {
        x->view = s->max_view;
        x->vc_target = s->max_view;
    }
    x->in_vc = 0;
    pbft_state_transfer(s, r, s->decided_prefix);
    timer_clear(x);
    request_timer_arm(sim, s, r);
}

static void set_behaviour(sim_t *sim, cstate *s, uint32_t r, int beh)
{
    cnode *x = &s->nodes[r];
    int was_alive = node_alive(x);
    x->beh = (uint8_t)beh;
    if (beh == CONSENSUS_EQUIVOCATE)
        x->side = SIDE_FAULTY;
    if (!node_follows(x))
        timer_clear(x);
    update_availability(sim, s, r);
    if (!was_alive && node_alive(x))
        node_recovered(sim, s, r);
}

static void on_fault_start(sim_t *sim, cstate *s, uint32_t group)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->nodes[i].group == group + 1 && s->nodes[i].beh == CONSENSUS_HONEST) {
            const consensus_fault *fl = &s->p->faults[group];
            s->nodes[i].drop = fl->drop;
            set_behaviour(sim, s, i, fl->behaviour);
        }
}

static void node_down(sim_t *sim, cstate *s, uint32_t r, int delta)
{
    cnode *x = &s->nodes[r];
    int was_alive = node_alive(x);
    x->down = (uint8_t)(x->down + delta);
    update_availability(sim, s, r);
    if (was_alive && !node_alive(x))
        timer_clear(x);
    if (!was_alive && node_alive(x))
        node_recovered(sim, s, r);
}

static void on_maintenance(sim_t *sim, cstate *s)
{
    const consensus_params *p = s->p;
    int64_t now = sim_now(sim), len = p->maintenance_length_ns;
    if (p->maintenance == CONSENSUS_MAINT_WHOLE) {
        for (uint32_t i = 0; i < s->n; i++)
            node_down(sim, s, i, 1);
        sim_event *ev = sim_schedule(sim, now + len, s->self, EV_MAINT_NODE, UINT32_MAX);
        ev->data.i64[0] = -1;
    } else {
        int64_t per = len / s->n;
        for (uint32_t i = 0; i < s->n; i++) {
            sim_event *ev = sim_schedule(sim, now + per * i, s->self, EV_MAINT_NODE, i);
            ev->data.i64[0] = 1;
            ev = sim_schedule(sim, now + per * (i + 1), s->self, EV_MAINT_NODE, i);
            ev->data.i64[0] = -1;
        }
    }
    int64_t next = consensus_next_maintenance(p, now);
    if (next != SIM_TIME_MAX)
        sim_schedule(sim, next, s->self, EV_MAINT, 0);
}

/* ------------------------------------------------------------------ */
/* model callbacks                                                     */

static void consensus_declare_metrics(sim_t *sim, cstate *s)
{
    s->m_latency = sim_metric(sim, "latency", "ms", 1e-6, STATS_TALLY,
                              "coordination (commit) latency, request to f+1 replies "
                              "(runbook claims 63-78 ms)");
    s->m_quorum_wait = sim_metric(sim, "quorum_wait", "ms", 1e-6, STATS_TALLY,
                                  "leader: proposal sent to quorum of votes (PBFT "
                                  "prepared, HotStuff QC)");
    s->m_throughput = sim_metric(sim, "throughput", "req/s", 1.0, STATS_RATE,
                                 "requests completed per second");
    s->m_decisions = sim_metric(sim, "decisions", "1/s", 1.0, STATS_RATE,
                                "non-empty batches decided per second");
    s->m_messages = sim_metric(sim, "messages", "msgs", 1.0, STATS_COUNT,
                               "replica-to-replica messages sent");
    s->m_client_messages = sim_metric(sim, "client_messages", "msgs", 1.0, STATS_COUNT,
                                      "client requests and replies sent");
    s->m_bytes = sim_metric(sim, "bytes", "B", 1.0, STATS_COUNT,
                            "replica-to-replica bytes sent");
    s->m_msgs_per_dec = sim_metric(sim, "messages_per_decision", "msgs", 1.0, STATS_VALUE,
                                   "replica messages per decision (whole run)");
    s->m_bytes_per_dec = sim_metric(sim, "bytes_per_decision", "kB", 1e-3, STATS_VALUE,
                                    "replica bytes per decision (whole run)");
    /* COUNT and RATE metrics are not scaled: cpu_run() adds busy seconds
     * per replica (cost / 1e9 / n), so the rate is the mean busy fraction. */
    s->m_cpu = sim_metric(sim, "cpu_utilisation", "1", 1.0, STATS_RATE,
                          "mean CPU busy fraction of a replica (sign + verify)");
    s->m_cpu_max = sim_metric(sim, "cpu_utilisation_max", "1", 1.0, STATS_VALUE,
                              "busiest replica's CPU busy fraction (whole run)");
    s->m_view_changes = sim_metric(sim, "view_changes", "views", 1.0, STATS_COUNT,
                                   "new views installed");
    s->m_vc_time = sim_metric(sim, "view_change_time", "ms", 1e-6, STATS_TALLY,
                              "first view-change timeout to new view installed");
    s->m_uncommitted = sim_metric(sim, "uncommitted", "req", 1.0, STATS_VALUE,
                                  "requests not completed by the end");
    s->m_violations = sim_metric(sim, "safety_violations", "seqs", 1.0, STATS_COUNT,
                                 "seqs where honest replicas committed different values");
    s->m_first_violation = sim_metric(sim, "first_violation", "s", 1e-9, STATS_TALLY,
                                      "time to the first safety violation (censored at the "
                                      "end when there is none)");
    s->m_lost = sim_metric(sim, "lost_messages", "msgs", 1.0, STATS_VALUE,
                           "messages lost to loss or partitions (whole run)");
    s->m_available = sim_metric(sim, "availability", "1", 1.0, STATS_LEVEL,
                                "fraction of time live honest replicas form a quorum "
                                "(runbook target 99.99%)");
    s->m_live = sim_metric(sim, "live_honest", "nodes", 1.0, STATS_LEVEL,
                           "time-average number of live honest replicas");
    s->m_outages = sim_metric(sim, "outages", "1", 1.0, STATS_COUNT,
                              "times the network lost its quorum");
    sim_metric_domain(sim, s->m_violations, STATS_RARE, NULL);
    sim_metric_domain(sim, s->m_first_violation, STATS_TTE, NULL);
    sim_metric_domain(sim, s->m_outages, STATS_RARE, NULL);
    sim_metric_domain(sim, s->m_available, STATS_PROPORTION, NULL);
    sim_metric_domain(sim, s->m_cpu, STATS_PROPORTION, NULL);
    sim_metric_domain(sim, s->m_cpu_max, STATS_PROPORTION, NULL);
}

static int consensus_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    cstate *s = state;
    const consensus_params *p = params;
    s->p = p;
    s->self = sim_self(sim);
    s->response = sim_model_id(sim, "response");
    s->n = (uint32_t)p->nodes;
    s->f = (uint32_t)p->f;
    s->q = (uint32_t)p->quorum;
    s->window = (uint32_t)p->window;
    /* A primary keeps at most `window` seqs above its own prefix in
     * flight; backups, whose prefixes trail the primary's, accept twice
     * that (PBFT's watermarks span more than the pipelining depth). */
    s->ring = 2 * s->window;
    s->client = s->n;
    s->cpu_scale = 1e-9 / (double)s->n;
    s->cast_free = UINT32_MAX;
    s->max_view = 0;
    s->vc_first_ns = -1;
    s->first_violation_ns = -1;
    s->r_client = sim_stream(sim, "client");
    s->r_cpu = sim_stream(sim, "cpu");
    s->r_fault = sim_stream(sim, "faults");
    s->r_avail = sim_stream(sim, "availability");
    s->sign_zero = p->sign_ns.kind == DIST_CONSTANT && p->sign_ns.a == 0.0;
    s->verify_zero = p->verify_ns.kind == DIST_CONSTANT && p->verify_ns.a == 0.0;
    consensus_declare_metrics(sim, s);
    int rc = network_init(&s->net, &p->net, s->n + 1, sim_stream(sim, "network"), e);
    if (rc)
        return rc;
    s->nodes = calloc(s->n, sizeof *s->nodes);
    s->slots = calloc((size_t)s->n * s->ring, sizeof *s->slots);
    s->nvtab = calloc((size_t)s->n * s->ring, sizeof *s->nvtab);
    s->scratch_cap = 2 * s->ring + 64;
    s->scratch = malloc(s->scratch_cap * sizeof *s->scratch);
    s->sort_tmp = malloc(((size_t)s->n + 1) * sizeof *s->sort_tmp);
    s->sort_count = malloc(((size_t)s->n + 2) * sizeof *s->sort_count);
    s->nbatches = 2; /* 0: none, 1: the null request */
    s->nblocks = 1;  /* genesis */
    if (!s->nodes || !s->slots || !s->nvtab || !s->scratch || !s->sort_tmp || !s->sort_count ||
        grow((void **)&s->batches, &s->batches_cap, 64, sizeof *s->batches) ||
        grow((void **)&s->blocks, &s->blocks_cap, 64, sizeof *s->blocks) ||
        grow((void **)&s->decided, &s->decided_cap, 1024, sizeof *s->decided))
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
        x->next_seq = 1;
        x->hold = &x->hold_own;
    }
    /* Fault groups: choose replicas, mark them with their group, start the
     * behaviour now or at the group's start time. */
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
                    id = (uint32_t)gsl_rng_uniform_int(s->r_fault, s->n);
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
    sim_level(sim, s->m_available, s->available);
    for (int g = 0; g < p->nfaults; g++) {
        if (p->faults[g].start_ns == 0)
            on_fault_start(sim, s, (uint32_t)g);
        else
            sim_schedule(sim, p->faults[g].start_ns, s->self, EV_FAULT, (uint32_t)g);
    }
    if (p->failures)
        for (uint32_t i = 0; i < s->n; i++)
            sim_schedule_in(sim, dist_sample_ns(&p->time_to_failure, s->r_avail), s->self,
                            EV_FAIL, i);
    if (p->maintenance != CONSENSUS_MAINT_OFF) {
        int64_t t = consensus_next_maintenance(p, -1);
        if (t != SIM_TIME_MAX)
            sim_schedule(sim, t, s->self, EV_MAINT, 0);
    }
    if (p->traffic)
        client_next_arrival(sim, s);
    return 0;
}

static void consensus_event(sim_t *sim, void *state, const sim_event *ev)
{
    cstate *s = state;
    uint32_t r = ev->target;
    switch (ev->kind) {
    case EV_ARRIVAL:
        client_arrival(sim, s);
        break;
    case EV_CAST:
        on_cast(sim, s, ev->data.u32[0]);
        break;
    case EV_MSG: {
        cmsg m;
        memcpy(&m, &ev->data, sizeof m);
        uint32_t k = msg_kind(&m);
        deliver(sim, s, r, &m, k == M_HSNEWVIEW ? cert_verifies(s) : 1);
        break;
    }
    case EV_PROCESS: {
        cmsg m;
        memcpy(&m, &ev->data, sizeof m);
        uint32_t k = msg_kind(&m);
        if (node_alive(&s->nodes[r]))
            process(sim, s, r, &m);
        if (k == M_VIEWCHANGE || k == M_NEWVIEW)
            cast_unref(s, m.aux2);
        break;
    }
    case EV_TIMER:
        on_timer(sim, s, r, ev->data.u32[0]);
        break;
    case EV_BATCH:
        s->nodes[r].batch_armed = 0;
        if (s->p->protocol == CONSENSUS_PBFT)
            pbft_try_propose(sim, s, r);
        else
            hs_try_propose(sim, s, r);
        break;
    case EV_FAULT:
        on_fault_start(sim, s, r);
        break;
    case EV_FAIL:
        node_down(sim, s, r, 1);
        sim_schedule_in(sim, dist_sample_ns(&s->p->time_to_repair, s->r_avail), s->self,
                        EV_REPAIR, r);
        break;
    case EV_REPAIR:
        node_down(sim, s, r, -1);
        sim_schedule_in(sim, dist_sample_ns(&s->p->time_to_failure, s->r_avail), s->self,
                        EV_FAIL, r);
        break;
    case EV_MAINT:
        on_maintenance(sim, s);
        break;
    case EV_MAINT_NODE:
        if (r == UINT32_MAX) {
            for (uint32_t i = 0; i < s->n; i++)
                node_down(sim, s, i, (int)ev->data.i64[0]);
        } else {
            node_down(sim, s, r, (int)ev->data.i64[0]);
        }
        break;
    case CONSENSUS_EV_CLIENT_REQUEST:
        client_submit(sim, s, (int32_t)ev->data.u32[2], ev->data.u32[3], ev->data.u64[0]);
        break;
    case CONSENSUS_EV_SET_BEHAVIOUR: {
        if (r >= s->n || ev->data.u32[0] > CONSENSUS_DROP) {
            sim_fail(sim, "consensus: bad behaviour event for replica %u", r);
            return;
        }
        cnode *x = &s->nodes[r];
        double param = ev->data.f64[1];
        if (ev->data.u32[0] == CONSENSUS_DROP)
            x->drop = param;
        if (ev->data.u32[0] == CONSENSUS_DELAY) {
            x->hold_own = dist_exponential(param);
            x->hold = &x->hold_own;
        }
        set_behaviour(sim, s, r, (int)ev->data.u32[0]);
        break;
    }
    default:
        sim_fail(sim, "consensus: unknown event kind %u", ev->kind);
    }
}

static void consensus_finish(sim_t *sim, void *state)
{
    cstate *s = state;
    double dec = (double)s->decisions_total;
    sim_set_value(sim, s->m_msgs_per_dec, dec > 0 ? (double)s->msgs_total / dec : NAN);
    sim_set_value(sim, s->m_bytes_per_dec, dec > 0 ? (double)s->bytes_total / dec : NAN);
    double end = (double)sim_now(sim), busiest = 0;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->nodes[i].busy_ns > busiest)
            busiest = s->nodes[i].busy_ns;
    sim_set_value(sim, s->m_cpu_max, end > 0 ? busiest / end : 0.0);
    uint32_t open = 0;
    for (uint32_t i = 0; i < s->nreqs; i++)
        open += !s->reqs[i].done;
    sim_set_value(sim, s->m_uncommitted, open);
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
        free(s->casts[i].deliv);
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
    free(s->sort_tmp);
    free(s->sort_count);
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
    out->metrics = 40, out->tallies = 8;
    out->driver = "consensus.nodes";
}

const sim_model consensus_model = {
    .name = "consensus",
    .summary = "BFT consensus network (PBFT / chained HotStuff) with faults and availability",
    .params_size = sizeof(consensus_params),
    .state_size = sizeof(cstate),
    .configure = consensus_configure,
    .init = consensus_init,
    .event = consensus_event,
    .finish = consensus_finish,
    .release = consensus_release,
    .estimate = consensus_estimate,
};
