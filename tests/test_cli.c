/* test_cli.c - the mwrasp-sim program as a user runs it: the bad-input
 * corpus, exit codes, no half-written results, and bit-identical results
 * across runs and thread counts.  The binary comes from $MWRASP_SIM
 * (CTest sets it), else ./mwrasp-sim. */
#include <criterion/criterion.h>

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
    cr_assert(strstr(o.out, "usage:") != NULL);
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
