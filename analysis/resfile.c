/* resfile.c - reads a results file into memory (see resfile.h).
 *
 * Compound datasets are read field by field name through a memory type
 * built from the fields the file actually has, so a field added or dropped
 * by a later writer does not break the reader; strings may be variable or
 * fixed length.  All HDF5 handles are closed before each function returns.
 */
#include "resfile.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg.h"

/* The tables' fields (resfields.h), at their offsets in resfile.h's
 * structs: what is read from the file and sent over the wire. */
typedef resfields_field field;
#define F_SUMMARY(n, k) RESFIELDS_ENTRY(resfile_summary, n, k)
#define F_REP(n, k) RESFIELDS_ENTRY(resfile_rep, n, k)
#define F_CLAIM(n, k) RESFIELDS_ENTRY(resfile_claim, n, k)
#define F_ROBUST(n, k) RESFIELDS_ENTRY(resfile_robust, n, k)
#define F_RUNBOOK(n, k) RESFIELDS_ENTRY(resfile_cap_runbook, n, k)
#define F_BREAKING(n, k) RESFIELDS_ENTRY(resfile_cap_breaking, n, k)
#define F_PLAN(n, k) RESFIELDS_ENTRY(resfile_cap_plan, n, k)
#define F_ESTIMATE(n, k) RESFIELDS_ENTRY(resfile_cap_estimate, n, k)
static const field summary_fields[] = { RESFIELDS_SUMMARY(F_SUMMARY) };
static const field rep_fields[] = { RESFIELDS_SWEEP_REP(F_REP) };
static const field claim_fields[] = { RESFIELDS_CLAIM(F_CLAIM) };
static const field robust_fields[] = { RESFIELDS_ROBUST(F_ROBUST) };
static const field runbook_fields[] = { RESFIELDS_RUNBOOK(F_RUNBOOK) };
static const field breaking_fields[] = { RESFIELDS_BREAKING(F_BREAKING) };
static const field plan_fields[] = { RESFIELDS_PLAN(F_PLAN) };
static const field estimate_fields[] = { RESFIELDS_CAPACITY_ESTIMATE(F_ESTIMATE) };
const resfile_table resfile_runbook_table = { runbook_fields, RESFIELDS_COUNT(runbook_fields) };
const resfile_table resfile_breaking_table = { breaking_fields, RESFIELDS_COUNT(breaking_fields) };
const resfile_table resfile_plan_table = { plan_fields, RESFIELDS_COUNT(plan_fields) };
const resfile_table resfile_estimate_table = { estimate_fields,
                                               RESFIELDS_COUNT(estimate_fields) };
/* Fields read_compound handles in one table (it keeps per-field arrays on
 * the stack); every table must fit. */
#define RESFILE_MAX_FIELDS 64
_Static_assert(RESFIELDS_COUNT(summary_fields) <= RESFILE_MAX_FIELDS &&
                   RESFIELDS_COUNT(rep_fields) <= RESFILE_MAX_FIELDS &&
                   RESFIELDS_COUNT(claim_fields) <= RESFILE_MAX_FIELDS &&
                   RESFIELDS_COUNT(robust_fields) <= RESFILE_MAX_FIELDS &&
                   RESFIELDS_COUNT(runbook_fields) <= RESFILE_MAX_FIELDS &&
                   RESFIELDS_COUNT(breaking_fields) <= RESFILE_MAX_FIELDS &&
                   RESFIELDS_COUNT(plan_fields) <= RESFILE_MAX_FIELDS &&
                   RESFIELDS_COUNT(estimate_fields) <= RESFILE_MAX_FIELDS,
               "a results table has more fields than read_compound takes");
#define NFIELDS(a) (sizeof(a) / sizeof(a)[0])

static char *dupstr(const char *s)
{
    return strdup(s ? s : "");
}

static int exists(hid_t loc, const char *path)
{
    /* H5Lexists fails on a missing intermediate group; walk the path. */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + (buf[0] == '/'); ; p++) {
        char c = *p;
        if (c == '/' || c == '\0') {
            *p = '\0';
            if (H5Lexists(loc, buf, H5P_DEFAULT) <= 0)
                return 0;
            *p = c;
            if (!c)
                return 1;
        }
    }
}

/* Sets the defaults of one row: NaN doubles, 0 integers, "" strings. */
static int row_defaults(const field *f, size_t nf, char *row)
{
    for (size_t i = 0; i < nf; i++) {
        char *at = row + f[i].offset;
        switch (f[i].kind) {
        case RESFIELDS_DOUBLE: *(double *)at = NAN; break;
        case RESFIELDS_I64: *(int64_t *)at = 0; break;
        case RESFIELDS_U64: *(uint64_t *)at = 0; break;
        case RESFIELDS_STR:
            if (!(*(char **)at = dupstr("")))
                return -1;
            break;
        }
    }
    return 0;
}

/* Reads every element of compound dataset dset into out (nrows rows of
 * stride bytes), by field name.  Returns 0 or -1 (HDF5 error or out of
 * memory; strings already set stay owned by out). */
static int read_compound(hid_t dset, const field *f, size_t nf, void *out, size_t stride,
                         size_t nrows)
{
    int rc = -1;
    hid_t ftype = H5Dget_type(dset), mtype = -1, space = -1;
    hid_t strtypes[RESFILE_MAX_FIELDS];
    size_t nstr = 0, moff[RESFILE_MAX_FIELDS], total = 0;
    int present[RESFILE_MAX_FIELDS], vlen[RESFILE_MAX_FIELDS];
    unsigned char *buf = NULL;
    if (ftype < 0 || H5Tget_class(ftype) != H5T_COMPOUND || nf > RESFILE_MAX_FIELDS)
        goto done;
    for (size_t i = 0; i < nrows; i++)
        if (row_defaults(f, nf, (char *)out + i * stride))
            goto done;
    for (size_t i = 0; i < nf; i++) {
        int idx = H5Tget_member_index(ftype, f[i].name);
        present[i] = idx >= 0;
        vlen[i] = 0;
        moff[i] = total;
        if (!present[i])
            continue;
        if (f[i].kind == RESFIELDS_STR) {
            hid_t mt = H5Tget_member_type(ftype, (unsigned)idx);
            if (H5Tget_class(mt) != H5T_STRING) {
                H5Tclose(mt);
                present[i] = 0;
                continue;
            }
            vlen[i] = H5Tis_variable_str(mt) > 0;
            size_t sz = vlen[i] ? sizeof(char *) : H5Tget_size(mt) + 1;
            H5Tclose(mt);
            total += (sz + 7) & ~(size_t)7;
        } else {
            total += 8;
        }
    }
    if (!total) {
        rc = 0;
        goto done;
    }
    mtype = H5Tcreate(H5T_COMPOUND, total);
    for (size_t i = 0; i < nf; i++) {
        if (!present[i])
            continue;
        hid_t t;
        switch (f[i].kind) {
        case RESFIELDS_DOUBLE: t = H5T_NATIVE_DOUBLE; break;
        case RESFIELDS_I64: t = H5T_NATIVE_INT64; break;
        case RESFIELDS_U64: t = H5T_NATIVE_UINT64; break;
        default: {
            int idx = H5Tget_member_index(ftype, f[i].name);
            hid_t mt = H5Tget_member_type(ftype, (unsigned)idx);
            t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, vlen[i] ? H5T_VARIABLE : H5Tget_size(mt) + 1);
            H5Tset_cset(t, H5Tget_cset(mt));
            H5Tclose(mt);
            strtypes[nstr++] = t;
        }
        }
        H5Tinsert(mtype, f[i].name, moff[i], t);
    }
    buf = calloc(nrows ? nrows : 1, total);
    space = H5Dget_space(dset);
    if (!buf || space < 0 || H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        goto done;
    rc = 0;
    for (size_t r = 0; r < nrows; r++) {
        unsigned char *src = buf + r * total;
        char *dst = (char *)out + r * stride;
        for (size_t i = 0; i < nf; i++) {
            if (!present[i])
                continue;
            void *s = src + moff[i], *d = dst + f[i].offset;
            if (f[i].kind != RESFIELDS_STR) {
                memcpy(d, s, 8);
                continue;
            }
            const char *text = vlen[i] ? *(char **)s : (const char *)s;
            char *copy = dupstr(text);
            if (!copy) {
                rc = -1;
                continue;
            }
            free(*(char **)d);
            *(char **)d = copy;
        }
    }
    for (size_t i = 0; i < nf; i++)
        if (present[i] && vlen[i]) {
            H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf);
            break;
        }
done:
    for (size_t i = 0; i < nstr; i++)
        H5Tclose(strtypes[i]);
    free(buf);
    if (space >= 0)
        H5Sclose(space);
    if (mtype >= 0)
        H5Tclose(mtype);
    if (ftype >= 0)
        H5Tclose(ftype);
    return rc;
}

/* Opens path (relative to loc) and reads its compound rows into a new array
 * (*out, *n).  Absent dataset: 0 with *n = 0.  dims (optional) receives the
 * first two dimensions (1 when fewer). */
static int read_table(hid_t loc, const char *path, const field *f, size_t nf, size_t stride,
                      void **out, size_t *n, size_t dims[2])
{
    *out = NULL;
    *n = 0;
    if (dims)
        dims[0] = dims[1] = 1;
    if (!exists(loc, path))
        return 0;
    hid_t d = H5Dopen2(loc, path, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t sp = H5Dget_space(d);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    if (dims) {
        hsize_t dd[8] = {0};
        int nd = H5Sget_simple_extent_dims(sp, dd, NULL);
        if (nd >= 1)
            dims[0] = (size_t)dd[0];
        if (nd >= 2)
            dims[1] = (size_t)dd[1];
    }
    H5Sclose(sp);
    int rc = 0;
    if (np > 0) {
        *out = calloc((size_t)np, stride);
        if (!*out)
            rc = -1;
        else {
            *n = (size_t)np;
            rc = read_compound(d, f, nf, *out, stride, (size_t)np);
        }
    }
    H5Dclose(d);
    return rc;
}

/* Reads a 1-D string dataset (variable or fixed length). */
/* The strings of obj, a string dataset or (is_attr) attribute, fixed-size
 * or variable-length, as an array of *n copies.  0, or -1. */
static int strings_of(hid_t obj, int is_attr, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = -1;
    hid_t ft = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t sp = is_attr ? H5Aget_space(obj) : H5Dget_space(obj), mt = -1;
    char *buf = NULL;
    if (ft < 0 || sp < 0 || H5Tget_class(ft) != H5T_STRING)
        goto done;
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    if (np <= 0) {
        rc = 0;
        goto done;
    }
    int vl = H5Tis_variable_str(ft) > 0;
    size_t sz = vl ? sizeof(char *) : H5Tget_size(ft) + 1;
    mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, vl ? H5T_VARIABLE : sz);
    H5Tset_cset(mt, H5Tget_cset(ft));
    buf = calloc((size_t)np, sz);
    *out = calloc((size_t)np, sizeof(char *));
    if (!buf || !*out ||
        (is_attr ? H5Aread(obj, mt, buf) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)) < 0)
        goto done;
    *n = (size_t)np;
    rc = 0;
    for (size_t i = 0; i < *n; i++) {
        const char *v = vl ? ((char **)buf)[i] : buf + i * sz;
        if (!((*out)[i] = dupstr(v ? v : "")))
            rc = -1;
    }
    if (vl)
        H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
done:
    if (rc && *out) {
        for (size_t i = 0; i < *n; i++)
            free((*out)[i]);
        free(*out);
        *out = NULL;
        *n = 0;
    }
    free(buf);
    if (mt >= 0)
        H5Tclose(mt);
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    return rc;
}

static int read_strings(hid_t loc, const char *path, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!exists(loc, path))
        return 0;
    hid_t d = H5Dopen2(loc, path, H5P_DEFAULT);
    int rc = d >= 0 ? strings_of(d, 0, out, n) : -1;
    if (d >= 0)
        H5Dclose(d);
    return rc;
}

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

/* A string attribute of object obj (relative to loc); "" when absent. */
static char *read_str_attr(hid_t loc, const char *obj, const char *name)
{
    char *res = NULL;
    if (H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) <= 0)
        return dupstr("");
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : -1;
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_cset(mt, H5Tget_cset(ft));
        if (H5Tis_variable_str(ft) > 0) {
            char *p = NULL;
            H5Tset_size(mt, H5T_VARIABLE);
            if (H5Aread(a, mt, &p) >= 0) {
                res = dupstr(p);
                H5free_memory(p);
            }
        } else {
            size_t sz = H5Tget_size(ft) + 1;
            char *p = calloc(1, sz);
            H5Tset_size(mt, sz);
            if (p && H5Aread(a, mt, p) >= 0)
                res = dupstr(p);
            free(p);
        }
        H5Tclose(mt);
    }
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    return res ? res : dupstr("");
}

/* A string attribute of the root as an array of *n copies; none (0) when
 * absent.  -1 when unreadable. */
static int read_strs_attr(hid_t f, const char *name, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (H5Aexists(f, name) <= 0)
        return 0;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    int rc = a >= 0 ? strings_of(a, 1, out, n) : -1;
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* The included files: scenario_include_files and _texts, side by side. */
static int read_includes(hid_t f, resfile *r)
{
    char **paths = NULL, **texts = NULL;
    size_t np = 0, nt = 0;
    int rc = read_strs_attr(f, "scenario_include_files", &paths, &np) ||
             read_strs_attr(f, "scenario_include_texts", &texts, &nt) || np != nt ? -1 : 0;
    if (!rc && np) {
        r->includes = calloc(np, sizeof *r->includes);
        if (!r->includes)
            rc = -1;
        for (size_t i = 0; !rc && i < np; i++) {
            r->includes[i].path = paths[i];
            r->includes[i].text = texts[i];
            r->includes[i].len = strlen(texts[i]);
            paths[i] = texts[i] = NULL;
        }
        if (!rc)
            r->nincludes = np;
    }
    free_strings(paths, np);
    free_strings(texts, nt);
    return rc;
}

static uint64_t read_u64_attr(hid_t loc, const char *name)
{
    uint64_t v = 0;
    if (H5Aexists(loc, name) <= 0)
        return 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a >= 0) {
        if (H5Aread(a, H5T_NATIVE_UINT64, &v) < 0)
            v = 0;
        H5Aclose(a);
    }
    return v;
}

/* A numeric attribute of object obj (relative to loc), read as type into
 * v; leaves v as it is when absent. */
static void read_num_attr_at(hid_t loc, const char *obj, const char *name, hid_t type, void *v)
{
    if (!exists(loc, obj) || H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) <= 0)
        return;
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
        H5Aread(a, type, v);
        H5Aclose(a);
    }
}

static double read_double_attr(hid_t loc, const char *obj, const char *name)
{
    double v = NAN;
    read_num_attr_at(loc, obj, name, H5T_NATIVE_DOUBLE, &v);
    return v;
}

static uint64_t read_u64_attr_at(hid_t loc, const char *obj, const char *name)
{
    uint64_t v = 0;
    read_num_attr_at(loc, obj, name, H5T_NATIVE_UINT64, &v);
    return v;
}

static void claim_free(resfile_claim *c)
{
    free(c->name), free(c->metric), free(c->statistic), free(c->bound);
    free(c->source), free(c->verdict), free(c->unit), free(c->note);
    free(c->rule), free(c->method), free(c->assumptions);
}

/* Names of the links in group path (sorted by name), or none. */
typedef struct name_list {
    char **names;
    size_t n, cap;
    int oom;
} name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    name_list *l = data;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        char **p = realloc(l->names, cap * sizeof *p);
        if (!p) {
            l->oom = 1;
            return -1;
        }
        l->names = p;
        l->cap = cap;
    }
    if (!(l->names[l->n] = dupstr(name))) {
        l->oom = 1;
        return -1;
    }
    l->n++;
    return 0;
}

static int list_group(hid_t loc, const char *path, name_list *l)
{
    memset(l, 0, sizeof *l);
    if (!exists(loc, path))
        return 0;
    hid_t g = H5Gopen2(loc, path, H5P_DEFAULT);
    if (g < 0)
        return -1;
    hsize_t idx = 0;
    herr_t st = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, l);
    H5Gclose(g);
    return st < 0 || l->oom ? -1 : 0;
}

static int metric_cmp(const void *a, const void *b)
{
    return strcmp(((const resfile_metric *)a)->name, ((const resfile_metric *)b)->name);
}

/* Finds or adds the metric named name (the list is sorted at the end). */
static resfile_metric *metric_get(resfile *r, const char *name, size_t *cap)
{
    for (size_t i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name))
            return &r->metrics[i];
    if (r->nmetrics == *cap) {
        size_t ncap = *cap ? 2 * *cap : 32;
        resfile_metric *p = realloc(r->metrics, ncap * sizeof *p);
        if (!p)
            return NULL;
        r->metrics = p;
        *cap = ncap;
    }
    resfile_metric *m = &r->metrics[r->nmetrics];
    memset(m, 0, sizeof *m);
    if (!(m->name = dupstr(name)))
        return NULL;
    r->nmetrics++;
    return m;
}

/* Fills units/description from dataset path's attributes when still empty. */
static int metric_attrs(hid_t f, const char *path, resfile_metric *m)
{
    if (!m->units || !m->units[0]) {
        free(m->units);
        m->units = read_str_attr(f, path, "units");
    }
    if (!m->description || !m->description[0]) {
        free(m->description);
        m->description = read_str_attr(f, path, "description");
    }
    return m->units && m->description ? 0 : -1;
}

static int is_compound(hid_t f, const char *path)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    hid_t t = d >= 0 ? H5Dget_type(d) : -1;
    int compound = t >= 0 && H5Tget_class(t) == H5T_COMPOUND;
    if (t >= 0)
        H5Tclose(t);
    if (d >= 0)
        H5Dclose(d);
    return compound;
}

static int read_metrics(hid_t f, resfile *r)
{
    size_t cap = 0;
    const char *sgroup = r->is_sweep ? "/sweep/summary" : "/summary";
    const char *rgroup = r->is_sweep ? "/sweep/replications" : "/replications";
    name_list names;
    char path[512];
    if (list_group(f, sgroup, &names))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < names.n && !rc; i++) {
        snprintf(path, sizeof path, "%s/%s", sgroup, names.names[i]);
        /* Dimension scales and coordinates of a sweep sit beside the
         * metrics; only the compound datasets are summaries. */
        if (!is_compound(f, path))
            continue;
        resfile_metric *m = metric_get(r, names.names[i], &cap);
        void *rows = NULL;
        size_t n = 0;
        if (!m || metric_attrs(f, path, m) ||
            read_table(f, path, summary_fields, NFIELDS(summary_fields),
                       sizeof(resfile_summary), &rows, &n, NULL)) {
            free(rows);
            rc = -1;
            break;
        }
        m->summary = rows;
        if (n != r->npoints) {
            /* A summary shaped unlike the points: keep what fits. */
            resfile_summary *p = realloc(m->summary, r->npoints * sizeof *p);
            if (!p) {
                rc = -1;
                break;
            }
            for (size_t k = n; k < r->npoints; k++) {
                row_defaults(summary_fields, NFIELDS(summary_fields), (char *)&p[k]);
            }
            m->summary = p;
        }
    }
    free_strings(names.names, names.n);
    if (rc || list_group(f, rgroup, &names))
        return -1;
    for (size_t i = 0; i < names.n && !rc; i++) {
        if (!strcmp(names.names[i], "events"))
            continue;
        snprintf(path, sizeof path, "%s/%s", rgroup, names.names[i]);
        if (!is_compound(f, path))
            continue;
        resfile_metric *m = metric_get(r, names.names[i], &cap);
        void *rows = NULL;
        if (!m || metric_attrs(f, path, m) ||
            read_table(f, path, rep_fields, NFIELDS(rep_fields), sizeof(resfile_rep), &rows,
                       &m->nreps, NULL)) {
            free(rows);
            rc = -1;
            break;
        }
        m->reps = rows;
        /* Without a sweep the row is the replication (the file has no
         * such field). */
        for (size_t k = 0; !r->is_sweep && k < m->nreps; k++)
            m->reps[k].replication = k;
    }
    free_strings(names.names, names.n);
    if (rc || list_group(f, "/cdf", &names))
        return -1;
    for (size_t i = 0; i < names.n && !rc; i++) {
        snprintf(path, sizeof path, "/cdf/%s", names.names[i]);
        hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
        if (d < 0)
            continue;
        hid_t sp = H5Dget_space(d);
        hsize_t dims[2] = {0, 0};
        int nd = H5Sget_simple_extent_dims(sp, dims, NULL);
        H5Sclose(sp);
        if (nd == 2 && dims[1] == RESFILE_CDF_POINTS && dims[0] > 0) {
            resfile_metric *m = metric_get(r, names.names[i], &cap);
            double *buf = malloc((size_t)dims[0] * RESFILE_CDF_POINTS * sizeof *buf);
            if (!m || !buf || metric_attrs(f, path, m) ||
                H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
                free(buf);
                rc = -1;
            } else {
                m->cdf = buf;
                m->cdf_reps = (size_t)dims[0];
            }
        }
        H5Dclose(d);
    }
    free_strings(names.names, names.n);
    if (r->nmetrics)
        qsort(r->metrics, r->nmetrics, sizeof *r->metrics, metric_cmp);
    return rc;
}

/* Number of times an axis' value changes from one point to the next. */
static size_t axis_changes(const resfile_axis *a, size_t npoints)
{
    size_t c = 0;
    for (size_t p = 1; p < npoints; p++)
        c += strcmp(a->at_point[p], a->at_point[p - 1]) != 0;
    return c;
}

static int read_sweep(hid_t f, resfile *r)
{
    name_list names;
    char path[512];
    if (list_group(f, "/sweep/axes", &names))
        return -1;
    r->axes = calloc(names.n ? names.n : 1, sizeof *r->axes);
    if (!r->axes) {
        free_strings(names.names, names.n);
        return -1;
    }
    r->naxes = names.n;
    int rc = 0;
    r->npoints = 0;
    for (size_t i = 0; i < names.n && !rc; i++) {
        resfile_axis *a = &r->axes[i];
        a->path = names.names[i];
        names.names[i] = NULL;
        size_t np = 0;
        snprintf(path, sizeof path, "/sweep/axes/%s", a->path);
        rc |= read_strings(f, path, &a->values, &a->nvalues);
        snprintf(path, sizeof path, "/sweep/points/%s", a->path);
        rc |= read_strings(f, path, &a->at_point, &np);
        if (!rc && i == 0)
            r->npoints = np;
        if (!rc && np != r->npoints)
            rc = -1;
    }
    free_strings(names.names, names.n);
    if (rc)
        return -1;
    if (!r->npoints) {
        /* No point list: fall back to the shape of any summary dataset. */
        r->npoints = 1;
        return 0;
    }
    /* The file lists axes by name; the grid is row-major in scenario order,
     * so the slowest-changing axis comes first. */
    for (size_t i = 1; i < r->naxes; i++)
        for (size_t j = i; j > 0 && axis_changes(&r->axes[j], r->npoints) <
                                        axis_changes(&r->axes[j - 1], r->npoints);
             j--) {
            resfile_axis t = r->axes[j];
            r->axes[j] = r->axes[j - 1];
            r->axes[j - 1] = t;
        }
    char *mode = read_str_attr(f, "/sweep", "mode");
    if (!mode)
        return -1;
    free(r->sweep_mode);
    r->sweep_mode = mode;
    return 0;
}

static int read_claims(hid_t f, resfile *r)
{
    void *rows = NULL;
    size_t n = 0, dims[2];
    if (read_table(f, "/claims/table", claim_fields, NFIELDS(claim_fields),
                   sizeof(resfile_claim), &rows, &n, dims)) {
        /* Free the rows here: resfile_close counts nclaims * npoints. */
        for (size_t i = 0; rows && i < n; i++) {
            resfile_claim *c = (resfile_claim *)rows + i;
            free(c->name), free(c->metric), free(c->statistic), free(c->bound);
            free(c->source), free(c->verdict), free(c->unit), free(c->note);
        }
        free(rows);
        return -1;
    }
    r->claims = rows;
    if (!n)
        return 0;
    /* Keep nclaims * npoints == rows; a table shaped otherwise is read as
     * one point per claim. */
    if (dims[1] == r->npoints && dims[0] * dims[1] == n) {
        r->nclaims = dims[0];
    } else if (r->npoints == 1) {
        r->nclaims = n;
    } else {
        r->nclaims = 0;
        for (size_t i = 0; i < n; i++)
            claim_free(&r->claims[i]);
        free(r->claims);
        r->claims = NULL;
        return 0;
    }
    r->claims_alpha = read_double_attr(f, "/claims", "family_alpha");
    r->claims_tests = read_u64_attr_at(f, "/claims", "family_tests");
    r->claims_looks = read_u64_attr_at(f, "/claims", "looks");
    return read_strings(f, "/claims/regions", &r->regions, &r->nregions);
}

static int read_robustness(hid_t f, resfile *r)
{
    void *rows = NULL;
    int rc = read_table(f, "/robustness/table", robust_fields, NFIELDS(robust_fields),
                        sizeof(resfile_robust), &rows, &r->nrobust, NULL);
    r->robust = rows;
    return rc;
}

static int read_capacity(hid_t f, resfile *r)
{
    void *p = NULL;
    int rc = 0;
    rc |= read_table(f, "/capacity/runbook", runbook_fields, NFIELDS(runbook_fields),
                     sizeof(resfile_cap_runbook), &p, &r->ncap_runbook, NULL);
    r->cap_runbook = p;
    rc |= read_table(f, "/capacity/breaking", breaking_fields, NFIELDS(breaking_fields),
                     sizeof(resfile_cap_breaking), &p, &r->ncap_breaking, NULL);
    r->cap_breaking = p;
    rc |= read_table(f, "/capacity/plan", plan_fields, NFIELDS(plan_fields),
                     sizeof(resfile_cap_plan), &p, &r->ncap_plan, NULL);
    r->cap_plan = p;
    rc |= read_table(f, "/capacity/estimates", estimate_fields, NFIELDS(estimate_fields),
                     sizeof(resfile_cap_estimate), &p, &r->ncap_estimates, NULL);
    r->cap_estimates = p;
    rc |= read_strings(f, "/capacity/recommendations", &r->cap_recommendations,
                       &r->ncap_recommendations);
    return rc ? -1 : 0;
}

/* Reads path in this process (see resfile_open for the isolated read). */
static int resfile_read(const char *path, resfile **out, err_t *e)
{
    *out = NULL;
    errno = 0;
    resfile *r = calloc(1, sizeof *r);
    if (!r)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    hid_t f = -1;
    int rc = 0;
    H5E_BEGIN_TRY {
        f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    } H5E_END_TRY;
    if (f < 0) {
        rc = err_set(e, ERR_NOINPUT, path, 0, 0, "cannot open the results file");
        goto err;
    }
    if (H5Aexists(f, "scenario") <= 0) {
        rc = err_set(e, ERR_NOINPUT, path, 0, 0,
                     "not a mwrasp-sim results file (no `scenario` attribute)");
        goto err;
    }
    int bad = 0;
    H5E_BEGIN_TRY {
        r->path = dupstr(path);
        r->scenario = read_str_attr(f, ".", "scenario");
        r->scenario_file = read_str_attr(f, ".", "scenario_file");
        r->scenario_text = read_str_attr(f, ".", "scenario_text");
        r->command_line = read_str_attr(f, ".", "command_line");
        r->git_revision = read_str_attr(f, ".", "git_revision");
        r->code_version = read_str_attr(f, ".", "code_version");
        r->start_time = read_str_attr(f, ".", "start_time");
        r->description = read_str_attr(f, ".", "description");
        r->sweep_mode = dupstr("");
        r->seed = read_u64_attr(f, "seed");
        r->replications = read_u64_attr(f, "replications");
        r->npoints = 1;
        r->is_sweep = exists(f, "/sweep");
        bad |= !r->path || !r->scenario || !r->scenario_file || !r->scenario_text ||
               !r->command_line || !r->git_revision || !r->code_version || !r->start_time ||
               !r->description ||
               !r->sweep_mode;
        if (!bad)
            bad |= read_includes(f, r);
        if (!bad && r->is_sweep)
            bad |= read_sweep(f, r);
        if (!bad)
            bad |= read_metrics(f, r);
        if (!bad)
            bad |= read_claims(f, r);
        if (!bad)
            bad |= read_capacity(f, r);
        if (!bad)
            bad |= read_robustness(f, r);
    } H5E_END_TRY;
    if (bad) {
        /* The allocator sets ENOMEM: running out of memory is ours (70). */
        rc = errno == ENOMEM
                 ? err_set(e, ERR_SOFTWARE, path, 0, 0, "out of memory reading the results file")
                 : err_set(e, ERR_NOINPUT, path, 0, 0,
                           "cannot read the results file (damaged, or not written by "
                           "mwrasp-sim)");
        goto err;
    }
    H5Fclose(f);
    *out = r;
    return 0;
err:
    if (f >= 0)
        H5Fclose(f);
    resfile_close(r);
    return rc;
}

/* ---- isolated reading ----
 *
 * libhdf5 (1.10) is not safe on damaged or hostile files: AFL++ finds
 * inputs that make it read out of bounds (H5HG_read, H5T conversions) and
 * crash.  So resfile_open parses the file in a child process, which sends
 * the parsed contents back through a pipe in the plain format below; the
 * program itself never hands an unchecked file to the library, and a file
 * that crashes the child is reported as damaged.  The format is native
 * (same binary on both ends): u64 counts and lengths, raw doubles, and
 * strings as length + bytes.  The parent checks every length against what
 * is left, so even a corrupted child cannot make it read out of bounds.
 */

typedef struct wire {
    FILE *f;        /* writing */
    const unsigned char *p, *end;   /* reading */
    int bad;
} wire;

static void put_u64(wire *w, uint64_t v)
{
    w->bad |= fwrite(&v, 8, 1, w->f) != 1;
}

static void put_f64(wire *w, double v)
{
    w->bad |= fwrite(&v, 8, 1, w->f) != 1;
}

static void put_str(wire *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_u64(w, n);
    if (n)
        w->bad |= fwrite(s, 1, n, w->f) != n;
}

static uint64_t get_u64(wire *w)
{
    uint64_t v = 0;
    if (w->bad || w->end - w->p < 8) {
        w->bad = 1;
        return 0;
    }
    memcpy(&v, w->p, 8);
    w->p += 8;
    return v;
}

static double get_f64(wire *w)
{
    uint64_t u = get_u64(w);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

/* A count of items of at least item_bytes each: never more than the bytes
 * left could hold, so a corrupt count cannot ask for absurd memory. */
static size_t get_count(wire *w, size_t item_bytes)
{
    uint64_t n = get_u64(w);
    if (w->bad || (item_bytes && n > (uint64_t)(w->end - w->p) / item_bytes)) {
        w->bad = 1;
        return 0;
    }
    return (size_t)n;
}

static char *get_str(wire *w)
{
    size_t n = get_count(w, 1);
    char *s = w->bad ? NULL : malloc(n + 1);
    if (!s) {
        w->bad = 1;
        return NULL;
    }
    memcpy(s, w->p, n);
    s[n] = '\0';
    w->p += n;
    return s;
}

static void put_strings(wire *w, char *const *v, size_t n)
{
    put_u64(w, n);
    for (size_t i = 0; i < n; i++)
        put_str(w, v[i]);
}

static char **get_strings(wire *w, size_t *n)
{
    *n = get_count(w, 8);
    char **v = w->bad ? NULL : calloc(*n ? *n : 1, sizeof *v);
    if (!v) {
        w->bad = 1;
        *n = 0;
        return NULL;
    }
    for (size_t i = 0; i < *n; i++)
        v[i] = get_str(w);
    if (w->bad)
        for (size_t i = 0; i < *n; i++)
            if (!v[i])
                v[i] = dupstr("");   /* keeps resfile_close's invariant */
    return v;
}

/* Copies rows of fields f (as read_compound fills them) to or from w. */
static void put_rows(wire *w, const field *f, size_t nf, const void *rows, size_t stride,
                     size_t n)
{
    put_u64(w, n);
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < nf; i++) {
            const char *at = (const char *)rows + r * stride + f[i].offset;
            if (f[i].kind == RESFIELDS_STR)
                put_str(w, *(char *const *)at);
            else
                w->bad |= fwrite(at, 8, 1, w->f) != 1;
        }
}

static void *get_rows(wire *w, const field *f, size_t nf, size_t stride, size_t *n)
{
    *n = get_count(w, 8 * nf);
    char *rows = w->bad ? NULL : calloc(*n ? *n : 1, stride);
    if (!rows) {
        w->bad = 1;
        *n = 0;
        return NULL;
    }
    for (size_t r = 0; r < *n; r++)
        for (size_t i = 0; i < nf; i++) {
            char *at = rows + r * stride + f[i].offset;
            if (f[i].kind == RESFIELDS_STR) {
                char *v = get_str(w);
                *(char **)at = v ? v : dupstr("");
            } else {
                uint64_t v = get_u64(w);
                memcpy(at, &v, 8);
            }
        }
    return rows;
}

static void put_resfile(wire *w, const resfile *r)
{
    put_str(w, r->scenario), put_str(w, r->scenario_file), put_str(w, r->scenario_text);
    put_str(w, r->command_line), put_str(w, r->git_revision), put_str(w, r->code_version);
    put_str(w, r->start_time), put_str(w, r->sweep_mode);
    put_u64(w, r->seed), put_u64(w, r->replications), put_u64(w, (uint64_t)r->is_sweep);
    put_u64(w, r->npoints), put_u64(w, r->naxes);
    for (size_t a = 0; a < r->naxes; a++) {
        put_str(w, r->axes[a].path);
        put_strings(w, r->axes[a].values, r->axes[a].nvalues);
        put_strings(w, r->axes[a].at_point, r->axes[a].at_point ? r->npoints : 0);
    }
    put_u64(w, r->nmetrics);
    for (size_t i = 0; i < r->nmetrics; i++) {
        const resfile_metric *m = &r->metrics[i];
        put_str(w, m->name), put_str(w, m->units), put_str(w, m->description);
        put_rows(w, summary_fields, NFIELDS(summary_fields), m->summary,
                 sizeof(resfile_summary), m->summary ? r->npoints : 0);
        put_rows(w, rep_fields, NFIELDS(rep_fields), m->reps, sizeof(resfile_rep), m->nreps);
        size_t ncdf = m->cdf ? m->cdf_reps * RESFILE_CDF_POINTS : 0;
        put_u64(w, ncdf);
        for (size_t k = 0; k < ncdf; k++)
            put_f64(w, m->cdf[k]);
    }
    put_u64(w, r->nclaims);
    put_rows(w, claim_fields, NFIELDS(claim_fields), r->claims, sizeof(resfile_claim),
             r->claims ? r->nclaims * r->npoints : 0);
    put_strings(w, r->regions, r->nregions);
    put_rows(w, runbook_fields, NFIELDS(runbook_fields), r->cap_runbook,
             sizeof(resfile_cap_runbook), r->ncap_runbook);
    put_strings(w, r->cap_recommendations, r->ncap_recommendations);
    put_rows(w, breaking_fields, NFIELDS(breaking_fields), r->cap_breaking,
             sizeof(resfile_cap_breaking), r->ncap_breaking);
    put_rows(w, plan_fields, NFIELDS(plan_fields), r->cap_plan, sizeof(resfile_cap_plan),
             r->ncap_plan);
    /* Added after the first wire layout: the run's description, the
     * included files, the claims audit header and --robustness. */
    put_str(w, r->description);
    put_u64(w, r->nincludes);
    for (size_t i = 0; i < r->nincludes; i++)
        put_str(w, r->includes[i].path), put_str(w, r->includes[i].text);
    put_f64(w, r->claims_alpha), put_u64(w, r->claims_tests), put_u64(w, r->claims_looks);
    put_rows(w, robust_fields, NFIELDS(robust_fields), r->robust, sizeof(resfile_robust),
             r->nrobust);
    put_rows(w, estimate_fields, NFIELDS(estimate_fields), r->cap_estimates,
             sizeof(resfile_cap_estimate), r->ncap_estimates);
}

/* Rebuilds a resfile from the child's bytes; NULL when they are not a
 * complete, consistent message. */
static resfile *get_resfile(wire *w, const char *path)
{
    resfile *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->path = dupstr(path);
    r->scenario = get_str(w), r->scenario_file = get_str(w), r->scenario_text = get_str(w);
    r->command_line = get_str(w), r->git_revision = get_str(w), r->code_version = get_str(w);
    r->start_time = get_str(w), r->sweep_mode = get_str(w);
    r->seed = get_u64(w), r->replications = get_u64(w), r->is_sweep = get_u64(w) != 0;
    uint64_t npoints = get_u64(w);
    r->npoints = npoints >= 1 && npoints <= (uint64_t)(w->end - w->p) + 1 ? (size_t)npoints : 1;
    if (npoints != r->npoints)
        w->bad = 1;
    size_t naxes = get_count(w, 24);
    r->axes = w->bad ? NULL : calloc(naxes ? naxes : 1, sizeof *r->axes);
    if (!r->axes)
        w->bad = 1;
    for (size_t a = 0; !w->bad && a < naxes; a++) {
        resfile_axis *x = &r->axes[a];
        r->naxes = a + 1;
        size_t np;
        x->path = get_str(w);
        x->values = get_strings(w, &x->nvalues);
        x->at_point = get_strings(w, &np);
        if (!x->path)
            x->path = dupstr("");
        if (np != r->npoints || !x->nvalues)
            w->bad = 1;
    }
    size_t nm = get_count(w, 48);
    r->metrics = w->bad ? NULL : calloc(nm ? nm : 1, sizeof *r->metrics);
    if (!r->metrics)
        w->bad = 1;
    for (size_t i = 0; !w->bad && i < nm; i++) {
        resfile_metric *m = &r->metrics[i];
        r->nmetrics = i + 1;
        m->name = get_str(w), m->units = get_str(w), m->description = get_str(w);
        size_t ns;
        m->summary = get_rows(w, summary_fields, NFIELDS(summary_fields),
                              sizeof(resfile_summary), &ns);
        if (!ns) {
            free(m->summary);
            m->summary = NULL;
        } else if (ns != r->npoints) {
            w->bad = 1;
        }
        m->reps = get_rows(w, rep_fields, NFIELDS(rep_fields), sizeof(resfile_rep), &m->nreps);
        size_t ncdf = get_count(w, 8);
        if (ncdf % RESFILE_CDF_POINTS)
            w->bad = 1;
        if (!w->bad && ncdf) {
            m->cdf = malloc(ncdf * sizeof *m->cdf);
            m->cdf_reps = ncdf / RESFILE_CDF_POINTS;
            for (size_t k = 0; m->cdf && k < ncdf; k++)
                m->cdf[k] = get_f64(w);
            if (!m->cdf)
                w->bad = 1;
        }
        if (!m->name || !m->units || !m->description)
            w->bad = 1;
    }
    /* Sorted by the child; checked, since resfile_metric_find searches. */
    for (size_t i = 1; !w->bad && i < r->nmetrics; i++)
        if (strcmp(r->metrics[i - 1].name, r->metrics[i].name) >= 0)
            w->bad = 1;
    size_t nclaims = get_count(w, 0), nrows;
    r->claims = get_rows(w, claim_fields, NFIELDS(claim_fields), sizeof(resfile_claim), &nrows);
    r->nclaims = nrows ? nclaims : 0;
    if (nrows && (nclaims == 0 || nrows / nclaims != r->npoints || nrows % nclaims))
        w->bad = 1;
    if (w->bad && r->claims) {
        /* resfile_close frees nclaims * npoints rows: keep them consistent. */
        r->nclaims = nrows / r->npoints;
        for (size_t i = r->nclaims * r->npoints; i < nrows; i++)
            claim_free(&r->claims[i]);
    }
    r->regions = get_strings(w, &r->nregions);
    r->cap_runbook = get_rows(w, runbook_fields, NFIELDS(runbook_fields),
                              sizeof(resfile_cap_runbook), &r->ncap_runbook);
    r->cap_recommendations = get_strings(w, &r->ncap_recommendations);
    r->cap_breaking = get_rows(w, breaking_fields, NFIELDS(breaking_fields),
                               sizeof(resfile_cap_breaking), &r->ncap_breaking);
    r->cap_plan = get_rows(w, plan_fields, NFIELDS(plan_fields), sizeof(resfile_cap_plan),
                           &r->ncap_plan);
    r->description = get_str(w);
    size_t ninc = get_count(w, 16);
    r->includes = w->bad ? NULL : calloc(ninc ? ninc : 1, sizeof *r->includes);
    if (!r->includes)
        w->bad = 1;
    for (size_t i = 0; !w->bad && i < ninc; i++) {
        r->nincludes = i + 1;
        r->includes[i].path = get_str(w);
        r->includes[i].text = get_str(w);
        if (!r->includes[i].path || !r->includes[i].text)
            w->bad = 1;
        else
            r->includes[i].len = strlen(r->includes[i].text);
    }
    r->claims_alpha = get_f64(w);
    r->claims_tests = get_u64(w);
    r->claims_looks = get_u64(w);
    r->robust = get_rows(w, robust_fields, NFIELDS(robust_fields), sizeof(resfile_robust),
                         &r->nrobust);
    r->cap_estimates = get_rows(w, estimate_fields, NFIELDS(estimate_fields),
                                sizeof(resfile_cap_estimate), &r->ncap_estimates);
    if (w->p != w->end)
        w->bad = 1;
    if (!r->path || !r->scenario || !r->scenario_file || !r->scenario_text ||
        !r->command_line || !r->git_revision || !r->code_version || !r->start_time ||
        !r->sweep_mode || !r->description)
        w->bad = 1;
    if (w->bad) {
        resfile_close(r);
        return NULL;
    }
    return r;
}

/* Bounds on the child, from the file's size: a hostile file can make
 * libhdf5 loop, or ask for more memory than the machine has (AFL++ found
 * both).  A genuine file reads in well under these: about 1 s and a few
 * times its size in memory per 100 MB. */
static void resfile_child_limits(const char *path, unsigned *seconds)
{
    struct stat st;
    double mib = stat(path, &st) == 0 ? (double)st.st_size / 1048576.0 : 0;
    *seconds = (unsigned)(10 + 2 * mib);
#if !defined(__SANITIZE_ADDRESS__)
    /* (AddressSanitizer reserves terabytes of address space up front.) */
    double limit = 2.0 * 1073741824.0 + 256.0 * mib * 1048576.0;
    double half_ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / 2;
    if (half_ram > 0 && limit > half_ram)
        limit = half_ram > 1073741824.0 ? half_ram : 1073741824.0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY ||
                                           (double)rl.rlim_cur > limit)) {
        rl.rlim_cur = (rlim_t)limit;
        setrlimit(RLIMIT_AS, &rl);
    }
#endif
}

int resfile_open(const char *path, resfile **out, err_t *e)
{
    *out = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "cannot read the results file: pipe: %s",
                       strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "cannot read the results file: fork: %s",
                       strerror(errno));
    }
    if (pid == 0) {
        /* The child: read, send the error or the contents, exit. */
        close(fds[0]);
        unsigned seconds;
        resfile_child_limits(path, &seconds);
        alarm(seconds);
        wire w = { fdopen(fds[1], "w"), NULL, NULL, 0 };
        if (!w.f)
            _exit(ERR_SOFTWARE);
        resfile *r = NULL;
        err_t ce;
        err_clear(&ce);
        int rc = resfile_read(path, &r, &ce);
        put_u64(&w, (uint64_t)rc);
        if (rc) {
            put_str(&w, ce.file), put_u64(&w, (uint64_t)ce.line);
            put_u64(&w, (uint64_t)ce.col), put_str(&w, ce.msg);
        } else {
            put_resfile(&w, r);
        }
        w.bad |= fclose(w.f) != 0;
        _exit(w.bad ? ERR_SOFTWARE : 0);
    }
    close(fds[1]);
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    int oom = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? 2 * cap : 65536;
            unsigned char *p = realloc(buf, ncap);
            if (!p) {
                oom = 1;
                break;
            }
            buf = p;
            cap = ncap;
        }
        ssize_t got = read(fds[0], buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    close(fds[0]);
    if (oom)
        kill(pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    int rc = 0;
    if (oom) {
        rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    } else if (WIFSIGNALED(st)) {
        if (WTERMSIG(st) == SIGALRM)
            rc = err_set(e, ERR_NOINPUT, path, 0, 0,
                         "cannot read the results file: reading it takes far longer than its "
                         "size explains (damaged?)");
        else
            rc = err_set(e, ERR_NOINPUT, path, 0, 0,
                         "cannot read the results file: it is damaged (the HDF5 library "
                         "failed on it with signal %d)", WTERMSIG(st));
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0,
                     "cannot read the results file: the reader failed (status %d)",
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    } else {
        wire w = { NULL, buf, buf + len, 0 };
        uint64_t code = get_u64(&w);
        if (!w.bad && code) {
            char *file = get_str(&w);
            int line = (int)get_u64(&w), col = (int)get_u64(&w);
            char *msg = get_str(&w);
            int known = code == ERR_NOINPUT || code == ERR_SOFTWARE || code == ERR_DATA;
            rc = err_set(e, known ? (int)code : ERR_SOFTWARE, file, line, col, "%s",
                         msg ? msg : "cannot read the results file");
            free(file);
            free(msg);
        } else if (!w.bad) {
            *out = get_resfile(&w, path);
            if (!*out)
                rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0,
                             "cannot read the results file (out of memory, or the reader "
                             "sent an incomplete answer)");
        } else {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0,
                         "cannot read the results file: the reader sent no answer");
        }
    }
    free(buf);
    return rc;
}

void resfile_close(resfile *r)
{
    if (!r)
        return;
    free(r->path), free(r->scenario), free(r->scenario_file), free(r->scenario_text);
    free(r->command_line), free(r->git_revision), free(r->code_version), free(r->description);
    for (size_t i = 0; i < r->nincludes; i++)
        free(r->includes[i].path), free(r->includes[i].text);
    free(r->includes);
    free(r->start_time), free(r->sweep_mode);
    for (size_t i = 0; i < r->naxes; i++) {
        free(r->axes[i].path);
        free_strings(r->axes[i].values, r->axes[i].nvalues);
        free_strings(r->axes[i].at_point, r->axes[i].at_point ? r->npoints : 0);
    }
    free(r->axes);
    for (size_t i = 0; i < r->nmetrics; i++) {
        resfile_metric *m = &r->metrics[i];
        free(m->name), free(m->units), free(m->description);
        free(m->summary), free(m->reps), free(m->cdf);
    }
    free(r->metrics);
    size_t nrows = r->nclaims * r->npoints;
    for (size_t i = 0; r->claims && i < nrows; i++)
        claim_free(&r->claims[i]);
    free(r->claims);
    for (size_t i = 0; i < r->nrobust; i++) {
        resfile_robust *x = &r->robust[i];
        free(x->claim), free(x->assumption), free(x->low), free(x->high), free(x->baseline);
        free(x->verdict_low), free(x->verdict_baseline), free(x->verdict_high);
        free(x->unit), free(x->value_unit), free(x->sentence);
    }
    free(r->robust);
    free_strings(r->regions, r->nregions);
    free(r->cap_runbook);
    free_strings(r->cap_recommendations, r->ncap_recommendations);
    for (size_t i = 0; i < r->ncap_breaking; i++)
        free(r->cap_breaking[i].claim), free(r->cap_breaking[i].metric);
    free(r->cap_breaking);
    for (size_t i = 0; i < r->ncap_plan; i++)
        free(r->cap_plan[i].resources);
    free(r->cap_plan);
    for (size_t i = 0; i < r->ncap_estimates; i++) {
        resfile_cap_estimate *x = &r->cap_estimates[i];
        free(x->claim), free(x->metric), free(x->verdict), free(x->unit);
    }
    free(r->cap_estimates);
    free(r);
}

const resfile_metric *resfile_metric_find(const resfile *r, const char *name)
{
    size_t lo = 0, hi = r->nmetrics;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(r->metrics[mid].name, name);
        if (!c)
            return &r->metrics[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const resfile_summary *resfile_summary_at(const resfile *r, const char *name, size_t point)
{
    const resfile_metric *m = resfile_metric_find(r, name);
    if (!m || !m->summary || point >= r->npoints)
        return NULL;
    return &m->summary[point];
}

const resfile_claim *resfile_claim_at(const resfile *r, size_t c, size_t p)
{
    return &r->claims[c * r->npoints + p];
}

/* Applies "--set a=b", "--duration X" ... from the recorded command line.
 * Words are split on blanks: values with spaces were quoted by the shell
 * and cannot be recovered, and are skipped by cfg_doc_set's parser.
 * -1 when out of memory (then the document lacks some of them). */
static int apply_command_line(const char *cmd, cfg_doc *doc)
{
    int oom = 0;
    static const struct { const char *opt, *key; } opts[] = {
        { "--set", NULL }, { "--duration", "duration" }, { "--seed", "seed" },
        { "--replications", "replications" },
    };
    char *copy = dupstr(cmd), *save = NULL;
    if (!copy)
        return -1;
    const char *pending = NULL;
    int pending_set = 0;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char assign[600];
        err_t e;
        err_clear(&e);
        if (pending || pending_set) {
            if (pending_set)
                snprintf(assign, sizeof assign, "%s", w);
            else
                snprintf(assign, sizeof assign, "%s=%s", pending, w);
            oom |= cfg_doc_set(doc, assign, &e) == ERR_SOFTWARE;
            pending = NULL;
            pending_set = 0;
            continue;
        }
        for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
            size_t len = strlen(opts[i].opt);
            if (strncmp(w, opts[i].opt, len) || (w[len] && w[len] != '='))
                continue;
            if (w[len] == '=') {
                if (opts[i].key)
                    snprintf(assign, sizeof assign, "%s=%s", opts[i].key, w + len + 1);
                else
                    snprintf(assign, sizeof assign, "%s", w + len + 1);
                oom |= cfg_doc_set(doc, assign, &e) == ERR_SOFTWARE;
            } else if (opts[i].key) {
                pending = opts[i].key;
            } else {
                pending_set = 1;
            }
            break;
        }
    }
    free(copy);
    return oom ? -1 : 0;
}

int resfile_param(const resfile *r, size_t point, const char *path, char *buf, size_t size)
{
    cfg_doc *doc = NULL;
    err_t e;
    err_clear(&e);
    if (!r->scenario_text[0])
        return -1;
    if (cfg_load_with(r->scenario_file[0] ? r->scenario_file : "scenario", r->scenario_text,
                      strlen(r->scenario_text), r->includes, r->nincludes, &doc, &e))
        return e.code == ERR_SOFTWARE ? -2 : -1;
    int oom = apply_command_line(r->command_line, doc) != 0;
    for (size_t a = 0; a < r->naxes && point < r->npoints; a++) {
        char assign[600];
        snprintf(assign, sizeof assign, "%s=%s", r->axes[a].path, r->axes[a].at_point[point]);
        err_clear(&e);
        oom |= cfg_doc_set(doc, assign, &e) == ERR_SOFTWARE;
    }
    if (oom) {
        cfg_doc_free(doc);
        return -2;
    }
    int rc = -1;
    cfg_node *n = doc->root;
    char key[256];
    snprintf(key, sizeof key, "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(key, ".", &save); k && n; k = strtok_r(NULL, ".", &save))
        n = cfg_get(n, k);
    if (n && n->kind == CFG_SCALAR) {
        snprintf(buf, size, "%s", n->text);
        rc = 0;
    }
    cfg_doc_free(doc);
    return rc;
}

int resfile_duration(const resfile *r, size_t point, double *seconds)
{
    char buf[64], why[128];
    int64_t ns;
    *seconds = NAN;
    int rc = resfile_param(r, point, "duration", buf, sizeof buf);
    if (rc)
        return rc;
    if (cfg_parse_duration(buf, &ns, why, sizeof why))
        return -1;
    *seconds = (double)ns * 1e-9;
    return 0;
}

double resfile_duration_s(const resfile *r, size_t point)
{
    double s;
    resfile_duration(r, point, &s);
    return s;
}

void resfile_point_label(const resfile *r, size_t p, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t a = 0; a < r->naxes && p < r->npoints && len < size; a++) {
        int k = snprintf(buf + len, size - len, "%s%s=%s", a ? ", " : "", r->axes[a].path,
                         r->axes[a].at_point[p]);
        if (k < 0)
            break;
        len += (size_t)k;
    }
}

double resfile_unit_seconds(const char *unit)
{
    static const struct { const char *u; double s; } units[] = {
        { "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1.0 },
        { "min", 60.0 }, { "h", 3600.0 }, { "d", 86400.0 },
    };
    for (size_t i = 0; unit && i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(unit, units[i].u))
            return units[i].s;
    return 0.0;
}
