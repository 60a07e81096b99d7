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
 * RESPONSE_EV_DETECTION with the session's incident type, sent to response.
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

/* CANARIES_EV_PROBE: attacks -> canaries.  Starts a probe session at the
 * event time.  target = attack id (echoed in the alert);
 *   data.u32[0] = response_type of the alert
 *   data.u32[1] = response flags of the alert (RESPONSE_FLAG_*)
 *   data.f64[1] = touch rate, per second (> 0)
 *   data.i64[2] = session length in ns (0: until the first trip) */
#define CANARIES_EV_PROBE 50
/* CANARIES_EV_DEPLOY: response -> canaries.  data.u64[0] = canaries added
 * (reactive canaries, runbook L746-L748). */
#define CANARIES_EV_DEPLOY 51

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
