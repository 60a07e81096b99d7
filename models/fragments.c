/* fragments.c - temporal fragmentation with threshold shares (see
 * fragments.h).
 *
 * Invariants: each item keeps at most FRAGMENTS_MAX_GENERATIONS live
 * generations in slots; a slot is free once all its shares are deleted
 * (dealing into a full table force-deletes the oldest).  Bit i of a
 * generation's `deleted` / `captured` masks is share i.  Scheduled
 * deletions and deals carry the generation id / deal sequence number, so a
 * stale event (its generation already gone, or an emergency refresh
 * rescheduled the deals) is recognised and ignored.  The attacker's
 * knowledge is per generation: a capture adds the node's undeleted shares.
 */
#include "fragments.h"
#include "grow.h"
#include "cfg.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "signals.h"
#include "rng.h"


#define ALL_SHARES UINT32_MAX

typedef struct fragments_gen {
    uint64_t id;
    int64_t created_ns, ready_ns;
    int64_t delete_ns[FRAGMENTS_MAX_SHARES];
    uint16_t holder[FRAGMENTS_MAX_SHARES];
    uint32_t deleted, captured;
    uint8_t in_use, compromised;
} fragments_gen;

typedef struct fragments_item {
    fragments_gen gen[FRAGMENTS_MAX_GENERATIONS];
    uint64_t deal_seq;
} fragments_item;

typedef struct fragments_theft {
    int64_t start_ns, end_ns, won_ns;
    double rate_per_s;
    uint32_t attack;
    uint8_t active, won;
} fragments_theft;

typedef struct fragments_state {
    const fragments_params *p;
    int self;
    gsl_rng *deal_rng, *read_rng, *theft_rng;
    fragments_item *items;
    uint64_t next_gen_id;
    uint32_t all_mask;
    fragments_theft *thefts;
    size_t nthefts, cap;
    int m_lifetime, m_in_range, m_purged, m_read, m_reads, m_gens, m_epoch, m_won, m_time, m_captures,
        m_detections;
} fragments_state;

static const char *const mode_names[] = {"refresh", "expiry", "none", NULL};

static const sim_param fragments_params_table[] = {
    SIM_P_INT("items", fragments_params, items, 1, 1, 1000000, "items", "data items"),
    SIM_P_INT("shares", fragments_params, shares, 5, 1, FRAGMENTS_MAX_SHARES, "shares",
              "n, shares per generation"),
    SIM_P_INT("threshold", fragments_params, threshold, 3, 1, FRAGMENTS_MAX_SHARES, "shares",
              "k, shares that reconstruct an item"),
    SIM_P_INT("nodes", fragments_params, nodes, 127, 1, 65535, "nodes",
              "nodes shares are placed on, >= shares (L657)"),
    SIM_P_ENUM("mode", fragments_params, mode, mode_names, FRAGMENTS_EXPIRY,
               "refresh: new generation every `refresh`; expiry: shares live `ttl`; none"),
    SIM_P_DURATION("refresh", fragments_params, refresh_ns, 4 * SIM_NS_PER_S, 1, INT64_MAX / 4,
                   "refresh period tau (refresh mode)"),
    SIM_P_TIME_DIST("ttl", fragments_params, ttl, DIST_UNIFORM, 3.0 * SIM_NS_PER_S,
                    5.0 * SIM_NS_PER_S, "share lifetime (expiry mode; L31)"),
    SIM_P_DURATION("sweep", fragments_params, sweep_ns, 0, 0, INT64_MAX / 4,
                   "expiry sweeper period, 0 = exact"),
    SIM_P_TIME_DIST("reshare_time", fragments_params, reshare_time, DIST_CONSTANT, 0, 0,
                    "dealing time of a new generation"),
    SIM_P_RATE("read_rate", fragments_params, read_rate_per_s, 1.0, 0, 1e9,
               "legitimate reads per item"),
    SIM_P_FRACTION("availability", fragments_params, availability, 1.0, 0.0, 1.0,
                   "P(a share holder answers a read)"),
    SIM_P_FRACTION("detect.probability", fragments_params, detect_probability, 0.0, 0.0, 1.0,
                   "P(a capture is noticed)"),
    SIM_P_TIME_DIST("detect.latency", fragments_params, detect_latency, DIST_CONSTANT, 0, 0,
                    "capture to detection"),
    SIM_P_DIST("detect.confidence", fragments_params, detect_confidence, DIST_CONSTANT, 0.9, 0,
               "detection confidence"),
};

static const sim_metric_spec fragments_metrics[] = {
    /* Share lifetimes are drawn from fragments.ttl: an input, not a finding. */
    SIM_METRIC(fragments_state, m_lifetime, "share_lifetime", "s", 1e-9, STATS_TALLY,
               STATS_NONNEG, "fragments.ttl",
               "realised share lifetime, creation to deletion; runbook 3-5 s (L31)"),
    SIM_METRIC(fragments_state, m_in_range, "lifetime_in_3_5s", "1", 1.0, STATS_TALLY,
               STATS_PROPORTION, "fragments.ttl",
               "fraction of shares deleted 3-5 s after creation (L31)"),
    SIM_METRIC(fragments_state, m_purged, "purged_shares", "1", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "shares deleted early by an emergency re-share (not in share_lifetime)"),
    SIM_METRIC(fragments_state, m_read, "read_success", "1", 1.0, STATS_TALLY, STATS_PROPORTION,
               NULL, "legitimate reads that found k readable shares of one generation"),
    SIM_METRIC(fragments_state, m_reads, "reads", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "legitimate reads"),
    SIM_METRIC(fragments_state, m_gens, "generations", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "sharings dealt"),
    SIM_METRIC(fragments_state, m_epoch, "epoch_compromised", "1", 1.0, STATS_TALLY,
               STATS_PROPORTION, NULL,
               "per generation living under theft: attacker held >= k of its shares"),
    SIM_METRIC(fragments_state, m_won, "attacker_won", "1", 1.0, STATS_TALLY, STATS_PROPORTION,
               NULL, "per theft: the attacker reconstructed an item"),
    SIM_METRIC(fragments_state, m_time, "time_to_reconstruct", "s", 1e-9, STATS_TALLY, STATS_TTE,
               NULL, "theft start to reconstruction"),
    SIM_METRIC(fragments_state, m_captures, "captures", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "node captures"),
    SIM_METRIC(fragments_state, m_detections, "detections", "1", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "captures noticed and reported to response"),
};

static const sim_stream_spec fragments_streams[] = {
    SIM_STREAM(fragments_state, deal_rng, "deal"),
    SIM_STREAM(fragments_state, read_rng, "reads"),
    SIM_STREAM(fragments_state, theft_rng, "theft"),
};

static const size_t fragments_buffers[] = {
    SIM_BUFFER(fragments_state, items),
    SIM_BUFFER(fragments_state, thefts),
};

/* What the table cannot say: k <= n <= nodes. */
static int fragments_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    const fragments_params *p = params;
    int bad = 0;
    if (p->threshold > p->shares) {
        cfg_error(c, sec, "fragments: threshold %lld exceeds shares %lld",
                  (long long)p->threshold, (long long)p->shares);
        bad = -1;
    }
    if (p->nodes < p->shares) {
        cfg_error(c, sec, "fragments: %lld shares need %lld distinct nodes, only %lld",
                  (long long)p->shares, (long long)p->shares, (long long)p->nodes);
        bad = -1;
    }
    return bad ? -1 : 0;
}

double fragments_binomial_tail(int n, int k, double p)
{
    double sum = 0;
    for (int j = k; j <= n; j++)
        sum += gsl_ran_binomial_pdf((unsigned)j, p, (unsigned)n);
    return sum;
}

double fragments_epoch_success(int n, int k, double lambda_per_s, double tau_s)
{
    return fragments_binomial_tail(n, k, -expm1(-lambda_per_s * tau_s));
}

double fragments_mean_time_to_compromise_s(int n, int k, double lambda_per_s)
{
    /* The j-th capture among m uncaptured nodes comes after Exp(m lambda). */
    double t = 0;
    for (int m = n; m > n - k; m--)
        t += 1.0 / ((double)m * lambda_per_s);
    return t;
}

/* The deletion time of a share expiring at t: the sweeper's next pass. */
static int64_t fragments_swept(const fragments_params *p, int64_t t)
{
    if (p->sweep_ns <= 0)
        return t;
    int64_t k = (t + p->sweep_ns - 1) / p->sweep_ns;
    return k * p->sweep_ns;
}

static int fragments_theft_covers(const fragments_state *s, int64_t from, int64_t to)
{
    for (size_t i = 0; i < s->nthefts; i++)
        if (s->thefts[i].start_ns <= from && s->thefts[i].end_ns >= to)
            return 1;
    return 0;
}

/* Deletes share `share` (or all) of generation g now; frees the slot when
 * nothing of it is left. */
static void fragments_delete(sim_t *sim, fragments_state *s, fragments_gen *g, uint32_t share,
                             int purge)
{
    int64_t now = sim_now(sim);
    int n = (int)s->p->shares;
    for (int i = 0; i < n; i++) {
        if ((share != ALL_SHARES && (uint32_t)i != share) || (g->deleted >> i & 1u))
            continue;
        g->deleted |= 1u << i;
        if (purge) {
            /* emergency re-share or a full generation table: not an expiry */
            sim_count(sim, s->m_purged, 1);
            continue;
        }
        double life = (double)(now - g->created_ns);
        sim_tally(sim, s->m_lifetime, life);
        sim_tally(sim, s->m_in_range, life >= 3e9 && life <= 5e9 ? 1.0 : 0.0);
    }
    if (g->deleted == s->all_mask) {
        if (fragments_theft_covers(s, g->created_ns, now))
            sim_tally(sim, s->m_epoch, g->compromised ? 1.0 : 0.0);
        g->in_use = 0;
    }
}

static void fragments_deal(sim_t *sim, fragments_state *s, uint32_t item)
{
    const fragments_params *p = s->p;
    fragments_item *it = &s->items[item];
    int64_t now = sim_now(sim);
    int n = (int)p->shares;
    /* A free slot, else evict the oldest generation. */
    int slot = -1;
    for (int k = 0; k < FRAGMENTS_MAX_GENERATIONS; k++)
        if (!it->gen[k].in_use) {
            slot = k;
            break;
        }
    if (slot < 0) {
        slot = 0;
        for (int k = 1; k < FRAGMENTS_MAX_GENERATIONS; k++)
            if (it->gen[k].id < it->gen[slot].id)
                slot = k;
        fragments_delete(sim, s, &it->gen[slot], ALL_SHARES, 1);
    }
    /* In refresh mode the previous generation dies as this one is dealt. */
    if (p->mode == FRAGMENTS_REFRESH) {
        for (int k = 0; k < FRAGMENTS_MAX_GENERATIONS; k++) {
            fragments_gen *o = &it->gen[k];
            if (!o->in_use || k == slot)
                continue;
            int64_t at = fragments_swept(p, now);
            if (at == now) {
                fragments_delete(sim, s, o, ALL_SHARES, 0);
            } else {
                sim_event *ev = sim_schedule(sim, at, s->self, FRAGMENTS_EV_DELETE, item);
                ev->data.u64[0] = o->id;
                ev->data.u32[2] = (uint32_t)k;
                ev->data.u32[3] = ALL_SHARES;
            }
        }
    }
    fragments_gen *g = &it->gen[slot];
    memset(g, 0, sizeof *g);
    g->in_use = 1;
    g->id = s->next_gen_id++;
    g->created_ns = now;
    g->ready_ns = sim_time_add(now, dist_sample_ns(&p->reshare_time, s->deal_rng));
    if (p->nodes == p->shares) {
        for (int i = 0; i < n; i++)
            g->holder[i] = (uint16_t)i;
    } else {
        for (int i = 0; i < n; i++) {
            uint16_t node;
            int dup;
            do {
                node = (uint16_t)gsl_rng_uniform_int(s->deal_rng, (unsigned long)p->nodes);
                dup = 0;
                for (int j = 0; j < i; j++)
                    dup |= g->holder[j] == node;
            } while (dup);
            g->holder[i] = node;
        }
    }
    sim_count(sim, s->m_gens, 1);
    uint64_t seq = ++it->deal_seq;
    int64_t next = INT64_MAX;
    if (p->mode == FRAGMENTS_REFRESH) {
        next = now + p->refresh_ns;
    } else if (p->mode == FRAGMENTS_EXPIRY) {
        for (int i = 0; i < n; i++) {
            int64_t expiry = sim_time_add(now, dist_sample_ns(&p->ttl, s->deal_rng));
            if (expiry < next)
                next = expiry;
            g->delete_ns[i] = fragments_swept(p, expiry);
            if (g->delete_ns[i] < sim_end_time(sim)) {
                sim_event *ev = sim_schedule(sim, g->delete_ns[i], s->self, FRAGMENTS_EV_DELETE, item);
                ev->data.u64[0] = g->id;
                ev->data.u32[2] = (uint32_t)slot;
                ev->data.u32[3] = (uint32_t)i;
            }
        }
    }
    if (next < sim_end_time(sim))
        sim_schedule(sim, next, s->self, FRAGMENTS_EV_DEAL, item)->data.u64[0] = seq;
}

static void fragments_next_read(sim_t *sim, fragments_state *s)
{
    double rate = s->p->read_rate_per_s * (double)s->p->items;
    double gap = rng_exponential(s->read_rng, 1e9 / rate);
    if (gap < (double)(sim_end_time(sim) - sim_now(sim)))
        sim_schedule_in(sim, (int64_t)llround(gap), s->self, FRAGMENTS_EV_READ, 0);
}

static int fragments_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    fragments_state *s = state;
    const fragments_params *p = params;
    s->all_mask = p->shares >= 32 ? UINT32_MAX : (1u << p->shares) - 1u;
    s->items = calloc((size_t)p->items, sizeof *s->items);
    if (!s->items)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "fragments: out of memory");
    for (uint32_t i = 0; i < (uint32_t)p->items; i++)
        fragments_deal(sim, s, i);
    if (p->read_rate_per_s > 0)
        fragments_next_read(sim, s);
    return 0;
}

static void fragments_read(sim_t *sim, fragments_state *s)
{
    const fragments_params *p = s->p;
    int64_t now = sim_now(sim);
    uint32_t item = p->items > 1
                        ? (uint32_t)gsl_rng_uniform_int(s->read_rng, (unsigned long)p->items)
                        : 0;
    fragments_item *it = &s->items[item];
    int ok = 0;
    for (int k = 0; k < FRAGMENTS_MAX_GENERATIONS && !ok; k++) {
        const fragments_gen *g = &it->gen[k];
        if (!g->in_use || g->ready_ns > now)
            continue;
        int live = 0;
        for (int i = 0; i < (int)p->shares; i++) {
            if (g->deleted >> i & 1u)
                continue;
            if (p->availability >= 1.0 || gsl_rng_uniform(s->read_rng) < p->availability)
                live++;
        }
        ok = live >= p->threshold;
    }
    sim_count(sim, s->m_reads, 1);
    sim_tally(sim, s->m_read, ok ? 1.0 : 0.0);
    fragments_next_read(sim, s);
}

static void fragments_next_capture(sim_t *sim, fragments_state *s, uint32_t t)
{
    fragments_theft *th = &s->thefts[t];
    double gap = rng_exponential(s->theft_rng, 1e9 / (th->rate_per_s * (double)s->p->nodes));
    int64_t at = sim_time_add(sim_now(sim), sim_ns(gap));
    if (at < th->end_ns && at < sim_end_time(sim))
        sim_schedule(sim, at, s->self, FRAGMENTS_EV_CAPTURE, t);
}

static void fragments_capture(sim_t *sim, fragments_state *s, uint32_t t)
{
    const fragments_params *p = s->p;
    fragments_theft *th = &s->thefts[t];
    if (!th->active)
        return;
    int64_t now = sim_now(sim);
    uint16_t node = (uint16_t)gsl_rng_uniform_int(s->theft_rng, (unsigned long)p->nodes);
    sim_count(sim, s->m_captures, 1);
    for (int64_t i = 0; i < p->items; i++) {
        fragments_item *it = &s->items[i];
        for (int k = 0; k < FRAGMENTS_MAX_GENERATIONS; k++) {
            fragments_gen *g = &it->gen[k];
            if (!g->in_use)
                continue;
            for (int j = 0; j < (int)p->shares; j++)
                if (g->holder[j] == node && !(g->deleted >> j & 1u))
                    g->captured |= 1u << j;
            if (!g->compromised && __builtin_popcount(g->captured) >= p->threshold) {
                g->compromised = 1;
                if (!th->won) {
                    th->won = 1;
                    th->won_ns = now;
                    sim_tally(sim, s->m_time, (double)(now - th->start_ns));
                    signal_attack w = { th->attack, RESPONSE_NO_ENTITY, RESPONSE_DATA_BREACH,
                                        RESPONSE_SRC_FRAGMENTS };
                    sim_emit(sim, SIGNAL_ATTACK_WON, &w);
                }
            }
        }
    }
    if (p->detect_probability > 0 && gsl_rng_uniform(s->theft_rng) < p->detect_probability) {
        int64_t d = dist_sample_ns(&p->detect_latency, s->theft_rng);
        sim_schedule_in(sim, d, s->self, FRAGMENTS_EV_DETECT, t);
    }
    fragments_next_capture(sim, s, t);
}

static void fragments_theft_start(sim_t *sim, fragments_state *s, const fragments_theft_msg *m)
{
    if (!(m->capture_rate_per_s > 0)) {
        sim_fail(sim, "fragments: theft with capture rate %g", m->capture_rate_per_s);
        return;
    }
    if (SIM_RESERVE(sim, s->thefts, s->cap, s->nthefts + 1, 4) != 0)
        return;
    uint32_t t = (uint32_t)s->nthefts++;
    int64_t now = sim_now(sim);
    s->thefts[t] = (fragments_theft){
        .start_ns = now,
        .end_ns = m->length_ns > 0 ? now + m->length_ns : INT64_MAX,
        .rate_per_s = m->capture_rate_per_s,
        .attack = m->attack,
        .active = 1,
    };
    if (s->thefts[t].end_ns < sim_end_time(sim))
        sim_schedule(sim, s->thefts[t].end_ns, s->self, FRAGMENTS_EV_THEFT_END, t);
    fragments_next_capture(sim, s, t);
}

static void fragments_event(sim_t *sim, void *state, const sim_event *ev)
{
    fragments_state *s = state;
    const fragments_params *p = s->p;
    switch (ev->kind) {
    case FRAGMENTS_EV_DEAL:
        if (ev->data.u64[0] == s->items[ev->target].deal_seq)
            fragments_deal(sim, s, ev->target);
        break;
    case FRAGMENTS_EV_DELETE: {
        fragments_gen *g = &s->items[ev->target].gen[ev->data.u32[2]];
        if (g->in_use && g->id == ev->data.u64[0])
            fragments_delete(sim, s, g, ev->data.u32[3], 0);
        break;
    }
    case FRAGMENTS_EV_READ:
        fragments_read(sim, s);
        break;
    case FRAGMENTS_EV_CAPTURE:
        fragments_capture(sim, s, ev->target);
        break;
    case FRAGMENTS_EV_THEFT_END:
        s->thefts[ev->target].active = 0;
        break;
    case FRAGMENTS_EV_DETECT: {
        sim_count(sim, s->m_detections, 1);
        signal_detection d = { RESPONSE_DATA_BREACH, RESPONSE_SRC_FRAGMENTS, 0,
                               s->thefts[ev->target].attack, RESPONSE_NO_ENTITY,
                               dist_sample(&p->detect_confidence, s->theft_rng) };
        sim_emit(sim, SIGNAL_DETECTION, &d);
        break;
    }
    case FRAGMENTS_EV_THEFT:
        fragments_theft_start(sim, s, SIM_PAYLOAD(ev, fragments_theft_msg));
        break;
    case FRAGMENTS_EV_REFRESH:
        for (uint32_t i = 0; i < (uint32_t)p->items; i++) {
            for (int k = 0; k < FRAGMENTS_MAX_GENERATIONS; k++)
                if (s->items[i].gen[k].in_use)
                    fragments_delete(sim, s, &s->items[i].gen[k], ALL_SHARES, 1);
            fragments_deal(sim, s, i);
        }
        break;
    default:
        sim_fail(sim, "fragments: unknown event kind %u", ev->kind);
    }
}

static void fragments_finish(sim_t *sim, void *state)
{
    fragments_state *s = state;
    int64_t now = sim_now(sim);
    for (size_t t = 0; t < s->nthefts; t++) {
        const fragments_theft *th = &s->thefts[t];
        sim_tally(sim, s->m_won, th->won ? 1.0 : 0.0);
        /* A theft that never reconstructed: censored where it stopped. */
        if (!th->won)
            sim_tally_censored(sim, s->m_time,
                               (double)((th->end_ns < now ? th->end_ns : now) - th->start_ns));
    }
}

/* Every item keeps its generations in place; each dealing schedules a
 * deletion per share and the next deal. */
static void fragments_estimate(const void *params, sim_estimate *out)
{
    const fragments_params *p = params;
    double items = (double)p->items, per_deal = (double)p->shares + 1;
    double life_s = (p->mode == FRAGMENTS_REFRESH ? (double)p->refresh_ns
                                                  : dist_mean(&p->ttl)) * 1e-9;
    out->state_bytes = items * (double)sizeof(fragments_item);
    out->pending_events = items * per_deal;
    out->init_events = items * per_deal;
    out->events_per_s = (p->mode == FRAGMENTS_NONE || !(life_s > 0) ? 0 : items * per_deal / life_s) +
                        items * p->read_rate_per_s;
    out->driver = "fragments.items";
}

static const sim_subscription fragments_subscriptions[] = {
    { SIGNAL_KEYS_ROTATED, FRAGMENTS_EV_REFRESH },
};

const sim_model fragments_model = {
    .name = "fragments",
    .summary = "temporal fragmentation: k-of-n shares with 3-5 s expiry, reads, share theft",
    SIM_STATE(fragments_state),
    SIM_PARAMS(fragments_params, fragments_params_table),
    SIM_METRICS(fragments_metrics),
    SIM_STREAMS(fragments_streams),
    SIM_BUFFERS(fragments_buffers),
    .configure = fragments_configure,
    .init = fragments_init,
    .event = fragments_event,
    .finish = fragments_finish,
    .estimate = fragments_estimate,
    SIM_SUBSCRIBE(fragments_subscriptions),
};
