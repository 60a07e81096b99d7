/* attacks.h - the adversary: a timeline of attacks injected into the other
 * models by events, plus the Grover key-search race.
 *
 * Scenario section `attacks`, key `timeline`: a list of attacks, each
 *   type         grover | harvest_now_decrypt_later | agent_compromise |
 *                byzantine_takeover | fragment_theft | recon | auth_flood
 *   name         label, used in metric names (default: the type)
 *   at           start time of one attack, or instead
 *   rate         Poisson starts, with from (0), until (end of run), max (0 = no cap)
 *   incident     incident type reported for it (default by type: grover and
 *                hndl quantum_attack, agent_compromise and auth_flood
 *                ai_agent_compromise, byzantine_takeover consensus_failure,
 *                fragment_theft and recon data_breach)
 *   confidence   detection confidence, distribution of numbers (constant 0.9)
 *   detect       {probability: p, latency: dist}: a monitor (e.g. the
 *                runbook's grover-defense, L141-L147) notices the attack
 *                with probability p, latency after its start (absent: none)
 *   probe_rate   canary touches per second while probing (0: no probing)
 *   probe_for    probing time (0: until a canary trips)
 * and by type:
 *   grover       key_bits (128), iteration_rate (logical Grover iterations
 *                per second, required), measure_at (fraction of the optimal
 *                iteration count, 1), key_lifetime (scheduled rotation of
 *                the target key, 0 = never), restart (true: a new search on
 *                the current key after each measurement), expanded_bits
 *                (256: the key size the years-to-break comparison uses)
 *   harvest_now_decrypt_later   keys (classical | pqc, pqc: the runbook's
 *                generate_pqc_key, L811), break_after (time until a
 *                cryptographically relevant quantum computer, a duration
 *                such as 3650d), secrecy (how long the data must stay secret)
 *   agent_compromise   count (1), population (10547, L654), shift (0:
 *                the agents model's compromise.shift)
 *   byzantine_takeover count (1), population (127, L657), behaviour
 *                (crash|silent|equivocate|delay|drop, equivocate),
 *                placement (first|random, random), drop (0.5), hold (10ms mean)
 *   fragment_theft     capture_rate (per node, required), length (0 = rest of run)
 *   recon        probing only (probe_rate required)
 *   auth_flood   flood_rate (required), length (required), identities
 *                (10000), first_identity (0)
 *
 * Grover (Boyer-Brassard-Hoyer-Tapp): with sin^2 theta = 2^-k, after j
 * iterations a measurement finds the key with probability
 * sin^2((2j+1) theta); the optimum is j* = round(pi/(4 theta) - 1/2)
 * ~ (pi/4) 2^(k/2).  The attacker measures after measure_at * j*
 * iterations.  A rotation of the key (emergency rotation from response, or
 * key_lifetime) while it searches makes the measured key dead; a key-space
 * expansion (from response) applies to every later search of every attack.  Expected time to break a key:
 * (j / rate) / P(j) per search, all in doubles via logs, so 2^64 is harmless.
 *
 * Metrics (attacks.*): launched, detected (per attack, 0/1), time_to_detect,
 * time_to_contain (s, from the attack's start), the same three per timeline
 * entry NAME (detected.NAME, ...), grover_won and grover_won.NAME (per Grover
 * attack, 0/1: recovered a live key), grover_time_to_win (s),
 * grover_measurements, grover_dead_keys, and per Grover timeline entry
 * NAME: grover_years_to_break.NAME (its key_bits, rate and measure_at),
 * grover_years_to_break_expanded.NAME (the same at its expanded_bits),
 * grover_log2_iterations.NAME (iterations per search); hndl_won,
 * agents_compromised, nodes_taken, flood_requests.
 */
#ifndef MWRASP_ATTACKS_H
#define MWRASP_ATTACKS_H

#include <stdint.h>

#include "sim.h"

extern const sim_model attacks_model;

#define ATTACKS_MAX_TIMELINE 32

/* Event kinds.  The first four are signals it subscribes to (signals.h).
 * DETECTED and CONTAINED name the attack by id, or (RESPONSE_NO_ATTACK,
 * when the detector did not know it: the agents or consensus model's own
 * detectors) by the affected entity and the response_type, and the attack
 * that compromised that agent / replica is looked up. */
typedef enum attacks_kind {
    ATTACKS_EV_DETECTED = 1,  /* SIGNAL_ATTACK_DETECTED */
    ATTACKS_EV_CONTAINED,     /* SIGNAL_CONTAINED: containment finished */
    ATTACKS_EV_KEYS_ROTATED,  /* SIGNAL_KEYS_ROTATED: every live key rotated */
    ATTACKS_EV_KEYS_EXPANDED, /* SIGNAL_KEYS_EXPANDED */
    /* the model's own */
    ATTACKS_EV_LAUNCH,        /* a timeline item starts */
    ATTACKS_EV_MEASURE,       /* a Grover search ends */
    ATTACKS_EV_MONITOR,       /* the attack's monitor detects it */
    ATTACKS_EV_FLOOD,         /* the next request of an auth flood */
    ATTACKS_EV_WON            /* SIGNAL_ATTACK_WON: another model saw it succeed */
} attacks_kind;

typedef enum attacks_type {
    ATTACKS_GROVER = 0, ATTACKS_HNDL, ATTACKS_AGENT_COMPROMISE,
    ATTACKS_BYZANTINE_TAKEOVER, ATTACKS_FRAGMENT_THEFT, ATTACKS_RECON,
    ATTACKS_AUTH_FLOOD, ATTACKS_CLASSICAL, ATTACKS_NTYPES
} attacks_type;

/* How a Grover item counts the iterations of one search. */
typedef enum attacks_count {
    ATTACKS_COUNT_OPTIMAL = 0, /* round(pi/(4 theta) - 1/2) per machine */
    ATTACKS_COUNT_SQRT_N       /* 2^(k/2) / sqrt(p): the convention of estimates
                                * that omit pi/4 (docs/grover.md) */
} attacks_count;

typedef struct attacks_item {
    int type;                   /* attacks_type */
    const char *name;
    int poisson;
    int64_t at_ns, from_ns, until_ns, max;
    double rate_per_s;
    int incident;               /* response_type */
    dist_t confidence;
    int has_detect;
    double detect_probability;
    dist_t detect_latency;      /* ns */
    double probe_rate_per_s;
    int64_t probe_for_ns;
    /* grover */
    int64_t key_bits;
    double iteration_rate_per_s, measure_at;
    int64_t key_lifetime_ns;
    int restart;
    int64_t expanded_bits;
    int has_machine;            /* machine: given (else iteration_rate) */
    int cipher;                 /* grover_cipher_names index */
    double cycle_s, code_distance, machines, maxdepth_log2;
    int iter_count;             /* attacks_count */
    /* classical_search */
    double keys_per_s, devices;
    /* hndl */
    int classical;
    int64_t break_after_ns, secrecy_ns;
    /* agent_compromise / byzantine_takeover */
    int64_t count, population;
    double shift;
    int behaviour, random_placement;
    double drop;
    double hold_mean_ns;
    /* fragment_theft / auth_flood */
    double capture_rate_per_s;
    int64_t length_ns;
    double flood_rate_per_s;
    int64_t identities, first_identity;
} attacks_item;

typedef struct attacks_params {
    int nitems;
    attacks_item items[ATTACKS_MAX_TIMELINE];
} attacks_params;

/* Iterations of one search of Grover item a on a bits-bit key, per
 * machine (its count convention and measure_at; grover.h). */
double attacks_grover_iterations(const attacks_item *a, double bits);
/* Expected years for Grover item a to recover a bits-bit key: one search
 * on its machines over P(success), restarting on failure. */
double attacks_years_to_break(const attacks_item *a, double bits);

#endif
