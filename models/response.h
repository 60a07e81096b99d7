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
 * Detections arrive as SIGNAL_DETECTION (signals.h) from any detector.
 * Effects when a step completes: signals (signals.h) for whoever listens,
 * and requests (typed sends) to the models that do the work (a peer that
 * is not in the scenario is skipped):
 *   containment done   -> SIGNAL_CONTAINED (per attack); a crash fence
 *                         (consensus_send_set_behaviour) for the named
 *                         node when fence_nodes (fencing a Byzantine
 *                         replica turns it into a crash fault)
 *   key rotation done  -> SIGNAL_KEYS_ROTATED, or with a key_rotation
 *                         model in the scenario a rotation request to it
 *                         (it signals when the keys are rotated)
 *   key expansion done -> SIGNAL_KEYS_EXPANDED (expanded_bits)
 *   isolation done     -> SIGNAL_AGENT_ISOLATED, only when
 *                         isolate_agents_event is true (contract below)
 *   reactive canaries  -> canaries_send_deploy (reactive_canaries)
 *   classification     -> escalation_send_incident (every incident)
 * and the first detection of an attack -> SIGNAL_ATTACK_DETECTED.
 *
 * Scenario section `response`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/response.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model response`,
 * docs/scenarios.md).
 * keys_per_rotation: one emergency rotation takes that many draws of
 * steps.emergency_key_rotation.  false_positives is a list of
 * {type, rate, confidence}: Poisson detections with no attack behind them;
 * isolate_agents_event: send AGENTS_EV_ISOLATE.
 */
#ifndef MWRASP_RESPONSE_H
#define MWRASP_RESPONSE_H

#include <stdint.h>

#include "signals.h"
#include "sim.h"

extern const sim_model response_model;

typedef enum response_kind {
    RESPONSE_EV_DETECTION = 1, /* SIGNAL_DETECTION (signals.h) */
    RESPONSE_EV_CLASSIFIED,    /* an incident's classification ends */
    RESPONSE_EV_STEP_DONE,     /* one of its steps ends */
    RESPONSE_EV_FALSE_POSITIVE /* a background detection */
} response_kind;

/* Severity of a confidence: intended (highest threshold met) or as the
 * runbook's code does it (as_written != 0). */
response_severity response_classify(double confidence, int as_written);

#endif
