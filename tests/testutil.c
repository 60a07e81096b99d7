/* testutil.c - see testutil.h. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "testutil.h"
#include "runner.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


const char *sim_binary(void)
{
    const char *p = getenv("MWRASP_SIM");
    return p && *p ? p : "./mwrasp-sim";
}


void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* In a forked child: becomes the simulator with args; never returns. */
static void exec_sim(const char *const *args)
{
    const char *argv[64];
    int n = 0;
    argv[n++] = sim_binary();
    for (const char *const *a = args; *a && n < 63; a++)
        argv[n++] = *a;
    argv[n] = NULL;
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

void run_sim(const char *const *args, run_out *o)
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
        alarm(60);
        exec_sim(args);
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


/* ---- determinism: identical /summary and /replications datasets ---- */

typedef struct cmp_ctx {
    hid_t other;
    int differ, compared;
    char first[600];
} cmp_ctx;

static herr_t cmp_one(hid_t loc, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    cmp_ctx *c = data;
    hid_t grp = H5Gopen2(loc, name, H5P_DEFAULT);
    if (grp >= 0) { /* compare datasets only; name subgroups explicitly */
        H5Gclose(grp);
        return 0;
    }
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
        hid_t sa = H5Dget_space(a), sb = H5Dget_space(b);
        size_t n = (size_t)H5Sget_simple_extent_npoints(sa);
        size_t nb = (size_t)H5Sget_simple_extent_npoints(sb);
        H5Sclose(sa);
        H5Sclose(sb);
        size_t sz = H5Tget_size(ta) * n;
        char *ba = malloc(sz ? sz : 1), *bb = malloc(sz ? sz : 1);
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

void expect_same_datasets(const char *pa, const char *pb, const char *const *groups)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fa = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t fb = H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(fa >= 0 && fb >= 0, "cannot open %s or %s", pa, pb);
    for (size_t g = 0; groups[g]; g++) {
        cmp_ctx c = { fb, 0, 0, "" };
        hid_t ga = H5Gopen2(fa, groups[g], H5P_DEFAULT);
        cr_assert_geq(ga, 0, "%s has no %s", pa, groups[g]);
        H5Literate(ga, H5_INDEX_NAME, H5_ITER_INC, NULL, cmp_one, &c);
        H5Gclose(ga);
        cr_expect_eq(c.differ, 0, "%s vs %s: %s", pa, pb, c.first);
        cr_expect_gt(c.compared, 0, "%s: nothing compared in %s", pa, groups[g]);
    }
    H5Fclose(fa);
    H5Fclose(fb);
}

pid_t spawn_sim(const char *const *args)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        exec_sim(args);
    }
    return pid;
}

int wait_sim(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int load_scenario_text(const char *text, const char *const *sets, size_t nsets,
                       cfg_ctx *diags, scenario_t **out, err_t *e)
{
    char path[] = "/tmp/mwrasp-scenario-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    int rc = scenario_load(path, TU_MODELS, sets, nsets, diags, out, e);
    unlink(path);
    return rc;
}

void run_scenario_text(const char *text, runner_result *r)
{
    scenario_t *sc = load_scenario_ok(text, NULL, 0);
    err_t e;
    err_clear(&e);
    cr_assert_eq(runner_run(sc, 0, 0, (size_t)sc->replications, 0, r, &e), 0, "%s", e.msg);
    scenario_free(sc);
}

int metric_index_ok(const runner_result *r, const char *name)
{
    int k = runner_metric_index(r, name);
    cr_assert_geq(k, 0, "no metric %s", name);
    return k;
}

scenario_t *load_scenario_ok(const char *text, const char *const *sets, size_t nsets)
{
    cfg_ctx c;
    cfg_ctx_init(&c);
    scenario_t *sc = NULL;
    err_t e;
    err_clear(&e);
    int rc = load_scenario_text(text, sets, nsets, &c, &sc, &e);
    for (size_t i = 0; i < c.ndiags; i++)
        fprintf(stderr, "%s\n", c.diags[i]);
    cfg_ctx_free(&c);
    cr_assert_eq(rc, 0, "scenario failed to load: %s", e.msg);
    return sc;
}

void expect_load_refused(const char *text, const char *says, const char *at)
{
    cfg_ctx c;
    cfg_ctx_init(&c);
    scenario_t *sc = NULL;
    err_t e;
    err_clear(&e);
    int rc = load_scenario_text(text, NULL, 0, &c, &sc, &e);
    cr_expect_neq(rc, 0, "loaded, expected '%s'", says);
    int found = 0;
    for (size_t i = 0; i < c.ndiags; i++)
        found |= strstr(c.diags[i], says) && strstr(c.diags[i], at);
    cr_expect(found, "no diagnostic '%s' at '%s' (first: %s)", says, at,
              c.ndiags ? c.diags[0] : e.msg);
    cfg_ctx_free(&c);
    scenario_free(sc);
}

void make_tmpdir(char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/mwrasp-t-XXXXXX");
    cr_assert_not_null(mkdtemp(buf));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void remove_tmpdir(const char *dir)
{
    if (getenv("MWRASP_KEEP"))
        return;
    if (!strncmp(dir, "/tmp/mwrasp-t-", 14))
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

void attr_str(hid_t loc, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &value);
    H5Aclose(a), H5Sclose(s), H5Tclose(t);
}

int run_program(const char *cwd, const char *bin, const char *const *args, char *out,
                size_t size)
{
    char outp[] = "/tmp/mwrasp-t-out-XXXXXX";
    int fo = mkstemp(outp);
    cr_assert_geq(fo, 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fo, 1);
        dup2(fo, 2);
        if (cwd && chdir(cwd) != 0)
            _exit(126);
        const char *argv[64];
        int n = 0;
        argv[n++] = bin;
        for (; *args && n < 63; args++)
            argv[n++] = *args;
        argv[n] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int st = wait_sim(pid);
    close(fo);
    slurp(outp, out, size);
    unlink(outp);
    return st;
}
