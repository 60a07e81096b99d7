/* drift_calibrate.h - the agents model's drift calibrated against the
 * runbook's daily figures (issue 14 item 3, `mwrasp-sim --calibrate`).
 *
 * The runbook (L561-L570) reports 23 agents flagged a day out of 10,547
 * (20 recalibrated, 3 reviewed) with a mean drift score of 0.034 at the
 * threshold 0.15.  Under the agents model's OU drift (one dimension, one
 * check per agent a day, stationary start) a check's score is |N(0, sd^2)|:
 * the flag rate fixes sd, and the mean score then follows (sd sqrt(2/pi)).
 * drift_calibrate solves for the parameters and says whether the mean is
 * consistent, by how much an OU process misses when the mean is held, and
 * which distribution families (gamma, Weibull, lognormal shapes) meet both
 * figures.  Sources and the arithmetic: docs/calibrate.md.
 */
#ifndef MWRASP_DRIFT_CALIBRATE_H
#define MWRASP_DRIFT_CALIBRATE_H

#include <stdio.h>

typedef struct drift_targets {
    double agents;          /* 10,547 */
    double flagged_per_day; /* 23 */
    double recal_per_day;   /* 20 */
    double review_per_day;  /* 3 */
    double mean_score;      /* 0.034 */
    double threshold;       /* 0.15 */
    double checks_per_day;  /* checks per agent a day (the model's detect.check_rate) */
} drift_targets;

typedef struct drift_fit {
    double p_target;        /* flags / (agents x checks): P(score > threshold) per check */
    double ou_sd;           /* OU stationary sd that gives p_target */
    double ou_mean;         /* the mean score it implies */
    double review_fraction; /* review / flagged */
    double held_sd;         /* sd that gives the runbook's mean */
    double held_p, held_flags_per_day; /* ... and what it flags */
    double shortfall;       /* flagged_per_day / held_flags_per_day */
    double looks;           /* independent looks a day that would close the gap */
    double gamma_k, weibull_c, lognormal_s; /* shapes meeting both figures (NaN: none) */
} drift_fit;

/* The runbook's figures (L561-L570) with one check per agent a day. */
drift_targets drift_runbook_targets(void);
void drift_calibrate(const drift_targets *t, drift_fit *out);
/* The fitted parameters and the verdict, as --calibrate prints them. */
void drift_calibrate_print(FILE *o, const drift_targets *t, const drift_fit *f);

#endif
