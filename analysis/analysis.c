/* analysis.c - reports, CSV export and the analysis_run entry point (see
 * analysis.h).
 *
 * The Markdown and HTML reports are written from the same sections in the
 * same order; the HTML one inlines each plot's SVG (ids prefixed per plot
 * so that the inlined documents cannot clash) and needs nothing but the
 * file itself.  Files are written under a temporary name and renamed, so a
 * reader never sees half a report.
 */
#include "analysis.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dashboard.h"
#include "figfmt.h"
#include "outpath.h"
#include "plots.h"
#include "sink.h"

void analysis_opts_init(analysis_opts *o)
{
    memset(o, 0, sizeof *o);
    o->plots = 1;
    o->report = 1;
}

void analysis_default_out_dir(const char *h5_path, char *buf, size_t size)
{
    size_t n = strlen(h5_path);
    if (n > 3 && !strcmp(h5_path + n - 3, ".h5"))
        n -= 3;
    else if (n > 5 && !strcmp(h5_path + n - 5, ".hdf5"))
        n -= 5;
    else {
        snprintf(buf, size, "%s.d", h5_path);
        return;
    }
    snprintf(buf, size, "%.*s", (int)n, h5_path);
}

/* An output file written under "<path>.tmp.<pid>" and renamed on close. */
typedef struct outfile {
    FILE *f;
    char path[4096], tmp[4200];
} outfile;

static int out_open(outfile *o, const char *dir, const char *name, err_t *e)
{
    snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", o->path, (long)getpid());
    o->f = outpath_fopen(o->tmp, 1);
    if (!o->f)
        return err_set(e, ERR_CANTCREAT, o->path, 0, 0, "cannot create: %s", strerror(errno));
    return 0;
}

static int out_close(outfile *o, err_t *e)
{
    int bad = ferror(o->f);
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (!bad && outpath_replaceable(o->path) != 0) {
        unlink(o->tmp);
        return err_set(e, ERR_CANTCREAT, o->path, 0, 0,
                       "exists and is not a regular file; remove it or choose another directory");
    }
    if (bad || rename(o->tmp, o->path)) {
        unlink(o->tmp);
        return err_set(e, ERR_IO, o->path, 0, 0, "cannot write");
    }
    return 0;
}

/* ---- CSV ---- */

/* Numbers: 12 significant digits; NaN and infinities as empty cells. */
static void csv_num(FILE *o, double v)
{
    if (isfinite(v))
        fprintf(o, "%.12g", v);
}

/* A table's fields (resfields.h) as CSV: the header names, and one row's
 * cells, each by its kind. */
static void csv_fields_header(FILE *o, const resfields_field *f, size_t nf)
{
    for (size_t i = 0; i < nf; i++)
        fprintf(o, "%s%s", i ? "," : "", f[i].name);
}

static void csv_fields_row(FILE *o, const resfields_field *f, size_t nf, const void *row)
{
    for (size_t i = 0; i < nf; i++) {
        const char *at = (const char *)row + f[i].offset;
        if (i)
            fputc(',', o);
        switch (f[i].kind) {
        case RESFIELDS_DOUBLE: csv_num(o, *(const double *)(const void *)at); break;
        case RESFIELDS_I64: fprintf(o, "%lld", (long long)*(const int64_t *)(const void *)at); break;
        case RESFIELDS_U64:
            fprintf(o, "%llu", (unsigned long long)*(const uint64_t *)(const void *)at);
            break;
        case RESFIELDS_STR: sink_csv(o, *(char *const *)(const void *)at); break;
        }
    }
}

/* replications.csv's values: a replication's fields after its point and
 * number (the capacity tables are resfile's, written whole). */
#define A_REP(n, k) RESFIELDS_ENTRY(resfile_rep, n, k)
static const resfields_field csv_rep_values[] = { RESFIELDS_REP(A_REP) };

/* The rows of a capacity table (n of them, stride bytes apart) under its
 * header. */
static void csv_table(FILE *o, const resfile_table *t, const void *rows, size_t stride,
                      size_t n)
{
    csv_fields_header(o, t->fields, t->n);
    fputs("\r\n", o);
    for (size_t i = 0; i < n; i++) {
        csv_fields_row(o, t->fields, t->n, (const char *)rows + i * stride);
        fputs("\r\n", o);
    }
}

static void csv_summary_cells(FILE *o, const resfile_metric *m, const resfile_summary *s)
{
    sink_csv(o, m->name), fputc(',', o), sink_csv(o, m->units), fputc(',', o);
    csv_num(o, s->mean), fputc(',', o), csv_num(o, s->ci95_low), fputc(',', o);
    csv_num(o, s->ci95_high), fputc(',', o), csv_num(o, s->p50), fputc(',', o);
    csv_num(o, s->p95), fputc(',', o), csv_num(o, s->p99), fputc(',', o);
    csv_num(o, s->n), fputc(',', o);
    fprintf(o, "%llu,", (unsigned long long)s->replications);
    sink_csv(o, m->description);
    fputs("\r\n", o);
}

/* Axis-value cells of point p, one per axis. */
static void csv_point_cells(FILE *o, const resfile *r, size_t p)
{
    for (size_t a = 0; a < r->naxes; a++)
        sink_csv(o, r->axes[a].at_point[p]), fputc(',', o);
}

static void csv_axis_header(FILE *o, const resfile *r)
{
    for (size_t a = 0; a < r->naxes; a++)
        sink_csv(o, r->axes[a].path), fputc(',', o);
}

int analysis_write_csv(const resfile *r, const char *dir, err_t *e)
{
    outfile o;
    int rc;
    if (outpath_make_dirs(dir))
        return err_set(e, ERR_CANTCREAT, dir, 0, 0, "cannot create the directory: %s",
                       strerror(errno));
    if (!r->is_sweep) {
        if ((rc = out_open(&o, dir, "summary.csv", e)))
            return rc;
        fputs("metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,n,replications,description\r\n",
              o.f);
        for (size_t i = 0; i < r->nmetrics; i++)
            if (r->metrics[i].summary)
                csv_summary_cells(o.f, &r->metrics[i], &r->metrics[i].summary[0]);
        if ((rc = out_close(&o, e)))
            return rc;
    } else {
        if ((rc = out_open(&o, dir, "sweep_summary.csv", e)))
            return rc;
        fputs("point,", o.f);
        csv_axis_header(o.f, r);
        fputs("metric,unit,mean,ci95_low,ci95_high,p50,p95,p99,n,replications,description\r\n",
              o.f);
        for (size_t p = 0; p < r->npoints; p++)
            for (size_t i = 0; i < r->nmetrics; i++) {
                if (!r->metrics[i].summary)
                    continue;
                fprintf(o.f, "%zu,", p);
                csv_point_cells(o.f, r, p);
                csv_summary_cells(o.f, &r->metrics[i], &r->metrics[i].summary[p]);
            }
        if ((rc = out_close(&o, e)))
            return rc;
    }

    if ((rc = out_open(&o, dir, "replications.csv", e)))
        return rc;
    fputs("metric,unit,point,", o.f);
    csv_axis_header(o.f, r);
    fputs("replication,", o.f);
    csv_fields_header(o.f, csv_rep_values, RESFIELDS_COUNT(csv_rep_values));
    fputs("\r\n", o.f);
    for (size_t i = 0; i < r->nmetrics; i++) {
        const resfile_metric *m = &r->metrics[i];
        for (size_t k = 0; k < m->nreps; k++) {
            const resfile_rep *x = &m->reps[k];
            size_t p = r->is_sweep ? (size_t)x->point : 0;
            sink_csv(o.f, m->name), fputc(',', o.f), sink_csv(o.f, m->units);
            fprintf(o.f, ",%zu,", p);
            if (r->is_sweep && p < r->npoints)
                csv_point_cells(o.f, r, p);
            else
                for (size_t a = 0; a < r->naxes; a++)
                    fputc(',', o.f);
            fprintf(o.f, "%llu,", (unsigned long long)x->replication);
            csv_fields_row(o.f, csv_rep_values, RESFIELDS_COUNT(csv_rep_values), x);
            fputs("\r\n", o.f);
        }
    }
    if ((rc = out_close(&o, e)))
        return rc;

    if (r->nclaims) {
        if ((rc = out_open(&o, dir, "claims.csv", e)))
            return rc;
        fputs("claim,point,", o.f);
        csv_axis_header(o.f, r);
        fputs("name,metric,statistic,bound,verdict,estimate,ci_low,ci_high,unit,bound_low,"
              "bound_high,replications,more_replications,source,note,region,rule,level,"
              "rests_on\r\n", o.f);
        for (size_t c = 0; c < r->nclaims; c++)
            for (size_t p = 0; p < r->npoints; p++) {
                const resfile_claim *cl = resfile_claim_at(r, c, p);
                fprintf(o.f, "%zu,%zu,", c + 1, p);
                if (r->is_sweep)
                    csv_point_cells(o.f, r, p);
                sink_csv(o.f, cl->name), fputc(',', o.f), sink_csv(o.f, cl->metric);
                fputc(',', o.f), sink_csv(o.f, cl->statistic), fputc(',', o.f);
                sink_csv(o.f, cl->bound), fputc(',', o.f), sink_csv(o.f, cl->verdict);
                fputc(',', o.f), csv_num(o.f, cl->estimate), fputc(',', o.f);
                csv_num(o.f, cl->ci_low), fputc(',', o.f), csv_num(o.f, cl->ci_high);
                fputc(',', o.f), sink_csv(o.f, cl->unit), fputc(',', o.f);
                csv_num(o.f, cl->bound_low), fputc(',', o.f), csv_num(o.f, cl->bound_high);
                fprintf(o.f, ",%llu,%lld,", (unsigned long long)cl->replications,
                        (long long)cl->more_replications);
                sink_csv(o.f, cl->source), fputc(',', o.f), sink_csv(o.f, cl->note);
                fputc(',', o.f);
                sink_csv(o.f, c < r->nregions ? r->regions[c] : "");
                fputc(',', o.f), sink_csv(o.f, cl->rule), fputc(',', o.f);
                csv_num(o.f, cl->level), fputc(',', o.f), sink_csv(o.f, cl->assumptions);
                fputs("\r\n", o.f);
            }
        if ((rc = out_close(&o, e)))
            return rc;
    }

    /* The capacity tables, each whole as the file holds it. */
    const struct {
        const char *file;
        const resfile_table *table;
        const void *rows;
        size_t stride, n;
    } cap[] = {
        { "capacity_runbook.csv", &resfile_runbook_table, r->cap_runbook,
          sizeof *r->cap_runbook, r->ncap_runbook },
        { "capacity_plan.csv", &resfile_plan_table, r->cap_plan, sizeof *r->cap_plan,
          r->ncap_plan },
        { "capacity_breaking.csv", &resfile_breaking_table, r->cap_breaking,
          sizeof *r->cap_breaking, r->ncap_breaking },
        { "capacity_estimates.csv", &resfile_estimate_table, r->cap_estimates,
          sizeof *r->cap_estimates, r->ncap_estimates },
    };
    for (size_t i = 0; i < sizeof cap / sizeof *cap; i++) {
        if (!cap[i].n)
            continue;
        if ((rc = out_open(&o, dir, cap[i].file, e)))
            return rc;
        csv_table(o.f, cap[i].table, cap[i].rows, cap[i].stride, cap[i].n);
        if ((rc = out_close(&o, e)))
            return rc;
    }
    return 0;
}

/* ---- reports ---- */

typedef enum doc_kind { DOC_MD, DOC_HTML } doc_kind;

typedef struct doc {
    doc_kind kind;
    FILE *o;
    const resfile *r;
    const char *plot_dir;       /* absolute or relative to cwd */
    const plots_list *plots;
    int oom;                    /* a lookup ran out of memory */
    char toc[24][128];          /* the level-2 headings so far, for the contents */
    size_t ntoc;
} doc;

/* Text in the document's syntax, through its sink (sink.h). */
static void text(doc *d, const char *s)
{
    if (d->kind == DOC_HTML)
        sink_html(d->o, s);
    else
        sink_markdown(d->o, s);
}

static void heading(doc *d, int level, const char *s)
{
    /* Level 2 is a section: listed in the contents, with an anchor (HTML:
     * id="sN"; Markdown: the explicit anchor <a id="sN"></a>). */
    size_t id = d->ntoc;
    if (level == 2 && d->ntoc < sizeof d->toc / sizeof d->toc[0])
        snprintf(d->toc[d->ntoc++], sizeof d->toc[0], "%s", s);
    if (d->kind == DOC_MD) {
        if (level == 2 && id < d->ntoc)
            fprintf(d->o, "\n<a id=\"s%zu\"></a>\n", id);
        fprintf(d->o, "\n%.*s ", level, "######");
        text(d, s);
        fputs("\n\n", d->o);
    } else {
        if (level == 2 && id < d->ntoc)
            fprintf(d->o, "<h%d id=\"s%zu\">", level, id);
        else
            fprintf(d->o, "<h%d>", level);
        text(d, s);
        fprintf(d->o, "</h%d>\n", level);
    }
}

/* The contents: a link to each section. */
static void contents(doc *d)
{
    int md = d->kind == DOC_MD;
    fputs(md ? "\n**Contents:** " : "<nav class=\"toc\"><b>Contents:</b> ", d->o);
    for (size_t i = 0; i < d->ntoc; i++) {
        fputs(i ? (md ? " | " : " &middot; ") : "", d->o);
        if (md)
            fputc('[', d->o);
        else
            fprintf(d->o, "<a href=\"#s%zu\">", i);
        text(d, d->toc[i]);
        if (md)
            fprintf(d->o, "](#s%zu)", i);
        else
            fputs("</a>", d->o);
    }
    fputs(md ? "\n" : "</nav>\n", d->o);
}

static void para(doc *d, const char *s)
{
    if (d->kind == DOC_MD) {
        text(d, s);
        fputs("\n\n", d->o);
    } else {
        fputs("<p>", d->o);
        text(d, s);
        fputs("</p>\n", d->o);
    }
}

static void table_begin(doc *d, const char *const *cols, size_t n)
{
    if (d->kind == DOC_MD) {
        fputc('|', d->o);
        for (size_t i = 0; i < n; i++)
            fputc(' ', d->o), text(d, cols[i]), fputs(" |", d->o);
        fputs("\n|", d->o);
        for (size_t i = 0; i < n; i++)
            fputs("---|", d->o);
        fputc('\n', d->o);
    } else {
        size_t named = 0;
        for (size_t i = 0; i < n; i++)
            named += cols[i][0] != '\0';
        if (!named) {
            fputs("<table><tbody>\n", d->o);
            return;
        }
        fputs("<table><thead><tr>", d->o);
        for (size_t i = 0; i < n; i++)
            fputs("<th>", d->o), text(d, cols[i]), fputs("</th>", d->o);
        fputs("</tr></thead><tbody>\n", d->o);
    }
}

/* One row; cls (HTML only) gives each cell a class, NULL for none. */
static void table_row(doc *d, const char *const *cells, size_t n, const char *const *cls)
{
    if (d->kind == DOC_MD) {
        fputc('|', d->o);
        for (size_t i = 0; i < n; i++)
            fputc(' ', d->o), text(d, cells[i]), fputs(" |", d->o);
        fputc('\n', d->o);
    } else {
        fputs("<tr>", d->o);
        for (size_t i = 0; i < n; i++) {
            if (cls && cls[i])
                fprintf(d->o, "<td class=\"%s\">", cls[i]);
            else
                fputs("<td>", d->o);
            text(d, cells[i]);
            fputs("</td>", d->o);
        }
        fputs("</tr>\n", d->o);
    }
}

static void table_end(doc *d)
{
    fputs(d->kind == DOC_MD ? "\n" : "</tbody></table>\n", d->o);
}

/* Preformatted text; collapsed (HTML <details>) when summary is given. */
static void pre(doc *d, const char *summary, const char *body)
{
    if (d->kind == DOC_MD) {
        if (summary)
            fprintf(d->o, "<details><summary>%s</summary>\n\n", summary);
        /* A fence longer than any backquote run in body: body cannot close it. */
        size_t fence = sink_markdown_fence(body);
        for (size_t i = 0; i < fence; i++)
            fputc('`', d->o);
        fputs("text\n", d->o);
        fputs(body, d->o);
        if (*body && body[strlen(body) - 1] != '\n')
            fputc('\n', d->o);
        for (size_t i = 0; i < fence; i++)
            fputc('`', d->o);
        fputs("\n\n", d->o);
        if (summary)
            fputs("</details>\n\n", d->o);
    } else {
        if (summary)
            fprintf(d->o, "<details><summary>%s</summary>\n", summary);
        fputs("<pre>", d->o);
        sink_html(d->o, body);
        fputs("</pre>\n", d->o);
        if (summary)
            fputs("</details>\n", d->o);
    }
}

/* Four significant digits, more where a value would pass for 1 (figfmt.h). */
static void fmt_g(double v, char *buf, size_t size)
{
    figfmt_number(v, "-", buf, size);
}

static void fmt_ci(double lo, double hi, char *buf, size_t size)
{
    char a[40], b[40];
    if (isfinite(lo) && isfinite(hi)) {
        figfmt_number(lo, "-", a, sizeof a);
        figfmt_number(hi, "-", b, sizeof b);
        snprintf(buf, size, "[%s, %s]", a, b);
    } else {
        snprintf(buf, size, "-");
    }
}

static const char *verdict_class(const char *v)
{
    if (!strcmp(v, "HOLDS"))
        return "holds";
    if (!strcmp(v, "FAILS"))
        return "fails";
    if (!strcmp(v, "INCONCLUSIVE"))
        return "inconclusive";
    if (!strcmp(v, "BY CONSTRUCTION"))
        return "input";
    return "nodata";
}

static void section_header(doc *d)
{
    const resfile *r = d->r;
    char title[400], desc[400] = "", buf[200];
    snprintf(title, sizeof title, "%s: simulation report", r->scenario);
    if (d->kind == DOC_MD) {
        fprintf(d->o, "# ");
        text(d, title);
        fputs("\n\n", d->o);
    } else {
        fputs("<h1>", d->o);
        text(d, title);
        fputs("</h1>\n", d->o);
    }
    /* The run's own wording, marked when the command line changed what
     * the file's description says; older files only have the file's. */
    int got = r->description[0] ? 1 : resfile_param(r, 0, "description", desc, sizeof desc);
    d->oom |= got == -2;
    if (got == 1)
        para(d, r->description);
    else if (!got)
        para(d, desc);
    static const char *const cols[] = { "", "" };
    table_begin(d, cols, 2);
    double dur;
    d->oom |= resfile_duration(r, 0, &dur) == -2;
    char seed[32], reps[32], durs[64];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
    snprintf(reps, sizeof reps, "%llu", (unsigned long long)r->replications);
    if (isfinite(dur))
        snprintf(durs, sizeof durs, "%.6g s", dur);
    else
        snprintf(durs, sizeof durs, "-");
    char points[32];
    snprintf(points, sizeof points, "%zu (%s)", r->npoints, r->sweep_mode);
    const char *rows[][2] = {
        { "results file", r->path }, { "scenario file", r->scenario_file },
        { "seed", seed }, { "replications (per point)", reps },
        { "simulated time per replication", durs },
        { "sweep points", r->is_sweep ? points : "1 (no sweep)" },
        { "code version", r->code_version }, { "git revision", r->git_revision },
        { "run started", r->start_time }, { "command line", r->command_line },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        table_row(d, rows[i], 2, NULL);
    table_end(d);
    (void)buf;
    para(d, "Figures are means over replications with Student-t 95 % confidence intervals; "
            "p50/p95/p99 are means of the per-replication quantiles.  Everything here was "
            "computed from the results file alone (regenerate with mwrasp-report).");
}

static void section_claims(doc *d)
{
    const resfile *r = d->r;
    heading(d, 2, "Claims audit");
    if (!r->nclaims) {
        para(d, "The scenario has no claims: section; no claim was audited.");
        return;
    }
    char head[600];
    snprintf(head, sizeof head,
             "Interval claims: HOLDS when the interval lies inside the bound, FAILS when outside, "
             "INCONCLUSIVE when it straddles it; %llu interval test%s judged together with "
             "Holm's procedure at a family-wise error of %.3g %%%s, each interval at the level "
             "its test used. Every-case (min/max) and rare-event claims are decided by "
             "counterexample; a figure the scenario fixes is BY CONSTRUCTION. docs/claims.md "
             "explains each rule.",
             (unsigned long long)r->claims_tests, r->claims_tests == 1 ? "" : "s",
             isnan(r->claims_alpha) ? 5.0 : 100 * r->claims_alpha *
                 (double)(r->claims_looks ? r->claims_looks : 1),
             r->claims_looks > 1 ? " over the looks of --decide" : "");
    para(d, head);
    if (!r->is_sweep) {
        static const char *const cols[] = { "verdict", "claim", "metric", "statistic",
                                            "estimate", "CI", "level", "claimed", "unit",
                                            "rule", "rests on", "source", "note" };
        table_begin(d, cols, 13);
        for (size_t c = 0; c < r->nclaims; c++) {
            const resfile_claim *cl = resfile_claim_at(r, c, 0);
            char est[48], ci[96], lvl[24] = "-";
            fmt_g(cl->estimate, est, sizeof est);
            fmt_ci(cl->ci_low, cl->ci_high, ci, sizeof ci);
            if (!isnan(cl->level) && !isnan(cl->ci_low))
                snprintf(lvl, sizeof lvl, "%.4g %%", 100 * cl->level);
            const char *cells[] = { cl->verdict, cl->name, cl->metric, cl->statistic, est, ci,
                                    lvl, cl->bound, cl->unit, cl->rule,
                                    cl->assumptions[0] ? cl->assumptions : "-", cl->source,
                                    cl->note };
            const char *cls[13] = { verdict_class(cl->verdict) };
            table_row(d, cells, 13, cls);
        }
        table_end(d);
        return;
    }
    heading(d, 3, "Where each claim holds");
    static const char *const rcols[] = { "#", "claim", "metric", "statistic", "claimed",
                                         "region" };
    table_begin(d, rcols, 6);
    for (size_t c = 0; c < r->nclaims; c++) {
        const resfile_claim *cl = resfile_claim_at(r, c, 0);
        char num[24];
        snprintf(num, sizeof num, "C%zu", c + 1);
        const char *cells[] = { num, cl->name, cl->metric, cl->statistic, cl->bound,
                                c < r->nregions ? r->regions[c] : "-" };
        table_row(d, cells, 6, NULL);
    }
    table_end(d);
    heading(d, 3, "Verdicts per sweep point");
    size_t ncols = 2 + r->nclaims;
    const char **cols = calloc(ncols, sizeof *cols);
    const char **cells = calloc(ncols, sizeof *cells);
    const char **cls = calloc(ncols, sizeof *cls);
    char (*hdr)[24] = calloc(r->nclaims, sizeof *hdr);
    char (*txt)[96] = calloc(r->nclaims, sizeof *txt);
    if (!cols || !cells || !cls || !hdr || !txt) {
        d->oom = 1;
        goto done;
    }
    cols[0] = "point";
    cols[1] = "parameters";
    for (size_t c = 0; c < r->nclaims; c++) {
        snprintf(hdr[c], sizeof hdr[c], "C%zu", c + 1);
        cols[2 + c] = hdr[c];
    }
    table_begin(d, cols, ncols);
    for (size_t p = 0; p < r->npoints; p++) {
        char num[24], lab[600];
        snprintf(num, sizeof num, "%zu", p);
        resfile_point_label(r, p, lab, sizeof lab);
        cells[0] = num;
        cells[1] = lab;
        for (size_t c = 0; c < r->nclaims; c++) {
            const resfile_claim *cl = resfile_claim_at(r, c, p);
            snprintf(txt[c], sizeof txt[c], "%s (%.4g)", cl->verdict, cl->estimate);
            cells[2 + c] = txt[c];
            cls[2 + c] = verdict_class(cl->verdict);
        }
        table_row(d, cells, ncols, cls);
    }
    table_end(d);
done:
    free(cols), free(cells), free(cls), free(hdr), free(txt);
}

static void section_dashboard(doc *d, const char *dash, const char *exec, const char *sources)
{
    heading(d, 2, "Operational dashboard (simulated)");
    para(d, "The runbook's ASCII dashboard (section 5) filled from simulated values; a field "
            "that no simulated metric measures says \"n/a (not simulated)\".");
    pre(d, NULL, dash);
    heading(d, 2, "Monthly executive report (simulated)");
    pre(d, NULL, exec);
    pre(d, "Where each figure comes from", sources);
}

static void section_figures(doc *d)
{
    const resfile *r = d->r;
    heading(d, 2, "Key figures");
    if (!r->nmetrics) {
        para(d, "No metrics in this file.");
        return;
    }
    if (!r->is_sweep) {
        static const char *const cols[] = { "metric", "unit", "mean", "95% CI", "p50", "p95",
                                            "p99", "what it measures" };
        table_begin(d, cols, 8);
        for (size_t i = 0; i < r->nmetrics; i++) {
            const resfile_metric *m = &r->metrics[i];
            if (!m->summary)
                continue;
            const resfile_summary *s = &m->summary[0];
            char mean[48], ci[96], p50[48], p95[48], p99[48];
            fmt_g(s->mean, mean, sizeof mean);
            fmt_ci(s->ci95_low, s->ci95_high, ci, sizeof ci);
            fmt_g(s->p50, p50, sizeof p50), fmt_g(s->p95, p95, sizeof p95);
            fmt_g(s->p99, p99, sizeof p99);
            const char *cells[] = { m->name, m->units, mean, ci, p50, p95, p99, m->description };
            table_row(d, cells, 8, NULL);
        }
        table_end(d);
        return;
    }
    if (d->kind == DOC_HTML)
        fputs("<details open><summary>every metric at every sweep point</summary>\n", d->o);
    static const char *const cols[] = { "metric", "unit", "point", "parameters", "mean",
                                        "95% CI", "p95", "p99" };
    table_begin(d, cols, 8);
    for (size_t i = 0; i < r->nmetrics; i++) {
        const resfile_metric *m = &r->metrics[i];
        if (!m->summary)
            continue;
        for (size_t p = 0; p < r->npoints; p++) {
            const resfile_summary *s = &m->summary[p];
            char num[24], lab[600], mean[48], ci[96], p95[48], p99[48];
            snprintf(num, sizeof num, "%zu", p);
            resfile_point_label(r, p, lab, sizeof lab);
            fmt_g(s->mean, mean, sizeof mean);
            fmt_ci(s->ci95_low, s->ci95_high, ci, sizeof ci);
            fmt_g(s->p95, p95, sizeof p95), fmt_g(s->p99, p99, sizeof p99);
            const char *cells[] = { m->name, m->units, num, lab, mean, ci, p95, p99 };
            table_row(d, cells, 8, NULL);
        }
    }
    table_end(d);
    if (d->kind == DOC_HTML)
        fputs("</details>\n", d->o);
}

static void section_capacity(doc *d)
{
    const resfile *r = d->r;
    if (!r->ncap_runbook && !r->ncap_plan && !r->ncap_breaking && !r->ncap_recommendations)
        return;
    heading(d, 2, "Capacity planning");
    char a[64], b[64], c[64], e[64], f[64], g[64], h[64];
    if (r->ncap_runbook) {
        heading(d, 3, "The runbook's arithmetic (reproduced)");
        static const char *const cols[] = { "month", "AI agents", "TPS", "storage (TB)",
                                            "compute cores", "memory (GB)", "network (Gbps)" };
        table_begin(d, cols, 7);
        for (size_t i = 0; i < r->ncap_runbook; i++) {
            const resfile_cap_runbook *x = &r->cap_runbook[i];
            snprintf(a, sizeof a, "%lld", (long long)x->month);
            snprintf(b, sizeof b, "%lld", (long long)x->ai_agents);
            snprintf(c, sizeof c, "%lld", (long long)x->transactions_per_second);
            fmt_g(x->storage_tb, e, sizeof e);
            snprintf(f, sizeof f, "%lld", (long long)x->compute_cores);
            snprintf(g, sizeof g, "%lld", (long long)x->memory_gb);
            fmt_g(x->network_gbps, h, sizeof h);
            const char *cells[] = { a, b, c, e, f, g, h };
            table_row(d, cells, 7, NULL);
        }
        table_end(d);
    }
    if (r->ncap_recommendations) {
        heading(d, 3, "The runbook's recommendations");
        if (d->kind == DOC_HTML)
            fputs("<ul>\n", d->o);
        for (size_t i = 0; i < r->ncap_recommendations; i++) {
            fputs(d->kind == DOC_HTML ? "<li>" : "- ", d->o);
            text(d, r->cap_recommendations[i]);
            fputs(d->kind == DOC_HTML ? "</li>\n" : "\n", d->o);
        }
        fputs(d->kind == DOC_HTML ? "</ul>\n" : "\n", d->o);
    }
    if (r->ncap_breaking) {
        heading(d, 3, "When each claim breaks if nothing is added (simulated)");
        static const char *const cols[] = { "claim", "metric", "held at month 0", "breaks at" };
        table_begin(d, cols, 4);
        for (size_t i = 0; i < r->ncap_breaking; i++) {
            const resfile_cap_breaking *x = &r->cap_breaking[i];
            if (!x->held_at_start)
                snprintf(b, sizeof b, "-");
            else if (x->breaks_at_month < 0)
                snprintf(b, sizeof b, "holds to the horizon");
            else
                snprintf(b, sizeof b, "month %lld", (long long)x->breaks_at_month);
            const char *cells[] = { x->claim, x->metric, x->held_at_start ? "yes" : "no", b };
            const char *cls[4] = { NULL, NULL, NULL,
                                   x->held_at_start && x->breaks_at_month >= 0 ? "fails"
                                   : x->held_at_start ? "holds" : NULL };
            table_row(d, cells, 4, cls);
        }
        table_end(d);
    }
    if (r->ncap_plan) {
        heading(d, 3, "Smallest resources that keep every claim (simulated)");
        static const char *const cols[] = { "month", "growth", "agents", "claims holding unchanged",
                                            "resources", "resource units" };
        table_begin(d, cols, 6);
        for (size_t i = 0; i < r->ncap_plan; i++) {
            const resfile_cap_plan *x = &r->cap_plan[i];
            snprintf(a, sizeof a, "%lld", (long long)x->month);
            fmt_g(x->growth_factor, b, sizeof b);
            snprintf(c, sizeof c, "%.0f", x->agents);
            snprintf(e, sizeof e, "%lld of %lld", (long long)x->claims_holding_unchanged,
                     (long long)x->claims_total);
            fmt_g(x->resource_units, f, sizeof f);
            const char *cells[] = { a, b, c, e, x->resources, f };
            table_row(d, cells, 6, NULL);
        }
        table_end(d);
    }
}

/* Copies the SVG document at path into the HTML, from its <svg element on,
 * prefixing every id (and its references) with "p<k>-". */
static void inline_svg(doc *d, const char *path, size_t k)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (n > 0 && !s)
        d->oom = 1;
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        fclose(f);
        return;
    }
    s[n] = '\0';
    fclose(f);
    char *p = strstr(s, "<svg");
    if (!p) {
        free(s);
        return;
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "p%zu-", k);
    static const char *const marks[] = { "id='", "id=\"", "url(#", "href='#", "href=\"#" };
    while (*p) {
        size_t best = (size_t)-1, which = 0;
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
            char *q = strstr(p, marks[m]);
            if (q && (size_t)(q - p) < best)
                best = (size_t)(q - p), which = m;
        }
        if (best == (size_t)-1) {
            fputs(p, d->o);
            break;
        }
        size_t ml = strlen(marks[which]);
        fwrite(p, 1, best + ml, d->o);
        fputs(prefix, d->o);
        p += best + ml;
    }
    free(s);
}

static void section_plots(doc *d)
{
    const plots_list *pl = d->plots;
    heading(d, 2, "Plots");
    if (!pl || !pl->n) {
        para(d, "No plots (none applies to this file, or plots were not asked for).");
        return;
    }
    para(d, "Each plot has its .dat and .gp files beside it in plots/: run `gnuplot NAME.gp` "
            "there to redraw or restyle it.");
    for (size_t i = 0; i < pl->n; i++) {
        const plots_item *it = &pl->items[i];
        heading(d, 3, it->title);
        if (!it->rendered) {
            char msg[600];
            snprintf(msg, sizeof msg, "Not rendered (gnuplot missing or failed): see plots/%s.gp "
                     "and plots/%s.dat.", it->name, it->name);
            para(d, msg);
            continue;
        }
        if (d->kind == DOC_MD) {
            fprintf(d->o, "![%s](plots/%s.svg)\n\n[PNG](plots/%s.png) · [data](plots/%s.dat) · "
                          "[script](plots/%s.gp)\n\n", it->name, it->name, it->name, it->name,
                    it->name);
        } else {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s.svg", d->plot_dir, it->name);
            fputs("<figure>", d->o);
            inline_svg(d, path, i);
            fprintf(d->o, "<figcaption>plots/%s.{svg,png,dat,gp}</figcaption></figure>\n",
                    it->name);
        }
    }
}

/* --robustness: every claim at both ends of each assumption's range. */
static void section_robustness(doc *d)
{
    const resfile *r = d->r;
    if (!r->nrobust)
        return;
    heading(d, 2, "What the verdicts rest on (--robustness)");
    para(d, "Each assumption moved to both ends of its range, one at a time, with the same "
            "seed; where a claim's estimate crosses its bound inside the range, the break-even "
            "value and the values where the claim's interval meets the bound. The tornado "
            "chart (plots) shows each claim's estimate at both ends.");
    static const char *const cols[] = { "claim", "assumption", "range", "scenario value",
                                        "at low end", "at high end", "break-even", "reading" };
    table_begin(d, cols, 8);
    for (size_t i = 0; i < r->nrobust; i++) {
        const resfile_robust *x = &r->robust[i];
        char range[200], lo[120], hi[120], be[160];
        snprintf(range, sizeof range, "[%s, %s]", x->low, x->high);
        char e1[32], e2[32];
        fmt_g(x->estimate_low, e1, sizeof e1);
        fmt_g(x->estimate_high, e2, sizeof e2);
        snprintf(lo, sizeof lo, "%s (%s %s)", x->verdict_low, e1, x->unit);
        snprintf(hi, sizeof hi, "%s (%s %s)", x->verdict_high, e2, x->unit);
        if (x->flips && !isnan(x->break_even)) {
            char b[32], b1[32], b2[32];
            fmt_g(x->break_even, b, sizeof b);
            fmt_g(x->break_even_low, b1, sizeof b1);
            fmt_g(x->break_even_high, b2, sizeof b2);
            snprintf(be, sizeof be, "%s %s [%s, %s]", b, x->value_unit, b1, b2);
        } else {
            snprintf(be, sizeof be, "-");
        }
        const char *cells[] = { x->claim, x->assumption, range, x->baseline, lo, hi, be,
                                x->sentence };
        table_row(d, cells, 8, NULL);
    }
    table_end(d);
}

static int has_assumption(const char *line, size_t len)
{
    const char *hash = memchr(line, '#', len);
    if (!hash)
        return 0;
    for (const char *p = hash; p + 10 <= line + len; p++)
        if (!strncasecmp(p, "assumption", 10))
            return 1;
    return 0;
}

/* Table rows for the ASSUMPTION lines of one file's text; file is NULL for
 * the scenario itself (its rows show the line alone).  Returns the count. */
static int assumption_rows(doc *d, const char *s, const char *file)
{
    int line = 1, found = 0;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (has_assumption(s, len)) {
            char buf[1024], where[600];
            snprintf(buf, sizeof buf, "%.*s", (int)len, s);
            /* Markdown: escaped text, not a code span (inside one, escapes are
             * not processed and a backquote would end it). */
            if (file)
                snprintf(where, sizeof where, "%s:%d", file, line);
            else
                snprintf(where, sizeof where, "%d", line);
            fputs(d->kind == DOC_HTML ? "<tr><td>" : "| ", d->o);
            text(d, where);
            fputs(d->kind == DOC_HTML ? "</td><td><code>" : " | ", d->o);
            text(d, buf);
            fputs(d->kind == DOC_HTML ? "</code></td></tr>\n" : " |\n", d->o);
            found++;
        }
        s += len + (nl != NULL);
        line++;
    }
    return found;
}

static void section_assumptions(doc *d)
{
    const resfile *r = d->r;
    heading(d, 2, "Assumptions");
    para(d, "Scenario lines whose comment marks them as an ASSUMPTION (a parameter the runbook "
            "does not give), in the scenario and the files it includes:");
    if (d->kind == DOC_HTML)
        fputs("<table><thead><tr><th>line</th><th>scenario text</th></tr></thead><tbody>\n",
              d->o);
    else
        fputs("| line | scenario text |\n|---|---|\n", d->o);
    int found = assumption_rows(d, r->scenario_text, NULL);
    for (size_t i = 0; i < r->nincludes; i++)
        found += assumption_rows(d, r->includes[i].text, r->includes[i].path);
    fputs(d->kind == DOC_HTML ? "</tbody></table>\n" : "\n", d->o);
    if (!found)
        para(d, "(no line of this scenario is marked ASSUMPTION)");
    pre(d, "The full scenario text", r->scenario_text);
    for (size_t i = 0; i < r->nincludes; i++) {
        char title[600];
        snprintf(title, sizeof title, "Included file %s", r->includes[i].path);
        pre(d, title, r->includes[i].text);
    }
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>%s</title>\n<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "margin:2em auto;max-width:1100px;padding:0 1em;color:#222;line-height:1.4}\n"
    "h1{border-bottom:2px solid #1f4e9c;padding-bottom:.2em}h2{margin-top:2em;color:#1f4e9c}\n"
    "table{border-collapse:collapse;margin:1em 0;font-size:.88em}\n"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#eef2f8}tr:nth-child(even) td{background:#fafafa}\n"
    "td.holds{background:#d9f2d9!important;font-weight:bold;color:#1b5e20}\n"
    "td.fails{background:#fbd5d5!important;font-weight:bold;color:#8b0000}\n"
    "td.inconclusive{background:#ffefc2!important;font-weight:bold;color:#7a5200}\n"
    "td.nodata{background:#e6e6e6!important}\n"
    "td.input{background:#dde6f4!important;color:#1f3f70}\n"
    "pre{background:#f6f8fa;border:1px solid #ddd;padding:.8em;overflow-x:auto;"
    "font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.85em;line-height:1.1}\n"
    "figure{margin:1em 0}figure svg{max-width:100%%;height:auto;border:1px solid #eee}\n"
    "figcaption{font-size:.8em;color:#666}details summary{cursor:pointer;color:#1f4e9c}\n"
    "code{font-size:.9em}\n"
    "</style></head><body>\n";

static void write_doc(doc *d, const char *dash, const char *exec, const char *sources)
{
    if (d->kind == DOC_HTML) {
        char title[300];
        snprintf(title, sizeof title, "%s: simulation report", d->r->scenario);
        FILE *o = d->o;
        /* html_head has one %s: the title, escaped. */
        const char *at = strstr(html_head, "%s");
        fwrite(html_head, 1, (size_t)(at - html_head), o);
        sink_html(o, title);
        /* The rest has %% for the CSS percent signs. */
        for (const char *p = at + 2; *p; p++) {
            if (p[0] == '%' && p[1] == '%')
                p++;
            fputc(*p, o);
        }
    }
    section_header(d);
    /* The sections go to memory first, so that the contents (their
     * headings) can come before them: the verdicts, then the plots, then
     * the long tables. */
    FILE *out = d->o;
    char *body = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&body, &len);
    if (mem)
        d->o = mem;
    else
        d->oom = 1;
    section_claims(d);
    section_plots(d);
    section_robustness(d);
    section_capacity(d);
    section_dashboard(d, dash, exec, sources);
    section_figures(d);
    section_assumptions(d);
    if (mem) {
        fclose(mem);
        d->o = out;
        contents(d);
        if (body)
            fwrite(body, 1, len, out);
        else
            d->oom = 1;
        free(body);
    }
    if (d->kind == DOC_HTML)
        fputs("</body></html>\n", d->o);
}

static int write_text(const char *dir, const char *name, const char *body, err_t *e)
{
    outfile o;
    int rc = out_open(&o, dir, name, e);
    if (rc)
        return rc;
    fputs(body, o.f);
    return out_close(&o, e);
}

int analysis_run(const char *h5_path, const analysis_opts *opts, err_t *e)
{
    analysis_opts defaults;
    if (!opts) {
        analysis_opts_init(&defaults);
        opts = &defaults;
    }
    resfile *r = NULL;
    plots_list plots = { 0 };
    char *dash = NULL, *exec = NULL, *sources = NULL;
    char out_dir[4096], plot_dir[4200];
    int rc = resfile_open(h5_path, &r, e);
    if (rc)
        return rc;
    if (opts->out_dir && *opts->out_dir)
        snprintf(out_dir, sizeof out_dir, "%s", opts->out_dir);
    else
        analysis_default_out_dir(h5_path, out_dir, sizeof out_dir);
    snprintf(plot_dir, sizeof plot_dir, "%s/plots", out_dir);

    if (opts->plots || opts->report) {
        if (outpath_make_dirs(out_dir)) {
            rc = err_set(e, ERR_CANTCREAT, out_dir, 0, 0, "cannot create the directory: %s",
                         strerror(errno));
            goto done;
        }
    }
    if (opts->plots && (rc = plots_write(r, plot_dir, 1, stderr, &plots, e)))
        goto done;
    if (opts->report) {
        if (dashboard_render(r, 0, &dash) || dashboard_executive(r, 0, &exec) ||
            dashboard_sources(r, 0, &sources)) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            goto done;
        }
        if ((rc = write_text(out_dir, "dashboard.txt", dash, e)) ||
            (rc = write_text(out_dir, "executive.txt", exec, e)))
            goto done;
        static const struct { doc_kind kind; const char *name; } docs[] = {
            { DOC_MD, "report.md" }, { DOC_HTML, "report.html" },
        };
        for (size_t i = 0; i < 2; i++) {
            outfile o;
            if ((rc = out_open(&o, out_dir, docs[i].name, e)))
                goto done;
            doc d = { docs[i].kind, o.f, r, plot_dir, opts->plots ? &plots : NULL, 0, { { 0 } }, 0 };
            write_doc(&d, dash, exec, sources);
            if (d.oom) {
                fclose(o.f);
                unlink(o.tmp);
                rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory writing the report");
                goto done;
            }
            if ((rc = out_close(&o, e)))
                goto done;
        }
    }
    if (opts->csv_dir && (rc = analysis_write_csv(r, opts->csv_dir, e)))
        goto done;
    if (!opts->quiet) {
        size_t rendered = 0;
        for (size_t i = 0; i < plots.n; i++)
            rendered += plots.items[i].rendered != 0;
        if (opts->plots)
            fprintf(stderr, "plots     %s/ (%zu figures, %zu rendered)\n", plot_dir, plots.n,
                    rendered);
        if (opts->report)
            fprintf(stderr, "report    %s/report.html, %s/report.md\n", out_dir, out_dir);
        if (opts->csv_dir)
            fprintf(stderr, "csv       %s/\n", opts->csv_dir);
    }
done:
    free(dash);
    free(exec);
    free(sources);
    plots_list_free(&plots);
    resfile_close(r);
    return rc;
}
