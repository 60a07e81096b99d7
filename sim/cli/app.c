/* app.c - the mwrasp-sim pipeline (see app.h), one function per stage:
 * load, prepare (sweep, budget, assumptions, outputs and journal), expand
 * the sweep's points, --validate, simulate, judge, write and report.
 *
 * Invariants: every resource a stage takes is held in app_state and freed
 * once by app_release, whatever stage stopped the run; a failed run
 * leaves nothing behind but an interrupted run's journal (for --resume)
 * and a resumed run's journal (it holds earlier work).
 */
#include "app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "analysis.h"
#include "audit.h"
#include "campaign.h"
#include "cfg.h"
#include "h5out.h"
#include "batch.h"
#include "journal.h"
#include "outpath.h"
#include "planning.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "sink.h"
#include "verdict.h"
#include "version.h"

#ifdef MWRASP_HAVE_MPI
#include <mpi.h>
#endif

/* Family-wise error of the claims audit (each scenario, all its points). */
#define APP_ALPHA 0.05

/* A stage's "stop here, the run is over" (with s->rc the exit status). */
#define APP_STOP (-1)

typedef struct app_state {
    const app_opts *o;
    err_t *e;
    int rc;                        /* exit status once a stage says APP_STOP */
    cfg_ctx diags;
    scenario_t *sc;
    scenario_t **points;           /* [npoints]; points[0] == sc without a sweep */
    size_t npoints;
    double max_reps;               /* the budget's replications per point */
    budget_estimate est;
    char outpath[4096], journal[4200];
    uint64_t key;                  /* the journal key */
    int journal_fd, journal_created;
    const char *journal_path;      /* NULL until the paths are set */
    int threads;
    char start[64];                /* UTC start time, for the results file */
    double wall;                   /* seconds the campaign took */
    campaign_opts copts;
    audit_decide decide;
    campaign_result camp;
    size_t looks;
    double alpha_look;
    verdict_result *claim_results; /* [claim][point] */
    size_t tests;
    int failed_claims;
    audit_robust *robust;
    planning_result *capacity;
    char *cmdline;
} app_state;

int app_threads(const app_opts *o)
{
#ifdef _OPENMP
    return o->threads ? o->threads : omp_get_max_threads();
#else
    (void)o;
    return 1;
#endif
}

static char *app_join(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static double app_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* 1234567 -> "1,234,567" */
static void app_thousands(size_t v, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%zu", v);
    size_t j = 0;
    for (int i = 0; i < n && j + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
}

static int app_oom(app_state *s)
{
    return err_set(s->e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
}

/* Ends the run with status rc, its message printed already. */
static int app_stop(app_state *s, int rc)
{
    err_clear(s->e);
    s->rc = rc;
    return APP_STOP;
}

static void app_print_diags(const cfg_ctx *c)
{
    for (size_t i = 0; i < c->ndiags; i++)
        fprintf(stderr, "%s\n", c->diags[i]);
}

/* The results file, its journal and the --plot/--csv directories must be
 * writable places for regular files (outpath.h). */
static int app_check_outputs(const app_opts *o, const char *outpath, const char *journal,
                             err_t *e)
{
    const char *what = o->out ? "--out" : "the results file";
    int rc = outpath_check_file(outpath, what, e);
    if (!rc)
        rc = outpath_check_file(journal, "the journal (--out with .journal)", e);
    if (!rc && o->csv)
        rc = outpath_check_dir(o->csv, "--csv", e);
    if (!rc && o->plot) {
        char dir[4200];
        struct stat st;
        analysis_default_out_dir(outpath, dir, sizeof dir);
        if (stat(dir, &st) == 0)
            rc = outpath_check_dir(dir, "--plot's report directory", e);
    }
    /* The journal is made next, beside the results file. */
    if (!rc && outpath_make_parent(outpath) != 0)
        rc = err_set(e, ERR_CANTCREAT, outpath, 0, 0,
                     "cannot create the directory for the results file: %s", strerror(errno));
    return rc;
}

static int app_load(app_state *s)
{
    const app_opts *o = s->o;
    int rc = o->scenario_text
                 ? scenario_load_text(o->scenario, o->scenario_text, o->scenario_len,
                                      o->includes, o->nincludes, o->models, o->nmodels,
                                      o->sets, o->nsets, &s->diags, &s->sc, s->e)
                 : scenario_load(o->scenario, o->models, o->nmodels, o->sets, o->nsets,
                                 &s->diags, &s->sc, s->e);
    if (rc) {
        if (s->diags.ndiags == 0)
            return rc;
        app_print_diags(&s->diags);
        fprintf(stderr, "mwrasp-sim: %zu problem%s in %s; nothing was run\n", s->diags.ndiags,
                s->diags.ndiags == 1 ? "" : "s", o->scenario);
        return app_stop(s, rc);
    }
    if (o->install_signals)
        o->install_signals();
    return 0;
}

/* Sweep axes from the command line, the budget, the assumptions. */
static int app_check(app_state *s)
{
    const app_opts *o = s->o;
    scenario_t *sc = s->sc;
    for (size_t i = 0; i < o->nsweeps; i++) {
        int rc = sweep_add_cli(&sc->sweep, o->sweeps[i], s->e);
        if (rc)
            return rc;
    }
    if (o->nsweeps && sc->capacity.enabled)
        return err_set(s->e, ERR_USAGE, NULL, 0, 0,
                       "--sweep cannot be combined with the scenario's capacity: section "
                       "(capacity planning varies the load itself); drop one");
    s->npoints = sweep_points(&sc->sweep, s->e);
    if (!s->npoints)
        return s->e->code;
    /* What the run will cost, before the sweep is even expanded. */
    s->max_reps = o->ci_target > 0 || sc->precision.target > 0
                      ? (double)sc->precision.max_replications : 0;
    budget_estimate_run(sc, NULL, s->npoints, app_threads(o), s->max_reps, &s->est);
    int rc = budget_check(&s->est, &o->budget, sc, s->npoints, s->e);
    if (rc)
        return rc;
    cfg_ctx ad;
    cfg_ctx_init(&ad);
    rc = scenario_check_assumptions(sc, &s->diags, &ad, s->e);
    app_print_diags(&ad);
    cfg_ctx_free(&ad);
    if (rc) {
        fprintf(stderr, "mwrasp-sim: %s; nothing was run\n", s->e->msg);
        return app_stop(s, rc);
    }
    if (o->robustness && !sc->nassumptions)
        return err_set(s->e, ERR_USAGE, NULL, 0, 0,
                       "--robustness needs an assumptions: section in %s listing the "
                       "parameters to vary (docs/claims.md)", o->scenario);
    if (o->robustness && sc->sweep.naxes)
        return err_set(s->e, ERR_USAGE, NULL, 0, 0,
                       "--robustness studies one scenario point; drop the sweep");
    return 0;
}

/* The results file, the journal's path and key; then (unless --validate)
 * every output target is checked and the journal taken, before any work:
 * a bad --out or a second run on it costs nothing. */
static int app_outputs(app_state *s)
{
    const app_opts *o = s->o;
    const scenario_t *sc = s->sc;
    int brc = batch_check(o, sc, s->e);
    if (brc)
        return brc;
    if (o->out)
        snprintf(s->outpath, sizeof s->outpath, "%s", o->out);
    else if (o->run_of)
        snprintf(s->outpath, sizeof s->outpath, "results/%s.part-%zu-of-%zu", sc->name,
                 o->run_index, o->run_of);
    else
        snprintf(s->outpath, sizeof s->outpath, "results/%s.h5", sc->name);
    /* A part of a batch job is its journal (batch.h). */
    snprintf(s->journal, sizeof s->journal, o->run_of ? "%s" : "%s.journal", s->outpath);
    s->journal_path = s->journal;
    /* The journal key covers everything that decides the results: the
     * scenario's text, every included file's name and text, the options. */
    uint64_t key = campaign_hash(0, sc->doc->text);
    for (size_t i = 0; i < sc->doc->nincludes; i++) {
        key = campaign_hash(key, sc->doc->includes[i].path);
        key = campaign_hash(key, sc->doc->includes[i].text);
    }
    for (size_t i = 0; i < sc->nsets; i++)
        key = campaign_hash(key, sc->sets[i]);
    for (size_t i = 0; i < o->nsweeps; i++)
        key = campaign_hash(key, o->sweeps[i]);
    key = campaign_hash(key, MWRASP_VERSION);
    s->key = campaign_hash(key, version_git_revision());
    if (o->validate)
        return 0;
    int rc = 0;
    if (o->mpi_rank == 0) {
        rc = app_check_outputs(o, s->outpath, s->journal, s->e);
        if (!rc)
            rc = journal_claim(s->journal, s->key, o->resume, &s->journal_fd, s->e);
        /* A new part describes its run first (batch.h). */
        if (!rc && o->run_of && !o->resume) {
            rc = batch_write_manifest(s->journal_fd, s->key, o, sc, s->e);
            if (rc) {
                journal_release(s->journal_fd, s->journal, 1);
                s->journal_fd = -1;
            }
        }
        if (!rc && o->nmerge)
            rc = batch_merge_parts(s->journal_fd, o->merge, o->nmerge, s->key, s->e);
        if (rc && o->nmerge && s->journal_fd >= 0 && !o->resume) {
            journal_release(s->journal_fd, s->journal, 1);
            s->journal_fd = -1;
        }
    }
#ifdef MWRASP_HAVE_MPI
    if (o->mpi_size > 1) {
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (rc && o->mpi_rank != 0)
            err_set(s->e, rc, NULL, 0, 0, "rank 0 cannot write the results; see its message");
    }
#endif
    if (rc)
        return rc;
    s->journal_created = !o->resume;
    return 0;
}

/* One scenario per sweep point, and the budget again (points can differ
 * in size: a sweep of agents.count). */
static int app_expand(app_state *s)
{
    scenario_t *sc = s->sc;
    s->points = calloc(s->npoints, sizeof *s->points);
    if (!s->points)
        return app_oom(s);
    if (sc->sweep.naxes == 0) {
        s->points[0] = sc;
        return 0;
    }
    for (size_t p = 0; p < s->npoints; p++) {
        if (*s->o->interrupt) {
            /* Nothing ran yet: the (empty) journal would only block the
             * next run. */
            if (s->journal_created)
                journal_release(s->journal_fd, s->journal, 1);
            s->journal_fd = -1;
            s->journal_created = 0;
            return err_set(s->e, ERR_INTERRUPTED, NULL, 0, 0,
                           "interrupted while expanding the sweep (point %zu of %zu); "
                           "nothing was run", p, s->npoints);
        }
        cfg_ctx pd;
        cfg_ctx_init(&pd);
        int rc = scenario_point(sc, p, &pd, &s->points[p], s->e);
        if (rc)
            app_print_diags(&pd);
        cfg_ctx_free(&pd);
        if (rc)
            return rc;
    }
    budget_estimate_run(sc, s->points, s->npoints, app_threads(s->o), s->max_reps, &s->est);
    return budget_check(&s->est, &s->o->budget, sc, s->npoints, s->e);
}

/* --validate: the resolved parameters, the estimate, the assumptions and
 * what each claim rests on. */
static void app_print_validate(app_state *s)
{
    const app_opts *o = s->o;
    const scenario_t *sc = s->sc;
    cfg_ctx *diags = &s->diags;
    printf("%s: valid\n", o->scenario);
    for (size_t i = 0; i < diags->nresolved; i++) {
        /* Free text (descriptions) may hold control characters. */
        sink_text(diags->resolved[i], 0, diags->resolved[i], strlen(diags->resolved[i]) + 1);
        printf("  %s\n", diags->resolved[i]);
    }
    if (sc->sweep.naxes)
        printf("  sweep: %zu points (%s)\n", s->npoints, sc->sweep.zip ? "zip" : "grid");
    char need[32], have[32];
    budget_format_bytes(s->est.bytes, need, sizeof need);
    budget_format_bytes(o->budget.max_bytes > 0 ? o->budget.max_bytes
                                                : budget_default_memory(NULL),
                        have, sizeof have);
    printf("  estimate: about %s of memory (budget %s), %.2g events (budget %.2g)\n", need, have,
           s->est.events, o->budget.max_events > 0 ? o->budget.max_events : BUDGET_DEFAULT_EVENTS);
    if (sc->nassumptions)
        printf("assumptions (not given by the runbook; --robustness varies them):\n");
    for (size_t i = 0; i < sc->nassumptions; i++) {
        const scenario_assumption *a = &sc->assumptions[i];
        char v[256];
        const char *cur = scenario_assumption_value(diags, a->key, v, sizeof v);
        if (!cur)
            cur = scenario_value(sc, a->key);
        printf("  %s = %s, plausible range [%s, %s]: %s\n", a->key, cur ? cur : "?", a->lo,
               a->hi, a->source);
    }
    for (size_t c = 0; c < sc->claims.n; c++) {
        const claims_claim *cl = &sc->claims.items[c];
        if (!cl->nassumptions)
            continue;
        printf("  claim '%s' rests on:", cl->name);
        for (size_t j = 0; j < cl->nassumptions; j++)
            printf("%s %s", j ? "," : "", cl->assumptions[j]);
        printf("\n");
    }
}

/* The campaign (with --decide's policy); an interruption keeps the
 * journal for --resume. */
static int app_simulate(app_state *s)
{
    const app_opts *o = s->o;
    scenario_t *sc = s->sc;
    s->threads = app_threads(o);
    time_t now = time(NULL);
    strftime(s->start, sizeof s->start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    campaign_opts copts = { .threads = s->threads, .journal = s->journal,
                            .journal_key = s->key, .resume = o->resume || o->nmerge,
                            .interrupt = o->interrupt, .progress = CAMPAIGN_PROGRESS_NONE,
                            .ci_target = o->ci_target, .mpi_rank = o->mpi_rank,
                            .mpi_size = o->mpi_size, .journal_fd = s->journal_fd,
                            .part_index = o->run_index, .part_count = o->run_of };
    s->copts = copts;
    /* The claims' family-wise error, split over the looks --decide takes. */
    s->looks = 1;
    audit_decide decide = { sc, APP_ALPHA, (size_t)sc->precision.max_replications };
    s->decide = decide;
    if (o->decide) {
        s->looks = audit_looks((size_t)sc->replications, (size_t)sc->precision.max_replications);
        s->decide.alpha_look = APP_ALPHA / (double)s->looks;
        s->copts.policy = audit_decide_policy;
        s->copts.policy_ctx = &s->decide;
    }
    s->alpha_look = APP_ALPHA / (double)s->looks;
    if (!o->quiet)
        s->copts.progress = isatty(2) ? CAMPAIGN_PROGRESS_TTY : CAMPAIGN_PROGRESS_PLAIN;
    double t0 = app_clock();
    int rc = campaign_run(sc, s->points, s->npoints, &s->copts, &s->camp, s->e);
    if (rc == ERR_INTERRUPTED) {
        s->journal_created = 0;   /* kept for --resume */
        if (o->mpi_rank == 0) {
            char saved[32], planned[32];
            app_thousands(s->camp.saved, saved, sizeof saved);
            app_thousands(s->camp.planned, planned, sizeof planned);
            fprintf(stderr, "interrupted: %s of %s replications saved; "
                            "rerun with --resume to continue\n", saved, planned);
        }
        return app_stop(s, rc);
    }
    s->wall = app_clock() - t0;
    return rc;
}

/* The claims' verdicts ([claim][point]), --robustness, the capacity plan. */
static int app_judge(app_state *s)
{
    const app_opts *o = s->o;
    scenario_t *sc = s->sc;
    size_t nclaims = sc->claims.n;
    s->claim_results = calloc(nclaims * s->npoints + 1, sizeof *s->claim_results);
    if (!s->claim_results)
        return app_oom(s);
    verdict_origin origin = { sc->seed, 0, (double)sc->duration_ns / 1e9 };
    if (verdict_evaluate_all(&sc->claims, s->camp.points, s->npoints, &origin, s->alpha_look,
                             s->claim_results, &s->tests) != 0)
        return app_oom(s);
    for (size_t i = 0; i < nclaims * s->npoints; i++)
        s->failed_claims += s->claim_results[i].verdict == VERDICT_FAILS;
    if (o->robustness) {
        s->robust = calloc(1, sizeof *s->robust);
        if (!s->robust)
            return app_oom(s);
        if (o->mpi_rank == 0 && !o->quiet)
            fprintf(stderr, "robustness: %zu assumption%s x 2 ends, and break-even searches\n",
                    sc->nassumptions, sc->nassumptions == 1 ? "" : "s");
        int rc = audit_robustness(sc, &s->diags, &s->copts, s->claim_results, s->alpha_look,
                                  s->robust, s->e);
        if (rc == ERR_INTERRUPTED && o->mpi_rank == 0)
            fprintf(stderr, "interrupted during --robustness; nothing was written\n");
        if (rc)
            return rc;
    }
    if (sc->capacity.enabled) {
        if (sc->sweep.naxes)
            return err_set(s->e, ERR_DATA, o->scenario, 0, 0,
                           "capacity planning and a sweep cannot be combined; drop one");
        s->capacity = calloc(1, sizeof *s->capacity);
        if (!s->capacity)
            return app_oom(s);
        return planning_run(sc, s->threads, o->interrupt, !o->quiet && o->mpi_rank == 0,
                            s->capacity, s->e);
    }
    return 0;
}

/* The run on stdout in the format asked for (rank 0, not --quiet); what
 * else the run reports (--decide, robustness, capacity) after the table. */
static int app_print_results(app_state *s)
{
    const app_opts *o = s->o;
    const scenario_t *sc = s->sc;
    char *tail = NULL;
    size_t len = 0;
    FILE *t = open_memstream(&tail, &len);
    if (!t)
        return app_oom(s);
    if (o->decide) {
        size_t used = 0;
        for (size_t p = 0; p < s->npoints; p++)
            used = s->camp.points[p].nreps > used ? s->camp.points[p].nreps : used;
        fprintf(t, "\n--decide: %zu replications%s (doubling from %lld, at most %lld: %zu "
                   "looks); family-wise error %.3g %% split as %.3g %% per look\n",
                used, s->npoints > 1 ? " at the most at one point" : "",
                (long long)sc->replications, (long long)sc->precision.max_replications, s->looks,
                100 * APP_ALPHA, 100 * s->alpha_look);
    }
    if (s->robust)
        audit_robust_print(t, sc, s->robust);
    if (s->capacity)
        planning_print(t, sc, s->capacity);
    if (o->mpi_size > 1)
        fprintf(t, "mpi       %d ranks x %d threads\n", o->mpi_size, s->threads);
    if (fclose(t) != 0 || !tail) {
        free(tail);
        return app_oom(s);
    }
    output_view v = o->view;
    if (!v.width)
        v.width = output_width();
    output_run run = { sc, &s->camp, s->claim_results, s->alpha_look, s->looks, s->tests,
                       s->threads, s->wall, s->outpath };
    output_print(stdout, &v, &run, tail);
    free(tail);
    return 0;
}

/* Rank 0: the results file (then the journal goes), the tables, and the
 * plots/CSV made by the same code as analysis/mwrasp-report from the file
 * just written, so the two can never disagree. */
static int app_write(app_state *s)
{
    const app_opts *o = s->o;
    if (o->mpi_rank != 0)
        return 0;
    s->cmdline = app_join(o->argc, o->argv);
    if (!s->cmdline)
        return app_oom(s);
    h5out_meta meta = { o->scenario, s->cmdline, s->start, s->wall, s->threads,
                        s->sc->claims.n ? s->claim_results : NULL, APP_ALPHA, s->tests,
                        s->looks, s->capacity, s->robust,
                        (const char *const *)s->diags.resolved, s->diags.nresolved };
    int rc = h5out_write_campaign(s->outpath, s->sc, &s->camp, &meta, s->e);
    if (rc)
        return rc;
    journal_release(s->journal_fd, s->journal, 1);
    s->journal_fd = -1;
    if (!o->quiet && (rc = app_print_results(s)) != 0)
        return rc;
    if (!o->plot && !o->csv)
        return 0;
    analysis_opts ao;
    analysis_opts_init(&ao);
    ao.plots = o->plot;
    ao.report = o->plot;
    ao.csv_dir = o->csv;
    ao.quiet = o->quiet || o->view.format != OUTPUT_TABLE; /* stdout is the format's alone */
    return analysis_run(s->outpath, &ao, s->e);
}

static int app_stages(app_state *s)
{
    int rc = app_load(s);
    if (!rc)
        rc = app_check(s);
    if (!rc)
        rc = app_outputs(s);
    if (!rc)
        rc = app_expand(s);
    if (!rc && s->o->validate) {
        if (!s->o->quiet)
            app_print_validate(s);
        return 0;
    }
    if (!rc)
        rc = app_simulate(s);
    if (!rc && s->o->run_of) {
        /* A part: its journal is its output, kept, marked finished. */
        rc = batch_write_end(s->journal_fd, s->key, s->camp.saved, s->e);
        if (rc)
            return rc;
        journal_release(s->journal_fd, s->journal, 0);
        s->journal_fd = -1;
        s->journal_created = 0;
        if (!s->o->quiet)
            printf("part      %zu of %zu: %zu replications in %s (join the parts with "
                   "mwrasp-sim merge PART... --out FILE)\n", s->o->run_index, s->o->run_of,
                   s->camp.saved, s->journal);
        return 0;
    }
    if (!rc)
        rc = app_judge(s);
    if (!rc)
        rc = app_write(s);
    if (rc == APP_STOP)
        return s->rc;
    if (!rc && s->o->strict && s->failed_claims) {
        if (s->o->mpi_rank == 0)
            fprintf(stderr, "mwrasp-sim: %d claim verdict%s FAILS (--strict)\n",
                    s->failed_claims, s->failed_claims == 1 ? "" : "s");
        return 3;
    }
    /* A failed run leaves nothing behind: its own journal goes too, unless
     * it was interrupted (then --resume continues it).  A resumed run's
     * journal holds earlier work and is kept. */
    if (rc && rc != ERR_INTERRUPTED && s->journal_created) {
        journal_release(s->journal_fd, s->journal_path, 1);
        s->journal_fd = -1;
    }
    return rc;
}

static void app_release(app_state *s)
{
    journal_release(s->journal_fd, s->journal_path, 0);
    free(s->cmdline);
    free(s->claim_results);
    free(s->capacity);
    audit_robust_free(s->robust);
    free(s->robust);
    campaign_result_free(&s->camp);
    if (s->points && s->points[0] != s->sc)
        for (size_t p = 0; p < s->npoints; p++)
            scenario_free(s->points[p]);
    free(s->points);
    scenario_free(s->sc);
    cfg_ctx_free(&s->diags);
}

int app_run(const app_opts *o, err_t *e)
{
    app_state s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.e = e;
    s.journal_fd = -1;
    cfg_ctx_init(&s.diags);
    int rc = app_stages(&s);
    app_release(&s);
    return rc;
}
