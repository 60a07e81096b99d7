/* scenario.h - a checked, resolved scenario: the common top-level keys and
 * each active model's parameters.
 *
 * Top-level keys: name, description, seed, duration, warmup, replications,
 * stats: {quantile_samples}, then one section per model (see models/).
 * A model is active when its section is present.
 */
#ifndef MWRASP_SCENARIO_H
#define MWRASP_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "sim.h"
#include "sweep.h"
#include "claims.h"
#include "capacity.h"

#define SCENARIO_MAX_MODELS 32

/* Precision target: add replications until the 95 % CI half-width of each
 * named metric is within target * |mean|, up to max_replications. */
typedef struct scenario_precision {
    char **metrics;          /* NULL-terminated-free list, nmetrics long */
    size_t nmetrics;         /* 0: every tally metric */
    double target;           /* relative half-width; 0 = off */
    int64_t max_replications;
} scenario_precision;

/* One `assumptions:` entry: a parameter the runbook does not give, with
 * the range of values it could plausibly take and where that range comes
 * from.  Claims name the assumptions they rest on; --robustness moves
 * each one across its range. */
typedef struct scenario_assumption {
    const char *key;        /* dotted scenario key, like auth.batch.timeout */
    const char *lo, *hi;    /* the range's ends as written (with units) */
    const char *source;     /* why this range */
    int log_scale;          /* `scale: log`: interpolate geometrically */
    int line, col;          /* position of the entry, for messages */
    const char *file;
} scenario_assumption;

typedef struct scenario {
    cfg_doc *doc;
    const char *name;
    const char *description;
    uint64_t seed;
    int64_t duration_ns, warmup_ns;
    int64_t replications;
    int64_t quantile_samples;
    const sim_model *const *models;
    size_t nmodels;
    void *params[SCENARIO_MAX_MODELS]; /* NULL when inactive */
    sweep_spec sweep;        /* `sweep:` section, plus --sweep axes */
    scenario_precision precision;
    claims_list claims;      /* `claims:` section */
    scenario_assumption *assumptions; /* `assumptions:` section */
    size_t nassumptions;
    capacity_spec capacity;  /* `capacity:` section */
    char **sets;             /* copies of the --set assignments applied */
    size_t nsets;
} scenario_t;

/* Loads path, applies the --set assignments in order, then checks and
 * resolves every key against models[0..nmodels) (the registry: a model is
 * active when its section is present; at most SCENARIO_MAX_MODELS).  Diagnostics (all of them) go to diags, which the
 * caller owns and prints.  Returns 0, ERR_NOINPUT, ERR_USAGE (bad --set) or
 * ERR_DATA; on failure *out is NULL. */
int scenario_load(const char *path, const sim_model *const *models, size_t nmodels,
                  const char *const *sets, size_t nsets, cfg_ctx *diags, scenario_t **out,
                  err_t *e);
/* scenario_load from a text already read (what a batch part recorded,
 * batch.h): name stands for the file's path (messages, include:), known
 * are the texts of the files it includes (none is read from disk). */
int scenario_load_text(const char *name, const char *text, size_t len, const cfg_source *known,
                       size_t nknown, const sim_model *const *models, size_t nmodels,
                       const char *const *sets, size_t nsets, cfg_ctx *diags,
                       scenario_t **out, err_t *e);
void scenario_free(scenario_t *sc);

/* The scenario of one sweep point: base's file text with base's --set
 * assignments, then the point's axis values, checked again by every
 * model's schema.  ERR_DATA with diagnostics in diags when a point's
 * values are invalid. */
int scenario_point(const scenario_t *base, size_t point, cfg_ctx *diags,
                   scenario_t **out, err_t *e);

/* A scenario derived from base: its file text, its --set assignments, then
 * extra (e.g. a capacity plan's load and resource values), checked by every
 * model's schema again. */
int scenario_derive(const scenario_t *base, const char *const *extra, size_t nextra,
                    cfg_ctx *diags, scenario_t **out, err_t *e);
/* The scalar text at dotted path in sc's document (after --set), or NULL. */
const char *scenario_value(const scenario_t *sc, const char *path);
/* The node at dotted path (any kind, with its position), or NULL. */
const cfg_node *scenario_node(const scenario_t *sc, const char *path);

/* Checks the `assumptions:` section against the loaded scenario: every
 * key is a key the scenario resolves (resolved: the "key = value" lines
 * of the load), both ends of every range are valid values for it, and
 * every claim names only listed assumptions.  Diagnostics into diags;
 * returns 0 or ERR_DATA. */
int scenario_check_assumptions(const scenario_t *sc, const cfg_ctx *resolved, cfg_ctx *diags,
                               err_t *e);
/* The current value (text) of assumption a in sc: its resolved value. */
const char *scenario_assumption_value(const cfg_ctx *resolved, const char *key, char *buf,
                                      size_t size);
/* sc's description for a reader: the file's text, marked as the file's
 * own words when the command line has since changed what it describes
 * (--set or --duration, or a --sweep axis the file does not sweep), e.g.
 * "M/M/32 queue at rho = 0.9 [the file's description, before --set
 * mmc.servers=4]", so that nobody takes "M/M/32" for what ran.  --seed and
 * --replications change no model and leave it unmarked. */
void scenario_describe(const scenario_t *sc, char *buf, size_t size);

/* The engine configuration for (point, replication) of sc. */
void scenario_sim_config(const scenario_t *sc, uint64_t point,
                         uint64_t replication, sim_config *out);

#endif
