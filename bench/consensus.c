/* bench/consensus.c - message-level PBFT (or HotStuff) through the real
 * engine: decisions simulated per wall-second and events per second.
 *
 * usage: bench/consensus [--nodes N] [--decisions D] [--window W]
 *                        [--protocol pbft|hotstuff] [--crypto] [--seed S]
 *                        [--rate R]
 * Default: n = 127 PBFT, 2,000 decisions of one request each (32,004
 * replica messages each), window 10, lognormal network delays (median
 * 1 ms, sigma 0.5), zero CPU cost; --crypto adds ML-DSA-65 sign/verify
 * costs (see scenarios/consensus_127_nodes.yaml).  Requests arrive fast
 * enough to keep the pipeline full (100,000/s, so the whole run's requests
 * wait in the queues); --rate R sets their Poisson rate per second, below
 * the pipeline's capacity for the memory figure of a stable system.  Run with --nodes 1000 --decisions 5
 * for the memory figure at n = 1,000.  Last line:
 *   decisions=<d> wall_s=<s> decisions_per_s=<r> events_per_s=<e> peak_rss_kb=<k>
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "cfg.h"
#include "modeltab.h"
#include "consensus.h"
#include "registry.h"
#include "sim.h"

int main(int argc, char **argv)
{
    long long nodes = 127, decisions = 2000, window = 10, rate = 100000;
    unsigned long long seed = 1;
    const char *protocol = "pbft";
    int crypto = 0;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--nodes")) nodes = bench_int(f, v);
        else if (!strcmp(f, "--decisions")) decisions = bench_int(f, v);
        else if (!strcmp(f, "--window")) window = bench_int(f, v);
        else if (!strcmp(f, "--rate")) rate = bench_int(f, v);
        else if (!strcmp(f, "--seed")) seed = (unsigned long long)bench_int(f, v);
        else if (!strcmp(f, "--protocol") && v) protocol = v;
        else if (!strcmp(f, "--crypto")) { crypto = 1; continue; }
        else {
            fprintf(stderr, "usage: %s [--nodes N] [--decisions D] [--window W] "
                    "[--protocol pbft|hotstuff] [--crypto] [--seed S] [--rate R]\n", argv[0]);
            return 64;
        }
        i++;
    }
    char text[2048];
    snprintf(text, sizeof text,
             "consensus:\n  protocol: %s\n  nodes: %lld\n  window: %lld\n"
             "  requests: %lld\n  request_rate: %lld/s\n  view_timeout: 3600s\n"
             "  network: {delay: {dist: lognormal, median: 1ms, sigma: 0.5}}\n%s",
             protocol, nodes, window, decisions, rate,
             crypto ? "  sign: {dist: constant, value: 86us}\n"
                      "  verify: {dist: constant, value: 40us}\n" : "");
    err_t e;
    err_clear(&e);
    cfg_doc *doc = NULL;
    if (cfg_load_string("bench", text, strlen(text), &doc, &e) != 0) {
        fprintf(stderr, "consensus: %s\n", e.msg);
        return 70;
    }
    cfg_ctx c;
    cfg_ctx_init(&c);
    consensus_params p;
    memset(&p, 0, sizeof p);
    if (modeltab_configure(&c, cfg_get(doc->root, "consensus"), &consensus_model, &p) != 0) {
        for (size_t i = 0; i < c.ndiags; i++)
            fprintf(stderr, "%s\n", c.diags[i]);
        cfg_ctx_free(&c);
        cfg_doc_free(doc);
        return 64;
    }
    cfg_ctx_free(&c);
    size_t nmodels;
    const sim_model *const *models = registry_models(&nmodels);
    void *params[64] = { 0 };
    params[registry_find("consensus")] = &p;
    sim_config cfg = { .seed = seed, .duration_ns = 3600 * SIM_NS_PER_S,
                       .quantile_samples = 100000, .models = models, .nmodels = nmodels,
                       .params = params };
    double t0 = bench_clock();
    sim_t *sim = sim_new(&cfg, &e);
    if (!sim || sim_run(sim, &e) != 0) {
        fprintf(stderr, "consensus: %s\n", e.msg);
        sim_free(sim);
        cfg_doc_free(doc);
        return 70;
    }
    double wall = bench_clock() - t0;
    uint64_t events = sim_events_processed(sim);
    const stats_rep *r = sim_results(sim);
    double msgs = 0, per_dec = NAN, latency = NAN;
    for (size_t i = 0; i < sim_metric_count(sim); i++) {
        const char *name = sim_metric_def(sim, i)->name;
        if (!strcmp(name, "consensus.messages")) msgs = r[i].value;
        if (!strcmp(name, "consensus.messages_per_decision")) per_dec = r[i].value;
        if (!strcmp(name, "consensus.latency")) latency = r[i].value;
    }
    double done = per_dec > 0 ? msgs / per_dec : 0;
    printf("protocol=%s nodes=%lld window=%lld crypto=%d messages=%.0f "
           "messages_per_decision=%.0f mean_latency_ms=%.3f events=%llu\n",
           protocol, nodes, window, crypto, msgs, per_dec, latency,
           (unsigned long long)events);
    printf("decisions=%.0f wall_s=%.3f decisions_per_s=%.1f events_per_s=%.0f "
           "peak_rss_kb=%ld\n", done, wall, done / wall, (double)events / wall,
           bench_peak_rss_kb());
    sim_free(sim);
    cfg_doc_free(doc);
    return 0;
}
