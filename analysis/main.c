/* main.c - mwrasp-report: plots, reports, the dashboard and CSV from a
 * results file alone.  The only place in analysis/ that turns errors into
 * exit codes (sysexits numbering, as mwrasp-sim).
 */
#include <getopt.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "dashboard.h"
#include "err.h"
#include "resfile.h"
#include "version.h"

static void usage(FILE *o)
{
    fprintf(o,
            "Usage: mwrasp-report RESULTS.h5 [options]\n"
            "Regenerates plots, report.md/report.html, the operational dashboard, the\n"
            "executive report and CSV files from a mwrasp-sim results file alone.\n"
            "\n"
            "  --out DIR       output directory (default: RESULTS without .h5,\n"
            "                  e.g. results/mmc.h5 -> results/mmc/)\n"
            "  --csv DIR       also write summary.csv, replications.csv, claims.csv,\n"
            "                  sweep_summary.csv (sweeps), capacity_*.csv into DIR\n"
            "  --no-plots      no plots (the report then has none)\n"
            "  --no-report     no report.md/.html, dashboard.txt, executive.txt\n"
            "  --dashboard     print the operational dashboard on stdout and stop\n"
            "  --executive     print the executive report on stdout and stop\n"
            "  --sources       print where each dashboard figure comes from and stop\n"
            "  --point N       sweep point for --dashboard/--executive (default 0)\n"
            "  --quiet         no progress lines (warnings still go to stderr)\n"
            "  --version, --help\n"
            "\n"
            "Plots need gnuplot (gnuplot-nox); without it the .dat/.gp files and the\n"
            "report are still written, with a warning.\n"
            "Exit status: 0 ok, 64 usage, 66 unreadable results file, 73/74 cannot\n"
            "write outputs, 70 internal error.\n");
}

enum { O_OUT = 256, O_CSV, O_NO_PLOTS, O_NO_REPORT, O_DASHBOARD, O_EXECUTIVE, O_SOURCES,
       O_POINT, O_QUIET, O_VERSION, O_HELP };

int main(int argc, char **argv)
{
    /* As in mwrasp-sim: no libhdf5 exit handler, and a file-size limit
     * fails writes (exit 74) instead of killing the program. */
    H5dont_atexit();
    signal(SIGXFSZ, SIG_IGN);
    static const struct option longopts[] = {
        { "out", required_argument, NULL, O_OUT },
        { "csv", required_argument, NULL, O_CSV },
        { "no-plots", no_argument, NULL, O_NO_PLOTS },
        { "no-report", no_argument, NULL, O_NO_REPORT },
        { "dashboard", no_argument, NULL, O_DASHBOARD },
        { "executive", no_argument, NULL, O_EXECUTIVE },
        { "sources", no_argument, NULL, O_SOURCES },
        { "point", required_argument, NULL, O_POINT },
        { "quiet", no_argument, NULL, O_QUIET },
        { "version", no_argument, NULL, O_VERSION },
        { "help", no_argument, NULL, O_HELP },
        { NULL, 0, NULL, 0 },
    };
    analysis_opts opts;
    analysis_opts_init(&opts);
    int print = 0;   /* O_DASHBOARD, O_EXECUTIVE or O_SOURCES */
    long point = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_OUT: opts.out_dir = optarg; break;
        case O_CSV: opts.csv_dir = optarg; break;
        case O_NO_PLOTS: opts.plots = 0; break;
        case O_NO_REPORT: opts.report = 0; break;
        case O_DASHBOARD: case O_EXECUTIVE: case O_SOURCES: print = c; break;
        case O_POINT: {
            char *end;
            point = strtol(optarg, &end, 10);
            if (*end || point < 0) {
                fprintf(stderr, "mwrasp-report: --point wants a point number, got '%s'\n", optarg);
                return ERR_USAGE;
            }
            break;
        }
        case O_QUIET: opts.quiet = 1; break;
        case O_VERSION:
            version_print(stdout, "mwrasp-report");
            return 0;
        case O_HELP: usage(stdout); return 0;
        default: usage(stderr); return ERR_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "mwrasp-report: %s\n",
                optind == argc ? "missing the results file" : "one results file at a time");
        usage(stderr);
        return ERR_USAGE;
    }
    const char *path = argv[optind];
    err_t e;
    err_clear(&e);
    char msg[1024];
    if (print) {
        resfile *r = NULL;
        int rc = resfile_open(path, &r, &e);
        if (!rc && (size_t)point >= r->npoints)
            rc = err_set(&e, ERR_USAGE, NULL, 0, 0, "--point %ld: the file has %zu point(s)",
                         point, r->npoints);
        char *text = NULL;
        if (!rc) {
            int bad = print == O_DASHBOARD ? dashboard_render(r, (size_t)point, &text)
                    : print == O_EXECUTIVE ? dashboard_executive(r, (size_t)point, &text)
                                           : dashboard_sources(r, (size_t)point, &text);
            if (bad)
                rc = err_set(&e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            else
                fputs(text, stdout);
        }
        if (!rc && opts.csv_dir)
            rc = analysis_write_csv(r, opts.csv_dir, &e);
        free(text);
        resfile_close(r);
        if (rc) {
            err_format(&e, msg, sizeof msg);
            fprintf(stderr, "mwrasp-report: %s\n", msg);
        }
        return rc;
    }
    int rc = analysis_run(path, &opts, &e);
    if (rc) {
        err_format(&e, msg, sizeof msg);
        fprintf(stderr, "mwrasp-report: %s\n", msg);
    }
    return rc;
}
