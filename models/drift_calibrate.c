/* drift_calibrate.c - drift parameters from the runbook's daily figures
 * (see drift_calibrate.h). */
#include "drift_calibrate.h"

#include <math.h>

#define DRIFT_PI 3.14159265358979323846

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

drift_targets drift_runbook_targets(void)
{
    drift_targets t = { 10547, 23, 20, 3, 0.034, 0.15, 1 };
    return t;
}

/* P(|N(0, sd^2)| > x). */
static double half_normal_tail(double x, double sd)
{
    return 2.0 * gsl_cdf_ugaussian_Q(x / sd);
}

/* Bisection of f(x) = target on [lo, hi] (f monotone); NaN if no sign change. */
static double solve(double (*f)(double, const drift_targets *), const drift_targets *t,
                    double target, double lo, double hi)
{
    double flo = f(lo, t) - target, fhi = f(hi, t) - target;
    if (!(flo * fhi <= 0))
        return NAN;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi), fm = f(mid, t) - target;
        if ((fm <= 0) == (flo <= 0))
            lo = mid, flo = fm;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double ou_tail_of_sd(double sd, const drift_targets *t)
{
    return half_normal_tail(t->threshold, sd);
}

/* Tails at the threshold of families whose mean is held at mean_score. */
static double gamma_tail(double k, const drift_targets *t)
{
    return gsl_cdf_gamma_Q(t->threshold, k, t->mean_score / k);
}

static double weibull_tail(double c, const drift_targets *t)
{
    double lambda = t->mean_score / gsl_sf_gamma(1.0 + 1.0 / c);
    return exp(-pow(t->threshold / lambda, c));
}

static double lognormal_tail(double s, const drift_targets *t)
{
    double mu = log(t->mean_score) - s * s / 2.0;
    return gsl_cdf_lognormal_Q(t->threshold, mu, s);
}

void drift_calibrate(const drift_targets *t, drift_fit *f)
{
    double checks = t->agents * t->checks_per_day;
    f->p_target = t->flagged_per_day / checks;
    f->ou_sd = solve(ou_tail_of_sd, t, f->p_target, 1e-6, 10.0);
    f->ou_mean = f->ou_sd * sqrt(2.0 / DRIFT_PI);
    f->review_fraction = t->review_per_day / t->flagged_per_day;
    f->held_sd = t->mean_score / sqrt(2.0 / DRIFT_PI);
    f->held_p = half_normal_tail(t->threshold, f->held_sd);
    f->held_flags_per_day = f->held_p * checks;
    f->shortfall = t->flagged_per_day / f->held_flags_per_day;
    f->looks = log1p(-f->p_target) / log1p(-f->held_p);
    /* gamma: k = 1 (exponential) is too heavy, large k too light */
    f->gamma_k = solve(gamma_tail, t, f->p_target, 1.0, 50.0);
    f->weibull_c = solve(weibull_tail, t, f->p_target, 1.0, 10.0);
    f->lognormal_s = solve(lognormal_tail, t, f->p_target, 0.05, 2.0);
}

void drift_calibrate_print(FILE *o, const drift_targets *t, const drift_fit *f)
{
    fprintf(o, "drift calibration against the runbook (L561-L570): %.0f agents, %.4g checks "
               "per agent a day, threshold %.3g\n", t->agents, t->checks_per_day, t->threshold);
    fprintf(o, "  targets: %.4g flagged / %.4g recalibrated / %.4g reviewed per day, mean score "
               "%.4g\n", t->flagged_per_day, t->recal_per_day, t->review_per_day,
            t->mean_score);
    fprintf(o, "fitted (OU drift, one dimension, stationary):\n");
    fprintf(o, "  P(score > %.3g) per check = %.4g / %.0f = %.6g (%.4f %%)\n", t->threshold,
            t->flagged_per_day, t->agents * t->checks_per_day, f->p_target, 100 * f->p_target);
    fprintf(o, "  agents.drift.stationary_sd = %.6g (any theta: the stationary law fixes it)\n",
            f->ou_sd);
    fprintf(o, "  agents.review.fraction = %.4g / %.4g = %.6g (a routing share, not fitted)\n",
            t->review_per_day, t->flagged_per_day, f->review_fraction);
    fprintf(o, "  compromise.rate: not identified by these figures (the runbook gives no "
               "count of compromises)\n");
    fprintf(o, "consistency with mean score %.4g:\n", t->mean_score);
    fprintf(o, "  the fitted OU gives a mean score of %.6g, %+.1f %% off %.4g\n", f->ou_mean,
            100 * (f->ou_mean / t->mean_score - 1), t->mean_score);
    fprintf(o, "  holding the mean at %.4g (sd %.6g): P(score > %.3g) = %.4g %%, %.3g flags a "
               "day, %.3gx short of %.4g\n", t->mean_score, f->held_sd, t->threshold,
            100 * f->held_p, f->held_flags_per_day, f->shortfall, t->flagged_per_day);
    int consistent = fabs(f->ou_mean / t->mean_score - 1) < 0.01;
    fprintf(o, "  verdict: %s under an OU drift with one independent check a day\n",
            consistent ? "CONSISTENT" : "INCONSISTENT");
    fprintf(o, "  (with %.3g independent looks an agent a day, an OU drift would flag %.4g; "
               "the runbook does not say how it counts)\n", f->looks, t->flagged_per_day);
    fprintf(o, "families meeting both figures (mean %.4g, tail %.4g at %.3g):\n", t->mean_score,
            f->p_target, t->threshold);
    fprintf(o, "  gamma shape k = %.4g (scale %.4g); Weibull shape c = %.4g; lognormal s = "
               "%.4g\n", f->gamma_k, t->mean_score / f->gamma_k, f->weibull_c, f->lognormal_s);
    fprintf(o, "  a tail between the half-normal's (%.3g %%) and the exponential's (%.3g %%) "
               "is needed, e.g. a few %% of agents drifting around a shifted centre "
               "(docs/calibrate.md)\n", 100 * f->held_p, 100 * gamma_tail(1.0, t));
}
