/* phold.h - PHOLD, the standard discrete-event engine benchmark, with the
 * semantics of ROSS's models/phold.
 *
 * Scenario section `phold` (times in any duration unit; the benchmark's
 * abstract time unit is 1 ms):
 *   lps         number of logical processes          (default 1024)
 *   population  events per LP at start              (default 1)
 *   remote      probability an event goes to a uniformly random LP
 *               (itself included), else to itself    (default 0.25)
 *   mean        mean time step                       (default 1ms)
 *   lookahead   minimum time step                    (default 0.1ms)
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
