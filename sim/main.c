/* main.c - the mwrasp-sim command line.
 *
 * The only place that prints errors and turns them into exit codes
 * (rule 6): 0 ok, 64 usage, 65 bad scenario data, 66 missing input,
 * 70 internal error, 73/74 cannot write output.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "cfg.h"
#include "err.h"
#include "h5out.h"
#include "registry.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "version.h"

#define MAIN_MAX_SETS 256

static void main_usage(FILE *out)
{
    size_t n;
    const sim_model *const *models = registry_models(&n);
    fprintf(out,
            "usage: mwrasp-sim [options] SCENARIO.yaml\n"
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
            "  --validate          check the scenario, print resolved parameters, run nothing\n"
            "  --quiet             print nothing but errors\n"
            "  --version           print the version\n"
            "  --help              this text\n"
            "\n"
            "exit status: 0 ok, 64 usage, 65 bad scenario, 66 missing input,\n"
            "             70 internal error, 73/74 cannot write results\n"
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
    const char *out;
    const char *scenario;
    int threads, validate, quiet;
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
           O_VALIDATE, O_QUIET, O_VERSION, O_HELP };
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
            printf("mwrasp-sim %s (git %s)\n", MWRASP_VERSION, MWRASP_GIT_REV);
            return -1;
        case O_HELP:
            main_usage(stdout);
            return -1;
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

int main(int argc, char **argv)
{
    main_opts o;
    memset(&o, 0, sizeof o);
    err_t e;
    err_clear(&e);
    cfg_ctx diags;
    cfg_ctx_init(&diags);
    scenario_t *sc = NULL;
    runner_result res;
    memset(&res, 0, sizeof res);
    char *cmdline = NULL;
    int rc = main_parse(argc, argv, &o, &e);
    if (rc == -1) {
        rc = 0;
        goto done;
    }
    if (rc)
        goto fail;

    rc = scenario_load(o.scenario, o.sets, o.nsets, &diags, &sc, &e);
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
    if (o.validate) {
        if (!o.quiet) {
            printf("%s: valid\n", o.scenario);
            for (size_t i = 0; i < diags.nresolved; i++)
                printf("  %s\n", diags.resolved[i]);
        }
        goto done;
    }

    int threads = o.threads;
#ifdef _OPENMP
    if (!threads)
        threads = omp_get_max_threads();
#else
    threads = 1;
#endif
    char start[64];
    time_t now = time(NULL);
    strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    double t0 = main_clock();
    rc = runner_run(sc, 0, 0, (size_t)sc->replications, threads, &res, &e);
    if (rc)
        goto fail;
    double wall = main_clock() - t0;

    char outpath[4096];
    if (o.out)
        snprintf(outpath, sizeof outpath, "%s", o.out);
    else
        snprintf(outpath, sizeof outpath, "results/%s.h5", sc->name);
    cmdline = main_join(argc, argv);
    h5out_meta meta = { o.scenario, cmdline ? cmdline : "", start, wall, threads };
    rc = h5out_write(outpath, sc, &res, &meta, &e);
    if (rc)
        goto fail;
    if (!o.quiet) {
        report_table(stdout, sc, &res, threads, wall);
        printf("\nresults   %s\n", outpath);
    }
    goto done;
fail:
    main_print_error(&e);
done:
    free(cmdline);
    runner_result_free(&res);
    scenario_free(sc);
    cfg_ctx_free(&diags);
    for (size_t i = 0; i < o.nsets; i++)
        free(o.owned[i]);
    return rc;
}
