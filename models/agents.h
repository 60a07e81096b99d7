/* agents.h - a population of AI agents whose behaviour drifts, that ask the
 * auth model to authenticate them, are checked for drift, get compromised,
 * recalibrated or reviewed, and send coordination requests to consensus.
 *
 * Work scales with events, not agents x time: each kind of per-agent
 * Poisson traffic (auth requests, drift checks, compromises, coordination
 * requests) is one superposed stream for the whole population whose event
 * picks an agent uniformly.  An agent's behaviour is advanced only when it
 * is observed, with the exact Ornstein-Uhlenbeck or Brownian transition.
 *
 * Behaviour is a vector x in R^d, coordinates relative to the agent's own
 * natural mean (so every agent's mean is 0 until it is compromised).  The
 * stored profile p starts at 0.  A drift check scores norm(x - p) (rms or
 * max over dimensions) and feeds it to the detector; an alarm flags the
 * agent, which is recalibrated (p := x after a delay; under OU the drift
 * then reverts to the new profile, so the process is re-centred) or queued
 * for manual review.  A compromise adds `shift` to every coordinate and, under OU,
 * moves the mean there too, so a compromised agent's noiseless score is
 * `shift` under either norm.  A review finds a compromise and removes it;
 * an automatic recalibration of a compromised agent absorbs the compromise
 * into its profile (counted as missed).
 *
 * Scenario section `agents`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/agents.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model agents`,
 * docs/scenarios.md).
 * Rates are per agent; auth_traffic_for limits auth traffic to [0, this),
 * so a day of drift needs no day of microsecond traffic.
 *
 * Every flag is raised as a detection (SIGNAL_DETECTION, ai_agent_compromise,
 * which the response model hears when it is in the scenario) with confidence
 * 1 - exp(-score / threshold): 0.63 at the threshold, 0.86 at twice it,
 * 0.95 at three times (an ASSUMPTION; the runbook gives no mapping).
 *
 * Events this model accepts from others (agents_event below):
 *   AGENTS_EV_ISOLATE     SIGNAL_AGENT_ISOLATED (the response model's
 *                         containment): the agent is taken out of service
 *                         (no auth or coordination traffic, no drift
 *                         checks, no new compromise; counted in
 *                         agents.unavailable) and queued for manual review,
 *                         which removes a compromise and returns it.
 *   AGENTS_EV_COMPROMISE  from attacks (agents_send_compromise).
 *   AGENTS_EV_COMMITTED   consensus's reply to a coordination request
 *                         (consensus_committed_msg, see consensus.h).
 */
#ifndef MWRASP_AGENTS_H
#define MWRASP_AGENTS_H

#include <stdint.h>

#include "sim.h"

extern const sim_model agents_model;

/* Event kinds: the first three come from other models, the rest are the
 * model's own. */
typedef enum agents_kind {
    AGENTS_EV_COMPROMISE = 1,   /* agents_send_compromise */
    AGENTS_EV_ISOLATE,          /* SIGNAL_AGENT_ISOLATED (signals.h) */
    AGENTS_EV_COMMITTED,        /* consensus_committed_msg */
    AGENTS_EV_AUTH_TICK,
    AGENTS_EV_CHECK_TICK,
    AGENTS_EV_COMPROMISE_TICK,
    AGENTS_EV_COORD_TICK,
    AGENTS_EV_RECALIBRATED,
    AGENTS_EV_REVIEW_DONE
} agents_kind;

/* Compromises an agent at the event's time (the attack model). */
typedef struct agents_compromise_msg {
    uint32_t agent;
    uint32_t attack;    /* the attack's id (attacks model), for the record */
    double shift;       /* behaviour shift; 0: the scenario's compromise.shift */
} agents_compromise_msg;
SIM_TYPED_SEND(agents_send_compromise, AGENTS_EV_COMPROMISE, agents_compromise_msg, msg->agent);

#define AGENTS_MAX_DIMENSIONS 8

/* One agent's model state.  The population is one array of these, so its
 * size is the memory per agent (target: <= 128 bytes). */
typedef struct agents_agent {
    int64_t observed_ns;    /* behaviour is known at this time */
    int64_t compromised_ns; /* time of the current compromise */
    int64_t isolated_ns;    /* time of the current isolation */
    float behaviour[AGENTS_MAX_DIMENSIONS]; /* x */
    float profile[AGENTS_MAX_DIMENSIONS];   /* p */
    float shift;            /* OU mean per coordinate (0 unless compromised) */
    float detector;         /* EWMA or CUSUM statistic */
    uint16_t checks_since_compromise; /* saturating */
    uint8_t status;         /* agents_status */
    uint8_t compromise;     /* agents_compromise */
    uint8_t isolated;       /* out of service until its review returns it */
} agents_agent;

_Static_assert(sizeof(agents_agent) <= 128, "an agent must fit in 128 bytes");

typedef enum agents_status {
    AGENTS_ACTIVE = 0, AGENTS_RECALIBRATING = 1, AGENTS_IN_REVIEW = 2
} agents_status;

typedef enum agents_compromise {
    AGENTS_CLEAN = 0,
    AGENTS_COMPROMISED = 1, /* not yet flagged */
    AGENTS_DETECTED = 2,    /* compromised and flagged at least once */
    AGENTS_ABSORBED = 3     /* compromised, recalibrated into its profile */
} agents_compromise;

typedef enum agents_drift_model { AGENTS_DRIFT_OU = 0, AGENTS_DRIFT_BROWNIAN = 1 } agents_drift_model;
typedef enum agents_norm { AGENTS_NORM_RMS = 0, AGENTS_NORM_MAX = 1 } agents_norm;
typedef enum agents_detector {
    AGENTS_DETECT_THRESHOLD = 0, AGENTS_DETECT_EWMA = 1, AGENTS_DETECT_CUSUM = 2
} agents_detector;
typedef enum agents_review_rule { AGENTS_REVIEW_FRACTION = 0, AGENTS_REVIEW_SCORE = 1 } agents_review_rule;

typedef struct agents_params {
    int64_t count;
    int64_t dimensions;
    double auth_rate_per_s;
    int64_t auth_traffic_for_ns;
    double coordination_rate_per_s;
    int drift_model;              /* agents_drift_model */
    double theta_per_s;
    double sigma_per_sqrt_s;
    double stationary_sd;         /* OU: sigma / sqrt(2 theta) */
    int start_at_profile;
    double compromise_rate_per_s;
    double compromise_shift;
    double check_rate_per_s;
    int norm;                     /* agents_norm */
    int detector;                 /* agents_detector */
    double threshold, ewma_lambda, cusum_k;
    int count_only;
    dist_t recalibration;         /* ns */
    int review_rule;              /* agents_review_rule */
    double review_fraction, review_score_above;
    int64_t reviewers;
    dist_t review_time;           /* ns */
} agents_params;

/* Siegmund's approximation of a one-sided CUSUM's average run length for
 * N(mean, sd^2) increments with reference k and decision interval h:
 * with D = (mean - k)/sd and b = h/sd + 1.166,
 * ARL = (exp(-2 D b) + 2 D b - 1) / (2 D^2)   (b^2 when D = 0). */
double agents_cusum_arl_siegmund(double mean, double sd, double k, double h);

#endif
