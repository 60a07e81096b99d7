/* bench/mm1.c - the M/M/1 model through the engine with statistics on.
 *
 * usage: bench/mm1 [--customers N] [--lambda L] [--mu M] [--seed S]
 * Default: lambda 0.9/s, mu 1/s, 10,000,000 customers.  Model events are
 * arrivals + departures.  Last line:
 *   events=<n> wall_s=<s> events_per_s=<r> peak_rss_kb=<k>
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "mmc.h"
#include "registry.h"
#include "sim.h"

int main(int argc, char **argv)
{
    double lambda = 0.9, mu = 1.0;
    long long customers = 10000000;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--customers")) customers = bench_int(f, v);
        else if (!strcmp(f, "--lambda")) lambda = bench_double(f, v);
        else if (!strcmp(f, "--mu")) mu = bench_double(f, v);
        else if (!strcmp(f, "--seed")) seed = (unsigned long long)bench_int(f, v);
        else {
            fprintf(stderr, "usage: %s [--customers N] [--lambda L] [--mu M] [--seed S]\n",
                    argv[0]);
            return 64;
        }
        i++;
    }
    if (lambda <= 0 || mu <= 0 || customers < 1) {
        fprintf(stderr, "need lambda > 0, mu > 0, customers >= 1\n");
        return 64;
    }
    mmc_params p = { 1, lambda, dist_exponential(1e9 / mu), 0 };
    size_t nmodels;
    const sim_model *const *models = registry_models(&nmodels);
    void *params[64] = { 0 };
    params[registry_find("mmc")] = &p;
    /* Run for the time in which `customers` arrive on average. */
    sim_config cfg = { .seed = seed, .duration_ns = llround((double)customers / lambda * 1e9),
                       .quantile_samples = 100000, .models = models,
                       .nmodels = nmodels, .params = params };
    err_t e;
    err_clear(&e);
    double t0 = bench_clock();
    sim_t *sim = sim_new(&cfg, &e);
    if (!sim || sim_run(sim, &e) != 0) {
        fprintf(stderr, "mm1: %s\n", e.msg);
        sim_free(sim);
        return 70;
    }
    double wall = bench_clock() - t0;
    uint64_t events = sim_events_processed(sim);
    const stats_rep *r = sim_results(sim);
    printf("lambda=%g mu=%g customers~%lld mean_wait_s=%.4f (M/M/1: %.4f)\n", lambda, mu,
           customers, r[0].value / 1e3, mmc_mean_wait_s(1, lambda, mu));
    printf("events=%llu wall_s=%.3f events_per_s=%.0f peak_rss_kb=%ld\n",
           (unsigned long long)events, wall, (double)events / wall, bench_peak_rss_kb());
    sim_free(sim);
    return 0;
}
