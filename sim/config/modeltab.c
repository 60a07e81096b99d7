/* modeltab.c - reading and printing model tables (see modeltab.h).
 *
 * Sub-mappings named by dotted keys ("batch.max") are looked up once per
 * model and kept, so that a mapping of the wrong kind is reported once,
 * with the prefix the hand-written readers used ("auth.batch: expected a
 * mapping"), and rows of one mapping may be spread over the table.
 */
#include "modeltab.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#define MODELTAB_MAX_MAPS 32

typedef struct modeltab_maps {
    char path[MODELTAB_MAX_MAPS][64];
    cfg_node *node[MODELTAB_MAX_MAPS];
    size_t n;
    char base[256];           /* the model's prefix, "auth." */
} modeltab_maps;

/* The mapping named by path[0..len) below section (NULL when absent),
 * leaving the prefix at base + path + ".". */
static cfg_node *modeltab_map(cfg_ctx *c, modeltab_maps *mm, cfg_node *section,
                              const char *path, size_t len)
{
    char prefix[sizeof mm->base + 64];
    if (len == 0) {
        cfg_set_prefix(c, mm->base);
        return section;
    }
    for (size_t i = 0; i < mm->n; i++)
        if (strlen(mm->path[i]) == len && memcmp(mm->path[i], path, len) == 0) {
            snprintf(prefix, sizeof prefix, "%s%.*s.", mm->base, (int)len, path);
            cfg_set_prefix(c, prefix);
            return mm->node[i];
        }
    /* Parent first: "a.b" is key b of mapping a. */
    const char *dot = NULL;
    for (size_t i = 0; i < len; i++)
        if (path[i] == '.')
            dot = path + i;
    size_t plen = dot ? (size_t)(dot - path) : 0;
    cfg_node *parent = modeltab_map(c, mm, section, path, plen);
    char leaf[64];
    const char *l = dot ? dot + 1 : path;
    snprintf(leaf, sizeof leaf, "%.*s", (int)(path + len - l), l);
    cfg_node *node = cfg_section(c, parent, leaf);
    if (mm->n < MODELTAB_MAX_MAPS) {
        snprintf(mm->path[mm->n], sizeof mm->path[mm->n], "%.*s", (int)len, path);
        mm->node[mm->n++] = node;
    }
    snprintf(prefix, sizeof prefix, "%s%.*s.", mm->base, (int)len, path);
    cfg_set_prefix(c, prefix);
    return node;
}

static const char *modeltab_leaf(const char *key)
{
    const char *dot = strrchr(key, '.');
    return dot ? dot + 1 : key;
}

/* Reads one row from map (the mapping holding its leaf) with its getter. */
static int modeltab_read(cfg_ctx *c, cfg_node *map, const sim_param *r, void *params)
{
    const char *key = modeltab_leaf(r->key);
    void *f = (char *)params + r->offset;
    int bad = 0;
    if (r->required)
        bad |= cfg_require(c, map, key);
    switch (r->type) {
    case SIM_PARAM_INT:
        return bad | cfg_int(c, map, key, r->idef, r->imin, r->imax, f);
    case SIM_PARAM_DOUBLE:
        return bad | cfg_double(c, map, key, r->def, r->min, r->max, f);
    case SIM_PARAM_BOOL:
        return bad | cfg_bool(c, map, key, (int)r->idef, f);
    case SIM_PARAM_FRACTION:
        return bad | cfg_fraction(c, map, key, r->def, r->min, r->max, f);
    case SIM_PARAM_DURATION:
        return bad | cfg_duration(c, map, key, r->idef, r->imin, r->imax, f);
    case SIM_PARAM_RATE:
        return bad | cfg_rate(c, map, key, r->def, r->min, r->max, f);
    case SIM_PARAM_SIZE:
        return bad | cfg_size(c, map, key, (uint64_t)r->idef, (uint64_t)r->imin,
                              (uint64_t)r->imax, f);
    case SIM_PARAM_STRING:
        return bad | cfg_string(c, map, key, r->sdef, f);
    case SIM_PARAM_ENUM:
        return bad | cfg_enum(c, map, key, r->names, (int)r->idef, f);
    case SIM_PARAM_DIST:
    case SIM_PARAM_TIME_DIST:
        return bad | cfg_dist(c, map, key, &r->dist, r->type == SIM_PARAM_TIME_DIST, f);
    case SIM_PARAM_LIST:
        break;
    }
    return bad;
}

int modeltab_configure(cfg_ctx *c, cfg_node *section, const sim_model *m, void *params)
{
    modeltab_maps mm = { .n = 0 };
    snprintf(mm.base, sizeof mm.base, "%s", c->prefix);
    int bad = 0;
    for (size_t i = 0; i < m->nparams; i++) {
        const sim_param *r = &m->params[i];
        if (r->custom)
            continue;
        const char *leaf = modeltab_leaf(r->key);
        size_t plen = leaf > r->key ? (size_t)(leaf - r->key - 1) : 0;
        cfg_node *map = modeltab_map(c, &mm, section, r->key, plen);
        if (r->hook)
            bad |= r->hook(c, map, params) != 0;
        else
            bad |= modeltab_read(c, map, r, params) != 0;
    }
    cfg_set_prefix(c, mm.base);
    c->rows_bad = bad;
    if (m->configure)
        bad |= m->configure(c, section, params) != 0;
    cfg_set_prefix(c, mm.base);
    return bad ? -1 : 0;
}

static const sim_param *modeltab_find(const sim_model *m, const char *key)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].key, key) == 0)
            return &m->params[i];
    return NULL;
}

int modeltab_get(cfg_ctx *c, cfg_node *map, const sim_model *m, const char *key, void *params)
{
    const sim_param *r = modeltab_find(m, key);
    if (!r) {
        cfg_error(c, NULL, "internal: model %s has no parameter row '%s'", m->name, key);
        return -1;
    }
    /* Messages and resolved lines name the row's whole path
     * ("consensus.availability.deadline"), whatever prefix the hook
     * calling it left. */
    const char *leaf = modeltab_leaf(key);
    char saved[sizeof c->prefix], prefix[sizeof c->prefix];
    memcpy(saved, c->prefix, sizeof saved);
    snprintf(prefix, sizeof prefix, "%s.%.*s", m->name, (int)(leaf - key), key);
    cfg_set_prefix(c, prefix);
    int bad = modeltab_read(c, map, r, params) != 0 ? -1 : 0;
    cfg_set_prefix(c, saved);
    return bad;
}

/* ------------------------------------------------------------------------
 * Printing
 */

static const char *const modeltab_kind_names[] = {
    "tally", "level", "count", "rate", "value",
};
static const char *const modeltab_domain_names[] = {
    "nonneg", "real", "proportion", "rare", "tte",
};

/* The default as --validate prints it: the getter run on an absent key. */
static void modeltab_default(const sim_model *m, const sim_param *r, char *buf, size_t size)
{
    if (r->required) {
        snprintf(buf, size, "required");
        return;
    }
    if (r->type == SIM_PARAM_LIST) {
        snprintf(buf, size, "none");
        return;
    }
    snprintf(buf, size, "?");
    cfg_ctx c;
    cfg_ctx_init(&c);
    void *scratch = calloc(1, m->params_size ? m->params_size : 1);
    sim_param row = *r;
    row.required = 0;
    if (scratch && modeltab_read(&c, NULL, &row, scratch) == 0 && c.nresolved == 1) {
        const char *line = c.resolved[0];
        const char *eq = strstr(line, " = ");
        const char *v = eq ? eq + 3 : line;
        size_t len = strlen(v);
        const char *tag = " (default)";
        if (len >= strlen(tag) && strcmp(v + len - strlen(tag), tag) == 0)
            len -= strlen(tag);
        snprintf(buf, size, "%.*s", (int)len, v);
    }
    free(scratch);
    cfg_ctx_free(&c);
}

static void modeltab_bound(sim_param_type t, int64_t i, double d, char *buf, size_t size)
{
    if (t == SIM_PARAM_DURATION)
        cfg_format_duration(i, buf, size);
    else if (t == SIM_PARAM_INT || t == SIM_PARAM_SIZE)
        snprintf(buf, size, "%lld", (long long)i);
    else if (t == SIM_PARAM_RATE)
        snprintf(buf, size, "%g/s", d);
    else
        snprintf(buf, size, "%g", d);
}

/* "[lo, hi]", or ">= lo" when hi only guards against overflow (integers
 * and sizes from 2^40, durations from 2^50 ns = 13 days, numbers and rates
 * from 1e6); "" for types without a range. */
static void modeltab_range(const sim_param *r, char *buf, size_t size)
{
    char lo[48], hi[48];
    buf[0] = '\0';
    int open;
    switch (r->type) {
    case SIM_PARAM_ENUM: {
        size_t n = 0;
        for (size_t k = 0; r->names[k] && n + 2 < size; k++)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? "|" : "", r->names[k]);
        return;
    }
    case SIM_PARAM_INT:
    case SIM_PARAM_SIZE:
        open = (uint64_t)r->imax >= (UINT64_C(1) << 40);
        break;
    case SIM_PARAM_DURATION:
        open = r->imax >= (INT64_C(1) << 50);
        break;
    case SIM_PARAM_DOUBLE:
    case SIM_PARAM_FRACTION:
    case SIM_PARAM_RATE:
        open = r->max >= 1e6;
        break;
    default:
        return;
    }
    modeltab_bound(r->type, r->imin, r->min, lo, sizeof lo);
    modeltab_bound(r->type, r->imax, r->max, hi, sizeof hi);
    if (open)
        snprintf(buf, size, ">= %s", lo);
    else
        snprintf(buf, size, "[%s, %s]", lo, hi);
}

static const char *modeltab_type_name(sim_param_type t)
{
    static const char *const names[] = {
        "integer", "number", "bool", "fraction", "duration", "rate", "size",
        "string", "enum", "distribution", "distribution (durations)", "list",
    };
    return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static void modeltab_metric_name(const sim_metric_spec *s, char *buf, size_t size)
{
    if (!s->each) {
        snprintf(buf, size, "%s", s->name);
        return;
    }
    /* "step.%s" over detect, isolate: "step.{detect,isolate}" */
    const char *at = strstr(s->name, "%s");
    size_t n = (size_t)snprintf(buf, size, "%.*s{", (int)(at ? at - s->name : 0), s->name);
    for (size_t k = 0; s->each[k] && n + 2 < size; k++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? "," : "", s->each[k]);
    if (n + 1 < size)
        snprintf(buf + n, size - n, "}%s", at ? at + 2 : "");
}

void modeltab_help(const sim_model *m, FILE *out)
{
    fprintf(out, "%s: %s\n", m->name, m->summary ? m->summary : "");
    fprintf(out, "\nParameters (section '%s:'; --validate prints them resolved):\n", m->name);
    for (size_t i = 0; i < m->nparams; i++) {
        const sim_param *r = &m->params[i];
        char def[256], range[256];
        modeltab_default(m, r, def, sizeof def);
        modeltab_range(r, range, sizeof range);
        fprintf(out, "  %s.%s  %s%s%s, default %s\n      %s\n", m->name, r->key,
                modeltab_type_name(r->type), range[0] ? " " : "", range, def,
                r->help ? r->help : "");
    }
    fprintf(out, "\nMetrics:\n");
    for (size_t i = 0; i < m->nmetrics; i++) {
        const sim_metric_spec *s = &m->metrics[i];
        char name[512];
        modeltab_metric_name(s, name, sizeof name);
        fprintf(out, "  %s.%s  [%s] %s, %s\n      %s\n", m->name, name,
                s->unit ? s->unit : "", modeltab_kind_names[s->kind],
                modeltab_domain_names[s->domain], s->what ? s->what : "");
    }
}

/* Markdown table cells hold no '|' unescaped. */
static void modeltab_cell(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
}

void modeltab_markdown(const sim_model *const *models, size_t n, FILE *out)
{
    for (size_t j = 0; j < n; j++) {
        const sim_model *m = models[j];
        fprintf(out, "### %s — %s\n\n", m->name, m->summary ? m->summary : "");
        if (!m->nparams && !m->nmetrics)
            fprintf(out, "Not declared by tables yet: its keys and metrics are described "
                         "in its header.\n\n");
        if (m->nparams) {
            fprintf(out, "| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
            for (size_t i = 0; i < m->nparams; i++) {
                const sim_param *r = &m->params[i];
                char def[256], range[256];
                modeltab_default(m, r, def, sizeof def);
                modeltab_range(r, range, sizeof range);
                fprintf(out, "| %s | %s | ", r->key, modeltab_type_name(r->type));
                modeltab_cell(out, def);
                fputs(" | ", out);
                modeltab_cell(out, range);
                fputs(" | ", out);
                modeltab_cell(out, r->help);
                fputs(" |\n", out);
            }
            fputc('\n', out);
        }
        if (m->nmetrics) {
            fprintf(out, "| metric | unit | kind | domain | meaning |\n|---|---|---|---|---|\n");
            for (size_t i = 0; i < m->nmetrics; i++) {
                const sim_metric_spec *s = &m->metrics[i];
                char name[512];
                modeltab_metric_name(s, name, sizeof name);
                fprintf(out, "| %s.%s | %s | %s | %s | ", m->name, name, s->unit ? s->unit : "",
                        modeltab_kind_names[s->kind], modeltab_domain_names[s->domain]);
                modeltab_cell(out, s->what);
                fputs(" |\n", out);
            }
            fputc('\n', out);
        }
    }
}
