/* capacity.c - the `capacity:` section read and cross-checked against the
 * rest of the scenario (see capacity.h); the plan itself is
 * experiment/planning.c's.
 */
#include "capacity.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int capacity_parse(cfg_ctx *c, cfg_node *sec, capacity_spec *s)
{
    memset(s, 0, sizeof *s);
    if (!sec)
        return 0;
    s->enabled = 1;
    cfg_set_prefix(c, "capacity.");
    int bad = cfg_int(c, sec, "months", 6, 1, CAPACITY_MAX_MONTHS, &s->months);
    bad |= cfg_fraction(c, sec, "growth", 0.15, 0.0, 10.0, &s->growth);
    bad |= cfg_fraction(c, sec, "buffer", 0.30, 0.0, 10.0, &s->buffer);
    bad |= cfg_int(c, sec, "replications", 0, 0, 100000, &s->replications);
    cfg_node *cur = cfg_section(c, sec, "current");
    cfg_set_prefix(c, "capacity.current.");
    bad |= cfg_double(c, cur, "ai_agents", 10547, 0, 1e12, &s->ai_agents);
    bad |= cfg_double(c, cur, "tps", 1000, 0, 1e12, &s->tps);
    bad |= cfg_double(c, cur, "storage_tb", 50, 0, 1e12, &s->storage_tb);
    bad |= cfg_double(c, cur, "compute_cores", 256, 0, 1e12, &s->compute_cores);
    bad |= cfg_double(c, cur, "memory_gb", 1024, 0, 1e12, &s->memory_gb);
    bad |= cfg_double(c, cur, "network_gbps", 5, 0, 1e12, &s->network_gbps);
    cfg_set_prefix(c, "capacity.");
    cfg_node *load = cfg_list(c, sec, "load");
    for (size_t i = 0; load && i < load->n; i++) {
        cfg_node *it = load->items[i];
        if (it->kind != CFG_SCALAR || !strchr(it->text, '.') || s->nload == CAPACITY_MAX_PATHS) {
            cfg_error(c, it, "capacity.load: give up to %d dotted scenario paths like agents.count",
                      CAPACITY_MAX_PATHS);
            bad = -1;
            continue;
        }
        if (cfg_check_name(c, it, "capacity.load", it->text, SINK_NAME_PATH) != 0)
            bad = -1;
        s->load[s->nload++] = it->text;
    }
    cfg_node *res = cfg_list(c, sec, "resources");
    for (size_t i = 0; res && i < res->n; i++) {
        cfg_node *it = res->items[i];
        if (it->kind != CFG_MAP || s->nresources == CAPACITY_MAX_PATHS) {
            cfg_error(c, it, "capacity.resources: each is {path: auth.workers, max: 1024}");
            bad = -1;
            continue;
        }
        capacity_resource *r = &s->resources[s->nresources++];
        cfg_set_prefix(c, "capacity.resources.");
        bad |= cfg_require(c, it, "path");
        bad |= cfg_name_string(c, it, "path", "", SINK_NAME_PATH, &r->path);
        bad |= cfg_int(c, it, "max", 1024, 1, INT64_C(1) << 40, &r->max);
        cfg_check_unused(c, it);
    }
    cfg_set_prefix(c, "");
    return bad;
}

int capacity_check(cfg_ctx *c, cfg_node *sec, const scenario_t *sc)
{
    const capacity_spec *s = &sc->capacity;
    if (!s->enabled || !sec)
        return 0;
    int bad = 0;
    cfg_node *sweep = cfg_get(sc->doc->root, "sweep");
    if (sweep && sc->sweep.naxes) {
        cfg_error(c, sweep, "capacity planning and a sweep cannot be combined; drop one");
        bad = -1;
    }
    if (sc->claims.n > 64) {
        cfg_error(c, sec, "capacity planning handles at most 64 claims (the scenario has %zu)",
                  sc->claims.n);
        bad = -1;
    }
    cfg_node *load = cfg_get(sec, "load");
    for (size_t i = 0; load && load->kind == CFG_SEQ && i < load->n && i < s->nload; i++) {
        char v[96];
        const char *text = scenario_value(sc, s->load[i]);
        if (!text || capacity_scale(text, 1.0, v, sizeof v) != 0) {
            cfg_error(c, load->items[i], "capacity.load: '%s' is not a numeric key set in the "
                      "scenario (is its model's section there?)", s->load[i]);
            bad = -1;
        }
    }
    cfg_node *res = cfg_get(sec, "resources");
    for (size_t i = 0; res && res->kind == CFG_SEQ && i < res->n && i < s->nresources; i++) {
        const char *text = scenario_value(sc, s->resources[i].path);
        char *end = NULL;
        long long v = text ? strtoll(text, &end, 10) : 0;
        if (!text || *end || v < 1) {
            cfg_node *at = cfg_get(res->items[i], "path");
            cfg_error(c, at ? at : res->items[i], "capacity.resources: '%s' must be a "
                      "whole-number key set in the scenario (its starting value)",
                      s->resources[i].path);
            bad = -1;
        }
    }
    return bad;
}

int capacity_throughput_parse(cfg_ctx *c, cfg_node *sec, capacity_throughput *t)
{
    memset(t, 0, sizeof *t);
    if (!sec)
        return 0;
    t->enabled = 1;
    cfg_set_prefix(c, "throughput.");
    int bad = cfg_require(c, sec, "rate") | cfg_require(c, sec, "claimed") |
              cfg_require(c, sec, "range");
    bad |= cfg_name_string(c, sec, "name", "sustained throughput", SINK_NAME_LABEL, &t->name);
    bad |= cfg_name_string(c, sec, "rate", "", SINK_NAME_PATH, &t->rate);
    bad |= cfg_string(c, sec, "source", "", &t->source);
    bad |= cfg_rate(c, sec, "claimed", 1.0, 1e-9, 1e12, &t->claimed);
    bad |= cfg_fraction(c, sec, "tolerance", 0.02, 1e-4, 1.0, &t->tolerance);
    bad |= cfg_int(c, sec, "replications", 0, 0, 100000, &t->replications);
    cfg_node *range = cfg_list(c, sec, "range");
    if (range) {
        char why[160];
        if (range->n != 2 || range->items[0]->kind != CFG_SCALAR ||
            range->items[1]->kind != CFG_SCALAR ||
            cfg_parse_rate(range->items[0]->text, &t->lo, why, sizeof why) != 0 ||
            cfg_parse_rate(range->items[1]->text, &t->hi, why, sizeof why) != 0 ||
            !(t->lo > 0) || !(t->hi > t->lo)) {
            cfg_error(c, range, "throughput.range: expected two rates [low, high], 0 < low < "
                      "high, like [100/s, 1000000/s]");
            bad = -1;
        }
    }
    cfg_set_prefix(c, "");
    return bad;
}

int capacity_throughput_check(cfg_ctx *c, cfg_node *sec, const scenario_t *sc)
{
    const capacity_throughput *t = &sc->throughput;
    if (!t->enabled || !sec)
        return 0;
    int bad = 0;
    if (sc->sweep.naxes) {
        cfg_error(c, cfg_get(sc->doc->root, "sweep"), "the throughput search and a sweep "
                  "cannot be combined (the search varies %s itself); drop one", t->rate);
        bad = -1;
    }
    if (sc->capacity.enabled) {
        cfg_error(c, sec, "throughput: and capacity: cannot be combined in one scenario; "
                  "give each its own");
        bad = -1;
    }
    if (!sc->claims.n || sc->claims.n > 64) {
        cfg_error(c, sec, "throughput: needs 1 to 64 claims (the stability criterion: "
                  "every claim must hold at a sustained rate); the scenario has %zu",
                  sc->claims.n);
        bad = -1;
    }
    const char *text = t->rate ? scenario_value(sc, t->rate) : NULL;
    char why[160];
    double v;
    if (t->rate && t->rate[0] &&
        (!text || cfg_parse_rate(text, &v, why, sizeof why) != 0)) {
        cfg_error(c, cfg_get(sec, "rate"), "throughput.rate: '%s' is not a rate key set in "
                  "the scenario (like consensus.request_rate: 50/s)", t->rate);
        bad = -1;
    }
    if (t->lo > 0 && (t->claimed < t->lo || t->claimed > t->hi)) {
        cfg_error(c, cfg_get(sec, "claimed"), "throughput.claimed: %.6g/s lies outside "
                  "throughput.range [%.6g/s, %.6g/s]", t->claimed, t->lo, t->hi);
        bad = -1;
    }
    return bad;
}

/* Scales a scenario value ("10547", "12.5/s", "2ms") by f, keeping its
 * unit; whole numbers without a unit are truncated like int(). */
int capacity_scale(const char *text, double f, char *buf, size_t size)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno || !isfinite(v))
        return -1;
    int whole = !*end && !strpbrk(text, ".eE");
    if (whole)
        snprintf(buf, size, "%lld", (long long)(v * f));
    else
        snprintf(buf, size, "%.12g%s", v * f, end);
    return 0;
}
