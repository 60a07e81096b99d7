/* bench/agents.c - the agent population and auth service, one replication
 * at a time on the calling thread.
 *
 * usage: bench_agents [--seconds S] [--million-scenario PATH] [--baseline PATH]
 *                     [--skip-million]
 * 1. Auth throughput: scenarios/agents_baseline.yaml (10,547 agents) with
 *    auth traffic for the whole run of S simulated seconds (default 300):
 *    auth requests simulated per wall-second, drift checks included.
 * 2. Scale: one replication of scenarios/agents_million.yaml (1,000,000
 *    agents): wall time and the process's peak RSS.
 * Last line:
 *   auth_requests=<n> auth_wall_s=<s> auth_requests_per_s=<r> events_per_s=<e>
 *   million_wall_s=<s> million_events=<n> peak_rss_kb=<k> bytes_per_agent=<b>
 */
#include <stdio.h>
#include <string.h>

#include "agents.h"
#include "bench_util.h"
#include "registry.h"
#include "scenario.h"
#include "sim.h"

static int bench_run(const char *path, const char *const *sets, size_t nsets, double *wall_s,
                     uint64_t *events, double *requests)
{
    cfg_ctx c;
    cfg_ctx_init(&c);
    scenario_t *sc = NULL;
    err_t e;
    err_clear(&e);
    if (scenario_load(path, registry_models(NULL), registry_count(), sets, nsets, &c, &sc, &e) != 0) {
        for (size_t i = 0; i < c.ndiags; i++)
            fprintf(stderr, "%s\n", c.diags[i]);
        fprintf(stderr, "bench_agents: %s: %s\n", path, e.msg);
        cfg_ctx_free(&c);
        return 66;
    }
    cfg_ctx_free(&c);
    sim_config cfg;
    scenario_sim_config(sc, 0, 0, &cfg);
    double t0 = bench_clock();
    sim_t *sim = sim_new(&cfg, &e);
    if (!sim || sim_run(sim, &e) != 0) {
        fprintf(stderr, "bench_agents: %s\n", e.msg);
        sim_free(sim);
        scenario_free(sc);
        return 70;
    }
    *wall_s = bench_clock() - t0;
    *events = sim_events_processed(sim);
    *requests = 0;
    const stats_rep *r = sim_results(sim);
    for (size_t i = 0; i < sim_metric_count(sim); i++)
        if (!strcmp(sim_metric_def(sim, i)->name, "agents.auth_requests"))
            *requests = r[i].value;
    sim_free(sim);
    scenario_free(sc);
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = 300;
    const char *baseline = "scenarios/agents_baseline.yaml";
    const char *million = "scenarios/agents_million.yaml";
    int skip_million = 0;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--seconds")) seconds = bench_double(f, v);
        else if (!strcmp(f, "--baseline") && v) baseline = v;
        else if (!strcmp(f, "--million-scenario") && v) million = v;
        else if (!strcmp(f, "--skip-million")) { skip_million = 1; continue; }
        else {
            fprintf(stderr, "usage: %s [--seconds S] [--baseline PATH] "
                            "[--million-scenario PATH] [--skip-million]\n", argv[0]);
            return 64;
        }
        i++;
    }
    char duration[64];
    snprintf(duration, sizeof duration, "duration=%.0fs", seconds);
    const char *sets[] = { duration, "warmup=0s", "agents.auth_traffic_for=0s" };
    double wall = 0, requests = 0;
    uint64_t events = 0;
    int rc = bench_run(baseline, sets, 3, &wall, &events, &requests);
    if (rc)
        return rc;
    printf("baseline: %.0f s simulated, %.0f auth requests, %llu events in %.3f s wall\n",
           seconds, requests, (unsigned long long)events, wall);
    double m_wall = 0, m_req = 0;
    uint64_t m_events = 0;
    if (!skip_million) {
        rc = bench_run(million, NULL, 0, &m_wall, &m_events, &m_req);
        if (rc)
            return rc;
        printf("million: one replication, %.0f auth requests, %llu events in %.3f s wall\n",
               m_req, (unsigned long long)m_events, m_wall);
    }
    printf("auth_requests=%.0f auth_wall_s=%.3f auth_requests_per_s=%.0f events_per_s=%.0f "
           "million_wall_s=%.3f million_events=%llu peak_rss_kb=%ld bytes_per_agent=%zu\n",
           requests, wall, requests / wall, (double)events / wall, m_wall,
           (unsigned long long)m_events, bench_peak_rss_kb(), sizeof(agents_agent));
    return 0;
}
