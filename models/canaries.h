/* canaries.h - canary tokens: K decoy resources hidden among N real ones
 * (runbook "quantum canaries": 5,234 tokens, L539, rotated daily at 12.3 ms
 * each, L540-L543).
 *
 * An attacker's probe session (started by the attacks model with
 * CANARIES_EV_PROBE) touches resources at a Poisson rate.  With `touches:
 * distinct` (default) the attacker enumerates resources without repeats, so
 * a touch hits a canary with probability (canaries not yet touched) /
 * (resources not yet touched), and P(no canary in m touches) =
 * C(N, m) / C(N + K, m); with `touches: independent` every touch hits a
 * canary with probability K / (N + K).  A touched canary trips unless it is
 * blind (being rotated while `rotation.blind` is true).  The first trip ends
 * the session's touching (the attacker is detected; containment is the
 * response model's job) and raises an alert after `alert_latency`: a
 * SIGNAL_DETECTION (signals.h) with the session's incident type.
 *
 * Rotation: every `rotation.period` starting at `rotation.first`, all K
 * canaries are rotated, `rotation.workers` at a time, each taking
 * `rotation.each`; canary c rotates in slot c / workers of the sweep.
 *
 * Scenario section `canaries`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/canaries.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model canaries`,
 * docs/scenarios.md).
 */
#ifndef MWRASP_CANARIES_H
#define MWRASP_CANARIES_H

#include <stdint.h>

#include "sim.h"

extern const sim_model canaries_model;

/* Event kinds: the first two come from other models, the rest are the
 * model's own. */
typedef enum canaries_kind {
    CANARIES_EV_PROBE = 1,   /* canaries_send_probe (attacks) */
    CANARIES_EV_DEPLOY,      /* canaries_send_deploy (response) */
    CANARIES_EV_TOUCH,       /* a session touches a resource */
    CANARIES_EV_ALERT,       /* a tripped canary's alert is raised */
    CANARIES_EV_ROTATE,      /* canary rotation */
    CANARIES_EV_FALSE_TRIP,  /* a benign trip */
    CANARIES_EV_SESSION_END
} canaries_kind;

/* Starts a probe session at the event time. */
typedef struct canaries_probe_msg {
    double rate_per_s;       /* touch rate (> 0) */
    int64_t length_ns;       /* session length; 0: until the first trip */
    uint32_t attack;         /* the attack's id, echoed in the alert */
    uint16_t type;           /* response_type of the alert */
    uint16_t flags;          /* RESPONSE_FLAG_* of the alert */
} canaries_probe_msg;
SIM_TYPED_SEND(canaries_send_probe, CANARIES_EV_PROBE, canaries_probe_msg, msg->attack);

/* Deploys more canaries (reactive canaries, runbook L746-L748). */
typedef struct canaries_deploy_msg {
    uint64_t canaries;       /* canaries added */
} canaries_deploy_msg;
SIM_TYPED_SEND(canaries_send_deploy, CANARIES_EV_DEPLOY, canaries_deploy_msg, 0);

typedef struct canaries_params {
    int64_t count, resources;
    int distinct;
    dist_t alert_latency;      /* ns */
    dist_t confidence;         /* plain numbers, clamped to [0, 1] */
    int64_t window_ns, window_touches;
    double false_trip_rate_per_s;
    int false_type;            /* response_type */
    int64_t rotation_period_ns, rotation_first_ns, rotation_each_ns;
    int64_t rotation_workers;
    int rotation_blind;
} canaries_params;

/* Closed forms for checks. P(at least one canary among m distinct touches)
 * = 1 - C(N, m) / C(N + K, m), computed with lgamma. */
double canaries_detect_within(int64_t canaries, int64_t resources, int64_t touches);
/* Mean time to the first trip with independent touches at rate r:
 * (N + K) / (r K) seconds. */
double canaries_mean_time_to_trip_s(int64_t canaries, int64_t resources, double rate_per_s);

#endif
