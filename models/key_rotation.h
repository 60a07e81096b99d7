/* key_rotation.h - the key rotation service: emergency rotations requested
 * by the response model queue as one job per key for a pool of workers,
 * each key taking a draw of the per-key cost; when the last key of a
 * request is rotated the service emits SIGNAL_KEYS_ROTATED (signals.h),
 * which the attacks and fragments models hear.
 *
 * Without a `key_rotation` section the model is inactive and the response
 * model signals the rotation itself when its emergency_key_rotation step
 * ends (as before this model existed).  With it, that step is the hand-off:
 * its end sends the request here, and the keys count as rotated only when
 * the queue is through with them (response.total does not include that
 * wait; key_rotation.rotation_time does).  Give the step a small constant
 * duration when the service is meant to carry the whole cost.
 *
 * Scenario section `key_rotation`: workers and the per-key cost, rows of
 * the parameter table in models/key_rotation.c, as the metrics are rows of
 * its metric table (`mwrasp-sim --help-model key_rotation`,
 * docs/scenarios.md).
 *
 * Queue: FIFO over keys in request order; a key starts when a worker is
 * free.  With Poisson requests of one key each this is M/G/c, so with
 * workers: 1 the mean wait is the Pollaczek-Khinchine
 * lambda E[S^2] / (2 (1 - rho)) (M/D/1: rho D / (2 (1 - rho))).
 */
#ifndef MWRASP_KEY_ROTATION_H
#define MWRASP_KEY_ROTATION_H

#include <stdint.h>

#include "sim.h"

extern const sim_model key_rotation_model;

/* Event kinds: the first comes from the response model, the second is the
 * model's own. */
typedef enum key_rotation_kind {
    KEY_ROTATION_EV_REQUEST = 1, /* key_rotation_send_request */
    KEY_ROTATION_EV_KEY_DONE     /* a worker finished one key */
} key_rotation_kind;

/* Rotate `keys` keys (an incident's emergency rotation). */
typedef struct key_rotation_request_msg {
    uint64_t keys;        /* >= 1 */
    uint32_t incident;    /* the requester's reference, for the record */
} key_rotation_request_msg;
SIM_TYPED_SEND(key_rotation_send_request, KEY_ROTATION_EV_REQUEST,
               key_rotation_request_msg, msg->incident);

typedef struct key_rotation_params {
    int64_t workers;
    dist_t cost;          /* ns per key */
} key_rotation_params;

#endif
