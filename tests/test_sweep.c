/* test_sweep.c - sweeps and campaigns: range expansion, grid indexing,
 * bit-identical results for any thread or MPI rank count, precision
 * targets that stop at the same counts every time, and interrupt-then-
 * resume giving the same file as an uninterrupted run. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sweep.h"
#include "testutil.h"

/* ---- sweep: specification ---- */

Test(sweep, ranges_expand_with_units_and_log_scale)
{
    char *v[16];
    char why[200];
    long n = sweep_expand_range("1ms", "5ms", "1ms", 0, 0, v, 16, why, sizeof why);
    cr_assert_eq(n, 5, "%s", why);
    cr_expect_str_eq(v[0], "1ms");
    cr_expect_str_eq(v[4], "5ms");
    for (long i = 0; i < n; i++)
        free(v[i]);
    n = sweep_expand_range("1000", "1000000", NULL, 4, 1, v, 16, why, sizeof why);
    cr_assert_eq(n, 4, "%s", why);
    cr_expect_str_eq(v[0], "1000");
    cr_expect_str_eq(v[1], "10000");
    cr_expect_str_eq(v[2], "100000");
    cr_expect_str_eq(v[3], "1000000");
    for (long i = 0; i < n; i++)
        free(v[i]);
    n = sweep_expand_range("0", "0.33", NULL, 4, 0, v, 16, why, sizeof why);
    cr_assert_eq(n, 4);
    cr_expect_str_eq(v[1], "0.11");
    cr_expect_str_eq(v[3], "0.33");
    for (long i = 0; i < n; i++)
        free(v[i]);
    cr_expect_eq(sweep_expand_range("1ms", "5s", "1ms", 0, 0, v, 16, why, sizeof why), -1);
    cr_expect(strstr(why, "same unit") != NULL, "%s", why);
    cr_expect_eq(sweep_expand_range("1", "100", "1", 0, 0, v, 16, why, sizeof why), -1);
}

Test(sweep, grid_is_row_major_and_zip_pairs)
{
    sweep_spec s;
    memset(&s, 0, sizeof s);
    err_t e;
    err_clear(&e);
    cr_assert_eq(sweep_add_cli(&s, "a.x=1,2,3", &e), 0);
    cr_assert_eq(sweep_add_cli(&s, "b.y=10,20", &e), 0);
    cr_assert_eq(sweep_points(&s, &e), 6);
    char buf[64];
    sweep_assignment(&s, 4, 0, buf, sizeof buf);
    cr_expect_str_eq(buf, "a.x=3");
    sweep_assignment(&s, 4, 1, buf, sizeof buf);
    cr_expect_str_eq(buf, "b.y=10");
    s.zip = 1;
    cr_expect_eq(sweep_points(&s, &e), 0);
    cr_expect(strstr(e.msg, "equal length") != NULL);
    cr_assert_eq(sweep_add_cli(&s, "b.y=10,20,30", &e), 0); /* replaces the axis */
    err_clear(&e);
    cr_expect_eq(sweep_points(&s, &e), 3);
    cr_expect_neq(sweep_add_cli(&s, "novalue", &e), 0);
    sweep_free(&s);
}

/* ---- campaign: determinism, precision, interrupt/resume, MPI ---- */

#define SWEEP_ARGS "--sweep", "mmc.servers=30,32,34", "--replications", "8", "--duration", \
                   "1500s", "scenarios/mmc.yaml"

static const char *const sweep_groups[] = { "/sweep/summary", "/sweep/replications", NULL };

Test(campaign, threads_do_not_change_the_bits)
{
    const char *a[] = { "--quiet", "--threads", "1", "--out", "/tmp/mwrasp-sw-t1.h5", SWEEP_ARGS,
                        NULL };
    const char *b[] = { "--quiet", "--threads", "2", "--out", "/tmp/mwrasp-sw-t2.h5", SWEEP_ARGS,
                        NULL };
    run_out o;
    run_sim(a, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    run_sim(b, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    expect_same_datasets("/tmp/mwrasp-sw-t1.h5", "/tmp/mwrasp-sw-t2.h5", sweep_groups);
    unlink("/tmp/mwrasp-sw-t1.h5");
    unlink("/tmp/mwrasp-sw-t2.h5");
}

Test(campaign, precision_target_stops_at_the_same_counts)
{
    const char *a[] = { "--quiet", "--threads", "2", "--ci-target", "6%", "--out",
                        "/tmp/mwrasp-pr-1.h5", "--sweep", "mmc.servers=32,34", "--replications",
                        "4", "--duration", "500s", "scenarios/mmc.yaml", NULL };
    const char *b[] = { "--quiet", "--threads", "1", "--ci-target", "6%", "--out",
                        "/tmp/mwrasp-pr-2.h5", "--sweep", "mmc.servers=32,34", "--replications",
                        "4", "--duration", "500s", "scenarios/mmc.yaml", NULL };
    run_out o;
    run_sim(a, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    run_sim(b, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    const char *groups[] = { "/sweep", NULL };
    expect_same_datasets("/tmp/mwrasp-pr-1.h5", "/tmp/mwrasp-pr-2.h5", groups);
    const char *rep_groups[] = { "/sweep/summary", "/sweep/replications", NULL };
    expect_same_datasets("/tmp/mwrasp-pr-1.h5", "/tmp/mwrasp-pr-2.h5", rep_groups);
    /* The target needed more than the initial 4 replications somewhere. */
    const char *c[] = { "--threads", "2", "--ci-target", "6%", "--out", "/tmp/mwrasp-pr-3.h5",
                        "--sweep", "mmc.servers=32,34", "--replications", "4", "--duration",
                        "500s", "scenarios/mmc.yaml", NULL };
    run_sim(c, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cr_expect(strstr(o.out, "\n  32                         4 ") == NULL,
              "precision target did not add replications:\n%s", o.out);
    unlink("/tmp/mwrasp-pr-1.h5");
    unlink("/tmp/mwrasp-pr-2.h5");
    unlink("/tmp/mwrasp-pr-3.h5");
}

static long file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

Test(campaign, interrupt_then_resume_equals_uninterrupted)
{
    const char *full[] = { "--quiet", "--threads", "2", "--out", "/tmp/mwrasp-ir-full.h5",
                           "--sweep", "mmc.servers=30,32,34,36", "--replications", "30",
                           "--duration", "1500s", "scenarios/mmc.yaml", NULL };
    const char *part[] = { "--quiet", "--threads", "2", "--out", "/tmp/mwrasp-ir-part.h5",
                           "--sweep", "mmc.servers=30,32,34,36", "--replications", "30",
                           "--duration", "1500s", "scenarios/mmc.yaml", NULL };
    const char *resume[] = { "--quiet", "--resume", "--threads", "1", "--out",
                             "/tmp/mwrasp-ir-part.h5", "--sweep", "mmc.servers=30,32,34,36",
                             "--replications", "30", "--duration", "1500s",
                             "scenarios/mmc.yaml", NULL };
    unlink("/tmp/mwrasp-ir-part.h5");
    unlink("/tmp/mwrasp-ir-part.h5.journal");
    /* A journal a killed earlier run left would (rightly) be refused. */
    unlink("/tmp/mwrasp-ir-full.h5.journal");
    run_out o;
    run_sim(full, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    pid_t pid = spawn_sim(part);
    /* Wait until some replications are journalled, then interrupt. */
    for (int i = 0; i < 2000 && file_size("/tmp/mwrasp-ir-part.h5.journal") < 20000; i++)
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    kill(pid, SIGINT);
    int st = wait_sim(pid);
    cr_assert_eq(st, 130, "interrupted run exited %d", st);
    cr_assert_lt(file_size("/tmp/mwrasp-ir-part.h5"), 0, "no results file after an interrupt");
    cr_assert_gt(file_size("/tmp/mwrasp-ir-part.h5.journal"), 0);
    run_sim(resume, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cr_expect_lt(file_size("/tmp/mwrasp-ir-part.h5.journal"), 0, "journal left behind");
    expect_same_datasets("/tmp/mwrasp-ir-full.h5", "/tmp/mwrasp-ir-part.h5", sweep_groups);
    unlink("/tmp/mwrasp-ir-full.h5");
    unlink("/tmp/mwrasp-ir-part.h5");
}

Test(campaign, resume_refuses_a_different_scenario)
{
    const char *part[] = { "--quiet", "--out", "/tmp/mwrasp-rr.h5", "--replications", "200",
                           "--duration", "2000s", "scenarios/mmc.yaml", NULL };
    unlink("/tmp/mwrasp-rr.h5.journal");
    pid_t pid = spawn_sim(part);
    for (int i = 0; i < 2000 && file_size("/tmp/mwrasp-rr.h5.journal") < 5000; i++)
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    kill(pid, SIGTERM);
    cr_assert_eq(wait_sim(pid), 130);
    const char *other[] = { "--quiet", "--resume", "--seed", "7", "--out", "/tmp/mwrasp-rr.h5",
                            "--replications", "200", "--duration", "2000s",
                            "scenarios/mmc.yaml", NULL };
    run_out o;
    run_sim(other, &o);
    cr_expect_eq(o.status, 65, "%s", o.err);
    cr_expect(strstr(o.err, "belongs to another scenario") != NULL, "%s", o.err);
    unlink("/tmp/mwrasp-rr.h5.journal");
}

/* dir/main.yaml, a scenario that includes dir/shared/mmc.yaml. */
static void write_including_scenario(const char *dir, const char *servers_comment)
{
    char path[256];
    cr_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/main.yaml", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("name: inc\nduration: 2000s\nreplications: 200\n"
          "mmc:\n  include: shared/mmc.yaml\n  arrival_rate: 28.8/s\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/shared", dir);
    cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/shared/mmc.yaml", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "servers: 32   # %s\nservice: {dist: exponential, mean: 1s}\n",
            servers_comment);
    fclose(f);
}

Test(campaign, resume_refuses_a_changed_included_file)
{
    write_including_scenario("/tmp/mwrasp-inc-rr", "as written");
    const char *part[] = { "--quiet", "--out", "/tmp/mwrasp-inc.h5",
                           "/tmp/mwrasp-inc-rr/main.yaml", NULL };
    pid_t pid = spawn_sim(part);
    for (int i = 0; i < 2000 && file_size("/tmp/mwrasp-inc.h5.journal") < 5000; i++)
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    kill(pid, SIGTERM);
    cr_assert_eq(wait_sim(pid), 130);
    /* Only a comment changes: still another text, so another study. */
    write_including_scenario("/tmp/mwrasp-inc-rr", "edited since");
    const char *resume[] = { "--quiet", "--resume", "--out", "/tmp/mwrasp-inc.h5",
                             "/tmp/mwrasp-inc-rr/main.yaml", NULL };
    run_out o;
    run_sim(resume, &o);
    cr_expect_eq(o.status, 65, "%s", o.err);
    cr_expect(strstr(o.err, "belongs to another scenario") != NULL, "%s", o.err);
    unlink("/tmp/mwrasp-inc.h5.journal");
}

/* Sweep points are derived from the texts the base read: deleting the
 * included file after loading changes nothing. */
Test(sweep, points_use_the_included_text_read_at_load)
{
    write_including_scenario("/tmp/mwrasp-inc-pt", "points");
    cfg_ctx diags;
    cfg_ctx_init(&diags);
    scenario_t *sc = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(scenario_load("/tmp/mwrasp-inc-pt/main.yaml", TU_MODELS, NULL, 0, &diags, &sc, &e), 0,
                 "%s", e.msg);
    cr_assert_eq(sc->doc->nincludes, 1);
    cr_expect_str_eq(sc->doc->includes[0].path, "/tmp/mwrasp-inc-pt/shared/mmc.yaml");
    cr_assert_eq(unlink("/tmp/mwrasp-inc-pt/shared/mmc.yaml"), 0);
    cr_assert_eq(sweep_add_cli(&sc->sweep, "mmc.servers=30,31", &e), 0);
    scenario_t *pt = NULL;
    cfg_ctx pd;
    cfg_ctx_init(&pd);
    cr_assert_eq(scenario_point(sc, 1, &pd, &pt, &e), 0, "%s", e.msg);
    cr_expect_str_eq(scenario_value(pt, "mmc.servers"), "31");
    cr_expect_str_eq(scenario_value(pt, "mmc.service.mean"), "1s", "from the included text");
    scenario_free(pt);
    cfg_ctx_free(&pd);
    scenario_free(sc);
    cfg_ctx_free(&diags);
}

Test(campaign, mpi_two_ranks_equal_one_process)
{
    if (UNDER_ASAN || system("command -v mpirun >/dev/null 2>&1") != 0) {
        /* The release run covers it; OpenMPI under ASan only adds noise. */
        cr_skip_test("mpirun not available (or ASan build): MPI check skipped");
    }
    const char *one[] = { "--quiet", "--threads", "1", "--out", "/tmp/mwrasp-mpi-1.h5",
                          SWEEP_ARGS, NULL };
    run_out o;
    run_sim(one, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "mpirun --allow-run-as-root --oversubscribe -np 2 %s --quiet --threads 1 "
             "--out /tmp/mwrasp-mpi-2.h5 --sweep mmc.servers=30,32,34 --replications 8 "
             "--duration 1500s scenarios/mmc.yaml >/tmp/mwrasp-mpi.log 2>&1",
             sim_binary());
    int rc = system(cmd);
    char log[4096];
    slurp("/tmp/mwrasp-mpi.log", log, sizeof log);
    if (strstr(log, "mwrasp-sim") == NULL && rc != 0 && strstr(log, "not built with MPI")) {
        cr_skip_test("binary built without MPI: skipped");
    }
    cr_assert_eq(rc, 0, "mpirun failed:\n%s", log);
    expect_same_datasets("/tmp/mwrasp-mpi-1.h5", "/tmp/mwrasp-mpi-2.h5", sweep_groups);
    unlink("/tmp/mwrasp-mpi-1.h5");
    unlink("/tmp/mwrasp-mpi-2.h5");
}
