/* campaign.c - sweeps, precision rounds, journal, resume, MPI (see
 * campaign.h).  campaign_run is a loop of rounds: plan the round's tasks,
 * run them (OpenMP), synchronise the ranks (MPI, exchange.h), then let the
 * precision rule and the caller's policy raise targets; at the end the
 * results are assembled in (point, replication) order.  The store and its
 * records are repstore.h's, the journal journal.h's.
 *
 * Invariants:
 *  - store[p].have[r] == 1 iff replication r of point p has a result, and
 *    then that result is exactly what (seed, p, r) produces;
 *  - target[p] only grows, and only from results of replications
 *    0..target[p]-1 of point p (never from timing or arrival order);
 *  - a journal record is written only for a result in the store.
 */
#include "campaign.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "exchange.h"
#include "journal.h"
#include "repstore.h"

typedef struct campaign_task {
    uint32_t point, rep;
} campaign_task;

uint64_t campaign_hash(uint64_t h, const char *s)
{
    if (!h)
        h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return (h ^ 0xff) * 0x100000001b3ULL; /* separator: "ab","c" != "a","bc" */
}

static double campaign_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct campaign_meter {
    campaign_progress mode;
    double start, last;
    size_t points;
} campaign_meter;

static void campaign_show(campaign_meter *m, size_t done, size_t total, size_t points_done,
                          size_t resumed, int final)
{
    if (m->mode == CAMPAIGN_PROGRESS_NONE)
        return;
    double now = campaign_clock();
    double every = m->mode == CAMPAIGN_PROGRESS_TTY ? 0.2 : 10.0;
    if (!final && now - m->last < every)
        return;
    m->last = now;
    double rate = (double)(done - resumed) / (now - m->start > 1e-9 ? now - m->start : 1e-9);
    double eta = rate > 0 ? (double)(total - done) / rate : NAN;
    char line[200];
    snprintf(line, sizeof line,
             "points %zu/%zu, replications %zu/%zu, %.1f rep/s, ETA %s%.0f s", points_done,
             m->points, done, total, rate, isnan(eta) ? "? " : "", isnan(eta) ? 0.0 : eta);
    if (m->mode == CAMPAIGN_PROGRESS_TTY)
        fprintf(stderr, "\r\033[K%s%s", line, final ? "\n" : "");
    else
        fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

/* 1 when point cp meets the precision rule with its first target reps, 0
 * when not, -1 when out of memory. */
static int campaign_precise(const repstore_point *cp, const scenario_precision *prec,
                            double target)
{
    runner_result r = { 0 };
    r.nmetrics = cp->nmetrics;
    r.defs = cp->defs;
    r.nreps = cp->target;
    r.reps = cp->reps;
    if (runner_summarise(&r) != 0)
        return -1;
    int ok = 1;
    for (size_t k = 0; k < cp->nmetrics && ok; k++) {
        int named = 0;
        if (prec->nmetrics) {
            for (size_t i = 0; i < prec->nmetrics; i++)
                named |= strcmp(prec->metrics[i], cp->defs[k].name) == 0;
        } else {
            named = cp->defs[k].kind == STATS_TALLY;
        }
        const stats_summary *s = &r.summary[k];
        if (!named || isnan(s->mean) || s->mean == 0)
            continue;
        if (!(s->half_width <= target * fabs(s->mean)))
            ok = 0;
    }
    free(r.summary);
    return ok;
}

/* One campaign_run: the store, the journal and the round being run. */
typedef struct campaign_state {
    const scenario_t *base;
    scenario_t *const *points;
    size_t npoints;
    const campaign_opts *o;
    campaign_result *out;
    err_t *e;
    repstore_point *pts;          /* [npoints] */
    journal_file journal;
    int journal_here;             /* this rank writes the journal */
    campaign_meter meter;
    size_t batch, max_reps;       /* replications per round; most per point */
    double target;                /* precision: relative CI half-width, 0 none */
    size_t done_total;            /* replications stored so far */
    /* this round */
    campaign_task *tasks;
    size_t ntasks, planned, points_done;
    repstore_buf round;           /* its records, for the other ranks */
    int first_error;              /* index of the first failed task, -1 none */
    err_t task_error;
} campaign_state;

static int campaign_oom(campaign_state *s)
{
    return err_set(s->e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
}

/* The first round's targets, and the journal (read on every rank on
 * resume; written on rank 0 only). */
static int campaign_start(campaign_state *s)
{
    const campaign_opts *o = s->o;
    s->batch = (size_t)s->base->replications;
    s->target = o->ci_target > 0 ? o->ci_target : s->base->precision.target;
    s->max_reps = s->target > 0 ? (size_t)s->base->precision.max_replications : s->batch;
    if (s->max_reps < s->batch)
        s->max_reps = s->batch;
    for (size_t p = 0; p < s->npoints; p++)
        s->pts[p].target = s->batch;
    s->journal_here = o->mpi_rank == 0;
    const char *path = s->journal_here || o->resume ? o->journal : NULL;
    if (path) {
        int rc = journal_open(&s->journal, path, o->journal_fd, o->journal_key, o->resume,
                              s->pts, s->npoints, &s->out->resumed, s->e);
        if (!s->journal_here && s->journal.f) {
            fclose(s->journal.f);
            s->journal.f = NULL;
        }
        if (rc)
            return rc;
    }
    campaign_meter meter = { o->mpi_rank == 0 ? o->progress : CAMPAIGN_PROGRESS_NONE,
                             campaign_clock(), 0, s->npoints };
    s->meter = meter;
    s->done_total = s->out->resumed;
    return 0;
}

/* The round's tasks: every missing replication below its point's target,
 * in (point, replication) order. */
static int campaign_plan(campaign_state *s)
{
    size_t planned = 0;
    s->ntasks = 0;
    s->points_done = 0;
    for (size_t p = 0; p < s->npoints; p++) {
        planned += s->pts[p].target;
        if (repstore_reserve(&s->pts[p], s->pts[p].target) != 0)
            return campaign_oom(s);
    }
    free(s->tasks);
    s->tasks = malloc((planned ? planned : 1) * sizeof *s->tasks);
    if (!s->tasks)
        return campaign_oom(s);
    for (size_t p = 0; p < s->npoints; p++) {
        int complete = 1;
        for (size_t r = 0; r < s->pts[p].target; r++)
            if (!s->pts[p].have[r] &&
                (!s->o->part_count || r % s->o->part_count == s->o->part_index)) {
                s->tasks[s->ntasks].point = (uint32_t)p;
                s->tasks[s->ntasks].rep = (uint32_t)r;
                s->ntasks++;
                complete = 0;
            }
        s->points_done += complete;
    }
    s->planned = planned;
    s->out->planned = planned;
    return 0;
}

/* Keeps one finished task (under the store's lock): store, journal, and
 * the records for the other ranks. */
static int campaign_keep(campaign_state *s, campaign_task tk, const runner_rep *rep)
{
    const campaign_opts *o = s->o;
    repstore_point *cp = &s->pts[tk.point];
    if (repstore_store(cp, tk.rep, rep->defs, rep->reps, rep->samples, rep->nmetrics,
                       rep->events, rep->wall_s) != 0 ||
        journal_add(&s->journal, cp, tk.point, tk.rep) != 0 ||
        (o->mpi_size > 1 &&
         (repstore_encode_defs(&s->round, o->journal_key, tk.point, cp) ||
          repstore_encode_rep(&s->round, o->journal_key, tk.point, tk.rep, cp))))
        return -1;
    s->done_total++;
    return 0;
}

/* This rank's share of the round's tasks (task t on rank t mod size), on
 * the OpenMP threads.  The first failed task (by index) is the round's
 * error; once one failed, the rest are skipped (their results could not
 * be kept anyway). */
static void campaign_round(campaign_state *s)
{
    const campaign_opts *o = s->o;
    s->first_error = -1;
    err_clear(&s->task_error);
    int abort_round = 0;
    int threads = o->threads > 0 ? o->threads : 1;
    (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
    for (long t = 0; t < (long)s->ntasks; t++) {
        if ((size_t)t % (size_t)o->mpi_size != (size_t)o->mpi_rank)
            continue;
        if ((o->interrupt && *o->interrupt) || __atomic_load_n(&abort_round, __ATOMIC_RELAXED))
            continue;
        campaign_task tk = s->tasks[t];
        runner_rep rep;
        err_t te;
        err_clear(&te);
        int trc = runner_replicate(s->points[tk.point], tk.point, tk.rep, o->interrupt, &rep,
                                   &te);
#ifdef _OPENMP
#pragma omp critical(campaign_store)
#endif
        {
            if (trc == 0 && campaign_keep(s, tk, &rep) != 0) {
                trc = ERR_IO;
                err_set(&te, ERR_IO, o->journal, 0, 0,
                        "cannot record a finished replication (disk full?)");
            }
            if (trc && trc != ERR_INTERRUPTED && (s->first_error < 0 || t < s->first_error)) {
                s->first_error = (int)t;
                s->task_error = te;
                __atomic_store_n(&abort_round, 1, __ATOMIC_RELAXED);
            }
            campaign_show(&s->meter, s->done_total, s->planned, s->points_done,
                          s->out->resumed, 0);
        }
        runner_rep_free(&rep);
    }
}

/* After a round on several ranks: a failure or an interruption anywhere
 * is everyone's, every rank stores every result, and rank 0 journals what
 * the others computed. */
static void campaign_sync(campaign_state *s)
{
    const campaign_opts *o = s->o;
    int any_err = exchange_any(s->first_error >= 0);
    if (!any_err && exchange_records(&s->round, o->journal_key, s->pts, s->npoints) != 0)
        any_err = 1;
    int any_intr = exchange_any(o->interrupt && *o->interrupt);
    if (any_intr && o->interrupt)
        *o->interrupt = 1;
    if (any_err && s->first_error < 0) {
        s->first_error = 0;
        err_set(&s->task_error, ERR_SOFTWARE, NULL, 0, 0,
                "another MPI rank failed; see its message");
    }
    if (s->journal_here && s->journal.f)
        for (size_t t = 0; t < s->ntasks; t++) {
            campaign_task tk = s->tasks[t];
            if ((t % (size_t)o->mpi_size) != 0 && s->pts[tk.point].have[tk.rep])
                journal_add(&s->journal, &s->pts[tk.point], tk.point, tk.rep);
        }
    s->done_total = 0;
    for (size_t p = 0; p < s->npoints; p++)
        for (size_t r = 0; r < s->pts[p].target; r++)
            s->done_total += s->pts[p].have[r];
}

/* Precision: grows the target of points whose CI is still too wide. */
static int campaign_grow_precision(campaign_state *s)
{
    if (!(s->target > 0))
        return 0;
    for (size_t p = 0; p < s->npoints; p++) {
        repstore_point *cp = &s->pts[p];
        int precise = cp->target < s->max_reps
                          ? campaign_precise(cp, &s->base->precision, s->target) : 1;
        if (precise < 0)
            return campaign_oom(s);
        if (!precise) {
            cp->target += s->batch;
            if (cp->target > s->max_reps)
                cp->target = s->max_reps;
        }
    }
    return 0;
}

/* A caller's rule (--decide) sees every point's results so far and may
 * raise targets; it looks only at results, so every rank and every thread
 * count takes the same decisions. */
static int campaign_apply_policy(campaign_state *s)
{
    const campaign_opts *o = s->o;
    if (!o->policy)
        return 0;
    size_t npoints = s->npoints;
    runner_result *views = calloc(npoints, sizeof *views);
    size_t *targets = malloc(npoints * sizeof *targets);
    int prc = views && targets ? 0 : -1;
    for (size_t p = 0; p < npoints && !prc; p++) {
        const repstore_point *cp = &s->pts[p];
        views[p].nmetrics = cp->nmetrics;
        views[p].defs = cp->defs;
        views[p].nreps = cp->target;
        views[p].reps = cp->reps;
        views[p].samples = cp->samples;
        views[p].events = cp->events;
        views[p].wall_s = cp->wall;
        targets[p] = cp->target;
        if (runner_summarise(&views[p]) != 0)
            prc = -1;
    }
    if (!prc)
        prc = o->policy(o->policy_ctx, views, npoints, targets);
    for (size_t p = 0; views && p < npoints; p++)
        free(views[p].summary);
    if (!prc)
        for (size_t p = 0; p < npoints; p++)
            if (targets[p] > s->pts[p].target)
                s->pts[p].target = targets[p];
    free(views);
    free(targets);
    return prc ? campaign_oom(s) : 0;
}

/* The results in (point, replication) order; the samples move from the
 * store to the result. */
static int campaign_assemble(campaign_state *s)
{
    campaign_result *out = s->out;
    out->points = calloc(s->npoints, sizeof *out->points);
    if (!out->points)
        return campaign_oom(s);
    out->npoints = s->npoints;   /* only now: campaign_result_free walks them */
    for (size_t p = 0; p < s->npoints; p++) {
        repstore_point *cp = &s->pts[p];
        runner_result *r = &out->points[p];
        size_t n = cp->nmetrics, R = cp->target;
        r->nmetrics = n;
        r->nreps = R;
        r->defs = malloc((n ? n : 1) * sizeof *r->defs);
        r->reps = malloc((n ? n : 1) * R * sizeof *r->reps);
        r->events = malloc(R * sizeof *r->events);
        r->wall_s = malloc(R * sizeof *r->wall_s);
        r->samples = calloc((n ? n : 1) * R, sizeof *r->samples);
        if (!r->defs || !r->reps || !r->events || !r->wall_s || !r->samples)
            return campaign_oom(s);
        memcpy(r->defs, cp->defs, n * sizeof *r->defs);
        memcpy(r->reps, cp->reps, n * R * sizeof *r->reps);
        memcpy(r->samples, cp->samples, n * R * sizeof *r->samples);
        memset(cp->samples, 0, n * R * sizeof *cp->samples);
        memcpy(r->events, cp->events, R * sizeof *r->events);
        memcpy(r->wall_s, cp->wall, R * sizeof *r->wall_s);
        if (runner_summarise(r) != 0)
            return campaign_oom(s);
    }
    return 0;
}

/* Rounds until no target rises. */
static int campaign_rounds(campaign_state *s)
{
    const campaign_opts *o = s->o;
    for (;;) {
        int rc = campaign_plan(s);
        if (rc || s->ntasks == 0)
            return rc;
        s->round.len = 0;
        campaign_round(s);
        if (o->mpi_size > 1)
            campaign_sync(s);
        free(s->round.data);
        memset(&s->round, 0, sizeof s->round);
        if (s->first_error >= 0) {
            *s->e = s->task_error;
            return s->task_error.code ? s->task_error.code : ERR_SOFTWARE;
        }
        if (o->interrupt && *o->interrupt) {
            s->out->saved = s->done_total;
            return err_set(s->e, ERR_INTERRUPTED, NULL, 0, 0, "interrupted");
        }
        rc = campaign_grow_precision(s);
        if (!rc)
            rc = campaign_apply_policy(s);
        if (rc)
            return rc;
    }
}

int campaign_run(const scenario_t *base, scenario_t *const *points, size_t npoints,
                 const campaign_opts *o, campaign_result *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    campaign_state s;
    memset(&s, 0, sizeof s);
    s.base = base;
    s.points = points;
    s.npoints = npoints;
    s.o = o;
    s.out = out;
    s.e = e;
    s.pts = calloc(npoints, sizeof *s.pts);
    if (!s.pts)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    int rc = campaign_start(&s);
    if (!rc)
        rc = campaign_rounds(&s);
    if (!rc) {
        campaign_show(&s.meter, s.done_total, out->planned, npoints, out->resumed, 1);
        out->saved = s.done_total;
        if (!o->part_count)
            rc = campaign_assemble(&s);
    }
    journal_close(&s.journal);
    for (size_t p = 0; p < npoints; p++)
        repstore_point_free(&s.pts[p]);
    free(s.pts);
    free(s.tasks);
    free(s.round.data);
    if (rc && rc != ERR_INTERRUPTED)
        campaign_result_free(out);
    return rc;
}

void campaign_result_free(campaign_result *r)
{
    if (!r)
        return;
    for (size_t p = 0; p < r->npoints; p++)
        runner_result_free(&r->points[p]);
    free(r->points);
    r->points = NULL;
    r->npoints = 0;
}

int campaign_run_derived(const scenario_t *base, const char *const *sets, size_t nsets,
                         const campaign_opts *opts, const char *what, scenario_t **point,
                         campaign_result *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    *point = NULL;
    cfg_ctx diags;
    cfg_ctx_init(&diags);
    int rc = scenario_derive(base, sets, nsets, &diags, point, e);
    if (rc) {
        if (diags.ndiags)
            err_set(e, ERR_DATA, NULL, 0, 0, "%s: %s", what, diags.diags[0]);
        cfg_ctx_free(&diags);
        return rc;
    }
    cfg_ctx_free(&diags);
    campaign_opts o = *opts;
    o.journal = NULL;
    o.journal_fd = -1;
    o.resume = 0;
    o.progress = CAMPAIGN_PROGRESS_NONE;
    o.policy = NULL;
    scenario_t *pts[1] = { *point };
    return campaign_run(*point, pts, 1, &o, out, e);
}
