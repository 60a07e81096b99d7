/* phold.h - PHOLD, the standard discrete-event engine benchmark, with the
 * semantics of ROSS's models/phold.
 *
 * Scenario section `phold`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/phold.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model phold`,
 * docs/scenarios.md).
 * Times are in any duration unit (the benchmark's abstract unit is 1 ms).
 * Each event at time t schedules one event at t + lookahead +
 * Exp(mean - lookahead): the mean step is `mean`, as in ROSS.
 * Initial events are at lookahead + Exp(mean - lookahead) from 0, as in
 * ROSS (tw_rand_exponential(mean - lookahead) + lookahead); see phold.c.
 */
#ifndef MWRASP_PHOLD_H
#define MWRASP_PHOLD_H

#include "sim.h"

extern const sim_model phold_model;

/* Event kinds (the model's own): one kind, a message hopping between LPs. */
typedef enum phold_kind { PHOLD_EV_HOP = 1 } phold_kind;

typedef struct phold_params {
    int64_t lps, population;
    double remote;
    int64_t mean_ns, lookahead_ns;
} phold_params;

#endif
