/* test_cfg.c - tests for scenario loading (cfg) and distributions (dist).
 *
 * Suites: "units" (scalar parsers and formatting), "yaml" (loading, limits,
 * hostile input, --set) and "getters" (typed access, diagnostics, unknown
 * keys, distributions).  Run from the repository root: the bad-file corpus
 * is read from tests/data/cfg/, each NAME.yaml beside NAME.expect holding
 * the exact first diagnostic line.  Big hostile inputs are generated here,
 * never committed.
 *
 * Each hostile case must finish in well under a second; set
 * MWRASP_TEST_SLOW=1 to relax that when running under valgrind (builds
 * with AddressSanitizer get 3 s).
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "cfg.h"
#include "dist.h"
#include "testutil.h"

/* ------------------------------------------------------------------------
 * Helpers
 */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wall-clock budget for one hostile case. */
static double time_budget_s(void)
{
    if (getenv("MWRASP_TEST_SLOW"))
        return 60.0;
#ifdef __SANITIZE_ADDRESS__
    /* AddressSanitizer makes every allocation several times dearer. */
    return 3.0;
#else
    return 1.0;
#endif
}

static cfg_doc *load_ok(const char *text)
{
    cfg_doc *doc = NULL;
    err_t e;
    err_clear(&e);
    int rc = cfg_load_string("t.yaml", text, strlen(text), &doc, &e);
    char buf[1024];
    err_format(&e, buf, sizeof buf);
    cr_assert_eq(rc, 0, "load failed: %s", buf);
    cr_assert_not_null(doc);
    return doc;
}

/* Loads text expecting failure; returns the formatted error in buf. */
static int load_fail(const char *text, size_t len, char *buf, size_t size)
{
    cfg_doc *doc = (cfg_doc *)1;
    err_t e;
    err_clear(&e);
    int rc = cfg_load_string("t.yaml", text, len, &doc, &e);
    cr_assert_neq(rc, 0, "load of hostile input succeeded");
    cr_assert_null(doc);
    cr_assert_eq(rc, e.code);
    err_format(&e, buf, size);
    return rc;
}

static void expect_diag(const cfg_ctx *c, size_t i, const char *want)
{
    cr_assert_gt(c->ndiags, i, "expected diagnostic #%zu: %s", i, want);
    cr_expect_str_eq(c->diags[i], want);
}

static int has_resolved(const cfg_ctx *c, const char *line)
{
    for (size_t i = 0; i < c->nresolved; i++)
        if (strcmp(c->resolved[i], line) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------
 * units: durations
 */

Test(units, durations_parse)
{
    static const struct { const char *s; int64_t ns; } cases[] = {
        {"250ns", 250},
        {"100us", 100000},
        {"63ms", 63000000},
        {"3s", 3000000000LL},
        {"2min", 120000000000LL},
        {"24h", 86400000000000LL},
        {"7d", 604800000000000LL},
        {"1.5ms", 1500000},
        {"0.1s", 100000000},
        {"1e3ms", 1000000000},
        {"-3s", -3000000000LL},
        {"0s", 0},
        {"2\xc2\xb5s", 2000},
        {"106751d", 106751LL * 86400000000000LL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ns = -1;
        char why[256] = "";
        cr_expect_eq(cfg_parse_duration(cases[i].s, &ns, why, sizeof why), 0,
                     "%s: %s", cases[i].s, why);
        cr_expect_eq(ns, cases[i].ns, "%s -> %lld", cases[i].s, (long long)ns);
    }
}

Test(units, durations_reject)
{
    static const char *const bad[] = {
        "5", "5 parsecs", "1e400s", "nan", "inf", ".nan", ".inf", "-.inf",
        "NaN", "3sx", "0x10s", "0x10", "", "1.5ns", "5m", "ms", "1e19s",
        "5MS", "s5", "5 ms", "--3s", "3s ", "1,5s", "infs", "nans",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ns = 42;
        char why[256] = "";
        cr_expect_eq(cfg_parse_duration(bad[i], &ns, why, sizeof why), -1,
                     "'%s' was accepted as %lld", bad[i], (long long)ns);
        cr_expect_eq(ns, 42, "'%s' wrote the output on failure", bad[i]);
        cr_expect_neq(why[0], '\0', "'%s' has no reason", bad[i]);
    }
}

Test(units, duration_messages_say_the_fix)
{
    char why[256];
    int64_t ns;
    cfg_parse_duration("500", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'500' has no unit; write a duration like 500ms or 2s");
    cfg_parse_duration("5 parsecs", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'5 parsecs' has unknown unit 'parsecs'; use ns, us, "
                          "ms, s, min, h or d");
    cfg_parse_duration("5 ms", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'5 ms' has a space before the unit; write 5ms");
    cfg_parse_duration("5m", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'5m' is ambiguous; write 5min for minutes or 5ms "
                          "for milliseconds");
    cfg_parse_duration("3sx", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'3sx' has unknown unit 'sx' (did you mean 's'?); "
                          "use ns, us, ms, s, min, h or d");
    cfg_parse_duration("5MS", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'5MS' has unknown unit 'MS' (did you mean 'ms'?); "
                          "use ns, us, ms, s, min, h or d");
    cfg_parse_duration("1e400s", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'1e400s' is too large to represent");
    cfg_parse_duration("1e19s", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'1e19s' is too long; durations are limited to "
                          "about 292 years");
    cfg_parse_duration("nan", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'nan' is not a finite number; write a duration "
                          "like 500ms or 2s");
    cfg_parse_duration("0x10s", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'0x10s' is hexadecimal; write the decimal value, "
                          "e.g. a duration like 500ms or 2s");
    cfg_parse_duration("1.5ns", &ns, why, sizeof why);
    cr_expect_str_eq(why, "'1.5ns' is not a whole number of nanoseconds");
}

Test(units, duration_format)
{
    static const struct { int64_t ns; const char *s; } cases[] = {
        {63000000, "63ms"},        {1500000000, "1.5s"},
        {250, "250ns"},            {120000000000LL, "2min"},
        {90000000000LL, "90s"},    {86400000000000LL, "1d"},
        {3600000000000LL, "1h"},   {0, "0s"},
        {-3000000000LL, "-3s"},    {1500000, "1.5ms"},
        {100000, "100us"},         {1, "1ns"},
        {1234567, "1234567ns"},    {250000000, "250ms"},   {INT64_MAX, "9223372036.854775807s"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        cfg_format_duration(cases[i].ns, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i].s);
    }
    cfg_format_duration(INT64_MIN, (char[64]){0}, 64); /* must not trap */
}

Test(units, duration_format_round_trips)
{
    static const int64_t values[] = {
        1, 999, 1000, 1001, 63000000, 1500000000, 59999999999LL,
        60000000000LL, 90000000000LL, 7LL * 86400000000000LL, 123456789012345LL,
        (1LL << 53) - 1, -250,
    };
    /* Past 2^53 ns (104 days) parsing goes through a double and is exact
     * only for round values; formatting stays exact. */
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[64], why[256];
        int64_t back = 0;
        cfg_format_duration(values[i], buf, sizeof buf);
        cr_expect_eq(cfg_parse_duration(buf, &back, why, sizeof why), 0,
                     "%s: %s", buf, why);
        cr_expect_eq(back, values[i], "%lld -> %s -> %lld",
                     (long long)values[i], buf, (long long)back);
    }
}

/* ------------------------------------------------------------------------
 * units: rates, sizes, fractions, numbers
 */

Test(units, rates)
{
    static const struct { const char *s; double per_s; } cases[] = {
        {"200/s", 200.0},   {"5/min", 5.0 / 60.0}, {"3/h", 3.0 / 3600.0},
        {"1/d", 1.0 / 86400.0}, {"2/ms", 2000.0}, {"1/us", 1e6},
        {"0/s", 0.0},       {"1.5/s", 1.5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        char why[256] = "";
        cr_expect_eq(cfg_parse_rate(cases[i].s, &v, why, sizeof why), 0,
                     "%s: %s", cases[i].s, why);
        cr_expect_float_eq(v, cases[i].per_s, 1e-12 * (1 + cases[i].per_s),
                           "%s -> %g", cases[i].s, v);
    }
    static const char *const bad[] = {
        "200", "200/parsec", "-1/s", "nan/s", "0x5/s", "200/s/s", "/s",
        "200 /s", "200/", "inf/s", "1e400/s", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 7;
        char why[256] = "";
        cr_expect_eq(cfg_parse_rate(bad[i], &v, why, sizeof why), -1,
                     "'%s' accepted", bad[i]);
        cr_expect_eq(v, 7);
    }
    char why[256];
    double v;
    cfg_parse_rate("200", &v, why, sizeof why);
    cr_expect_str_eq(why, "'200' has no unit; write a rate like 200/s or "
                          "200/min");
}

Test(units, sizes)
{
    static const struct { const char *s; uint64_t bytes; } cases[] = {
        {"4GB", 4000000000ULL}, {"64KB", 64000},   {"1GiB", 1073741824ULL},
        {"1.5KiB", 1536},       {"0B", 0},         {"512B", 512},
        {"2TiB", 2ULL << 40},   {"3MB", 3000000},  {"1MiB", 1048576},
        {"16kB", 16000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t b = 1;
        char why[256] = "";
        cr_expect_eq(cfg_parse_size(cases[i].s, &b, why, sizeof why), 0,
                     "%s: %s", cases[i].s, why);
        cr_expect_eq(b, cases[i].bytes, "%s -> %llu", cases[i].s,
                     (unsigned long long)b);
    }
    static const char *const bad[] = {
        "4096", "4 GB", "4gb", "1.5B", "-1B", "1e30TB", "20EB", "nanGB",
        "0x10B", "4GBs", "GB", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t b = 7;
        char why[256] = "";
        cr_expect_eq(cfg_parse_size(bad[i], &b, why, sizeof why), -1,
                     "'%s' accepted", bad[i]);
        cr_expect_eq(b, 7);
    }
    char why[256];
    uint64_t b;
    cfg_parse_size("4gb", &b, why, sizeof why);
    cr_expect_str_eq(why, "'4gb' has unknown unit 'gb' (did you mean 'GB'?); "
                          "use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB");
    cfg_parse_size("4096", &b, why, sizeof why);
    cr_expect_str_eq(why, "'4096' has no unit; write a size like 4096B or 4KiB");
}

Test(units, fractions)
{
    double f;
    char why[256];
    cr_assert_eq(cfg_parse_fraction("0.15", &f, why, sizeof why), 0);
    cr_expect_float_eq(f, 0.15, 1e-15);
    cr_assert_eq(cfg_parse_fraction("15%", &f, why, sizeof why), 0);
    cr_expect_float_eq(f, 0.15, 1e-15);
    cr_assert_eq(cfg_parse_fraction("100%", &f, why, sizeof why), 0);
    cr_expect_float_eq(f, 1.0, 1e-15);
    cr_assert_eq(cfg_parse_fraction("0", &f, why, sizeof why), 0);
    cr_expect_eq(f, 0.0);
    static const char *const bad[] = {"15 %", "abc", "nan", "15%%", "%",
                                      "inf%", "", "0.1.2", "15percent"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = 7;
        cr_expect_eq(cfg_parse_fraction(bad[i], &f, why, sizeof why), -1,
                     "'%s' accepted", bad[i]);
        cr_expect_eq(f, 7);
    }
    cfg_parse_fraction("15 %", &f, why, sizeof why);
    cr_expect_str_eq(why, "'15 %' has a space before '%'; write 15%");
}

Test(units, doubles)
{
    static const struct { const char *s; double v; } cases[] = {
        {"0.5", 0.5}, {"-2", -2.0}, {"1e3", 1000.0}, {".5", 0.5},
        {"+7", 7.0},  {"1.", 1.0},  {"2.5E-3", 0.0025},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        char why[256] = "";
        cr_expect_eq(cfg_parse_double(cases[i].s, &v, why, sizeof why), 0,
                     "%s: %s", cases[i].s, why);
        cr_expect_eq(v, cases[i].v, "%s -> %g", cases[i].s, v);
    }
    static const char *const bad[] = {
        "5 parsecs", "nan", "inf", "-inf", ".NaN", ".Inf", "-.inf",
        "Infinity", "0x1p3", "0x10", "1e400", "-1e400", "1e-400", "",
        "3x", "1,5", "e5", ".", "-", "1e", "5 ", " 5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 7;
        char why[256] = "";
        cr_expect_eq(cfg_parse_double(bad[i], &v, why, sizeof why), -1,
                     "'%s' accepted as %g", bad[i], v);
        cr_expect_eq(v, 7);
        cr_expect_neq(why[0], '\0');
    }
}

Test(units, ints)
{
    static const struct { const char *s; int64_t v; } cases[] = {
        {"42", 42}, {"-7", -7}, {"+3", 3}, {"0", 0},
        {"9223372036854775807", INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = -1;
        char why[256] = "";
        cr_expect_eq(cfg_parse_int(cases[i].s, &v, why, sizeof why), 0,
                     "%s: %s", cases[i].s, why);
        cr_expect_eq(v, cases[i].v);
    }
    static const char *const bad[] = {
        "1.5", "1e3", "0x2A", "9223372036854775808", "-9223372036854775809",
        "007", "", "42abc", "nan", "inf", "-", "4 2", "1_000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 7;
        char why[256] = "";
        cr_expect_eq(cfg_parse_int(bad[i], &v, why, sizeof why), -1,
                     "'%s' accepted", bad[i]);
        cr_expect_eq(v, 7);
    }
    char why[256];
    int64_t v;
    cfg_parse_int("0x2A", &v, why, sizeof why);
    cr_expect_str_eq(why, "'0x2A' is hexadecimal; write the decimal value");
}

Test(units, suggest)
{
    static const char *const keys[] = {"nodes", "timeout", "seed", "batch"};
    cr_expect_str_eq(cfg_suggest("nodse", keys, 4), "nodes");
    cr_expect_str_eq(cfg_suggest("timout", keys, 4), "timeout");
    cr_expect_str_eq(cfg_suggest("Seed", keys, 4), "seed");
    cr_expect_str_eq(cfg_suggest("sede", keys, 4), "seed");
    cr_expect_null(cfg_suggest("xyz", keys, 4));
    cr_expect_null(cfg_suggest("", keys, 4));
    cr_expect_null(cfg_suggest("completely_unrelated", keys, 4));
    cr_expect_null(cfg_suggest("nodes", keys, 0));
    char longword[5000];
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    cr_expect_null(cfg_suggest(longword, keys, 4));
}

/* ------------------------------------------------------------------------
 * yaml: the bad-file corpus
 */

/* The schema every corpus file is checked against: enough to reach the
 * value-level problems (1e999, NaN) once loading succeeds. */
static void corpus_first_diag(const char *path, char *buf, size_t size)
{
    cfg_doc *doc = NULL;
    err_t e;
    err_clear(&e);
    if (cfg_load_file(path, &doc, &e)) {
        cr_expect_null(doc);
        cr_expect(e.code == ERR_DATA || e.code == ERR_NOINPUT);
        err_format(&e, buf, size);
        return;
    }
    cfg_ctx c;
    cfg_ctx_init(&c);
    const char *name;
    int64_t seed;
    double scale;
    cfg_string(&c, doc->root, "name", "x", &name);
    cfg_int(&c, doc->root, "seed", 1, 0, INT64_MAX, &seed);
    cfg_double(&c, doc->root, "scale", 1.0, 0.0, 1e9, &scale);
    cfg_check_unused(&c, doc->root);
    snprintf(buf, size, "%s", c.ndiags ? c.diags[0] : "(no diagnostics)");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

Test(yaml, bad_corpus)
{
    const char *dir = "tests/data/cfg";
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "run the tests from the repository root (%s: %s)",
                       dir, strerror(errno));
    int checked = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (!ends_with(ent->d_name, ".yaml"))
            continue;
        char path[512], expect_path[512], want[1024] = "", got[1024];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        snprintf(expect_path, sizeof expect_path, "%.*s.expect",
                 (int)(strlen(path) - 5), path);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0);
        cr_expect_lt(st.st_size, 64 * 1024, "%s is too big to commit", path);
        FILE *f = fopen(expect_path, "r");
        cr_assert_not_null(f, "%s has no .expect file", path);
        if (!fgets(want, sizeof want, f))
            want[0] = '\0';
        fclose(f);
        want[strcspn(want, "\n")] = '\0';
        double t0 = now_s();
        corpus_first_diag(path, got, sizeof got);
        double dt = now_s() - t0;
        cr_expect_str_eq(got, want, "%s", path);
        cr_expect_lt(dt, time_budget_s(), "%s took %.3fs", path, dt);
        checked++;
    }
    closedir(d);
    cr_expect_geq(checked, 15, "only %d corpus files found", checked);
}

/* ------------------------------------------------------------------------
 * yaml: generated hostile input
 */

Test(yaml, twenty_mb_single_line)
{
    char path[] = "/tmp/mwrasp_cfg_big_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    static char chunk[1 << 16];
    memset(chunk, 'a', sizeof chunk);
    memcpy(chunk, "name: ", 6);
    for (int i = 0; i < 320; i++) /* 320 * 64 KiB = 20 MiB, no newline */
        fwrite(chunk, 1, sizeof chunk, f);
    fclose(f);

    cfg_doc *doc = (cfg_doc *)1;
    err_t e;
    err_clear(&e);
    double t0 = now_s();
    int rc = cfg_load_file(path, &doc, &e);
    double dt = now_s() - t0;
    unlink(path);
    cr_expect_eq(rc, ERR_DATA);
    cr_expect_null(doc);
    cr_expect_str_eq(e.msg, "file is 20.0 MB; scenarios are limited to 4 MB");
    cr_expect_str_eq(e.file, path);
    cr_expect_lt(dt, time_budget_s());
}

Test(yaml, oversized_string_is_refused_before_parsing)
{
    size_t len = CFG_MAX_FILE_BYTES + 1;
    char *text = malloc(len);
    cr_assert_not_null(text);
    memset(text, 'a', len);
    char buf[512];
    load_fail(text, len, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:1: file is 4.0 MB; scenarios are limited to 4 MB");
    free(text);
}

Test(yaml, deep_flow_nesting_200k)
{
    size_t depth = 200000;
    char *text = malloc(depth + 8);
    cr_assert_not_null(text);
    memcpy(text, "x: ", 3);
    memset(text + 3, '[', depth);
    text[3 + depth] = '\0';
    char buf[512];
    double t0 = now_s();
    int rc = load_fail(text, strlen(text), buf, sizeof buf);
    double dt = now_s() - t0;
    cr_expect_eq(rc, ERR_DATA);
    cr_expect_str_eq(buf, "t.yaml:1:67: nesting deeper than 64 levels");
    cr_expect_lt(dt, time_budget_s(), "took %.3fs", dt);
    free(text);
    /* Same with flow mappings: {a: {a: {a: ... */
    text = malloc(4 * depth + 1);
    cr_assert_not_null(text);
    for (size_t i = 0; i < depth; i++)
        memcpy(text + 4 * i, "{a: ", 4);
    text[4 * depth] = '\0';
    t0 = now_s();
    load_fail(text, 4 * depth, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:257: nesting deeper than 64 levels");
    /* "{{" is a mapping used as a key, refused at the second brace. */
    load_fail("{{{{{{{{", 8, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:2: a key must be a plain name, not a "
                          "mapping");
    cr_expect_lt(now_s() - t0, time_budget_s());
    free(text);
}

Test(yaml, deep_block_nesting)
{
    /* 2000 levels of block mappings: k0:\n k1:\n  k2: ... */
    size_t cap = 2000 * 2010, len = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    for (int i = 0; i < 2000; i++) {
        memset(text + len, ' ', (size_t)i);
        len += (size_t)i;
        len += (size_t)sprintf(text + len, "k%d:\n", i);
    }
    char buf[512];
    double t0 = now_s();
    load_fail(text, len, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:65:65: nesting deeper than 64 levels");
    cr_expect_lt(now_s() - t0, time_budget_s());
    free(text);
}

Test(yaml, exactly_64_levels_is_fine)
{
    char text[256];
    size_t len = 0;
    len += (size_t)sprintf(text, "x: ");
    memset(text + len, '[', 63);
    len += 63;
    memset(text + len, ']', 63);
    len += 63;
    text[len] = '\0';
    cfg_doc *doc = load_ok(text);
    cfg_doc_free(doc);
}

Test(yaml, alias_bomb_generated)
{
    /* Thirty levels of nine-way aliases would expand to 9^30 nodes; the
     * expansion stops at the alias that crosses CFG_MAX_NODES. */
    char *text = malloc(1 << 16);
    cr_assert_not_null(text);
    size_t len = (size_t)sprintf(text, "l0: &l0 [lol, lol]\n");
    for (int i = 1; i < 30; i++) {
        len += (size_t)sprintf(text + len, "l%d: &l%d [", i, i);
        for (int j = 0; j < 9; j++)
            len += (size_t)sprintf(text + len, "%s*l%d", j ? ", " : "", i - 1);
        len += (size_t)sprintf(text + len, "]\n");
    }
    char buf[512];
    double t0 = now_s();
    load_fail(text, len, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:6:50: *l4: more than 200000 values once aliases are "
                          "expanded; scenarios are limited to 200000");
    cr_expect_lt(now_s() - t0, time_budget_s());
    free(text);
}

Test(yaml, too_many_nodes)
{
    /* 150k entries = 300k nodes, over CFG_MAX_NODES, in under 4 MB. */
    size_t n = 150000, len = 0;
    char *text = malloc(n * 16 + 16);
    cr_assert_not_null(text);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "k%zu: 1\n", i);
    char buf[512];
    double t0 = now_s();
    load_fail(text, len, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:100000:9: more than 200000 values; "
                          "scenarios are limited to 200000");
    cr_expect_lt(now_s() - t0, time_budget_s());
    free(text);
}

Test(yaml, wide_mapping_loads_in_linear_time)
{
    /* 90k distinct keys: quadratic duplicate checks would take minutes. */
    size_t n = 90000, len = 0;
    char *text = malloc(n * 16 + 64);
    cr_assert_not_null(text);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "k%zu: 1\n", i);
    text[len] = '\0';
    double t0 = now_s();
    cfg_doc *doc = load_ok(text);
    cr_expect_lt(now_s() - t0, time_budget_s());
    cr_expect_eq(doc->root->n, n);
    cfg_doc_free(doc);

    len += (size_t)sprintf(text + len, "k17: 2\n");
    char buf[512];
    load_fail(text, len, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:90001:1: duplicate key 'k17' (first defined "
                          "at line 18)");
    free(text);
}

Test(yaml, big_scalar_under_the_limit_loads)
{
    size_t len = CFG_MAX_FILE_BYTES - 16;
    char *text = malloc(len + 1);
    cr_assert_not_null(text);
    memset(text, 'a', len);
    memcpy(text, "name: ", 6);
    text[len] = '\0';
    double t0 = now_s();
    cfg_doc *doc = load_ok(text);
    cr_expect_lt(now_s() - t0, time_budget_s());
    cr_expect_eq(strlen(doc->root->items[0]->text), len - 6);
    /* A long unknown key must not make the hint search slow. */
    cfg_ctx c;
    cfg_ctx_init(&c);
    cfg_check_unused(&c, doc->root);
    cr_expect_eq(c.ndiags, 1);
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
    free(text);
}

Test(yaml, nul_bytes_and_garbage)
{
    char buf[512];
    static const char nul[] = "name: x\nseed: 4\0\n";
    load_fail(nul, sizeof nul - 1, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:8: NUL byte in file (is this a binary "
                          "file?)");
    unsigned char garbage[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof garbage; i++) {
        x = x * 1103515245u + 12345u;
        garbage[i] = (unsigned char)(x >> 16);
    }
    double t0 = now_s();
    int rc = load_fail((const char *)garbage, sizeof garbage, buf, sizeof buf);
    cr_expect_eq(rc, ERR_DATA);
    cr_expect(strncmp(buf, "t.yaml:", 7) == 0, "unpositioned: %s", buf);
    cr_expect_lt(now_s() - t0, time_budget_s());
}

Test(yaml, empty_and_trivial_documents)
{
    char buf[512];
    load_fail("", 0, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:1: empty scenario (write at least name:, duration: and a model section)");
    load_fail("---\n", 4, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:1: empty scenario (write at least name:, duration: and a model section)");
    load_fail("---\n...\n", 8, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:1: empty scenario (write at least name:, duration: and a model section)");
    load_fail("# only\n# comments\n", 18, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:1: empty scenario (write at least name:, duration: and a model section)");
    load_fail("42\n", 3, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:1: the top level must be a mapping of keys "
                          "(name:, seed:, ...)");
    load_fail("[a, b]", 6, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:1: the top level must be a mapping of keys "
                          "(name:, seed:, ...)");
    /* One explicit document with end marker is fine. */
    cfg_doc *doc = load_ok("---\nseed: 1\n...\n");
    cfg_doc_free(doc);
}

Test(yaml, second_document)
{
    char buf[512];
    const char *t = "seed: 1\n---\nseed: 2\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:1: a second document starts here; a "
                          "scenario is one document (remove the extra ---)");
}

Test(yaml, syntax_errors_are_positioned)
{
    char buf[512];
    const char *t = "a: 1\nb: [1, 2\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:3:1: YAML syntax error: did not find "
                          "expected ',' or ']' (while parsing a flow sequence)");
    t = "a:\n  b: 1\n c: 2\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:3:2: YAML syntax error: did not find "
                          "expected key (while parsing a block mapping)");
    t = "a: 1\n\tb: 2\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:1: YAML syntax error: found a tab character "
                          "that violates indentation (while scanning a plain "
                          "scalar); indent with spaces, YAML does not allow tabs");
    t = "a: \xc3\xa9\nb: caf\xe9\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:7: YAML syntax error: incomplete UTF-8 "
                          "octet sequence (byte 0xE9); save the file as UTF-8");
}

Test(yaml, keys_must_be_scalars)
{
    char buf[512];
    const char *t = "a: 1\n{x: 1}: 2\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:1: a key must be a plain name, not a mapping");
}

Test(yaml, duplicate_keys_nested)
{
    char buf[512];
    const char *t = "consensus:\n  nodes: 3\n  timeout: 1s\n  nodes: 5\n"
                    "other:\n  nodes: 1\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:4:3: duplicate key 'nodes' (first defined at "
                          "line 2)");
    /* Same key in two different mappings is fine. */
    cfg_doc *doc = load_ok("a:\n  x: 1\nb:\n  x: 2\nc: [{x: 1}, {x: 2}]\n");
    cfg_doc_free(doc);
    /* Flow mappings too. */
    load_fail("a: {x: 1, x: 2}", 15, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:11: duplicate key 'x' (first defined at "
                          "line 1)");
}

Test(yaml, positions_and_quoting)
{
    cfg_doc *doc = load_ok("name: demo\nconsensus:\n  nodes: 5\n  label: \"5\"\n"
                           "  tag: !!str 7\n");
    cr_assert_eq(doc->root->kind, CFG_MAP);
    cr_assert_eq(doc->root->n, 2);
    cr_expect_str_eq(doc->file, "t.yaml");
    cr_expect_eq(doc->text_len, strlen(doc->text));
    cfg_node *cons = doc->root->items[1];
    cr_expect_eq(doc->root->key_line[1], 2);
    cr_expect_eq(doc->root->key_col[1], 1);
    cr_assert_eq(cons->kind, CFG_MAP);
    cr_expect_eq(cons->key_line[0], 3);
    cr_expect_eq(cons->key_col[0], 3);
    cr_expect_eq(cons->items[0]->line, 3);
    cr_expect_eq(cons->items[0]->col, 10);
    cr_expect_str_eq(cons->items[0]->text, "5");
    cr_expect_eq(cons->items[0]->quoted, 0);
    cr_expect_eq(cons->items[1]->quoted, 1);
    cr_expect_eq(cons->items[2]->quoted, 1);
    cr_expect_str_eq(cons->items[0]->file, "t.yaml");
    cfg_doc_free(doc);
}

Test(yaml, bom_and_crlf)
{
    cfg_doc *doc = load_ok("\xef\xbb\xbf" "name: demo\r\nseed: 1\r\nsede: 2\r\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    int64_t seed;
    cfg_int(&c, doc->root, "seed", 0, 0, 10, &seed);
    cr_expect_eq(seed, 1);
    cfg_check_unused(&c, doc->root);
    expect_diag(&c, 0, "t.yaml:1:1: unknown key 'name' at top level");
    expect_diag(&c, 1, "t.yaml:3:1: unknown key 'sede' at top level (did you "
                       "mean 'seed'?)");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
    char buf[512];
    const char *t = "\xef\xbb\xbf" "a: 1\r\nb: caf\xe9\r\n";
    load_fail(t, strlen(t), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:7: YAML syntax error: invalid trailing "
                          "UTF-8 octet (byte 0xE9); save the file as UTF-8");
}

Test(yaml, missing_file_and_directory)
{
    cfg_doc *doc = (cfg_doc *)1;
    err_t e;
    err_clear(&e);
    cr_expect_eq(cfg_load_file("tests/data/no_such_file.yaml", &doc, &e),
                 ERR_NOINPUT);
    cr_expect_null(doc);
    char buf[512];
    err_format(&e, buf, sizeof buf);
    cr_expect_str_eq(buf, "cannot open 'tests/data/no_such_file.yaml': No such "
                          "file or directory");
    err_clear(&e);
    cr_expect_eq(cfg_load_file("tests/data", &doc, &e), ERR_NOINPUT);
    cr_expect_str_eq(e.msg, "cannot read 'tests/data': Is a directory");
}

Test(yaml, file_round_trip)
{
    char path[] = "/tmp/mwrasp_cfg_ok_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *t = "name: demo\nseed: 7\n";
    cr_assert_eq(write(fd, t, strlen(t)), (ssize_t)strlen(t));
    close(fd);
    cfg_doc *doc = NULL;
    err_t e;
    err_clear(&e);
    int rc = cfg_load_file(path, &doc, &e);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", e.msg);
    cr_expect_str_eq(doc->text, t);
    cr_expect_str_eq(doc->file, path);
    cr_expect_str_eq(doc->root->items[0]->file, path);
    cfg_doc_free(doc);
}

/* ------------------------------------------------------------------------
 * yaml: --set
 */

Test(yaml, set_overrides_existing_value)
{
    cfg_doc *doc = load_ok("seed: 1\nconsensus:\n  nodes: 3\n");
    err_t e;
    err_clear(&e);
    cr_assert_eq(cfg_doc_set(doc, "consensus.nodes=7", &e), 0, "%s", e.msg);
    cr_assert_eq(cfg_doc_set(doc, "seed=99", &e), 0, "%s", e.msg);
    cfg_ctx c;
    cfg_ctx_init(&c);
    int64_t nodes, seed;
    cfg_int(&c, doc->root, "seed", 0, 0, 1000, &seed);
    cfg_set_prefix(&c, "consensus.");
    cfg_int(&c, cfg_section(&c, doc->root, "consensus"), "nodes", 0, 0, 100,
            &nodes);
    cr_expect_eq(seed, 99);
    cr_expect_eq(nodes, 7);
    cr_expect_eq(c.ndiags, 0);
    cfg_node *n = cfg_get(cfg_get(doc->root, "consensus"), "nodes");
    cr_expect_str_eq(n->file, "--set");
    cr_expect_eq(n->line, 1);
    cr_expect_eq(n->col, 17);
    /* An existing key keeps the position it has in the file. */
    cr_expect_eq(doc->root->key_line[1], 2);
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(yaml, set_creates_missing_sections)
{
    cfg_doc *doc = load_ok("seed: 1\n");
    err_t e;
    err_clear(&e);
    cr_assert_eq(cfg_doc_set(doc, "a.b.c=5ms", &e), 0, "%s", e.msg);
    cr_assert_eq(cfg_doc_set(doc, "a.b.d=2", &e), 0, "%s", e.msg);
    cfg_ctx c;
    cfg_ctx_init(&c);
    cfg_node *b = cfg_section(&c, cfg_section(&c, doc->root, "a"), "b");
    cr_assert_not_null(b);
    int64_t ns, d;
    cfg_duration(&c, b, "c", 0, 0, INT64_MAX, &ns);
    cfg_int(&c, b, "d", 0, 0, 10, &d);
    cr_expect_eq(ns, 5000000);
    cr_expect_eq(d, 2);
    cr_expect_eq(c.ndiags, 0);
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(yaml, set_flow_values)
{
    cfg_doc *doc = load_ok("seed: 1\n");
    err_t e;
    err_clear(&e);
    cr_assert_eq(cfg_doc_set(doc, "x={dist: constant, value: 1ms}", &e), 0,
                 "%s", e.msg);
    cr_assert_eq(cfg_doc_set(doc, "list=[1, 2, 3]", &e), 0, "%s", e.msg);
    cr_assert_eq(cfg_doc_set(doc, "empty=", &e), 0, "%s", e.msg);
    cr_assert_eq(cfg_doc_set(doc, "eq=a=b", &e), 0, "%s", e.msg);
    cfg_ctx c;
    cfg_ctx_init(&c);
    dist_t d = dist_constant(0);
    cfg_dist(&c, doc->root, "x", NULL, 1, &d);
    cr_expect_eq(d.kind, DIST_CONSTANT);
    cr_expect_eq(d.a, 1e6);
    cfg_node *list = cfg_list(&c, doc->root, "list");
    cr_assert_not_null(list);
    cr_expect_eq(list->n, 3);
    cr_expect_eq(list->items[2]->col, 13);
    cr_expect_str_eq(cfg_get(doc->root, "empty")->text, "");
    cr_expect_str_eq(cfg_get(doc->root, "eq")->text, "a=b");
    cr_expect_eq(c.ndiags, 0, "%s", c.ndiags ? c.diags[0] : "");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(yaml, set_errors)
{
    cfg_doc *doc = load_ok("name: demo\nseed: 1\nlist: [1]\n");
    static const struct { const char *a; const char *want; } cases[] = {
        {"seed", "--set:1:1: 'seed' has no '='; write path.to.key=value"},
        {"=5", "--set:1:1: no key before '='; write path.to.key=value"},
        {"a..b=1", "--set:1:3: empty key in path 'a..b'"},
        {"a.=1", "--set:1:3: empty key in path 'a.'"},
        {".a=1", "--set:1:1: empty key in path '.a'"},
        {"name.x=1", "--set:1:1: 'name' is a single value (t.yaml:1:7), not a "
                     "mapping; cannot set a key inside it"},
        {"list.x=1", "--set:1:6: 'list' is a list of 1; give an index from 0 to 0"},
        {"list.1=1", "--set:1:6: 'list' is a list of 1; give an index from 0 to 0"},
        {"list.0.y=1", "--set:1:6: 'list.0' is a single value, not a mapping; cannot set a "
                       "key inside it"},
        {"x=[1, 2", "--set:1:8: YAML syntax error: did not find expected ',' "
                    "or ']' (while parsing a flow sequence)"},
        {"x={a: 1, a: 2}", "--set:1:10: duplicate key 'a' (first defined at "
                           "line 1)"},
        {"x=*ref", "--set:1:3: *ref has no anchor: write &ref on a value before this "
                   "alias"},
        {"x=a\n---\nb", "--set:2:1: a second document starts here; a scenario "
                        "is one document (remove the extra ---)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err_t e;
        err_clear(&e);
        cr_expect_eq(cfg_doc_set(doc, cases[i].a, &e), ERR_USAGE, "%s",
                     cases[i].a);
        char buf[512];
        err_format(&e, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i].want, "%s", cases[i].a);
    }
    /* Nothing was changed by the failures. */
    cr_expect_eq(doc->root->n, 3);
    cr_expect_eq(doc->root->items[0]->kind, CFG_SCALAR);
    /* A list element by index (sweeps over one fault's fraction use it). */
    err_t e;
    err_clear(&e);
    cr_expect_eq(cfg_doc_set(doc, "list.0=7", &e), 0, "%s", e.msg);
    cr_expect_str_eq(cfg_get(doc->root, "list")->items[0]->text, "7");
    cfg_doc_free(doc);
}

Test(yaml, set_deep_value_is_bounded)
{
    cfg_doc *doc = load_ok("seed: 1\n");
    size_t depth = 100000;
    char *a = malloc(depth + 8);
    cr_assert_not_null(a);
    memcpy(a, "x=", 2);
    memset(a + 2, '[', depth);
    a[2 + depth] = '\0';
    err_t e;
    err_clear(&e);
    double t0 = now_s();
    cr_expect_eq(cfg_doc_set(doc, a, &e), ERR_USAGE);
    cr_expect_lt(now_s() - t0, time_budget_s());
    cr_expect_str_eq(e.msg, "nesting deeper than 64 levels");
    cr_expect_eq(e.col, 67);
    free(a);
    cfg_doc_free(doc);
}

Test(yaml, set_new_key_is_reported_when_unknown)
{
    cfg_doc *doc = load_ok("seed: 1\n");
    err_t e;
    err_clear(&e);
    cr_assert_eq(cfg_doc_set(doc, "sede=2", &e), 0);
    cfg_ctx c;
    cfg_ctx_init(&c);
    int64_t seed;
    cfg_int(&c, doc->root, "seed", 0, 0, 10, &seed);
    cfg_check_unused(&c, doc->root);
    cr_assert_eq(c.ndiags, 1);
    expect_diag(&c, 0, "--set:1:1: unknown key 'sede' at top level (did you "
                       "mean 'seed'?)");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

/* ------------------------------------------------------------------------
 * getters
 */

Test(getters, int_range_and_resolved)
{
    cfg_doc *doc = load_ok("agents:\n  count: 2000000000000\n  ok: 12\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    cfg_set_prefix(&c, "agents.");
    cfg_node *agents = cfg_section(&c, doc->root, "agents");
    int64_t count = 0, ok = 0, absent = 0;
    cr_expect_eq(cfg_int(&c, agents, "count", 10, 1, 1000000, &count), -1);
    cr_expect_eq(count, 10);
    cr_expect_eq(cfg_int(&c, agents, "ok", 10, 1, 1000000, &ok), 0);
    cr_expect_eq(ok, 12);
    cr_expect_eq(cfg_int(&c, agents, "absent", 3, 1, 10, &absent), 0);
    cr_expect_eq(absent, 3);
    expect_diag(&c, 0, "t.yaml:2:10: agents.count: 2000000000000 is out of "
                       "range [1, 1000000]");
    cr_expect_eq(c.ndiags, 1);
    cr_expect(has_resolved(&c, "agents.ok = 12"));
    cr_expect(has_resolved(&c, "agents.absent = 3 (default)"));
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, numbers_reject_quotes_units_accept_them)
{
    cfg_doc *doc = load_ok("n: \"42\"\nx: '0.5'\nt: \"250ms\"\nr: '5/min'\n"
                           "f: \"15%\"\ns: '4KiB'\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    int64_t n, t;
    double x, r, f;
    uint64_t s;
    cr_expect_eq(cfg_int(&c, doc->root, "n", 1, 0, 100, &n), -1);
    cr_expect_eq(cfg_double(&c, doc->root, "x", 1, 0, 100, &x), -1);
    cr_expect_eq(cfg_duration(&c, doc->root, "t", 0, 0, INT64_MAX, &t), 0);
    cr_expect_eq(cfg_rate(&c, doc->root, "r", 0, 0, INFINITY, &r), 0);
    cr_expect_eq(cfg_fraction(&c, doc->root, "f", 0, 0, 1, &f), 0);
    cr_expect_eq(cfg_size(&c, doc->root, "s", 0, 0, UINT64_MAX, &s), 0);
    cr_expect_eq(t, 250000000);
    cr_expect_float_eq(r, 5.0 / 60.0, 1e-15);
    cr_expect_float_eq(f, 0.15, 1e-15);
    cr_expect_eq(s, 4096);
    cr_assert_eq(c.ndiags, 2);
    expect_diag(&c, 0, "t.yaml:1:4: n: \"42\" is in quotes, so it is text; "
                       "write a whole number like 42 without quotes");
    expect_diag(&c, 1, "t.yaml:2:4: x: \"0.5\" is in quotes, so it is text; "
                       "write a number like 0.5 without quotes");
    cr_expect(has_resolved(&c, "t = 250ms"));
    cr_expect(has_resolved(&c, "s = 4KiB"));
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, duration_messages)
{
    cfg_doc *doc = load_ok("consensus:\n  timeout: 500\n  backoff: -3s\n"
                           "  max: 2d\n  ok: 1.5ms\n  big: 1e400s\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    cfg_set_prefix(&c, "consensus.");
    cfg_node *s = cfg_section(&c, doc->root, "consensus");
    int64_t t;
    cr_expect_eq(cfg_duration(&c, s, "timeout", 1, 0, INT64_MAX, &t), -1);
    cr_expect_eq(t, 1);
    cr_expect_eq(cfg_duration(&c, s, "backoff", 1, 0, INT64_MAX, &t), -1);
    cr_expect_eq(cfg_duration(&c, s, "max", 1, 0, 86400000000000LL, &t), -1);
    cr_expect_eq(cfg_duration(&c, s, "ok", 1, 0, INT64_MAX, &t), 0);
    cr_expect_eq(t, 1500000);
    cr_expect_eq(cfg_duration(&c, s, "big", 1, 0, INT64_MAX, &t), -1);
    cr_expect_eq(cfg_duration(&c, s, "none", 2000000000, 0, INT64_MAX, &t), 0);
    expect_diag(&c, 0, "t.yaml:2:12: consensus.timeout: '500' has no unit; "
                       "write a duration like 500ms or 2s");
    expect_diag(&c, 1, "t.yaml:3:12: consensus.backoff: -3s is below the "
                       "minimum 0s");
    expect_diag(&c, 2, "t.yaml:4:8: consensus.max: 2d is out of range [0s, 1d]");
    expect_diag(&c, 3, "t.yaml:6:8: consensus.big: '1e400s' is too large to "
                       "represent");
    cr_expect(has_resolved(&c, "consensus.ok = 1.5ms"));
    cr_expect(has_resolved(&c, "consensus.none = 2s (default)"));
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, wrong_kind_and_null)
{
    cfg_doc *doc = load_ok("a: {x: 1}\nb: [1, 2]\nc:\nd: ~\ne: 5\nf: [1]\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    int64_t v;
    const char *s;
    cr_expect_eq(cfg_int(&c, doc->root, "a", 0, 0, 10, &v), -1);
    cr_expect_eq(cfg_int(&c, doc->root, "b", 0, 0, 10, &v), -1);
    cr_expect_eq(cfg_int(&c, doc->root, "c", 0, 0, 10, &v), -1);
    cr_expect_eq(cfg_string(&c, doc->root, "b", "z", &s), -1);
    cr_expect_str_eq(s, "z");
    cr_expect_null(cfg_section(&c, doc->root, "e"));
    cr_expect_null(cfg_list(&c, doc->root, "e"));
    cr_expect_null(cfg_section(&c, doc->root, "d")); /* null: empty section */
    cr_expect_null(cfg_section(&c, doc->root, "f"));
    expect_diag(&c, 0, "t.yaml:1:4: a: expected a whole number like 42, found "
                       "a mapping");
    expect_diag(&c, 1, "t.yaml:2:4: b: expected a whole number like 42, found "
                       "a list");
    expect_diag(&c, 2, "t.yaml:3:3: c has no value; write a whole number like "
                       "42, or remove the key to use the default");
    expect_diag(&c, 3, "t.yaml:2:4: b: expected text, found a list");
    expect_diag(&c, 4, "t.yaml:5:4: e: expected a mapping of keys (key: value "
                       "lines), found a single value");
    expect_diag(&c, 5, "t.yaml:5:4: e: expected a list (lines starting with "
                       "'- ' or [a, b]), found a single value");
    expect_diag(&c, 6, "t.yaml:6:4: f: expected a mapping of keys (key: value "
                       "lines), found a list");
    cr_expect_eq(c.ndiags, 7);
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, all_errors_are_collected)
{
    cfg_doc *doc = load_ok("a: x\nb: y\nc: z\nd: 1\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    int64_t v;
    double x;
    int bv;
    cfg_int(&c, doc->root, "a", 0, 0, 10, &v);
    cfg_double(&c, doc->root, "b", 0, 0, 10, &x);
    cfg_bool(&c, doc->root, "c", 0, &bv);
    cfg_int(&c, doc->root, "d", 0, 0, 10, &v);
    cfg_check_unused(&c, doc->root);
    cr_expect_eq(c.ndiags, 3);
    expect_diag(&c, 0, "t.yaml:1:4: a: 'x' is not a whole number; write a "
                       "whole number like 42");
    expect_diag(&c, 1, "t.yaml:2:4: b: 'y' is not a number; write a number like "
                       "0.5");
    expect_diag(&c, 2, "t.yaml:3:4: c: 'z' is not true or false; write true or "
                       "false");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, bool_string_enum)
{
    cfg_doc *doc = load_ok("on: true\noff: False\nyes: yes\nname: demo\n"
                           "mode: fifo\nbad: lifoo\nq: \"true\"\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    int b1 = 0, b2 = 1, b3 = 0, b4 = 0, b5 = 1;
    cr_expect_eq(cfg_bool(&c, doc->root, "on", 0, &b1), 0);
    cr_expect_eq(cfg_bool(&c, doc->root, "off", 1, &b2), 0);
    cr_expect_eq(cfg_bool(&c, doc->root, "yes", 0, &b3), -1);
    cr_expect_eq(cfg_bool(&c, doc->root, "q", 0, &b4), -1);
    cr_expect_eq(cfg_bool(&c, doc->root, "missing", 1, &b5), 0);
    cr_expect_eq(b1, 1);
    cr_expect_eq(b2, 0);
    cr_expect_eq(b3, 0);
    cr_expect_eq(b5, 1);
    const char *name, *none;
    cfg_string(&c, doc->root, "name", "x", &name);
    cfg_string(&c, doc->root, "nothing", NULL, &none);
    cr_expect_str_eq(name, "demo");
    cr_expect_null(none);
    static const char *const modes[] = {"fifo", "lifo", "random", NULL};
    int m = -1, m2 = -1;
    cr_expect_eq(cfg_enum(&c, doc->root, "mode", modes, 2, &m), 0);
    cr_expect_eq(m, 0);
    cr_expect_eq(cfg_enum(&c, doc->root, "bad", modes, 2, &m2), -1);
    cr_expect_eq(m2, 2);
    expect_diag(&c, 0, "t.yaml:3:6: yes: 'yes' is not true or false; write "
                       "true or false");
    expect_diag(&c, 1, "t.yaml:7:4: q: \"true\" is in quotes, so it is text; "
                       "write true or false without quotes");
    expect_diag(&c, 2, "t.yaml:6:6: bad: 'lifoo' is not one of fifo, lifo or "
                       "random (did you mean 'lifo'?)");
    cr_expect(has_resolved(&c, "on = true"));
    cr_expect(has_resolved(&c, "missing = true (default)"));
    cr_expect(has_resolved(&c, "name = demo"));
    cr_expect(has_resolved(&c, "nothing = (none) (default)"));
    cr_expect(has_resolved(&c, "mode = fifo"));
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, fraction_rate_size)
{
    cfg_doc *doc = load_ok("loss: 15%\nloss2: 0.15\nloss3: 15\nrate: 5/min\n"
                           "slow: 0.5/s\nmem: 4GB\nbig: 1TiB\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    double f1, f2, f3, r1, r2;
    uint64_t m1, m2;
    cfg_fraction(&c, doc->root, "loss", 0, 0, 1, &f1);
    cfg_fraction(&c, doc->root, "loss2", 0, 0, 1, &f2);
    cr_expect_eq(cfg_fraction(&c, doc->root, "loss3", 0, 0, 1, &f3), -1);
    cfg_rate(&c, doc->root, "rate", 0, 0, INFINITY, &r1);
    cr_expect_eq(cfg_rate(&c, doc->root, "slow", 1, 1, 1000, &r2), -1);
    cfg_size(&c, doc->root, "mem", 0, 0, UINT64_MAX, &m1);
    cr_expect_eq(cfg_size(&c, doc->root, "big", 1, 1, 64ULL << 30, &m2), -1);
    cr_expect_float_eq(f1, 0.15, 1e-15);
    cr_expect_float_eq(f2, 0.15, 1e-15);
    cr_expect_eq(f3, 0.0);
    cr_expect_float_eq(r1, 1.0 / 12.0, 1e-15);
    cr_expect_eq(m1, 4000000000ULL);
    expect_diag(&c, 0, "t.yaml:3:8: loss3: 15 is out of range [0, 1] (did you "
                       "mean 15%?)");
    expect_diag(&c, 1, "t.yaml:5:7: slow: 0.5/s is out of range [1/s, 1000/s]");
    expect_diag(&c, 2, "t.yaml:7:6: big: 1TiB is out of range [1B, 64GiB]");
    cr_expect(has_resolved(&c, "loss = 0.15"));
    cr_expect(has_resolved(&c, "rate = 0.08333333333333333/s"));
    cr_expect(has_resolved(&c, "mem = 4GB"));
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, require_and_null_map)
{
    cfg_doc *doc = load_ok("consensus:\n  nodes: 3\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    cfg_set_prefix(&c, "consensus.");
    cfg_node *s = cfg_section(&c, doc->root, "consensus");
    cr_expect_eq(cfg_require(&c, s, "nodes"), 0);
    cr_expect_eq(cfg_require(&c, s, "quorum"), -1);
    expect_diag(&c, 0, "t.yaml:2:3: missing required key 'consensus.quorum'");
    /* An absent section yields defaults, resolved as such. */
    cfg_set_prefix(&c, "net.");
    cfg_node *net = cfg_section(&c, doc->root, "net");
    cr_expect_null(net);
    int64_t lat;
    cr_expect_eq(cfg_duration(&c, net, "latency", 1000, 0, INT64_MAX, &lat), 0);
    cr_expect_eq(lat, 1000);
    cr_expect(has_resolved(&c, "net.latency = 1us (default)"));
    cr_expect_null(cfg_get(NULL, "x"));
    cfg_error(&c, NULL, "plain %d", 5);
    expect_diag(&c, 1, "plain 5");
    cfg_ctx_free(&c);
    cfg_ctx_free(&c); /* safe twice */
    cfg_doc_free(doc);
    cfg_doc_free(NULL);
}

Test(getters, unknown_keys_with_hints)
{
    cfg_doc *doc = load_ok("name: demo\nsede: 1\nconsensus:\n  nodse: 5\n"
                           "  timeout: 1s\n  zzz: 1\nraw: {anything: 1}\n"
                           "agents:\n  - {kind: a, cuont: 1}\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    const char *name;
    int64_t seed, nodes, t, count;
    cfg_string(&c, doc->root, "name", "", &name);
    cfg_int(&c, doc->root, "seed", 1, 0, 10, &seed);
    cfg_set_prefix(&c, "consensus.");
    cfg_node *s = cfg_section(&c, doc->root, "consensus");
    cfg_int(&c, s, "nodes", 3, 1, 100, &nodes);
    cfg_duration(&c, s, "timeout", 0, 0, INT64_MAX, &t);
    /* The model takes raw whole and parses it itself. */
    cr_expect_not_null(cfg_get(doc->root, "raw"));
    cfg_set_prefix(&c, "");
    cfg_node *agents = cfg_list(&c, doc->root, "agents");
    cr_assert_not_null(agents);
    const char *kind;
    cfg_string(&c, agents->items[0], "kind", "", &kind);
    cfg_int(&c, agents->items[0], "count", 1, 0, 10, &count);
    cr_expect_eq(c.ndiags, 0);
    cfg_check_unused(&c, doc->root);
    cr_expect_eq(c.ndiags, 4);
    expect_diag(&c, 0, "t.yaml:2:1: unknown key 'sede' at top level (did you "
                       "mean 'seed'?)");
    expect_diag(&c, 1, "t.yaml:4:3: unknown key 'nodse' in consensus (did you "
                       "mean 'nodes'?)");
    expect_diag(&c, 2, "t.yaml:6:3: unknown key 'zzz' in consensus");
    expect_diag(&c, 3, "t.yaml:9:15: unknown key 'cuont' in agents[0] (did you "
                       "mean 'count'?)");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, unknown_key_hint_survives_temporary_key_buffers)
{
    cfg_doc *doc = load_ok("nodse: 1\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    char key[16];
    snprintf(key, sizeof key, "%s", "nodes");
    int64_t v;
    cfg_int(&c, doc->root, key, 1, 0, 10, &v);
    memset(key, 'x', sizeof key - 1);
    cfg_check_unused(&c, doc->root);
    expect_diag(&c, 0, "t.yaml:1:1: unknown key 'nodse' at top level (did you "
                       "mean 'nodes'?)");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

/* ------------------------------------------------------------------------
 * getters: distributions
 */

Test(getters, dist_every_kind)
{
    cfg_doc *doc = load_ok(
        "c: {dist: constant, value: 5ms}\n"
        "e: {dist: exponential, mean: 2ms}\n"
        "u: {dist: uniform, min: 1ms, max: 3ms}\n"
        "n: {dist: normal, mean: 10ms, sd: 2ms}\n"
        "l: {dist: lognormal, median: 1s, sigma: 0.5}\n"
        "g: {dist: gamma, shape: 2, scale: 3ms}\n"
        "w: {dist: weibull, shape: 1, scale: 4ms}\n"
        "p: {dist: pareto, shape: 3, scale: 2ms}\n"
        "plain: {dist: normal, mean: -1.5, sd: 0.25}\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    static const struct { const char *key; dist_kind kind; double a, b, mean;
                          const char *desc; } cases[] = {
        {"c", DIST_CONSTANT, 5e6, 0, 5e6, "c = {dist: constant, value: 5ms}"},
        {"e", DIST_EXPONENTIAL, 2e6, 0, 2e6,
         "e = {dist: exponential, mean: 2ms}"},
        {"u", DIST_UNIFORM, 1e6, 3e6, 2e6,
         "u = {dist: uniform, min: 1ms, max: 3ms}"},
        {"n", DIST_NORMAL, 10e6, 2e6, 10e6,
         "n = {dist: normal, mean: 10ms, sd: 2ms}"},
        {"l", DIST_LOGNORMAL, 1e9, 0.5, 1e9 * 1.1331484530668263,
         "l = {dist: lognormal, median: 1s, sigma: 0.5}"},
        {"g", DIST_GAMMA, 2, 3e6, 6e6, "g = {dist: gamma, shape: 2, scale: 3ms}"},
        {"w", DIST_WEIBULL, 1, 4e6, 4e6,
         "w = {dist: weibull, shape: 1, scale: 4ms}"},
        {"p", DIST_PARETO, 3, 2e6, 3e6, "p = {dist: pareto, shape: 3, scale: 2ms}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dist_t d = dist_constant(-1);
        cr_expect_eq(cfg_dist(&c, doc->root, cases[i].key, NULL, 1, &d), 0,
                     "%s", cases[i].key);
        cr_expect_eq(d.kind, cases[i].kind, "%s", cases[i].key);
        cr_expect_float_eq(d.a, cases[i].a, 1e-9, "%s", cases[i].key);
        cr_expect_float_eq(d.b, cases[i].b, 1e-9, "%s", cases[i].key);
        cr_expect_float_eq(dist_mean(&d), cases[i].mean, 1e-6 * cases[i].mean,
                           "%s mean %g", cases[i].key, dist_mean(&d));
        cr_expect(has_resolved(&c, cases[i].desc), "missing '%s'",
                  cases[i].desc);
    }
    dist_t plain;
    cr_expect_eq(cfg_dist(&c, doc->root, "plain", NULL, 0, &plain), 0);
    cr_expect_eq(plain.a, -1.5);
    cr_expect_eq(plain.b, 0.25);
    cr_expect(has_resolved(&c, "plain = {dist: normal, mean: -1.5, sd: 0.25}"));
    dist_t def = dist_exponential(3e6), got;
    cr_expect_eq(cfg_dist(&c, doc->root, "absent", &def, 1, &got), 0);
    cr_expect_eq(got.kind, DIST_EXPONENTIAL);
    cr_expect(has_resolved(&c, "absent = {dist: exponential, mean: 3ms} "
                               "(default)"));
    cr_expect_eq(c.ndiags, 0, "%s", c.ndiags ? c.diags[0] : "");
    cfg_check_unused(&c, doc->root);
    cr_expect_eq(c.ndiags, 0, "%s", c.ndiags ? c.diags[0] : "");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, dist_errors)
{
    cfg_doc *doc = load_ok(
        "a: {dist: exponental, mean: 2ms}\n"
        "b: {dist: exponential}\n"
        "c: {dist: exponential, mean: 2ms, sd: 1ms}\n"
        "d: 5ms\n"
        "e: {mean: 2ms}\n"
        "f: {dist: exponential, mean: 0s}\n"
        "g: {dist: uniform, min: 3ms, max: 1ms}\n"
        "h: {dist: lognormal, median: 1s, sigma: 1ms}\n"
        "i: {dist: exponential, mean: 500}\n"
        "j: {dist: gamma, shape: -1, scale: 1ms}\n"
        "k: {dist: normal, mean: 1ms, sd: -1ms}\n"
        "l: [1, 2]\n"
        "m: {dist: pareto, shape: 2, scael: 1ms}\n");
    cfg_ctx c;
    cfg_ctx_init(&c);
    dist_t def = dist_constant(7), d;
    const char *keys = "abcdefghijklm";
    for (const char *k = keys; *k; k++) {
        char key[2] = {*k, 0};
        d = dist_constant(-5);
        cr_expect_eq(cfg_dist(&c, doc->root, key, &def, 1, &d), -1, "%s", key);
        cr_expect_eq(d.a, 7.0, "%s: default not kept", key);
    }
    static const char *const want[] = {
        "t.yaml:1:11: a.dist: 'exponental' is not a distribution (did you mean "
        "'exponential'?); use constant, exponential, uniform, normal, "
        "lognormal, gamma, weibull or pareto",
        "t.yaml:2:4: b: exponential needs mean; missing 'mean'",
        "t.yaml:3:35: c: 'sd' is not a parameter of exponential; it takes mean",
        "t.yaml:4:4: d: expected a distribution like {dist: exponential, mean: "
        "2ms}, found '5ms' (for a fixed value write {dist: constant, value: "
        "5ms})",
        "t.yaml:5:4: e: missing 'dist:' (one of constant, exponential, uniform, "
        "normal, lognormal, gamma, weibull or pareto), e.g. {dist: "
        "exponential, mean: 2ms}",
        "t.yaml:6:30: f.mean: must be greater than 0",
        "t.yaml:7:4: g: uniform needs min <= max",
        "t.yaml:8:41: h.sigma: '1ms' is not a number (unexpected 'm'); write a "
        "number like 0.5",
        "t.yaml:9:30: i.mean: '500' has no unit; write a duration like 500ms "
        "or 2s",
        "t.yaml:10:25: j.shape: must be greater than 0",
        "t.yaml:11:34: k.sd: -1ms is below the minimum 0s",
        "t.yaml:12:4: l: expected a distribution like {dist: exponential, "
        "mean: 2ms}, found a list",
        "t.yaml:13:4: m: pareto needs shape and scale; missing 'scale'",
        "t.yaml:13:29: m: 'scael' is not a parameter of pareto (did you mean "
        "'scale'?); it takes shape and scale",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        expect_diag(&c, i, want[i]);
    cr_expect_eq(c.ndiags, sizeof want / sizeof want[0]);
    /* Extra parameters were reported once, not again as unknown keys. */
    size_t before = c.ndiags;
    cfg_check_unused(&c, doc->root);
    cr_expect_eq(c.ndiags, before, "%s", c.ndiags > before ? c.diags[before] : "");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
}

Test(getters, dist_sampling)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    dist_t c = dist_constant(5e6);
    cr_expect_eq(dist_sample_ns(&c, r), 5000000);
    dist_t n = {DIST_NORMAL, 0.0, 1e9};
    int negative = 0;
    for (int i = 0; i < 2000; i++)
        negative += dist_sample_ns(&n, r) < 0;
    cr_expect_eq(negative, 0);
    dist_t kinds[] = {
        dist_exponential(2e6), dist_uniform(1e6, 3e6), dist_lognormal(1e6, 0.5),
        {DIST_NORMAL, 10e6, 1e6}, {DIST_GAMMA, 2.0, 3e6},
        {DIST_WEIBULL, 1.5, 4e6}, {DIST_PARETO, 3.0, 2e6},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        double sum = 0;
        int draws = 200000;
        for (int i = 0; i < draws; i++)
            sum += dist_sample(&kinds[k], r);
        double mean = dist_mean(&kinds[k]);
        cr_expect_float_eq(sum / draws, mean, 0.02 * mean, "%s: %g vs %g",
                           dist_kind_name(kinds[k].kind), sum / draws, mean);
    }
    /* Same seed, same draws. */
    gsl_rng *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    gsl_rng_set(r2, 7);
    dist_t e = dist_exponential(1e6);
    for (int i = 0; i < 100; i++)
        cr_expect_eq(dist_sample_ns(&e, r), dist_sample_ns(&e, r2));
    gsl_rng_free(r2);
    gsl_rng_free(r);
}

Test(getters, dist_mean_and_names)
{
    dist_t heavy = {DIST_PARETO, 1.0, 2.0};
    cr_expect(isinf(dist_mean(&heavy)));
    dist_t w = {DIST_WEIBULL, 2.0, 1.0};
    cr_expect_float_eq(dist_mean(&w), sqrt(3.14159265358979323846) / 2.0, 1e-12);
    dist_t l = dist_lognormal(1.0, 1.0);
    cr_expect_float_eq(dist_mean(&l), exp(0.5), 1e-12);
    cr_expect_str_eq(dist_kind_name(DIST_CONSTANT), "constant");
    cr_expect_str_eq(dist_kind_name(DIST_PARETO), "pareto");
    cr_expect_str_eq(dist_kind_name((dist_kind)99), "unknown");
    char buf[128];
    dist_t u = dist_uniform(1500000, 2e9);
    dist_describe(&u, 1, buf, sizeof buf);
    cr_expect_str_eq(buf, "{dist: uniform, min: 1.5ms, max: 2s}");
    dist_describe(&u, 0, buf, sizeof buf);
    cr_expect_str_eq(buf, "{dist: uniform, min: 1500000, max: 2000000000}");
    dist_t ln = dist_lognormal(120e9, 0.25);
    dist_describe(&ln, 1, buf, sizeof buf);
    cr_expect_str_eq(buf, "{dist: lognormal, median: 2min, sigma: 0.25}");
}

/* ------------------------------------------------------------------------
 * reuse: anchors and aliases, merge keys, include:
 */

/* Writes text to dir/name. */
static void write_in(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_file(path, text);
}

/* Loads dir/name expecting failure: the code, the message in buf. */
static int load_file_fail(const char *dir, const char *name, char *buf, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cfg_doc *doc = NULL;
    err_t e;
    err_clear(&e);
    int rc = cfg_load_file(path, &doc, &e);
    cr_assert_neq(rc, 0, "%s loaded", path);
    cr_assert_null(doc);
    err_format(&e, buf, size);
    return rc;
}

Test(reuse, aliases_are_copies_with_the_anchors_positions)
{
    cfg_doc *doc = load_ok("sign: &cost {dist: constant, value: 86us}\n"
                           "verify: *cost\n"
                           "n: &n 127\n"
                           "nodes: *n\n"
                           "list: &l [1, 2]\n"
                           "again: *l\n"
                           "*n : as a key\n");
    cfg_node *sign = cfg_get(doc->root, "sign"), *verify = cfg_get(doc->root, "verify");
    cr_assert(sign && verify && verify->kind == CFG_MAP && verify != sign);
    cr_expect_str_eq(cfg_get(verify, "value")->text, "86us");
    cr_expect_eq(verify->line, 1, "a copy keeps the anchored text's position");
    cr_expect_str_eq(cfg_get(doc->root, "nodes")->text, "127");
    cfg_node *again = cfg_get(doc->root, "again");
    cr_assert(again && again->kind == CFG_SEQ && again->n == 2);
    cr_expect_str_eq(again->items[1]->text, "2");
    cr_expect_str_eq(cfg_get(doc->root, "127")->text, "as a key");
    /* Copies are independent: --set through one leaves the anchor alone. */
    err_t e;
    err_clear(&e);
    cr_assert_eq(cfg_doc_set(doc, "verify.value=40us", &e), 0);
    cr_expect_str_eq(cfg_get(sign, "value")->text, "86us");
    cfg_doc_free(doc);
}

Test(reuse, alias_errors_are_positioned)
{
    char buf[512];
    load_fail("a: *x\n", 6, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:4: *x has no anchor: write &x on a value before this alias");
    const char *self = "a: &x {b: [*x]}\n";
    load_fail(self, strlen(self), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:1:12: *x stands inside the value &x names; a value cannot "
                          "contain itself");
    /* 257 anchors. */
    char *text = malloc(16 * 300);
    size_t len = 0;
    for (int i = 0; i <= CFG_MAX_ANCHORS; i++)
        len += (size_t)sprintf(text + len, "k%d: &a%d %d\n", i, i, i);
    load_fail(text, len, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:257:7: more than 256 anchors (&a256); scenarios are limited "
                          "to 256");
    /* A 40-level anchored value copied 40 levels down is 80 levels deep. */
    len = (size_t)sprintf(text, "deep: &d ");
    for (int i = 0; i < 40; i++)
        text[len++] = '[';
    for (int i = 0; i < 40; i++)
        text[len++] = ']';
    len += (size_t)sprintf(text + len, "\nat: ");
    for (int i = 0; i < 40; i++)
        text[len++] = '[';
    len += (size_t)sprintf(text + len, "*d");
    for (int i = 0; i < 40; i++)
        text[len++] = ']';
    text[len++] = '\n';
    load_fail(text, len, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:45: *d nests deeper than 64 levels here");
    free(text);
}

Test(reuse, merge_keys_own_keys_win_then_the_first_source)
{
    cfg_doc *doc = load_ok("x-a: &a {p: 1, q: 1}\n"
                           "x-b: &b {q: 2, r: 2}\n"
                           "m:\n"
                           "  <<: [*a, *b]\n"
                           "  p: 0\n"
                           "one:\n"
                           "  <<: *b\n");
    cfg_node *m = cfg_get(doc->root, "m");
    cr_assert_eq(m->n, 3);
    cr_expect_null(cfg_get(m, "<<"), "the merge key is gone");
    cr_expect_str_eq(cfg_get(m, "p")->text, "0");
    cr_expect_str_eq(cfg_get(m, "q")->text, "1");
    cr_expect_str_eq(cfg_get(m, "r")->text, "2");
    /* In the merge key's place: q and r first, then p. */
    cr_expect_str_eq(m->keys[0], "q");
    cr_expect_str_eq(m->keys[2], "p");
    cr_expect_str_eq(cfg_get(cfg_get(doc->root, "one"), "r")->text, "2");
    /* x- keys hold the anchors and are nobody's business. */
    cfg_ctx c;
    cfg_ctx_init(&c);
    cfg_get(doc->root, "m");
    cfg_get(doc->root, "one");
    cfg_get(cfg_get(doc->root, "one"), "q");
    cfg_check_unused(&c, doc->root);
    cr_expect_eq(c.ndiags, 0, "%s", c.ndiags ? c.diags[0] : "");
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
    char buf[512];
    const char *bad = "m:\n  <<: [{a: 1}, 3]\n";
    load_fail(bad, strlen(bad), buf, sizeof buf);
    cr_expect_str_eq(buf, "t.yaml:2:16: <<: merges mappings (an alias of an anchored mapping, "
                          "or a list of them), not a single value");
}

Test(reuse, include_merges_files_relative_to_the_includer)
{
    char dir[64], path[256], sub[300];
    make_tmpdir(dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    write_in(dir, "main.yaml", "name: x\n"
                                 "consensus:\n"
                                 "  include: sub/./mldsa.yaml\n"
                                 "  sign: {dist: constant, value: 90us}\n");
    write_in(dir, "sub/mldsa.yaml", "# shared costs\n"
                                      "include: ../sizes.yaml\n"
                                      "sign: {dist: constant, value: 86us}\n"
                                      "verify: {dist: constant, value: x}\n");
    write_in(dir, "sizes.yaml", "signature_size: 3309B\n");
    snprintf(path, sizeof path, "%s/main.yaml", dir);
    cfg_doc *doc = NULL;
    err_t e;
    err_clear(&e);
    cr_assert_eq(cfg_load_file(path, &doc, &e), 0, "%s", e.msg);
    cfg_node *cons = cfg_get(doc->root, "consensus");
    cr_assert_eq(cons->n, 3);
    cr_expect_null(cfg_get(cons, "include"));
    cr_expect_str_eq(cfg_get(cfg_get(cons, "sign"), "value")->text, "90us", "own key wins");
    cr_expect_str_eq(cfg_get(cons, "signature_size")->text, "3309B", "nested include");
    cr_assert_eq(doc->nincludes, 2);
    char want[300];
    snprintf(want, sizeof want, "%s/sub/mldsa.yaml", dir);
    cr_expect_str_eq(doc->includes[0].path, want);
    cr_expect(strstr(doc->includes[0].text, "# shared costs") != NULL);
    snprintf(want, sizeof want, "%s/sizes.yaml", dir);
    cr_expect_str_eq(doc->includes[1].path, want, "normalised: no sub/..");
    /* A problem in an included value points into the included file. */
    cfg_ctx c;
    cfg_ctx_init(&c);
    cfg_set_prefix(&c, "consensus.");
    dist_t d;
    cfg_dist(&c, cons, "verify", NULL, 1, &d);
    cr_assert_eq(c.ndiags, 1);
    snprintf(want, sizeof want, "%s/sub/mldsa.yaml:4:", dir);
    cr_expect(strncmp(c.diags[0], want, strlen(want)) == 0, "%s", c.diags[0]);
    /* And so does an unknown key it brings (a fresh load: nothing asked). */
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
    cr_assert_eq(cfg_load_file(path, &doc, &e), 0, "%s", e.msg);
    cons = cfg_get(doc->root, "consensus");
    cfg_ctx_init(&c);
    cfg_get(doc->root, "name");
    cfg_get(doc->root, "consensus");
    cfg_get(cons, "sign");
    cfg_get(cfg_get(cons, "sign"), "dist");
    cfg_get(cons, "verify");
    cfg_check_unused(&c, doc->root);
    cr_assert_geq(c.ndiags, 1);
    snprintf(want, sizeof want, "%s/sizes.yaml:1:1: unknown key 'signature_size'", dir);
    cr_expect(strncmp(c.diags[0], want, strlen(want)) == 0, "%s", c.diags[0]);
    cfg_ctx_free(&c);
    cfg_doc_free(doc);
    remove_tmpdir(dir);
}

Test(reuse, include_errors_name_the_file_and_the_including_line)
{
    char dir[64], buf[1024], want[600];
    make_tmpdir(dir, sizeof dir);
    write_in(dir, "missing.yaml", "m:\n  include: nope.yaml\n");
    cr_expect_eq(load_file_fail(dir, "missing.yaml", buf, sizeof buf), ERR_NOINPUT);
    snprintf(want, sizeof want, "%s/missing.yaml:2:12: cannot open included file '%s/nope.yaml': "
             "No such file or directory", dir, dir);
    cr_expect_str_eq(buf, want);

    write_in(dir, "a.yaml", "x: 1\nm:\n  include: b.yaml\n");
    write_in(dir, "b.yaml", "include: [c.yaml]\n");
    write_in(dir, "c.yaml", "y: 2\ninclude: a.yaml\n");
    cr_expect_eq(load_file_fail(dir, "a.yaml", buf, sizeof buf), ERR_DATA);
    snprintf(want, sizeof want, "%s/c.yaml:2:10: include cycle: %s/a.yaml -> %s/b.yaml -> "
             "%s/c.yaml -> %s/a.yaml; a file cannot include itself (included from "
             "%s/b.yaml:1:11) (included from %s/a.yaml:3:12)", dir, dir, dir, dir, dir, dir, dir);
    cr_expect_str_eq(buf, want);

    write_in(dir, "list.yaml", "m:\n  include: list_inc.yaml\n");
    write_in(dir, "list_inc.yaml", "- 1\n- 2\n");
    load_file_fail(dir, "list.yaml", buf, sizeof buf);
    snprintf(want, sizeof want, "%s/list_inc.yaml:1:1: an included file must be a mapping of "
             "keys (they are merged into the mapping that includes it) (included from "
             "%s/list.yaml:2:12)", dir, dir);
    cr_expect_str_eq(buf, want);

    write_in(dir, "syntax.yaml", "m: {include: syntax_inc.yaml}\n");
    write_in(dir, "syntax_inc.yaml", "a: [1\n");
    load_file_fail(dir, "syntax.yaml", buf, sizeof buf);
    snprintf(want, sizeof want, "(included from %s/syntax.yaml:1:14)", dir);
    cr_expect(strstr(buf, want) != NULL && strstr(buf, "syntax_inc.yaml:2:1: YAML syntax"),
              "%s", buf);

    write_in(dir, "kind.yaml", "m:\n  include: {a: 1}\n");
    load_file_fail(dir, "kind.yaml", buf, sizeof buf);
    snprintf(want, sizeof want, "%s/kind.yaml:2:12: include: wants a file name or a list of "
             "file names, not a mapping", dir);
    cr_expect_str_eq(buf, want);
    remove_tmpdir(dir);
}

Test(reuse, known_sources_stand_in_for_the_disk)
{
    cfg_source known = { "nowhere/shared.yaml", "k: 1\n", 5 };
    cfg_doc *doc = NULL;
    err_t e;
    err_clear(&e);
    const char *text = "m:\n  include: ./shared.yaml\n";
    cr_assert_eq(cfg_load_with("nowhere/main.yaml", text, strlen(text), &known, 1, &doc, &e), 0,
                 "%s", e.msg);
    cr_expect_str_eq(cfg_get(cfg_get(doc->root, "m"), "k")->text, "1");
    cr_assert_eq(doc->nincludes, 1);
    cr_expect_str_eq(doc->includes[0].path, "nowhere/shared.yaml");
    cr_expect_str_eq(doc->includes[0].text, "k: 1\n");
    cfg_doc_free(doc);
}

Test(reuse, included_files_are_bounded_in_all)
{
    char dir[64], buf[1024], want[600];
    make_tmpdir(dir, sizeof dir);
    /* Five files of 3.5 MB each: every one within the per-file limit, the
     * fifth over the 16 MB of all included files together. */
    size_t size = 3584u << 10;
    char *text = malloc(size + 1);
    cr_assert_not_null(text);
    memset(text, ' ', size);
    text[0] = '#';
    memcpy(text + size - 6, "\nk: 1\n", 6);
    text[size] = '\0';
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "big%d.yaml", i);
        write_in(dir, name, text);
    }
    free(text);
    write_in(dir, "main.yaml",
               "m:\n  include: [big0.yaml, big1.yaml, big2.yaml, big3.yaml, big4.yaml]\n");
    cr_expect_eq(load_file_fail(dir, "main.yaml", buf, sizeof buf), ERR_DATA);
    snprintf(want, sizeof want, "%s/main.yaml:2:57: the included files hold more than 16 MB in "
             "all; scenarios are limited to 16 MB", dir);
    cr_expect_str_eq(buf, want);
    remove_tmpdir(dir);
}

Test(reuse, included_files_are_bounded_in_number)
{
    char dir[64], buf[1024], want[600];
    make_tmpdir(dir, sizeof dir);
    size_t cap = 16 * (CFG_MAX_INCLUDE_FILES + 2) + 32, len = 0;
    char *main_text = malloc(cap);
    cr_assert_not_null(main_text);
    len += (size_t)snprintf(main_text, cap, "m:\n  include:\n");
    for (int i = 0; i <= CFG_MAX_INCLUDE_FILES; i++) {
        char name[32], text[32];
        snprintf(name, sizeof name, "f%d.yaml", i);
        snprintf(text, sizeof text, "k%d: %d\n", i, i);
        write_in(dir, name, text);
        len += (size_t)snprintf(main_text + len, cap - len, "    - %s\n", name);
    }
    write_in(dir, "main.yaml", main_text);
    free(main_text);
    cr_expect_eq(load_file_fail(dir, "main.yaml", buf, sizeof buf), ERR_DATA);
    snprintf(want, sizeof want, "%s/main.yaml:259:7: more than 256 included files; scenarios "
             "are limited to 256", dir);
    cr_expect_str_eq(buf, want);
    remove_tmpdir(dir);
}

/* ------------------------------------------------------------------------
 * getters: the path of nested keys in messages
 */

Test(getters, prefix_enter_and_leave)
{
    cfg_ctx c;
    cfg_ctx_init(&c);
    char saved[sizeof c.prefix];
    cfg_set_prefix(&c, "consensus.");
    cfg_prefix_enter(&c, "availability", saved);
    cr_expect_str_eq(c.prefix, "consensus.availability.");
    cfg_set_prefix(&c, saved);
    cr_expect_str_eq(c.prefix, "consensus.");
    cfg_ctx_free(&c);
}

/* Every message names the whole path of a nested key (issue 13): a bad
 * consensus.availability.deadline is reported as that, not as
 * "consensus.deadline", and so for list items, the network's sub-mappings
 * and a model table's custom rows. */
Test(getters, nested_keys_keep_their_path)
{
    static const char *const want[] = {
        "consensus.availability.deadline: -5ms is out of range",
        "consensus.availability.failures: 'maybe' is not true or false",
        "consensus.availability.start_date: expected a date",
        "consensus.network.delay.value: -1ms is below the minimum",
        "consensus.network.class_delay.vote.value: -2ms is below the minimum",
        "consensus.network.bandwidth_mbps: -3 is out of range",
        "consensus.network.regions.count: 99 is out of range",
        "consensus.network.partitions[0].first: -1 is out of range",
        "consensus.faults[1].count: 99 is out of range",
        "consensus.faults[0].drop: 2 is out of range",
        "attacks.timeline[0].detect.probability: 2 is out of range",
        "attacks.timeline[0].machine.cycle: -1us is out of range",
        "response.false_positives[0].rate: '-3/d' is negative",
    };
    const char *text =
        "name: t\nduration: 1s\nconsensus:\n  nodes: 4\n"
        "  availability: {deadline: -5ms, failures: maybe, start_date: 7}\n"
        "  network: {bandwidth_mbps: -3, delay: {dist: constant, value: -1ms},\n"
        "            class_delay: {vote: {dist: constant, value: -2ms}},\n"
        "            regions: {count: 99}, partitions: [{first: -1, count: 1, from: 1s, to: 2s}]}\n"
        "  faults: [{behaviour: silent, drop: 2}, {behaviour: crash, count: 99}]\n"
        "attacks:\n  timeline:\n    - {type: grover, at: 1h, detect: {probability: 2},\n"
        "       machine: {cipher: aes128, cycle: -1us, code_distance: 25, machines: 1}}\n"
        "response:\n  false_positives: [{type: quantum_attack, rate: -3/d}]\n";
    cfg_ctx c;
    cfg_ctx_init(&c);
    scenario_t *sc = NULL;
    err_t e;
    err_clear(&e);
    cr_expect_neq(load_scenario_text(text, NULL, 0, &c, &sc, &e), 0);
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        int found = 0;
        for (size_t i = 0; i < c.ndiags; i++)
            found |= strstr(c.diags[i], want[k]) != NULL;
        cr_expect(found, "no diagnostic '%s'", want[k]);
    }
    /* No message names a nested key by its leaf under the model alone. */
    for (size_t i = 0; i < c.ndiags; i++)
        cr_expect(strstr(c.diags[i], ": consensus.deadline") == NULL &&
                      strstr(c.diags[i], ": consensus.count") == NULL &&
                      strstr(c.diags[i], ": consensus.delay") == NULL,
                  "leaf-only name in '%s'", c.diags[i]);
    cfg_ctx_free(&c);
    scenario_free(sc);
}
