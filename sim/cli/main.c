/* main.c - the mwrasp-sim command line.
 *
 * The only place that prints errors and turns them into exit codes
 * (rule 6): 0 ok, 64 usage, 65 bad scenario data, 66 missing input,
 * 70 internal error, 73/74 cannot write output.
 */
#include <getopt.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift_calibrate.h"
#include "app.h"
#include "batch.h"
#include "cfg.h"
#include "err.h"
#include "launch.h"
#include "modeltab.h"
#include "registry.h"
#include "version.h"

#ifdef MWRASP_HAVE_MPI
#include <mpi.h>
#endif

static void main_usage(FILE *out)
{
    size_t n;
    const sim_model *const *models = registry_models(&n);
    fprintf(out,
            "Usage: mwrasp-sim [options] SCENARIO.yaml\n"
            "   or: mwrasp-sim merge [options] PART... --out FILE.h5\n"
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
            "  --format F          stdout as table (default), markdown, csv or json: the\n"
            "                      verdicts first, then the metrics the claims use\n"
            "  --all               every metric in the table, not only the claims'\n"
            "  --metrics GLOB,...  the metrics matching these globs (mmc.*,*.latency)\n"
            "                      (the results file always holds every metric; the\n"
            "                      table fits $COLUMNS, the terminal, or 120 columns)\n"
            "  --run-index K --of N  run only replications r with r mod N = K and leave\n"
            "                      them (samples included) in --out as a part to merge\n"
            "  --merge PART        (repeated) join parts of --run-index into --out, as one\n"
            "                      run with the same options writes it (README: Slurm);\n"
            "                      runs the replications no part holds\n"
            "  --max-memory SIZE   refuse a run estimated to need more memory (default: 3/4\n"
            "                      of the memory this process may use)\n"
            "  --max-events N      refuse a run estimated to take more events (default 1e11)\n"
            "  --validate          check the scenario, print resolved parameters, run nothing\n"
            "  --quiet             print nothing but errors\n"
            "  --version           print the version, git revision and library versions\n"
            "  --help              this text\n"
            "  --calibrate         the agents' drift fitted to the runbook's 23 / 20 / 3 flags\n"
            "                      a day and checked against its mean score 0.034\n"
            "  --help-model NAME   a model's parameters (keys, types, defaults, ranges) and\n"
            "                      metrics, from its tables\n"
            "\n"
            "exit status:\n"
            "  0 ok, 3 a claim FAILS (--strict), 64 usage, 65 bad scenario, 66 missing\n"
            "  input, 70 internal error, 73/74 cannot write results, 130 interrupted\n"
            "\n"
            "merge (batch jobs):\n"
            "  mwrasp-sim merge PART... --out FILE.h5 joins the parts of --run-index K\n"
            "  --of N (K = 0..N-1, in any order) into the file the single run writes;\n"
            "  each part holds its scenario and options, so none are given here.  It\n"
            "  takes --out, --quiet, --strict, --plot, --csv, --format, --all,\n"
            "  --metrics, --threads, --max-memory, --max-events.  Parts of different\n"
            "  runs or builds, unfinished, repeated or missing parts are refused\n"
            "  (exit 65) before anything is written\n"
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


static int main_add_set(app_opts *o, const char *key, const char *value)
{
    if (o->nsets == APP_MAX_SETS)
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

/* What `mwrasp-sim merge` takes: the options that do not change what
 * the parts ran (the parts hold the scenario and those). */
static int main_merge_takes(const char *option)
{
    static const char *const takes[] = { "out", "quiet", "strict", "plot", "csv", "format",
                                         "all", "metrics", "threads", "max-memory",
                                         "max-events", "help", "version" };
    for (size_t i = 0; i < sizeof takes / sizeof *takes; i++)
        if (strcmp(option, takes[i]) == 0)
            return 1;
    return 0;
}

/* Returns -1 to exit 0 (help/version), 0 to go on, or an ERR_* code.
 * merge: argv is `merge ...`, its operands the parts. */
static int main_parse(int argc, char **argv, int merge, app_opts *o, err_t *e)
{
    enum { O_SEED = 256, O_REPS, O_DURATION, O_THREADS, O_OUT, O_SET,
           O_VALIDATE, O_QUIET, O_VERSION, O_HELP, O_SWEEP, O_RESUME, O_CI, O_STRICT,
           O_PLOT, O_CSV, O_MAX_MEMORY, O_MAX_EVENTS, O_DECIDE, O_ROBUST,
           O_FORMAT, O_ALL, O_METRICS, O_RUN_INDEX, O_OF, O_MERGE, O_HELP_MODEL,
           O_CALIBRATE };
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
        { "calibrate", no_argument, NULL, O_CALIBRATE },
        { "sweep", required_argument, NULL, O_SWEEP },
        { "resume", no_argument, NULL, O_RESUME },
        { "strict", no_argument, NULL, O_STRICT },
        { "plot", no_argument, NULL, O_PLOT },
        { "csv", required_argument, NULL, O_CSV },
        { "format", required_argument, NULL, O_FORMAT },
        { "all", no_argument, NULL, O_ALL },
        { "metrics", required_argument, NULL, O_METRICS },
        { "run-index", required_argument, NULL, O_RUN_INDEX },
        { "of", required_argument, NULL, O_OF },
        { "merge", required_argument, NULL, O_MERGE },
        { "ci-target", required_argument, NULL, O_CI },
        { "decide", no_argument, NULL, O_DECIDE },
        { "robustness", no_argument, NULL, O_ROBUST },
        { "max-memory", required_argument, NULL, O_MAX_MEMORY },
        { "max-events", required_argument, NULL, O_MAX_EVENTS },
        { NULL, 0, NULL, 0 }
    };
    opterr = 0;
    int c, which = -1;
    while ((c = getopt_long(argc, argv, "", longopts, &which)) != -1) {
        int bad = 0;
        if (merge && c != '?' && which >= 0 && !main_merge_takes(longopts[which].name))
            return err_set(e, ERR_USAGE, NULL, 0, 0,
                           "merge: --%s cannot be given: each part holds the scenario and "
                           "the options it ran with (see --help)", longopts[which].name);
        which = -1;
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
        case O_ALL: o->view.all = 1; break;
        case O_METRICS: o->view.metrics = optarg; break;
        case O_MERGE:
            if (o->nmerge == APP_MAX_SETS)
                bad = 1;
            else
                o->merge[o->nmerge++] = optarg;
            break;
        case O_RUN_INDEX:
        case O_OF: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < (c == O_OF ? 1 : 0) || v > 1000000)
                return err_set(e, ERR_USAGE, NULL, 0, 0, "%s wants a whole number, not '%s'",
                               c == O_OF ? "--of" : "--run-index", optarg);
            if (c == O_OF)
                o->run_of = (size_t)v;
            else
                o->run_index = (size_t)v, o->run_index_given = 1;
            break;
        }
        case O_FORMAT:
            if (output_parse_format(optarg, &o->view.format) != 0)
                return err_set(e, ERR_USAGE, NULL, 0, 0,
                               "--format wants table, markdown, csv or json, not '%s'", optarg);
            break;
        case O_SWEEP:
            if (o->nsweeps == APP_MAX_SETS)
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
        case O_CALIBRATE: {
            drift_targets t = drift_runbook_targets();
            drift_fit f;
            drift_calibrate(&t, &f);
            drift_calibrate_print(stdout, &t, &f);
            return -1;
        }
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
                           APP_MAX_SETS);
    }
    if (merge) {
        if (optind >= argc)
            return err_set(e, ERR_USAGE, NULL, 0, 0,
                           "merge: no parts given: mwrasp-sim merge PART... --out FILE.h5");
        if (!o->out)
            return err_set(e, ERR_USAGE, NULL, 0, 0,
                           "merge: --out FILE.h5 is required (the merged results file)");
        for (; optind < argc; optind++) {
            if (o->nmerge == APP_MAX_SETS)
                return err_set(e, ERR_USAGE, NULL, 0, 0, "merge: at most %d parts",
                               APP_MAX_SETS);
            o->merge[o->nmerge++] = argv[optind];
        }
        return 0;
    }
    if (optind >= argc)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "no scenario given: mwrasp-sim [options] SCENARIO.yaml (see --help)");
    if (optind + 1 < argc)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "one scenario at a time; unexpected '%s'", argv[optind + 1]);
    if (o->run_index_given != (o->run_of > 0) || (o->run_of && o->run_index >= o->run_of))
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "--run-index K and --of N go together, with 0 <= K < N");
    o->scenario = argv[optind];
    return 0;
}

/* Set by SIGINT/SIGTERM; workers poll it (see campaign.h).  The one
 * variable a signal handler may write. */
static volatile sig_atomic_t main_interrupted;

static void main_on_signal(int sig)
{
    (void)sig;
    main_interrupted = 1;
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

/* MPI is initialised only under a launcher, so a plain run needs no MPI
 * runtime (OpenMPI's singleton start is slow and noisy in containers).
 * Returns 0 to go on, or ERR_USAGE after saying why this copy refuses. */
static int main_start_mpi(int *argc, char ***argv, int *launched, int *rank, int *size)
{
    launch_info launch;
    char refusal[512];
    *launched = launch_detect(&launch);
    *rank = 0;
    *size = 1;
#ifdef MWRASP_HAVE_MPI
    if (*launched) {
        int provided;
        MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
        MPI_Comm_rank(MPI_COMM_WORLD, rank);
        MPI_Comm_size(MPI_COMM_WORLD, size);
    }
    int refused = launch_refuse(&launch, 1, *size, refusal, sizeof refusal);
#else
    (void)argc, (void)argv;
    /* Every copy refuses; one line says why. */
    int refused = launch_refuse(&launch, 0, 0, refusal, sizeof refusal);
#endif
    if (!refused)
        return 0;
    if (launch.rank <= 0)
        fprintf(stderr, "mwrasp-sim: %s\n", refusal);
    return ERR_USAGE;
}

static void main_stop_mpi(int launched)
{
#ifdef MWRASP_HAVE_MPI
    if (launched)
        MPI_Finalize();
#else
    (void)launched;
#endif
}

int main(int argc, char **argv)
{
    /* Every HDF5 file is closed before main returns; libhdf5's exit handler
     * only adds a way to crash after a failed close. */
    H5dont_atexit();
    app_opts o;
    memset(&o, 0, sizeof o);
    int launched;
    int rc = main_start_mpi(&argc, &argv, &launched, &o.mpi_rank, &o.mpi_size);
    if (rc) {
        main_stop_mpi(launched);
        return rc;
    }
    err_t e;
    err_clear(&e);
    /* `mwrasp-sim merge PART...`: the scenario and options from the parts. */
    int merge = argc > 1 && strcmp(argv[1], "merge") == 0;
    batch_manifest parts;
    memset(&parts, 0, sizeof parts);
    rc = merge ? main_parse(argc - 1, argv + 1, 1, &o, &e) : main_parse(argc, argv, 0, &o, &e);
    if (rc == 0 && merge && (rc = batch_read_parts(o.merge, o.nmerge, o.out, &parts, &e)) == 0) {
        o.scenario = parts.scenario;
        o.scenario_text = parts.text;
        o.scenario_len = parts.text_len;
        o.includes = parts.includes;
        o.nincludes = parts.nincludes;
        for (size_t i = 0; i < parts.nsets; i++)
            main_add_set(&o, NULL, parts.sets[i]);
        for (size_t i = 0; i < parts.nsweeps; i++)
            o.sweeps[o.nsweeps++] = parts.sweeps[i];
        if (!o.quiet)
            fprintf(stderr, "merge: %zu parts of %s, %zu replications\n", o.nmerge,
                    parts.scenario, parts.saved);
    }
    if (rc == 0) {
        o.argc = argc;
        o.argv = argv;
        o.models = registry_models(&o.nmodels);
        o.interrupt = &main_interrupted;
        o.install_signals = main_install_signals;
        rc = app_run(&o, &e);
    } else if (rc == -1) {
        rc = 0;   /* --help, --version */
    }
    if (e.code && (o.mpi_rank == 0 || e.code != ERR_SOFTWARE))
        main_print_error(&e);
    for (size_t i = 0; i < o.nsets; i++)
        free(o.owned[i]);
    batch_manifest_free(&parts);
    main_stop_mpi(launched);
    return rc;
}
