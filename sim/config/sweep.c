/* sweep.c - sweep specifications (see sweep.h).
 *
 * Invariant: every axis has >= 1 value; paths are unique across axes.
 */
#include "sweep.h"
#include "sink.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *sweep_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void sweep_axis_free(sweep_axis *a)
{
    for (size_t i = 0; i < a->nvalues; i++)
        free(a->values[i]);
    free(a->values);
    free(a->line);
    free(a->col);
    free(a->path);
    memset(a, 0, sizeof *a);
}

void sweep_free(sweep_spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->naxes; i++)
        sweep_axis_free(&s->axes[i]);
    free(s->axes);
    memset(s, 0, sizeof *s);
}

/* Splits "12.5ms" into 12.5 and "ms".  -1 when there is no leading number. */
static int sweep_split(const char *text, double *v, const char **unit)
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    if (end == text || errno || !isfinite(*v))
        return -1;
    *unit = end;
    return 0;
}

static int sweep_is_integer(double v)
{
    return fabs(v) < 9e15 && v == floor(v);
}

long sweep_expand_range(const char *from, const char *to, const char *step,
                        long num, int log_scale, char **values, size_t max,
                        char *why, size_t wsz)
{
    double a, b, st = 0;
    const char *ua, *ub, *us = "";
    if (sweep_split(from, &a, &ua) || sweep_split(to, &b, &ub)) {
        snprintf(why, wsz, "from and to must be numbers (with an optional unit)");
        return -1;
    }
    if (strcmp(ua, ub) != 0) {
        snprintf(why, wsz, "from ('%s') and to ('%s') must use the same unit", from, to);
        return -1;
    }
    int integers = sweep_is_integer(a) && sweep_is_integer(b);
    long count;
    if (step) {
        if (sweep_split(step, &st, &us) || strcmp(us, ua) != 0 || st <= 0) {
            snprintf(why, wsz, "step must be a positive number in the unit of from/to");
            return -1;
        }
        if (b < a) {
            snprintf(why, wsz, "to must not be less than from");
            return -1;
        }
        integers = integers && sweep_is_integer(st);
        double n = floor((b - a) / st * (1 + 1e-12)) + 1;
        if (n > (double)max) {
            snprintf(why, wsz, "the range has %.0f values; at most %zu", n, max);
            return -1;
        }
        count = (long)n;
    } else {
        if (num < 1 || (size_t)num > max) {
            snprintf(why, wsz, "num must be from 1 to %zu", max);
            return -1;
        }
        if (log_scale && (a <= 0 || b <= 0)) {
            snprintf(why, wsz, "a log scale needs positive from and to");
            return -1;
        }
        count = num;
    }
    for (long i = 0; i < count; i++) {
        double v;
        if (step)
            v = a + (double)i * st;
        else if (count == 1)
            v = a;
        else if (log_scale)
            v = exp(log(a) + (log(b) - log(a)) * (double)i / (double)(count - 1));
        else
            v = a + (b - a) * (double)i / (double)(count - 1);
        if (i == count - 1 && !step)
            v = b; /* land exactly on the bound */
        char buf[96];
        if (integers)
            snprintf(buf, sizeof buf, "%.0f%s", round(v), ua);
        else
            snprintf(buf, sizeof buf, "%.10g%s", v, ua);
        values[i] = sweep_strdup(buf);
        if (!values[i]) {
            for (long k = 0; k < i; k++)
                free(values[k]);
            snprintf(why, wsz, "out of memory");
            return -1;
        }
    }
    return count;
}

/* Finds or appends the axis for path; replaces its values. */
static sweep_axis *sweep_axis_for(sweep_spec *s, const char *path)
{
    for (size_t i = 0; i < s->naxes; i++)
        if (strcmp(s->axes[i].path, path) == 0) {
            for (size_t k = 0; k < s->axes[i].nvalues; k++)
                free(s->axes[i].values[k]);
            free(s->axes[i].values);
            free(s->axes[i].line);
            free(s->axes[i].col);
            s->axes[i].values = NULL;
            s->axes[i].line = s->axes[i].col = NULL;
            s->axes[i].nvalues = 0;
            s->axes[i].from_cli = 0;
            return &s->axes[i];
        }
    sweep_axis *grown = realloc(s->axes, (s->naxes + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    s->axes = grown;
    sweep_axis *a = &s->axes[s->naxes];
    memset(a, 0, sizeof *a);
    a->path = sweep_strdup(path);
    if (!a->path)
        return NULL;
    s->naxes++;
    return a;
}

static int sweep_axis_from_node(cfg_ctx *c, const char *path, cfg_node *v,
                                sweep_spec *s)
{
    sweep_axis *a = sweep_axis_for(s, path);
    if (!a) {
        cfg_oom(c, v);
        return -1;
    }
    if (v->kind == CFG_SEQ) {
        if (v->n == 0 || v->n > SWEEP_MAX_VALUES) {
            cfg_error(c, v, "sweep.%s: give 1 to %d values", path, SWEEP_MAX_VALUES);
            return -1;
        }
        a->values = calloc(v->n, sizeof *a->values);
        a->line = calloc(v->n, sizeof *a->line);
        a->col = calloc(v->n, sizeof *a->col);
        if (!a->values || !a->line || !a->col) {
            cfg_oom(c, v);
            return -1;
        }
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->kind != CFG_SCALAR) {
                cfg_error(c, v->items[i], "sweep.%s: each value must be a plain scalar", path);
                return -1;
            }
            a->values[i] = sweep_strdup(v->items[i]->text);
            if (!a->values[i]) {
                cfg_oom(c, v);
                return -1;
            }
            a->line[i] = v->items[i]->line;
            a->col[i] = v->items[i]->col;
            a->nvalues++;
        }
        return 0;
    }
    if (v->kind == CFG_MAP) {
        const char *from = NULL, *to = NULL, *step = NULL, *scale = "linear";
        int64_t num = 0;
        cfg_node *fn = cfg_get(v, "from"), *tn = cfg_get(v, "to");
        cfg_node *sn = cfg_get(v, "step"), *nn = cfg_get(v, "num");
        char prefix[300];
        snprintf(prefix, sizeof prefix, "sweep.%s.", path);
        cfg_set_prefix(c, prefix);
        int bad = cfg_require(c, v, "from") | cfg_require(c, v, "to");
        bad |= cfg_string(c, v, "from", "", &from) | cfg_string(c, v, "to", "", &to);
        if (sn)
            bad |= cfg_string(c, v, "step", "", &step);
        if (nn)
            bad |= cfg_int(c, v, "num", 2, 1, SWEEP_MAX_VALUES, &num);
        static const char *const scales[] = { "linear", "log", NULL };
        int sc = 0;
        bad |= cfg_enum(c, v, "scale", scales, 0, &sc);
        scale = scales[sc];
        cfg_set_prefix(c, "");
        if (bad)
            return -1;
        if (!!sn == !!nn) {
            cfg_error(c, v, "sweep.%s: give either step or num (not both, not neither)", path);
            return -1;
        }
        if (sn && sc == 1) {
            cfg_error(c, v, "sweep.%s: scale: log goes with num, not step", path);
            return -1;
        }
        (void)scale;
        char **vals = calloc(SWEEP_MAX_VALUES, sizeof *vals);
        char why[200];
        if (!vals)
            return -1;
        long n = sweep_expand_range(from, to, step, (long)num, sc == 1, vals,
                                    SWEEP_MAX_VALUES, why, sizeof why);
        if (n < 0 && !strcmp(why, "out of memory")) {
            cfg_oom(c, v);
            free(vals);
            return -1;
        }
        if (n < 0) {
            cfg_error(c, fn ? fn : v, "sweep.%s: %s", path, why);
            free(vals);
            return -1;
        }
        (void)tn;
        a->values = realloc(vals, (size_t)n * sizeof *vals);
        if (!a->values) {
            a->values = vals;
        }
        a->nvalues = (size_t)n;
        /* Every value of a range is reported at the range. */
        a->line = calloc((size_t)n, sizeof *a->line);
        a->col = calloc((size_t)n, sizeof *a->col);
        if (!a->line || !a->col) {
            cfg_oom(c, v);
            return -1;
        }
        for (long i = 0; i < n; i++)
            a->line[i] = v->line, a->col[i] = v->col;
        return 0;
    }
    cfg_error(c, v, "sweep.%s: give a list [a, b, ...] or a range {from, to, step|num}",
              path);
    return -1;
}

int sweep_parse(cfg_ctx *c, cfg_node *section, sweep_spec *out)
{
    if (!section)
        return 0;
    int bad = 0;
    for (size_t i = 0; i < section->n; i++) {
        const char *key = section->keys[i];
        cfg_node *v = section->items[i];
        section->used[i] = 1;
        if (strcmp(key, "mode") == 0) {
            if (v->kind == CFG_SCALAR && strcmp(v->text, "zip") == 0)
                out->zip = 1;
            else if (v->kind == CFG_SCALAR && strcmp(v->text, "grid") == 0)
                out->zip = 0;
            else {
                cfg_error(c, v, "sweep.mode must be grid (full factorial) or zip (paired lists)");
                bad = -1;
            }
            continue;
        }
        if (!strchr(key, '.')) {
            cfg_error(c, v, "sweep: '%s' is not a dotted scenario path like consensus.nodes",
                      key);
            bad = -1;
            continue;
        }
        /* The path names HDF5 datasets (/sweep/axes/<path>). */
        if (cfg_check_name(c, v, "sweep: path", key, SINK_NAME_PATH) != 0) {
            bad = -1;
            continue;
        }
        if (sweep_axis_from_node(c, key, v, out) != 0)
            bad = -1;
    }
    return bad;
}

int sweep_add_cli(sweep_spec *s, const char *spec, err_t *e)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "--sweep wants path=v1,v2,... (e.g. consensus.nodes=4,16,64), not '%s'",
                       spec);
    char path[256], why[256];
    snprintf(path, sizeof path, "%.*s", (int)(eq - spec), spec);
    if ((size_t)(eq - spec) >= sizeof path || sink_name_check(path, SINK_NAME_PATH, why, sizeof why))
        return err_set(e, ERR_USAGE, NULL, 0, 0, "--sweep: the path %s",
                       (size_t)(eq - spec) >= sizeof path ? "is too long" : why);
    sweep_axis *a = sweep_axis_for(s, path);
    if (!a)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    a->from_cli = 1;
    const char *p = eq + 1;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return err_set(e, ERR_USAGE, NULL, 0, 0, "--sweep %s: empty value", spec);
        if (a->nvalues == SWEEP_MAX_VALUES)
            return err_set(e, ERR_USAGE, NULL, 0, 0, "--sweep %s: more than %d values", path,
                           SWEEP_MAX_VALUES);
        char **grown = realloc(a->values, (a->nvalues + 1) * sizeof *grown);
        if (!grown)
            return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        a->values = grown;
        int *gl = realloc(a->line, (a->nvalues + 1) * sizeof *gl);
        if (gl)
            a->line = gl;
        int *gc = gl ? realloc(a->col, (a->nvalues + 1) * sizeof *gc) : NULL;
        if (!gc)
            return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        a->col = gc;
        a->line[a->nvalues] = 1;
        a->col[a->nvalues] = (int)(p - spec) + 1;
        a->values[a->nvalues] = malloc(len + 1);
        if (!a->values[a->nvalues])
            return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        memcpy(a->values[a->nvalues], p, len);
        a->values[a->nvalues][len] = '\0';
        a->nvalues++;
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

size_t sweep_points(const sweep_spec *s, err_t *e)
{
    if (s->naxes == 0)
        return 1;
    if (s->zip) {
        size_t n = s->axes[0].nvalues;
        for (size_t i = 1; i < s->naxes; i++)
            if (s->axes[i].nvalues != n) {
                err_set(e, ERR_DATA, NULL, 0, 0,
                        "sweep mode zip needs lists of equal length: %s has %zu, %s has %zu",
                        s->axes[0].path, n, s->axes[i].path, s->axes[i].nvalues);
                return 0;
            }
        return n;
    }
    size_t n = 1;
    for (size_t i = 0; i < s->naxes; i++) {
        if (s->axes[i].nvalues == 0 || n > SWEEP_MAX_POINTS / s->axes[i].nvalues) {
            err_set(e, ERR_DATA, NULL, 0, 0, "the sweep grid has more than %d points",
                    SWEEP_MAX_POINTS);
            return 0;
        }
        n *= s->axes[i].nvalues;
    }
    return n;
}

size_t sweep_value_index(const sweep_spec *s, size_t point, size_t axis)
{
    if (s->zip)
        return point;
    size_t stride = 1;
    for (size_t i = s->naxes; i-- > axis + 1;)
        stride *= s->axes[i].nvalues;
    return (point / stride) % s->axes[axis].nvalues;
}

int sweep_value_pos(const sweep_spec *s, size_t point, size_t axis, int *line, int *col)
{
    const sweep_axis *a = &s->axes[axis];
    size_t i = sweep_value_index(s, point, axis);
    *line = a->line ? a->line[i] : 0;
    *col = a->col ? a->col[i] : 0;
    return a->from_cli;
}

void sweep_assignment(const sweep_spec *s, size_t point, size_t axis,
                      char *buf, size_t size)
{
    snprintf(buf, size, "%s=%s", s->axes[axis].path,
             s->axes[axis].values[sweep_value_index(s, point, axis)]);
}
