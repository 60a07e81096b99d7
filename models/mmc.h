/* mmc.h - M/M/c (and G/G/c) FIFO queue, the engine's validation model.
 *
 * Scenario section `mmc`: every key with its type, default, range and
 * meaning is a row of the parameter table in models/mmc.c, and every
 * metric a row of its metric table (`mwrasp-sim --help-model mmc`,
 * docs/scenarios.md).
 */
#ifndef MWRASP_MMC_H
#define MWRASP_MMC_H

#include "sim.h"

extern const sim_model mmc_model;

/* Event kinds (the model's own). */
typedef enum mmc_kind { MMC_EV_ARRIVAL = 1, MMC_EV_DEPARTURE } mmc_kind;

typedef struct mmc_params {
    int64_t servers;
    double arrival_rate_per_s;
    dist_t service;   /* ns */
    int64_t capacity; /* 0 = unbounded */
} mmc_params;

/* Closed forms for checks: Erlang C probability of waiting and mean wait
 * in queue (seconds) for c servers, arrival rate lambda, service rate mu. */
double mmc_erlang_c(int c, double lambda, double mu);
double mmc_mean_wait_s(int c, double lambda, double mu);

#endif
