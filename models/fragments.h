/* fragments.h - temporal data fragmentation: items split into n Shamir-style
 * shares, any k of which reconstruct, each share held by a distinct node and
 * deleted after a short life (runbook: 3-5 s, L31
 * 'data_fragmentation_expiry_seconds': (3, 5)).
 *
 * A generation is one sharing of an item: n shares on n distinct nodes
 * drawn from `nodes`.  Shares of one generation combine only with each
 * other (a re-share draws a fresh polynomial).  Modes:
 *   refresh  proactive refresh: a new generation every `refresh`; the old
 *            generation's shares are deleted at that moment;
 *   expiry   each share lives an independent draw of `ttl`; the item is
 *            re-shared when the first share of the current generation
 *            expires, so older generations' shares linger until their own
 *            expiry;
 *   none     one generation that never expires (the no-expiry baseline).
 * Deletion happens at the first multiple of `sweep` at or after expiry when
 * sweep > 0 (a periodic expiry sweeper, like TTL stores), so realised share
 * lifetimes can exceed the nominal TTL.  A new generation becomes readable
 * `reshare_time` after it is dealt.
 *
 * Reads (Poisson, `read_rate` per item) succeed when some generation has
 * >= k readable, undeleted shares whose holders answer (each with
 * probability `availability`).
 *
 * Theft (CANARIES-style session from the attacks model, FRAGMENTS_EV_THEFT):
 * each node is captured at rate lambda; a capture copies every undeleted
 * share the node holds.  The attacker wins when it holds k shares of one
 * generation of one item.  Each capture is noticed with probability
 * detect.probability and reported after detect.latency as a data_breach
 * detection.  FRAGMENTS_EV_REFRESH (SIGNAL_KEYS_ROTATED: emergency rotation)
 * deletes every share now and deals a new generation.
 *
 * Closed forms (refresh mode, theft for the whole run): per-epoch attacker
 * success P_e = sum_{j>=k} C(n,j) p^j (1-p)^(n-j), p = 1 - exp(-lambda tau);
 * no expiry: mean time to k captures of n nodes = (1/lambda) sum_{i=n-k+1}^{n} 1/i.
 *
 * Scenario section `fragments`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/fragments.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model fragments`,
 * docs/scenarios.md).
 */
#ifndef MWRASP_FRAGMENTS_H
#define MWRASP_FRAGMENTS_H

#include <stdint.h>

#include "sim.h"

extern const sim_model fragments_model;

#define FRAGMENTS_MAX_SHARES 32
#define FRAGMENTS_MAX_GENERATIONS 8  /* live generations per item */

/* Event kinds: the first two come from other models, the rest are the
 * model's own. */
typedef enum fragments_kind {
    FRAGMENTS_EV_THEFT = 1,  /* fragments_send_theft (attacks) */
    FRAGMENTS_EV_REFRESH,    /* SIGNAL_KEYS_ROTATED: emergency re-share of every
                              * item now, all shares deleted, a new generation dealt */
    FRAGMENTS_EV_DEAL,
    FRAGMENTS_EV_DELETE,
    FRAGMENTS_EV_READ,
    FRAGMENTS_EV_CAPTURE,
    FRAGMENTS_EV_THEFT_END,
    FRAGMENTS_EV_DETECT
} fragments_kind;

/* Starts a theft at the event time. */
typedef struct fragments_theft_msg {
    double capture_rate_per_s; /* per node (> 0) */
    int64_t length_ns;         /* 0: to the end of the run */
    uint32_t attack;           /* the attack's id */
} fragments_theft_msg;
SIM_TYPED_SEND(fragments_send_theft, FRAGMENTS_EV_THEFT, fragments_theft_msg, msg->attack);

typedef enum fragments_mode {
    FRAGMENTS_REFRESH = 0, FRAGMENTS_EXPIRY = 1, FRAGMENTS_NONE = 2
} fragments_mode;

typedef struct fragments_params {
    int64_t items, shares, threshold, nodes;
    int mode;                   /* fragments_mode */
    int64_t refresh_ns;
    dist_t ttl;                 /* ns */
    int64_t sweep_ns;
    dist_t reshare_time;        /* ns */
    double read_rate_per_s;
    double availability;
    double detect_probability;
    dist_t detect_latency;      /* ns */
    dist_t detect_confidence;   /* numbers */
} fragments_params;

/* P(Binomial(n, p) >= k). */
double fragments_binomial_tail(int n, int k, double p);
/* Per-epoch attacker success with capture rate lambda per node and epoch
 * tau seconds. */
double fragments_epoch_success(int n, int k, double lambda_per_s, double tau_s);
/* Mean time (s) to capture k distinct of n nodes at rate lambda each. */
double fragments_mean_time_to_compromise_s(int n, int k, double lambda_per_s);

#endif
