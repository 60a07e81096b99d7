/* test_analysis.c - plots, reports, the dashboard and CSV export
 * (analysis/), from results files the simulator writes ($MWRASP_SIM) and
 * from hand-made files for layouts no shipped scenario produces yet
 * (/capacity, escalation.*, attacks.*).
 *
 * Plot images need gnuplot: without it the image checks are skipped with a
 * warning (the .dat/.gp files are still checked).  Each test works in its
 * own directory under /tmp, removed when the test passes. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis.h"
#include "dashboard.h"
#include "figfmt.h"
#include "plots.h"
#include "registry.h"
#include "report.h"
#include "resfile.h"
#include "scenario.h"
#include "testutil.h"

/* ---- helpers ---- */

static off_t file_size(const char *dir, const char *name)
{
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static int have_gnuplot(void)
{
    char buf[1024];
    return plots_find_gnuplot(buf, sizeof buf) == 0;
}

static size_t count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t n = 0;
    int c, last = '\n';
    while ((c = fgetc(f)) != EOF) {
        n += c == '\n';
        last = c;
    }
    fclose(f);
    return n + (last != '\n');
}

static void first_line(const char *path, char *buf, size_t size)
{
    slurp(path, buf, size);
    char *nl = strpbrk(buf, "\r\n");
    if (nl)
        *nl = '\0';
}

/* A claims scenario on M/M/32, small enough for a test. */
#define CLAIMS_YAML \
    "name: anl_claims\n" \
    "description: M/M/32 with claims, for the analysis tests\n" \
    "seed: 1\n" \
    "duration: 300s\n" \
    "warmup: 20s\n" \
    "replications: 4\n" \
    "mmc:\n" \
    "  servers: 32\n" \
    "  arrival_rate: 28.8/s      # ASSUMPTION: rho = 0.9\n" \
    "  service: {dist: exponential, mean: 1s}\n" \
    "claims:\n" \
    "  - name: mean wait under 1 s\n" \
    "    metric: mmc.wait\n" \
    "    bound: {max: 1s}\n" \
    "    source: test\n" \
    "  - name: wait p99 under 10 ms\n" \
    "    metric: mmc.wait\n" \
    "    statistic: p99\n" \
    "    bound: {max: 10ms}\n" \
    "    source: test\n"
static const char claims_yaml[] = CLAIMS_YAML;
/* With a bound on the mean wait far above any sweep point's (1 h). */
static const char far_bound_yaml[] = CLAIMS_YAML
    "  - name: mean wait under an hour\n"
    "    metric: mmc.wait\n"
    "    bound: {max: 1h}\n"
    "    source: test\n";

/* Runs the simulator on text (written to dir/name.yaml) with extra args;
 * the results go to dir/<out>.h5 whose path is returned in h5. */
static void simulate(const char *dir, const char *text, const char *out,
                     const char *const *extra, char *h5, size_t size)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml, "%s/%s.yaml", dir, out);
    write_file(yaml, text);
    snprintf(h5, size, "%s/%s.h5", dir, out);
    const char *args[32];
    int n = 0;
    args[n++] = "--quiet";
    args[n++] = "--out";
    args[n++] = h5;
    for (; extra && *extra && n < 28; extra++)
        args[n++] = *extra;
    args[n++] = yaml;
    args[n] = NULL;
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 0, "simulator failed (%d): %s", o.status, o.err);
}

/* ---- hand-made results files ---- */

static void attr_u64(hid_t loc, const char *name, uint64_t v)
{
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, H5T_STD_U64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_UINT64, &v);
    H5Aclose(a), H5Sclose(s);
}

typedef struct summary_row {
    double mean, ci95_low, ci95_high, p50, p95, p99, n;
    uint64_t replications;
} summary_row;

static void summary_described(hid_t f, const char *name, const char *units, double mean,
                              double half, const char *description)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(summary_row));
    H5Tinsert(t, "mean", HOFFSET(summary_row, mean), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "ci95_low", HOFFSET(summary_row, ci95_low), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "ci95_high", HOFFSET(summary_row, ci95_high), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "p50", HOFFSET(summary_row, p50), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "p95", HOFFSET(summary_row, p95), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "p99", HOFFSET(summary_row, p99), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "n", HOFFSET(summary_row, n), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "replications", HOFFSET(summary_row, replications), H5T_NATIVE_UINT64);
    summary_row row = { mean, mean - half, mean + half, NAN, NAN, NAN, 10, 5 };
    char path[256];
    snprintf(path, sizeof path, "/summary/%s", name);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(f, path, t, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &row);
    attr_str(d, "units", units);
    attr_str(d, "description", description);
    H5Dclose(d), H5Sclose(s), H5Pclose(lcpl), H5Tclose(t);
}

static void summary(hid_t f, const char *name, const char *units, double mean, double half)
{
    summary_described(f, name, units, mean, half, "hand-made for test_analysis");
}

/* The capacity layout of sim/experiment/h5out.h, with fixed-length strings in
 * /capacity/plan to check the reader takes either kind. */
typedef struct cap_runbook {
    int64_t month, ai_agents, transactions_per_second;
    double storage_tb;
    int64_t compute_cores, memory_gb;
    double network_gbps;
} cap_runbook;
typedef struct cap_breaking {
    const char *claim, *metric;
    int64_t held_at_start, breaks_at_month;
} cap_breaking;
typedef struct cap_plan {
    int64_t month;
    double growth_factor, agents;
    int64_t claims_holding_unchanged, claims_total;
    char resources[48];
    double resource_units;
} cap_plan;

typedef struct cap_estimate {
    int64_t month;
    const char *claim, *metric, *verdict;
    double estimate, ci_low, ci_high, level, bound_low, bound_high, headroom;
    const char *unit;
} cap_estimate;

/* The claims the capacity plot draws against their bounds: an upper bound
 * in ms, a lower bound with a name a shell would run, a bound of 0. */
#define CAP_HOSTILE_CLAIM "agents `id` \"kept\" $HOME"
static void write_estimates(hid_t g, hid_t vs)
{
    cap_estimate es[21];
    for (int m = 0; m < 7; m++) {
        double p99 = 0.1 * (1 + 0.2 * m), kept = 0.9 - 0.05 * m;
        es[3 * m] = (cap_estimate){ m, "auth p99 within 0.25 ms", "auth.latency_p99",
                                    p99 + 0.01 < 0.25 ? "HOLDS" : "INCONCLUSIVE", p99,
                                    p99 - 0.01, p99 + 0.01, 0.975, -INFINITY, 0.25,
                                    0.25 - p99 - 0.01, "ms" };
        es[3 * m + 1] = (cap_estimate){ m, CAP_HOSTILE_CLAIM, "agents.kept", "HOLDS", kept,
                                        kept - 0.02, kept + 0.02, 0.975, 0.5, INFINITY,
                                        kept - 0.02 - 0.5, "1" };
        es[3 * m + 2] = (cap_estimate){ m, "nothing rejected", "auth.rejected", "HOLDS", 0, 0,
                                        0, 0.975, -INFINITY, 0, 0, "1" };
    }
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(cap_estimate));
    H5Tinsert(t, "month", HOFFSET(cap_estimate, month), H5T_NATIVE_INT64);
    H5Tinsert(t, "claim", HOFFSET(cap_estimate, claim), vs);
    H5Tinsert(t, "metric", HOFFSET(cap_estimate, metric), vs);
    H5Tinsert(t, "verdict", HOFFSET(cap_estimate, verdict), vs);
    static const char *const num[] = { "estimate", "ci_low", "ci_high", "level", "bound_low",
                                       "bound_high", "headroom" };
    for (int i = 0; i < 7; i++)
        H5Tinsert(t, num[i], HOFFSET(cap_estimate, estimate) + (size_t)i * sizeof(double),
                  H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "unit", HOFFSET(cap_estimate, unit), vs);
    hsize_t n = 21;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(g, "estimates", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, es);
    H5Dclose(d), H5Sclose(sp), H5Tclose(t);
}

static void write_capacity(hid_t f)
{
    hid_t g = H5Gcreate2(f, "/capacity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = 7;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    cap_runbook rb[7];
    cap_plan pl[7];
    double growth = 1.0;
    for (int m = 0; m < 7; m++, growth *= 1.15) {
        rb[m] = (cap_runbook){ m, (int64_t)(10547 * growth), (int64_t)(1000 * growth),
                               50 * growth, (int64_t)(256 * growth * 1.3),
                               (int64_t)(1024 * growth * 1.3), 5 * growth };
        pl[m].month = m;
        pl[m].growth_factor = growth;
        pl[m].agents = floor(10547 * growth);
        pl[m].claims_holding_unchanged = m < 4 ? 3 : m < 6 ? 2 : 1;
        pl[m].claims_total = 3;
        int workers = 32 + (m >= 4 ? 8 * (m - 3) : 0);
        snprintf(pl[m].resources, sizeof pl[m].resources, "auth.workers=%d, consensus.nodes=%d",
                 workers, m >= 5 ? 9 : 7);
        pl[m].resource_units = workers + (m >= 5 ? 9 : 7);
    }
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(cap_runbook));
    H5Tinsert(t, "month", HOFFSET(cap_runbook, month), H5T_NATIVE_INT64);
    H5Tinsert(t, "ai_agents", HOFFSET(cap_runbook, ai_agents), H5T_NATIVE_INT64);
    H5Tinsert(t, "transactions_per_second", HOFFSET(cap_runbook, transactions_per_second),
              H5T_NATIVE_INT64);
    H5Tinsert(t, "storage_tb", HOFFSET(cap_runbook, storage_tb), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "compute_cores", HOFFSET(cap_runbook, compute_cores), H5T_NATIVE_INT64);
    H5Tinsert(t, "memory_gb", HOFFSET(cap_runbook, memory_gb), H5T_NATIVE_INT64);
    H5Tinsert(t, "network_gbps", HOFFSET(cap_runbook, network_gbps), H5T_NATIVE_DOUBLE);
    hid_t d = H5Dcreate2(g, "runbook", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rb);
    H5Dclose(d), H5Tclose(t);

    hid_t fixed = H5Tcopy(H5T_C_S1);
    H5Tset_size(fixed, 48);
    t = H5Tcreate(H5T_COMPOUND, sizeof(cap_plan));
    H5Tinsert(t, "month", HOFFSET(cap_plan, month), H5T_NATIVE_INT64);
    H5Tinsert(t, "growth_factor", HOFFSET(cap_plan, growth_factor), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "agents", HOFFSET(cap_plan, agents), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "claims_holding_unchanged", HOFFSET(cap_plan, claims_holding_unchanged),
              H5T_NATIVE_INT64);
    H5Tinsert(t, "claims_total", HOFFSET(cap_plan, claims_total), H5T_NATIVE_INT64);
    H5Tinsert(t, "resources", HOFFSET(cap_plan, resources), fixed);
    H5Tinsert(t, "resource_units", HOFFSET(cap_plan, resource_units), H5T_NATIVE_DOUBLE);
    d = H5Dcreate2(g, "plan", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, pl);
    H5Dclose(d), H5Tclose(t), H5Tclose(fixed), H5Sclose(sp);

    hid_t vs = H5Tcopy(H5T_C_S1);
    H5Tset_size(vs, H5T_VARIABLE);
    H5Tset_cset(vs, H5T_CSET_UTF8);
    cap_breaking br[3] = {
        { "auth p99 within 0.25 ms", "auth.latency_p99", 1, 4 },
        { "no authentication rejected", "auth.rejected_fraction", 1, 6 },
        { "auth median within 0.1 ms", "auth.latency_p50", 1, -1 },
    };
    t = H5Tcreate(H5T_COMPOUND, sizeof(cap_breaking));
    H5Tinsert(t, "claim", HOFFSET(cap_breaking, claim), vs);
    H5Tinsert(t, "metric", HOFFSET(cap_breaking, metric), vs);
    H5Tinsert(t, "held_at_start", HOFFSET(cap_breaking, held_at_start), H5T_NATIVE_INT64);
    H5Tinsert(t, "breaks_at_month", HOFFSET(cap_breaking, breaks_at_month), H5T_NATIVE_INT64);
    n = 3;
    sp = H5Screate_simple(1, &n, NULL);
    d = H5Dcreate2(g, "breaking", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, br);
    H5Dclose(d), H5Tclose(t);
    const char *rec[3] = { "Add 2 additional consensus nodes by month 3",
                           "Consider horizontal scaling with Kubernetes",
                           "Upgrade network infrastructure to 25Gbps" };
    d = H5Dcreate2(g, "recommendations", vs, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, vs, H5S_ALL, H5S_ALL, H5P_DEFAULT, rec);
    H5Dclose(d), H5Sclose(sp);
    write_estimates(g, vs);
    H5Tclose(vs), H5Gclose(g);
}

/* A results file with escalation.*, attacks.*, response.* and canaries.*
 * summaries and a capacity plan. */
static void make_handmade(const char *path)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    attr_str(f, "scenario", "handmade");
    attr_str(f, "scenario_file", "handmade.yaml");
    attr_str(f, "scenario_text",
             "name: handmade\nduration: 1d\nconsensus:\n  nodes: 7   # ASSUMPTION: seven\n"
             "canaries:\n  count: 5234\nagents:\n  count: 10547\n");
    attr_str(f, "command_line", "mwrasp-sim --set consensus.nodes=10 handmade.yaml");
    attr_str(f, "git_revision", "test");
    attr_str(f, "code_version", "test");
    attr_str(f, "start_time", "2026-01-01T00:00:00Z");
    attr_u64(f, "seed", 3);
    attr_u64(f, "replications", 5);
    /* As models/escalation.c describes them: "<role>: what". */
    summary_described(f, "escalation.pages_per_day.soc_analyst", "1/d", 12, 2,
                      "soc_analyst: pages per day (12 on call)");
    summary_described(f, "escalation.pages_per_day.security_lead", "1/d", 4, 1,
                      "security_lead: pages per day (3 on call)");
    summary_described(f, "escalation.pages_per_day.ciso", "1/d", 0.5, 0.2,
                      "ciso: pages per day (1 on call)");
    summary_described(f, "escalation.ack.soc_analyst", "min", 6, 1,
                      "soc_analyst: page to acknowledgement, queueing included");
    summary_described(f, "escalation.ack.security_lead", "min", 9, 2,
                      "security_lead: page to acknowledgement, queueing included");
    summary(f, "attacks.time_to_detect", "s", 1.0, 0.05);
    summary(f, "attacks.time_to_contain", "s", 1.08, 0.02);
    summary(f, "response.time_to_contain", "ms", 80, 5);
    summary(f, "response.step.emergency_key_rotation", "ms", 45, 4);
    summary(f, "response.total", "ms", 190, 10);
    summary(f, "response.incidents", "1", 40, 3);
    summary(f, "response.incidents_critical", "1", 2, 1);
    summary(f, "response.incidents_high", "1", 8, 2);
    summary(f, "response.false_positives", "1", 4, 1);
    summary(f, "canaries.active", "canaries", 5230, 1);
    summary(f, "canaries.alerts", "1", 6, 1);
    summary(f, "consensus.availability", "1", 0.99991, 0.00002);
    summary(f, "consensus.live_honest", "nodes", 9.5, 0.1);
    write_capacity(f);
    H5Fclose(f);
}

/* ---- resfile ---- */

Test(resfile, reads_a_single_point_file)
{
    char dir[64], h5[256];
    make_tmpdir(dir, sizeof dir);
    simulate(dir, claims_yaml, "one", NULL, h5, sizeof h5);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    cr_expect_str_eq(r->scenario, "anl_claims");
    cr_expect_eq(r->npoints, 1);
    cr_expect_eq(r->is_sweep, 0);
    cr_expect_eq(r->seed, 1);
    const resfile_metric *m = resfile_metric_find(r, "mmc.wait");
    cr_assert_not_null(m);
    cr_expect_str_eq(m->units, "ms");
    cr_expect_eq(m->cdf_reps, 4);
    cr_expect_eq(m->nreps, 4);
    cr_expect(isfinite(m->summary[0].mean));
    cr_expect_eq(r->nclaims, 2);
    cr_expect_str_eq(resfile_claim_at(r, 0, 0)->metric, "mmc.wait");
    cr_expect_neq(resfile_claim_at(r, 0, 0)->verdict[0], '\0');
    char buf[64];
    cr_expect_eq(resfile_param(r, 0, "mmc.servers", buf, sizeof buf), 0);
    cr_expect_str_eq(buf, "32");
    cr_expect_float_eq(resfile_duration_s(r, 0), 300.0, 1e-9);
    resfile_close(r);
    remove_tmpdir(dir);
}

/* The claims table's every-case fields reach the reader (through its
 * child process): reps_exceeding and observations of a max claim. */
Test(resfile, carries_every_claim_field)
{
    static const char yaml[] =
        "name: anl_every_case\n"
        "seed: 1\n"
        "duration: 100s\n"
        "replications: 3\n"
        "mmc:\n"
        "  servers: 2\n"
        "  arrival_rate: 1/s\n"
        "  service: {dist: exponential, mean: 1s}\n"
        "claims:\n"
        "  - name: no wait over an hour\n"
        "    metric: mmc.wait\n"
        "    statistic: max\n"
        "    bound: {max: 1h}\n"
        "    source: test\n";
    char dir[64], h5[256];
    make_tmpdir(dir, sizeof dir);
    simulate(dir, yaml, "every", NULL, h5, sizeof h5);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    cr_assert_eq(r->nclaims, 1);
    const resfile_claim *cl = resfile_claim_at(r, 0, 0);
    cr_expect_str_eq(cl->rule, "every case");
    cr_expect_eq(cl->reps_exceeding, 0.0);
    cr_expect_eq(cl->exceed, 0.0);
    cr_expect_gt(cl->observations, 100.0);
    cr_expect(isnan(cl->p_event), "p_event is a TTE figure: NaN here, not %g", cl->p_event);
    resfile_close(r);
    remove_tmpdir(dir);
}

Test(resfile, reads_a_sweep_in_grid_order)
{
    char dir[64], h5[256];
    make_tmpdir(dir, sizeof dir);
    const char *extra[] = { "--sweep", "mmc.servers=31,33,35", "--sweep",
                            "mmc.arrival_rate=26/s,28.8/s", "--replications", "2",
                            "--duration", "100s", NULL };
    simulate(dir, claims_yaml, "grid", extra, h5, sizeof h5);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    cr_expect_eq(r->is_sweep, 1);
    cr_expect_eq(r->npoints, 6);
    cr_assert_eq(r->naxes, 2);
    /* mmc.servers varies slowest: the first axis, whatever the name order. */
    cr_expect_str_eq(r->axes[0].path, "mmc.servers");
    cr_expect_str_eq(r->axes[1].path, "mmc.arrival_rate");
    cr_expect_eq(r->nclaims, 2);
    char buf[64];
    cr_expect_eq(resfile_param(r, 5, "mmc.servers", buf, sizeof buf), 0);
    cr_expect_str_eq(buf, "35");
    cr_expect_float_eq(resfile_duration_s(r, 0), 100.0, 1e-9, "--duration from the command line");
    resfile_close(r);
    remove_tmpdir(dir);
}

Test(resfile, missing_file_is_noinput)
{
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_expect_eq(resfile_open("/nonexistent/x.h5", &r, &e), ERR_NOINPUT);
    cr_expect_null(r);
}

Test(resfile, capacity_layout)
{
    char dir[64], h5[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(h5, sizeof h5, "%s/hand.h5", dir);
    make_handmade(h5);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    cr_expect_eq(r->ncap_runbook, 7);
    cr_expect_eq(r->cap_runbook[3].ai_agents, (int64_t)(10547 * 1.15 * 1.15 * 1.15));
    cr_expect_eq(r->ncap_plan, 7);
    cr_expect_str_eq(r->cap_plan[0].resources, "auth.workers=32, consensus.nodes=7");
    cr_expect_eq(r->ncap_breaking, 3);
    cr_expect_str_eq(r->cap_breaking[1].claim, "no authentication rejected");
    cr_expect_eq(r->cap_breaking[2].breaks_at_month, -1);
    cr_expect_eq(r->ncap_recommendations, 3);
    cr_assert_eq(r->ncap_estimates, 21);
    cr_expect_str_eq(r->cap_estimates[4].claim, CAP_HOSTILE_CLAIM);
    cr_expect_eq(r->cap_estimates[4].month, 1);
    cr_expect_float_eq(r->cap_estimates[3].ci_high, 0.13, 1e-12);
    cr_expect_eq(r->cap_estimates[4].bound_high, INFINITY);
    cr_expect_str_eq(r->cap_estimates[5].unit, "1");
    char buf[32];
    cr_expect_eq(resfile_param(r, 0, "consensus.nodes", buf, sizeof buf), 0);
    cr_expect_str_eq(buf, "10", "--set from the recorded command line wins");
    resfile_close(r);
    remove_tmpdir(dir);
}

/* ---- plots ---- */

static void expect_figure(const char *dir, const char *name, int images)
{
    char f[256];
    snprintf(f, sizeof f, "%s.dat", name);
    cr_expect_gt(file_size(dir, f), 0, "%s/%s", dir, f);
    snprintf(f, sizeof f, "%s.gp", name);
    cr_expect_gt(file_size(dir, f), 0, "%s/%s", dir, f);
    if (!images)
        return;
    snprintf(f, sizeof f, "%s.png", name);
    cr_expect_gt(file_size(dir, f), 1000, "%s/%s", dir, f);
    snprintf(f, sizeof f, "%s.svg", name);
    cr_expect_gt(file_size(dir, f), 1000, "%s/%s", dir, f);
}

static void plots_of(const char *h5, const char *dir, plots_list *pl)
{
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    cr_assert_eq(plots_write(r, dir, 1, stderr, pl, &e), 0, "%s", e.msg);
    resfile_close(r);
    int images = have_gnuplot();
    if (!images)
        /* Not cr_log_warn: Criterion turns a warning into exit status 1. */
        fprintf(stderr, "gnuplot not found: image checks skipped (install gnuplot-nox)\n");
    for (size_t i = 0; i < pl->n; i++) {
        expect_figure(dir, pl->items[i].name, images);
        cr_expect_eq(pl->items[i].rendered, images, "%s", pl->items[i].name);
    }
}

static int has_plot(const plots_list *pl, const char *name)
{
    for (size_t i = 0; i < pl->n; i++)
        if (!strcmp(pl->items[i].name, name))
            return 1;
    return 0;
}

Test(plots, latency_cdf_with_claim_bound)
{
    char dir[64], h5[256], pdir[128], gp[8192];
    make_tmpdir(dir, sizeof dir);
    simulate(dir, claims_yaml, "one", NULL, h5, sizeof h5);
    snprintf(pdir, sizeof pdir, "%s/plots", dir);
    plots_list pl;
    plots_of(h5, pdir, &pl);
    cr_expect(has_plot(&pl, "cdf_mmc.wait"));
    cr_expect(has_plot(&pl, "cdf_mmc.response"));
    char path[256];
    snprintf(path, sizeof path, "%s/cdf_mmc.wait.gp", pdir);
    slurp(path, gp, sizeof gp);
    cr_expect_not_null(strstr(gp, "set arrow from first 1000,"), "the 1 s bound, in ms");
    cr_expect_not_null(strstr(gp, "mmc.wait (ms)"), "axis label with unit");
    cr_expect_not_null(strstr(gp, "anl_claims"), "title names the scenario");
    plots_list_free(&pl);
    remove_tmpdir(dir);
}

Test(plots, sweep_curves_and_heat_map)
{
    char dir[64], h5[256], pdir[128];
    make_tmpdir(dir, sizeof dir);
    const char *one_d[] = { "--sweep", "mmc.servers=31,33,35", "--replications", "2",
                            "--duration", "100s", NULL };
    simulate(dir, far_bound_yaml, "line", one_d, h5, sizeof h5);
    snprintf(pdir, sizeof pdir, "%s/line", dir);
    plots_list pl;
    plots_of(h5, pdir, &pl);
    cr_expect(has_plot(&pl, "sweep_mmc.wait"));
    cr_expect(has_plot(&pl, "claim_1"));
    cr_expect(!has_plot(&pl, "holds_1"));
    plots_list_free(&pl);
    /* The 1 s bound is near the waits: in the y range, drawn, in the key
     * as it is; the 1 h bound is not: no line, and its key entry says it
     * is off-scale (no entry for a line the range hides). */
    static char gp[16384];
    char path[256];
    snprintf(path, sizeof path, "%s/sweep_mmc.wait.gp", pdir);
    slurp(path, gp, sizeof gp);
    cr_expect_not_null(strstr(gp, "first 1000 to graph 1"), "the 1 s bound line: %s", gp);
    cr_expect_null(strstr(gp, "first 3600000 to"), "no line for the 1 h bound: %s", gp);
    cr_expect_not_null(strstr(gp, "title \"claim: mean wait under 1 s (<= 1s)\""), "%s", gp);
    cr_expect_not_null(strstr(gp, "(<= 1h; off-scale: 3.6e+06 ms above the y range)"),
                       "%s", gp);
    double ylo, yhi;
    const char *yr = strstr(gp, "set yrange [");
    cr_assert_not_null(yr);
    cr_assert_eq(sscanf(yr, "set yrange [%lf:%lf]", &ylo, &yhi), 2);
    cr_expect(ylo < 1000 && yhi > 1000 && yhi < 3.6e6, "[%g, %g]", ylo, yhi);
    /* The same for the claims' own curves: claim 1's 1 s bound in range,
     * claim 3's 1 h bound named off-scale with no line. */
    snprintf(path, sizeof path, "%s/claim_1.gp", pdir);
    slurp(path, gp, sizeof gp);
    yr = strstr(gp, "set yrange [");
    cr_assert_not_null(yr, "%s", gp);
    cr_assert_eq(sscanf(yr, "set yrange [%lf:%lf]", &ylo, &yhi), 2);
    cr_expect(ylo < 1000 && yhi > 1000, "claim 1's bound in [%g, %g]", ylo, yhi);
    cr_expect_not_null(strstr(gp, "first 1000 to graph 1"), "%s", gp);
    cr_expect_not_null(strstr(gp, "title \"bound: <= 1s\""), "%s", gp);
    snprintf(path, sizeof path, "%s/claim_3.gp", pdir);
    slurp(path, gp, sizeof gp);
    cr_expect_null(strstr(gp, "set arrow"), "no line for the 1 h bound: %s", gp);
    cr_expect_not_null(strstr(gp, "bound: <= 1h; off-scale: 3.6e+06 ms above the y range"),
                       "%s", gp);

    const char *two_d[] = { "--sweep", "mmc.servers=31,33,35", "--sweep",
                            "mmc.arrival_rate=26/s,28.8/s", "--replications", "2",
                            "--duration", "100s", NULL };
    simulate(dir, claims_yaml, "grid", two_d, h5, sizeof h5);
    snprintf(pdir, sizeof pdir, "%s/grid", dir);
    plots_of(h5, pdir, &pl);
    cr_expect(has_plot(&pl, "sweep_mmc.wait"));
    cr_expect(has_plot(&pl, "holds_1"));
    cr_expect(has_plot(&pl, "holds_2"));
    snprintf(path, sizeof path, "%s/holds_1.dat", pdir);
    cr_expect_eq(count_lines(path), 2 + 1 + 2 * 4, "header + 2 rows of 3 cells + blank lines");
    plots_list_free(&pl);
    remove_tmpdir(dir);
}

Test(plots, capacity_escalation_and_timeline)
{
    char dir[64], h5[256], pdir[128], gp[16384];
    make_tmpdir(dir, sizeof dir);
    snprintf(h5, sizeof h5, "%s/hand.h5", dir);
    make_handmade(h5);
    snprintf(pdir, sizeof pdir, "%s/plots", dir);
    plots_list pl;
    plots_of(h5, pdir, &pl);
    cr_expect(has_plot(&pl, "capacity"));
    cr_expect(has_plot(&pl, "escalation_pages_per_day"));
    cr_expect(has_plot(&pl, "escalation_ack"));
    cr_expect(has_plot(&pl, "attack_timeline"));
    char path[256];
    snprintf(path, sizeof path, "%s/capacity.gp", pdir);
    slurp(path, gp, sizeof gp);
    cr_expect_not_null(strstr(gp, "set arrow from first 4, graph 0"), "month 4 break marked");
    cr_expect_not_null(strstr(gp, "set arrow from first 6, graph 0"), "month 6 break marked");
    /* /capacity/estimates: each claim with its interval as a share of its
     * bound (error bars), the bound at 100 %, the keys below the panels,
     * the hostile claim name inert in the script. */
    cr_expect_not_null(strstr(gp, "set multiplot layout 3,1"), "%s", gp);
    cr_expect_not_null(strstr(gp, "\"capacity.dat\" index 2 using 1:3:4:5 with yerrorlines"),
                       "%s", gp);
    cr_expect_not_null(strstr(gp, "index 3 using 1:3:4:5 with yerrorlines"), "%s", gp);
    cr_expect_not_null(strstr(gp, "(max 0.25 ms)"), "the bound and its unit in the key");
    cr_expect_not_null(strstr(gp, "(min 0.5: holds above 100 %)"), "a lower bound's direction");
    cr_expect_not_null(strstr(gp, "nothing rejected (bound 0: not drawn as a share"), "%s", gp);
    cr_expect_not_null(strstr(gp, "100 with lines"), "the bound line, in the y range");
    cr_expect_not_null(strstr(gp, "level 97.5 %"), "the intervals' level");
    cr_expect_null(strstr(gp, "`"), "a backquote runs a shell command in gnuplot");
    cr_expect_null(strstr(gp, "$HOME"), "'$' is escaped");
    cr_expect_null(strstr(gp, "set key bottom"), "keys sit outside the data");
    static char dat[16384];
    snprintf(path, sizeof path, "%s/capacity.dat", pdir);
    slurp(path, dat, sizeof dat);
    /* Month 0: 0.1 ms [0.09, 0.11] of 0.25 ms = 40 % [36, 44], drawn
     * left of the month (three claims side by side). */
    cr_expect_not_null(strstr(dat, "\n-0.12\t0\t40\t36\t44\t0.1\t0.09\t0.11\t0.25\tms\tHOLDS\n"),
                       "%s", dat);
    /* Month 2 of the lower-bound claim: 0.8 [0.78, 0.82] of 0.5. */
    cr_expect_not_null(strstr(dat, "\n2\t2\t160\t156\t164\t"), "%s", dat);
    snprintf(path, sizeof path, "%s/escalation_pages_per_day.dat", pdir);
    cr_expect_eq(count_lines(path), 3 + 3, "two comment lines, a header, three roles");
    /* The subtitle describes the family, not the last role read. */
    snprintf(path, sizeof path, "%s/escalation_pages_per_day.gp", pdir);
    slurp(path, gp, sizeof gp);
    cr_expect_not_null(strstr(gp, "per role\\npages per day, per role\\n"), "%s", gp);
    cr_expect_null(strstr(gp, "ciso:"), "one role's description as the subtitle");
    cr_expect_null(strstr(gp, "on call"), "one role's staff count as the family's");
    snprintf(path, sizeof path, "%s/escalation_ack.gp", pdir);
    slurp(path, gp, sizeof gp);
    cr_expect_not_null(strstr(gp, "\\npage to acknowledgement, queueing included, per role\\n"),
                       "%s", gp);
    cr_expect_null(strstr(gp, "security_lead:"), "%s", gp);
    plots_list_free(&pl);
    remove_tmpdir(dir);
}

Test(plots, gnuplot_missing_is_a_warning)
{
    char dir[64], h5[256], pdir[128];
    make_tmpdir(dir, sizeof dir);
    snprintf(h5, sizeof h5, "%s/hand.h5", dir);
    make_handmade(h5);
    snprintf(pdir, sizeof pdir, "%s/plots", dir);
    setenv("MWRASP_GNUPLOT", "/nonexistent/gnuplot", 1);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    char *warn = NULL;
    size_t wlen = 0;
    FILE *w = open_memstream(&warn, &wlen);
    plots_list pl;
    cr_expect_eq(plots_write(r, pdir, 1, w, &pl, &e), 0, "%s", e.msg);
    fclose(w);
    cr_expect_not_null(strstr(warn, "gnuplot not found"), "%s", warn);
    cr_expect_gt(pl.n, 0);
    for (size_t i = 0; i < pl.n; i++) {
        expect_figure(pdir, pl.items[i].name, 0);
        cr_expect_eq(pl.items[i].rendered, 0);
    }
    /* The report is still written, without images. */
    analysis_opts o;
    analysis_opts_init(&o);
    o.out_dir = dir;
    o.quiet = 1;
    cr_expect_eq(analysis_run(h5, &o, &e), 0, "%s", e.msg);
    cr_expect_gt(file_size(dir, "report.html"), 0);
    unsetenv("MWRASP_GNUPLOT");
    free(warn);
    plots_list_free(&pl);
    resfile_close(r);
    remove_tmpdir(dir);
}

/* ---- report ---- */

Test(report, markdown_and_self_contained_html)
{
    char dir[64], h5[256], out[128];
    make_tmpdir(dir, sizeof dir);
    simulate(dir, claims_yaml, "one", NULL, h5, sizeof h5);
    snprintf(out, sizeof out, "%s/report", dir);
    analysis_opts o;
    analysis_opts_init(&o);
    o.out_dir = out;
    o.quiet = 1;
    err_t e;
    err_clear(&e);
    cr_assert_eq(analysis_run(h5, &o, &e), 0, "%s", e.msg);
    static char html[1 << 21], md[1 << 17];
    char path[256];
    snprintf(path, sizeof path, "%s/report.html", out);
    slurp(path, html, sizeof html);
    snprintf(path, sizeof path, "%s/report.md", out);
    slurp(path, md, sizeof md);
    for (int k = 0; k < 2; k++) {
        const char *doc = k ? md : html;
        cr_expect_not_null(strstr(doc, "mean wait under 1 s"), "claims table");
        cr_expect_not_null(strstr(doc, "HOLDS") || strstr(doc, "FAILS") ||
                           strstr(doc, "INCONCLUSIVE"), "verdicts");
        cr_expect_not_null(strstr(doc, "mmc.throughput"), "key figures");
        cr_expect_not_null(strstr(doc, "OPERATIONAL DASHBOARD"), "dashboard");
        cr_expect_not_null(strstr(doc, "MONTHLY OPERATIONAL REPORT"), "executive report");
        cr_expect_not_null(strstr(doc, "ASSUMPTION: rho = 0.9"), "assumption lines");
        cr_expect_not_null(strstr(doc, "service: {dist: exponential"), "full scenario text");
    }
    cr_expect_not_null(strstr(html, "<details>"), "collapsible scenario text");
    cr_expect_null(strstr(html, "src=\"http"), "no network");
    cr_expect_null(strstr(html, "href=\"http"), "no network");
    cr_expect_null(strstr(html, "<script"), "no script");
    if (have_gnuplot())
        cr_expect_not_null(strstr(html, "<svg"), "plots inlined as SVG");
    cr_expect_gt(file_size(out, "dashboard.txt"), 0);
    cr_expect_gt(file_size(out, "executive.txt"), 0);
    remove_tmpdir(dir);
}

static void run_report(const char *const *args, run_out *o)
{
    const char *bin = getenv("MWRASP_REPORT");
    if (!bin || !*bin)
        bin = "analysis/mwrasp-report";
    o->status = run_program(NULL, bin, args, o->out, sizeof o->out);
}

Test(report, command_line_program)
{
    char dir[64], h5[256], out[128];
    make_tmpdir(dir, sizeof dir);
    simulate(dir, claims_yaml, "one", NULL, h5, sizeof h5);
    snprintf(out, sizeof out, "%s/r", dir);
    run_out o;
    const char *a1[] = { h5, "--out", out, "--no-plots", "--quiet", NULL };
    run_report(a1, &o);
    cr_expect_eq(o.status, 0);
    cr_expect_gt(file_size(out, "report.html"), 0);
    const char *a2[] = { "--dashboard", h5, NULL };
    run_report(a2, &o);
    cr_expect_eq(o.status, 0);
    cr_expect_not_null(strstr(o.out, "OPERATIONAL DASHBOARD"));
    const char *a3[] = { "/nonexistent.h5", NULL };
    run_report(a3, &o);
    cr_expect_eq(o.status, ERR_NOINPUT);
    const char *a4[] = { "--bogus", h5, NULL };
    run_report(a4, &o);
    cr_expect_eq(o.status, ERR_USAGE);
    const char *a5[] = { NULL };
    run_report(a5, &o);
    cr_expect_eq(o.status, ERR_USAGE);
    remove_tmpdir(dir);
}

/* ---- dashboard ---- */

/* The dashboard text without its "Simulated: seed ..." line. */
static void strip_run_line(char *s)
{
    char *p = strstr(s, "Simulated: seed");
    if (!p)
        return;
    char *start = p;
    while (start > s && start[-1] != '\n')
        start--;
    char *end = strchr(p, '\n');
    memmove(start, end ? end + 1 : p + strlen(p), strlen(end ? end + 1 : "") + 1);
}

static char *dashboard_of(const char *h5)
{
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    char *text = NULL;
    cr_assert_eq(dashboard_render(r, 0, &text), 0);
    resfile_close(r);
    return text;
}

static const char agents_yaml[] =
    "name: anl_agents\nseed: 1\nduration: 1d\nwarmup: 0s\nreplications: 3\n"
    "agents:\n  count: 400\n  auth_rate: 1/s\n  auth_traffic_for: 10s\n"
    "  drift: {model: ou, theta: 1/d, stationary_sd: 0.0426}\n"
    "  compromise: {rate: 0.01/d, shift: 0.3}\n"
    "auth:\n  workers: 4\n";

Test(dashboard, renders_from_simulated_values_and_changes_with_them)
{
    char dir[64], a[256], b[256], c[256];
    make_tmpdir(dir, sizeof dir);
    simulate(dir, agents_yaml, "a", NULL, a, sizeof a);
    const char *more[] = { "--set", "agents.count=900", NULL };
    simulate(dir, agents_yaml, "b", more, b, sizeof b);
    const char *seed[] = { "--seed", "2", NULL };
    simulate(dir, agents_yaml, "c", seed, c, sizeof c);
    char *da = dashboard_of(a), *da2 = dashboard_of(a), *db = dashboard_of(b),
         *dc = dashboard_of(c);
    cr_expect_str_eq(da, da2, "one file, one text");
    cr_expect_not_null(strstr(da, "AI Agents Protected:"));
    cr_expect_not_null(strstr(da, "/400 "), "agents total from the simulated population:\n%s", da);
    cr_expect_not_null(strstr(db, "/900 "), "%s", db);
    cr_expect_not_null(strstr(da, "Quantum Canaries:    " DASHBOARD_NA), "%s", da);
    strip_run_line(da), strip_run_line(db), strip_run_line(dc);
    cr_expect_str_neq(da, db, "the dashboard follows the parameters");
    cr_expect_str_neq(da, dc, "the dashboard follows the random results (seed)");
    free(da), free(da2), free(db), free(dc);
    remove_tmpdir(dir);
}

/* Every metric analysis looks for by name (the dashboard's and executive
 * report's figures, the plots' attack timeline) is one some model declares
 * in a shipped scenario (the catalog sim_new builds, dynamic names
 * included): no figure waits for a name nothing produces. */
Test(dashboard, looks_only_for_metrics_a_model_produces)
{
    static const char *const scenarios[] = {
        "scenarios/agent_compromise.yaml", "scenarios/agents_baseline.yaml",
        "scenarios/baseline_ops.yaml", "scenarios/byzantine_takeover.yaml",
        "scenarios/capacity_6_months.yaml", "scenarios/consensus_5_nodes.yaml",
        "scenarios/consensus_availability.yaml", "scenarios/consensus_byzantine.yaml",
        "scenarios/fragment_theft.yaml", "scenarios/grover_attack.yaml", "scenarios/mm1.yaml",
        "scenarios/mmc.yaml", "scenarios/sweep_auth_load.yaml", "scenarios/sweep_consensus.yaml",
    };
    static char produced[2048][64];
    size_t nproduced = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        cfg_ctx diags;
        cfg_ctx_init(&diags);
        scenario_t *sc = NULL;
        err_t e;
        err_clear(&e);
        cr_assert_eq(scenario_load(scenarios[i], registry_models(NULL), registry_count(), NULL,
                                   0, &diags, &sc, &e), 0, "%s: %s", scenarios[i], e.msg);
        sim_config cfg;
        scenario_sim_config(sc, 0, 0, &cfg);
        sim_t *sim = sim_new(&cfg, &e);
        cr_assert_not_null(sim, "%s: %s", scenarios[i], e.msg);
        for (size_t k = 0; k < sim_metric_count(sim) && nproduced < 2048; k++)
            snprintf(produced[nproduced++], 64, "%s", sim_metric_def(sim, k)->name);
        sim_free(sim);
        scenario_free(sc);
        cfg_ctx_free(&diags);
    }
    const char *names[256];
    size_t n = dashboard_metric_names(names, 256);
    cr_assert_leq(n, 256);
    cr_assert_gt(n, 20);
    size_t np = plots_metric_names(names + n, 256 - n);
    cr_assert_leq(n + np, 256);
    cr_assert_geq(np, 6, "the attack timeline's names");
    n += np;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t k = 0; k < nproduced && !found; k++)
            found = strcmp(names[i], produced[k]) == 0;
        cr_expect(found, "the dashboard looks for '%s', which no shipped scenario produces",
                  names[i]);
    }
}

Test(dashboard, every_field_from_metrics_when_present)
{
    char dir[64], h5[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(h5, sizeof h5, "%s/hand.h5", dir);
    make_handmade(h5);
    char *d = dashboard_of(h5);
    cr_expect_not_null(strstr(d, "5,230/5,234"), "canaries active/total:\n%s", d);
    cr_expect_not_null(strstr(d, "9.5/10"), "consensus nodes (--set nodes=10)");
    cr_expect_not_null(strstr(d, "Byzantine: 30.0% (f=3)"), "%s", d);
    cr_expect_not_null(strstr(d, "Threat Detection:    1 s "), "%s", d);
    cr_expect_not_null(strstr(d, "99.9910%"), "availability");
    cr_expect_not_null(strstr(d, "[CRIT] 2 per 24 h - critical incidents"), "%s", d);
    free(d);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    char *x = NULL;
    cr_assert_eq(dashboard_executive(r, 0, &x), 0);
    cr_expect_not_null(strstr(x, "System Availability: 99.9910%"), "%s", x);
    cr_expect_not_null(strstr(x, "Average Response Time: 190 ms"), "%s", x);
    cr_expect_not_null(strstr(x, "False Positive Rate: 10.00%"), "%s", x);
    cr_expect_not_null(strstr(x, "Critical: 60"), "2 a day for 30 days: %s", x);
    cr_expect_not_null(strstr(x, "Compliance Score: " DASHBOARD_NA), "%s", x);
    free(x);
    resfile_close(r);
    remove_tmpdir(dir);
}

/* Issue 14 item 5 on the headline scenario: the executive report and the
 * dashboard agree with the file they come from.  The false-positive rate
 * is response.false_positives / response.incidents of that file (to the
 * printed digits), threats prevented never exceed threats detected nor the
 * preventable ones, no "x/total" figure has x above its total, and no
 * figure whose value is not 0 prints as 0. */

/* The number starting at p ("10,547", "52.44"), commas dropped; *end after
 * it and *decimals its digits after the point. */
static double number_at(const char *p, const char **end, int *decimals)
{
    char buf[64];
    size_t k = 0;
    int after = -1;
    for (; (*p >= '0' && *p <= '9') || *p == ',' || *p == '.'; p++) {
        if (*p == ',')
            continue;
        if (*p == '.')
            after = 0;
        else if (after >= 0)
            after++;
        if (k + 1 < sizeof buf)
            buf[k++] = *p;
    }
    buf[k] = '\0';
    if (end)
        *end = p;
    if (decimals)
        *decimals = after < 0 ? 0 : after;
    return k ? strtod(buf, NULL) : NAN;
}

static double figure_after(const char *text, const char *label, int *decimals)
{
    const char *p = strstr(text, label);
    cr_assert_not_null(p, "no '%s' in:\n%s", label, text);
    return number_at(p + strlen(label), NULL, decimals);
}

/* Every "x/total" in text: x <= total; returns how many there were. */
static int expect_ratios_within_totals(const char *text)
{
    int found = 0;
    for (const char *p = text; (p = strchr(p, '/')) != NULL; p++) {
        const char *a = p;
        while (a > text && ((a[-1] >= '0' && a[-1] <= '9') || a[-1] == ',' || a[-1] == '.'))
            a--;
        if (a == p || !(p[1] >= '0' && p[1] <= '9'))
            continue;
        double x = number_at(a, NULL, NULL), total = number_at(p + 1, NULL, NULL);
        found++;
        cr_expect_leq(x, total, "%.*s: a count above its total", (int)(p - a) + 12, a);
    }
    return found;
}

static double mean_of(const resfile *r, const char *name)
{
    const resfile_summary *s = resfile_summary_at(r, name, 0);
    cr_assert_not_null(s, "no %s in the file", name);
    return s->mean;
}

Test(dashboard, grover_attack_figures_agree_with_the_file, .timeout = 300)
{
    char dir[64], h5[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(h5, sizeof h5, "%s/grover_attack.h5", dir);
    const char *sim_args[] = { "--quiet", "--replications", "4", "--out", h5,
                               "scenarios/grover_attack.yaml", NULL };
    run_out o;
    run_sim(sim_args, &o);
    cr_assert_eq(o.status, 0, "simulator failed (%d): %s", o.status, o.err);
    const char *ex_args[] = { h5, "--executive", NULL };
    run_report(ex_args, &o);
    cr_assert_eq(o.status, 0);
    char exec[sizeof o.out];
    memcpy(exec, o.out, sizeof exec);
    const char *da_args[] = { h5, "--dashboard", NULL };
    run_report(da_args, &o);
    cr_assert_eq(o.status, 0);
    cr_log_info("%s\n%s", exec, o.out);

    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    double fp = mean_of(r, "response.false_positives"), inc = mean_of(r, "response.incidents");
    cr_assert_gt(fp, 0, "grover_attack has drift false positives");
    int dec;
    double fpr = figure_after(exec, "False Positive Rate: ", &dec);
    cr_expect(fabs(fpr - 100.0 * fp / inc) <= 0.5 * pow(10, -dec) + 1e-9,
              "printed %g %%, the file says %g / %g = %.6g %%", fpr, fp, inc, 100.0 * fp / inc);
    cr_expect_not_null(strstr(exec, "response.false_positives / response.incidents"), "%s", exec);

    double detected = figure_after(exec, "Threats Detected: ", NULL);
    double prevented = figure_after(exec, "Threats Prevented: ", NULL);
    double preventable = figure_after(exec, "(of ", NULL);
    cr_expect_leq(prevented, detected, "prevented above detected:\n%s", exec);
    cr_expect_leq(prevented, preventable, "%s", exec);
    /* A reconstructed fragment item is a success, never a prevention:
     * per replication, prevented + succeeded <= preventable, and the
     * successes take in every fragment theft the attacker won. */
    const resfile_metric *mp = resfile_metric_find(r, "attacks.prevented");
    const resfile_metric *ms = resfile_metric_find(r, "attacks.succeeded");
    const resfile_metric *ma = resfile_metric_find(r, "attacks.preventable");
    const resfile_metric *mw = resfile_metric_find(r, "fragments.attacker_won");
    cr_assert(mp && ms && ma && mw && mp->nreps == 4 && ms->nreps == 4 && ma->nreps == 4 &&
              mw->nreps == 4);
    for (size_t i = 0; i < 4; i++) {
        cr_expect_leq(mp->reps[i].value + ms->reps[i].value, ma->reps[i].value, "rep %zu", i);
        cr_expect_geq(ms->reps[i].value, mw->reps[i].value * mw->reps[i].n, "rep %zu", i);
    }
    cr_expect_not_null(strstr(exec, "Threats Succeeded: "), "%s", exec);

    /* "x/total": none above its total (the canaries were 5,814/5,234). */
    int ratios = expect_ratios_within_totals(exec) + expect_ratios_within_totals(o.out);
    cr_expect_geq(ratios, 3, "agents (twice) and consensus nodes at least");
    double active = mean_of(r, "canaries.active");
    cr_expect_gt(active, 5234, "reactive canaries were deployed");
    cr_expect_not_null(strstr(o.out, "Quantum Canaries:    5,234 +"), "%s", o.out);

    /* Small values keep their digits: consensus CPU is about 2e-5. */
    double cpu = mean_of(r, "consensus.cpu_utilisation");
    cr_assert(cpu > 0 && cpu < 1e-3, "cpu %g", cpu);
    double cpu_exec = figure_after(exec, "Resource Utilization: ", &dec);
    cr_expect_gt(cpu_exec, 0, "CPU printed as 0:\n%s", exec);
    cr_expect(fabs(cpu_exec - 100 * cpu) <= 0.5 * pow(10, -dec) + 1e-12, "%g vs %g", cpu_exec,
              100 * cpu);
    cr_expect_null(strstr(o.out, " 0.0%"), "a zero that is not:\n%s", o.out);
    resfile_close(r);
    remove_tmpdir(dir);
}

/* ---- figfmt: enough digits ---- */

static void expect_percent(double fraction, int decimals, const char *want)
{
    char buf[64];
    figfmt_percent(fraction, decimals, "n/a", buf, sizeof buf);
    cr_expect_str_eq(buf, want, "%.17g at %d decimals", fraction, decimals);
}

Test(figfmt, small_values_keep_two_significant_digits)
{
    expect_percent(0.5244, 2, "52.44%");           /* usual decimals suffice */
    expect_percent(1.7452817e-05, 1, "0.0017%");    /* grover_attack's CPU, was 0.0% */
    expect_percent(0.00042, 2, "0.042%");
    expect_percent(0.0042, 2, "0.42%");
    expect_percent(0.042, 2, "4.20%");
    expect_percent(3e-12, 2, "3e-10%");
    expect_percent(0.0, 2, "0.00%");                /* an exact 0 only */
    expect_percent(1.0, 4, "100.0000%");            /* an exact 100 only */
    expect_percent(0.99999958, 2, "99.999958%");    /* the distance to 100 shows */
    expect_percent(0.9999, 4, "99.9900%");
    expect_percent(1 - 1e-13, 2, "100% - 1e-11%");
    expect_percent(NAN, 2, "n/a");
    char buf[64];
    figfmt_number(0.9999996, "-", buf, sizeof buf);
    cr_expect_str_eq(buf, "0.9999996");             /* %.4g said 1 */
    figfmt_number(1.0, "-", buf, sizeof buf);
    cr_expect_str_eq(buf, "1");
    figfmt_number(0.000123456, "-", buf, sizeof buf);
    cr_expect_str_eq(buf, "0.0001235");
    figfmt_number(5270.3, "-", buf, sizeof buf);
    cr_expect_str_eq(buf, "5270");
    figfmt_number(INFINITY, "-", buf, sizeof buf);
    cr_expect_str_eq(buf, "-");
    /* mwrasp-sim's tables follow the same rule */
    report_number(0.9999996, buf, sizeof buf);
    cr_expect_str_eq(buf, "0.9999996");
    report_number(1.7452817e-05, buf, sizeof buf);
    cr_expect_str_eq(buf, "1.745e-05");
}

/* ---- csv ---- */

Test(csv, single_point_rows_and_headers)
{
    char dir[64], h5[256], csv[128], line[4096], path[256];
    make_tmpdir(dir, sizeof dir);
    simulate(dir, claims_yaml, "one", NULL, h5, sizeof h5);
    snprintf(csv, sizeof csv, "%s/csv", dir);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    cr_assert_eq(analysis_write_csv(r, csv, &e), 0, "%s", e.msg);
    snprintf(path, sizeof path, "%s/summary.csv", csv);
    first_line(path, line, sizeof line);
    cr_expect_str_eq(line, "metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,n,replications,"
                           "description");
    size_t metrics = 0, reps = 0;
    for (size_t i = 0; i < r->nmetrics; i++) {
        metrics += r->metrics[i].summary != NULL;
        reps += r->metrics[i].nreps;
    }
    cr_expect_eq(count_lines(path), 1 + metrics);
    snprintf(path, sizeof path, "%s/replications.csv", csv);
    cr_expect_eq(count_lines(path), 1 + reps);
    cr_expect_eq(reps, metrics * 4);
    snprintf(path, sizeof path, "%s/claims.csv", csv);
    first_line(path, line, sizeof line);
    cr_expect_eq(strncmp(line, "claim,point,name,metric,statistic,bound,verdict", 47), 0, "%s",
                 line);
    cr_expect_eq(count_lines(path), 1 + 2);
    cr_expect_lt(file_size(csv, "sweep_summary.csv"), 0, "not a sweep");
    resfile_close(r);
    remove_tmpdir(dir);
}

Test(csv, sweep_and_capacity)
{
    char dir[64], h5[256], csv[128], line[4096], path[256];
    make_tmpdir(dir, sizeof dir);
    const char *extra[] = { "--sweep", "mmc.servers=31,33,35", "--replications", "2",
                            "--duration", "100s", NULL };
    simulate(dir, claims_yaml, "line", extra, h5, sizeof h5);
    snprintf(csv, sizeof csv, "%s/csv", dir);
    const char *args[] = { h5, "--no-plots", "--no-report", "--quiet", "--csv", csv, NULL };
    run_out o;
    run_report(args, &o);
    cr_assert_eq(o.status, 0);
    resfile *r = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    size_t metrics = 0;
    for (size_t i = 0; i < r->nmetrics; i++)
        metrics += r->metrics[i].summary != NULL;
    resfile_close(r);
    snprintf(path, sizeof path, "%s/sweep_summary.csv", csv);
    first_line(path, line, sizeof line);
    cr_expect_str_eq(line, "point,mmc.servers,metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,"
                           "n,replications,description");
    cr_expect_eq(count_lines(path), 1 + 3 * metrics);
    snprintf(path, sizeof path, "%s/replications.csv", csv);
    cr_expect_eq(count_lines(path), 1 + 3 * 2 * metrics);
    snprintf(path, sizeof path, "%s/claims.csv", csv);
    cr_expect_eq(count_lines(path), 1 + 2 * 3);
    cr_expect_lt(file_size(csv, "summary.csv"), 0);

    snprintf(h5, sizeof h5, "%s/hand.h5", dir);
    make_handmade(h5);
    snprintf(csv, sizeof csv, "%s/csv2", dir);
    r = NULL;
    cr_assert_eq(resfile_open(h5, &r, &e), 0, "%s", e.msg);
    cr_assert_eq(analysis_write_csv(r, csv, &e), 0, "%s", e.msg);
    resfile_close(r);
    snprintf(path, sizeof path, "%s/capacity_plan.csv", csv);
    cr_expect_eq(count_lines(path), 1 + 7);
    slurp(path, line, sizeof line);
    cr_expect_not_null(strstr(line, "\"auth.workers=32, consensus.nodes=7\""), "quoted: %s",
                       line);
    snprintf(path, sizeof path, "%s/capacity_breaking.csv", csv);
    cr_expect_eq(count_lines(path), 1 + 3);
    snprintf(path, sizeof path, "%s/capacity_runbook.csv", csv);
    cr_expect_eq(count_lines(path), 1 + 7);
    snprintf(path, sizeof path, "%s/capacity_estimates.csv", csv);
    cr_expect_eq(count_lines(path), 1 + 21, "a header, 7 months x 3 claims");
    slurp(path, line, sizeof line);
    cr_expect_not_null(strstr(line, "month,claim,metric,verdict,estimate,ci_low,ci_high,level,"
                                    "bound_low,bound_high,headroom,unit"), "%s", line);
    remove_tmpdir(dir);
}
