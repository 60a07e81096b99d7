/* response.c - the incident pipeline (see response.h).
 *
 * Invariants: an incident's steps are planned once, when classification
 * completes, and each step's completion is one event; `pending` counts the
 * incident's steps not yet completed and the incident's total time is taken
 * when it reaches zero.  Step durations are drawn in step order from one
 * stream, so the plan does not depend on what else is in flight.  With
 * `merge`, the first detection of an attack opens its only incident.
 */
#include "response.h"
#include "grow.h"
#include "cfg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "canaries.h"
#include "consensus.h"
#include "escalation.h"
#include "invariant.h"
#include "key_rotation.h"
#include "rng.h"

#define RESPONSE_MAX_FALSE 8


typedef enum response_step {
    STEP_CLASSIFY = 0, STEP_CONTAIN, STEP_ROTATE, STEP_EXPAND, STEP_ISOLATE,
    STEP_CANARIES, STEP_INTEL, STEP_NOTIFY, NSTEPS
} response_step;

static const char *const step_names[NSTEPS + 1] = {
    "classify", "containment", "emergency_key_rotation", "key_space_expansion",
    "isolate_agents", "reactive_canaries", "threat_intel_update", "notify_stakeholders", NULL,
};

/* Containment actions per severity: runbook L780-L785 (their names and
 * durations are rows of the parameter table). */
enum { NACTIONS = 11 };
static const int action_first[RESPONSE_NSEVERITIES] = {0, 2, 5, 8};
static const int action_count[RESPONSE_NSEVERITIES] = {2, 3, 3, 3};


static const char *const classification_names[] = {"intended", "as_written", NULL};

typedef struct response_false {
    int type;
    double rate_per_s;
    dist_t confidence;
} response_false;

typedef struct response_params {
    int as_written;
    int64_t target_ns;
    int parallel;
    dist_t step[NSTEPS];        /* ns; [STEP_CONTAIN] unused */
    dist_t action[NACTIONS];    /* ns */
    int64_t keys_per_rotation, expanded_bits, reactive_canaries;
    int fence_nodes, isolate_agents_event, merge;
    int nfalse;
    response_false fp[RESPONSE_MAX_FALSE];
} response_params;

typedef struct response_incident {
    int64_t detected_ns;
    double confidence;
    uint32_t attack, entity;
    uint8_t type, severity, flags, pending;
} response_incident;

typedef struct response_state {
    const response_params *p;
    int self, canaries, escalation, consensus, key_rotation; /* it requests work from them */
    gsl_rng *steps_rng, *fp_rng;
    response_incident *inc;
    size_t ninc, cap;
    uint8_t *seen;              /* [seen_cap] attack ids with an incident */
    size_t seen_cap;
    int m_step[NSTEPS], m_total, m_within, m_contain, m_incidents,
        m_sev[RESPONSE_NSEVERITIES], m_type[RESPONSE_NTYPES], m_false, m_merged;
} response_state;

response_severity response_classify(double confidence, int as_written)
{
    static const double threshold[RESPONSE_NSEVERITIES] = {0.3, 0.6, 0.8, 0.95};
    if (as_written) {
        /* The runbook's loop walks the dict in insertion order (low first)
         * and returns the first threshold met, else its fallback 'low'. */
        for (int s = 0; s < RESPONSE_NSEVERITIES; s++)
            if (confidence >= threshold[s])
                return (response_severity)s;
        return RESPONSE_LOW;
    }
    for (int s = RESPONSE_NSEVERITIES - 1; s >= 0; s--)
        if (confidence >= threshold[s])
            return (response_severity)s;
    return RESPONSE_LOW;
}


/* The false-positive streams: a list of {type, rate, confidence}. */
static int response_false_positives(cfg_ctx *c, cfg_node *sec, void *params)
{
    response_params *p = params;
    int bad = 0;
    cfg_node *list = cfg_list_upto(c, sec, "false_positives", RESPONSE_MAX_FALSE,
                                   "response.false_positives", "streams", &bad);
    if (bad)
        return bad;
    for (size_t i = 0; list && i < list->n; i++) {
        cfg_node *g = cfg_list_map(c, list, i, "response.false_positives", "item",
                                   "{type: quantum_attack, rate: 34/d, confidence: {dist: "
                                   "uniform, min: 0.3, max: 0.9}}", &bad);
        response_false *f = &p->fp[p->nfalse++];
        if (!g)
            continue;
        char saved[sizeof c->prefix], item[48];
        snprintf(item, sizeof item, "false_positives[%zu]", i);
        cfg_prefix_enter(c, item, saved);
        bad |= cfg_require(c, g, "type");
        bad |= cfg_enum(c, g, "type", response_type_names, 0, &f->type);
        bad |= cfg_require(c, g, "rate");
        bad |= cfg_rate(c, g, "rate", 1.0 / 86400, 1e-12, 1e9, &f->rate_per_s);
        dist_t def = dist_uniform(0.3, 0.9);
        bad |= cfg_dist(c, g, "confidence", &def, 0, &f->confidence);
        cfg_set_prefix(c, saved);
    }
    return bad ? -1 : 0;
}

/* ASSUMPTIONS: the runbook gives no step or action durations; these are
 * median times of automated actions (ms), lognormal with sigma 0.5. */
#define RESPONSE_STEP(name, i, ms)                                                        \
    SIM_P_TIME_DIST("steps." name, response_params, step[i], DIST_LOGNORMAL,              \
                    (ms) * SIM_NS_PER_MS, 0.5, "duration of step " name)
#define RESPONSE_ACTION(name, i, ms)                                                      \
    SIM_P_TIME_DIST("containment." name, response_params, action[i], DIST_LOGNORMAL,      \
                    (ms) * SIM_NS_PER_MS, 0.5, "duration of containment action " name)

static const sim_param response_params_table[] = {
    SIM_P_ENUM("classification", response_params, as_written, classification_names, 0,
               "intended: the highest threshold met; as_written: the runbook's loop (L764)"),
    SIM_P_DURATION("target", response_params, target_ns, 100 * SIM_NS_PER_MS, 1, INT64_MAX / 4,
                   "response-time target (L701)"),
    SIM_P_BOOL("parallel", response_params, parallel, 0, "steps 2-8 concurrently"),
    SIM_P_INT("keys_per_rotation", response_params, keys_per_rotation, 10, 1, 1000000, "keys",
              "keys rotated by one emergency rotation (draws of steps.emergency_key_rotation)"),
    SIM_P_INT("expanded_bits", response_params, expanded_bits, 256, 1, 4096, "bits",
              "key size after key-space expansion"),
    SIM_P_INT("reactive_canaries", response_params, reactive_canaries, 100, 0, INT64_C(1) << 32,
              "canaries", "canaries deployed per incident"),
    SIM_P_BOOL("fence_nodes", response_params, fence_nodes, 1,
               "crash-fence a detected Byzantine node"),
    SIM_P_BOOL("isolate_agents_event", response_params, isolate_agents_event, 1,
               "send RESPONSE_AGENTS_EV_ISOLATE to agents"),
    SIM_P_BOOL("merge", response_params, merge, 1,
               "one incident per attack: later detections are counted only"),
    RESPONSE_STEP("classify", STEP_CLASSIFY, 1),
    RESPONSE_STEP("emergency_key_rotation", STEP_ROTATE, 5),
    RESPONSE_STEP("key_space_expansion", STEP_EXPAND, 20),
    RESPONSE_STEP("isolate_agents", STEP_ISOLATE, 10),
    RESPONSE_STEP("reactive_canaries", STEP_CANARIES, 15),
    RESPONSE_STEP("threat_intel_update", STEP_INTEL, 10),
    RESPONSE_STEP("notify_stakeholders", STEP_NOTIFY, 5),
    RESPONSE_ACTION("increase_monitoring", 0, 2),
    RESPONSE_ACTION("log_activity", 1, 1),
    RESPONSE_ACTION("rate_limit", 2, 5),
    RESPONSE_ACTION("enable_decoys", 3, 10),
    RESPONSE_ACTION("alert_soc", 4, 5),
    RESPONSE_ACTION("block_source", 5, 5),
    RESPONSE_ACTION("isolate_network", 6, 20),
    RESPONSE_ACTION("activate_honeypots", 7, 15),
    RESPONSE_ACTION("emergency_shutdown", 8, 50),
    RESPONSE_ACTION("full_isolation", 9, 30),
    RESPONSE_ACTION("incident_response", 10, 10),
    SIM_P_LIST("false_positives", response_false_positives,
               "background detection streams [{type, rate, confidence (default uniform 0.3-0.9)}]"),
};

static const sim_metric_spec response_metrics[] = {
    /* A step's time is drawn from the scenario's step distributions. */
    { "step.%s", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, "response.steps.%s, response.containment.*",
      "time of step '%s' per incident that runs it (runbook L709-L762)",
      offsetof(response_state, m_step), step_names, NULL, NULL },
    SIM_METRIC(response_state, m_total, "total", "ms", 1e-6, STATS_TALLY, STATS_NONNEG, NULL,
               "detection to last step done; runbook target 100 ms (L701)"),
    SIM_METRIC(response_state, m_within, "within_target", "1", 1.0, STATS_TALLY,
               STATS_PROPORTION, NULL, "fraction of incidents whose total time <= target"),
    SIM_METRIC(response_state, m_contain, "time_to_contain", "ms", 1e-6, STATS_TALLY,
               STATS_NONNEG, NULL, "detection to containment actions done"),
    SIM_METRIC(response_state, m_incidents, "incidents", "1", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "incidents opened"),
    { "incidents_%s", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL, "incidents classified %s",
      offsetof(response_state, m_sev), response_severity_names, NULL, NULL },
    { "incidents_%s", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL, "incidents of type %s",
      offsetof(response_state, m_type), response_type_names, NULL, NULL },
    SIM_METRIC(response_state, m_false, "false_positives", "1", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "incidents opened by a detection with no attack behind it, from every "
               "source (background, drift flags of clean agents, false canary trips)"),
    SIM_METRIC(response_state, m_merged, "merged_detections", "1", 1.0, STATS_COUNT,
               STATS_NONNEG, NULL,
               "further detections of an attack that already has an incident"),
};

static const sim_stream_spec response_streams[] = {
    SIM_STREAM(response_state, steps_rng, "steps"),
    SIM_STREAM(response_state, fp_rng, "false_positives"),
};

static const sim_peer_spec response_peers[] = {
    SIM_PEER(response_state, canaries, "canaries"),
    SIM_PEER(response_state, escalation, "escalation"),
    SIM_PEER(response_state, consensus, "consensus"),
    SIM_PEER(response_state, key_rotation, "key_rotation"),
};

static const size_t response_buffers[] = {
    SIM_BUFFER(response_state, inc),
    SIM_BUFFER(response_state, seen),
};

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void response_next_false(sim_t *sim, response_state *s, int i)
{
    double gap = rng_exponential(s->fp_rng, 1e9 / s->p->fp[i].rate_per_s);
    if (gap >= (double)(sim_end_time(sim) - sim_now(sim)))
        return;
    sim_schedule_in(sim, (int64_t)llround(gap), s->self, RESPONSE_EV_FALSE_POSITIVE, (uint32_t)i);
}

static int response_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)e;
    response_state *s = state;
    const response_params *p = params;
    for (int i = 0; i < p->nfalse; i++)
        response_next_false(sim, s, i);
    return 0;
}

/* Marks attack as having an incident; returns 1 if it already had one. */
static int response_seen(sim_t *sim, response_state *s, uint32_t attack)
{
    if (SIM_RESERVE(sim, s->seen, s->seen_cap, (size_t)attack + 1, 64) != 0)
        return 1;
    int was = s->seen[attack];
    s->seen[attack] = 1;
    return was;
}

static void response_detect(sim_t *sim, response_state *s, int type, unsigned source_flags,
                            uint32_t attack, uint32_t entity, double confidence)
{
    if ((unsigned)type >= RESPONSE_NTYPES) {
        sim_fail(sim, "response: detection of unknown incident type %d", type);
        return;
    }
    if (attack != RESPONSE_NO_ATTACK && s->p->merge && response_seen(sim, s, attack)) {
        sim_count(sim, s->m_merged, 1);
        return;
    }
    if (attack != RESPONSE_NO_ATTACK || entity != RESPONSE_NO_ENTITY) {
        signal_attack sig = { attack, entity, (uint32_t)type, source_flags & 0xffffu };
        sim_emit(sim, SIGNAL_ATTACK_DETECTED, &sig);
    }
    if (SIM_RESERVE(sim, s->inc, s->cap, s->ninc + 1, 64) != 0)
        return;
    uint32_t id = (uint32_t)s->ninc++;
    response_incident *in = &s->inc[id];
    memset(in, 0, sizeof *in);
    in->detected_ns = sim_now(sim);
    in->confidence = clamp01(confidence);
    in->attack = attack;
    in->entity = entity;
    in->type = (uint8_t)type;
    in->flags = (uint8_t)(source_flags >> 16);
    sim_count(sim, s->m_incidents, 1);
    sim_count(sim, s->m_type[type], 1);
    if (in->flags & RESPONSE_FLAG_FALSE)
        sim_count(sim, s->m_false, 1);
    int64_t d = dist_sample_ns(&s->p->step[STEP_CLASSIFY], s->steps_rng);
    sim_tally(sim, s->m_step[STEP_CLASSIFY], (double)d);
    sim_schedule_in(sim, d, s->self, RESPONSE_EV_CLASSIFIED, id);
}

/* Duration of a step made of `n` sub-actions: their sum when sequential,
 * their maximum when parallel. */
static int64_t response_combine(int parallel, int64_t acc, int64_t d)
{
    return parallel ? (d > acc ? d : acc) : acc + d;
}

static int64_t response_step_time(response_state *s, const response_incident *in, int step)
{
    const response_params *p = s->p;
    int64_t t = 0;
    if (step == STEP_CONTAIN) {
        int f = action_first[in->severity];
        for (int a = f; a < f + action_count[in->severity]; a++)
            t = response_combine(p->parallel, t, dist_sample_ns(&p->action[a], s->steps_rng));
    } else if (step == STEP_ROTATE) {
        /* runbook L815-L821: a loop over the affected keys */
        for (int64_t k = 0; k < p->keys_per_rotation; k++)
            t = response_combine(p->parallel, t, dist_sample_ns(&p->step[step], s->steps_rng));
    } else {
        t = dist_sample_ns(&p->step[step], s->steps_rng);
    }
    return t;
}

static int response_runs(const response_incident *in, int step)
{
    int high = in->severity >= RESPONSE_HIGH;
    switch (step) {
    case STEP_ROTATE: return high;                                        /* L732 */
    case STEP_EXPAND: return (in->flags & RESPONSE_FLAG_GROVER) != 0;      /* L737 */
    case STEP_ISOLATE:                                                     /* L742 */
        return in->type == RESPONSE_AI_AGENT_COMPROMISE && in->entity != RESPONSE_NO_ENTITY;
    case STEP_NOTIFY: return high;                                        /* L755 */
    default: return 1;
    }
}

static void response_classified(sim_t *sim, response_state *s, uint32_t id)
{
    response_incident *in = &s->inc[id];
    response_severity sev = response_classify(in->confidence, s->p->as_written);
    in->severity = (uint8_t)sev;
    sim_count(sim, s->m_sev[sev], 1);
    if (s->escalation >= 0) {
        escalation_incident_msg m = { id, in->type, (uint32_t)sev };
        escalation_send_incident(sim, s->escalation, sim_now(sim), &m);
    }
    int64_t t = 0;
    for (int step = STEP_CONTAIN; step < NSTEPS; step++) {
        if (!response_runs(in, step))
            continue;
        int64_t d = response_step_time(s, in, step);
        t = s->p->parallel ? d : t + d;
        sim_tally(sim, s->m_step[step], (double)d);
        sim_event *ev = sim_schedule_in(sim, t, s->self, RESPONSE_EV_STEP_DONE, id);
        ev->data.u32[0] = (uint32_t)step;
        in->pending++;
    }
}

static void response_step_done(sim_t *sim, response_state *s, uint32_t id, int step)
{
    response_incident *in = &s->inc[id];
    int64_t now = sim_now(sim);
    switch (step) {
    case STEP_CONTAIN:
        sim_tally(sim, s->m_contain, (double)(now - in->detected_ns));
        if (in->attack != RESPONSE_NO_ATTACK || in->entity != RESPONSE_NO_ENTITY) {
            signal_attack sig = { in->attack, in->entity, in->type, 0 };
            sim_emit(sim, SIGNAL_CONTAINED, &sig);
        }
        if (s->p->fence_nodes && s->consensus >= 0 &&
            in->type == RESPONSE_CONSENSUS_FAILURE && in->entity != RESPONSE_NO_ENTITY) {
            consensus_set_behaviour_msg m = { in->entity, CONSENSUS_CRASH, 0 };
            consensus_send_set_behaviour(sim, s->consensus, now, &m);
        }
        break;
    case STEP_ROTATE:
        /* The service, when there is one, signals once the keys are done. */
        if (s->key_rotation >= 0) {
            key_rotation_request_msg m = { (uint64_t)s->p->keys_per_rotation, id };
            key_rotation_send_request(sim, s->key_rotation, now, &m);
        } else {
            sim_emit(sim, SIGNAL_KEYS_ROTATED,
                     &(signal_keys_rotated){ (uint64_t)s->p->keys_per_rotation });
        }
        break;
    case STEP_EXPAND:
        sim_emit(sim, SIGNAL_KEYS_EXPANDED,
                 &(signal_keys_expanded){ (uint32_t)s->p->expanded_bits });
        break;
    case STEP_ISOLATE:
        if (s->p->isolate_agents_event)
            sim_emit(sim, SIGNAL_AGENT_ISOLATED, &(signal_agent_isolated){ in->entity });
        break;
    case STEP_CANARIES:
        if (s->canaries >= 0 && s->p->reactive_canaries > 0) {
            canaries_deploy_msg m = { (uint64_t)s->p->reactive_canaries };
            canaries_send_deploy(sim, s->canaries, now, &m);
        }
        break;
    default:
        break;
    }
    INVARIANT(in->pending > 0, "each scheduled step completes once");
    if (--in->pending == 0) {
        int64_t total = now - in->detected_ns;
        sim_tally(sim, s->m_total, (double)total);
        sim_tally(sim, s->m_within, total <= s->p->target_ns ? 1.0 : 0.0);
    }
}

static void response_event(sim_t *sim, void *state, const sim_event *ev)
{
    response_state *s = state;
    switch (ev->kind) {
    case RESPONSE_EV_DETECTION: {
        signal_detection m;
        sim_payload(ev, &m, sizeof m);
        response_detect(sim, s, (int)m.type, (unsigned)m.source | (unsigned)m.flags << 16,
                        m.attack, m.entity, m.confidence);
        break;
    }
    case RESPONSE_EV_CLASSIFIED:
        response_classified(sim, s, ev->target);
        break;
    case RESPONSE_EV_STEP_DONE:
        response_step_done(sim, s, ev->target, (int)ev->data.u32[0]);
        break;
    case RESPONSE_EV_FALSE_POSITIVE: {
        const response_false *f = &s->p->fp[ev->target];
        response_detect(sim, s, f->type,
                        RESPONSE_SRC_BACKGROUND | RESPONSE_FLAG_FALSE << 16, RESPONSE_NO_ATTACK,
                        RESPONSE_NO_ENTITY, dist_sample(&f->confidence, s->fp_rng));
        response_next_false(sim, s, (int)ev->target);
        break;
    }
    default:
        sim_fail(sim, "response: unknown event kind %u", ev->kind);
    }
}

static const sim_subscription response_subscriptions[] = {
    { SIGNAL_DETECTION, RESPONSE_EV_DETECTION },
};

const sim_model response_model = {
    .name = "response",
    .summary = "incident pipeline: classification, containment, key rotation, 100 ms target",
    SIM_STATE(response_state),
    SIM_PARAMS(response_params, response_params_table),
    SIM_METRICS(response_metrics),
    SIM_STREAMS(response_streams),
    SIM_PEERS(response_peers),
    SIM_BUFFERS(response_buffers),
    .init = response_init,
    .event = response_event,
    SIM_SUBSCRIBE(response_subscriptions),
};
