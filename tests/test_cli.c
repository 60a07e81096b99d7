/* test_cli.c - the mwrasp-sim program as a user runs it: the bad-input
 * corpus, exit codes, no half-written results, and bit-identical results
 * across runs and thread counts.  The binary comes from $MWRASP_SIM
 * (CTest sets it), else ./mwrasp-sim. */
#include <criterion/criterion.h>
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

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

static const char *sim_binary(void)
{
    const char *p = getenv("MWRASP_SIM");
    return p && *p ? p : "./mwrasp-sim";
}

typedef struct run_out {
    int status;        /* exit code, or 128 + signal */
    char err[8192];    /* stderr (truncated) */
    char out[16384];   /* stdout (truncated) */
} run_out;

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* Runs the simulator with args (NULL-terminated), 1 GB address-space limit
 * (not under ASan, which reserves more) and a 20 s alarm. */
static void run_sim(const char *const *args, run_out *o)
{
    char outp[] = "/tmp/mwrasp-out-XXXXXX", errp[] = "/tmp/mwrasp-err-XXXXXX";
    int fo = mkstemp(outp), fe = mkstemp(errp);
    cr_assert(fo >= 0 && fe >= 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fo, 1);
        dup2(fe, 2);
        if (!UNDER_ASAN) {
            struct rlimit rl = { 1UL << 30, 1UL << 30 };
            setrlimit(RLIMIT_AS, &rl);
        }
        alarm(20);
        const char *argv[64];
        int n = 0;
        argv[n++] = sim_binary();
        for (const char *const *a = args; *a && n < 63; a++)
            argv[n++] = *a;
        argv[n] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    close(fo);
    close(fe);
    slurp(outp, o->out, sizeof o->out);
    slurp(errp, o->err, sizeof o->err);
    unlink(outp);
    unlink(errp);
}

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

/* ---- determinism: identical /summary and /replications datasets ---- */

typedef struct cmp_ctx {
    hid_t other;
    int differ, compared;
    char first[256];
} cmp_ctx;

static herr_t cmp_one(hid_t loc, const char *name, const H5L_info2_t *info, void *data)
{
    (void)info;
    cmp_ctx *c = data;
    hid_t a = H5Dopen2(loc, name, H5P_DEFAULT);
    char full[512];
    ssize_t len = H5Iget_name(a, full, sizeof full);
    (void)len;
    hid_t b = H5Dopen2(c->other, full, H5P_DEFAULT);
    if (a < 0 || b < 0) {
        c->differ++;
        snprintf(c->first, sizeof c->first, "%s missing", full);
    } else {
        hid_t ta = H5Dget_type(a);
        size_t sa = (size_t)H5Dget_storage_size(a), n = (size_t)H5Sget_simple_extent_npoints(H5Dget_space(a));
        size_t sz = H5Tget_size(ta) * n;
        (void)sa;
        char *ba = malloc(sz ? sz : 1), *bb = malloc(sz ? sz : 1);
        hsize_t nb = (hsize_t)H5Sget_simple_extent_npoints(H5Dget_space(b));
        if (nb != n || H5Dread(a, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, ba) < 0 ||
            H5Dread(b, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, bb) < 0 || memcmp(ba, bb, sz) != 0) {
            c->differ++;
            snprintf(c->first, sizeof c->first, "%s differs", full);
        }
        c->compared++;
        free(ba);
        free(bb);
        H5Tclose(ta);
    }
    if (a >= 0)
        H5Dclose(a);
    if (b >= 0)
        H5Dclose(b);
    return 0;
}

/* Compares every dataset of groups /summary and /replications bit for bit. */
static void expect_same_results(const char *pa, const char *pb)
{
    hid_t fa = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t fb = H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(fa >= 0 && fb >= 0);
    const char *groups[] = { "/summary", "/replications", "/cdf" };
    for (size_t g = 0; g < 3; g++) {
        cmp_ctx c = { fb, 0, 0, "" };
        hid_t ga = H5Gopen2(fa, groups[g], H5P_DEFAULT);
        cr_assert_geq(ga, 0);
        H5Literate2(ga, H5_INDEX_NAME, H5_ITER_INC, NULL, cmp_one, &c);
        H5Gclose(ga);
        cr_expect_eq(c.differ, 0, "%s vs %s: %s", pa, pb, c.first);
        cr_expect_gt(c.compared, 0);
    }
    H5Fclose(fa);
    H5Fclose(fb);
}

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
    expect_same_results("/tmp/mwrasp-det-1.h5", "/tmp/mwrasp-det-2.h5");
    expect_same_results("/tmp/mwrasp-det-1.h5", "/tmp/mwrasp-det-3.h5");
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
