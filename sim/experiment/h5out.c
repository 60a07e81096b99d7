/* h5out.c - atomic HDF5 results files (see h5out.h).
 *
 * Every HDF5 call's status is checked; the first failure aborts the write,
 * closes what was opened and removes the temporary file.  Automatic HDF5
 * error printing is silenced: errors reach the user once, through err_t.
 */
#include "h5out.h"
#include "audit.h"
#include "paired.h"
#include "campaign.h"
#include "planning.h"
#include "h5scale.h"
#include "outpath.h"
#include "resfields.h"
#include "sink.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct h5out_summary_row {
    RESFIELDS_SUMMARY(RESFIELDS_WRITER)
} h5out_summary_row;

/* One summary row (a metric missing at a sweep point: s NULL, all NaN). */
static h5out_summary_row h5out_summary_of(const stats_summary *s)
{
    h5out_summary_row r = { NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, 0, 0, NAN, NAN, NAN,
                            NAN, NAN, NAN };
    if (s) {
        h5out_summary_row full = { s->mean, s->ci_low, s->ci_high, s->p50, s->p95, s->p99,
                                   s->n, (uint64_t)s->reps, (uint64_t)s->reps_with_data,
                                   s->censored, s->p_event, s->p_event_low, s->p_event_high,
                                   s->km_median, s->km_median_low, s->km_median_high };
        r = full;
    }
    return r;
}

typedef struct h5out_rep_row {
    RESFIELDS_REP(RESFIELDS_WRITER)
} h5out_rep_row;

/* A variable-length UTF-8 string attribute: a scalar (v[0]) when n is 0,
 * else 1-D of v[0..n). */
/* A variable-length UTF-8 string type (the caller closes it). */
static hid_t h5out_utf8_type(void)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    return type;
}

static int h5out_attr_text(hid_t obj, const char *name, const char *const *v, size_t n)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return -1;
    int rc = -1;
    hid_t space = -1, attr = -1;
    hsize_t dims[1] = { n };
    if (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0)
        goto done;
    space = n ? H5Screate_simple(1, dims, NULL) : H5Screate(H5S_SCALAR);
    if (space < 0)
        goto done;
    attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0)
        goto done;
    rc = H5Awrite(attr, type, v) < 0 ? -1 : 0;
done:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    H5Tclose(type);
    return rc;
}

static int h5out_attr_str(hid_t obj, const char *name, const char *value)
{
    const char *v = value ? value : "";
    return h5out_attr_text(obj, name, &v, 0);
}

static int h5out_attr_num(hid_t obj, const char *name, hid_t type, const void *v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return -1;
    hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = attr >= 0 && H5Awrite(attr, type, v) >= 0 ? 0 : -1;
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    return rc;
}

static int h5out_describe(hid_t ds, const char *units, const char *what)
{
    if (h5out_attr_str(ds, "units", units) != 0)
        return -1;
    return h5out_attr_str(ds, "description", what);
}

/* The metric's domain (which interval its summary has) and, for a figure
 * that is an input, the keys that fix it: attributes of its summary. */
static int h5out_domain(hid_t ds, const stats_def *d)
{
    static const char *const names[] = { "nonnegative", "real", "proportion", "rare event",
                                         "time to event" };
    const char *name = (unsigned)d->domain < 5 ? names[d->domain] : "?";
    if (h5out_attr_str(ds, "domain", name) != 0)
        return -1;
    return d->input[0] ? h5out_attr_str(ds, "input", d->input) : 0;
}

/* Writes buf to dataset ds (if it was created), describes it, closes it.
 * 0 on success. */
static int h5out_fill(hid_t ds, hid_t type, const void *buf, const char *units,
                      const char *what)
{
    int ok = ds >= 0 && H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 &&
             h5out_describe(ds, units, what) == 0;
    if (ds >= 0)
        H5Dclose(ds);
    return ok ? 0 : -1;
}

/* A dataset of rank 1 or 2 with unlimited first dimension, chunked and
 * deflated, so later appends (sweeps, resume) can extend it. */
static hid_t h5out_extendible(hid_t group, const char *name, hid_t type,
                              hsize_t rows, hsize_t cols)
{
    int rank = cols ? 2 : 1;
    hsize_t dims[2] = { rows, cols };
    hsize_t maxdims[2] = { H5S_UNLIMITED, cols };
    hsize_t chunk[2] = { rows ? (rows < 1024 ? rows : 1024) : 1, cols };
    hid_t space = H5Screate_simple(rank, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = -1;
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0 &&
        H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, 4) >= 0)
        ds = H5Dcreate2(group, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return ds;
}

/* The compound type of a table (resfields.h) for row struct size bytes;
 * strings as str (variable-length UTF-8).  -1 on failure. */
static hid_t h5out_compound(const resfields_field *f, size_t nf, size_t size, hid_t str)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, size);
    for (size_t i = 0; t >= 0 && i < nf; i++) {
        hid_t ft = f[i].kind == RESFIELDS_DOUBLE ? H5T_NATIVE_DOUBLE
                   : f[i].kind == RESFIELDS_I64  ? H5T_NATIVE_INT64
                   : f[i].kind == RESFIELDS_U64  ? H5T_NATIVE_UINT64
                                                 : str;
        if (H5Tinsert(t, f[i].name, f[i].offset, ft) < 0) {
            H5Tclose(t);
            t = -1;
        }
    }
    return t;
}

#define H5OUT_SUMMARY_F(n, k) RESFIELDS_ENTRY(h5out_summary_row, n, k)
#define H5OUT_REP_F(n, k) RESFIELDS_ENTRY(h5out_rep_row, n, k)
#define H5OUT_SWEEP_F(n, k) RESFIELDS_ENTRY(h5out_sweep_row, n, k)
#define H5OUT_CLAIM_F(n, k) RESFIELDS_ENTRY(h5out_claim_row, n, k)
#define H5OUT_ROBUST_F(n, k) RESFIELDS_ENTRY(h5out_robust_row, n, k)
#define H5OUT_RUNBOOK_F(n, k) RESFIELDS_ENTRY(h5out_runbook_row, n, k)
#define H5OUT_COMPARISON_F(n, k) RESFIELDS_ENTRY(h5out_comparison_row, n, k)
#define H5OUT_BREAKING_F(n, k) RESFIELDS_ENTRY(h5out_breaking_row, n, k)
#define H5OUT_PLAN_F(n, k) RESFIELDS_ENTRY(h5out_plan_row, n, k)
#define H5OUT_ESTIMATE_F(n, k) RESFIELDS_ENTRY(h5out_estimate_row, n, k)
#define H5OUT_PROBE_F(n, k) RESFIELDS_ENTRY(h5out_probe_row, n, k)

static hid_t h5out_summary_type(void)
{
    static const resfields_field f[] = { RESFIELDS_SUMMARY(H5OUT_SUMMARY_F) };
    return h5out_compound(f, RESFIELDS_COUNT(f), sizeof(h5out_summary_row), -1);
}

static hid_t h5out_rep_type(void)
{
    static const resfields_field f[] = { RESFIELDS_REP(H5OUT_REP_F) };
    return h5out_compound(f, RESFIELDS_COUNT(f), sizeof(h5out_rep_row), -1);
}

static int h5out_write_metrics(hid_t file, const runner_result *r)
{
    int rc = -1;
    hid_t gsum = -1, grep = -1, gcdf = -1, gtim = -1;
    hid_t tsum = h5out_summary_type(), trep = h5out_rep_type();
    h5out_rep_row *rows = malloc((r->nreps ? r->nreps : 1) * sizeof *rows);
    double *cdf = malloc((r->nreps ? r->nreps : 1) * STATS_CDF_POINTS * sizeof *cdf);
    if (!rows || !cdf || tsum < 0 || trep < 0)
        goto done;
    gsum = H5Gcreate2(file, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    grep = H5Gcreate2(file, "replications", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    gcdf = H5Gcreate2(file, "cdf", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    gtim = H5Gcreate2(file, "timing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (gsum < 0 || grep < 0 || gcdf < 0 || gtim < 0)
        goto done;
    for (size_t k = 0; k < r->nmetrics; k++) {
        const stats_def *d = &r->defs[k];
        const stats_summary *s = &r->summary[k];
        /* Names come from the scenario (checked at load); never a path. */
        if (sink_h5_name(d->name) != 0)
            goto done;
        h5out_summary_row row = h5out_summary_of(s);
        hid_t space = H5Screate(H5S_SCALAR);
        hid_t ds = H5Dcreate2(gsum, d->name, tsum, space, H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT);
        int ok = ds >= 0 && h5out_domain(ds, d) == 0;
        ok = h5out_fill(ds, tsum, &row, d->unit, d->what) == 0 && ok;
        H5Sclose(space);
        if (!ok)
            goto done;

        for (size_t i = 0; i < r->nreps; i++) {
            const stats_rep *x = &r->reps[i * r->nmetrics + k];
            h5out_rep_row rr = { x->value, x->n, x->sd, x->min, x->max,
                                 x->p50, x->p90, x->p95, x->p99 };
            rows[i] = rr;
            memcpy(&cdf[i * STATS_CDF_POINTS], x->cdf, sizeof x->cdf);
        }
        ds = h5out_extendible(grep, d->name, trep, r->nreps, 0);
        ok = h5out_fill(ds, trep, rows,
                        d->unit, d->what) == 0;
        if (!ok)
            goto done;
        if (d->kind == STATS_TALLY) {
            ds = h5out_extendible(gcdf, d->name, H5T_NATIVE_DOUBLE, r->nreps,
                                  STATS_CDF_POINTS);
            ok = h5out_fill(ds, H5T_NATIVE_DOUBLE, cdf,
                            d->unit, "percentiles 0..100 of each replication") == 0;
            if (!ok)
                goto done;
        }
    }
    hid_t ds = h5out_extendible(grep, "events", H5T_NATIVE_UINT64, r->nreps, 0);
    int ok = h5out_fill(ds, H5T_NATIVE_UINT64, r->events,
                    "events", "events processed per replication") == 0;
    if (!ok)
        goto done;
    ds = h5out_extendible(gtim, "wall_s", H5T_NATIVE_DOUBLE, r->nreps, 0);
    ok = h5out_fill(ds, H5T_NATIVE_DOUBLE, r->wall_s,
                    "s", "wall time per replication (not reproducible)") == 0;
    if (!ok)
        goto done;
    rc = 0;
done:
    if (gsum >= 0) H5Gclose(gsum);
    if (grep >= 0) H5Gclose(grep);
    if (gcdf >= 0) H5Gclose(gcdf);
    if (gtim >= 0) H5Gclose(gtim);
    if (tsum >= 0) H5Tclose(tsum);
    if (trep >= 0) H5Tclose(trep);
    free(rows);
    free(cdf);
    return rc;
}

/* The files include: brought into the scenario, beside scenario_text, so
 * the file alone says everything the run was made of. */
static int h5out_write_includes(hid_t file, const cfg_doc *doc)
{
    if (!doc->nincludes)
        return 0;
    const char **paths = calloc(doc->nincludes, sizeof *paths);
    const char **texts = calloc(doc->nincludes, sizeof *texts);
    int rc = -1;
    if (paths && texts) {
        for (size_t i = 0; i < doc->nincludes; i++) {
            paths[i] = doc->includes[i].path;
            texts[i] = doc->includes[i].text;
        }
        rc = h5out_attr_text(file, "scenario_include_files", paths, doc->nincludes) ||
             h5out_attr_text(file, "scenario_include_texts", texts, doc->nincludes) ? -1 : 0;
    }
    free(paths);
    free(texts);
    return rc;
}

static int h5out_write_parameters(hid_t file, const char *const *lines, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(lines[i]) + 1;
    char *text = malloc(len), *p = text;
    if (!text)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(lines[i]);
        memcpy(p, lines[i], l);
        p[l] = '\n';
        p += l + 1;
    }
    *p = '\0';
    int rc = h5out_attr_str(file, "parameters", text);
    free(text);
    return rc;
}

/* Build provenance: the revision and the libraries that produced the file. */
static int h5out_write_versions(hid_t file)
{
    version_libs v;
    version_libraries(&v);
    return h5out_attr_str(file, "git_revision", version_git_revision()) ||
           h5out_attr_str(file, "gsl_version", v.gsl) ||
           h5out_attr_str(file, "hdf5_version", v.hdf5) ||
           h5out_attr_str(file, "libyaml_version", v.libyaml) ||
           h5out_attr_str(file, "openmp_version", v.openmp[0] ? v.openmp : "none") ||
           h5out_attr_str(file, "mpi_version", v.mpi[0] ? v.mpi : "none (built without MPI)") ||
           h5out_attr_str(file, "compiler", v.compiler) ? -1 : 0;
}

static int h5out_write_root(hid_t file, const scenario_t *sc,
                            const runner_result *r, const h5out_meta *m)
{
    uint64_t seed = sc->seed, reps = r->nreps;
    int64_t threads = m->threads;
    char description[1024];
    scenario_describe(sc, description, sizeof description);
    /* One text attribute, a line per parameter: as readable as a dataset
     * (f.attrs["parameters"].splitlines()) for a fraction of the cost of
     * another HDF5 object in every file, and one heap reference however
     * many parameters (an attribute's own data must stay under 64 KiB). */
    if (m->nparameters && h5out_write_parameters(file, m->parameters, m->nparameters))
        return -1;
    if (h5out_attr_str(file, "code_version", MWRASP_VERSION) ||
        h5out_write_versions(file) ||
        h5out_attr_str(file, "description", description) ||
        h5out_attr_str(file, "scenario", sc->name) ||
        h5out_attr_str(file, "scenario_file", m->scenario_file) ||
        h5out_attr_str(file, "scenario_text", sc->doc->text) ||
        h5out_write_includes(file, sc->doc) ||
        h5out_attr_str(file, "command_line", m->command_line) ||
        h5out_attr_str(file, "start_time", m->start_time) ||
        h5out_attr_num(file, "seed", H5T_NATIVE_UINT64, &seed) ||
        h5out_attr_num(file, "replications", H5T_NATIVE_UINT64, &reps) ||
        h5out_attr_num(file, "threads", H5T_NATIVE_INT64, &threads) ||
        h5out_attr_num(file, "wall_time_s", H5T_NATIVE_DOUBLE, &m->wall_time_s))
        return -1;
    return 0;
}

typedef struct h5out_sweep_row {
    RESFIELDS_SWEEP_REP(RESFIELDS_WRITER)
} h5out_sweep_row;

static hid_t h5out_sweep_rep_type(void)
{
    static const resfields_field f[] = { RESFIELDS_SWEEP_REP(H5OUT_SWEEP_F) };
    return h5out_compound(f, RESFIELDS_COUNT(f), sizeof(h5out_sweep_row), -1);
}

/* A 1-D dataset of variable-length UTF-8 strings. */
static int h5out_strings(hid_t group, const char *name, const char *const *v, size_t n,
                         const char *what)
{
    hid_t type = h5out_utf8_type();
    hsize_t dims[1] = { n };
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t ds = H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = h5out_fill(ds, type, v,
                    "text", what) == 0;
    H5Sclose(space);
    H5Tclose(type);
    return ok ? 0 : -1;
}

static int h5out_write_sweep(hid_t file, const scenario_t *base, const campaign_result *c)
{
    const sweep_spec *sw = &base->sweep;
    const runner_result *r0 = &c->points[0];
    size_t np = c->npoints, nm = r0->nmetrics;
    int rc = -1;
    hid_t g = -1, gax = -1, gpt = -1, gsum = -1, grep = -1;
    hid_t tsum = h5out_summary_type(), trep = h5out_sweep_rep_type();
    h5scale_set scales = { .rank = 0 };
    for (int d = 0; d < 32; d++)
        scales.scale[d] = -1;
    const char **vals = malloc((np ? np : 1) * sizeof *vals);
    h5out_summary_row *sum = malloc((np ? np : 1) * sizeof *sum);
    uint64_t *per = malloc((np ? np : 1) * sizeof *per);
    size_t total = 0;
    for (size_t p = 0; p < np; p++)
        total += c->points[p].nreps;
    h5out_sweep_row *rows = malloc((total ? total : 1) * sizeof *rows);
    if (!vals || !sum || !per || !rows)
        goto done;
    g = H5Gcreate2(file, "sweep", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    gax = H5Gcreate2(g, "axes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    gpt = H5Gcreate2(g, "points", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    gsum = H5Gcreate2(g, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    grep = H5Gcreate2(g, "replications", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0 || gax < 0 || gpt < 0 || gsum < 0 || grep < 0)
        goto done;
    if (h5out_attr_str(g, "mode", sw->zip ? "zip" : "grid") != 0)
        goto done;
    for (size_t a = 0; a < sw->naxes; a++) {
        if (sink_h5_name(sw->axes[a].path) != 0)
            goto done;
        if (h5out_strings(gax, sw->axes[a].path, (const char *const *)sw->axes[a].values,
                          sw->axes[a].nvalues, "values of this sweep axis") != 0)
            goto done;
        for (size_t p = 0; p < np; p++)
            vals[p] = sw->axes[a].values[sweep_value_index(sw, p, a)];
        if (h5out_strings(gpt, sw->axes[a].path, vals, np, "axis value at each point") != 0)
            goto done;
    }
    for (size_t p = 0; p < np; p++)
        per[p] = c->points[p].nreps;
    hsize_t pdims[1] = { np };
    hid_t sp = H5Screate_simple(1, pdims, NULL);
    hid_t ds = H5Dcreate2(g, "replications_per_point", H5T_NATIVE_UINT64, sp, H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT);
    int ok = h5out_fill(ds, H5T_NATIVE_UINT64, per,
                    "replications", "replications run at each point") == 0;
    H5Sclose(sp);
    if (!ok)
        goto done;
    /* Grid shape: one dimension per axis (grid) or one (zip). */
    hsize_t gdims[32];
    int rank = 1;
    gdims[0] = np;
    if (!sw->zip && sw->naxes > 0 && sw->naxes <= 32) {
        rank = (int)sw->naxes;
        for (size_t a = 0; a < sw->naxes; a++)
            gdims[a] = sw->axes[a].nvalues;
    }
    /* Dimension scales (h5scale.h), unless an axis shares a metric's name. */
    int clash = runner_metric_index(r0, "point") >= 0;
    for (size_t a = 0; a < sw->naxes; a++)
        clash |= runner_metric_index(r0, sw->axes[a].path) >= 0;
    if (!clash && h5scale_write(gsum, sw, np, &scales) != 0)
        goto done;
    for (size_t k = 0; k < nm; k++) {
        const stats_def *d = &r0->defs[k];
        size_t row = 0;
        if (sink_h5_name(d->name) != 0)
            goto done;
        for (size_t p = 0; p < np; p++) {
            const runner_result *r = &c->points[p];
            int kk = runner_metric_index(r, d->name);
            const stats_summary *s = kk >= 0 ? &r->summary[kk] : NULL;
            sum[p] = h5out_summary_of(s);
            for (size_t i = 0; i < r->nreps; i++) {
                h5out_sweep_row x = { p, i, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
                if (kk >= 0) {
                    const stats_rep *q = &r->reps[i * r->nmetrics + (size_t)kk];
                    x.value = q->value; x.n = q->n; x.sd = q->sd; x.min = q->min;
                    x.max = q->max; x.p50 = q->p50; x.p90 = q->p90; x.p95 = q->p95;
                    x.p99 = q->p99;
                }
                rows[row++] = x;
            }
        }
        sp = H5Screate_simple(rank, gdims, NULL);
        ds = H5Dcreate2(gsum, d->name, tsum, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        ok = ds >= 0 && h5out_domain(ds, d) == 0 && (clash || h5scale_attach(ds, &scales) == 0);
        ok = h5out_fill(ds, tsum, sum, d->unit, d->what) == 0 && ok;
        H5Sclose(sp);
        if (!ok)
            goto done;
        ds = h5out_extendible(grep, d->name, trep, row, 0);
        ok = h5out_fill(ds, trep, rows,
                        d->unit, d->what) == 0;
        if (!ok)
            goto done;
    }
    rc = 0;
done:
    h5scale_close(&scales);
    if (grep >= 0) H5Gclose(grep);
    if (gsum >= 0) H5Gclose(gsum);
    if (gpt >= 0) H5Gclose(gpt);
    if (gax >= 0) H5Gclose(gax);
    if (g >= 0) H5Gclose(g);
    H5Tclose(tsum);
    H5Tclose(trep);
    free(vals);
    free(sum);
    free(per);
    free(rows);
    return rc;
}

typedef struct h5out_claim_row {
    RESFIELDS_CLAIM(RESFIELDS_WRITER)
} h5out_claim_row;

static int h5out_write_claims(hid_t file, const scenario_t *sc, size_t npoints,
                              const h5out_meta *m)
{
    const verdict_result *res = m->claims;
    const claims_list *l = &sc->claims;
    if (!l->n || !res)
        return 0;
    hid_t str = h5out_utf8_type();
    static const resfields_field cf[] = { RESFIELDS_CLAIM(H5OUT_CLAIM_F) };
    hid_t t = h5out_compound(cf, RESFIELDS_COUNT(cf), sizeof(h5out_claim_row), str);
    size_t n = l->n * npoints;
    h5out_claim_row *rows = calloc(n, sizeof *rows);
    char (*rests)[512] = calloc(l->n ? l->n : 1, sizeof *rests);
    int rc = -1;
    hid_t g = -1;
    if (!rows || !rests)
        goto done;
    for (size_t c = 0; c < l->n; c++) {
        size_t used = 0;
        for (size_t a = 0; a < l->items[c].nassumptions && used < sizeof rests[c]; a++)
            used += (size_t)snprintf(rests[c] + used, sizeof rests[c] - used, "%s%s",
                                     a ? "," : "", l->items[c].assumptions[a]);
    }
    for (size_t c = 0; c < l->n; c++)
        for (size_t p = 0; p < npoints; p++) {
            const claims_claim *cl = &l->items[c];
            const verdict_result *r = &res[c * npoints + p];
            h5out_claim_row *w = &rows[c * npoints + p];
            w->name = cl->name;
            w->metric = cl->metric;
            w->statistic = claims_stat_name(cl->stat);
            w->bound = cl->bound_text;
            w->source = cl->source;
            w->verdict = verdict_name(r->verdict);
            w->unit = r->unit;
            w->note = r->note;
            w->rule = verdict_rule_name(r->rule);
            w->method = r->method;
            w->assumptions = rests[c];
            w->estimate = r->estimate;
            w->ci_low = r->ci_low;
            w->ci_high = r->ci_high;
            w->level = r->level;
            w->pvalue = r->pvalue;
            w->bound_low = r->bound_lo;
            w->bound_high = r->bound_hi;
            w->replications = r->replications;
            w->reps_with_data = r->reps_with_data;
            w->more_replications = r->more_replications;
            w->exceed = r->exceed;
            w->observations = r->observations;
            w->reps_exceeding = r->reps_exceeding;
            w->p_exceed = r->p_exceed;
            w->p_exceed_low = r->p_exceed_low;
            w->p_exceed_high = r->p_exceed_high;
            w->exceed_upper = r->exceed_upper;
            w->first_replication = r->first_rep;
            w->first_time_s = r->first_time_s;
            w->p_event = r->p_event;
            w->p_event_low = r->p_event_low;
            w->p_event_high = r->p_event_high;
        }
    g = H5Gcreate2(file, "claims", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        goto done;
    {
        uint64_t tests = m->claims_tests, looks = m->claims_looks ? m->claims_looks : 1;
        double alpha = m->claims_alpha;
        if (h5out_attr_num(g, "family_alpha", H5T_NATIVE_DOUBLE, &alpha) != 0 ||
            h5out_attr_num(g, "family_tests", H5T_NATIVE_UINT64, &tests) != 0 ||
            h5out_attr_num(g, "looks", H5T_NATIVE_UINT64, &looks) != 0 ||
            h5out_attr_str(g, "procedure",
                           "Holm step-down over the interval claims of all points at "
                           "family_alpha / looks (docs/claims.md)") != 0)
            goto done;
    }
    int sweep = sc->sweep.naxes > 0;
    hsize_t dims[2] = { l->n, npoints };
    hid_t sp = H5Screate_simple(sweep ? 2 : 1, dims, NULL);
    hid_t ds = H5Dcreate2(g, "table", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = h5out_fill(ds, t, rows,
                    "see unit field",
                            "claims audit: HOLDS/FAILS/INCONCLUSIVE/BY CONSTRUCTION/NO DATA; "
                            "interval rule: CI at `level` (Holm over the family); every case "
                            "and rare event: counterexamples (docs/claims.md)") == 0;
    H5Sclose(sp);
    if (!ok)
        goto done;
    if (sweep) {
        char **regions = calloc(l->n, sizeof *regions);
        ok = regions != NULL;
        for (size_t c = 0; ok && c < l->n; c++) {
            regions[c] = malloc(1024);
            if (!regions[c]) {
                ok = 0;
                break;
            }
            verdict_region(l, c, &sc->sweep, npoints, res, regions[c], 1024);
        }
        if (ok)
            ok = h5out_strings(g, "regions", (const char *const *)regions, l->n,
                               "where in the sweep each claim holds") == 0;
        for (size_t c = 0; regions && c < l->n; c++)
            free(regions[c]);
        free(regions);
        if (!ok)
            goto done;
    }
    rc = 0;
done:
    if (g >= 0)
        H5Gclose(g);
    free(rows);
    free(rests);
    H5Tclose(t);
    H5Tclose(str);
    return rc;
}

typedef struct h5out_runbook_row {
    RESFIELDS_RUNBOOK(RESFIELDS_WRITER)
} h5out_runbook_row;

typedef struct h5out_breaking_row {
    RESFIELDS_BREAKING(RESFIELDS_WRITER)
} h5out_breaking_row;

typedef struct h5out_plan_row {
    RESFIELDS_PLAN(RESFIELDS_WRITER)
} h5out_plan_row;

typedef struct h5out_estimate_row {
    RESFIELDS_CAPACITY_ESTIMATE(RESFIELDS_WRITER)
} h5out_estimate_row;

/* Creates dataset name in g from rows (n of them) with type t. */
static int h5out_table(hid_t g, const char *name, hid_t t, const void *rows, size_t n,
                       const char *units, const char *what)
{
    hsize_t dims[1] = { n };
    hid_t sp = H5Screate_simple(1, dims, NULL);
    hid_t ds = H5Dcreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = h5out_fill(ds, t, rows,
                    units, what) == 0;
    H5Sclose(sp);
    return ok ? 0 : -1;
}

/* Creates group name under file with its "runs" attribute and the
 * dataset "table" of rows. */
static int h5out_runs_table(hid_t file, const char *name, uint64_t runs, hid_t t,
                            const void *rows, size_t n, const char *units, const char *what)
{
    hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = g < 0 || h5out_attr_num(g, "runs", H5T_NATIVE_UINT64, &runs) != 0 ||
                     h5out_table(g, "table", t, rows, n, units, what) != 0
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

typedef struct h5out_robust_row {
    RESFIELDS_ROBUST(RESFIELDS_WRITER)
} h5out_robust_row;

static int h5out_write_robustness(hid_t file, const scenario_t *sc, const audit_robust *r)
{
    if (!r || !r->n)
        return 0;
    hid_t str = h5out_utf8_type();
    static const resfields_field rf[] = { RESFIELDS_ROBUST(H5OUT_ROBUST_F) };
    hid_t t = h5out_compound(rf, RESFIELDS_COUNT(rf), sizeof(h5out_robust_row), str);
    int rc = -1;
    h5out_robust_row *rows = calloc(r->n, sizeof *rows);
    if (!rows)
        goto done;
    for (size_t i = 0; i < r->n; i++) {
        const audit_robust_row *x = &r->rows[i];
        const scenario_assumption *a = &sc->assumptions[x->assumption];
        h5out_robust_row *w = &rows[i];
        w->claim = sc->claims.items[x->claim].name;
        w->assumption = a->key;
        w->low = a->lo;
        w->high = a->hi;
        w->baseline = x->base_value;
        w->verdict_low = verdict_name(x->verdict_low);
        w->verdict_baseline = verdict_name(x->verdict_base);
        w->verdict_high = verdict_name(x->verdict_high);
        w->unit = x->unit;
        w->value_unit = x->value_unit;
        w->sentence = x->sentence;
        w->estimate_low = x->estimate_low;
        w->estimate_baseline = x->estimate_base;
        w->estimate_high = x->estimate_high;
        w->flips = x->flips;
        w->break_even = x->break_even;
        w->break_even_low = x->break_even_low;
        w->break_even_high = x->break_even_high;
    }
    rc = h5out_runs_table(file, "robustness", r->runs, t, rows, r->n, "see unit and value_unit",
                          "every claim at both ends of each assumption's range (common random "
                          "numbers); break_even: the assumption's value where the estimate "
                          "meets the bound, with the values where the CI does");
done:
    free(rows);
    H5Tclose(t);
    H5Tclose(str);
    return rc;
}

typedef struct h5out_comparison_row {
    RESFIELDS_COMPARISON(RESFIELDS_WRITER)
} h5out_comparison_row;

/* A list of strings joined by `sep` (NULL on out of memory). */
static char *h5out_join(const char *const *items, size_t n, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + strlen(sep);
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, sep);
        strcat(s, items[i]);
    }
    return s;
}

static int h5out_write_comparisons(hid_t file, const scenario_t *sc, const paired_set *r)
{
    if (!r || !r->n)
        return 0;
    hid_t str = h5out_utf8_type();
    static const resfields_field cf[] = { RESFIELDS_COMPARISON(H5OUT_COMPARISON_F) };
    hid_t t = h5out_compound(cf, RESFIELDS_COUNT(cf), sizeof(h5out_comparison_row), str);
    int rc = -1;
    h5out_comparison_row *rows = calloc(r->n, sizeof *rows);
    char **joined = calloc(3 * r->n, sizeof *joined);
    if (!rows || !joined)
        goto done;
    for (size_t i = 0; i < r->n; i++) {
        const claims_comparison *cmp = &sc->comparisons.items[i];
        const paired_result *x = &r->rows[i];
        h5out_comparison_row *w = &rows[i];
        char **j = &joined[3 * i];
        j[0] = h5out_join(cmp->baseline, cmp->nbaseline, "; ");
        j[1] = h5out_join(cmp->variant, cmp->nvariant, "; ");
        j[2] = h5out_join(cmp->claim.assumptions, cmp->claim.nassumptions, ", ");
        if (!j[0] || !j[1] || !j[2])
            goto done;
        w->name = cmp->claim.name;
        w->metric = cmp->claim.metric;
        w->statistic = claims_stat_name(cmp->claim.stat);
        w->effect = claims_effect_name(cmp->effect);
        w->bound = cmp->claim.bound_text;
        w->source = cmp->claim.source;
        w->baseline = j[0];
        w->variant = j[1];
        w->assumptions = j[2];
        w->verdict = verdict_name(x->verdict);
        w->unit = x->unit;
        w->sentence = x->sentence;
        w->estimate = x->estimate;
        w->ci_low = x->ci_low;
        w->ci_high = x->ci_high;
        w->level = x->level;
        w->bound_low = x->bound_lo;
        w->bound_high = x->bound_hi;
        w->baseline_mean = x->baseline_mean;
        w->variant_mean = x->variant_mean;
        w->pairs = x->pairs;
    }
    rc = h5out_runs_table(file, "comparisons", r->runs, t, rows, r->n,
                          "effect: 1 for a ratio, else see unit",
                          "A/B claims: both arms with the scenario's seed and streams (common "
                          "random numbers); the effect variant/baseline (ratio) or variant - "
                          "baseline (difference) over paired replications, its CI at level");
done:
    if (joined)
        for (size_t i = 0; i < 3 * r->n; i++)
            free(joined[i]);
    free(joined);
    free(rows);
    H5Tclose(t);
    H5Tclose(str);
    return rc;
}

static int h5out_write_capacity(hid_t file, const scenario_t *sc, const planning_result *r)
{
    if (!r)
        return 0;
    int rc = -1;
    size_t rows = r->months + 1;
    hid_t str = h5out_utf8_type();
    static const resfields_field rbf[] = { RESFIELDS_RUNBOOK(H5OUT_RUNBOOK_F) };
    static const resfields_field brf[] = { RESFIELDS_BREAKING(H5OUT_BREAKING_F) };
    static const resfields_field plf[] = { RESFIELDS_PLAN(H5OUT_PLAN_F) };
    hid_t trb = h5out_compound(rbf, RESFIELDS_COUNT(rbf), sizeof(h5out_runbook_row), str);
    hid_t tbr = h5out_compound(brf, RESFIELDS_COUNT(brf), sizeof(h5out_breaking_row), str);
    hid_t tpl = h5out_compound(plf, RESFIELDS_COUNT(plf), sizeof(h5out_plan_row), str);
    static const resfields_field esf[] = { RESFIELDS_CAPACITY_ESTIMATE(H5OUT_ESTIMATE_F) };
    hid_t tes = h5out_compound(esf, RESFIELDS_COUNT(esf), sizeof(h5out_estimate_row), str);
    h5out_estimate_row *es = malloc((r->nclaims ? rows * r->nclaims : 1) * sizeof *es);
    for (size_t m = 0; es && m < rows; m++)
        for (size_t c = 0; c < r->nclaims; c++) {
            const planning_estimate *x = &r->plan[m].est[c];
            h5out_estimate_row y = { (int64_t)m, sc->claims.items[c].name,
                                     sc->claims.items[c].metric,
                                     verdict_name((verdict_kind)x->verdict), x->estimate,
                                     x->ci_low, x->ci_high, x->level, x->bound_lo, x->bound_hi,
                                     x->headroom, x->unit };
            es[m * r->nclaims + c] = y;
        }
    h5out_runbook_row rb[CAPACITY_MAX_MONTHS + 1];
    h5out_plan_row pl[CAPACITY_MAX_MONTHS + 1];
    h5out_breaking_row br[64];
    const char *recs[8];
    int64_t held_total = 0;
    for (size_t c = 0; c < r->nclaims; c++) {
        br[c].claim = sc->claims.items[c].name;
        br[c].metric = sc->claims.items[c].metric;
        br[c].held_at_start = r->held_at_start[c];
        br[c].breaks_at_month = r->breaks_at_month[c];
        held_total += r->held_at_start[c];
    }
    for (size_t m = 0; m < rows; m++) {
        const planning_runbook_row *x = &r->runbook[m];
        h5out_runbook_row y = { x->month, x->ai_agents, x->tps, x->storage_tb, x->compute_cores,
                                x->memory_gb, x->network_gbps };
        rb[m] = y;
        const planning_month *p = &r->plan[m];
        double units = 0;
        for (size_t i = 0; i < sc->capacity.nresources; i++)
            units += (double)p->resource_values[i];
        h5out_plan_row z = { (int64_t)m, p->growth_factor, p->agents, p->holding_unchanged,
                             held_total, p->resources, units };
        pl[m] = z;
    }
    for (size_t i = 0; i < r->nrecommendations; i++)
        recs[i] = r->recommendations[i];
    hid_t g = es ? H5Gcreate2(file, "capacity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    if (g < 0)
        goto done;
    if (h5out_table(g, "runbook", trb, rb, rows, "see fields",
                    "the runbook's CapacityPlanning projection, reproduced exactly") ||
        h5out_table(g, "plan", tpl, pl, rows, "see fields",
                    "simulated plan: smallest resources keeping every claim held at month 0") ||
        (r->nclaims && h5out_table(g, "breaking", tbr, br, r->nclaims, "month",
                                   "month each claim breaks with nothing added (-1: never)")) ||
        h5out_strings(g, "recommendations", recs, r->nrecommendations,
                      "the runbook's scaling recommendations for these numbers") ||
        (r->nclaims &&
         h5out_table(g, "estimates", tes, es, rows * r->nclaims, "see unit",
                     "each claim's estimate, interval and headroom to its bound per month, "
                     "resources unchanged (headroom: the interval's far end to the nearer "
                     "bound, negative past it)")))
        goto done;
    rc = 0;
done:
    if (g >= 0)
        H5Gclose(g);
    H5Tclose(trb);
    H5Tclose(tbr);
    H5Tclose(tpl);
    H5Tclose(tes);
    H5Tclose(str);
    free(es);
    return rc;
}

typedef struct h5out_probe_row {
    RESFIELDS_THROUGHPUT_PROBE(RESFIELDS_WRITER)
} h5out_probe_row;

static int h5out_write_throughput(hid_t file, const scenario_t *sc, const planning_throughput *r)
{
    if (!r)
        return 0;
    const capacity_throughput *t = &sc->throughput;
    hid_t str = h5out_utf8_type();
    static const resfields_field f[] = { RESFIELDS_THROUGHPUT_PROBE(H5OUT_PROBE_F) };
    hid_t tp = h5out_compound(f, RESFIELDS_COUNT(f), sizeof(h5out_probe_row), str);
    h5out_probe_row rows[PLANNING_MAX_PROBES];
    for (size_t i = 0; i < r->nprobes; i++) {
        const planning_probe *p = &r->probes[i];
        h5out_probe_row y = { p->rate, p->sustained, verdict_name((verdict_kind)p->verdict),
                              p->estimate, p->ci_low, p->ci_high, p->level, p->unit };
        rows[i] = y;
    }
    int rc = -1;
    hid_t g = H5Gcreate2(file, "throughput", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0 || h5out_attr_str(g, "name", t->name) || h5out_attr_str(g, "rate_key", t->rate) ||
        h5out_attr_num(g, "claimed_per_s", H5T_NATIVE_DOUBLE, &r->claimed) ||
        h5out_attr_str(g, "verdict", verdict_name((verdict_kind)r->verdict)) ||
        h5out_attr_num(g, "sustained_per_s", H5T_NATIVE_DOUBLE, &r->sustained) ||
        h5out_attr_num(g, "unsustained_per_s", H5T_NATIVE_DOUBLE, &r->unsustained) ||
        h5out_attr_str(g, "source", t->source) ||
        h5out_table(g, "probes", tp, rows, r->nprobes, "see unit",
                    "every rate the throughput search ran, in order: sustained when every "
                    "claim HOLDS there; the first claim's estimate and interval"))
        goto done;
    rc = 0;
done:
    if (g >= 0)
        H5Gclose(g);
    H5Tclose(tp);
    H5Tclose(str);
    return rc;
}

/* Writes the file image to tmp (created exclusively: never through a link
 * or onto a planted file), flushed and fsync'd.  0, or ERR_CANTCREAT /
 * ERR_IO with errno set. */
static int h5out_write_image(const char *tmp, const void *image, size_t size)
{
    FILE *f = outpath_fopen(tmp, 1);
    if (!f)
        return ERR_CANTCREAT;
    int bad = fwrite(image, 1, size, f) != size || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int saved = errno;
    bad |= fclose(f) != 0;
    if (bad) {
        errno = saved ? saved : EIO;
        return ERR_IO;
    }
    return 0;
}

typedef struct h5out_job {
    const scenario_t *sc;
    const runner_result *single;   /* classic layout */
    const campaign_result *sweep;  /* sweep layout */
    const h5out_meta *meta;
} h5out_job;

static int h5out_write_job(const char *path, const h5out_job *job, err_t *e);

int h5out_write(const char *path, const scenario_t *sc, const runner_result *r,
                const h5out_meta *meta, err_t *e)
{
    h5out_job job = { sc, r, NULL, meta };
    return h5out_write_job(path, &job, e);
}

int h5out_write_campaign(const char *path, const scenario_t *base,
                         const campaign_result *c, const h5out_meta *meta, err_t *e)
{
    h5out_job job = { base, NULL, NULL, meta };
    if (base->sweep.naxes == 0 && c->npoints == 1)
        job.single = &c->points[0];
    else
        job.sweep = c;
    return h5out_write_job(path, &job, e);
}

static int h5out_write_job(const char *path, const h5out_job *job, err_t *e)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (outpath_make_parent(path) != 0)
        return err_set(e, ERR_CANTCREAT, path, 0, 0,
                       "cannot create the directory for the results file: %s",
                       strerror(errno));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    /* The file is built in memory (HDF5's core driver) and written out by
     * h5out_write_image: a full disk then fails a write of ours, cleanly.
     * (When libhdf5 1.10 itself fails to flush in H5Fclose, it keeps the
     * half-closed file and crashes in its exit handler.) */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t file = -1;
    if (fapl >= 0 && H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) >= 0)
        file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (file < 0)
        return err_set(e, ERR_SOFTWARE, path, 0, 0,
                       "cannot create the results file in memory (out of memory?)");
    const runner_result *first = job->single ? job->single : &job->sweep->points[0];
    int bad = h5out_write_root(file, job->sc, first, job->meta) != 0 ||
              (job->single ? h5out_write_metrics(file, job->single)
                           : h5out_write_sweep(file, job->sc, job->sweep)) != 0 ||
              h5out_write_claims(file, job->sc, job->sweep ? job->sweep->npoints : 1,
                                 job->meta) != 0 ||
              h5out_write_capacity(file, job->sc, job->meta->capacity) != 0 ||
              h5out_write_robustness(file, job->sc, job->meta->robustness) != 0 ||
              h5out_write_comparisons(file, job->sc, job->meta->comparisons) != 0 ||
              h5out_write_throughput(file, job->sc, job->meta->throughput) != 0;
    void *image = NULL;
    ssize_t size = -1;
    if (!bad && H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0)
        size = H5Fget_file_image(file, NULL, 0);
    if (size > 0 && (image = malloc((size_t)size)) != NULL &&
        H5Fget_file_image(file, image, (size_t)size) != size)
        size = -1;
    if (H5Fclose(file) < 0 || size <= 0 || !image)
        bad = 1;
    if (bad) {
        free(image);
        return err_set(e, ERR_SOFTWARE, path, 0, 0,
                       "cannot build the results file (out of memory, or an HDF5 error)");
    }
    int rc = h5out_write_image(tmp, image, (size_t)size);
    free(image);
    if (rc) {
        unlink(tmp);
        return err_set(e, rc, path, 0, 0, "cannot write the results file: %s (disk full?)",
                       strerror(errno));
    }
    if (outpath_replaceable(path) != 0) {
        unlink(tmp);
        return err_set(e, ERR_CANTCREAT, path, 0, 0,
                       "is no longer a regular file; results are written only to regular "
                       "files (choose another --out)");
    }
    if (rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        return err_set(e, ERR_CANTCREAT, path, 0, 0, "cannot rename the results file into place: %s",
                       strerror(saved));
    }
    return 0;
}
