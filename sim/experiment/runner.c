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

#include <gsl/gsl_sort.h>

#include "ci.h"

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

/* Samples are kept for the tallies a claim pools (claims.h) and for every
 * time-to-event tally (its Kaplan-Meier estimates need them). */
static int runner_keep(const scenario_t *sc, const stats_def *d)
{
    if (d->kind != STATS_TALLY)
        return 0;
    if (d->domain == STATS_TTE)
        return 1;
    for (size_t i = 0; i < sc->claims.nkeep; i++)
        if (strcmp(sc->claims.keep[i], d->name) == 0)
            return 1;
    return 0;
}

static int runner_take_samples(const sim_t *sim, size_t k, const stats_def *d,
                               runner_samples *out)
{
    const double *x, *c;
    size_t nx, nc;
    sim_samples(sim, k, &x, &nx, &c, &nc, &out->weight, &out->cens_weight);
    out->x = malloc((nx ? nx : 1) * sizeof *out->x);
    out->cens = malloc((nc ? nc : 1) * sizeof *out->cens);
    if (!out->x || !out->cens) {
        runner_samples_free(out);
        return -1;
    }
    /* Raw values in the unit: the same product the summaries use. */
    for (size_t i = 0; i < nx; i++)
        out->x[i] = x[i] * d->scale;
    for (size_t i = 0; i < nc; i++)
        out->cens[i] = c[i] * d->scale;
    out->nx = nx;
    out->ncens = nc;
    /* Censored times arrive unsorted; the estimators want them sorted. */
    if (nc > 1)
        gsl_sort(out->cens, 1, nc);
    return 0;
}

int runner_samples_copy(runner_samples *dst, const runner_samples *src)
{
    *dst = *src;
    dst->x = dst->cens = NULL;
    if (!src->x && !src->cens)
        return 0;
    dst->x = malloc((src->nx ? src->nx : 1) * sizeof *dst->x);
    dst->cens = malloc((src->ncens ? src->ncens : 1) * sizeof *dst->cens);
    if (!dst->x || !dst->cens) {
        runner_samples_free(dst);
        return -1;
    }
    memcpy(dst->x, src->x, src->nx * sizeof *dst->x);
    memcpy(dst->cens, src->cens, src->ncens * sizeof *dst->cens);
    return 0;
}

void runner_samples_free(runner_samples *s)
{
    if (!s)
        return;
    free(s->x);
    free(s->cens);
    memset(s, 0, sizeof *s);
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
        out->samples = calloc(n ? n : 1, sizeof *out->samples);
        if (!out->defs || !out->reps || !out->samples) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        } else {
            for (size_t i = 0; i < n; i++)
                out->defs[i] = *sim_metric_def(sim, i);
            memcpy(out->reps, sim_results(sim), n * sizeof *out->reps);
            for (size_t i = 0; i < n && !rc; i++)
                if (runner_keep(sc, &out->defs[i]) &&
                    runner_take_samples(sim, i, &out->defs[i], &out->samples[i]) != 0)
                    rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
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
    if (r->samples)
        for (size_t i = 0; i < r->nmetrics; i++)
            runner_samples_free(&r->samples[i]);
    free(r->samples);
    free(r->defs);
    free(r->reps);
    r->defs = NULL;
    r->reps = NULL;
    r->samples = NULL;
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
        out->samples = calloc((n ? n : 1) * count, sizeof *out->samples);
        if (!out->defs || !out->reps || !out->events || !out->wall_s || !out->samples) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        } else {
            memcpy(out->defs, slots[0].rep.defs, n * sizeof *out->defs);
            for (size_t i = 0; i < count; i++) {
                memcpy(&out->reps[i * n], slots[i].rep.reps, n * sizeof *out->reps);
                /* Move the sample arrays: the slot gives them up. */
                memcpy(&out->samples[i * n], slots[i].rep.samples, n * sizeof *out->samples);
                memset(slots[i].rep.samples, 0, n * sizeof *slots[i].rep.samples);
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

ci_survival *runner_survival(const runner_result *r, size_t k, size_t *reps_with_data)
{
    size_t R = r->nreps, nm = r->nmetrics;
    const double **ev = calloc(R ? R : 1, sizeof *ev), **cs = calloc(R ? R : 1, sizeof *cs);
    size_t *nev = calloc(R ? R : 1, sizeof *nev), *ncs = calloc(R ? R : 1, sizeof *ncs);
    double *wev = calloc(R ? R : 1, sizeof *wev), *wcs = calloc(R ? R : 1, sizeof *wcs);
    ci_survival *s = NULL;
    size_t with = 0;
    if (ev && cs && nev && ncs && wev && wcs) {
        for (size_t i = 0; i < R; i++) {
            const runner_samples *sm = &r->samples[i * nm + k];
            ev[i] = sm->x;
            nev[i] = sm->nx;
            wev[i] = sm->weight;
            cs[i] = sm->cens;
            ncs[i] = sm->ncens;
            wcs[i] = sm->cens_weight;
            with += sm->nx + sm->ncens > 0;
        }
        s = ci_survival_new(R, ev, nev, wev, cs, ncs, wcs);
    }
    free(ev);
    free(cs);
    free(nev);
    free(ncs);
    free(wev);
    free(wcs);
    if (reps_with_data)
        *reps_with_data = with;
    return s;
}

/* The censoring-aware median of a time-to-event tally, from its samples. */
static int runner_km_median(const runner_result *r, size_t k, stats_summary *s)
{
    ci_survival *sv = runner_survival(r, k, NULL);
    if (!sv)
        return -1;
    ci_km_quantile_interval(sv, 0.5, 0.95, &s->km_median, &s->km_median_low,
                            &s->km_median_high);
    if (s->km_median_low < 0)
        s->km_median_low = 0;
    ci_survival_free(sv);
    return 0;
}

int runner_summarise(runner_result *out)
{
    free(out->summary);
    out->summary = calloc(out->nmetrics ? out->nmetrics : 1, sizeof *out->summary);
    if (!out->summary)
        return -1;
    for (size_t k = 0; k < out->nmetrics; k++) {
        if (stats_summarise(&out->reps[k], out->nreps, out->nmetrics, &out->defs[k],
                            &out->summary[k]) != 0)
            return -1;
        if (out->defs[k].domain == STATS_TTE && out->defs[k].kind == STATS_TALLY &&
            out->samples && runner_km_median(out, k, &out->summary[k]) != 0)
            return -1;
    }
    return 0;
}

void runner_result_free(runner_result *r)
{
    if (!r)
        return;
    if (r->samples)
        for (size_t i = 0; i < r->nreps * r->nmetrics; i++)
            runner_samples_free(&r->samples[i]);
    free(r->samples);
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
