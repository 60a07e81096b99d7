/* sim.c - one replication: clock, pooled events, calendar, dispatch,
 * streams and metrics (see sim.h).
 *
 * Invariants:
 *  - every pending or cancelled event has exactly one calendar entry;
 *  - a slot is on the free list iff its state is SIM_EV_FREE;
 *  - while a handler runs, the calendar root is the handled event
 *    (removal is deferred so that the handler's first sim_schedule can
 *    replace the root with one sift-down instead of a pop and a push).
 */
#include "evq.h"
#include "grow.h"
#include "invariant.h"
#include "sim.h"
#include "rng.h"
#include "units.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SIM_EV_FREE = 0, SIM_EV_PENDING = 1, SIM_EV_CANCELLED = 2 };

#define SIM_BLOCK_SHIFT 8
#define SIM_BLOCK_EVENTS (1u << SIM_BLOCK_SHIFT)

typedef struct sim_stream_entry {
    uint64_t id;
    gsl_rng *rng;
} sim_stream_entry;

struct sim {
    sim_head head;            /* must stay first: see sim_now() */
    sim_config cfg;
    int64_t end_ns;
    evq queue;
    sim_event **blocks;       /* pool: blocks of SIM_BLOCK_EVENTS events */
    size_t nblocks, blocks_cap;
    uint32_t free_head;       /* free list through data.u32[0]; UINT32_MAX */
    uint32_t nslots;          /* slots handed out so far (high-water mark) */
    int root_pending_removal; /* see invariants */
    int stopped;
    int self;                 /* model being run */
    int warmup_done;
    uint64_t events;
    void **states;            /* per model, NULL if inactive */
    sim_stream_entry *streams;
    size_t nstreams, streams_cap;
    stats_hist *hists;        /* sim_histogram */
    size_t nhists, hists_cap;
    stats_def *defs;
    stats_acc *accs;
    stats_rep *results;
    size_t nmetrics, metrics_cap;
    /* listeners of each signal, registry order (sim_emit) */
    uint8_t nlisteners[SIM_MAX_SIGNALS];
    uint8_t listener_model[SIM_MAX_SIGNALS][SIM_MAX_LISTENERS];
    uint16_t listener_kind[SIM_MAX_SIGNALS][SIM_MAX_LISTENERS];
    sim_event scratch;        /* returned by sim_schedule after OOM */
    gsl_rng *spare;           /* returned by sim_stream after OOM */
    err_t error;
};

/* Pool size (slots) from which sim_run prefetches the next candidates. */
#define SIM_PREFETCH_SLOTS (UINT32_C(1) << 16)

static inline sim_event *sim_slot(const sim_t *sim, uint32_t slot)
{
    return &sim->blocks[slot >> SIM_BLOCK_SHIFT][slot & (SIM_BLOCK_EVENTS - 1)];
}

static int sim_grow_pool(sim_t *sim)
{
    if (sim->nblocks == sim->blocks_cap) {
        sim_event **b = grow_array(sim->blocks, &sim->blocks_cap, sim->nblocks + 1, sizeof *b, 16);
        if (!b)
            return -1;
        sim->blocks = b;
    }
    if ((uint64_t)(sim->nblocks + 1) * SIM_BLOCK_EVENTS > UINT32_MAX)
        return -1;
    sim_event *blk = calloc(SIM_BLOCK_EVENTS, sizeof *blk);
    if (!blk)
        return -1;
    sim->blocks[sim->nblocks++] = blk;
    return 0;
}

static sim_event *sim_alloc_event(sim_t *sim)
{
    sim_event *ev;
    if (sim->free_head != UINT32_MAX) {
        ev = sim_slot(sim, sim->free_head);
        INVARIANT(ev->state == SIM_EV_FREE, "pool: the free list holds free slots only");
        sim->free_head = ev->data.u32[0];
    } else {
        if (sim->nslots == sim->nblocks * SIM_BLOCK_EVENTS &&
            sim_grow_pool(sim) != 0)
            return NULL;
        uint32_t slot = sim->nslots++;
        ev = sim_slot(sim, slot);
        ev->slot = slot;
    }
    return ev;
}

static inline void sim_release_event(sim_t *sim, sim_event *ev)
{
    INVARIANT(ev->state != SIM_EV_FREE, "pool: a slot is released once");
    ev->state = SIM_EV_FREE;
    ev->gen++;
    ev->data.u32[0] = sim->free_head;
    sim->free_head = ev->slot;
}

void sim_fail(sim_t *sim, const char *fmt, ...)
{
    if (!sim->error.code) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        err_set(&sim->error, ERR_SOFTWARE, NULL, 0, 0, "%s", msg);
    }
    sim->stopped = 1;
}

int sim_fail_oom(sim_t *sim)
{
    sim_fail(sim, "%s: out of memory",
             sim->self >= 0 ? sim->cfg.models[sim->self]->name : "engine");
    return -1;
}

int sim_failed(const sim_t *sim)
{
    return sim->error.code != 0;
}

sim_event *sim_schedule(sim_t *sim, int64_t at, int model, uint16_t kind,
                        uint32_t target)
{
    if (at < sim->head.now_ns) {
        sim_fail(sim, "model %s scheduled an event in the past (%lld < %lld ns)",
                 sim->self >= 0 ? sim->cfg.models[sim->self]->name : "?",
                 (long long)at, (long long)sim->head.now_ns);
        return &sim->scratch;
    }
    sim_event *ev = sim_alloc_event(sim);
    if (!ev) {
        sim_fail(sim, "out of memory for events");
        return &sim->scratch;
    }
    ev->target = target;
    ev->kind = kind;
    ev->model = (uint8_t)model;
    ev->state = SIM_EV_PENDING;
    if (sim->root_pending_removal) {
        sim->root_pending_removal = 0;
        evq_replace_top(&sim->queue, at, ev->slot);
    } else if (evq_push(&sim->queue, at, ev->slot) != 0) {
        sim_release_event(sim, ev);
        sim_fail(sim, "out of memory for the calendar");
        return &sim->scratch;
    }
    return ev;
}

sim_handle sim_handle_of(const sim_event *ev)
{
    sim_handle h = { ev->slot, ev->gen };
    return h;
}

int sim_cancel(sim_t *sim, sim_handle h)
{
    if (h.slot >= sim->nslots)
        return 0;
    sim_event *ev = sim_slot(sim, h.slot);
    if (ev->gen != h.gen || ev->state != SIM_EV_PENDING)
        return 0;
    ev->state = SIM_EV_CANCELLED;
    return 1;
}

/* Pool accounting: every slot handed out is free or has its one calendar
 * entry (pending or cancelled).  O(slots): checked once per run, and only
 * where INVARIANT is active. */
static inline int sim_pool_balanced(const sim_t *sim)
{
    size_t nfree = 0;
    for (uint32_t i = sim->free_head; i != UINT32_MAX; i = sim_slot(sim, i)->data.u32[0])
        nfree++;
    return nfree + evq_size(&sim->queue) == sim->nslots;
}

static void sim_reset_metrics(sim_t *sim)
{
    for (size_t i = 0; i < sim->nmetrics; i++)
        stats_acc_reset(&sim->accs[i], sim->head.now_ns);
    for (size_t i = 0; i < sim->nhists; i++)
        stats_hist_reset(&sim->hists[i]);
    sim->warmup_done = 1;
}

int sim_run(sim_t *sim, err_t *e)
{
    const sim_model *const *models = sim->cfg.models;
    void **states = sim->states;
    evq *q = &sim->queue;
    int64_t warmup = sim->cfg.warmup_ns;
    if (warmup <= sim->head.now_ns && !sim->warmup_done)
        sim_reset_metrics(sim);
    const evq_entry *top;
    while (!sim->stopped && (top = evq_top(q)) != NULL) {
        int64_t t = top->time;
        INVARIANT(t >= sim->head.now_ns, "calendar order: time never goes back");
        if (t >= sim->end_ns)
            break;
        if (!sim->warmup_done && t >= warmup) {
            sim->head.now_ns = warmup;
            sim_reset_metrics(sim);
        }
        sim_event *ev = sim_slot(sim, top->slot);
        sim->head.now_ns = t;
        /* The next event is one of the root's children or one this event
         * schedules: start loading the children's pool slots now, so that
         * on large calendars (the pool is 40 MB at 1 M LPs) their misses
         * overlap this event's handler instead of stalling the next pop.
         * Only where the pool outgrows the caches (2.5 MB, 64 Ki slots):
         * below that the prefetches find the lines there already and cost
         * about 10 % more instructions per event for nothing (measured). */
        if (sim->nslots >= SIM_PREFETCH_SLOTS) {
            uint32_t next[4];
            for (size_t i = 0, k = evq_next_slots(q, next); i < k; i++)
                __builtin_prefetch(sim_slot(sim, next[i]));
        }
        if (ev->state == SIM_EV_PENDING) {
            sim_event fired = *ev;
            sim_release_event(sim, ev);
            sim->root_pending_removal = 1;
            sim->self = fired.model;
            models[fired.model]->event(sim, states[fired.model], &fired);
            if ((++sim->events & 0xffff) == 0 && sim->cfg.interrupt && *sim->cfg.interrupt &&
                !sim->error.code) {
                err_set(&sim->error, ERR_INTERRUPTED, NULL, 0, 0, "interrupted");
                sim->stopped = 1;
            }
            if (sim->root_pending_removal) {
                sim->root_pending_removal = 0;
                evq_pop(q);
            }
        } else {
            evq_pop(q);
            sim_release_event(sim, ev);
        }
    }
    INVARIANT(sim_pool_balanced(sim), "pool: free slots + calendar entries == slots handed out");
    /* The measured window ends at the end time unless the run stopped early
     * or ran dry, in which case it ends at the last event. */
    int64_t end = sim->end_ns;
    if (sim->stopped || evq_size(q) == 0)
        end = sim->head.now_ns;
    if (end < warmup)
        end = warmup;
    if (!sim->warmup_done) {
        sim->head.now_ns = warmup;
        sim_reset_metrics(sim);
    }
    sim->head.now_ns = end;
    for (size_t i = 0; i < sim->cfg.nmodels; i++) {
        if (states[i] && models[i]->finish) {
            sim->self = (int)i;
            models[i]->finish(sim, states[i]);
        }
    }
    sim->self = -1;
    if (sim->error.code) {
        if (e)
            *e = sim->error;
        return sim->error.code;
    }
    double measured_s = (double)(end - warmup) / 1e9;
    sim->results = calloc(sim->nmetrics ? sim->nmetrics : 1, sizeof *sim->results);
    if (!sim->results)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory for results");
    for (size_t i = 0; i < sim->nmetrics; i++) {
        stats_acc_finish(&sim->accs[i], end, measured_s, &sim->results[i]);
        double s = sim->defs[i].scale;
        stats_rep *r = &sim->results[i];
        /* Accumulators hold raw values: convert once here, not per sample. */
        if (s != 1.0 && sim->defs[i].kind != STATS_COUNT && sim->defs[i].kind != STATS_RATE) {
            r->value *= s;
            r->sd *= s;
            r->min *= s;
            r->max *= s;
            r->p50 *= s;
            r->p90 *= s;
            r->p95 *= s;
            r->p99 *= s;
            for (size_t k = 0; k < STATS_CDF_POINTS; k++)
                r->cdf[k] *= s;
        }
    }
    return 0;
}

void sim_stop(sim_t *sim)
{
    sim->stopped = 1;
}

/* s with every "%s" replaced by arg, into buf. */
static void sim_subst(char *buf, size_t size, const char *s, const char *arg)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++) {
        if (s[0] == '%' && s[1] == 's') {
            for (const char *a = arg; *a && n + 1 < size; a++)
                buf[n++] = *a;
            s++;
        } else {
            buf[n++] = *s;
        }
    }
    buf[n] = '\0';
}

static void sim_declare_one(sim_t *sim, const sim_metric_spec *m, const char *name,
                            const char *what, const char *input, double scale, int *id)
{
    *id = sim_metric(sim, name, m->unit, scale, m->kind, what);
    if (m->domain != STATS_NONNEG || input)
        sim_metric_domain(sim, *id, m->domain, input);
}

/* Declares the rows of model's metric table in order, ids into state. */
static void sim_declare_table(sim_t *sim, const sim_model *model, void *state,
                              const void *params)
{
    for (size_t r = 0; r < model->nmetrics; r++) {
        const sim_metric_spec *m = &model->metrics[r];
        if (m->declare) {
            m->declare(sim, state, params);
            continue;
        }
        double scale = m->scale_of ? m->scale_of(params) : m->scale;
        int *id = (int *)(void *)((char *)state + m->id_offset);
        if (!m->each) {
            sim_declare_one(sim, m, m->name, m->what, m->input, scale, id);
            continue;
        }
        for (size_t k = 0; m->each[k]; k++) {
            char name[64], what[256], input[96];
            sim_subst(name, sizeof name, m->name, m->each[k]);
            sim_subst(what, sizeof what, m->what ? m->what : "", m->each[k]);
            if (m->input)
                sim_subst(input, sizeof input, m->input, m->each[k]);
            sim_declare_one(sim, m, name, what, m->input ? input : NULL, scale, id + k);
        }
    }
}

void sim_model_metric_count(const sim_model *model, double *metrics, double *tallies)
{
    *metrics = 0, *tallies = 0;
    for (size_t r = 0; r < model->nmetrics; r++) {
        const sim_metric_spec *m = &model->metrics[r];
        if (m->declare)
            continue;
        size_t n = 1;
        if (m->each)
            for (n = 0; m->each[n];)
                n++;
        *metrics += (double)n;
        if (m->kind == STATS_TALLY)
            *tallies += (double)n;
    }
}

/* What the descriptor says of state before init (and before its metric
 * table, whose declare rows may read it): p, self, streams, peers. */
static void sim_bind_state(sim_t *sim, const sim_model *model, void *state, const void *params)
{
    char *base = state;
    if (model->binds_state) {
        memcpy(base + model->params_at, &params, sizeof params);
        memcpy(base + model->self_at, &sim->self, sizeof sim->self);
    }
    for (size_t k = 0; k < model->nstreams; k++) {
        gsl_rng *r = sim_stream(sim, model->streams[k].purpose);
        memcpy(base + model->streams[k].offset, &r, sizeof r);
    }
    for (size_t k = 0; k < model->npeers; k++) {
        int id = sim_model_id(sim, model->peers[k].model);
        memcpy(base + model->peers[k].offset, &id, sizeof id);
    }
}

sim_t *sim_new(const sim_config *cfg, err_t *e)
{
    sim_t *sim = calloc(1, sizeof *sim);
    if (!sim) {
        err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        return NULL;
    }
    sim->cfg = *cfg;
    sim->free_head = UINT32_MAX;
    sim->self = -1;
    sim->end_ns = cfg->duration_ns > SIM_TIME_MAX - cfg->warmup_ns
                      ? SIM_TIME_MAX
                      : cfg->warmup_ns + cfg->duration_ns;
    if (evq_init(&sim->queue, 1024) != 0)
        goto oom;
    /* Allocated up front: a stream asked for once memory has run out must
     * still be usable until the failed run stops. */
    sim->spare = rng_stream_new(rng_key(cfg->seed, cfg->point, cfg->replication, 0));
    if (!sim->spare)
        goto oom;
    sim->states = calloc(cfg->nmodels ? cfg->nmodels : 1, sizeof *sim->states);
    if (!sim->states)
        goto oom;
    for (size_t i = 0; i < cfg->nmodels; i++) {
        if (!cfg->params[i])
            continue;
        sim->states[i] = calloc(1, cfg->models[i]->state_size ? cfg->models[i]->state_size : 1);
        if (!sim->states[i])
            goto oom;
    }
    /* Subscriptions before any init, so that a model may emit in its init. */
    for (size_t i = 0; i < cfg->nmodels; i++) {
        const sim_model *m = cfg->models[i];
        if (!sim->states[i])
            continue;
        for (size_t k = 0; k < m->nsubscriptions; k++) {
            int sig = m->subscriptions[k].signal;
            if (sig < 0 || sig >= SIM_MAX_SIGNALS || sim->nlisteners[sig] == SIM_MAX_LISTENERS) {
                err_set(e, ERR_SOFTWARE, NULL, 0, 0,
                        "model %s: subscription to signal %d out of range or over %d listeners",
                        m->name, sig, SIM_MAX_LISTENERS);
                sim_free(sim);
                return NULL;
            }
            sim->listener_model[sig][sim->nlisteners[sig]] = (uint8_t)i;
            sim->listener_kind[sig][sim->nlisteners[sig]++] = m->subscriptions[k].kind;
        }
    }
    /* Without a warmup the measured window starts at 0, and what the models
     * record in their init (the first deal, the first schedule) counts. */
    sim->warmup_done = cfg->warmup_ns <= 0;
    /* init in registry order, after all states exist, so that a model may
     * look up another's id (sim_model_id) in its init. */
    for (size_t i = 0; i < cfg->nmodels; i++) {
        if (!sim->states[i])
            continue;
        const sim_model *m = cfg->models[i];
        sim->self = (int)i;
        sim_bind_state(sim, m, sim->states[i], cfg->params[i]);
        sim_declare_table(sim, m, sim->states[i], cfg->params[i]);
        if ((m->init && m->init(sim, sim->states[i], cfg->params[i], &sim->error) != 0) ||
            sim->error.code) {
            if (!sim->error.code)
                err_set(&sim->error, ERR_SOFTWARE, NULL, 0, 0,
                        "model %s failed to initialise", m->name);
            if (e)
                *e = sim->error;
            sim_free(sim);
            return NULL;
        }
    }
    sim->self = -1;
    return sim;
oom:
    err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    sim_free(sim);
    return NULL;
}

void sim_free(sim_t *sim)
{
    if (!sim)
        return;
    if (sim->states) {
        for (size_t i = 0; i < sim->cfg.nmodels; i++) {
            const sim_model *m = sim->cfg.models[i];
            char *state = sim->states[i];
            if (!state)
                continue;
            if (m->release)
                m->release(state);
            for (size_t k = 0; k < m->nbuffers; k++) {
                void *buf;
                memcpy(&buf, state + m->buffers[k], sizeof buf);
                free(buf);
            }
            free(state);
        }
        free(sim->states);
    }
    for (size_t i = 0; i < sim->nblocks; i++)
        free(sim->blocks[i]);
    free(sim->blocks);
    evq_free(&sim->queue);
    for (size_t i = 0; i < sim->nstreams; i++)
        gsl_rng_free(sim->streams[i].rng);
    free(sim->streams);
    if (sim->spare)
        gsl_rng_free(sim->spare);
    for (size_t i = 0; i < sim->nhists; i++)
        stats_hist_free(&sim->hists[i]);
    free(sim->hists);
    for (size_t i = 0; i < sim->nmetrics; i++)
        stats_acc_free(&sim->accs[i]);
    free(sim->accs);
    free(sim->defs);
    free(sim->results);
    free(sim);
}

int64_t sim_end_time(const sim_t *sim) { return sim->end_ns; }
int64_t sim_warmup_time(const sim_t *sim) { return sim->cfg.warmup_ns; }
uint64_t sim_events_processed(const sim_t *sim) { return sim->events; }
size_t sim_events_pending(const sim_t *sim) { return evq_size(&sim->queue); }

size_t sim_queue_bytes(const sim_t *sim)
{
    return evq_bytes(&sim->queue) +
           sim->nblocks * SIM_BLOCK_EVENTS * sizeof(sim_event) +
           sim->blocks_cap * sizeof(sim_event *);
}

int sim_model_id(const sim_t *sim, const char *name)
{
    for (size_t i = 0; i < sim->cfg.nmodels; i++)
        if (sim->states[i] && strcmp(sim->cfg.models[i]->name, name) == 0)
            return (int)i;
    return -1;
}

int sim_self(const sim_t *sim)
{
    return sim->self;
}

int sim_emit_bytes(sim_t *sim, int signal, const void *payload, size_t size)
{
    if (signal < 0 || signal >= SIM_MAX_SIGNALS ||
        size > sizeof(((sim_event *)0)->data)) {
        sim_fail(sim, "signal %d with a %zu-byte payload", signal, size);
        return 0;
    }
    int n = sim->nlisteners[signal];
    for (int k = 0; k < n; k++) {
        sim_event *ev = sim_schedule(sim, sim_now(sim), sim->listener_model[signal][k],
                                     sim->listener_kind[signal][k], 0);
        memcpy(&ev->data, payload, size);
    }
    return n;
}

gsl_rng *sim_stream(sim_t *sim, const char *purpose)
{
    char full[160];
    snprintf(full, sizeof full, "%s.%s",
             sim->self >= 0 ? sim->cfg.models[sim->self]->name : "engine", purpose);
    uint64_t id = rng_name_id(full);
    for (size_t i = 0; i < sim->nstreams; i++)
        if (sim->streams[i].id == id)
            return sim->streams[i].rng;
    if (sim->nstreams == sim->streams_cap) {
        sim_stream_entry *s = grow_array(sim->streams, &sim->streams_cap, sim->nstreams + 1,
                                         sizeof *s, 8);
        if (!s)
            goto oom;
        sim->streams = s;
    }
    gsl_rng *r = rng_stream_new(rng_key(sim->cfg.seed, sim->cfg.point,
                                        sim->cfg.replication, id));
    if (!r)
        goto oom;
    sim->streams[sim->nstreams].id = id;
    sim->streams[sim->nstreams].rng = r;
    sim->nstreams++;
    return r;
oom:
    sim_fail(sim, "out of memory for random streams");
    /* A run that failed still needs a usable stream until it stops. */
    return sim->spare;
}

int sim_metric(sim_t *sim, const char *name, const char *unit, double scale,
               stats_kind kind, const char *what)
{
    if (sim->nmetrics == sim->metrics_cap) {
        /* defs and accs share one capacity. */
        size_t cap = sim->metrics_cap;
        stats_def *d = grow_array(sim->defs, &cap, sim->nmetrics + 1, sizeof *d, 16);
        if (!d) {
            sim_fail(sim, "out of memory for metrics");
            return 0;
        }
        sim->defs = d;
        cap = sim->metrics_cap;
        stats_acc *a = grow_array(sim->accs, &cap, sim->nmetrics + 1, sizeof *a, 16);
        if (!a) {
            sim_fail(sim, "out of memory for metrics");
            return 0;
        }
        sim->accs = a;
        sim->metrics_cap = cap;
    }
    size_t i = sim->nmetrics++;
    stats_def *d = &sim->defs[i];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s.%s",
             sim->self >= 0 ? sim->cfg.models[sim->self]->name : "engine", name);
    snprintf(d->unit, sizeof d->unit, "%s", unit);
    snprintf(d->what, sizeof d->what, "%s", what ? what : "");
    d->kind = kind;
    d->scale = scale;
    d->domain = STATS_NONNEG;
    /* One name, one metric: the results file keys metrics by name, and a
     * second one would fail only when the file is written, after the whole
     * run.  Scenario-named metrics are checked where they are read (with
     * the position); this catches what slips past, at init. */
    for (size_t j = 0; j < i; j++)
        if (strcmp(sim->defs[j].name, d->name) == 0) {
            sim_fail(sim, "metric %s is declared twice (metric names must be unique)",
                     d->name);
            break;
        }
    uint64_t key = rng_key(sim->cfg.seed, sim->cfg.point, sim->cfg.replication,
                           rng_name_id(d->name) ^ 0x5e5e5e5eULL);
    stats_acc_init(&sim->accs[i], kind, sim->cfg.quantile_samples, key);
    if (kind == STATS_TALLY)
        for (size_t w = 0; w < sim->cfg.nwatches; w++) {
            const sim_watch *sw = &sim->cfg.watches[w];
            double thr;
            if (strcmp(sw->metric, d->name) != 0 ||
                units_convert(sw->value, sw->unit, d->unit, &thr) != 0)
                continue;
            if (stats_watch_add(&sim->accs[i], thr, scale) < 0)
                sim_fail(sim, "metric %s: more than %d watched thresholds", d->name,
                         STATS_WATCHES);
        }
    return (int)i;
}

int sim_histogram(sim_t *sim)
{
    if (sim->nhists == sim->hists_cap) {
        stats_hist *h = grow_array(sim->hists, &sim->hists_cap, sim->nhists + 1, sizeof *h, 4);
        if (!h) {
            sim_fail(sim, "out of memory for histograms");
            return -1;
        }
        sim->hists = h;
    }
    if (stats_hist_init(&sim->hists[sim->nhists]) != 0) {
        sim_fail(sim, "out of memory for histograms");
        return -1;
    }
    return (int)sim->nhists++;
}

void sim_hist_add(sim_t *sim, int hist, uint64_t value)
{
    stats_hist_add(&sim->hists[hist], value);
}

double sim_hist_quantile(const sim_t *sim, int hist, double q)
{
    return stats_hist_quantile(&sim->hists[hist], q);
}

void sim_metric_domain(sim_t *sim, int metric, stats_domain domain, const char *input)
{
    stats_def *d = &sim->defs[metric];
    d->domain = domain;
    snprintf(d->input, sizeof d->input, "%s", input ? input : "");
}

void sim_tally(sim_t *sim, int metric, double raw)
{
    if (!sim->warmup_done)
        return;
    stats_acc *a = &sim->accs[metric];
    if (a->nwatch)
        stats_watch(a, raw, sim->head.now_ns);
    if (stats_tally_add(a, raw) != 0)
        sim_fail(sim, "out of memory for samples");
}

void sim_tally_censored(sim_t *sim, int metric, double raw)
{
    if (!sim->warmup_done)
        return;
    if (stats_tally_censored(&sim->accs[metric], raw) != 0)
        sim_fail(sim, "out of memory for samples");
}

void sim_level(sim_t *sim, int metric, double level)
{
    stats_level_set(&sim->accs[metric], sim->head.now_ns, level);
}

void sim_count(sim_t *sim, int metric, double increment)
{
    if (sim->warmup_done)
        stats_count_add(&sim->accs[metric], increment, sim->head.now_ns);
}

void sim_set_value(sim_t *sim, int metric, double value)
{
    sim->accs[metric].total = value;
}

size_t sim_metric_count(const sim_t *sim) { return sim->nmetrics; }
const stats_def *sim_metric_def(const sim_t *sim, size_t i) { return &sim->defs[i]; }
const stats_rep *sim_results(const sim_t *sim) { return sim->results; }

void sim_samples(const sim_t *sim, size_t metric, const double **x, size_t *nx,
                 const double **cens, size_t *ncens, double *weight, double *cens_weight)
{
    stats_acc_samples(&sim->accs[metric], x, nx, cens, ncens, weight, cens_weight);
}
