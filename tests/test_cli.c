/* test_cli.c - the mwrasp-sim program as a user runs it: the bad-input
 * corpus, exit codes, no half-written results, and bit-identical results
 * across runs and thread counts.  The binary comes from $MWRASP_SIM
 * (CTest sets it), else ./mwrasp-sim. */
#include <criterion/criterion.h>

#include "launch.h"
#include "testutil.h"
#include <dirent.h>
#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- corpus: every tests/data/bad/X.yaml with X.expect ---- */

Test(corpus, every_bad_file_fails_cleanly_with_its_message)
{
    DIR *d = opendir("tests/data/bad");
    cr_assert_not_null(d, "run the tests from the repository root");
    struct dirent *de;
    int checked = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
            continue;
        char path[512], expect_path[512], expect[2048];
        snprintf(path, sizeof path, "tests/data/bad/%s", de->d_name);
        snprintf(expect_path, sizeof expect_path, "tests/data/bad/%.*s.expect",
                 (int)(len - 5), de->d_name);
        struct stat sb;
        cr_assert_eq(stat(expect_path, &sb), 0, "%s has no .expect file", path);
        slurp(expect_path, expect, sizeof expect);
        expect[strcspn(expect, "\n")] = '\0';
        const char *args[] = { "--validate", path, NULL };
        run_out o;
        run_sim(args, &o);
        cr_expect_eq(o.status, 65, "%s: exit %d, want 65; stderr:\n%s", path, o.status, o.err);
        cr_expect(strstr(o.err, expect) != NULL, "%s: stderr lacks\n  %s\ngot:\n%s", path,
                  expect, o.err);
        char prefix[600];
        snprintf(prefix, sizeof prefix, "%s:", path);
        cr_expect(strncmp(o.err, prefix, strlen(prefix)) == 0,
                  "%s: first line does not start with file:line:col:\n%s", path, o.err);
        checked++;
    }
    closedir(d);
    cr_assert_gt(checked, 10);
}

Test(corpus, huge_line_is_rejected_quickly)
{
    char path[] = "/tmp/mwrasp-huge-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("name: x\ndescription: \"", f);
    for (int i = 0; i < 20 * 1024; i++) {
        static char block[1024];
        memset(block, 'a', sizeof block);
        fwrite(block, 1, sizeof block, f);
    }
    fputs("\"\n", f);
    fclose(f);
    const char *args[] = { "--validate", path, NULL };
    run_out o;
    run_sim(args, &o);
    unlink(path);
    cr_assert_eq(o.status, 65, "stderr: %s", o.err);
    cr_assert(strstr(o.err, "limited to") != NULL, "%s", o.err);
}

Test(corpus, every_problem_in_a_file_is_reported)
{
    const char *args[] = { "--validate", "tests/data/bad/many_errors.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 65);
    const char *want[] = { ":2:11: duration: '10 seconds' has unknown unit",
                           ":3:15: replications: -3 is out of range",
                           ":5:12: mmc.servers: 0 is out of range",
                           "missing required key 'mmc.arrival_rate'",
                           ":6:3: unknown key 'arival_rate' in mmc (did you mean 'arrival_rate'?)",
                           "5 problems in tests/data/bad/many_errors.yaml; nothing was run" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(o.err, want[i]) != NULL, "missing '%s' in:\n%s", want[i], o.err);
}

Test(corpus, missing_file_is_66)
{
    const char *args[] = { "--validate", "tests/data/no-such-file.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 66, "%s", o.err);
    cr_assert(strstr(o.err, "no-such-file.yaml") != NULL);
}

/* ---- cli ---- */

Test(cli, usage_errors_are_64)
{
    const char *none[] = { NULL };
    const char *bad_opt[] = { "--frobnicate", "scenarios/mmc.yaml", NULL };
    const char *bad_threads[] = { "--threads", "zero", "scenarios/mmc.yaml", NULL };
    const char *two[] = { "scenarios/mmc.yaml", "scenarios/mm1.yaml", NULL };
    const char *const *cases[] = { none, bad_opt, bad_threads, two };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_out o;
        run_sim(cases[i], &o);
        cr_expect_eq(o.status, 64, "case %zu: exit %d: %s", i, o.status, o.err);
        cr_expect(strstr(o.err, "mwrasp-sim: ") == o.err, "case %zu: %s", i, o.err);
    }
}

Test(cli, set_is_checked_by_the_schema)
{
    const char *args[] = { "--validate", "--set", "mmc.srvers=4", "scenarios/mmc.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 65, "%s", o.err);
    cr_assert(strstr(o.err, "did you mean 'servers'?") != NULL, "%s", o.err);
    const char *ok[] = { "--validate", "--set", "mmc.servers=4", "scenarios/mmc.yaml", NULL };
    run_sim(ok, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cr_assert(strstr(o.out, "mmc.servers = 4") != NULL, "%s", o.out);
}

Test(cli, version_and_help)
{
    const char *v[] = { "--version", NULL };
    run_out o;
    run_sim(v, &o);
    cr_assert_eq(o.status, 0);
    cr_assert(strstr(o.out, "mwrasp-sim ") == o.out);
    const char *h[] = { "--help", NULL };
    run_sim(h, &o);
    cr_assert_eq(o.status, 0);
    cr_assert(strstr(o.out, "Usage:") != NULL);
}

/* A string attribute of a results file's root ("" when absent); of a 1-D
 * one, the first string. */
static void root_attr(const char *path, const char *name, char *buf, size_t size)
{
    buf[0] = '\0';
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "cannot open %s", path);
    if (H5Aexists(f, name) > 0) {
        hid_t a = H5Aopen(f, name, H5P_DEFAULT);
        hid_t sp = H5Aget_space(a);
        hssize_t n = H5Sget_simple_extent_npoints(sp);
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
        H5Tset_cset(t, H5T_CSET_UTF8);
        char **v = calloc(n > 0 ? (size_t)n : 1, sizeof *v);
        if (v && n > 0 && H5Aread(a, t, v) >= 0) {
            snprintf(buf, size, "%s", v[0] ? v[0] : "");
            H5Dvlen_reclaim(t, sp, H5P_DEFAULT, v);
        }
        free(v);
        H5Tclose(t);
        H5Sclose(sp);
        H5Aclose(a);
    }
    H5Fclose(f);
}

/* The revision is taken when the binary is built, so it is HEAD's (make
 * test builds first), and every library version is named. */
Test(cli, version_names_the_build_revision_and_libraries)
{
    const char *v[] = { "--version", NULL };
    run_out o;
    run_sim(v, &o);
    cr_assert_eq(o.status, 0);
    cr_expect(strstr(o.out, "libraries: GSL ") && strstr(o.out, ", HDF5 ") &&
              strstr(o.out, ", libyaml ") && strstr(o.out, ", MPI "), "%s", o.out);
    char head[64] = "";
    FILE *git = popen("git rev-parse --short=12 HEAD 2>/dev/null", "r");
    if (git) {
        if (!fgets(head, sizeof head, git))
            head[0] = '\0';
        pclose(git);
    }
    head[strcspn(head, "\n")] = '\0';
    if (!head[0]) {
        cr_log_warn("not a git checkout: revision not checked");
        return;
    }
    char want[96];
    snprintf(want, sizeof want, "(git %s", head);
    cr_expect(strstr(o.out, want) != NULL, "want %s) in: %s", want, o.out);
}

Test(cli, results_file_holds_provenance_and_resolved_parameters)
{
    const char *args[] = { "--replications", "2", "--duration", "10s", "--set", "mmc.servers=34",
                           "--out", "/tmp/mwrasp-prov.h5", "scenarios/mmc.yaml", NULL };
    run_out o;
    setenv("COLUMNS", "1000", 1); /* the header on one line, unwrapped */
    run_sim(args, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    /* The header no longer passes "M/M/32" off as what ran. */
    cr_expect(strstr(o.out, "M/M/32 queue at rho = 0.9 (engine validation against Erlang C) "
                            "[the file's description, before --set duration=10s, "
                            "mmc.servers=34]") != NULL, "%s", o.out);
    char buf[1024], rev[128];
    const char *v[] = { "--version", NULL };
    run_out ov;
    run_sim(v, &ov);
    root_attr("/tmp/mwrasp-prov.h5", "git_revision", rev, sizeof rev);
    cr_assert(rev[0]);
    snprintf(buf, sizeof buf, "(git %s)", rev);
    cr_expect(strstr(ov.out, buf) != NULL, "file says %s, --version: %s", rev, ov.out);
    static const char *const libs[] = { "gsl_version", "hdf5_version", "libyaml_version",
                                        "mpi_version", "openmp_version", "compiler" };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        root_attr("/tmp/mwrasp-prov.h5", libs[i], buf, sizeof buf);
        cr_expect(buf[0] != '\0', "no %s", libs[i]);
    }
    root_attr("/tmp/mwrasp-prov.h5", "description", buf, sizeof buf);
    cr_expect(strstr(buf, "before --set duration=10s, mmc.servers=34]") != NULL, "%s", buf);

    /* The resolved parameters, a line each, defaults included. */
    char params[8192];
    root_attr("/tmp/mwrasp-prov.h5", "parameters", params, sizeof params);
    cr_expect(strstr(params, "\nmmc.servers = 34\n") != NULL, "the --set value: %s", params);
    cr_expect(strstr(params, "\nmmc.capacity = 0 (default)\n") != NULL, "defaults: %s", params);
    cr_expect(strncmp(params, "name = mmc\n", 11) == 0, "%s", params);
    unlink("/tmp/mwrasp-prov.h5");
}

/* The included file travels with the results: its name and its text. */
Test(cli, results_file_holds_the_included_files)
{
    const char *args[] = { "--quiet", "--replications", "1", "--duration", "1s", "--out",
                           "/tmp/mwrasp-incl.h5", "scenarios/consensus_5_nodes.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    /* One included file: each attribute holds one string (root_attr
     * reads the first). */
    char got[2][256];
    root_attr("/tmp/mwrasp-incl.h5", "scenario_include_files", got[0], sizeof got[0]);
    root_attr("/tmp/mwrasp-incl.h5", "scenario_include_texts", got[1], sizeof got[1]);
    cr_expect_str_eq(got[0], "scenarios/include/ml_dsa_65.yaml");
    char want[256];
    slurp("scenarios/include/ml_dsa_65.yaml", want, sizeof want);
    cr_expect_str_eq(got[1], want, "the text as read (first 255 bytes)");
    unlink("/tmp/mwrasp-incl.h5");
}

Test(cli, missing_included_file_is_66_at_the_include)
{
    FILE *f = fopen("/tmp/mwrasp-noinc.yaml", "w");
    cr_assert_not_null(f);
    fputs("name: x\nduration: 1s\nmmc:\n  include: gone/nothing.yaml\n", f);
    fclose(f);
    const char *args[] = { "--validate", "/tmp/mwrasp-noinc.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_expect_eq(o.status, 66, "%s", o.err);
    cr_expect(strstr(o.err, "/tmp/mwrasp-noinc.yaml:4:12: cannot open included file "
                            "'/tmp/gone/nothing.yaml'") == o.err, "%s", o.err);
    unlink("/tmp/mwrasp-noinc.yaml");
}

Test(cli, unwritable_output_is_73_and_leaves_nothing)
{
    const char *args[] = { "--quiet", "--duration", "1s", "--replications", "2", "--out",
                           "/proc/mwrasp-cannot-write/x.h5", "scenarios/mm1.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 73, "exit %d: %s", o.status, o.err);
    struct stat sb;
    cr_assert_neq(stat("/proc/mwrasp-cannot-write/x.h5", &sb), 0);
}

/* ---- determinism ---- */

Test(determinism, same_seed_same_bits_any_thread_count)
{
    const char *a1[] = { "--quiet", "--threads", "1", "--replications", "6", "--duration",
                         "2000s", "--out", "/tmp/mwrasp-det-1.h5", "scenarios/mmc.yaml", NULL };
    const char *a2[] = { "--quiet", "--threads", "1", "--replications", "6", "--duration",
                         "2000s", "--out", "/tmp/mwrasp-det-2.h5", "scenarios/mmc.yaml", NULL };
    const char *a3[] = { "--quiet", "--threads", "2", "--replications", "6", "--duration",
                         "2000s", "--out", "/tmp/mwrasp-det-3.h5", "scenarios/mmc.yaml", NULL };
    run_out o;
    run_sim(a1, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    run_sim(a2, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    run_sim(a3, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    const char *groups[] = { "/summary", "/replications", "/cdf", NULL };
    expect_same_datasets("/tmp/mwrasp-det-1.h5", "/tmp/mwrasp-det-2.h5", groups);
    expect_same_datasets("/tmp/mwrasp-det-1.h5", "/tmp/mwrasp-det-3.h5", groups);
#ifdef MWRASP_TEST_OPENMP
    /* ... and the two-thread run did run on two threads (the comparison
     * above passed by itself while --threads was ignored). */
    int64_t threads = 0;
    hid_t f3 = H5Fopen("/tmp/mwrasp-det-3.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f3, 0);
    hid_t at = H5Aopen(f3, "threads", H5P_DEFAULT);
    cr_assert_geq(at, 0);
    cr_assert_geq(H5Aread(at, H5T_NATIVE_INT64, &threads), 0);
    H5Aclose(at);
    H5Fclose(f3);
    cr_expect_eq(threads, 2, "--threads 2 ran with %lld thread(s)", (long long)threads);
#endif
    /* A different seed must change the results (the check can fail). */
    const char *a4[] = { "--quiet", "--seed", "99", "--replications", "6", "--duration",
                         "2000s", "--out", "/tmp/mwrasp-det-4.h5", "scenarios/mmc.yaml", NULL };
    run_sim(a4, &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    hid_t fa = H5Fopen("/tmp/mwrasp-det-1.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t fb = H5Fopen("/tmp/mwrasp-det-4.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    double va[16], vb[16];
    hid_t da = H5Dopen2(fa, "/summary/mmc.wait", H5P_DEFAULT);
    hid_t db = H5Dopen2(fb, "/summary/mmc.wait", H5P_DEFAULT);
    hid_t t = H5Dget_type(da);
    cr_assert_eq(H5Dread(da, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, va), 0);
    cr_assert_eq(H5Dread(db, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, vb), 0);
    cr_assert_neq(va[0], vb[0]);
    H5Tclose(t);
    H5Dclose(da);
    H5Dclose(db);
    H5Fclose(fa);
    H5Fclose(fb);
    for (int i = 1; i <= 4; i++) {
        char p[64];
        snprintf(p, sizeof p, "/tmp/mwrasp-det-%d.h5", i);
        unlink(p);
    }
}

/* ---- launch: parallel launchers seen from the environment ---- */

static void clear_launch_env(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK",
                                        "PMI_SIZE", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID",
                                        "SLURM_STEP_ID", "SLURM_STEP_NUM_TASKS",
                                        "SLURM_NTASKS" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

Test(launch, plain_run_and_sbatch_script_are_not_launched)
{
    clear_launch_env();
    launch_info li;
    cr_assert_eq(launch_detect(&li), 0);
    /* An sbatch script itself: one process, though it holds 8 tasks. */
    setenv("SLURM_PROCID", "0", 1);
    setenv("SLURM_NTASKS", "8", 1);
    cr_assert_eq(launch_detect(&li), 0);
    char msg[512];
    cr_assert_eq(launch_refuse(&li, 0, 0, msg, sizeof msg), 0);
}

Test(launch, each_launcher_is_recognised)
{
    launch_info li;
    clear_launch_env();
    setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
    setenv("OMPI_COMM_WORLD_RANK", "1", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_expect(strstr(li.launcher, "Open MPI") != NULL, "%s", li.launcher);
    cr_expect_eq(li.size, 2);
    cr_expect_eq(li.rank, 1);

    clear_launch_env();
    setenv("PMI_SIZE", "3", 1);
    setenv("PMI_RANK", "0", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_expect(strstr(li.launcher, "MPICH") != NULL, "%s", li.launcher);
    cr_expect_eq(li.size, 3);
    cr_expect_eq(li.rank, 0);

    clear_launch_env();
    setenv("PMIX_RANK", "0", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_expect(strstr(li.launcher, "PMIx") != NULL, "%s", li.launcher);
    cr_expect_eq(li.size, 0, "PMIx alone names no size");

    clear_launch_env();
    setenv("SLURM_PROCID", "3", 1);
    setenv("SLURM_STEP_ID", "0", 1);
    setenv("SLURM_STEP_NUM_TASKS", "4", 1);
    setenv("SLURM_NTASKS", "16", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_expect(strstr(li.launcher, "srun") != NULL, "%s", li.launcher);
    cr_expect_eq(li.size, 4, "the step's tasks, not the job's");
    cr_expect_eq(li.rank, 3);
    cr_expect_eq(li.slurm_tasks, 4);
}

Test(launch, refusals_name_the_fix)
{
    launch_info li;
    char msg[512];
    clear_launch_env();
    setenv("OMPI_COMM_WORLD_SIZE", "1", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_expect_eq(launch_refuse(&li, 0, 0, msg, sizeof msg), 0, "mpirun -np 1 is one run");

    setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_assert_eq(launch_refuse(&li, 0, 0, msg, sizeof msg), 1);
    cr_expect(strstr(msg, "as 2 processes") && strstr(msg, "built without MPI") &&
              strstr(msg, "libopenmpi-dev") && !strchr(msg, '\n'), "%s", msg);
    cr_expect_eq(launch_refuse(&li, 1, 2, msg, sizeof msg), 0, "an MPI build runs");
    cr_assert_eq(launch_refuse(&li, 1, 1, msg, sizeof msg), 1, "another MPI's mpirun");
    cr_expect(strstr(msg, "started 2 processes but MPI sees 1") != NULL, "%s", msg);

    /* srun without a PMI plugin: four singletons. */
    clear_launch_env();
    setenv("SLURM_PROCID", "0", 1);
    setenv("SLURM_STEP_ID", "0", 1);
    setenv("SLURM_STEP_NUM_TASKS", "4", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_assert_eq(launch_refuse(&li, 0, 0, msg, sizeof msg), 1);
    cr_expect(strstr(msg, "srun (Slurm) as 4 processes") != NULL, "%s", msg);
    cr_assert_eq(launch_refuse(&li, 1, 1, msg, sizeof msg), 1);
    cr_expect(strstr(msg, "--mpi=pmix") != NULL, "%s", msg);
    cr_expect_eq(launch_refuse(&li, 1, 4, msg, sizeof msg), 0);

    clear_launch_env();
    setenv("PMIX_RANK", "0", 1);
    cr_assert_eq(launch_detect(&li), 1);
    cr_assert_eq(launch_refuse(&li, 0, 0, msg, sizeof msg), 1, "size unknown: refuse");
    cr_expect(strstr(msg, "as several processes") != NULL, "%s", msg);
}

#ifndef MWRASP_HAVE_MPI
/* The binary itself, as mpirun -np 2 starts it (an MPI build would call
 * MPI_Init with these made-up variables, so only a build without MPI). */
Test(launch, binary_without_mpi_refuses_under_mpirun)
{
    clear_launch_env();
    setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
    setenv("OMPI_COMM_WORLD_RANK", "0", 1);
    const char *args[] = { "--quiet", "--replications", "2", "--duration", "1s", "--out",
                           "/tmp/mwrasp-launch.h5", "scenarios/mm1.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 64, "exit %d: %s", o.status, o.err);
    cr_expect(strstr(o.err, "built without MPI") != NULL, "%s", o.err);
    cr_expect_eq(strchr(o.err, '\n'), o.err + strlen(o.err) - 1, "one line: %s", o.err);
    struct stat sb;
    cr_expect_neq(stat("/tmp/mwrasp-launch.h5", &sb), 0, "nothing was run");
}
#endif

#if defined(MWRASP_HAVE_MPI) && !UNDER_ASAN
/* srun without a PMI plugin starts every task as an MPI singleton: the
 * MPI build sees the step's task count and refuses (Open MPI's singleton
 * start is not leak-clean, hence not under ASan). */
Test(launch, mpi_binary_refuses_srun_singletons)
{
    clear_launch_env();
    setenv("SLURM_PROCID", "0", 1);
    setenv("SLURM_STEP_ID", "0", 1);
    setenv("SLURM_STEP_NUM_TASKS", "2", 1);
    const char *args[] = { "--quiet", "--replications", "2", "--duration", "1s", "--out",
                           "/tmp/mwrasp-launch.h5", "scenarios/mm1.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_assert_eq(o.status, 64, "exit %d: %s", o.status, o.err);
    cr_expect(strstr(o.err, "srun --mpi=pmix") != NULL, "%s", o.err);
    struct stat sb;
    cr_expect_neq(stat("/tmp/mwrasp-launch.h5", &sb), 0, "nothing was run");
}
#endif
