/* signals.h - the notifications models emit for whoever listens (sim_emit,
 * sim.h), with their payloads, and the incident vocabulary they share.
 *
 * A model that tells the world something (a detection was raised, keys
 * were rotated, an agent was isolated) emits a signal and never names its
 * listeners; a model that wants to hear it subscribes in its descriptor
 * (sim_model.subscriptions) with an event kind of its own.  The engine
 * delivers a signal as one event per listener at the emitting time, in
 * registry order.  A request for work addressed to one model (fence this
 * replica, rotate these keys) is not a signal: it is the typed send
 * function in the receiver's header.
 *
 * The incident vocabulary (types, severities, sources) keeps the
 * response_ names it had when the response model defined it, so that
 * scenario names and metric names stay as they were.
 *
 * Invariant: every payload fits an event (SIM_PAYLOAD_FITS).
 */
#ifndef MWRASP_SIGNALS_H
#define MWRASP_SIGNALS_H

#include <stdint.h>

#include "sim.h"

typedef enum signal_id {
    SIGNAL_DETECTION = 0,   /* signal_detection: a detector raised a detection */
    SIGNAL_ATTACK_DETECTED, /* signal_attack: an incident was opened for it */
    SIGNAL_CONTAINED,       /* signal_attack: its containment finished */
    SIGNAL_KEYS_ROTATED,    /* signal_keys_rotated: every live key was rotated */
    SIGNAL_KEYS_EXPANDED,   /* signal_keys_expanded: key space expanded */
    SIGNAL_AGENT_ISOLATED,  /* signal_agent_isolated: an agent was taken out */
    SIGNAL_ATTACK_WON,      /* signal_attack: the attack succeeded (a fragment theft
                             * reconstructed an item); ground truth for the figures */
    SIGNAL_COUNT
} signal_id;
_Static_assert(SIGNAL_COUNT <= SIM_MAX_SIGNALS, "signals fit the engine's table");

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

/* Who raised a detection (signal_detection.source). */
typedef enum response_source {
    RESPONSE_SRC_CANARY = 0,      /* canaries model: a tripped canary */
    RESPONSE_SRC_AGENT_DRIFT,     /* agents model: drift detector (contract) */
    RESPONSE_SRC_CONSENSUS,       /* consensus model: fault monitor (contract) */
    RESPONSE_SRC_FRAGMENTS,       /* fragments model: share-access monitor */
    RESPONSE_SRC_MONITOR,         /* attacks model: the attack's `detect` monitor */
    RESPONSE_SRC_BACKGROUND,      /* response model: false_positives */
    RESPONSE_NSOURCES
} response_source;

/* Flag bits of signal_detection.flags. */
#define RESPONSE_FLAG_GROVER 1u  /* attack_type == 'GROVER' (runbook L737) */
/* Ground truth only the simulator knows: no attack is behind the detection
 * (a drift flag of a clean agent, a false canary trip, background noise).
 * The response model counts the incidents it opens as false positives;
 * nothing else may act on it. */
#define RESPONSE_FLAG_FALSE 2u

#define RESPONSE_NO_ATTACK UINT32_MAX  /* detection with no known attack */
#define RESPONSE_NO_ENTITY UINT32_MAX  /* no affected agent / node */

/* SIGNAL_DETECTION: a detection at the emitting time. */
typedef struct signal_detection {
    uint32_t type;        /* response_type */
    uint16_t source;      /* response_source */
    uint16_t flags;       /* RESPONSE_FLAG_* */
    uint32_t attack;      /* the attacks model's id of the attack behind it (from the
                           * event that caused it), or RESPONSE_NO_ATTACK */
    uint32_t entity;      /* affected agent (ai_agent_compromise) or replica
                           * (consensus_failure), or RESPONSE_NO_ENTITY */
    double confidence;    /* in [0, 1] */
} signal_detection;
SIM_PAYLOAD_FITS(signal_detection);

/* SIGNAL_ATTACK_DETECTED, SIGNAL_CONTAINED, SIGNAL_ATTACK_WON: the attack is named by its id,
 * or (RESPONSE_NO_ATTACK) by the entity it compromised and the type. */
typedef struct signal_attack {
    uint32_t attack;      /* or RESPONSE_NO_ATTACK */
    uint32_t entity;      /* or RESPONSE_NO_ENTITY */
    uint32_t type;        /* response_type */
    uint32_t source;      /* response_source of the detection (DETECTED) */
} signal_attack;
SIM_PAYLOAD_FITS(signal_attack);

typedef struct signal_keys_rotated {
    uint64_t keys;        /* keys rotated by this rotation */
} signal_keys_rotated;
SIM_PAYLOAD_FITS(signal_keys_rotated);

typedef struct signal_keys_expanded {
    uint32_t bits;        /* the new key size */
} signal_keys_expanded;
SIM_PAYLOAD_FITS(signal_keys_expanded);

typedef struct signal_agent_isolated {
    uint32_t agent;
} signal_agent_isolated;
SIM_PAYLOAD_FITS(signal_agent_isolated);

const char *response_type_name(response_type t);
const char *response_severity_name(response_severity s);
/* NULL-terminated name tables, for cfg_enum. */
extern const char *const response_type_names[];
extern const char *const response_severity_names[];

#endif
