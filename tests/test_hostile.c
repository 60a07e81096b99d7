/* test_hostile.c - safe under hostile and careless use (issue 17): every
 * output sink fed the strings an attacker would try, hostile results
 * files turned into reports, output targets that are not regular files,
 * and two runs sharing one --out.
 *
 * The hostile strings: a newline, a quote, "system(", a backquote, "$(",
 * "../" and a 10 kB name.  Each test works in its own mkdtemp directory.
 */
#define _XOPEN_SOURCE 700   /* nftw */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plots.h"
#include "sink.h"
#include "testutil.h"

static char long_name[10241];

static const char *const hostile[] = {
    "\n", "\"", "system(", "`", "$(", "../", long_name,
    "x\nsystem(\"touch /tmp/pwned\")\n", "a`id`b", "$(id)", "\\", "'", "<script>", "|",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static void fill_long_name(void)
{
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
}

/* What a sink writes for s, in a malloc'd string. */
typedef void (*sink_fn)(FILE *, const char *);
static char *through(sink_fn fn, const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fn(f, s);
    fclose(f);
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- sinks ---- */

TestSuite(sinks, .init = fill_long_name);

Test(sinks, gnuplot_string_is_one_inert_literal)
{
    for (size_t i = 0; i < NHOSTILE; i++) {
        char *out = through(sink_gnuplot_string, hostile[i]);
        size_t n = strlen(out);
        cr_assert(n >= 2 && out[0] == '"' && out[n - 1] == '"', "not quoted: %s", out);
        for (size_t k = 1; k + 1 < n; k++) {
            cr_assert(out[k] != '"' && out[k] != '`' && out[k] != '\n' && out[k] != '$' &&
                          out[k] != '@',
                      "raw %c in %s", out[k], out);
            if (out[k] == '\\') {
                /* Only \n and three-digit octal escapes. */
                cr_assert(out[k + 1] == 'n' || (out[k + 1] >= '0' && out[k + 1] <= '3' &&
                                                out[k + 2] >= '0' && out[k + 2] <= '7' &&
                                                out[k + 3] >= '0' && out[k + 3] <= '7'),
                          "bad escape in %s", out);
                k += out[k + 1] == 'n' ? 1 : 3;
            }
        }
        free(out);
    }
}

/* Round trip through gnuplot itself: printing each literal gives the
 * original text back, and nothing is run. */
Test(sinks, gnuplot_reads_the_literals_back_and_runs_nothing)
{
    char gnuplot[1024];
    if (plots_find_gnuplot(gnuplot, sizeof gnuplot) != 0)
        cr_skip_test("gnuplot not installed");
    char dir[64], script[128], out[128], marker[128], cmd[1200];
    make_tmpdir(dir, sizeof dir);
    snprintf(script, sizeof script, "%s/t.gp", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    snprintf(marker, sizeof marker, "%s/pwned", dir);
    FILE *f = fopen(script, "w");
    cr_assert_not_null(f);
    fprintf(f, "set print \"%s\"\n", out);
    char attack[600];
    snprintf(attack, sizeof attack, "`touch %s` $(touch %s) \"; system(\"touch %s\")", marker,
             marker, marker);
    const char *extra[] = { attack };
    for (size_t i = 0; i < NHOSTILE + 1; i++) {
        const char *s = i < NHOSTILE ? hostile[i] : extra[0];
        fputs("# ", f), sink_gnuplot_comment(f, s), fputc('\n', f);
        fputs("print ", f), sink_gnuplot_string(f, s), fputc('\n', f);
    }
    fclose(f);
    snprintf(cmd, sizeof cmd, "cd %s && %s t.gp 2>/dev/null", dir, gnuplot);
    cr_assert_eq(system(cmd), 0, "gnuplot failed on the script");
    cr_expect(!exists(marker), "gnuplot ran a command");
    static char got[64 * 1024], want[64 * 1024];
    slurp(out, got, sizeof got);
    want[0] = '\0';
    for (size_t i = 0; i < NHOSTILE + 1; i++) {
        strcat(want, i < NHOSTILE ? hostile[i] : extra[0]);
        strcat(want, "\n");
    }
    cr_expect_str_eq(got, want);
    remove_tmpdir(dir);
}

Test(sinks, gnuplot_comment_and_data_stay_on_one_line)
{
    for (size_t i = 0; i < NHOSTILE; i++) {
        char *c = through(sink_gnuplot_comment, hostile[i]);
        cr_expect_null(strpbrk(c, "\n\r\\`"), "comment: %s", c);
        free(c);
        char *d = through(sink_gnuplot_data, hostile[i]);
        cr_expect_null(strpbrk(d, "\n\r\t"), "data: %s", d);
        cr_expect_gt(strlen(d), 0);
        free(d);
    }
}

Test(sinks, html_has_no_markup)
{
    for (size_t i = 0; i < NHOSTILE; i++) {
        char *h = through(sink_html, hostile[i]);
        cr_expect_null(strpbrk(h, "<>\"'"), "html: %s", h);
        for (char *a = strchr(h, '&'); a; a = strchr(a + 1, '&'))
            cr_expect(!strncmp(a, "&lt;", 4) || !strncmp(a, "&gt;", 4) ||
                          !strncmp(a, "&amp;", 5) || !strncmp(a, "&quot;", 6) ||
                          !strncmp(a, "&#39;", 5),
                      "bare & in %s", h);
        free(h);
    }
}

Test(sinks, markdown_escapes_every_special_character)
{
    for (size_t i = 0; i < NHOSTILE; i++) {
        char *m = through(sink_markdown, hostile[i]);
        cr_expect_null(strpbrk(m, "\n\r"), "markdown: %s", m);
        for (const char *p = m; *p; p++) {
            if (*p == '\\') {
                cr_assert(p[1], "dangling backslash in %s", m);
                p++;
                continue;
            }
            cr_expect_null(strchr("`*_[]<>|&~#!{}", *p), "unescaped %c in %s", *p, m);
        }
        free(m);
    }
    cr_expect_eq(sink_markdown_fence("no fence"), 3);
    cr_expect_eq(sink_markdown_fence("a ```` b `` c"), 5);
}

/* Parses one RFC 4180 field back. */
static void csv_parse(const char *s, char *out, size_t size)
{
    size_t k = 0;
    if (*s == '"') {
        for (s++; *s && k + 1 < size; s++) {
            if (*s == '"') {
                if (s[1] != '"')
                    break;
                s++;
            }
            out[k++] = *s;
        }
    } else {
        for (; *s && k + 1 < size; s++) {
            cr_assert(*s != ',' && *s != '\n' && *s != '"', "unquoted special character");
            out[k++] = *s;
        }
    }
    out[k] = '\0';
}

Test(sinks, csv_round_trips_and_defuses_formulas)
{
    static char back[16384];
    for (size_t i = 0; i < NHOSTILE; i++) {
        char *c = through(sink_csv, hostile[i]);
        csv_parse(c, back, sizeof back);
        cr_expect_str_eq(back, hostile[i]);
        free(c);
    }
    const char *formulas[] = { "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1" };
    for (size_t i = 0; i < sizeof formulas / sizeof formulas[0]; i++) {
        char *c = through(sink_csv, formulas[i]);
        csv_parse(c, back, sizeof back);
        cr_expect_eq(back[0], '\'', "formula not defused: %s", c);
        cr_expect_str_eq(back + 1, formulas[i]);
        free(c);
    }
    char *n = through(sink_csv, "-1.5e3");
    cr_expect_str_eq(n, "-1.5e3", "a number stays a number");
    free(n);
}

/* Decodes a JSON string literal (the escapes sink_json_string writes);
 * -1 when it is not one (unquoted, a raw control character, a bad escape,
 * text after the closing quote). */
static int json_parse(const char *in, char *out, size_t size)
{
    size_t k = 0;
    if (*in++ != '"')
        return -1;
    for (; *in && *in != '"'; in++) {
        unsigned char c = (unsigned char)*in;
        if (c < 0x20 || k + 4 >= size)
            return -1;
        if (c != '\\') {
            out[k++] = (char)c;
            continue;
        }
        c = (unsigned char)*++in;
        if (c == 'n' || c == 't' || c == '"' || c == '\\') {
            out[k++] = c == 'n' ? '\n' : c == 't' ? '\t' : (char)c;
        } else if (c == 'u') {
            unsigned v;
            if (sscanf(in + 1, "%4x", &v) != 1)
                return -1;
            in += 4;
            if (v == 0xfffd)
                out[k++] = '?';
            else if (v < 0x80)
                out[k++] = (char)v;
            else
                return -1;
        } else {
            return -1;
        }
    }
    out[k] = '\0';
    return in[0] == '"' && in[1] == '\0' ? 0 : -1;
}

Test(sinks, json_strings_round_trip_and_stay_valid)
{
    static char back[16384];
    for (size_t i = 0; i < NHOSTILE; i++) {
        char *j = through(sink_json_string, hostile[i]);
        cr_assert_eq(json_parse(j, back, sizeof back), 0, "not a JSON string: %s", j);
        cr_expect_str_eq(back, hostile[i]);
        free(j);
    }
    const char *controls = "a\x01" "b\x1f\x7f\r";
    char *j = through(sink_json_string, controls);
    cr_expect_str_eq(j, "\"a\\u0001b\\u001f\\u007f\\u000d\"");
    free(j);
    /* Valid UTF-8 is kept; a stray byte, an overlong '/' and a surrogate
     * become U+FFFD (one per byte), so Python's json.loads accepts it. */
    j = through(sink_json_string, "\xc3\xa9 \xff \xc0\xaf \xed\xa0\x80");
    cr_expect_str_eq(j, "\"\xc3\xa9 \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\"");
    free(j);
    char buf[64];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_assert(f);
    sink_json_number(f, 0.1), fputc(' ', f), sink_json_number(f, NAN), fputc(' ', f);
    sink_json_number(f, -INFINITY), fputc(' ', f), sink_json_number(f, 1e300);
    fclose(f);
    cr_expect_str_eq(buf, "0.10000000000000001 null null 1.0000000000000001e+300");
}

Test(sinks, text_h5_names_and_file_stems)
{
    char buf[16384];
    for (size_t i = 0; i < NHOSTILE; i++) {
        sink_text(hostile[i], 0, buf, sizeof buf);
        for (const char *p = buf; *p; p++)
            cr_expect((unsigned char)*p >= 0x20, "control character left");
        sink_file_stem(hostile[i], buf, sizeof buf);
        cr_expect(strlen(buf) > 0 && strlen(buf) <= 105, "stem length %zu", strlen(buf));
        cr_expect(buf[0] != '.' && buf[0] != '-', "stem %s", buf);
        for (const char *p = buf; *p; p++)
            cr_expect(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
                             *p) != NULL, "stem %s", buf);
    }
    char a[128], b[128];
    sink_file_stem("a/b", a, sizeof a);
    sink_file_stem("a_b", b, sizeof b);
    cr_expect_str_neq(a, b, "changed names keep distinct stems");
    sink_file_stem("mmc.wait", a, sizeof a);
    cr_expect_str_eq(a, "mmc.wait", "a safe name is its own stem");
    cr_expect_eq(sink_h5_name("\n"), -1);
    cr_expect_eq(sink_h5_name("../"), -1);
    cr_expect_eq(sink_h5_name("."), -1);
    cr_expect_eq(sink_h5_name(""), -1);
    cr_expect_eq(sink_h5_name(long_name), -1);
    cr_expect_eq(sink_h5_name("mmc.wait"), 0);
}

Test(sinks, names_keep_to_their_character_sets)
{
    char why[300];
    const sink_name_kind kinds[] = { SINK_NAME_FILE, SINK_NAME_ID, SINK_NAME_PATH,
                                     SINK_NAME_LABEL };
    /* Refused by every kind (system( and ../ are fine as a label). */
    for (size_t i = 0; i < NHOSTILE; i++)
        for (size_t k = 0; k < 4; k++) {
            int label_ok = kinds[k] == SINK_NAME_LABEL &&
                           (!strcmp(hostile[i], "system(") || !strcmp(hostile[i], "../") ||
                            !strcmp(hostile[i], "'") || !strcmp(hostile[i], "<script>"));
            int path_ok = kinds[k] == SINK_NAME_PATH && !strcmp(hostile[i], "$(");
            (void)path_ok;
            if (label_ok)
                continue;
            cr_expect_eq(sink_name_check(hostile[i], kinds[k], why, sizeof why), -1,
                         "kind %zu accepted a hostile name (%zu)", k, i);
        }
    cr_expect_eq(sink_name_check("..", SINK_NAME_FILE, why, sizeof why), -1);
    cr_expect_eq(sink_name_check(".hidden", SINK_NAME_FILE, why, sizeof why), -1);
    cr_expect_eq(sink_name_check("-rf", SINK_NAME_ID, why, sizeof why), -1);
    cr_expect_eq(sink_name_check("grover_attack", SINK_NAME_FILE, why, sizeof why), 0);
    cr_expect_eq(sink_name_check("soc_analyst", SINK_NAME_ID, why, sizeof why), 0);
    cr_expect_eq(sink_name_check("auth.latency_p99", SINK_NAME_PATH, why, sizeof why), 0);
    cr_expect_eq(sink_name_check("agent coordination in 63-78 ms (p99 < 0.25 ms)",
                                 SINK_NAME_LABEL, why, sizeof why), 0);
}

/* ---- hostile results files ---- */

static hid_t vstr(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static void strings(hid_t g, const char *name, const char *const *v, hsize_t n)
{
    hid_t t = vstr(), s = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(g, name, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(d, 0, "cannot create %s", name);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(d), H5Sclose(s), H5Tclose(t);
}

typedef struct summary_row {
    double mean, ci95_low, ci95_high, p50, p95, p99, n;
    uint64_t replications;
} summary_row;

typedef struct claim_row {
    const char *name, *metric, *statistic, *bound, *source, *verdict, *unit, *note;
    double estimate, ci95_low, ci95_high, bound_low, bound_high;
} claim_row;

/* A 1-D sweep over two points with one claim and one time metric, every
 * string in it an attack on some output (marker: where a command that ran
 * would leave its trace). */
static void write_hostile_results(const char *path, const char *marker)
{
    char attack[1200], metric[300], scen[600];
    snprintf(attack, sizeof attack,
             "x\n`touch %s`\n$(touch %s)\"; system(\"touch %s\")\n# \\\nsystem(\"touch %s\") "
             "</svg></pre><script>alert(1)</script> ``` |a|b| [x](javascript:alert(1)) \033[31m",
             marker, marker, marker, marker);
    /* HDF5 names cannot hold '/': relative to the working directory. */
    snprintf(metric, sizeof metric, "m.$(touch pwned-metric)`touch pwned-metric`\"x\n");
    snprintf(scen, sizeof scen, "s\n`touch %s`\033]0;title\a", marker);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    attr_str(f, "scenario", scen);
    attr_str(f, "scenario_file", attack);
    attr_str(f, "scenario_text", "name: s\n# ASSUMPTION ``` </pre><script>x</script>\n"
                                 "duration: 10s\n");
    attr_str(f, "command_line", attack);
    attr_str(f, "git_revision", attack);
    attr_str(f, "code_version", "test");
    attr_str(f, "start_time", attack);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(f, "/sweep/axes", lcpl, H5P_DEFAULT, H5P_DEFAULT);
    const char *values[] = { attack, "=cmd|' /C calc'!A0" };
    strings(g, "a.$(touch pwned-axis)", values, 2);
    H5Gclose(g);
    g = H5Gcreate2(f, "/sweep/points", lcpl, H5P_DEFAULT, H5P_DEFAULT);
    strings(g, "a.$(touch pwned-axis)", values, 2);
    H5Gclose(g);
    g = H5Gopen2(f, "/sweep", H5P_DEFAULT);
    attr_str(g, "mode", "grid");
    H5Gclose(g);
    hid_t ts = H5Tcreate(H5T_COMPOUND, sizeof(summary_row));
    H5Tinsert(ts, "mean", HOFFSET(summary_row, mean), H5T_NATIVE_DOUBLE);
    H5Tinsert(ts, "ci95_low", HOFFSET(summary_row, ci95_low), H5T_NATIVE_DOUBLE);
    H5Tinsert(ts, "ci95_high", HOFFSET(summary_row, ci95_high), H5T_NATIVE_DOUBLE);
    H5Tinsert(ts, "n", HOFFSET(summary_row, n), H5T_NATIVE_DOUBLE);
    H5Tinsert(ts, "replications", HOFFSET(summary_row, replications), H5T_NATIVE_UINT64);
    summary_row rows[2] = { { 1, 0.9, 1.1, 1, 1, 1, 10, 3 }, { 2, 1.9, 2.1, 2, 2, 2, 10, 3 } };
    hsize_t two = 2;
    hid_t sp = H5Screate_simple(1, &two, NULL);
    char dpath[600];
    snprintf(dpath, sizeof dpath, "/sweep/summary/%s", metric);
    hid_t d = H5Dcreate2(f, dpath, ts, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(d, 0);
    H5Dwrite(d, ts, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows);
    attr_str(d, "units", "s");
    attr_str(d, "description", attack);
    H5Dclose(d), H5Sclose(sp);
    /* A CDF for the metric, so that a latency CDF is drawn too. */
    double cdf[2][101];
    for (int r = 0; r < 2; r++)
        for (int p = 0; p < 101; p++)
            cdf[r][p] = p / 100.0 + r;
    hsize_t cd[2] = { 2, 101 };
    sp = H5Screate_simple(2, cd, NULL);
    snprintf(dpath, sizeof dpath, "/cdf/%s", metric);
    d = H5Dcreate2(f, dpath, H5T_NATIVE_DOUBLE, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, cdf);
    attr_str(d, "units", "s");
    attr_str(d, "description", attack);
    H5Dclose(d), H5Sclose(sp), H5Tclose(ts);
    hid_t s = vstr(), tc = H5Tcreate(H5T_COMPOUND, sizeof(claim_row));
    H5Tinsert(tc, "name", HOFFSET(claim_row, name), s);
    H5Tinsert(tc, "metric", HOFFSET(claim_row, metric), s);
    H5Tinsert(tc, "statistic", HOFFSET(claim_row, statistic), s);
    H5Tinsert(tc, "bound", HOFFSET(claim_row, bound), s);
    H5Tinsert(tc, "source", HOFFSET(claim_row, source), s);
    H5Tinsert(tc, "verdict", HOFFSET(claim_row, verdict), s);
    H5Tinsert(tc, "unit", HOFFSET(claim_row, unit), s);
    H5Tinsert(tc, "note", HOFFSET(claim_row, note), s);
    H5Tinsert(tc, "estimate", HOFFSET(claim_row, estimate), H5T_NATIVE_DOUBLE);
    H5Tinsert(tc, "ci95_low", HOFFSET(claim_row, ci95_low), H5T_NATIVE_DOUBLE);
    H5Tinsert(tc, "ci95_high", HOFFSET(claim_row, ci95_high), H5T_NATIVE_DOUBLE);
    H5Tinsert(tc, "bound_low", HOFFSET(claim_row, bound_low), H5T_NATIVE_DOUBLE);
    H5Tinsert(tc, "bound_high", HOFFSET(claim_row, bound_high), H5T_NATIVE_DOUBLE);
    claim_row cl[2];
    for (int p = 0; p < 2; p++)
        cl[p] = (claim_row){ attack, metric, "mean", attack, attack, p ? "FAILS" : "HOLDS",
                             attack, attack, 1.0 + p, 0.9, 1.1, NAN, 1.5 };
    hsize_t cdims[2] = { 1, 2 };
    sp = H5Screate_simple(2, cdims, NULL);
    d = H5Dcreate2(f, "/claims/table", tc, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, tc, H5S_ALL, H5S_ALL, H5P_DEFAULT, cl);
    H5Dclose(d), H5Sclose(sp), H5Tclose(tc), H5Tclose(s);
    g = H5Gopen2(f, "/claims", H5P_DEFAULT);
    const char *regions[] = { attack };
    strings(g, "regions", regions, 1);
    H5Gclose(g), H5Pclose(lcpl), H5Fclose(f);
}

/* Runs mwrasp-report with args from directory cwd; returns its status. */
static int report_in(const char *cwd, const char *const *args, char *out, size_t size)
{
    const char *bin = getenv("MWRASP_REPORT");
    char abs[1024];
    if (!bin || !*bin) {
        cr_assert_not_null(realpath("analysis/mwrasp-report", abs));
        bin = abs;
    }
    return run_program(cwd, bin, args, out, size);
}

/* Every file under dir whose name starts with "pwned" (a command ran). */
static int pwned_found;
static int find_pwned(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag;
    if (!strncmp(path + ftw->base, "pwned", 5))
        pwned_found++;
    return 0;
}

/* Every entry directly in dir is one of allowed[] (NULL-terminated). */
static void expect_only(const char *dir, const char *const *allowed)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = !strcmp(*a, de->d_name);
        cr_expect(ok, "unexpected file %s/%s", dir, de->d_name);
    }
    closedir(d);
}

/* Blanks out fenced code blocks (``` ... ```, fence length respected) in
 * md: what remains is what a Markdown viewer interprets. */
static void markdown_prose(char *md)
{
    size_t fence = 0;
    for (char *line = md; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        size_t ticks = strspn(line, "`");
        int toggles = ticks >= 3 && (!fence || ticks >= fence);
        if (fence || toggles)
            memset(line, ' ', len);
        if (toggles)
            fence = fence ? 0 : ticks;
        line += len + (nl != NULL);
    }
}

/* Whether needle occurs in md with its first character not escaped by a
 * backslash (so that a viewer would interpret it). */
static int md_live(const char *md, const char *needle)
{
    for (const char *p = strstr(md, needle); p; p = strstr(p + 1, needle))
        if (p == md || p[-1] != '\\')
            return 1;
    return 0;
}

static void slurp_alloc(const char *path, char **buf)
{
    static char big[4 << 20];
    slurp(path, big, sizeof big);
    *buf = strdup(big);
}

TestSuite(reports, .timeout = 300);

Test(reports, hostile_results_file_runs_nothing_and_writes_only_its_outputs)
{
    char dir[64], marker[128], h5[128], cmd[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(marker, sizeof marker, "%s/pwned", dir);
    snprintf(h5, sizeof h5, "%s/hostile.h5", dir);
    write_hostile_results(h5, marker);
    static char out[65536];
    const char *args[] = { "hostile.h5", "--csv", "csv", NULL };
    int rc = report_in(dir, args, out, sizeof out);
    cr_expect_eq(rc, 0, "mwrasp-report failed (%d):\n%s", rc, out);
    cr_expect_null(strchr(out, '\033'), "an escape sequence reached the terminal");
    pwned_found = 0;
    nftw(dir, find_pwned, 16, FTW_PHYS);
    nftw("/tmp", find_pwned, 1, FTW_PHYS);   /* /tmp/pwned* itself */
    cr_expect_eq(pwned_found, 0, "a command from the results file ran");
    const char *top[] = { "hostile.h5", "hostile", "csv", NULL };
    expect_only(dir, top);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/hostile", dir);
    const char *inner[] = { "report.md", "report.html", "dashboard.txt", "executive.txt",
                            "plots", NULL };
    expect_only(sub, inner);
    char *html, *md, *csv, *dash;
    snprintf(sub, sizeof sub, "%s/hostile/report.html", dir);
    slurp_alloc(sub, &html);
    snprintf(sub, sizeof sub, "%s/hostile/report.md", dir);
    slurp_alloc(sub, &md);
    snprintf(sub, sizeof sub, "%s/csv/claims.csv", dir);
    slurp_alloc(sub, &csv);
    snprintf(sub, sizeof sub, "%s/hostile/dashboard.txt", dir);
    slurp_alloc(sub, &dash);
    cr_expect_null(strstr(html, "<script"), "script in report.html");
    cr_expect_null(strstr(html, "javascript:alert(1)\""), "link in report.html");
    markdown_prose(md);
    cr_expect(!md_live(md, "<script"), "raw HTML in report.md");
    cr_expect(!md_live(md, "](javascript"), "link in report.md");
    cr_expect_not_null(strstr(csv, "'=cmd"), "CSV formula defused");
    cr_expect_null(strstr(csv, ",=cmd"), "CSV formula left live");
    cr_expect_null(strchr(dash, '\033'), "escape sequence in dashboard.txt");
    /* No line of a gnuplot script holds a backquote (gnuplot runs what is
     * between two, even inside "..."). */
    snprintf(cmd, sizeof cmd, "cat %s/hostile/plots/*.gp | grep -c '[`]' > %s/n.txt", dir, dir);
    cr_expect_neq(system(cmd), -1);
    snprintf(sub, sizeof sub, "%s/n.txt", dir);
    char n[32];
    slurp(sub, n, sizeof n);
    cr_expect_eq(atoi(n), 0, "%s line(s) of the .gp files hold a backquote", n);
    unlink(sub);
    free(html), free(md), free(csv), free(dash);
    remove_tmpdir(dir);
}

Test(reports, hostile_claim_name_in_a_scenario_is_refused_before_anything_is_written)
{
    char dir[64], yaml[128], h5[128], marker[128];
    make_tmpdir(dir, sizeof dir);
    snprintf(yaml, sizeof yaml, "%s/h1.yaml", dir);
    snprintf(h5, sizeof h5, "%s/h1.h5", dir);
    snprintf(marker, sizeof marker, "%s/pwned", dir);
    char text[1024];
    snprintf(text, sizeof text,
             "name: h1\nduration: 10s\nreplications: 2\n"
             "mmc: {servers: 2, arrival_rate: 1/s, service: {dist: exponential, mean: 1s}}\n"
             "sweep:\n  mmc.servers: [2, 3]\n"
             "claims:\n  - name: \"x\\nsystem(\\\"touch %s\\\")\\n\"\n    metric: mmc.wait\n"
             "    bound: {max: 1s}\n    source: test\n", marker);
    write_file(yaml, text);
    const char *args[] = { "--plot", "--out", h5, yaml, NULL };
    run_out o;
    run_sim(args, &o);
    cr_expect_eq(o.status, 65, "%s", o.err);
    char where[160];
    snprintf(where, sizeof where, "%s:8:11: claims.name", yaml);
    cr_expect_not_null(strstr(o.err, where), "%s", o.err);
    cr_expect(!exists(marker));
    cr_expect(!exists(h5));
    remove_tmpdir(dir);
}

/* ---- output targets ---- */

TestSuite(targets, .timeout = 120);

static void expect_refused(const char *out, const char *say)
{
    const char *args[] = { "--quiet", "--out", out, "scenarios/mmc.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_expect_eq(o.status, 73, "--out '%s': exit %d\n%s", out, o.status, o.err);
    cr_expect_not_null(strstr(o.err, say), "--out '%s':\n%s", out, o.err);
}

Test(targets, non_regular_or_unwritable_targets_exit_73_before_running)
{
    struct stat before, after;
    cr_assert_eq(stat("/dev/null", &before), 0);
    expect_refused("/dev/null", "a device");
    expect_refused("", "empty");
    expect_refused("/tmp", "a directory");
    expect_refused("/tmp/", "names a directory");
    expect_refused("/proc/version", "cannot create files");
    cr_assert_eq(stat("/dev/null", &after), 0);
    cr_expect(S_ISCHR(after.st_mode) && after.st_rdev == before.st_rdev, "/dev/null replaced");
    cr_expect(!exists("/tmp.journal") && !exists("/dev/null.journal"));
    char dir[64], link[128], target[128], fifo[128], csvfile[128], h5[128];
    make_tmpdir(dir, sizeof dir);
    snprintf(link, sizeof link, "%s/link.h5", dir);
    snprintf(target, sizeof target, "%s/elsewhere", dir);
    write_file(target, "precious\n");
    cr_assert_eq(symlink(target, link), 0);
    expect_refused(link, "a symbolic link");
    snprintf(fifo, sizeof fifo, "%s/fifo.h5", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    expect_refused(fifo, "a FIFO");
    char buf[64];
    slurp(target, buf, sizeof buf);
    cr_expect_str_eq(buf, "precious\n", "the link's target was touched");
    /* --csv naming a file, and a journal path that is a directory. */
    snprintf(csvfile, sizeof csvfile, "%s/csv", dir);
    write_file(csvfile, "x");
    snprintf(h5, sizeof h5, "%s/r.h5", dir);
    const char *args[] = { "--quiet", "--out", h5, "--csv", csvfile, "scenarios/mmc.yaml", NULL };
    run_out o;
    run_sim(args, &o);
    cr_expect_eq(o.status, 73, "%s", o.err);
    cr_expect(!exists(h5));
    char jdir[160];
    snprintf(jdir, sizeof jdir, "%s.journal", h5);
    cr_assert_eq(mkdir(jdir, 0700), 0);
    expect_refused(h5, "journal");
    remove_tmpdir(dir);
}

/* ---- two runs, one --out ---- */

TestSuite(journal, .timeout = 300);

static long file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static void wait_for_journal(const char *path, long bytes)
{
    for (int i = 0; i < 6000 && file_size(path) < bytes; i++)
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    cr_assert_geq(file_size(path), bytes, "the run never journalled");
}

#define LONG_RUN(out, seed) \
    "--quiet", "--threads", "1", "--seed", seed, "--out", out, "--sweep", \
    "mmc.servers=30,32,34", "--replications", "400", "--duration", "2000s", "scenarios/mmc.yaml"

Test(journal, a_second_run_on_the_same_out_is_refused_at_once)
{
    char dir[64], h5[128], j[160];
    make_tmpdir(dir, sizeof dir);
    snprintf(h5, sizeof h5, "%s/r.h5", dir);
    snprintf(j, sizeof j, "%s.journal", h5);
    const char *first[] = { LONG_RUN(h5, "1"), NULL };
    pid_t pid = spawn_sim(first);
    wait_for_journal(j, 2000);
    const char *second[] = { LONG_RUN(h5, "2"), NULL };
    run_out o;
    run_sim(second, &o);
    cr_expect_eq(o.status, 73, "%s", o.err);
    cr_expect_not_null(strstr(o.err, "another mwrasp-sim run is writing"), "%s", o.err);
    const char *resume[] = { "--resume", LONG_RUN(h5, "1"), NULL };
    run_sim(resume, &o);
    cr_expect_eq(o.status, 73, "--resume while it runs: %s", o.err);
    kill(pid, SIGINT);
    cr_assert_eq(wait_sim(pid), 130);
    cr_expect_gt(file_size(j), 0, "an interrupted run keeps its journal");
    /* Now idle: a fresh run must not truncate that journal either. */
    long size = file_size(j);
    run_sim(second, &o);
    cr_expect_eq(o.status, 73, "%s", o.err);
    cr_expect_not_null(strstr(o.err, "add --resume"), "%s", o.err);
    cr_expect_eq(file_size(j), size, "the journal was changed");
    /* And the other seed may not resume it (H3). */
    const char *other[] = { "--resume", LONG_RUN(h5, "2"), NULL };
    run_sim(other, &o);
    cr_expect_eq(o.status, 65, "%s", o.err);
    cr_expect_not_null(strstr(o.err, "belongs to another scenario"), "%s", o.err);
    remove_tmpdir(dir);
}

Test(journal, a_record_of_another_run_is_refused_on_resume)
{
    char dir[64], a[128], b[128], ja[160], jb[160];
    make_tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.h5", dir);
    snprintf(b, sizeof b, "%s/b.h5", dir);
    snprintf(ja, sizeof ja, "%s.journal", a);
    snprintf(jb, sizeof jb, "%s.journal", b);
    const char *ra[] = { LONG_RUN(a, "1"), NULL };
    const char *rb[] = { LONG_RUN(b, "2"), NULL };
    pid_t pa = spawn_sim(ra);
    wait_for_journal(ja, 4000);
    kill(pa, SIGINT);
    cr_assert_eq(wait_sim(pa), 130);
    pid_t pb = spawn_sim(rb);
    wait_for_journal(jb, 4000);
    kill(pb, SIGINT);
    cr_assert_eq(wait_sim(pb), 130);
    /* Splice: a's journal, then b's records (without b's header). */
    static unsigned char buf[1 << 22];
    FILE *fb = fopen(jb, "rb");
    cr_assert_not_null(fb);
    size_t n = fread(buf, 1, sizeof buf, fb);
    fclose(fb);
    cr_assert_gt(n, 16);
    FILE *fa = fopen(ja, "ab");
    cr_assert_not_null(fa);
    fwrite(buf + 16, 1, n - 16, fa);
    fclose(fa);
    long spliced = file_size(ja);
    const char *resume[] = { "--resume", LONG_RUN(a, "1"), NULL };
    run_out o;
    run_sim(resume, &o);
    cr_expect_eq(o.status, 65, "%s", o.err);
    cr_expect_not_null(strstr(o.err, "record of another run"), "%s", o.err);
    cr_expect(!exists(a), "no results from a mixed journal");
    cr_expect_eq(file_size(ja), spliced, "the journal was truncated or removed");
    remove_tmpdir(dir);
}

/* Runs the simulator with a file-size limit (a disk that fills up: writes
 * past it fail with EFBIG) and stderr captured. */
static int run_sim_fsize(const char *const *args, long bytes, char *err, size_t size)
{
    char errp[] = "/tmp/mwrasp-t-err-XXXXXX";
    int fe = mkstemp(errp);
    cr_assert_geq(fe, 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fe, 2);
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 1);
        struct rlimit rl = { (rlim_t)bytes, (rlim_t)bytes };
        setrlimit(RLIMIT_FSIZE, &rl);
        const char *argv[64];
        int n = 0;
        argv[n++] = sim_binary();
        for (; *args && n < 63; args++)
            argv[n++] = *args;
        argv[n] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = wait_sim(pid);
    close(fe);
    slurp(errp, err, size);
    unlink(errp);
    return st;
}

Test(journal, a_run_that_fails_removes_its_journal_and_a_full_disk_is_74)
{
    char dir[64], h5[128], err[4096];
    make_tmpdir(dir, sizeof dir);
    snprintf(h5, sizeof h5, "%s/r.h5", dir);
    /* The journal outgrows 16 KiB after a few replications. */
    const char *args[] = { "--quiet", "--threads", "1", "--out", h5, "--replications", "40",
                           "--duration", "200s", "scenarios/mmc.yaml", NULL };
    int st = run_sim_fsize(args, 16384, err, sizeof err);
    cr_expect_eq(st, 74, "exit %d: %s", st, err);
    cr_expect_not_null(strstr(err, "disk full"), "%s", err);
    const char *none[] = { NULL };
    expect_only(dir, none);   /* no journal, no results, no temporary */
    /* Room for the journal but not for the results file, which holds the
     * 300 kB scenario text (libhdf5 used to crash here, exit 139). */
    char yaml[128];
    snprintf(yaml, sizeof yaml, "%s/big.yaml", dir);
    FILE *f = fopen(yaml, "w");
    cr_assert_not_null(f);
    fputs("name: big\nduration: 50s\nreplications: 4\n"
          "mmc: {servers: 2, arrival_rate: 1/s, service: {dist: exponential, mean: 1s}}\n", f);
    for (int i = 0; i < 3000; i++)
        fprintf(f, "# padding %d %090d\n", i, 0);
    fclose(f);
    const char *big[] = { "--quiet", "--threads", "1", "--out", h5, yaml, NULL };
    st = run_sim_fsize(big, 200000, err, sizeof err);
    cr_expect_eq(st, 74, "exit %d: %s", st, err);
    cr_expect_not_null(strstr(err, "cannot write the results file"), "%s", err);
    const char *only_yaml[] = { "big.yaml", NULL };
    expect_only(dir, only_yaml);
    remove_tmpdir(dir);
}
