/* runner.c - parallel replications (see runner.h).
 *
 * Each replication owns its sim_t; threads share only the read-only
 * scenario.  The metric catalog is taken from the first replication and
 * every other replication must declare exactly the same metrics.
 */
#include "runner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct runner_slot {
    err_t error;
    runner_rep rep;
} runner_slot;

static double runner_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int runner_replicate(const scenario_t *sc, uint64_t point, uint64_t rep,
                     volatile sig_atomic_t *interrupt, runner_rep *out,
                     err_t *e)
{
    memset(out, 0, sizeof *out);
    sim_config cfg;
    scenario_sim_config(sc, point, rep, &cfg);
    cfg.interrupt = interrupt;
    double t0 = runner_clock();
    sim_t *sim = sim_new(&cfg, e);
    if (!sim)
        return e->code ? e->code : ERR_SOFTWARE;
    int rc = sim_run(sim, e);
    if (rc == 0) {
        size_t n = sim_metric_count(sim);
        out->nmetrics = n;
        out->defs = malloc((n ? n : 1) * sizeof *out->defs);
        out->reps = malloc((n ? n : 1) * sizeof *out->reps);
        if (!out->defs || !out->reps) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        } else {
            for (size_t i = 0; i < n; i++)
                out->defs[i] = *sim_metric_def(sim, i);
            memcpy(out->reps, sim_results(sim), n * sizeof *out->reps);
        }
        out->events = sim_events_processed(sim);
    }
    sim_free(sim);
    out->wall_s = runner_clock() - t0;
    if (rc)
        runner_rep_free(out);
    return rc;
}

void runner_rep_free(runner_rep *r)
{
    if (!r)
        return;
    free(r->defs);
    free(r->reps);
    r->defs = NULL;
    r->reps = NULL;
}

int runner_run(const scenario_t *sc, uint64_t point, size_t first,
               size_t count, int threads, runner_result *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    if (count == 0)
        return err_set(e, ERR_USAGE, NULL, 0, 0, "no replications to run");
    runner_slot *slots = calloc(count, sizeof *slots);
    if (!slots)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
#ifdef _OPENMP
    if (threads <= 0)
        threads = omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#else
    (void)threads;
#endif
    for (long i = 0; i < (long)count; i++)
        runner_replicate(sc, point, first + (size_t)i, NULL, &slots[i].rep, &slots[i].error);

    int rc = 0;
    for (size_t i = 0; i < count && !rc; i++)
        if (slots[i].error.code) {
            *e = slots[i].error;
            rc = slots[i].error.code;
        }
    size_t n = slots[0].rep.nmetrics;
    for (size_t i = 1; i < count && !rc; i++) {
        int same = slots[i].rep.nmetrics == n;
        for (size_t k = 0; same && k < n; k++)
            same = strcmp(slots[i].rep.defs[k].name, slots[0].rep.defs[k].name) == 0;
        if (!same)
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0,
                         "replication %zu declared different metrics", first + i);
    }
    if (!rc) {
        out->nmetrics = n;
        out->nreps = count;
        out->defs = malloc((n ? n : 1) * sizeof *out->defs);
        out->reps = malloc((n ? n : 1) * count * sizeof *out->reps);
        out->events = malloc(count * sizeof *out->events);
        out->wall_s = malloc(count * sizeof *out->wall_s);
        if (!out->defs || !out->reps || !out->events || !out->wall_s) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        } else {
            memcpy(out->defs, slots[0].rep.defs, n * sizeof *out->defs);
            for (size_t i = 0; i < count; i++) {
                memcpy(&out->reps[i * n], slots[i].rep.reps, n * sizeof *out->reps);
                out->events[i] = slots[i].rep.events;
                out->wall_s[i] = slots[i].rep.wall_s;
            }
            if (runner_summarise(out) != 0)
                rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        }
    }
    for (size_t i = 0; i < count; i++)
        runner_rep_free(&slots[i].rep);
    free(slots);
    if (rc)
        runner_result_free(out);
    return rc;
}

int runner_summarise(runner_result *out)
{
    free(out->summary);
    out->summary = calloc(out->nmetrics ? out->nmetrics : 1, sizeof *out->summary);
    if (!out->summary)
        return -1;
    for (size_t k = 0; k < out->nmetrics; k++)
        if (stats_summarise(&out->reps[k], out->nreps, out->nmetrics, out->defs[k].kind,
                            &out->summary[k]) != 0)
            return -1;
    return 0;
}

void runner_result_free(runner_result *r)
{
    if (!r)
        return;
    free(r->defs);
    free(r->reps);
    free(r->events);
    free(r->wall_s);
    free(r->summary);
    memset(r, 0, sizeof *r);
}

int runner_metric_index(const runner_result *r, const char *name)
{
    for (size_t k = 0; k < r->nmetrics; k++)
        if (strcmp(r->defs[k].name, name) == 0)
            return (int)k;
    return -1;
}
