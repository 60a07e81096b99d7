/* agents.c - agent population, drift, detection, recalibration, review and
 * coordination requests (see agents.h).
 *
 * Invariants:
 *  - agents[i].observed_ns <= now, and agents[i].behaviour is the exact
 *    state at that time: it is advanced only by agents_advance(), with the
 *    closed-form OU / Brownian transition over the whole gap, so the law of
 *    x(t) does not depend on how often an agent is observed;
 *  - each superposed stream (auth, check, compromise, coordination) has
 *    exactly one pending tick while it is active;
 *  - an agent is AGENTS_IN_REVIEW iff it is in the review line or with a
 *    reviewer; reviewers_busy <= reviewers;
 *  - per-day figures are RATE metrics incremented by 86400 per occurrence,
 *    so the engine's count / measured second comes out per day.
 */
#include "agents.h"
#include "grow.h"
#include "cfg.h"
#include "modeltab.h"
#include "signals.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "auth.h"
#include "consensus.h"
#include "rng.h"

#define AGENTS_PER_DAY 86400.0

typedef struct agents_review_item {
    uint32_t agent;
    int64_t flagged_ns;
} agents_review_item;

typedef struct agents_state {
    const agents_params *p;
    int self, auth, consensus; /* the models it requests work from */
    agents_agent *agents;
    uint32_t count, dims;
    gsl_rng *auth_rng, *check_rng, *compromise_rng, *coord_rng, *behaviour_rng,
        *route_rng, *recal_rng, *review_rng;
    double auth_gap_ns, check_gap_ns, compromise_gap_ns, coord_gap_ns;
    int64_t auth_until_ns;
    uint64_t coord_next_id;
    /* review line (ring) */
    agents_review_item *line;
    size_t head, len, cap;
    int64_t reviewers_busy;
    uint32_t nisolated;        /* agents out of service now */
    int m_route_manual, m_unavailable, m_released, m_isolation_time;
    int m_score, m_checks, m_flagged, m_flagged_per_day, m_flagged_percent, m_auto, m_manual,
        m_false_positive, m_compromises, m_caught, m_missed, m_undetected, m_ttd,
        m_delay_checks, m_backlog, m_isolated, m_review_time, m_coord, m_auth_requests, m_bytes_per_agent,
        m_state_mb;
} agents_state;

static const char *const agents_drift_names[] = { "ou", "brownian", NULL };
static const char *const agents_start_names[] = { "stationary", "profile", NULL };
static const char *const agents_norm_names[] = { "rms", "max", NULL };
static const char *const agents_detector_names[] = { "threshold", "ewma", "cusum", NULL };
static const char *const agents_action_names[] = { "respond", "count", NULL };
static const char *const agents_rule_names[] = { "fraction", "score", NULL };

/* drift: sigma or stationary_sd (ou only), never both; each gives the
 * other through sigma = sd sqrt(2 theta). */
static int agents_drift_sd(cfg_ctx *c, cfg_node *drift, void *params)
{
    agents_params *p = params;
    int bad = 0;
    int has_sigma = cfg_get(drift, "sigma") != NULL;
    int has_sd = cfg_get(drift, "stationary_sd") != NULL;
    if (has_sigma && has_sd) {
        cfg_error(c, cfg_get(drift, "stationary_sd"),
                  "agents.drift: give sigma or stationary_sd, not both");
        bad = -1;
    }
    if (has_sd && p->drift_model != AGENTS_DRIFT_OU) {
        cfg_error(c, cfg_get(drift, "stationary_sd"),
                  "agents.drift.stationary_sd exists only for model ou (use sigma)");
        bad = -1;
    }
    if (has_sigma || p->drift_model != AGENTS_DRIFT_OU) {
        bad |= modeltab_get(c, drift, &agents_model, "drift.sigma", p);
        p->stationary_sd = p->sigma_per_sqrt_s / sqrt(2.0 * p->theta_per_s);
    } else {
        bad |= modeltab_get(c, drift, &agents_model, "drift.stationary_sd", p);
        p->sigma_per_sqrt_s = p->stationary_sd * sqrt(2.0 * p->theta_per_s);
    }
    return bad;
}

static const sim_param agents_params_table[] = {
    { .key = "count", .type = SIM_PARAM_INT, .offset = offsetof(agents_params, count),
      .required = 1, .idef = 1, .imin = 1, .imax = INT64_C(4000000000), .unit = "agents",
      .help = "agents in the population (runbook: 10,547)" },
    SIM_P_INT("dimensions", agents_params, dimensions, 1, 1, AGENTS_MAX_DIMENSIONS, "",
              "behaviour dimensions per agent"),
    SIM_P_RATE("auth_rate", agents_params, auth_rate_per_s, 1.0, 0.0, 1e9,
               "auth requests per agent (to the auth model)"),
    SIM_P_DURATION("auth_traffic_for", agents_params, auth_traffic_for_ns, 0, 0, INT64_MAX / 2,
                   "auth traffic only during this first stretch, 0 = the whole run"),
    SIM_P_RATE("coordination_rate", agents_params, coordination_rate_per_s, 0.0, 0.0, 1e9,
               "consensus requests per agent (to the consensus model)"),
    SIM_P_ENUM("drift.model", agents_params, drift_model, agents_drift_names, AGENTS_DRIFT_OU,
               "ou: Ornstein-Uhlenbeck around the profile; brownian: no pull back"),
    SIM_P_RATE("drift.theta", agents_params, theta_per_s, 1.0 / 3600.0, 1e-12, 1e12,
               "OU mean-reversion rate"),
    /* 0.05 * sqrt(2 / 3600): a stationary sd of 0.05 at theta 1/h */
    { .key = "drift.sigma", .type = SIM_PARAM_DOUBLE,
      .offset = offsetof(agents_params, sigma_per_sqrt_s), .def = 0.0011785113019775794,
      .min = 0.0, .max = 1e6, .unit = "1/sqrt(s)", .hook = agents_drift_sd,
      .help = "diffusion per sqrt(second); the default follows stationary_sd (ou)" },
    { .key = "drift.stationary_sd", .type = SIM_PARAM_DOUBLE,
      .offset = offsetof(agents_params, stationary_sd), .def = 0.05, .min = 0.0, .max = 1e6,
      .unit = "", .custom = 1,
      .help = "ou only, instead of sigma: the stationary standard deviation" },
    SIM_P_ENUM("drift.start", agents_params, start_at_profile, agents_start_names, 0,
               "stationary: start in the stationary law; profile: at the profile"),
    SIM_P_RATE("compromise.rate", agents_params, compromise_rate_per_s, 0.0, 0.0, 1e9,
               "compromises per agent"),
    SIM_P_DOUBLE("compromise.shift", agents_params, compromise_shift, 0.5, 0.0, 1e6, "",
                 "behaviour shift of a compromised agent"),
    SIM_P_RATE("detect.check_rate", agents_params, check_rate_per_s, 1.0 / 86400.0, 0.0, 1e9,
               "drift checks per agent"),
    SIM_P_ENUM("detect.norm", agents_params, norm, agents_norm_names, AGENTS_NORM_RMS,
               "score over dimensions: rms or max"),
    SIM_P_ENUM("detect.method", agents_params, detector, agents_detector_names,
               AGENTS_DETECT_THRESHOLD, "threshold, ewma or cusum on the score"),
    SIM_P_DOUBLE("detect.threshold", agents_params, threshold, 0.15, 0.0, 1e9, "",
                 "alarm threshold (runbook: 0.15)"),
    SIM_P_FRACTION("detect.ewma_lambda", agents_params, ewma_lambda, 0.2, 1e-9, 1.0,
                   "EWMA smoothing"),
    SIM_P_DOUBLE("detect.cusum_k", agents_params, cusum_k, 0.1, 0.0, 1e9, "", "CUSUM slack"),
    SIM_P_ENUM("detect.action", agents_params, count_only, agents_action_names, 0,
               "respond: flag and recalibrate or review; count: only count alarms"),
    SIM_P_TIME_DIST("detect.recalibration", agents_params, recalibration, DIST_CONSTANT, 300e9,
                    0, "time to recalibrate a flagged agent automatically"),
    SIM_P_ENUM("review.rule", agents_params, review_rule, agents_rule_names,
               AGENTS_REVIEW_FRACTION, "fraction: a share of flags; score: flags above score_above"),
    SIM_P_FRACTION("review.fraction", agents_params, review_fraction, 0.13, 0.0, 1.0,
                   "share of flags sent to manual review (runbook: 3 of 23)"),
    SIM_P_DOUBLE("review.score_above", agents_params, review_score_above, 0.3, 0.0, 1e9, "",
                 "rule score: flags above this go to review"),
    SIM_P_INT("review.reviewers", agents_params, reviewers, 2, 1, 1000000, "people",
              "manual reviewers"),
    SIM_P_TIME_DIST("review.time", agents_params, review_time, DIST_CONSTANT, 7200e9, 0,
                    "time of one manual review"),
};

/* attacks (configured later) compromise these agents. */
static int agents_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    (void)sec;
    const agents_params *p = params;
    cfg_publish(c, "agents.count", p->count);
    return 0;
}

/* With rule: fraction the share is the scenario's routing fraction. */
static void agents_declare_route(sim_t *sim, void *state, const void *params)
{
    agents_state *s = state;
    const agents_params *p = params;
    s->m_route_manual = sim_metric(sim, "manual_review_share", "1", 1.0, STATS_TALLY,
                                   "per flag: sent to manual review (runbook: 3 of 23)");
    sim_metric_domain(sim, s->m_route_manual, STATS_PROPORTION,
                      p->review_rule == AGENTS_REVIEW_FRACTION ? "agents.review.fraction" : NULL);
}

/* Their descriptions say when the peer they need is absent (the peer
 * table is in place before the metric table). */
static void agents_declare_peers(sim_t *sim, void *state, const void *params)
{
    (void)params;
    agents_state *s = state;
    s->m_coord = sim_metric(sim, "coordination_latency", "ms", 1e-6, STATS_TALLY,
                            s->consensus >= 0
                                ? "coordination request to commit (runbook: 63-78 ms)"
                                : "none: needs the consensus model (runbook: 63-78 ms)");
    s->m_auth_requests = sim_metric(sim, "auth_requests", "requests", 1.0, STATS_COUNT,
                                    s->auth >= 0 ? "auth requests sent"
                                                                  : "none: needs the auth model");
}

#define AGENTS_METRIC(field, name, unit, scale, kind, domain, what) \
    SIM_METRIC(agents_state, field, name, unit, scale, kind, domain, NULL, what)

static const sim_metric_spec agents_metrics[] = {
    AGENTS_METRIC(m_score, "score", "1", 1.0, STATS_TALLY, STATS_NONNEG,
                  "drift score per check (runbook: mean 0.034)"),
    AGENTS_METRIC(m_checks, "checks", "checks", 1.0, STATS_COUNT, STATS_NONNEG,
                  "drift checks made"),
    AGENTS_METRIC(m_flagged, "flagged", "agents", 1.0, STATS_COUNT, STATS_NONNEG,
                  "alarms raised (agents flagged)"),
    AGENTS_METRIC(m_isolated, "isolated", "agents", 1.0, STATS_COUNT, STATS_NONNEG,
                  "agents isolated by the incident response (response model)"),
    AGENTS_METRIC(m_unavailable, "unavailable", "agents", 1.0, STATS_LEVEL, STATS_NONNEG,
                  "time-average agents out of service (isolated, awaiting or in review)"),
    AGENTS_METRIC(m_released, "released", "agents", 1.0, STATS_COUNT, STATS_NONNEG,
                  "isolated agents returned to service by review"),
    AGENTS_METRIC(m_isolation_time, "isolation_time", "h", 1.0 / 3.6e12, STATS_TALLY,
                  STATS_TTE, "time from isolation to release by review"),
    AGENTS_METRIC(m_flagged_per_day, "flagged_per_day", "1/d", 1.0, STATS_RATE, STATS_NONNEG,
                  "agents flagged per day (runbook: 23 of 10,547)"),
    AGENTS_METRIC(m_flagged_percent, "flagged_percent_per_day", "%/d", 1.0, STATS_RATE,
                  STATS_NONNEG, "flagged per day as % of agents (runbook: 0.218 %)"),
    AGENTS_METRIC(m_auto, "auto_recalibrated_per_day", "1/d", 1.0, STATS_RATE, STATS_NONNEG,
                  "flags recalibrated automatically per day (runbook: 20)"),
    AGENTS_METRIC(m_manual, "manual_review_per_day", "1/d", 1.0, STATS_RATE, STATS_NONNEG,
                  "flags sent to manual review per day (runbook: 3)"),
    { "manual_review_share", "1", 1.0, STATS_TALLY, STATS_PROPORTION, "agents.review.fraction",
      "per flag: sent to manual review (runbook: 3 of 23)", 0, NULL, NULL,
      agents_declare_route },
    AGENTS_METRIC(m_false_positive, "false_positives_per_day", "1/d", 1.0, STATS_RATE,
                  STATS_NONNEG, "flags of agents that were not compromised, per day"),
    AGENTS_METRIC(m_compromises, "compromises_per_day", "1/d", 1.0, STATS_RATE, STATS_NONNEG,
                  "agents compromised per day"),
    AGENTS_METRIC(m_caught, "compromises_removed", "agents", 1.0, STATS_COUNT, STATS_NONNEG,
                  "compromises found and removed by manual review"),
    AGENTS_METRIC(m_missed, "missed_compromises", "agents", 1.0, STATS_COUNT, STATS_NONNEG,
                  "compromises absorbed into a profile by auto recalibration"),
    AGENTS_METRIC(m_undetected, "undetected_at_end", "agents", 1.0, STATS_VALUE, STATS_NONNEG,
                  "agents compromised and never flagged at the end"),
    AGENTS_METRIC(m_ttd, "time_to_detection", "h", 1.0 / 3.6e12, STATS_TALLY, STATS_TTE,
                  "time from compromise to first flag"),
    AGENTS_METRIC(m_delay_checks, "detection_delay_checks", "checks", 1.0, STATS_TALLY,
                  STATS_TTE, "checks from compromise to first flag (incl. the flag)"),
    AGENTS_METRIC(m_backlog, "review_backlog", "agents", 1.0, STATS_LEVEL, STATS_NONNEG,
                  "time-average agents waiting for a reviewer"),
    AGENTS_METRIC(m_review_time, "review_turnaround", "h", 1.0 / 3.6e12, STATS_TALLY, STATS_TTE,
                  "time from flag to review complete"),
    { "{coordination_latency,auth_requests}", "ms, requests", 1e-6, STATS_TALLY, STATS_NONNEG,
      NULL, "coordination request to commit (runbook: 63-78 ms); auth requests sent", 0, NULL,
      NULL, agents_declare_peers },
    AGENTS_METRIC(m_bytes_per_agent, "bytes_per_agent", "B", 1.0, STATS_VALUE, STATS_NONNEG,
                  "model state per agent (issue target <= 128 B)"),
    AGENTS_METRIC(m_state_mb, "state_mb", "MB", 1e-6, STATS_VALUE, STATS_NONNEG,
                  "agents model state, bytes (population + review line)"),
};

static const sim_stream_spec agents_streams[] = {
    SIM_STREAM(agents_state, auth_rng, "auth_requests"),
    SIM_STREAM(agents_state, check_rng, "checks"),
    SIM_STREAM(agents_state, compromise_rng, "compromises"),
    SIM_STREAM(agents_state, coord_rng, "coordination"),
    SIM_STREAM(agents_state, behaviour_rng, "behaviour"),
    SIM_STREAM(agents_state, route_rng, "routing"),
    SIM_STREAM(agents_state, recal_rng, "recalibration"),
    SIM_STREAM(agents_state, review_rng, "review"),
};

static const sim_peer_spec agents_peers[] = {
    SIM_PEER(agents_state, auth, "auth"),
    SIM_PEER(agents_state, consensus, "consensus"),
};

static const size_t agents_buffers[] = {
    SIM_BUFFER(agents_state, agents),
    SIM_BUFFER(agents_state, line),
};

/* --- behaviour ---------------------------------------------------------- */

/* Brings a's behaviour to now with the exact transition over the gap. */
static void agents_advance(agents_state *s, agents_agent *a, int64_t now)
{
    int64_t gap = now - a->observed_ns;
    if (gap <= 0)
        return;
    const agents_params *p = s->p;
    double dt = (double)gap * 1e-9;
    if (p->drift_model == AGENTS_DRIFT_OU) {
        /* x(t+dt) = m + (x - m) e^{-theta dt} + sd sqrt(1 - e^{-2 theta dt}) Z */
        double decay = exp(-p->theta_per_s * dt);
        double noise = p->stationary_sd * sqrt(-expm1(-2.0 * p->theta_per_s * dt));
        for (uint32_t i = 0; i < s->dims; i++) {
            /* The centre: the profile (re-centred by each recalibration)
             * plus the compromise shift. */
            double mean = (double)a->profile[i] + (double)a->shift;
            double x = mean + ((double)a->behaviour[i] - mean) * decay +
                       noise * gsl_ran_gaussian_ziggurat(s->behaviour_rng, 1.0);
            a->behaviour[i] = (float)x;
        }
    } else {
        double noise = p->sigma_per_sqrt_s * sqrt(dt);
        for (uint32_t i = 0; i < s->dims; i++)
            a->behaviour[i] = (float)((double)a->behaviour[i] +
                                      noise * gsl_ran_gaussian_ziggurat(s->behaviour_rng, 1.0));
    }
    a->observed_ns = now;
}

static double agents_score(const agents_state *s, const agents_agent *a)
{
    double acc = 0;
    for (uint32_t i = 0; i < s->dims; i++) {
        double d = (double)a->behaviour[i] - (double)a->profile[i];
        if (s->p->norm == AGENTS_NORM_MAX)
            acc = fmax(acc, fabs(d));
        else
            acc += d * d;
    }
    return s->p->norm == AGENTS_NORM_MAX ? acc : sqrt(acc / s->dims);
}

/* Feeds score to a's detector; 1 on an alarm. */
static int agents_detect(const agents_params *p, agents_agent *a, double score)
{
    switch (p->detector) {
    case AGENTS_DETECT_EWMA:
        a->detector = (float)(p->ewma_lambda * score + (1.0 - p->ewma_lambda) * a->detector);
        return a->detector > p->threshold;
    case AGENTS_DETECT_CUSUM: {
        double st = (double)a->detector + score - p->cusum_k;
        a->detector = (float)(st > 0 ? st : 0);
        if (a->detector > p->threshold) {
            a->detector = 0; /* restart after an alarm */
            return 1;
        }
        return 0;
    }
    default:
        return score > p->threshold;
    }
}

/* --- flags, recalibration, review --------------------------------------- */

static void agents_review_start(sim_t *sim, agents_state *s)
{
    while (s->len && s->reviewers_busy < s->p->reviewers) {
        agents_review_item it = s->line[s->head];
        s->head = s->head + 1 == s->cap ? 0 : s->head + 1;
        s->len--;
        s->reviewers_busy++;
        sim_event *ev = sim_schedule_in(sim, dist_sample_ns(&s->p->review_time, s->review_rng),
                                        s->self, AGENTS_EV_REVIEW_DONE, it.agent);
        ev->data.i64[0] = it.flagged_ns;
    }
    sim_level(sim, s->m_backlog, (double)s->len);
}

static int agents_review_enqueue(agents_state *s, uint32_t agent, int64_t now)
{
    agents_review_item item = { agent, now };
    return GROW_RING_PUSH(s->line, s->cap, s->head, s->len, 64, item);
}

static void agents_flag(sim_t *sim, agents_state *s, uint32_t id, agents_agent *a, double score)
{
    const agents_params *p = s->p;
    int64_t now = sim_now(sim);
    sim_count(sim, s->m_flagged, 1);
    sim_count(sim, s->m_flagged_per_day, AGENTS_PER_DAY);
    sim_count(sim, s->m_flagged_percent, AGENTS_PER_DAY * 100.0 / (double)s->count);
    if (a->compromise == AGENTS_CLEAN) {
        sim_count(sim, s->m_false_positive, AGENTS_PER_DAY);
    } else if (a->compromise == AGENTS_COMPROMISED) {
        a->compromise = AGENTS_DETECTED;
        sim_tally(sim, s->m_ttd, (double)(now - a->compromised_ns));
        sim_tally(sim, s->m_delay_checks, (double)a->checks_since_compromise);
    }
    /* Every flag, true or false, opens (or joins) an incident. */
    signal_detection d = { RESPONSE_AI_AGENT_COMPROMISE, RESPONSE_SRC_AGENT_DRIFT,
                           a->compromise == AGENTS_CLEAN ? RESPONSE_FLAG_FALSE : 0,
                           RESPONSE_NO_ATTACK, id,
                           p->threshold > 0 ? 1.0 - exp(-score / p->threshold) : 1.0 };
    sim_emit(sim, SIGNAL_DETECTION, &d);
    if (p->count_only)
        return;
    int manual = p->review_rule == AGENTS_REVIEW_SCORE
                     ? score >= p->review_score_above
                     : (p->review_fraction >= 1.0 ||
                        (p->review_fraction > 0 &&
                         gsl_rng_uniform(s->route_rng) < p->review_fraction));
    sim_tally(sim, s->m_route_manual, manual ? 1.0 : 0.0);
    if (manual) {
        sim_count(sim, s->m_manual, AGENTS_PER_DAY);
        a->status = AGENTS_IN_REVIEW;
        if (agents_review_enqueue(s, id, now) != 0) {
            sim_fail(sim, "agents: out of memory for the review queue");
            return;
        }
        agents_review_start(sim, s);
    } else {
        sim_count(sim, s->m_auto, AGENTS_PER_DAY);
        a->status = AGENTS_RECALIBRATING;
        sim_schedule_in(sim, dist_sample_ns(&p->recalibration, s->recal_rng), s->self,
                        AGENTS_EV_RECALIBRATED, id);
    }
}

static void agents_check(sim_t *sim, agents_state *s, uint32_t id)
{
    agents_agent *a = &s->agents[id];
    if (a->isolated)
        return; /* out of service: not checked */
    agents_advance(s, a, sim_now(sim));
    double score = agents_score(s, a);
    sim_tally(sim, s->m_score, score);
    sim_count(sim, s->m_checks, 1);
    if (a->compromise != AGENTS_CLEAN && a->checks_since_compromise < UINT16_MAX)
        a->checks_since_compromise++;
    if (a->status != AGENTS_ACTIVE)
        return;
    if (agents_detect(s->p, a, score))
        agents_flag(sim, s, id, a, score);
}

/* p := x, and the drift re-centres there: a compromise still present is
 * absorbed into the profile (its shift becomes part of the centre). */
static void agents_recalibrate(agents_state *s, agents_agent *a, int64_t now)
{
    agents_advance(s, a, now);
    memcpy(a->profile, a->behaviour, sizeof a->profile);
    if (s->p->drift_model == AGENTS_DRIFT_OU)
        a->shift = 0;
    a->detector = 0;
    a->status = AGENTS_ACTIVE;
}

static void agents_compromise_agent(sim_t *sim, agents_state *s, uint32_t id, double shift)
{
    agents_agent *a = &s->agents[id];
    if (a->compromise != AGENTS_CLEAN || a->isolated)
        return; /* an isolated agent is out of the attacker's reach too */
    int64_t now = sim_now(sim);
    agents_advance(s, a, now);
    for (uint32_t i = 0; i < s->dims; i++)
        a->behaviour[i] = (float)((double)a->behaviour[i] + shift);
    /* Under OU the mean moves too, so the shift persists; a random walk
     * keeps the jump by itself. */
    a->shift = s->p->drift_model == AGENTS_DRIFT_OU ? (float)shift : 0.0f;
    a->compromise = AGENTS_COMPROMISED;
    a->compromised_ns = now;
    a->checks_since_compromise = 0;
    sim_count(sim, s->m_compromises, AGENTS_PER_DAY);
}

/* --- streams ------------------------------------------------------------ */

static inline uint32_t agents_pick(const agents_state *s, gsl_rng *r)
{
    /* floor(U * n) with U in [0, 1): uniform over 0..n-1 to within 2^-32
     * per agent, and one draw instead of gsl_rng_uniform_int's rejection. */
    uint32_t i = (uint32_t)(gsl_rng_uniform(r) * (double)s->count);
    return i < s->count ? i : s->count - 1;
}

static void agents_tick(sim_t *sim, agents_state *s, uint16_t kind, gsl_rng *r, double gap_ns)
{
    sim_schedule_in(sim, sim_ns(rng_exponential(r, gap_ns)), s->self, kind, 0);
}

static void agents_auth_tick(sim_t *sim, agents_state *s)
{
    int64_t now = sim_now(sim);
    double gap = rng_exponential(s->auth_rng, s->auth_gap_ns) + 0.5;
    int64_t next = gap < (double)(SIM_TIME_MAX - now) ? now + (int64_t)gap : SIM_TIME_MAX;
    if (next < s->auth_until_ns)
        sim_schedule(sim, next, s->self, AGENTS_EV_AUTH_TICK, 0);
    uint32_t id = agents_pick(s, s->auth_rng);
    if (s->agents[id].isolated)
        return; /* out of service: sends nothing */
    auth_send_request(sim, s->auth, now, &(auth_request_msg){ id });
    sim_count(sim, s->m_auth_requests, 1);
}

static void agents_coord_tick(sim_t *sim, agents_state *s)
{
    agents_tick(sim, s, AGENTS_EV_COORD_TICK, s->coord_rng, s->coord_gap_ns);
    uint32_t id = agents_pick(s, s->coord_rng);
    if (s->agents[id].isolated)
        return;
    consensus_client_request_msg m = { s->coord_next_id++, s->self, id, AGENTS_EV_COMMITTED };
    consensus_send_client_request(sim, s->consensus, sim_now(sim), &m);
}

static int agents_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    agents_state *s = state;
    const agents_params *p = params;
    s->count = (uint32_t)p->count;
    s->dims = (uint32_t)p->dimensions;
    /* calloc: pages of a large population are touched only once written. */
    s->agents = calloc(s->count, sizeof *s->agents);
    if (!s->agents)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0,
                       "agents: out of memory for %u agents (%zu bytes each)", s->count,
                       sizeof *s->agents);
    if (!p->start_at_profile && p->drift_model == AGENTS_DRIFT_OU) {
        for (uint32_t i = 0; i < s->count; i++)
            for (uint32_t k = 0; k < s->dims; k++)
                s->agents[i].behaviour[k] = (float)(p->stationary_sd *
                                                    gsl_ran_gaussian_ziggurat(s->behaviour_rng, 1.0));
    }

    s->auth_gap_ns = 1e9 / (p->auth_rate_per_s * (double)s->count);
    s->check_gap_ns = 1e9 / (p->check_rate_per_s * (double)s->count);
    s->compromise_gap_ns = 1e9 / (p->compromise_rate_per_s * (double)s->count);
    s->coord_gap_ns = 1e9 / (p->coordination_rate_per_s * (double)s->count);
    s->auth_until_ns = p->auth_traffic_for_ns ? p->auth_traffic_for_ns : SIM_TIME_MAX;
    if (s->auth >= 0) {
        auth_send_population(sim, s->auth, 0, &(auth_population_msg){ s->count });
        if (p->auth_rate_per_s > 0)
            agents_tick(sim, s, AGENTS_EV_AUTH_TICK, s->auth_rng, s->auth_gap_ns);
    }
    if (p->check_rate_per_s > 0)
        agents_tick(sim, s, AGENTS_EV_CHECK_TICK, s->check_rng, s->check_gap_ns);
    if (p->compromise_rate_per_s > 0)
        agents_tick(sim, s, AGENTS_EV_COMPROMISE_TICK, s->compromise_rng, s->compromise_gap_ns);
    if (s->consensus >= 0 && p->coordination_rate_per_s > 0)
        agents_tick(sim, s, AGENTS_EV_COORD_TICK, s->coord_rng, s->coord_gap_ns);
    return 0;
}

static void agents_event(sim_t *sim, void *state, const sim_event *ev)
{
    agents_state *s = state;
    int64_t now = sim_now(sim);
    switch (ev->kind) {
    case AGENTS_EV_AUTH_TICK:
        agents_auth_tick(sim, s);
        break;
    case AGENTS_EV_CHECK_TICK:
        agents_tick(sim, s, AGENTS_EV_CHECK_TICK, s->check_rng, s->check_gap_ns);
        agents_check(sim, s, agents_pick(s, s->check_rng));
        break;
    case AGENTS_EV_COMPROMISE_TICK:
        agents_tick(sim, s, AGENTS_EV_COMPROMISE_TICK, s->compromise_rng, s->compromise_gap_ns);
        agents_compromise_agent(sim, s, agents_pick(s, s->compromise_rng),
                                s->p->compromise_shift);
        break;
    case AGENTS_EV_COORD_TICK:
        agents_coord_tick(sim, s);
        break;
    case AGENTS_EV_RECALIBRATED: {
        agents_agent *a = &s->agents[ev->target];
        if (a->status != AGENTS_RECALIBRATING)
            break; /* isolated meanwhile: the review decides instead */
        agents_recalibrate(s, a, now);
        if (a->compromise == AGENTS_COMPROMISED || a->compromise == AGENTS_DETECTED) {
            a->compromise = AGENTS_ABSORBED;
            sim_count(sim, s->m_missed, 1);
        }
        break;
    }
    case AGENTS_EV_REVIEW_DONE: {
        agents_agent *a = &s->agents[ev->target];
        s->reviewers_busy--;
        sim_tally(sim, s->m_review_time, (double)(now - ev->data.i64[0]));
        if (a->compromise != AGENTS_CLEAN) {
            /* The reviewer finds the compromise and removes it. */
            agents_advance(s, a, now);
            for (uint32_t i = 0; i < s->dims; i++)
                a->behaviour[i] = (float)((double)a->behaviour[i] - (double)a->shift);
            a->shift = 0;
            a->compromise = AGENTS_CLEAN;
            a->detector = 0;
            a->status = AGENTS_ACTIVE;
            sim_count(sim, s->m_caught, 1);
        } else {
            agents_recalibrate(s, a, now);
        }
        if (a->isolated) {
            a->isolated = 0;
            s->nisolated--;
            sim_level(sim, s->m_unavailable, (double)s->nisolated);
            sim_count(sim, s->m_released, 1);
            sim_tally(sim, s->m_isolation_time, (double)(now - a->isolated_ns));
        }
        agents_review_start(sim, s);
        break;
    }
    case AGENTS_EV_COMPROMISE: {
        agents_compromise_msg m;
        sim_payload(ev, &m, sizeof m);
        if (m.agent < s->count)
            agents_compromise_agent(sim, s, m.agent,
                                    m.shift > 0 ? m.shift : s->p->compromise_shift);
        break;
    }
    case AGENTS_EV_ISOLATE: {
        /* Containment takes the agent out of service until a manual review
         * returns it: the review, not the isolation, removes a compromise
         * (compromises_removed), so review and recalibration stay apart. */
        signal_agent_isolated m;
        sim_payload(ev, &m, sizeof m);
        if (m.agent >= s->count || s->agents[m.agent].isolated)
            break;
        agents_agent *a = &s->agents[m.agent];
        a->isolated = 1;
        a->isolated_ns = now;
        s->nisolated++;
        sim_level(sim, s->m_unavailable, (double)s->nisolated);
        sim_count(sim, s->m_isolated, 1);
        if (a->status != AGENTS_IN_REVIEW) {
            /* A pending recalibration is dropped (its event sees the
             * status); an agent already in review is released by it. */
            a->status = AGENTS_IN_REVIEW;
            if (agents_review_enqueue(s, m.agent, now) != 0) {
                sim_fail(sim, "agents: out of memory for the review queue");
                break;
            }
            agents_review_start(sim, s);
        }
        break;
    }
    case AGENTS_EV_COMMITTED: {
        consensus_committed_msg m;
        sim_payload(ev, &m, sizeof m);
        sim_tally(sim, s->m_coord, (double)(now - m.submit_ns));
        break;
    }
    default:
        sim_fail(sim, "agents: unknown event kind %u", ev->kind);
    }
}

static void agents_finish(sim_t *sim, void *state)
{
    agents_state *s = state;
    uint64_t undetected = 0;
    int64_t now = sim_now(sim);
    for (uint32_t i = 0; i < s->count; i++) {
        const agents_agent *a = &s->agents[i];
        if (a->isolated) /* still out of service: released later than this */
            sim_tally_censored(sim, s->m_isolation_time, (double)(now - a->isolated_ns));
        if (a->compromise != AGENTS_COMPROMISED)
            continue;
        undetected++;
        /* Compromised and never flagged: the time to detection is at least
         * this long (censored), so the estimates keep the misses. */
        sim_tally_censored(sim, s->m_ttd, (double)(now - a->compromised_ns));
        sim_tally_censored(sim, s->m_delay_checks, (double)a->checks_since_compromise);
    }
    /* Flags still waiting for a reviewer: their turnaround is at least this
     * (the at most `reviewers` reviews in progress are not tracked here). */
    for (size_t k = 0; k < s->len; k++)
        sim_tally_censored(sim, s->m_review_time,
                           (double)(now - s->line[(s->head + k) % s->cap].flagged_ns));
    sim_set_value(sim, s->m_undetected, (double)undetected);
    sim_set_value(sim, s->m_bytes_per_agent, (double)sizeof(agents_agent));
    sim_set_value(sim, s->m_state_mb,
                  (double)s->count * sizeof(agents_agent) + (double)s->cap * sizeof *s->line);
}

/* The population array dominates; the drift is lazy, so events come only
 * from the aggregate tick rates. */
static void agents_estimate(const void *params, sim_estimate *out)
{
    double horizon_s = out->horizon_s;
    const agents_params *p = params;
    double n = (double)p->count;
    /* Auth traffic may stop early (auth_traffic_for). */
    double auth_for = p->auth_traffic_for_ns > 0 ? (double)p->auth_traffic_for_ns * 1e-9 : 0;
    double auth_share = auth_for > 0 && horizon_s > auth_for ? auth_for / horizon_s : 1.0;
    out->state_bytes = n * (double)sizeof(agents_agent) + 64.0 * 1024;
    out->pending_events = 8 + (double)p->reviewers;
    int auth = out->active(out->ctx, "auth"), consensus = out->active(out->ctx, "consensus");
    out->events_per_s = n * ((auth ? p->auth_rate_per_s * auth_share : 0) + p->check_rate_per_s +
                             p->compromise_rate_per_s +
                             (consensus ? p->coordination_rate_per_s : 0));
    out->metrics += 3, out->tallies += 2; /* the declare rows: route 1 tally, peers 1 + 1 */
    out->driver = "agents.count";
}

static const sim_subscription agents_subscriptions[] = {
    { SIGNAL_AGENT_ISOLATED, AGENTS_EV_ISOLATE },
};

const sim_model agents_model = {
    .name = "agents",
    .summary = "agent population: OU/Brownian drift, auth traffic, drift detection, review",
    SIM_STATE(agents_state),
    SIM_PARAMS(agents_params, agents_params_table),
    SIM_METRICS(agents_metrics),
    SIM_STREAMS(agents_streams),
    SIM_PEERS(agents_peers),
    SIM_BUFFERS(agents_buffers),
    .configure = agents_configure,
    .init = agents_init,
    .event = agents_event,
    .finish = agents_finish,
    .estimate = agents_estimate,
    SIM_SUBSCRIBE(agents_subscriptions),
};

double agents_cusum_arl_siegmund(double mean, double sd, double k, double h)
{
    double d = (mean - k) / sd, b = h / sd + 1.166;
    if (fabs(d) < 1e-9)
        return b * b;
    return (exp(-2.0 * d * b) + 2.0 * d * b - 1.0) / (2.0 * d * d);
}
