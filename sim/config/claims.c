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

static int claims_parse_one(cfg_ctx *c, cfg_node *item, claims_claim *cl)
{
    if (item->kind != CFG_MAP) {
        cfg_error(c, item, "claims: each claim is a mapping {name, metric, statistic, bound, source}");
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

int claims_parse(cfg_ctx *c, cfg_node *list, claims_list *out)
{
    memset(out, 0, sizeof *out);
    if (!list)
        return 0;
    out->items = calloc(list->n ? list->n : 1, sizeof *out->items);
    if (!out->items) {
        cfg_oom(c, list);
        return -1;
    }
    int bad = 0;
    cfg_set_prefix(c, "claims.");
    for (size_t i = 0; i < list->n; i++)
        if (claims_parse_one(c, list->items[i], &out->items[out->n++]) != 0)
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

int claims_compare_parse(cfg_ctx *c, cfg_node *sec, claims_compare *out)
{
    memset(out, 0, sizeof *out);
    if (!sec)
        return 0;
    out->enabled = 1;
    cfg_set_prefix(c, "compare.");
    int bad = cfg_require(c, sec, "before") | cfg_require(c, sec, "claim");
    cfg_node *before = cfg_section(c, sec, "before");
    if (before) {
        out->sets = calloc(before->n ? before->n : 1, sizeof *out->sets);
        if (!out->sets) {
            cfg_oom(c, before);
            cfg_set_prefix(c, "");
            return -1;
        }
        for (size_t i = 0; i < before->n; i++) {
            cfg_node *v = cfg_get(before, before->keys[i]);
            if (cfg_check_name(c, v, "compare.before: the key", before->keys[i],
                               SINK_NAME_PATH) != 0 || !strchr(before->keys[i], '.')) {
                if (strchr(before->keys[i], '.'))
                    bad = -1;
                else {
                    cfg_error(c, v, "compare.before: '%s' is not a dotted scenario path like "
                              "consensus.batch_size", before->keys[i]);
                    bad = -1;
                }
                continue;
            }
            if (v->kind != CFG_SCALAR) {
                cfg_error(c, v, "compare.before.%s: expected one value (a number, duration, "
                          "rate or word)", before->keys[i]);
                bad = -1;
                continue;
            }
            size_t len = strlen(before->keys[i]) + strlen(v->text) + 2;
            char *set = malloc(len);
            if (!set) {
                cfg_oom(c, v);
                bad = -1;
                break;
            }
            snprintf(set, len, "%s=%s", before->keys[i], v->text);
            out->sets[out->nsets++] = set;
        }
        if (!before->n) {
            cfg_error(c, before, "compare.before: sets nothing: the pair would be one "
                      "configuration twice");
            bad = -1;
        }
    }
    cfg_node *claim = cfg_get(sec, "claim");
    if (claim) {
        if (claims_parse_one(c, claim, &out->claim) != 0)
            bad = -1;
        else if (out->claim.stat != CLAIMS_MEAN) {
            cfg_error(c, claim, "compare.claim: the reduction is of the metric's mean; drop "
                      "statistic: %s", claims_stat_name(out->claim.stat));
            bad = -1;
        } else {
            const char *u[2] = { out->claim.lo_unit, out->claim.hi_unit };
            for (int k = 0; k < 2; k++)
                if (u[k][0] && strcmp(u[k], "%")) {
                    cfg_error(c, cfg_get(claim, "bound"), "compare.claim: the bound is a "
                              "reduction: a fraction or %%, not '%s'", u[k]);
                    bad = -1;
                    break;
                }
        }
    }
    cfg_set_prefix(c, "");
    return bad;
}

void claims_compare_free(claims_compare *cc)
{
    if (!cc)
        return;
    for (size_t i = 0; i < cc->nsets; i++)
        free(cc->sets[i]);
    free(cc->sets);
    free(cc->claim.assumptions);
    memset(cc, 0, sizeof *cc);
}
