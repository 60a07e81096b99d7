/* bench/phold.c - PHOLD through the real engine (model dispatch, pooled
 * events, calendar), with ROSS's models/phold semantics.
 *
 * usage: bench/phold [--lps N] [--population P] [--remote FRAC] [--mean X]
 *                    [--lookahead X] [--end T] [--seed S]
 * Times are in the benchmark's abstract unit (1 unit = 1 ms of simulated
 * time, so ns rounding is far below the step size).  Last line:
 *   events=<n> wall_s=<s> events_per_s=<r> peak_rss_kb=<k>
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "evq.h"
#include "phold.h"
#include "registry.h"
#include "sim.h"

int main(int argc, char **argv)
{
    phold_params p = { 1024, 1, 0.25, SIM_NS_PER_MS, SIM_NS_PER_MS / 10 };
    double end_units = 10000;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--lps")) p.lps = bench_int(f, v);
        else if (!strcmp(f, "--population")) p.population = bench_int(f, v);
        else if (!strcmp(f, "--remote")) p.remote = bench_double(f, v);
        else if (!strcmp(f, "--mean")) p.mean_ns = llround(bench_double(f, v) * 1e6);
        else if (!strcmp(f, "--lookahead")) p.lookahead_ns = llround(bench_double(f, v) * 1e6);
        else if (!strcmp(f, "--end")) end_units = bench_double(f, v);
        else if (!strcmp(f, "--seed")) seed = (unsigned long long)bench_int(f, v);
        else {
            fprintf(stderr, "usage: %s [--lps N] [--population P] [--remote FRAC] "
                            "[--mean X] [--lookahead X] [--end T] [--seed S]\n", argv[0]);
            return 64;
        }
        i++;
    }
    if (p.lps < 1 || p.population < 1 || p.remote > 1 || p.lookahead_ns > p.mean_ns ||
        p.mean_ns < 1) {
        fprintf(stderr, "need lps >= 1, population >= 1, remote <= 1, 0 < lookahead <= mean\n");
        return 64;
    }
    size_t nmodels;
    const sim_model *const *models = registry_models(&nmodels);
    void *params[64] = { 0 };
    params[registry_find("phold")] = &p;
    sim_config cfg = { .seed = seed, .duration_ns = llround(end_units * 1e6),
                       .quantile_samples = 0, .models = models, .nmodels = nmodels,
                       .params = params };
    err_t e;
    err_clear(&e);
    double t0 = bench_clock();
    sim_t *sim = sim_new(&cfg, &e);
    if (!sim || sim_run(sim, &e) != 0) {
        fprintf(stderr, "phold: %s\n", e.msg);
        sim_free(sim);
        return 70;
    }
    double wall = bench_clock() - t0;
    uint64_t events = sim_events_processed(sim);
    size_t pending = sim_events_pending(sim);
    size_t qbytes = sim_queue_bytes(sim);
    printf("lps=%lld population=%lld remote=%g mean=%g lookahead=%g end=%g\n",
           (long long)p.lps, (long long)p.population, p.remote, p.mean_ns / 1e6,
           p.lookahead_ns / 1e6, end_units);
    printf("pending_events=%zu queue_bytes=%zu queue_bytes_per_pending_event=%.1f "
           "(calendar entry %zu B + event %zu B)\n",
           pending, qbytes, pending ? (double)qbytes / (double)pending : 0.0,
           sizeof(evq_entry), sizeof(sim_event));
    printf("events=%llu wall_s=%.3f events_per_s=%.0f peak_rss_kb=%ld\n",
           (unsigned long long)events, wall, (double)events / wall, bench_peak_rss_kb());
    sim_free(sim);
    return 0;
}
