/* ci.h - confidence intervals for replicated simulation output.
 *
 * Every function takes a two-sided confidence level (0.95 for a 95 %
 * interval) so that multiplicity corrections (Holm, sequential looks) can
 * ask for the same interval at another level.  Replications are the
 * independent units: within a replication observations may be correlated,
 * so pooled estimators take their variance from the spread between
 * replications (a cluster-robust, "ratio estimator" variance), never from
 * a formula that assumes independent observations.  docs/claims.md
 * explains each interval in plain words and gives its measured coverage.
 */
#ifndef MWRASP_CI_H
#define MWRASP_CI_H

#include <stddef.h>

/* Two-sided Student-t critical value t_{df, 1-(1-level)/2}; the normal one
 * when df is infinite or >= 1e6. */
double ci_t_crit(double level, double df);

/* mean +- t_{df} se: Student-t interval (NaN when se or df is not finite). */
void ci_student(double mean, double se, double df, double level,
                double *lo, double *hi);

/* Ratio estimator of a per-observation mean pooled over R replications:
 * est = sum(y) / sum(n), with replication r contributing y[r] (a sum of
 * observations) and n[r] (their number; 0 allowed).  se is the
 * cluster-robust standard error sqrt(R/(R-1) sum (y_r - est n_r)^2) / sum(n)
 * (NaN when R < 2 or sum(n) == 0). */
void ci_ratio(const double *y, const double *n, size_t R, double *est, double *se);

/* Wilson score interval for a proportion pooled over replications, with
 * the design effect estimated from the replications (at least 0.25) and a
 * Student-t critical value with R-1 degrees of freedom.  x[r] successes of n[r]
 * trials.  Stays inside [0, 1].  *deff receives the design effect used
 * (may be NULL). */
void ci_wilson_clustered(const double *x, const double *n, size_t R, double level,
                         double *est, double *lo, double *hi, double *deff);

/* Clopper-Pearson (exact binomial) interval for x successes in n trials
 * (gsl_cdf_beta_Pinv). */
void ci_clopper_pearson(double x, double n, double level, double *lo, double *hi);
/* One-sided upper confidence bound on p after 0 successes in n trials:
 * 1 - (1 - level)^(1/n) (the exact Clopper-Pearson bound; about 3/n at 95 %). */
double ci_zero_upper(double n, double level);

/* Garwood (exact Poisson) interval for the rate of `count` events over
 * `exposure` units. */
void ci_garwood(double count, double exposure, double level, double *lo, double *hi);
/* One-sided upper bound on a Poisson rate after 0 events in `exposure`
 * units: -ln(1 - level) / exposure (about 3 / exposure at 95 %). */
double ci_poisson_zero_upper(double exposure, double level);

/* A pooled sample: the kept observations of R replications, in the
 * metric's unit.  Replication r kept nx[r] observations (sorted), each
 * standing for weight[r] observations (1 when all were kept; n/k when a
 * uniform reservoir of k of n was kept).  ci_pool_new copies the arrays
 * of pointers, not the samples: x[r] must outlive the pool.  It builds the
 * merged, weighted order once. */
typedef struct ci_pool ci_pool;
ci_pool *ci_pool_new(size_t R, const double *const *x, const size_t *nx,
                     const double *weight);
void ci_pool_free(ci_pool *pool);
/* Total weight (observations represented). */
double ci_pool_total(const ci_pool *pool);
/* Weighted empirical quantile: the smallest sample value v with
 * F(v) >= p (the inverse of the pooled ECDF).  NaN if empty. */
double ci_pool_quantile(const ci_pool *pool, double p);
/* Woodruff's interval for the p-quantile: the cluster-robust Student-t
 * interval for F(q) at the estimate q (replications with data as the
 * clusters), mapped back through the pooled quantile function and widened
 * by one order statistic on each side for discreteness.  An end whose
 * probability leaves (0, 1) is -INFINITY / +INFINITY: the quantile may lie
 * beyond every observation.  *reps receives the replications with data. */
void ci_pool_quantile_interval(const ci_pool *pool, double p, double level,
                               double *est, double *lo, double *hi, size_t *reps);

/* Times to an event that may not happen within the run: replication r
 * observed nev[r] event times ev[r] and ncens[r] censoring times cens[r]
 * (the event had not happened after that long), both sorted, with weights
 * wev[r] and wcens[r] as for ci_pool.  Kaplan-Meier estimates, pooled. */
typedef struct ci_survival ci_survival;
ci_survival *ci_survival_new(size_t R, const double *const *ev, const size_t *nev,
                             const double *wev, const double *const *cens,
                             const size_t *ncens, const double *wcens);
void ci_survival_free(ci_survival *s);
/* F(t) = 1 - S(t), the probability that the event happened by t. */
double ci_km_cdf(const ci_survival *s, double t);
/* The smallest event time t with F(t) >= p; +INFINITY when the curve never
 * gets that high (too few events in the window); NaN without data. */
double ci_km_quantile(const ci_survival *s, double p);
/* Delete-one-replication jackknife standard error of F(t). */
double ci_km_cdf_se(const ci_survival *s, double t);
/* Woodruff's interval for the KM p-quantile, with the jackknife se. */
void ci_km_quantile_interval(const ci_survival *s, double p, double level,
                             double *est, double *lo, double *hi);
/* Whether every censoring time is >= t (then F(t) is a plain proportion). */
int ci_survival_uncensored_before(const ci_survival *s, double t);

#endif
