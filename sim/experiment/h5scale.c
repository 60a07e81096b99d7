/* h5scale.c - dimension scales for /sweep/summary (see h5scale.h). */
#include "h5scale.h"
#include "units.h"

#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits "500us" into 500 and "us"; -1 when it does not start with a
 * finite number. */
static int h5scale_split(const char *text, double *x, const char **suffix)
{
    char *end;
    *x = strtod(text, &end);
    if (end == text || !isfinite(*x))
        return -1;
    while (*end == ' ')
        end++;
    *suffix = end;
    return 0;
}

int h5scale_numeric(const sweep_axis *a, double *out, const char **unit)
{
    /* Every value plain, every value a duration or a rate or a percentage
     * (converted to SI), or every value with the same other suffix. */
    const char *first = NULL;
    int same = 1, si = 1, plain = 1;
    for (size_t i = 0; i < a->nvalues; i++) {
        const char *suf;
        double x;
        if (h5scale_split(a->values[i], &x, &suf) != 0)
            return -1;
        if (!first)
            first = suf;
        same &= strcmp(first, suf) == 0;
        plain &= suf[0] == '\0';
        si &= units_seconds(suf) > 0 || !strcmp(suf, "/s") || !strcmp(suf, "%");
        out[i] = x;
    }
    if (plain) {
        *unit = "1";
        return 0;
    }
    if (si) {
        int time = 0, rate = 0, pct = 0;
        for (size_t i = 0; i < a->nvalues; i++) {
            const char *suf = "";
            double x = 0;
            h5scale_split(a->values[i], &x, &suf);
            if (units_seconds(suf) > 0)
                time = 1, out[i] = x * units_seconds(suf);
            else if (!strcmp(suf, "/s"))
                rate = 1;
            else
                pct = 1, out[i] = x / 100;
        }
        if (time + rate + pct == 1) {
            *unit = time ? "s" : rate ? "1/s" : "1";
            return 0;
        }
        return -1;
    }
    if (same) {
        *unit = first;
        return 0;
    }
    return -1;
}

static int h5scale_attr(hid_t obj, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = -1;
    int rc = -1;
    if (type >= 0 && space >= 0 && H5Tset_size(type, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(type, H5T_CSET_UTF8) >= 0 &&
        (attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
        H5Awrite(attr, type, &value) >= 0)
        rc = 0;
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

/* A 1-D dataset of an axis' n values (numbers in SI units when they all
 * are, else strings); left open. */
static hid_t h5scale_values(hid_t g, const char *name, const char *const *text, size_t n,
                            const char *what)
{
    sweep_axis a = { 0 };
    a.values = (char **)text;
    a.nvalues = n;
    double *num = malloc((n ? n : 1) * sizeof *num);
    const char *unit = "text";
    hsize_t dims[1] = { n };
    hid_t space = H5Screate_simple(1, dims, NULL), type = -1, ds = -1;
    int ok = 0;
    if (!num || space < 0)
        goto done;
    if (h5scale_numeric(&a, num, &unit) == 0) {
        ds = H5Dcreate2(g, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT,
                        H5P_DEFAULT);
        ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, num) >= 0;
    } else if ((type = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_size(type, H5T_VARIABLE) >= 0 &&
               H5Tset_cset(type, H5T_CSET_UTF8) >= 0) {
        unit = "text";
        ds = H5Dcreate2(g, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        ok = ds >= 0 && H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text) >= 0;
    }
    ok = ok && h5scale_attr(ds, "units", unit) == 0 && h5scale_attr(ds, "description", what) == 0;
done:
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    free(num);
    if (!ok && ds >= 0) {
        H5Dclose(ds);
        ds = -1;
    }
    return ds;
}

int h5scale_write(hid_t g, const sweep_spec *sw, size_t np, h5scale_set *set)
{
    memset(set, 0, sizeof *set);
    for (int d = 0; d < 32; d++)
        set->scale[d] = -1;
    int grid = !sw->zip && sw->naxes > 0 && sw->naxes <= 32;
    if (grid) {
        set->rank = (int)sw->naxes;
        for (size_t a = 0; a < sw->naxes; a++) {
            hid_t s = h5scale_values(g, sw->axes[a].path, (const char *const *)sw->axes[a].values,
                                     sw->axes[a].nvalues, "values of this sweep axis");
            set->scale[a] = s;
            if (s < 0 || H5DSset_scale(s, sw->axes[a].path) < 0)
                goto fail;
        }
        return 0;
    }
    /* zip (or more axes than a grid dimension list holds): one dimension. */
    set->rank = 1;
    uint64_t *idx = malloc((np ? np : 1) * sizeof *idx);
    const char **vals = malloc((np ? np : 1) * sizeof *vals);
    hsize_t dims[1] = { np };
    hid_t space = H5Screate_simple(1, dims, NULL);
    int ok = idx && vals && space >= 0;
    for (size_t p = 0; ok && p < np; p++)
        idx[p] = p;
    if (ok) {
        set->scale[0] = H5Dcreate2(g, "point", H5T_NATIVE_UINT64, space, H5P_DEFAULT,
                                   H5P_DEFAULT, H5P_DEFAULT);
        ok = set->scale[0] >= 0 &&
             H5Dwrite(set->scale[0], H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, idx) >= 0 &&
             h5scale_attr(set->scale[0], "units", "1") == 0 &&
             h5scale_attr(set->scale[0], "description", "sweep point (row-major)") == 0 &&
             H5DSset_scale(set->scale[0], "point") >= 0;
    }
    size_t used = 0;
    for (size_t a = 0; ok && a < sw->naxes; a++) {
        for (size_t p = 0; p < np; p++)
            vals[p] = sw->axes[a].values[sweep_value_index(sw, p, a)];
        hid_t c = h5scale_values(g, sw->axes[a].path, vals, np, "axis value at each point");
        ok = c >= 0 && H5DSattach_scale(c, set->scale[0], 0) >= 0;
        if (c >= 0)
            H5Dclose(c);
        size_t len = strlen(sw->axes[a].path);
        if (ok && used + len + 2 < sizeof set->coordinates) {
            if (used)
                set->coordinates[used++] = ' ';
            memcpy(set->coordinates + used, sw->axes[a].path, len + 1);
            used += len;
        }
    }
    free(idx);
    free(vals);
    if (space >= 0)
        H5Sclose(space);
    if (ok)
        return 0;
fail:
    h5scale_close(set);
    return -1;
}

int h5scale_attach(hid_t ds, const h5scale_set *set)
{
    for (int d = 0; d < set->rank; d++)
        if (set->scale[d] < 0 || H5DSattach_scale(ds, set->scale[d], (unsigned)d) < 0)
            return -1;
    if (set->coordinates[0] && h5scale_attr(ds, "coordinates", set->coordinates) != 0)
        return -1;
    return 0;
}

void h5scale_close(h5scale_set *set)
{
    for (int d = 0; d < 32; d++)
        if (set->scale[d] >= 0) {
            H5Dclose(set->scale[d]);
            set->scale[d] = -1;
        }
}
