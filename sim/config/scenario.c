/* scenario.c - top-level scenario keys and model sections (see scenario.h).
 *
 * Every key is pulled through the cfg getters, so every one is type- and
 * range-checked and shows up in --validate's resolved list; keys nobody
 * pulled are then reported as unknown with a hint.
 */
#include "scenario.h"
#include "modeltab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *scenario_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int scenario_precision_configure(scenario_t *sc, cfg_ctx *c, cfg_node *sec)
{
    scenario_precision *p = &sc->precision;
    cfg_set_prefix(c, "precision.");
    int bad = cfg_fraction(c, sec, "target", 0.0, 0.0, 1.0, &p->target);
    bad |= cfg_int(c, sec, "max_replications", 1000, 1, 1000000, &p->max_replications);
    cfg_node *list = cfg_list(c, sec, "metrics");
    if (list) {
        p->metrics = calloc(list->n ? list->n : 1, sizeof *p->metrics);
        if (!p->metrics) {
            cfg_oom(c, list);
            bad = -1;
        }
        for (size_t i = 0; p->metrics && i < list->n; i++) {
            if (list->items[i]->kind != CFG_SCALAR) {
                cfg_error(c, list->items[i], "precision.metrics: give metric names like mmc.wait");
                bad = -1;
                continue;
            }
            if (cfg_check_name(c, list->items[i], "precision.metrics", list->items[i]->text,
                               SINK_NAME_PATH) != 0)
                bad = -1;
            p->metrics[p->nmetrics] = scenario_strdup(list->items[i]->text);
            if (!p->metrics[p->nmetrics++]) {
                cfg_oom(c, list->items[i]);
                bad = -1;
            }
        }
    }
    cfg_set_prefix(c, "");
    return bad;
}

static int scenario_assumptions_parse(scenario_t *sc, cfg_ctx *c, cfg_node *list)
{
    if (!list)
        return 0;
    sc->assumptions = calloc(list->n ? list->n : 1, sizeof *sc->assumptions);
    if (!sc->assumptions)
        return -1;
    int bad = 0;
    cfg_set_prefix(c, "assumptions.");
    for (size_t i = 0; i < list->n; i++) {
        cfg_node *it = list->items[i];
        if (it->kind != CFG_MAP) {
            cfg_error(c, it, "assumptions: each entry is a mapping {key, range: [low, high], "
                             "source}");
            bad = -1;
            continue;
        }
        scenario_assumption *a = &sc->assumptions[sc->nassumptions++];
        a->file = it->file;
        a->line = it->line;
        a->col = it->col;
        bad |= cfg_require(c, it, "key") | cfg_require(c, it, "range") |
               cfg_require(c, it, "source");
        bad |= cfg_string(c, it, "key", "", &a->key);
        bad |= cfg_string(c, it, "source", "", &a->source);
        static const char *const scales[] = { "linear", "log", NULL };
        bad |= cfg_enum(c, it, "scale", scales, 0, &a->log_scale);
        cfg_node *r = cfg_list(c, it, "range");
        if (r && (r->n != 2 || r->items[0]->kind != CFG_SCALAR ||
                  r->items[1]->kind != CFG_SCALAR)) {
            cfg_error(c, r, "assumptions: range is [low, high], two values with units like "
                            "[0s, 2ms]");
            bad = -1;
        } else if (r) {
            a->lo = r->items[0]->text;
            a->hi = r->items[1]->text;
        }
        for (size_t j = 0; j + 1 < sc->nassumptions; j++)
            if (a->key && sc->assumptions[j].key && strcmp(sc->assumptions[j].key, a->key) == 0) {
                cfg_error(c, it, "assumptions: %s is listed twice", a->key);
                bad = -1;
            }
        cfg_check_unused(c, it);
    }
    cfg_set_prefix(c, "");
    return bad;
}

const char *scenario_assumption_value(const cfg_ctx *resolved, const char *key, char *buf,
                                      size_t size)
{
    size_t len = strlen(key);
    for (size_t i = 0; i < resolved->nresolved; i++) {
        const char *line = resolved->resolved[i];
        if (strncmp(line, key, len) == 0 && strncmp(line + len, " = ", 3) == 0) {
            snprintf(buf, size, "%s", line + len + 3);
            /* Defaults are marked after the value. */
            char *mark = strstr(buf, " (default)");
            if (mark)
                *mark = '\0';
            return buf;
        }
    }
    return NULL;
}

int scenario_check_assumptions(const scenario_t *sc, const cfg_ctx *resolved, cfg_ctx *diags,
                               err_t *e)
{
    size_t before = diags->ndiags;
    for (size_t i = 0; i < sc->nassumptions; i++) {
        const scenario_assumption *a = &sc->assumptions[i];
        char buf[256];
        cfg_node pos = { 0 };
        pos.file = a->file;
        pos.line = a->line;
        pos.col = a->col;
        if (!scenario_assumption_value(resolved, a->key, buf, sizeof buf) &&
            !scenario_value(sc, a->key)) {
            cfg_error(diags, &pos, "assumptions: '%s' is not a key of this scenario (see "
                                   "--validate for every resolved key)", a->key);
            continue;
        }
        const char *ends[2] = { a->lo, a->hi };
        for (int k = 0; k < 2; k++) {
            char set[512];
            snprintf(set, sizeof set, "%s=%s", a->key, ends[k]);
            const char *sets[1] = { set };
            cfg_ctx d;
            cfg_ctx_init(&d);
            scenario_t *x = NULL;
            err_t xe;
            err_clear(&xe);
            if (scenario_derive(sc, sets, 1, &d, &x, &xe) != 0)
                cfg_error(diags, &pos, "assumptions: %s = %s (the range's %s end) is not a "
                                       "valid value: %s", a->key, ends[k], k ? "high" : "low",
                          d.ndiags ? d.diags[0] : xe.msg);
            scenario_free(x);
            cfg_ctx_free(&d);
        }
    }
    for (size_t c = 0; c < sc->claims.n; c++) {
        const claims_claim *cl = &sc->claims.items[c];
        for (size_t j = 0; j < cl->nassumptions; j++) {
            int found = 0;
            for (size_t i = 0; i < sc->nassumptions; i++)
                found |= strcmp(sc->assumptions[i].key, cl->assumptions[j]) == 0;
            if (!found)
                cfg_error(diags, NULL, "%s: claim '%s' rests on '%s', which the assumptions: "
                                       "section does not list", sc->doc->file, cl->name,
                          cl->assumptions[j]);
        }
    }
    if (diags->ndiags > before)
        return err_set(e, ERR_DATA, sc->doc->file, 0, 0, "%zu problem%s with the assumptions",
                       diags->ndiags - before, diags->ndiags - before == 1 ? "" : "s");
    return 0;
}

static int scenario_configure(scenario_t *sc, cfg_ctx *c)
{
    cfg_node *root = sc->doc->root;
    int bad = 0;
    cfg_set_prefix(c, "");
    bad |= cfg_require(c, root, "name");
    /* A scenario's name becomes a file name (results/<name>.h5). */
    bad |= cfg_name_string(c, root, "name", "scenario", SINK_NAME_FILE, &sc->name);
    bad |= cfg_string(c, root, "description", "", &sc->description);
    int64_t seed;
    bad |= cfg_int(c, root, "seed", 1, 0, INT64_MAX, &seed);
    sc->seed = (uint64_t)seed;
    bad |= cfg_require(c, root, "duration");
    bad |= cfg_duration(c, root, "duration", SIM_NS_PER_S, 1, INT64_MAX / 2,
                        &sc->duration_ns);
    bad |= cfg_duration(c, root, "warmup", 0, 0, INT64_MAX / 2, &sc->warmup_ns);
    bad |= cfg_int(c, root, "replications", 10, 1, 1000000, &sc->replications);
    cfg_node *stats = cfg_section(c, root, "stats");
    cfg_set_prefix(c, "stats.");
    bad |= cfg_int(c, stats, "quantile_samples", 100000, 0, 100000000,
                   &sc->quantile_samples);
    cfg_set_prefix(c, "");
    cfg_node *sweep = cfg_section(c, root, "sweep");
    if (sweep_parse(c, sweep, &sc->sweep) != 0)
        bad = -1;
    bad |= scenario_precision_configure(sc, c, cfg_section(c, root, "precision"));
    if (claims_parse(c, cfg_list(c, root, "claims"), &sc->claims) != 0)
        bad = -1;
    if (capacity_parse(c, cfg_section(c, root, "capacity"), &sc->capacity) != 0)
        bad = -1;
    bad |= scenario_assumptions_parse(sc, c, cfg_list(c, root, "assumptions"));

    int active = 0;
    for (size_t i = 0; i < sc->nmodels; i++) {
        const sim_model *m = sc->models[i];
        cfg_node *sec = cfg_section(c, root, m->name);
        if (!sec)
            continue;
        char prefix[80];
        snprintf(prefix, sizeof prefix, "%s.", m->name);
        cfg_set_prefix(c, prefix);
        sc->params[i] = calloc(1, m->params_size ? m->params_size : 1);
        if (!sc->params[i]) {
            cfg_oom(c, NULL);
            return -1;
        }
        if (modeltab_configure(c, sec, m, sc->params[i]) != 0)
            bad = -1;
        active++;
    }
    cfg_set_prefix(c, "");
    /* Cross-checks that need every section read (before anything runs). */
    if (capacity_check(c, cfg_get(root, "capacity"), sc) != 0)
        bad = -1;
    if (!active && c->ndiags == 0) {
        char names[512] = "";
        for (size_t i = 0; i < sc->nmodels; i++) {
            strncat(names, i ? ", " : "", sizeof names - strlen(names) - 1);
            strncat(names, sc->models[i]->name, sizeof names - strlen(names) - 1);
        }
        cfg_error(c, root, "no model section: add at least one of %s", names);
        bad = -1;
    }
    cfg_check_unused(c, root);
    return bad || c->ndiags ? -1 : 0;
}

/* Where each of a point's sweep values was written (NULL: --set). */
typedef struct scenario_pos {
    const int *line, *col, *cli;
} scenario_pos;

/* Applies sets to sc->doc and keeps copies of them; with pos, each value
 * keeps the position where the sweep lists it. */
static int scenario_apply_sets(scenario_t *sc, const char *const *sets, size_t nsets,
                               const scenario_pos *pos, err_t *e)
{
    if (!nsets)
        return 0;
    char **all = realloc(sc->sets, (sc->nsets + nsets) * sizeof *all);
    if (!all)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    sc->sets = all;
    for (size_t i = 0; i < nsets; i++) {
        int rc = pos && pos->line[i] > 0
                     ? cfg_doc_set_at(sc->doc, sets[i], pos->cli[i] ? "--sweep" : sc->doc->file,
                                      pos->line[i], pos->col[i], e)
                     : cfg_doc_set(sc->doc, sets[i], e);
        if (rc)
            return rc;
        sc->sets[sc->nsets] = scenario_strdup(sets[i]);
        if (!sc->sets[sc->nsets])
            return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        sc->nsets++;
    }
    return 0;
}

/* scenario_load's work once the document is loaded (or failed: rc). */
static int scenario_load_doc(scenario_t *sc, int rc, const char *path, const char *const *sets,
                             size_t nsets, cfg_ctx *diags, scenario_t **out, err_t *e)
{
    if (rc)
        goto fail;
    rc = scenario_apply_sets(sc, sets, nsets, NULL, e);
    if (rc)
        goto fail;
    if (scenario_configure(sc, diags) != 0) {
        /* No diagnostic means a failure of ours (out of memory), not the file's. */
        rc = diags->oom || !diags->ndiags ? err_set(e, ERR_SOFTWARE, path, 0, 0,
                                                     "out of memory while checking the scenario")
                        : err_set(e, ERR_DATA, path, 0, 0, "%zu problem%s in the scenario",
                                  diags->ndiags, diags->ndiags == 1 ? "" : "s");
        goto fail;
    }
    *out = sc;
    return 0;
fail:
    scenario_free(sc);
    return rc;
}

static scenario_t *scenario_new(const sim_model *const *models, size_t nmodels, err_t *e)
{
    if (nmodels > SCENARIO_MAX_MODELS) {
        err_set(e, ERR_SOFTWARE, NULL, 0, 0, "%zu models, at most %d", nmodels,
                SCENARIO_MAX_MODELS);
        return NULL;
    }
    scenario_t *sc = calloc(1, sizeof *sc);
    if (!sc) {
        err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        return NULL;
    }
    sc->models = models;
    sc->nmodels = nmodels;
    return sc;
}

int scenario_load(const char *path, const sim_model *const *models, size_t nmodels,
                  const char *const *sets, size_t nsets, cfg_ctx *diags, scenario_t **out,
                  err_t *e)
{
    *out = NULL;
    scenario_t *sc = scenario_new(models, nmodels, e);
    if (!sc)
        return e->code;
    return scenario_load_doc(sc, cfg_load_file(path, &sc->doc, e), path, sets, nsets, diags,
                             out, e);
}

int scenario_load_text(const char *name, const char *text, size_t len, const cfg_source *known,
                       size_t nknown, const sim_model *const *models, size_t nmodels,
                       const char *const *sets, size_t nsets, cfg_ctx *diags,
                       scenario_t **out, err_t *e)
{
    *out = NULL;
    scenario_t *sc = scenario_new(models, nmodels, e);
    if (!sc)
        return e->code;
    return scenario_load_doc(sc, cfg_load_with(name, text, len, known, nknown, &sc->doc, e),
                             name, sets, nsets, diags, out, e);
}

static int scenario_derive_at(const scenario_t *base, const char *const *extra, size_t nextra,
                              const scenario_pos *pos, cfg_ctx *diags, scenario_t **out,
                              err_t *e)
{
    *out = NULL;
    scenario_t *sc = calloc(1, sizeof *sc);
    if (!sc)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    sc->models = base->models;
    sc->nmodels = base->nmodels;
    /* The included files' texts as base read them: a derived point never
     * reads the disk again, so every point is made of the same text. */
    int rc = cfg_load_with(base->doc->file, base->doc->text, base->doc->text_len,
                           base->doc->includes, base->doc->nincludes, &sc->doc, e);
    if (!rc)
        rc = scenario_apply_sets(sc, (const char *const *)base->sets, base->nsets, NULL, e);
    if (!rc)
        rc = scenario_apply_sets(sc, extra, nextra, pos, e);
    if (rc)
        goto fail;
    if (scenario_configure(sc, diags) != 0) {
        rc = diags->oom || !diags->ndiags ? err_set(e, ERR_SOFTWARE, base->doc->file, 0, 0,
                                                     "out of memory while checking the scenario")
                        : err_set(e, ERR_DATA, base->doc->file, 0, 0,
                                  "%zu problem%s with the derived values", diags->ndiags,
                                  diags->ndiags == 1 ? "" : "s");
        goto fail;
    }
    /* A derived scenario is one point: the base's sweep describes the grid. */
    sweep_free(&sc->sweep);
    *out = sc;
    return 0;
fail:
    scenario_free(sc);
    return rc;
}

int scenario_derive(const scenario_t *base, const char *const *extra, size_t nextra,
                    cfg_ctx *diags, scenario_t **out, err_t *e)
{
    return scenario_derive_at(base, extra, nextra, NULL, diags, out, e);
}

int scenario_point(const scenario_t *base, size_t point, cfg_ctx *diags,
                   scenario_t **out, err_t *e)
{
    size_t n = base->sweep.naxes ? base->sweep.naxes : 1;
    char (*assign)[1024] = calloc(n, sizeof *assign);
    const char **extra = calloc(n, sizeof *extra);
    int *line = calloc(n, sizeof *line), *col = calloc(n, sizeof *col);
    int *cli = calloc(n, sizeof *cli);
    int rc;
    if (!assign || !extra || !line || !col || !cli) {
        rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t a = 0; a < base->sweep.naxes; a++) {
        sweep_assignment(&base->sweep, point, a, assign[a], sizeof assign[a]);
        extra[a] = assign[a];
        cli[a] = sweep_value_pos(&base->sweep, point, a, &line[a], &col[a]);
    }
    scenario_pos pos = { line, col, cli };
    rc = scenario_derive_at(base, extra, base->sweep.naxes, &pos, diags, out, e);
    if (rc == ERR_DATA && !diags->oom) {
        char what[600];
        size_t k = 0;
        what[0] = '\0';
        for (size_t a = 0; a < base->sweep.naxes && k < sizeof what; a++)
            k += (size_t)snprintf(what + k, sizeof what - k, "%s%s", a ? ", " : "", assign[a]);
        err_clear(e);
        rc = err_set(e, ERR_DATA, base->doc->file, 0, 0, "sweep point %zu (%s) is not a valid "
                     "scenario; nothing was run", point, what);
    }
done:
    free(assign);
    free(extra);
    free(line);
    free(col);
    free(cli);
    return rc;
}

const char *scenario_value(const scenario_t *sc, const char *path)
{
    const cfg_node *n = scenario_node(sc, path);
    return n && n->kind == CFG_SCALAR ? n->text : NULL;
}

const cfg_node *scenario_node(const scenario_t *sc, const char *path)
{
    cfg_node *n = sc->doc->root;
    char part[128];
    const char *p = path;
    while (n && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len >= sizeof part || n->kind != CFG_MAP)
            return NULL;
        memcpy(part, p, len);
        part[len] = '\0';
        cfg_node *next = NULL;
        for (size_t i = 0; i < n->n; i++)
            if (strcmp(n->keys[i], part) == 0)
                next = n->items[i];
        n = next;
        p += len + (dot ? 1 : 0);
    }
    return n;
}

/* Whether the file's own sweep: section has an axis at path (the --sweep
 * axes are added to sc->sweep alongside them). */
static int scenario_file_sweeps(const scenario_t *sc, const char *path)
{
    const cfg_node *root = sc->doc->root, *sweep = NULL;
    for (size_t i = 0; i < root->n && !sweep; i++)
        if (strcmp(root->keys[i], "sweep") == 0 && root->items[i]->kind == CFG_MAP)
            sweep = root->items[i];
    for (size_t i = 0; sweep && i < sweep->n; i++)
        if (strcmp(sweep->keys[i], path) == 0 && sweep->items[i]->file != NULL &&
            strcmp(sweep->items[i]->file, "--set") != 0)
            return 1;
    return 0;
}

static void scenario_append(char *buf, size_t size, size_t *len, const char *s)
{
    int k = snprintf(buf + *len, size - *len, "%s", s);
    if (k > 0)
        *len = *len + (size_t)k < size ? *len + (size_t)k : size - 1;
}

void scenario_describe(const scenario_t *sc, char *buf, size_t size)
{
    if (!size)
        return;
    size_t len = 0;
    buf[0] = '\0';
    if (!sc->description[0])
        return;
    scenario_append(buf, size, &len, sc->description);
    int changes = 0;
    for (size_t i = 0; i < sc->nsets; i++) {
        const char *set = sc->sets[i];
        if (strncmp(set, "seed=", 5) == 0 || strncmp(set, "replications=", 13) == 0)
            continue;
        scenario_append(buf, size, &len, changes++ ? ", " : " [the file's description, before --set ");
        scenario_append(buf, size, &len, set);
    }
    int swept = 0;
    for (size_t a = 0; a < sc->sweep.naxes; a++) {
        if (scenario_file_sweeps(sc, sc->sweep.axes[a].path))
            continue;
        scenario_append(buf, size, &len, swept++ ? ", " : changes ? " and --sweep "
                                                                   : " [the file's description, before --sweep ");
        scenario_append(buf, size, &len, sc->sweep.axes[a].path);
        changes++;
    }
    if (changes)
        scenario_append(buf, size, &len, "]");
}

void scenario_free(scenario_t *sc)
{
    if (!sc)
        return;
    sweep_free(&sc->sweep);
    claims_free(&sc->claims);
    free(sc->assumptions);
    for (size_t i = 0; i < sc->precision.nmetrics; i++)
        free(sc->precision.metrics[i]);
    free(sc->precision.metrics);
    for (size_t i = 0; i < sc->nsets; i++)
        free(sc->sets[i]);
    free(sc->sets);
    for (size_t i = 0; i < SCENARIO_MAX_MODELS; i++)
        free(sc->params[i]);
    cfg_doc_free(sc->doc);
    free(sc);
}

void scenario_sim_config(const scenario_t *sc, uint64_t point,
                         uint64_t replication, sim_config *out)
{
    memset(out, 0, sizeof *out);
    out->seed = sc->seed;
    out->point = point;
    out->replication = replication;
    out->duration_ns = sc->duration_ns;
    out->warmup_ns = sc->warmup_ns;
    out->quantile_samples = (size_t)sc->quantile_samples;
    out->models = sc->models;
    out->nmodels = sc->nmodels;
    out->params = sc->params;
    out->watches = sc->claims.watches;
    out->nwatches = sc->claims.nwatches;
}
