/* main.c - the mwrasp-sim command line.
 *
 * The only place that prints errors and turns them into exit codes
 * (rule 6): 0 ok, 64 usage, 65 bad scenario data, 66 missing input,
 * 70 internal error, 73/74 cannot write output.
 */
#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <signal.h>
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
#include "budget.h"
#include "campaign.h"
#include "cfg.h"
#include "err.h"
#include "h5out.h"
#include "launch.h"
#include "registry.h"
#include "modeltab.h"
#include "report.h"
#include "runner.h"
#include "outpath.h"
#include "planning.h"
#include "scenario.h"
#include "sink.h"
#include "version.h"

#ifdef MWRASP_HAVE_MPI
#include <mpi.h>
#endif

#define MAIN_MAX_SETS 256
/* Family-wise error of the claims audit (each scenario, all its points). */
#define MAIN_ALPHA 0.05

static void main_usage(FILE *out)
{
    size_t n;
    const sim_model *const *models = registry_models(&n);
    fprintf(out,
            "Usage: mwrasp-sim [options] SCENARIO.yaml\n"
            "\n"
            "Runs a scenario's replications and prints each metric with its unit,\n"
            "mean, 95%% confidence interval and p50/p95/p99; writes an HDF5 file.\n"
            "\n"
            "options:\n"
            "  --seed N            master seed (overrides the scenario's seed:)\n"
            "  --replications N    number of independent replications\n"
            "  --duration T        simulated time per replication, e.g. 10s, 2min\n"
            "  --threads N         OpenMP threads (results do not depend on it)\n"
            "  --out FILE.h5       results file (default results/<name>.h5)\n"
            "  --set PATH=VALUE    override any scenario key, e.g. --set mmc.servers=4\n"
            "                      (repeatable; checked like the file)\n"
            "  --sweep PATH=V1,V2  sweep a key over values (repeatable; grid of all axes)\n"
            "  --ci-target PCT     add replications until each tally's 95%% CI half-width\n"
            "                      is within PCT of its mean (e.g. 2%%), up to\n"
            "                      precision.max_replications\n"
            "  --resume            continue an interrupted run from its journal\n"
            "  --strict            exit 3 when any claim in the claims: section FAILS\n"
            "  --decide            add replications (doubling, up to\n"
            "                      precision.max_replications) until every claim is decided;\n"
            "                      the error level is split over the looks (docs/claims.md)\n"
            "  --robustness        judge every claim at both ends of each assumption's range\n"
            "                      and find the break-even values (assumptions: section)\n"
            "  --plot              also write plots (gnuplot), report.md/.html, the\n"
            "                      dashboard and executive report to results/<name>/\n"
            "                      (as analysis/mwrasp-report does from the .h5 alone)\n"
            "  --csv DIR           also export the results as CSV files into DIR\n"
            "  --max-memory SIZE   refuse a run estimated to need more memory (default: 3/4\n"
            "                      of the memory this process may use)\n"
            "  --max-events N      refuse a run estimated to take more events (default 1e11)\n"
            "  --validate          check the scenario, print resolved parameters, run nothing\n"
            "  --quiet             print nothing but errors\n"
            "  --version           print the version, git revision and library versions\n"
            "  --help              this text\n"
            "  --help-model NAME   a model's parameters (keys, types, defaults, ranges) and\n"
            "                      metrics, from its tables\n"
            "\n"
            "exit status:\n"
            "  0 ok, 3 a claim FAILS (--strict), 64 usage, 65 bad scenario, 66 missing\n"
            "  input, 70 internal error, 73/74 cannot write results, 130 interrupted\n"
            "\n"
            "parallel runs:\n"
            "  mpirun -np K (or srun) mwrasp-sim ... splits replications across K\n"
            "  processes; a build without MPI refuses to start under a launcher\n"
            "\nmodels (scenario sections):\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-12s %s\n", models[i]->name, models[i]->summary);
}

/* Positioned errors print compiler-style ("file:line:col: message") so
 * editors can jump to them; others carry the program's name. */
static void main_print_error(const err_t *e)
{
    char buf[1024];
    err_format(e, buf, sizeof buf);
    fprintf(stderr, "%s%s\n", e->line > 0 ? "" : "mwrasp-sim: ", buf);
}

typedef struct main_opts {
    const char *sets[MAIN_MAX_SETS];
    char *owned[MAIN_MAX_SETS];
    size_t nsets;
    const char *sweeps[MAIN_MAX_SETS];
    size_t nsweeps;
    const char *out;
    const char *scenario;
    int threads, validate, quiet, resume, strict, plot, decide, robustness;
    const char *csv;
    double ci_target;
    budget_limits budget;     /* --max-memory, --max-events (0: defaults) */
} main_opts;

static int main_add_set(main_opts *o, const char *key, const char *value)
{
    if (o->nsets == MAIN_MAX_SETS)
        return -1;
    if (key) {
        size_t len = strlen(key) + strlen(value) + 2;
        char *s = malloc(len);
        if (!s)
            return -1;
        snprintf(s, len, "%s=%s", key, value);
        o->owned[o->nsets] = s;
        o->sets[o->nsets++] = s;
    } else {
        o->owned[o->nsets] = NULL;
        o->sets[o->nsets++] = value;
    }
    return 0;
}

/* Returns -1 to exit 0 (help/version), 0 to go on, or an ERR_* code. */
static int main_parse(int argc, char **argv, main_opts *o, err_t *e)
{
    enum { O_SEED = 256, O_REPS, O_DURATION, O_THREADS, O_OUT, O_SET,
           O_VALIDATE, O_QUIET, O_VERSION, O_HELP, O_SWEEP, O_RESUME, O_CI, O_STRICT,
           O_PLOT, O_CSV, O_MAX_MEMORY, O_MAX_EVENTS, O_DECIDE, O_ROBUST, O_HELP_MODEL };
    static const struct option longopts[] = {
        { "seed", required_argument, NULL, O_SEED },
        { "replications", required_argument, NULL, O_REPS },
        { "duration", required_argument, NULL, O_DURATION },
        { "threads", required_argument, NULL, O_THREADS },
        { "out", required_argument, NULL, O_OUT },
        { "set", required_argument, NULL, O_SET },
        { "validate", no_argument, NULL, O_VALIDATE },
        { "quiet", no_argument, NULL, O_QUIET },
        { "version", no_argument, NULL, O_VERSION },
        { "help", no_argument, NULL, O_HELP },
        { "help-model", required_argument, NULL, O_HELP_MODEL },
        { "sweep", required_argument, NULL, O_SWEEP },
        { "resume", no_argument, NULL, O_RESUME },
        { "strict", no_argument, NULL, O_STRICT },
        { "plot", no_argument, NULL, O_PLOT },
        { "csv", required_argument, NULL, O_CSV },
        { "ci-target", required_argument, NULL, O_CI },
        { "decide", no_argument, NULL, O_DECIDE },
        { "robustness", no_argument, NULL, O_ROBUST },
        { "max-memory", required_argument, NULL, O_MAX_MEMORY },
        { "max-events", required_argument, NULL, O_MAX_EVENTS },
        { NULL, 0, NULL, 0 }
    };
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case O_SEED: bad = main_add_set(o, "seed", optarg); break;
        case O_REPS: bad = main_add_set(o, "replications", optarg); break;
        case O_DURATION: bad = main_add_set(o, "duration", optarg); break;
        case O_SET: bad = main_add_set(o, NULL, optarg); break;
        case O_OUT: o->out = optarg; break;
        case O_RESUME: o->resume = 1; break;
        case O_STRICT: o->strict = 1; break;
        case O_PLOT: o->plot = 1; break;
        case O_DECIDE: o->decide = 1; break;
        case O_ROBUST: o->robustness = 1; break;
        case O_CSV: o->csv = optarg; break;
        case O_SWEEP:
            if (o->nsweeps == MAIN_MAX_SETS)
                bad = 1;
            else
                o->sweeps[o->nsweeps++] = optarg;
            break;
        case O_CI: {
            char why[160];
            if (cfg_parse_fraction(optarg, &o->ci_target, why, sizeof why) != 0 ||
                o->ci_target <= 0 || o->ci_target >= 1)
                return err_set(e, ERR_USAGE, NULL, 0, 0,
                               "--ci-target wants a relative half-width like 2%% or 0.02, not '%s'",
                               optarg);
            break;
        }
        case O_MAX_MEMORY: {
            char why[160];
            uint64_t bytes;
            if (cfg_parse_size(optarg, &bytes, why, sizeof why) != 0 || bytes == 0)
                return err_set(e, ERR_USAGE, NULL, 0, 0,
                               "--max-memory wants a size like 64GB or 512MiB, not '%s'", optarg);
            o->budget.max_bytes = (double)bytes;
            break;
        }
        case O_MAX_EVENTS: {
            char why[160];
            double n;
            if (cfg_parse_double(optarg, &n, why, sizeof why) != 0 || !(n >= 1))
                return err_set(e, ERR_USAGE, NULL, 0, 0,
                               "--max-events wants a number of events like 1e12, not '%s'",
                               optarg);
            o->budget.max_events = n;
            break;
        }
        case O_VALIDATE: o->validate = 1; break;
        case O_QUIET: o->quiet = 1; break;
        case O_THREADS: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || end == optarg || t < 1 || t > 1024)
                return err_set(e, ERR_USAGE, NULL, 0, 0,
                               "--threads wants a whole number from 1 to 1024, not '%s'", optarg);
            o->threads = (int)t;
            break;
        }
        case O_VERSION:
            version_print(stdout, "mwrasp-sim");
            return -1;
        case O_HELP:
            main_usage(stdout);
            return -1;
        case O_HELP_MODEL: {
            int id = registry_find(optarg);
            if (id < 0)
                return err_set(e, ERR_USAGE, NULL, 0, 0,
                               "--help-model: no model '%s' (see --help for the list)", optarg);
            modeltab_help(registry_models(NULL)[id], stdout);
            return -1;
        }
        default:
            if (optopt)
                return err_set(e, ERR_USAGE, NULL, 0, 0,
                               "option '%s' needs a value (see --help)", argv[optind - 1]);
            return err_set(e, ERR_USAGE, NULL, 0, 0,
                           "unknown option '%s' (see --help)", argv[optind - 1]);
        }
        if (bad)
            return err_set(e, ERR_USAGE, NULL, 0, 0, "too many --set options (at most %d)",
                           MAIN_MAX_SETS);
    }
    if (optind >= argc)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "no scenario given: mwrasp-sim [options] SCENARIO.yaml (see --help)");
    if (optind + 1 < argc)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "one scenario at a time; unexpected '%s'", argv[optind + 1]);
    o->scenario = argv[optind];
    return 0;
}

static char *main_join(int argc, char **argv)
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

static double main_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Set by SIGINT/SIGTERM; workers poll it (see campaign.h). */
static volatile sig_atomic_t main_interrupted;

static void main_on_signal(int sig)
{
    (void)sig;
    main_interrupted = 1;
}

static int main_threads(const main_opts *o)
{
#ifdef _OPENMP
    return o->threads ? o->threads : omp_get_max_threads();
#else
    (void)o;
    return 1;
#endif
}

static void main_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = main_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A file-size limit (ulimit -f) then fails the write with EFBIG, which
     * ends in exit 74 like a full disk, instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);
}

/* The results file, its journal and the --plot/--csv directories must be
 * writable places for regular files (outpath.h). */
static int main_check_outputs(const main_opts *o, const char *outpath, const char *journal,
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

/* 1234567 -> "1,234,567" */
static void main_thousands(size_t v, char *buf, size_t size)
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


int main(int argc, char **argv)
{
    /* Every HDF5 file is closed before main returns; libhdf5's exit handler
     * only adds a way to crash after a failed close. */
    H5dont_atexit();
    int mpi_rank = 0, mpi_size = 1;
    /* MPI is initialised only under a launcher, so a plain run needs no MPI
     * runtime (OpenMPI's singleton start is slow and noisy in containers). */
    launch_info launch;
    int launched = launch_detect(&launch);
    char refusal[512];
#ifdef MWRASP_HAVE_MPI
    if (launched) {
        int provided;
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
        MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
        MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    }
    if (launch_refuse(&launch, 1, mpi_size, refusal, sizeof refusal)) {
        if (launch.rank <= 0)
            fprintf(stderr, "mwrasp-sim: %s\n", refusal);
        MPI_Finalize();
        return ERR_USAGE;
    }
#else
    if (launch_refuse(&launch, 0, 0, refusal, sizeof refusal)) {
        /* Every copy refuses; one line says why. */
        if (launch.rank <= 0)
            fprintf(stderr, "mwrasp-sim: %s\n", refusal);
        return ERR_USAGE;
    }
#endif
    scenario_t **points = NULL;
    size_t npoints = 0;
    verdict_result *claim_results = NULL;
    planning_result *capacity = NULL;
    audit_robust *robust = NULL;
    campaign_result camp;
    memset(&camp, 0, sizeof camp);
    main_opts o;
    memset(&o, 0, sizeof o);
    err_t e;
    err_clear(&e);
    cfg_ctx diags;
    cfg_ctx_init(&diags);
    scenario_t *sc = NULL;
    char *cmdline = NULL;
    int journal_fd = -1, journal_created = 0;
    const char *journal_path = NULL;
    int rc = main_parse(argc, argv, &o, &e);
    if (rc == -1) {
        rc = 0;
        goto done;
    }
    if (rc)
        goto fail;

    rc = scenario_load(o.scenario, registry_models(NULL), registry_count(), o.sets, o.nsets, &diags, &sc, &e);
    if (rc) {
        for (size_t i = 0; i < diags.ndiags; i++)
            fprintf(stderr, "%s\n", diags.diags[i]);
        if (diags.ndiags == 0)
            main_print_error(&e);
        else
            fprintf(stderr, "mwrasp-sim: %zu problem%s in %s; nothing was run\n",
                    diags.ndiags, diags.ndiags == 1 ? "" : "s", o.scenario);
        goto done;
    }
    /* Before anything that can take long (sweep expansion): Ctrl-C must
     * always stop the program cleanly. */
    main_install_signals();
    for (size_t i = 0; i < o.nsweeps; i++) {
        rc = sweep_add_cli(&sc->sweep, o.sweeps[i], &e);
        if (rc)
            goto fail;
    }
    if (o.nsweeps && sc->capacity.enabled) {
        rc = err_set(&e, ERR_USAGE, NULL, 0, 0,
                     "--sweep cannot be combined with the scenario's capacity: section "
                     "(capacity planning varies the load itself); drop one");
        goto fail;
    }
    npoints = sweep_points(&sc->sweep, &e);
    if (!npoints) {
        rc = e.code;
        goto fail;
    }
    /* What the run will cost, before the sweep is even expanded. */
    double max_reps = o.ci_target > 0 || sc->precision.target > 0
                          ? (double)sc->precision.max_replications : 0;
    budget_estimate est;
    budget_estimate_run(sc, NULL, npoints, main_threads(&o), max_reps, &est);
    rc = budget_check(&est, &o.budget, sc, npoints, &e);
    if (rc)
        goto fail;
    {
        cfg_ctx ad;
        cfg_ctx_init(&ad);
        rc = scenario_check_assumptions(sc, &diags, &ad, &e);
        for (size_t i = 0; i < ad.ndiags; i++)
            fprintf(stderr, "%s\n", ad.diags[i]);
        cfg_ctx_free(&ad);
        if (rc) {
            fprintf(stderr, "mwrasp-sim: %s; nothing was run\n", e.msg);
            goto done;
        }
        if (o.robustness && !sc->nassumptions) {
            rc = err_set(&e, ERR_USAGE, NULL, 0, 0,
                         "--robustness needs an assumptions: section in %s listing the "
                         "parameters to vary (docs/claims.md)", o.scenario);
            goto fail;
        }
        if (o.robustness && sc->sweep.naxes) {
            rc = err_set(&e, ERR_USAGE, NULL, 0, 0,
                         "--robustness studies one scenario point; drop the sweep");
            goto fail;
        }
    }
    char outpath[4096], journal[4200];
    if (o.out)
        snprintf(outpath, sizeof outpath, "%s", o.out);
    else
        snprintf(outpath, sizeof outpath, "results/%s.h5", sc->name);
    snprintf(journal, sizeof journal, "%s.journal", outpath);
    journal_path = journal;
    /* The journal key covers everything that decides the results: the
     * scenario's text, every included file's name and text, the options. */
    uint64_t key = campaign_hash(0, sc->doc->text);
    for (size_t i = 0; i < sc->doc->nincludes; i++) {
        key = campaign_hash(key, sc->doc->includes[i].path);
        key = campaign_hash(key, sc->doc->includes[i].text);
    }
    for (size_t i = 0; i < sc->nsets; i++)
        key = campaign_hash(key, sc->sets[i]);
    for (size_t i = 0; i < o.nsweeps; i++)
        key = campaign_hash(key, o.sweeps[i]);
    key = campaign_hash(key, MWRASP_VERSION);
    key = campaign_hash(key, version_git_revision());
    if (!o.validate) {
        /* Every output target is checked, and the journal taken, before any
         * work: a bad --out or a second run on it costs nothing. */
        if (mpi_rank == 0) {
            rc = main_check_outputs(&o, outpath, journal, &e);
            if (!rc)
                rc = campaign_journal_claim(journal, key, o.resume, &journal_fd, &e);
        }
#ifdef MWRASP_HAVE_MPI
        if (mpi_size > 1) {
            MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
            if (rc && mpi_rank != 0)
                err_set(&e, rc, NULL, 0, 0, "rank 0 cannot write the results; see its message");
        }
#endif
        if (rc)
            goto fail;
        journal_created = !o.resume;
    }
    points = calloc(npoints, sizeof *points);
    if (!points) {
        rc = err_set(&e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if (sc->sweep.naxes == 0) {
        points[0] = sc;
    } else {
        for (size_t p = 0; p < npoints; p++) {
            if (main_interrupted) {
                /* Nothing ran yet: the (empty) journal would only block the
                 * next run. */
                if (journal_created)
                    campaign_journal_release(journal_fd, journal, 1);
                journal_fd = -1;
                journal_created = 0;
                rc = err_set(&e, ERR_INTERRUPTED, NULL, 0, 0,
                             "interrupted while expanding the sweep (point %zu of %zu); "
                             "nothing was run", p, npoints);
                goto fail;
            }
            cfg_ctx pd;
            cfg_ctx_init(&pd);
            rc = scenario_point(sc, p, &pd, &points[p], &e);
            if (rc) {
                for (size_t i = 0; i < pd.ndiags; i++)
                    fprintf(stderr, "%s\n", pd.diags[i]);
                cfg_ctx_free(&pd);
                goto fail;
            }
            cfg_ctx_free(&pd);
        }
    }
    if (sc->sweep.naxes) {
        /* Points can differ in size (a sweep of agents.count). */
        budget_estimate_run(sc, points, npoints, main_threads(&o), max_reps, &est);
        rc = budget_check(&est, &o.budget, sc, npoints, &e);
        if (rc)
            goto fail;
    }
    if (o.validate) {
        if (!o.quiet) {
            printf("%s: valid\n", o.scenario);
            for (size_t i = 0; i < diags.nresolved; i++) {
                /* Free text (descriptions) may hold control characters. */
                sink_text(diags.resolved[i], 0, diags.resolved[i],
                          strlen(diags.resolved[i]) + 1);
                printf("  %s\n", diags.resolved[i]);
            }
            if (sc->sweep.naxes)
                printf("  sweep: %zu points (%s)\n", npoints, sc->sweep.zip ? "zip" : "grid");
            char need[32], have[32];
            budget_format_bytes(est.bytes, need, sizeof need);
            budget_format_bytes(o.budget.max_bytes > 0 ? o.budget.max_bytes
                                                       : budget_default_memory(NULL),
                                have, sizeof have);
            printf("  estimate: about %s of memory (budget %s), %.2g events (budget %.2g)\n",
                   need, have, est.events,
                   o.budget.max_events > 0 ? o.budget.max_events : BUDGET_DEFAULT_EVENTS);
            if (sc->nassumptions)
                printf("assumptions (not given by the runbook; --robustness varies them):\n");
            for (size_t i = 0; i < sc->nassumptions; i++) {
                const scenario_assumption *a = &sc->assumptions[i];
                char v[256];
                const char *cur = scenario_assumption_value(&diags, a->key, v, sizeof v);
                if (!cur)
                    cur = scenario_value(sc, a->key);
                printf("  %s = %s, plausible range [%s, %s]: %s\n", a->key, cur ? cur : "?",
                       a->lo, a->hi, a->source);
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
        goto done;
    }

    int threads = main_threads(&o);
    char start[64];
    time_t now = time(NULL);
    strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    campaign_opts copts = { .threads = threads, .journal = journal, .journal_key = key,
                            .resume = o.resume, .interrupt = &main_interrupted,
                            .progress = CAMPAIGN_PROGRESS_NONE, .ci_target = o.ci_target,
                            .mpi_rank = mpi_rank, .mpi_size = mpi_size,
                            .journal_fd = journal_fd };
    /* The claims' family-wise error, split over the looks --decide takes. */
    const double alpha = MAIN_ALPHA;
    size_t looks = 1;
    audit_decide decide = { sc, alpha, (size_t)sc->precision.max_replications };
    if (o.decide) {
        looks = audit_looks((size_t)sc->replications, (size_t)sc->precision.max_replications);
        decide.alpha_look = alpha / (double)looks;
        copts.policy = audit_decide_policy;
        copts.policy_ctx = &decide;
    }
    double alpha_look = alpha / (double)looks;
    if (!o.quiet)
        copts.progress = isatty(2) ? CAMPAIGN_PROGRESS_TTY : CAMPAIGN_PROGRESS_PLAIN;
    double t0 = main_clock();
    rc = campaign_run(sc, points, npoints, &copts, &camp, &e);
    if (rc == ERR_INTERRUPTED) {
        journal_created = 0;   /* kept for --resume */
        if (mpi_rank == 0) {
            char saved[32], planned[32];
            main_thousands(camp.saved, saved, sizeof saved);
            main_thousands(camp.planned, planned, sizeof planned);
            fprintf(stderr, "interrupted: %s of %s replications saved; "
                            "rerun with --resume to continue\n", saved, planned);
        }
        goto done;
    }
    if (rc)
        goto fail;
    double wall = main_clock() - t0;
    /* Claims: [claim][point]. */
    size_t nclaims = sc->claims.n;
    claim_results = calloc(nclaims * npoints + 1, sizeof *claim_results);
    if (!claim_results) {
        rc = err_set(&e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        goto fail;
    }
    int failed_claims = 0;
    verdict_origin origin = { sc->seed, 0, (double)sc->duration_ns / 1e9 };
    size_t tests = 0;
    if (verdict_evaluate_all(&sc->claims, camp.points, npoints, &origin, alpha_look,
                            claim_results, &tests) != 0) {
        rc = err_set(&e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nclaims * npoints; i++)
        failed_claims += claim_results[i].verdict == VERDICT_FAILS;
    if (o.robustness) {
        robust = calloc(1, sizeof *robust);
        if (!robust) {
            rc = err_set(&e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            goto fail;
        }
        if (mpi_rank == 0 && !o.quiet)
            fprintf(stderr, "robustness: %zu assumption%s x 2 ends, and break-even searches\n",
                    sc->nassumptions, sc->nassumptions == 1 ? "" : "s");
        rc = audit_robustness(sc, &diags, &copts, claim_results, alpha_look, robust, &e);
        if (rc == ERR_INTERRUPTED) {
            if (mpi_rank == 0)
                fprintf(stderr, "interrupted during --robustness; nothing was written\n");
            goto fail;
        }
        if (rc)
            goto fail;
    }
    if (sc->capacity.enabled) {
        if (sc->sweep.naxes) {
            rc = err_set(&e, ERR_DATA, o.scenario, 0, 0,
                         "capacity planning and a sweep cannot be combined; drop one");
            goto fail;
        }
        capacity = calloc(1, sizeof *capacity);
        if (!capacity) {
            rc = err_set(&e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            goto fail;
        }
        rc = planning_run(sc, threads, &main_interrupted, capacity, &e);
        if (rc)
            goto fail;
    }
    if (mpi_rank == 0) {
        cmdline = main_join(argc, argv);
        if (!cmdline) {
            rc = err_set(&e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            goto fail;
        }
        h5out_meta meta = { o.scenario, cmdline, start, wall, threads,
                            nclaims ? claim_results : NULL, alpha, tests, looks, capacity,
                            robust, (const char *const *)diags.resolved, diags.nresolved };
        rc = h5out_write_campaign(outpath, sc, &camp, &meta, &e);
        if (rc)
            goto fail;
        campaign_journal_release(journal_fd, journal, 1);
        journal_fd = -1;
        if (!o.quiet) {
            if (sc->sweep.naxes) {
                report_sweep(stdout, sc, &camp, threads, wall);
                verdict_print_sweep(stdout, &sc->claims, &sc->sweep, npoints, claim_results,
                                   alpha_look, looks, tests);
            } else {
                report_table(stdout, sc, &camp.points[0], threads, wall);
                verdict_print(stdout, &sc->claims, claim_results, alpha_look, looks, tests);
            }
            if (o.decide) {
                size_t used = 0;
                for (size_t p = 0; p < npoints; p++)
                    used = camp.points[p].nreps > used ? camp.points[p].nreps : used;
                printf("\n--decide: %zu replications%s (doubling from %lld, at most %lld: %zu "
                       "looks); family-wise error %.3g %% split as %.3g %% per look\n",
                       used, npoints > 1 ? " at the most at one point" : "",
                       (long long)sc->replications, (long long)sc->precision.max_replications,
                       looks, 100 * alpha, 100 * alpha_look);
            }
            if (robust)
                audit_robust_print(stdout, sc, robust);
            if (capacity)
                planning_print(stdout, sc, capacity);
            if (mpi_size > 1)
                printf("mpi       %d ranks x %d threads\n", mpi_size, threads);
            printf("\nresults   %s\n", outpath);
        }
        if (o.plot || o.csv) {
            /* The same code as analysis/mwrasp-report, reading the file just
             * written, so the two can never disagree. */
            analysis_opts ao;
            analysis_opts_init(&ao);
            ao.plots = o.plot;
            ao.report = o.plot;
            ao.csv_dir = o.csv;
            ao.quiet = o.quiet;
            rc = analysis_run(outpath, &ao, &e);
            if (rc)
                goto fail;
        }
    }
    if (o.strict && failed_claims) {
        if (mpi_rank == 0)
            fprintf(stderr, "mwrasp-sim: %d claim verdict%s FAILS (--strict)\n", failed_claims,
                    failed_claims == 1 ? "" : "s");
        rc = 3;
    }
    goto done;
fail:
    if (mpi_rank == 0 || e.code != ERR_SOFTWARE)
        main_print_error(&e);
    /* A failed run leaves nothing behind: its own journal goes too, unless
     * it was interrupted (then --resume continues it).  A resumed run's
     * journal holds earlier work and is kept. */
    if (rc != ERR_INTERRUPTED && journal_created) {
        campaign_journal_release(journal_fd, journal_path, 1);
        journal_fd = -1;
    }
done:
    campaign_journal_release(journal_fd, journal_path, 0);
    free(cmdline);
    free(claim_results);
    free(capacity);
    audit_robust_free(robust);
    free(robust);
    campaign_result_free(&camp);
    if (points && points[0] != sc)
        for (size_t p = 0; p < npoints; p++)
            scenario_free(points[p]);
    free(points);
    scenario_free(sc);
    cfg_ctx_free(&diags);
    for (size_t i = 0; i < o.nsets; i++)
        free(o.owned[i]);
#ifdef MWRASP_HAVE_MPI
    if (launched)
        MPI_Finalize();
#else
    (void)launched;
#endif
    return rc;
}
