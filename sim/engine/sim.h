/* sim.h - the simulation context, events, models and metrics.
 *
 * One sim_t is one replication: its clock, calendar, event pool, model
 * states, random streams and metrics.  Nothing is global, so replications
 * run on different threads without locks (rule 4).
 *
 * Time is int64_t nanoseconds.  The engine owns every event: a model asks
 * for one with sim_schedule(), fills its payload, and receives a copy of
 * it in its event handler (the slot is back in the pool by then, so the
 * handler's first new event reuses a cache-hot slot).  Slots live in
 * fixed blocks that never move, so the pointer sim_schedule() returns stays
 * valid until the event fires or is cancelled.  Cancellation is lazy: a cancelled event stays
 * in the calendar and is dropped when it reaches the top.
 */
#ifndef MWRASP_SIM_H
#define MWRASP_SIM_H

#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "dist.h"
#include "err.h"
#include "grow.h"
#include "stats.h"

/* The configuration layer's types, passed through to a model's configure
 * step (config/cfg.h); the engine never looks inside them. */
struct cfg_ctx;
struct cfg_node;

#define SIM_NS_PER_US INT64_C(1000)
#define SIM_NS_PER_MS INT64_C(1000000)
#define SIM_NS_PER_S INT64_C(1000000000)
#define SIM_TIME_MAX INT64_MAX

typedef struct sim sim_t;

/* An event: 40 bytes (plus its 16-byte calendar entry).  data is the
 * model's to define. */
typedef struct sim_event {
    uint32_t target;  /* entity index inside the model (model-defined) */
    uint16_t kind;    /* model-defined event kind */
    uint8_t model;    /* registry id of the receiving model */
    uint8_t state;    /* engine-private: free / pending / cancelled */
    uint32_t gen;     /* engine-private: generation for handles */
    uint32_t slot;    /* engine-private: own pool slot */
    union {
        uint64_t u64[3];
        int64_t i64[3];
        double f64[3];
        uint32_t u32[6];
        void *ptr[3];
    } data;
} sim_event;

/* Names a scheduled event for cancellation; stale handles are harmless. */
typedef struct sim_handle {
    uint32_t slot, gen;
} sim_handle;

/* What one replication of a model will cost, estimated from its parameters
 * before anything runs (see budget.h).  Orders of magnitude matter, not
 * the last percent. */
typedef struct sim_estimate {
    /* in: simulated seconds of a replication (warmup included), and
     * whether a model is in the scenario (models talk to peers only when
     * those are active) */
    double horizon_s;
    int (*active)(const void *ctx, const char *model);
    const void *ctx;
    /* out */
    double state_bytes;     /* the model's own memory */
    double pending_events;  /* most events it keeps in the calendar at once */
    double init_events;     /* events handled at the start */
    double events_per_s;    /* events per simulated second, steady state */
    double metrics, tallies;/* metrics declared, of which tallies (samples kept) */
    const char *driver;     /* the parameter that sizes it ("phold.lps"), or NULL */
} sim_estimate;

/* One row of a model's metric table (sim_model.metrics).  Before the
 * model's init the engine declares the rows in order ("wait" in model
 * "mmc" becomes "mmc.wait") and writes each metric id into the model's
 * state at id_offset (an int).  Three kinds of rows:
 *  - a plain metric;
 *  - each != NULL: one metric per name of that NULL-terminated list, "%s"
 *    in name, what and input replaced by the name; the ids go to an int
 *    array at id_offset;
 *  - declare != NULL: metrics whose names come from the scenario (one per
 *    timeline item, per role): declare calls sim_metric for them, at this
 *    place in the order; name and what then only document the pattern.
 * scale_of, when set, gives the scale from the parameters (it replaces
 * scale). */
typedef struct sim_metric_spec {
    const char *name;        /* without the model prefix */
    const char *unit;
    double scale;            /* raw value -> unit (1e-6: ns -> ms) */
    stats_kind kind;
    stats_domain domain;
    const char *input;       /* the keys that fix it (BY CONSTRUCTION), or NULL */
    const char *what;        /* one line for the table and --help-model */
    size_t id_offset;        /* offsetof(state, m_x) */
    const char *const *each;
    double (*scale_of)(const void *params);
    void (*declare)(sim_t *sim, void *state, const void *params);
} sim_metric_spec;

/* A plain metric row; state is the model's state type, field its int id. */
#define SIM_METRIC(state, field, name, unit, scale, kind, domain, input, what) \
    { (name), (unit), (scale), (kind), (domain), (input), (what),               \
      offsetof(state, field), NULL, NULL, NULL }

/* The kinds of value a parameter row reads (the cfg_* getter it uses) and
 * the C type at its offset in the params struct. */
typedef enum sim_param_type {
    SIM_PARAM_INT,       /* int64_t; idef, imin, imax */
    SIM_PARAM_DOUBLE,    /* double; def, min, max */
    SIM_PARAM_BOOL,      /* int; idef */
    SIM_PARAM_FRACTION,  /* double; def, min, max */
    SIM_PARAM_DURATION,  /* int64_t ns; idef, imin, imax */
    SIM_PARAM_RATE,      /* double per s; def, min, max */
    SIM_PARAM_SIZE,      /* uint64_t bytes; idef, imin, imax */
    SIM_PARAM_STRING,    /* const char *; sdef */
    SIM_PARAM_ENUM,      /* int index into names; idef */
    SIM_PARAM_DIST,      /* dist_t of plain numbers; dist */
    SIM_PARAM_TIME_DIST, /* dist_t of durations (ns); dist */
    SIM_PARAM_LIST,      /* a list or mapping the model's hook reads */
} sim_param_type;

/* One row of a model's parameter table (sim_model.params), read in order
 * by the configuration layer (modeltab.h), which also prints the tables
 * (--help-model) and writes docs/scenarios.md from them.  key may be
 * dotted ("batch.max": key max of the mapping batch).  A row with hook
 * set is read by the hook instead, at its place in the order (cross-field
 * rules, values whose default depends on another); a row with custom set
 * is read by a hook elsewhere (modeltab_param), so the table still holds
 * its default and range. */
typedef struct sim_param {
    const char *key;
    sim_param_type type;
    size_t offset;
    int required;
    int64_t idef, imin, imax;
    double def, min, max;
    const char *sdef;
    dist_t dist;
    const char *const *names; /* SIM_PARAM_ENUM: NULL-terminated */
    const char *unit;         /* for the reference: "s", "requests" ("" if none) */
    const char *help;
    int (*hook)(struct cfg_ctx *c, struct cfg_node *map, void *params);
    int custom;
} sim_param;

/* Row builders: P is the params type, F the field. */
#define SIM_P_INT(K_, P, F, D_, lo, hi, U_, H_) \
    { .key = (K_), .type = SIM_PARAM_INT, .offset = offsetof(P, F), .idef = (D_), \
      .imin = (lo), .imax = (hi), .unit = (U_), .help = (H_) }
#define SIM_P_DURATION(K_, P, F, D_, lo, hi, H_) \
    { .key = (K_), .type = SIM_PARAM_DURATION, .offset = offsetof(P, F), .idef = (D_), \
      .imin = (lo), .imax = (hi), .unit = "duration", .help = (H_) }
#define SIM_P_SIZE(K_, P, F, D_, lo, hi, H_) \
    { .key = (K_), .type = SIM_PARAM_SIZE, .offset = offsetof(P, F), .idef = (D_), \
      .imin = (lo), .imax = (hi), .unit = "size", .help = (H_) }
#define SIM_P_DOUBLE(K_, P, F, D_, lo, hi, U_, H_) \
    { .key = (K_), .type = SIM_PARAM_DOUBLE, .offset = offsetof(P, F), .def = (D_), \
      .min = (lo), .max = (hi), .unit = (U_), .help = (H_) }
#define SIM_P_FRACTION(K_, P, F, D_, lo, hi, H_) \
    { .key = (K_), .type = SIM_PARAM_FRACTION, .offset = offsetof(P, F), .def = (D_), \
      .min = (lo), .max = (hi), .unit = "fraction", .help = (H_) }
#define SIM_P_RATE(K_, P, F, D_, lo, hi, H_) \
    { .key = (K_), .type = SIM_PARAM_RATE, .offset = offsetof(P, F), .def = (D_), \
      .min = (lo), .max = (hi), .unit = "rate", .help = (H_) }
#define SIM_P_BOOL(K_, P, F, D_, H_) \
    { .key = (K_), .type = SIM_PARAM_BOOL, .offset = offsetof(P, F), .idef = (D_), \
      .unit = "bool", .help = (H_) }
#define SIM_P_ENUM(K_, P, F, names_, D_, H_) \
    { .key = (K_), .type = SIM_PARAM_ENUM, .offset = offsetof(P, F), .idef = (D_), \
      .names = (names_), .unit = "enum", .help = (H_) }
#define SIM_P_STRING(K_, P, F, D_, H_) \
    { .key = (K_), .type = SIM_PARAM_STRING, .offset = offsetof(P, F), .sdef = (D_), \
      .unit = "string", .help = (H_) }
/* dist_kind, a, b: the default distribution (dist.h's fields). */
#define SIM_P_DIST(K_, P, F, KIND_, A_, B_, H_) \
    { .key = (K_), .type = SIM_PARAM_DIST, .offset = offsetof(P, F), \
      .dist = { (KIND_), (A_), (B_) }, .unit = "distribution", .help = (H_) }
#define SIM_P_TIME_DIST(K_, P, F, KIND_, A_, B_, H_) \
    { .key = (K_), .type = SIM_PARAM_TIME_DIST, .offset = offsetof(P, F), \
      .dist = { (KIND_), (A_), (B_) }, .unit = "distribution", .help = (H_) }
/* A list (or mapping) only a hook can read, documented here. */
#define SIM_P_LIST(K_, hook_, H_) \
    { .key = (K_), .type = SIM_PARAM_LIST, .unit = "list", .help = (H_), .hook = (hook_) }

/* The number of rows of a table (sim_model.params, .metrics). */
#define SIM_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Signals: a notification for whoever listens (a key was rotated, an
 * agent isolated, a detection raised), emitted without naming a model.
 * Signal numbers belong to the model layer (models/signals.h); the engine
 * only routes them.  A model subscribes in its descriptor: each signal it
 * wants and the event kind it receives it as. */
#define SIM_MAX_SIGNALS 32
#define SIM_MAX_LISTENERS 8 /* subscribers of one signal */
typedef struct sim_subscription {
    int signal;     /* 0 .. SIM_MAX_SIGNALS-1 */
    uint16_t kind;  /* the subscriber's event kind */
} sim_subscription;
/* In a sim_model initialiser: the subscriptions of a static array. */
#define SIM_SUBSCRIBE(array) \
    .subscriptions = (array), .nsubscriptions = sizeof(array) / sizeof((array)[0])

/* One row of a model's stream table (sim_model.streams): before the
 * model's init the engine opens, in table order, the stream that
 * sim_stream(sim, purpose) gives the model and writes it into the state at
 * offset (a gsl_rng * field).  The stream depends on the purpose alone,
 * not on the order. */
typedef struct sim_stream_spec {
    const char *purpose;
    size_t offset;
} sim_stream_spec;

/* offsetof(state, field), which must be of type T (a compile error if not). */
#define SIM_FIELD_OF(state, field, T) \
    (offsetof(state, field) + 0 * sizeof(char[_Generic(((state *)0)->field, T: 1)]))

/* A stream row: field is a gsl_rng * of the state type. */
#define SIM_STREAM(state, field, purpose) { (purpose), SIM_FIELD_OF(state, field, gsl_rng *) }

/* One row of a model's peer table (sim_model.peers): before init the
 * engine writes sim_model_id(sim, model), the id of the model it sends
 * work to or -1 when that model is not in the scenario (a send to -1 is a
 * no-op), into the state at offset (an int). */
typedef struct sim_peer_spec {
    const char *model;
    size_t offset;
} sim_peer_spec;

/* A peer row: field is an int of the state type. */
#define SIM_PEER(state, field, model) { (model), SIM_FIELD_OF(state, field, int) }

/* One row of a model's buffer table (sim_model.buffers, size_t offsets):
 * a pointer field of the state that owns heap memory (malloc, or grow.h
 * from NULL), freed by the engine after the model's release, if any. */
#define SIM_BUFFER(state, field) (offsetof(state, field) + GROW_IS_POINTER(((state *)0)->field))

/* Designated initialisers of a sim_model, one a table:
 *   SIM_STATE(state)          its state type: state_size, and the fields
 *                             the engine sets before init: p (a pointer to
 *                             the model's params) and self (int, its id);
 *   SIM_PARAMS(type, table)   its params type and parameter table;
 *   SIM_METRICS(table)        its metric table;
 *   SIM_STREAMS(table)        its stream table;
 *   SIM_PEERS(table)          its peer table;
 *   SIM_BUFFERS(table)        its buffer table. */
#define SIM_STATE(state)                                                        \
    .state_size = sizeof(state), .binds_state = 1,                              \
    .params_at = offsetof(state, p) + GROW_IS_POINTER(((state *)0)->p),        \
    .self_at = SIM_FIELD_OF(state, self, int)
#define SIM_PARAMS(type, table) \
    .params_size = sizeof(type), .params = (table), .nparams = SIM_COUNT(table)
#define SIM_METRICS(table) .metrics = (table), .nmetrics = SIM_COUNT(table)
#define SIM_STREAMS(table) .streams = (table), .nstreams = SIM_COUNT(table)
#define SIM_PEERS(table) .peers = (table), .npeers = SIM_COUNT(table)
#define SIM_BUFFERS(table) .buffers = (table), .nbuffers = SIM_COUNT(table)

/* A model: one const table of callbacks with exact prototypes (rule 2).
 *   params     its parameter table: the configuration layer pulls the
 *              scenario section into params (params_size bytes, zeroed
 *              first) row by row, then calls configure;
 *   configure  (may be NULL) what a table cannot say: cross-field checks
 *              and values derived from others; returns 0 or -1 after
 *              recording diagnostics in c.  Called once per scenario,
 *              params are then shared read-only.
 *   metrics    its metric table, declared by the engine before init;
 *   streams    its stream table, opened by the engine before init;
 *   peers      its peer table, the ids the engine looks up before init;
 *   init       (may be NULL) sets up state (state_size bytes, zeroed;
 *              with SIM_STATE, p and self already set, and the metric ids,
 *              streams and peers of the tables in place) for a replication:
 *              what the tables cannot say, and the first events.
 *   event      handles one event addressed to this model.
 *   finish     at the end of a replication: set STATS_VALUE metrics.
 *   release    frees what init allocated (may be NULL) but for the
 *              buffers of its buffer table, which the engine frees next.
 *   estimate   the cost of a replication, before any (may be NULL). */
typedef struct sim_model {
    const char *name;          /* also the scenario section key */
    const char *summary;       /* one line for --help */
    size_t params_size;
    size_t state_size;
    const sim_param *params;
    size_t nparams;
    const sim_metric_spec *metrics;
    size_t nmetrics;
    int (*configure)(struct cfg_ctx *c, struct cfg_node *section, void *params);
    int (*init)(sim_t *sim, void *state, const void *params, err_t *e);
    void (*event)(sim_t *sim, void *state, const sim_event *ev);
    void (*finish)(sim_t *sim, void *state);
    void (*release)(void *state);
    /* estimate (may be NULL: a small model) fills the outputs of est (its
     * inputs set, and metrics and tallies already counted from the metric
     * table: the hook adds those of its declare rows) for params. */
    void (*estimate)(const void *params, sim_estimate *est);
    /* the signals it listens to (see sim_emit); NULL when none */
    const sim_subscription *subscriptions;
    size_t nsubscriptions;
    const sim_stream_spec *streams;
    size_t nstreams;
    const sim_peer_spec *peers;
    size_t npeers;
    const size_t *buffers;  /* SIM_BUFFER offsets */
    size_t nbuffers;
    /* SIM_STATE: where the state keeps its params pointer and its id */
    int binds_state;
    size_t params_at, self_at;
} sim_model;

/* The metrics and the tallies among them that model's table declares,
 * but for its declare rows (whose names come from the scenario). */
void sim_model_metric_count(const sim_model *model, double *metrics, double *tallies);

/* A threshold the caller wants counted exactly on a tally (claims: "every
 * case" and fraction_below), written with its unit as in the scenario. */
typedef struct sim_watch {
    const char *metric;      /* dotted metric name */
    double value;
    char unit[8];            /* "" = the metric's unit */
} sim_watch;

/* Replication settings, fixed for one run of one scenario point. */
typedef struct sim_config {
    uint64_t seed;
    uint64_t point;          /* sweep point index (0 without a sweep) */
    uint64_t replication;
    int64_t duration_ns;     /* events at time >= warmup+duration are not run */
    int64_t warmup_ns;       /* statistics reset at this time */
    size_t quantile_samples; /* per-tally cap, see stats.h */
    const sim_model *const *models; /* registry */
    size_t nmodels;
    void *const *params;     /* params[i] for model i, NULL if inactive */
    /* When non-NULL and set (by a signal handler), the run stops within
     * 65,536 events and sim_run returns ERR_INTERRUPTED. */
    volatile sig_atomic_t *interrupt;
    const sim_watch *watches;  /* counted on the tallies they name */
    size_t nwatches;
} sim_config;

/* Creates a replication and runs every active model's init in registry
 * order.  NULL with e set on failure. */
sim_t *sim_new(const sim_config *cfg, err_t *e);
void sim_free(sim_t *sim);

/* Runs until the calendar is empty, the end time is reached or
 * sim_stop() is called; then finishes models.  0 or an ERR_* code. */
int sim_run(sim_t *sim, err_t *e);
/* Ends the run after the current event. */
void sim_stop(sim_t *sim);
/* Records a fatal model error (first one wins) and stops the run. */
void sim_fail(sim_t *sim, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Fails the run with "MODEL: out of memory" (the model being run) and
 * returns -1. */
int sim_fail_oom(sim_t *sim);
/* GROW_RESERVE and GROW_RING_PUSH (grow.h) of a model's list that fail
 * the run when out of memory: 0, or -1 (stop handling the event). */
#define SIM_RESERVE(sim, ptr, cap, need, first) \
    (GROW_RESERVE(ptr, cap, need, first) == 0 ? 0 : sim_fail_oom(sim))
#define SIM_RING_PUSH(sim, ptr, cap, head, len, first, value) \
    (GROW_RING_PUSH(ptr, cap, head, len, first, value) == 0 ? 0 : sim_fail_oom(sim))
/* 1 once sim_fail was called (e.g. out of memory for events): a model's
 * long loops (init of millions of entities) stop there. */
int sim_failed(const sim_t *sim);

/* The public head of struct sim: its first member, so a sim_t pointer
 * converts to a sim_head pointer (C11 6.7.2.1p15) and the clock can be
 * read inline on hot paths. */
typedef struct sim_head {
    int64_t now_ns;
} sim_head;

/* Current simulated time, ns. */
static inline int64_t sim_now(const sim_t *sim)
{
    return ((const sim_head *)(const void *)sim)->now_ns;
}
int64_t sim_end_time(const sim_t *sim);
/* The warmup time (statistics reset there), ns. */
int64_t sim_warmup_time(const sim_t *sim);
uint64_t sim_events_processed(const sim_t *sim);
size_t sim_events_pending(const sim_t *sim);
/* Bytes held by the calendar and the event pool. */
size_t sim_queue_bytes(const sim_t *sim);

/* Schedules an event of kind for (model, target) at absolute time at
 * (>= now).  Returns the event so the caller can fill data; never NULL
 * (out of memory stops the run and returns a scratch event). */
sim_event *sim_schedule(sim_t *sim, int64_t at, int model, uint16_t kind,
                        uint32_t target);
/* Same, at now + delay; a delay past the end of time saturates at
 * SIM_TIME_MAX (such an event never runs, but can still be cancelled). */
static inline sim_event *sim_schedule_in(sim_t *sim, int64_t delay, int model,
                                         uint16_t kind, uint32_t target)
{
    int64_t now = sim_now(sim);
    int64_t at = delay > SIM_TIME_MAX - now ? SIM_TIME_MAX : now + delay;
    return sim_schedule(sim, at, model, kind, target);
}
/* A sampled delay (ns, as a double) as an int64 delay: rounded to the
 * nearest ns; past the end of int64 time (or NaN) it is SIM_TIME_MAX,
 * "never", instead of overflowing (a rate of 1e-9/d has a mean gap of
 * 8.6e22 ns). */
static inline int64_t sim_ns(double ns)
{
    if (!(ns < 9223372036854774784.0))
        return SIM_TIME_MAX;
    if (__builtin_expect(ns > -9223372036854774784.0, 1)) {
        /* llround(ns) inline (it was 4 % of bench/mm1 out of line): the
         * truncation and the fraction ns - i are exact for |ns| < 2^63, so
         * rounding the half away from zero gives llround's value. */
        int64_t i = (int64_t)ns;
        double f = ns - (double)i;
        return i + (f >= 0.5) - (f <= -0.5);
    }
    return (int64_t)llround(ns);
}
/* t + delay_ns (delay >= 0), saturating at SIM_TIME_MAX. */
static inline int64_t sim_time_add(int64_t t, int64_t delay_ns)
{
    return delay_ns > SIM_TIME_MAX - t ? SIM_TIME_MAX : t + delay_ns;
}
sim_handle sim_handle_of(const sim_event *ev);
/* Cancels a pending event; returns 1 if it was pending, 0 if stale. */
int sim_cancel(sim_t *sim, sim_handle h);

/* Registry id of the model called name, or -1 when it is not active in
 * this scenario.  Models use it to address events to each other. */
int sim_model_id(const sim_t *sim, const char *name);
/* The id of the model currently being initialised or handling an event. */
int sim_self(const sim_t *sim);

/* Emits signal: every active model that subscribes to it gets an event
 * of its subscription's kind at the current time, target 0, carrying
 * size bytes of payload, in registry order (so that delivery is the same
 * in every run).  Returns the number of listeners (0: nobody listens, a
 * no-op).  Use sim_emit with a pointer to the signal's payload struct. */
int sim_emit_bytes(sim_t *sim, int signal, const void *payload, size_t size);
#define sim_emit(sim, signal, payload) \
    sim_emit_bytes((sim), (signal), (payload), sizeof *(payload))

/* Typed payloads.  A model's header declares one struct per event kind
 * other models send it (SIM_PAYLOAD_FITS checks it fits an event) and a
 * send function built on sim_send (SIM_TYPED_SEND, one line); its handler
 * reads the struct back with sim_payload.  Nobody fills data.u32[k] by
 * position across models. */
#define SIM_PAYLOAD_FITS(type) \
    _Static_assert(sizeof(type) <= sizeof(((sim_event *)0)->data), #type " fits an event payload")
/* Schedules kind for (model, target) at `at` carrying size bytes of
 * payload; a no-op when model < 0 (the peer is not in the scenario). */
static inline void sim_send(sim_t *sim, int64_t at, int model, uint16_t kind, uint32_t target,
                            const void *payload, size_t size)
{
    if (model < 0)
        return;
    sim_event *ev = sim_schedule(sim, at, model, kind, target);
    memcpy(&ev->data, payload, size);
}
/* Defines, in the receiver's header, the typed send of one of its kinds:
 *     void fn(sim_t *sim, int to, int64_t at, const type *msg)
 * schedules kind for model `to` (a no-op when to < 0) at `at`, at entity
 * target (an expression of msg, e.g. msg->agent, or 0), carrying *msg;
 * and checks that type fits an event.  Use at file scope, with a ';'. */
#define SIM_TYPED_SEND(fn, kind, type, target)                              \
    static inline void fn(sim_t *sim, int to, int64_t at, const type *msg)  \
    {                                                                       \
        sim_send(sim, at, to, (kind), (target), msg, sizeof *msg);          \
    }                                                                       \
    SIM_PAYLOAD_FITS(type)
/* Copies ev's payload into out (size bytes, the struct sim_send sent). */
static inline void sim_payload(const sim_event *ev, void *out, size_t size)
{
    memcpy(out, &ev->data, size);
}
/* ev's payload as a const type *: a copy (sim_payload) in a compound
 * literal that lives until the end of the enclosing block, so that a
 * handler can pass it on: handle(sim, s, SIM_PAYLOAD(ev, type)). */
static inline const void *sim_payload_copy(const sim_event *ev, void *out, size_t size)
{
    memcpy(out, &ev->data, size);
    return out;
}
#define SIM_PAYLOAD(ev, type) \
    ((const type *)sim_payload_copy((ev), &(type){ 0 }, sizeof(type)))

/* A stream keyed by (seed, point, replication, model name + purpose).
 * Owned by the sim; the same purpose string returns the same stream. */
gsl_rng *sim_stream(sim_t *sim, const char *purpose);

/* Metrics.  Declare in init; the name gets the model's name as prefix
 * ("wait" in model "mmc" becomes "mmc.wait").  scale converts recorded raw
 * values (ns for durations) to unit.  Returns the metric id. */
int sim_metric(sim_t *sim, const char *name, const char *unit, double scale,
               stats_kind kind, const char *what);
/* Declares metric's domain (default STATS_NONNEG; see stats.h) and, for
 * a figure the scenario fixes, the keys that fix it (input, or NULL for an
 * outcome): claims on it are reported BY CONSTRUCTION. */
void sim_metric_domain(sim_t *sim, int metric, stats_domain domain, const char *input);
/* Observations before the warmup time are ignored (levels still track
 * their value). */
void sim_tally(sim_t *sim, int metric, double raw);
/* A TTE tally: the event had not happened after raw (the run ended, or
 * the item went away first).  Call at finish for everything still
 * waiting, so estimates keep the events that never happened. */
void sim_tally_censored(sim_t *sim, int metric, double raw);
void sim_level(sim_t *sim, int metric, double level);
void sim_count(sim_t *sim, int metric, double increment);
void sim_set_value(sim_t *sim, int metric, double value);

/* A bounded histogram tally (stats.h) owned by the replication and, like
 * the metrics, emptied at the warmup time: for quantiles a model reports
 * itself as VALUE metrics at finish.  Declare in init.  Returns its id, or
 * -1 after failing the run (out of memory). */
int sim_histogram(sim_t *sim);
void sim_hist_add(sim_t *sim, int hist, uint64_t value);
/* The q-quantile of what hist counted since the warmup; NaN if nothing. */
double sim_hist_quantile(const sim_t *sim, int hist, double q);

size_t sim_metric_count(const sim_t *sim);
const stats_def *sim_metric_def(const sim_t *sim, size_t i);
/* After sim_run: the replication's results, one per metric (owned by sim). */
const stats_rep *sim_results(const sim_t *sim);
/* After sim_run: a tally's kept samples (events sorted, raw units) and
 * censored observations, with the observations each stands for. */
void sim_samples(const sim_t *sim, size_t metric, const double **x, size_t *nx,
                 const double **cens, size_t *ncens, double *weight, double *cens_weight);

#endif
