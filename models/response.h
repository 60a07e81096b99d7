/* response.h - the incident pipeline of the runbook's QuantumAttackResponse
 * (runbook L695-L826): detections become incidents, are classified by
 * confidence, and run the runbook's eight steps, each taking a time drawn
 * from the scenario; the model reports each step's time and the total
 * against the 100 ms target (runbook L701).
 *
 * Pipeline of one incident (runbook respond_to_quantum_attack, L709-L762):
 *   1 classify              severity from confidence (see below)
 *   2 containment           the severity's actions (L780-L785), one after
 *                           the other as the runbook's loop does
 *   3 emergency_key_rotation   high and critical only (L733)
 *   4 key_space_expansion   Grover attacks only (L737)
 *   5 isolate_agents        incidents that name an affected agent (L742)
 *   6 reactive_canaries     always (L747)
 *   7 threat_intel_update   always (L751)
 *   8 notify_stakeholders   high and critical only (L755)
 * `parallel: false` (default, the runbook's order) runs steps 2-8 one after
 * the other; `parallel: true` starts them together after classification.
 *
 * Severity.  `classification: intended` (default) gives the highest
 * threshold met (low .3, medium .6, high .8, critical .95; L702-L707) and
 * `low` below .3 (the runbook's fallback, L774).  `as_written` reproduces
 * the runbook's loop (L764-L774): it tests the thresholds in the dict's
 * ascending order and returns the first one met, so every confidence
 * >= 0.3 is `low` (and so is everything below, by the fallback).
 *
 * Effects, sent as events when a step completes (a peer that is not in the
 * scenario is skipped):
 *   containment done   -> attacks ATTACKS_EV_CONTAINED (per attack);
 *                         consensus CONSENSUS_EV_SET_BEHAVIOUR crash for the
 *                         named node when fence_nodes (fencing a Byzantine
 *                         replica turns it into a crash fault)
 *   key rotation done  -> attacks ATTACKS_EV_KEYS_ROTATED,
 *                         fragments FRAGMENTS_EV_REFRESH
 *   key expansion done -> attacks ATTACKS_EV_KEYS_EXPANDED (expanded_bits)
 *   isolation done     -> agents RESPONSE_AGENTS_EV_ISOLATE, only when
 *                         isolate_agents_event is true (contract below)
 *   reactive canaries  -> canaries CANARIES_EV_DEPLOY (reactive_canaries)
 *   classification     -> escalation ESCALATION_EV_INCIDENT (every incident)
 * and the first detection of an attack -> attacks ATTACKS_EV_DETECTED.
 *
 * Scenario section `response`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/response.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model response`,
 * docs/scenarios.md).
 * keys_per_rotation: one emergency rotation takes that many draws of
 * steps.emergency_key_rotation.  false_positives is a list of
 * {type, rate, confidence}: Poisson detections with no attack behind them.
 */
#ifndef MWRASP_RESPONSE_H
#define MWRASP_RESPONSE_H

#include <stdint.h>

#include "sim.h"

extern const sim_model response_model;

/* Incident types: the runbook's escalation-matrix keys (L833-L858). */
typedef enum response_type {
    RESPONSE_QUANTUM_ATTACK = 0,
    RESPONSE_AI_AGENT_COMPROMISE,
    RESPONSE_CONSENSUS_FAILURE,
    RESPONSE_DATA_BREACH,
    RESPONSE_NTYPES
} response_type;

typedef enum response_severity {
    RESPONSE_LOW = 0, RESPONSE_MEDIUM, RESPONSE_HIGH, RESPONSE_CRITICAL,
    RESPONSE_NSEVERITIES
} response_severity;

/* Who raised a detection (RESPONSE_EV_DETECTION data.u32[1], low 16 bits). */
typedef enum response_source {
    RESPONSE_SRC_CANARY = 0,      /* canaries model: a tripped canary */
    RESPONSE_SRC_AGENT_DRIFT,     /* agents model: drift detector (contract) */
    RESPONSE_SRC_CONSENSUS,       /* consensus model: fault monitor (contract) */
    RESPONSE_SRC_FRAGMENTS,       /* fragments model: share-access monitor */
    RESPONSE_SRC_MONITOR,         /* attacks model: the attack's `detect` monitor */
    RESPONSE_SRC_BACKGROUND,      /* response model: false_positives */
    RESPONSE_NSOURCES
} response_source;

/* Flag bits in RESPONSE_EV_DETECTION data.u32[1] >> 16. */
#define RESPONSE_FLAG_GROVER 1u  /* attack_type == 'GROVER' (runbook L737) */

#define RESPONSE_NO_ATTACK UINT32_MAX  /* detection with no known attack */
#define RESPONSE_NO_ENTITY UINT32_MAX  /* no affected agent / node */

/* RESPONSE_EV_DETECTION: any model -> response.  A detection at the
 * event's time.  target = 0;
 *   data.u32[0] = response_type
 *   data.u32[1] = response_source | (flags << 16)
 *   data.u32[2] = attack id (the attacks model's id, from the event that
 *                 caused it) or RESPONSE_NO_ATTACK
 *   data.u32[3] = affected entity (agent index for ai_agent_compromise,
 *                 replica index for consensus_failure) or RESPONSE_NO_ENTITY
 *   data.f64[2] = confidence in [0, 1]
 * Use response_detection() to fill it. */
#define RESPONSE_EV_DETECTION 50

/* RESPONSE_AGENTS_EV_ISOLATE: response -> agents (the agents model
 * handles it; sent only with isolate_agents_event: true).  target = agent index
 * to isolate (stop its traffic, clear its compromise); no payload. */
#define RESPONSE_AGENTS_EV_ISOLATE 11

/* Schedules a RESPONSE_EV_DETECTION at time `at` to the model with id
 * response_id (no-op when response_id < 0). */
void response_detection(sim_t *sim, int response_id, int64_t at, response_type type,
                        response_source source, unsigned flags, uint32_t attack,
                        uint32_t entity, double confidence);

/* Severity of a confidence: intended (highest threshold met) or as the
 * runbook's code does it (as_written != 0). */
response_severity response_classify(double confidence, int as_written);

const char *response_type_name(response_type t);
const char *response_severity_name(response_severity s);
/* NULL-terminated name tables, for cfg_enum. */
extern const char *const response_type_names[];
extern const char *const response_severity_names[];

#endif
