/* claims.c - the `claims:` section read into claim specifications (see
 * claims.h); the verdicts are experiment/verdict.c's.
 *
 * Invariants: every claim that parses has a metric, a bound with units the
 * bound's metric can be converted to at evaluation, and a statistic; the
 * watches and kept metrics are exactly what the claims' rules will ask the
 * engine for.
 */
#include "claims.h"
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


static const char *const claims_stat_names[] = {
    "mean", "p50", "p90", "p95", "p99", "min", "max", "fraction_below", NULL
};

const char *claims_stat_name(claims_stat s)
{
    return claims_stat_names[s];
}



int claims_convert(double x, const char *from, const char *to, double *out)
{
    return units_convert(x, from, to, out);
}

/* "63ms" -> 63, "ms"; "99.99%" -> 99.99, "%"; "0.15" -> 0.15, "". */
static int claims_split(const char *s, double *v, char *unit, size_t usz)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || errno || !isfinite(*v))
        return -1;
    while (*end == ' ')
        end++;
    if (strlen(end) >= usz)
        return -1;
    snprintf(unit, usz, "%s", end);
    if (unit[0] && strcmp(unit, "%") && strcmp(unit, "/s") && units_seconds(unit) == 0)
        return -1;
    return 0;
}

static int claims_value(cfg_ctx *c, cfg_node *n, const char *what, double *v, char *unit,
                        size_t usz)
{
    if (!n || n->kind != CFG_SCALAR || claims_split(n->text, v, unit, usz) != 0) {
        cfg_error(c, n, "claims: %s must be a number with an optional unit "
                        "(ns us ms s min h d, %% or /s), like 0.1ms or 99.99%%", what);
        return -1;
    }
    return 0;
}

static const char *const claims_effect_names[] = { "ratio", "difference", "reduction", NULL };

const char *claims_effect_name(claims_effect e)
{
    return claims_effect_names[e];
}

/* A comparison's arm: a list of path=value assignments. */
static int claims_arm(cfg_ctx *c, cfg_node *item, const char *key, const char ***out,
                      size_t *n)
{
    cfg_node *l = cfg_list(c, item, key);
    if (!l) {
        cfg_error(c, item, "comparisons: %s is a list of path=value assignments, like "
                           "[auth.workers=8] ([] for the scenario as written)", key);
        return -1;
    }
    *out = calloc(l->n ? l->n : 1, sizeof **out);
    if (!*out) {
        cfg_oom(c, l);
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < l->n; i++) {
        cfg_node *v = l->items[i];
        if (v->kind != CFG_SCALAR || !strchr(v->text, '=') || v->text[0] == '=') {
            cfg_error(c, v, "comparisons: each entry of %s is path=value, like "
                            "auth.workers=8", key);
            bad = -1;
            continue;
        }
        (*out)[(*n)++] = v->text;
    }
    return bad;
}

/* The keys only a comparison has (cmp != NULL): the arms and the effect;
 * its statistic is one value per replication. */
static int claims_parse_comparison(cfg_ctx *c, cfg_node *item, claims_comparison *cmp)
{
    int bad = claims_arm(c, item, "baseline", &cmp->baseline, &cmp->nbaseline);
    bad |= claims_arm(c, item, "variant", &cmp->variant, &cmp->nvariant);
    int effect = 0;
    bad |= cfg_require(c, item, "effect");
    bad |= cfg_enum(c, item, "effect", claims_effect_names, 0, &effect);
    cmp->effect = (claims_effect)effect;
    claims_stat st = cmp->claim.stat;
    if (st == CLAIMS_MIN || st == CLAIMS_MAX || st == CLAIMS_FRACTION_BELOW) {
        cfg_error(c, item, "comparisons: statistic is mean, p50, p90, p95 or p99 (one value "
                           "per replication)");
        bad = -1;
    }
    cmp->file = item->file;
    cmp->line = item->line;
    cmp->col = item->col;
    return bad;
}

static int claims_parse_one(cfg_ctx *c, cfg_node *item, claims_claim *cl,
                            claims_comparison *cmp)
{
    if (item->kind != CFG_MAP) {
        cfg_error(c, item, cmp ? "comparisons: each entry is a mapping {name, metric, "
                                 "baseline, variant, effect, bound, source}"
                               : "claims: each claim is a mapping {name, metric, statistic, "
                                 "bound, source}");
        return -1;
    }
    int bad = cfg_require(c, item, "metric") | cfg_require(c, item, "bound") |
              cfg_require(c, item, "source");
    bad |= cfg_name_string(c, item, "name", "", SINK_NAME_LABEL, &cl->name);
    bad |= cfg_name_string(c, item, "metric", "", SINK_NAME_PATH, &cl->metric);
    bad |= cfg_string(c, item, "source", "", &cl->source);
    bad |= cfg_string(c, item, "fixed_by", "", &cl->fixed_by);
    bad |= cfg_string(c, item, "per", "", &cl->per);
    if (!cl->name[0])
        cl->name = cl->metric;
    int stat = 0;
    bad |= cfg_enum(c, item, "statistic", claims_stat_names, 0, &stat);
    cl->stat = (claims_stat)stat;
    cfg_node *th = cfg_get(item, "threshold");
    if (cl->stat == CLAIMS_FRACTION_BELOW) {
        if (!th) {
            cfg_error(c, item, "claims: statistic fraction_below needs threshold: (e.g. 100ms)");
            bad = -1;
        } else {
            bad |= claims_value(c, th, "threshold", &cl->threshold, cl->threshold_unit,
                                sizeof cl->threshold_unit);
        }
    } else if (th) {
        cfg_error(c, th, "claims: threshold goes with statistic: fraction_below");
        bad = -1;
    }
    cfg_node *b = cfg_get(item, "bound");
    if (b && b->kind == CFG_MAP && b->n == 1) {
        const char *k = b->keys[0];
        cfg_node *v = b->items[0];
        b->used[0] = 1;
        if (strcmp(k, "max") == 0) {
            cl->bound = CLAIMS_BOUND_MAX;
            bad |= claims_value(c, v, "bound max", &cl->hi, cl->hi_unit, sizeof cl->hi_unit);
            snprintf(cl->bound_text, sizeof cl->bound_text, "<= %s", v->text ? v->text : "?");
        } else if (strcmp(k, "min") == 0) {
            cl->bound = CLAIMS_BOUND_MIN;
            bad |= claims_value(c, v, "bound min", &cl->lo, cl->lo_unit, sizeof cl->lo_unit);
            snprintf(cl->bound_text, sizeof cl->bound_text, ">= %s", v->text ? v->text : "?");
        } else if (strcmp(k, "within") == 0 && v->kind == CFG_SEQ && v->n == 2) {
            cl->bound = CLAIMS_BOUND_WITHIN;
            bad |= claims_value(c, v->items[0], "bound within[0]", &cl->lo, cl->lo_unit,
                                sizeof cl->lo_unit);
            bad |= claims_value(c, v->items[1], "bound within[1]", &cl->hi, cl->hi_unit,
                                sizeof cl->hi_unit);
            if (!bad)
                snprintf(cl->bound_text, sizeof cl->bound_text, "in [%s, %s]",
                         v->items[0]->text, v->items[1]->text);
        } else {
            cfg_error(c, v, "claims: bound is {max: x}, {min: x} or {within: [a, b]}");
            bad = -1;
        }
        /* "Every case" statistics bound every observation on one side. */
        if (!bad && cl->stat == CLAIMS_MAX && cl->bound != CLAIMS_BOUND_MAX) {
            cfg_error(c, b, "claims: statistic max says every observation is at most the "
                            "bound; write bound: {max: x}");
            bad = -1;
        }
        if (!bad && cl->stat == CLAIMS_MIN && cl->bound != CLAIMS_BOUND_MIN) {
            cfg_error(c, b, "claims: statistic min says every observation is at least the "
                            "bound; write bound: {min: x}");
            bad = -1;
        }
    } else if (b) {
        cfg_error(c, b, "claims: bound is {max: x}, {min: x} or {within: [a, b]}");
        bad = -1;
    }
    cfg_node *as = cfg_list(c, item, "assumptions");
    if (as) {
        cl->assumptions = calloc(as->n ? as->n : 1, sizeof *cl->assumptions);
        if (!cl->assumptions)
            return -1;
        for (size_t i = 0; i < as->n; i++) {
            if (as->items[i]->kind != CFG_SCALAR) {
                cfg_error(c, as->items[i], "claims: assumptions lists keys of the "
                                           "scenario's assumptions: section, like auth.batch.timeout");
                bad = -1;
                continue;
            }
            cl->assumptions[cl->nassumptions++] = as->items[i]->text;
        }
    }
    if (cmp)
        bad |= claims_parse_comparison(c, item, cmp);
    cfg_check_unused(c, item);
    return bad ? -1 : 0;
}

/* Adds (metric, value, unit) to the watch list unless present. */
static int claims_add_watch(claims_list *l, const char *metric, double value, const char *unit)
{
    for (size_t i = 0; i < l->nwatches; i++)
        if (strcmp(l->watches[i].metric, metric) == 0 && l->watches[i].value == value &&
            strcmp(l->watches[i].unit, unit) == 0)
            return 0;
    sim_watch *w = realloc(l->watches, (l->nwatches + 1) * sizeof *w);
    if (!w)
        return -1;
    l->watches = w;
    w[l->nwatches].metric = metric;
    w[l->nwatches].value = value;
    snprintf(w[l->nwatches].unit, sizeof w[l->nwatches].unit, "%s", unit);
    l->nwatches++;
    return 0;
}

static int claims_add_keep(claims_list *l, const char *metric)
{
    for (size_t i = 0; i < l->nkeep; i++)
        if (strcmp(l->keep[i], metric) == 0)
            return 0;
    const char **k = realloc(l->keep, (l->nkeep + 1) * sizeof *k);
    if (!k)
        return -1;
    l->keep = k;
    k[l->nkeep++] = metric;
    return 0;
}

/* What the engine must record for the claims: exact threshold counts for
 * "every case" and fraction_below claims, samples for quantile claims. */
static int claims_derive_needs(cfg_ctx *c, cfg_node *list, claims_list *l)
{
    int bad = 0;
    for (size_t i = 0; i < l->n; i++) {
        const claims_claim *cl = &l->items[i];
        int rc = 0;
        if (cl->stat == CLAIMS_MAX)
            rc = claims_add_watch(l, cl->metric, cl->hi, cl->hi_unit);
        else if (cl->stat == CLAIMS_MIN)
            rc = claims_add_watch(l, cl->metric, cl->lo, cl->lo_unit);
        else if (cl->stat == CLAIMS_FRACTION_BELOW)
            rc = claims_add_watch(l, cl->metric, cl->threshold, cl->threshold_unit);
        else if (cl->stat != CLAIMS_MEAN)
            rc = claims_add_keep(l, cl->metric);
        if (rc)
            return -1;
    }
    for (size_t i = 0; i < l->n; i++) {
        size_t same = 0;
        for (size_t w = 0; w < l->nwatches; w++)
            same += strcmp(l->watches[w].metric, l->items[i].metric) == 0;
        if (same > STATS_WATCHES) {
            cfg_error(c, list->items[i], "claims: metric %s has more than %d different "
                                         "thresholds across its min/max/fraction_below claims",
                      l->items[i].metric, STATS_WATCHES);
            bad = -1;
            break;
        }
    }
    return bad;
}

/* The items of a present list, zeroed, and the messages' prefix set;
 * NULL with an out-of-memory diagnostic. */
static void *claims_items(cfg_ctx *c, cfg_node *list, const char *prefix, size_t size)
{
    void *items = calloc(list->n ? list->n : 1, size);
    if (!items)
        cfg_oom(c, list);
    else
        cfg_set_prefix(c, prefix);
    return items;
}

int claims_parse(cfg_ctx *c, cfg_node *list, claims_list *out)
{
    memset(out, 0, sizeof *out);
    if (!list)
        return 0;
    if (!(out->items = claims_items(c, list, "claims.", sizeof *out->items)))
        return -1;
    int bad = 0;
    for (size_t i = 0; i < list->n; i++)
        if (claims_parse_one(c, list->items[i], &out->items[out->n++], NULL) != 0)
            bad = -1;
    if (!bad && claims_derive_needs(c, list, out) != 0)
        bad = -1;
    cfg_set_prefix(c, "");
    return bad;
}

void claims_free(claims_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].assumptions);
    free(l->items);
    free(l->watches);
    free(l->keep);
    memset(l, 0, sizeof *l);
}

int claims_parse_comparisons(cfg_ctx *c, cfg_node *list, claims_comparisons *out)
{
    memset(out, 0, sizeof *out);
    if (!list)
        return 0;
    if (!(out->items = claims_items(c, list, "comparisons.", sizeof *out->items)))
        return -1;
    int bad = 0;
    for (size_t i = 0; i < list->n; i++) {
        claims_comparison *cmp = &out->items[out->n++];
        if (claims_parse_one(c, list->items[i], &cmp->claim, cmp) != 0)
            bad = -1;
    }
    cfg_set_prefix(c, "");
    return bad;
}

void claims_comparisons_free(claims_comparisons *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].claim.assumptions);
        free(l->items[i].baseline);
        free(l->items[i].variant);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}
