/* attacks.c - the attack timeline and the Grover race (see attacks.h).
 *
 * Invariants: every launched attack is one instance whose index is its
 * attack id, the id other models echo back; instances are never removed.
 * A key is identified by (emergency rotations so far, scheduled-rotation
 * epoch of the attack's key_lifetime): a Grover search that started under
 * one identity and measures under another recovers a dead key.  Entities
 * the attacker took over (agents, replicas) are remembered so detections
 * from detectors that do not know the attack id are attributed.
 */
#include "attacks.h"
#include "grow.h"
#include "cfg.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "auth.h"
#include "canaries.h"
#include "consensus.h"
#include "fragments.h"
#include "grover.h"
#include "rng.h"
#include "signals.h"


#define SECONDS_PER_YEAR 31557600.0 /* Julian year */

static const char *const type_names[] = {
    "grover", "harvest_now_decrypt_later", "agent_compromise", "byzantine_takeover",
    "fragment_theft", "recon", "auth_flood", "classical_search", NULL,
};
static const int default_incident[ATTACKS_NTYPES] = {
    RESPONSE_QUANTUM_ATTACK, RESPONSE_QUANTUM_ATTACK, RESPONSE_AI_AGENT_COMPROMISE,
    RESPONSE_CONSENSUS_FAILURE, RESPONSE_DATA_BREACH, RESPONSE_DATA_BREACH,
    RESPONSE_AI_AGENT_COMPROMISE, RESPONSE_DATA_BREACH,
};
static const char *const count_names[] = {"optimal", "sqrt_n", NULL};
static const char *const keys_names[] = {"pqc", "classical", NULL};
static const char *const behaviour_names[] = {
    "honest", "crash", "silent", "equivocate", "delay", "drop", NULL,
};
static const char *const placement_names[] = {"first", "random", NULL};

typedef struct attacks_instance {
    int64_t start_ns, detected_ns, won_ns;
    int64_t search_start_ns;
    uint64_t search_rotations;  /* emergency rotations when the search began */
    int64_t search_epoch;       /* key_lifetime epoch when the search began */
    double search_bits, search_iterations;
    uint32_t measurements, dead_keys;
    uint32_t search_gen;        /* a MEASURE event of an older search is stale */
    uint8_t searching;          /* a search is running (its MEASURE pending or beyond the run) */
    uint16_t item;
    uint8_t detected, contained, won, flooding;
} attacks_instance;

typedef struct attacks_owned {
    uint32_t entity, attack;
    uint8_t type;               /* response_type of the detector */
} attacks_owned;

typedef struct attacks_state {
    const attacks_params *p;
    int self, canaries, fragments, agents, consensus, auth; /* peers it sends work to */
    gsl_rng *launch_rng, *grover_rng, *detect_rng, *target_rng, *flood_rng;
    attacks_instance *inst;
    size_t ninst, cap;
    attacks_owned *owned;
    size_t nowned, owned_cap;
    int64_t launched[ATTACKS_MAX_TIMELINE];
    uint64_t rotations;         /* emergency key rotations seen */
    int64_t expanded_bits;      /* 0 until a key-space expansion */
    int m_preventable, m_prevented, m_succeeded;
    int m_launched, m_detected, m_ttd, m_ttc, m_won, m_ttw, m_measure, m_dead, m_hndl,
        m_agents, m_nodes, m_flood;
    /* per Grover timeline item (-1 for other types) */
    int m_years[ATTACKS_MAX_TIMELINE], m_years_exp[ATTACKS_MAX_TIMELINE],
        m_log2[ATTACKS_MAX_TIMELINE], m_item_won[ATTACKS_MAX_TIMELINE],
        m_search_years[ATTACKS_MAX_TIMELINE], m_log2_depth[ATTACKS_MAX_TIMELINE],
        m_maxdepth_ok[ATTACKS_MAX_TIMELINE], m_qubits[ATTACKS_MAX_TIMELINE],
        m_simulable[ATTACKS_MAX_TIMELINE], m_item_ttw[ATTACKS_MAX_TIMELINE];
    /* per timeline item */
    int m_item_detected[ATTACKS_MAX_TIMELINE], m_item_ttd[ATTACKS_MAX_TIMELINE],
        m_item_ttc[ATTACKS_MAX_TIMELINE];
} attacks_state;

/* ---- configuration ------------------------------------------------------ */

/* The attack's targets must exist in the model it attacks (configured
 * before attacks: registry order).  Without an explicit population the
 * attack covers that model's whole population. */
static int attacks_check_population(cfg_ctx *c, cfg_node *g, attacks_item *a, const char *size,
                                    const char *what)
{
    int64_t n;
    if (cfg_published(c, size, &n) != 0)
        return 0;   /* that model is not in the scenario */
    cfg_node *pop = cfg_get(g, "population");
    if (!pop) {
        a->population = n;
        return 0;
    }
    if (a->population > n) {
        cfg_error(c, pop, "attacks.timeline: population %lld exceeds %s = %lld: the attack "
                          "can only reach the %s the scenario has", (long long)a->population,
                  size, (long long)n, what);
        return -1;
    }
    return 0;
}

static int attacks_configure_item(cfg_ctx *c, cfg_node *g, attacks_item *a)
{
    int bad = 0;
    bad |= cfg_require(c, g, "type");
    bad |= cfg_enum(c, g, "type", type_names, 0, &a->type);
    bad |= cfg_name_string(c, g, "name", type_names[a->type], SINK_NAME_ID, &a->name);
    int has_at = cfg_get(g, "at") != NULL, has_rate = cfg_get(g, "rate") != NULL;
    if (has_at == has_rate) {
        cfg_error(c, g, "attacks.timeline: give `at` (one attack) or `rate` (Poisson), not %s",
                  has_at ? "both" : "neither");
        bad = -1;
    }
    a->poisson = has_rate;
    bad |= cfg_duration(c, g, "at", 0, 0, INT64_MAX / 4, &a->at_ns);
    bad |= cfg_rate(c, g, "rate", 1.0 / 86400, 1e-12, 1e6, &a->rate_per_s);
    bad |= cfg_duration(c, g, "from", 0, 0, INT64_MAX / 4, &a->from_ns);
    bad |= cfg_duration(c, g, "until", INT64_MAX / 4, 0, INT64_MAX / 4, &a->until_ns);
    bad |= cfg_int(c, g, "max", 0, 0, INT64_C(1) << 40, &a->max);
    bad |= cfg_enum(c, g, "incident", response_type_names, default_incident[a->type], &a->incident);
    dist_t conf = dist_constant(0.9);
    bad |= cfg_dist(c, g, "confidence", &conf, 0, &a->confidence);
    cfg_node *det = cfg_section(c, g, "detect");
    a->has_detect = det != NULL;
    char saved[sizeof c->prefix];
    cfg_prefix_enter(c, "detect", saved);
    bad |= cfg_fraction(c, det, "probability", 1.0, 0.0, 1.0, &a->detect_probability);
    dist_t lat = dist_constant(0);
    bad |= cfg_dist(c, det, "latency", &lat, 1, &a->detect_latency);
    cfg_set_prefix(c, saved);
    bad |= cfg_rate(c, g, "probe_rate", 0, 0, 1e9, &a->probe_rate_per_s);
    bad |= cfg_duration(c, g, "probe_for", 0, 0, INT64_MAX / 4, &a->probe_for_ns);
    switch (a->type) {
    case ATTACKS_GROVER: {
        bad |= cfg_int(c, g, "key_bits", 128, 1, 1024, &a->key_bits);
        /* The attacker is a machine (cycle, code distance, machines, the
         * cipher's published oracle) or, as before, a bare iteration rate. */
        cfg_node *m = cfg_section(c, g, "machine");
        a->has_machine = m != NULL;
        if (a->has_machine == (cfg_get(g, "iteration_rate") != NULL)) {
            cfg_error(c, g, "attacks.timeline: a grover attack takes `machine: {cipher, cycle, "
                            "code_distance, machines}` or `iteration_rate`, not %s",
                      a->has_machine ? "both" : "neither");
            bad = -1;
        }
        bad |= cfg_rate(c, g, "iteration_rate", 1.0, 1e-12, 1e30, &a->iteration_rate_per_s);
        int64_t cycle = 1000;
        cfg_prefix_enter(c, "machine", saved);
        bad |= cfg_enum(c, m, "cipher", grover_cipher_names, 0, &a->cipher);
        bad |= cfg_duration(c, m, "cycle", 1000, 1, INT64_MAX / 4, &cycle);
        a->cycle_s = (double)cycle * 1e-9;
        bad |= cfg_double(c, m, "code_distance", 27, 1, 1e4, &a->code_distance);
        bad |= cfg_double(c, m, "machines", 1, 1, 1e30, &a->machines);
        bad |= cfg_double(c, m, "maxdepth_log2", 40, 1, 1024, &a->maxdepth_log2);
        cfg_set_prefix(c, saved);
        if (!a->has_machine) {
            /* the rate is the iteration time of one machine */
            a->cycle_s = 1.0 / a->iteration_rate_per_s;
            a->code_distance = 1, a->machines = 1, a->cipher = 0;
        }
        const grover_oracle *o = grover_oracle_of(a->cipher);
        if (o && o->key_bits != a->key_bits) {
            cfg_error(c, g, "attacks.timeline: cipher %s has %d-bit keys, key_bits is %lld",
                      o->name, o->key_bits, (long long)a->key_bits);
            bad = -1;
        }
        bad |= cfg_enum(c, g, "iterations", count_names, ATTACKS_COUNT_OPTIMAL, &a->iter_count);
        bad |= cfg_double(c, g, "measure_at", 1.0, 1e-9, 1.0, &a->measure_at);
        bad |= cfg_duration(c, g, "key_lifetime", 0, 0, INT64_MAX / 4, &a->key_lifetime_ns);
        bad |= cfg_bool(c, g, "restart", 1, &a->restart);
        bad |= cfg_int(c, g, "expanded_bits", 256, 1, 1024, &a->expanded_bits);
        break;
    }
    case ATTACKS_CLASSICAL:
        /* Exhaustive classical search (docs/grover.md: 8.4e9 AES-128 keys/s
         * on one RTX 3090 with hashcat). */
        bad |= cfg_int(c, g, "key_bits", 40, 1, 1024, &a->key_bits);
        bad |= cfg_require(c, g, "keys_per_s");
        bad |= cfg_double(c, g, "keys_per_s", 1e9, 1e-12, 1e30, &a->keys_per_s);
        bad |= cfg_double(c, g, "devices", 1, 1, 1e30, &a->devices);
        bad |= cfg_duration(c, g, "key_lifetime", 0, 0, INT64_MAX / 4, &a->key_lifetime_ns);
        bad |= cfg_bool(c, g, "restart", 1, &a->restart);
        a->measure_at = 1, a->machines = 1;
        break;
    case ATTACKS_HNDL:
        bad |= cfg_enum(c, g, "keys", keys_names, 0, &a->classical);
        bad |= cfg_duration(c, g, "break_after", 3650 * 86400 * SIM_NS_PER_S, 0, INT64_MAX / 4,
                            &a->break_after_ns);
        bad |= cfg_duration(c, g, "secrecy", 9125 * 86400 * SIM_NS_PER_S, 0, INT64_MAX / 4,
                            &a->secrecy_ns);
        break;
    case ATTACKS_AGENT_COMPROMISE:
        bad |= cfg_int(c, g, "count", 1, 1, 1000000, &a->count);
        bad |= cfg_int(c, g, "population", 10547, 1, UINT32_MAX - 1, &a->population);
        bad |= attacks_check_population(c, g, a, "agents.count", "agents");
        bad |= cfg_double(c, g, "shift", 0, 0, 1e6, &a->shift);
        break;
    case ATTACKS_BYZANTINE_TAKEOVER: {
        bad |= cfg_int(c, g, "count", 1, 1, CONSENSUS_MAX_NODES, &a->count);
        bad |= cfg_int(c, g, "population", 127, 1, CONSENSUS_MAX_NODES, &a->population);
        bad |= attacks_check_population(c, g, a, "consensus.nodes", "replicas");
        bad |= cfg_enum(c, g, "behaviour", behaviour_names, CONSENSUS_EQUIVOCATE, &a->behaviour);
        bad |= cfg_enum(c, g, "placement", placement_names, 1, &a->random_placement);
        bad |= cfg_fraction(c, g, "drop", 0.5, 0.0, 1.0, &a->drop);
        int64_t hold = 0;
        bad |= cfg_duration(c, g, "hold", 10 * SIM_NS_PER_MS, 0, INT64_MAX / 4, &hold);
        a->hold_mean_ns = (double)hold;
        if (a->count > a->population) {
            cfg_error(c, g, "attacks.timeline: count %lld exceeds population %lld",
                      (long long)a->count, (long long)a->population);
            bad = -1;
        }
        break;
    }
    case ATTACKS_FRAGMENT_THEFT:
        bad |= cfg_require(c, g, "capture_rate");
        bad |= cfg_rate(c, g, "capture_rate", 1.0, 1e-12, 1e9, &a->capture_rate_per_s);
        bad |= cfg_duration(c, g, "length", 0, 0, INT64_MAX / 4, &a->length_ns);
        break;
    case ATTACKS_RECON:
        bad |= cfg_require(c, g, "probe_rate");
        break;
    case ATTACKS_AUTH_FLOOD:
        bad |= cfg_require(c, g, "flood_rate");
        bad |= cfg_rate(c, g, "flood_rate", 1.0, 1e-12, 1e9, &a->flood_rate_per_s);
        bad |= cfg_require(c, g, "length");
        bad |= cfg_duration(c, g, "length", 0, 1, INT64_MAX / 4, &a->length_ns);
        bad |= cfg_int(c, g, "identities", 10000, 1, UINT32_MAX / 2, &a->identities);
        bad |= cfg_int(c, g, "first_identity", 0, 0, UINT32_MAX / 2, &a->first_identity);
        break;
    default:
        break;
    }
    return bad;
}

/* Item i's name names its metrics (attacks.detected.NAME, ...): two items
 * with one name would declare one metric twice, so the second is an error
 * at its position (at its `name`, or at the item when the name is the
 * type's default).  list->items[0..i] are all mappings that configured. */
static int attacks_unique_name(cfg_ctx *c, cfg_node *list, const attacks_params *p,
                               size_t i)
{
    const attacks_item *a = &p->items[p->nitems - 1];
    for (int j = 0; j + 1 < p->nitems; j++) {
        if (!a->name || !p->items[j].name || strcmp(a->name, p->items[j].name) != 0)
            continue;
        /* items[j] came from the j-th mapping of the list. */
        size_t first = 0;
        for (int maps = -1; first < i; first++)
            if (list->items[first]->kind == CFG_MAP && ++maps == j)
                break;
        cfg_node *g = list->items[i];
        const cfg_node *at = cfg_get(g, "name");
        cfg_error(c, at ? at : g,
                  "attacks.timeline[%zu]: the name '%s' is already used by "
                  "attacks.timeline[%zu] (line %d)%s; it names the metrics "
                  "(attacks.detected.%s, ...), which must be unique: give each attack its "
                  "own `name`", i, a->name, first, list->items[first]->line,
                  at ? "" : ", both taking their type's default name", a->name);
        return -1;
    }
    return 0;
}

/* The timeline: a list of attacks whose keys depend on their type. */
static int attacks_timeline(cfg_ctx *c, cfg_node *sec, void *params)
{
    attacks_params *p = params;
    int bad = 0;
    cfg_node *list = cfg_list_upto(c, sec, "timeline", ATTACKS_MAX_TIMELINE, "attacks.timeline",
                                   "attacks", &bad);
    if (!list)
        return bad;
    for (size_t i = 0; i < list->n; i++) {
        cfg_node *g = cfg_list_map(c, list, i, "attacks.timeline", "attack",
                                   "{type: grover, at: 1h, iteration_rate: 1e4/s}", &bad);
        if (!g)
            continue;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "attacks.timeline[%zu].", i);
        cfg_set_prefix(c, prefix);
        bad |= attacks_configure_item(c, g, &p->items[p->nitems++]);
        bad |= attacks_unique_name(c, list, p, i);
    }
    cfg_set_prefix(c, "attacks.");
    return bad ? -1 : 0;
}

static const sim_param attacks_params_table[] = {
    SIM_P_LIST("timeline", attacks_timeline,
               "the attacks: [{type, name, at | rate, from, until, max, incident, confidence, "
               "detect, probe_rate, probe_for, and the keys of the type}]; see models/attacks.h"),
};

/* The machine an item describes (grover.h). */
static grover_machine attacks_machine(const attacks_item *a)
{
    grover_machine m = { a->cycle_s, a->code_distance, a->machines, grover_oracle_of(a->cipher) };
    return m;
}

/* Iterations of one search of item a on a bits-bit key, per machine: the
 * integer optimum (804 at k = 20, not floor(exp2(log2 804)) = 803) times
 * measure_at, at least 1. */
static double attacks_iterations(const attacks_item *a, double bits)
{
    double j = a->iter_count == ATTACKS_COUNT_SQRT_N
                   ? exp2(bits / 2.0 - log2(a->machines) / 2.0)
                   : grover_iterations(bits, a->machines);
    if (a->measure_at < 1.0)
        j = floor(j * a->measure_at);
    return j < 1 ? 1 : j;
}

/* One per-item metric: BASE.<item>, described as "<item>: " and the rest,
 * with its domain and the input keys that fix it (NULL: an outcome). */
static int attacks_item_metric(sim_t *sim, const attacks_item *a, const char *base,
                               const char *unit, double scale, stats_kind kind,
                               stats_domain domain, const char *keys, const char *fmt, ...)
{
    char name[64], what[160];
    snprintf(name, sizeof name, "%s.%s", base, a->name);
    int n = snprintf(what, sizeof what, "%s: ", a->name);
    if (n >= 0 && (size_t)n < sizeof what) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what + n, sizeof what - (size_t)n, fmt, ap);
        va_end(ap);
    }
    int id = sim_metric(sim, name, unit, scale, kind, what);
    if (id >= 0)
        sim_metric_domain(sim, id, domain, keys);
    return id;
}

/* Per timeline item: names from the scenario, Grover ones per Grover item. */
static void attacks_declare_items(sim_t *sim, void *state, const void *params)
{
    attacks_state *s = state;
    const attacks_params *p = params;
    for (int i = 0; i < p->nitems; i++) {
        const attacks_item *a = &p->items[i];
        char keys[96], keys_exp[96];
        s->m_item_detected[i] = attacks_item_metric(sim, a, "detected", "1", 1.0, STATS_TALLY,
                                                    STATS_PROPORTION, NULL,
                                                    "P(detected by the end of the run)");
        s->m_item_ttd[i] = attacks_item_metric(sim, a, "time_to_detect", "s", 1e-9, STATS_TALLY,
                                               STATS_TTE, NULL, "start to first detection");
        s->m_item_ttc[i] = attacks_item_metric(sim, a, "time_to_contain", "s", 1e-9,
                                               STATS_TALLY, STATS_TTE, NULL,
                                               "start to containment done");
        s->m_years[i] = s->m_years_exp[i] = s->m_log2[i] = s->m_item_won[i] = -1;
        s->m_search_years[i] = s->m_log2_depth[i] = s->m_maxdepth_ok[i] = s->m_qubits[i] = -1;
        s->m_simulable[i] = s->m_item_ttw[i] = -1;
        if (a->type == ATTACKS_CLASSICAL) {
            s->m_item_won[i] = attacks_item_metric(sim, a, "classical_won", "1", 1.0,
                                                   STATS_TALLY, STATS_PROPORTION, NULL,
                                                   "P(live key recovered by the end of the run)");
            s->m_item_ttw[i] = attacks_item_metric(sim, a, "classical_time_to_key", "s", 1e-9,
                                                   STATS_TALLY, STATS_TTE, NULL,
                                                   "start to the key found (censored at the end)");
            snprintf(keys, sizeof keys, "attacks.timeline.%d.key_bits, keys_per_s, devices", i);
            s->m_search_years[i] = attacks_item_metric(
                sim, a, "classical_full_search_s", "s", 1.0, STATS_VALUE, STATS_NONNEG, keys,
                "2^%lld keys / (keys_per_s x devices), analytic", (long long)a->key_bits);
            continue;
        }
        if (a->type != ATTACKS_GROVER)
            continue;
        /* One search beyond int64 nanoseconds (292 years) cannot happen in
         * any run: its figures are analytic only, and say so. */
        grover_machine gm = attacks_machine(a);
        double log2_s = grover_log2_search_s(&gm, (double)a->key_bits,
                                             attacks_iterations(a, (double)a->key_bits));
        const char *label = log2_s > log2((double)INT64_MAX * 1e-9)
                                ? "ANALYTIC: one search is beyond the simulable int64-ns range"
                                : "analytic";
        s->m_item_won[i] = attacks_item_metric(
            sim, a, "grover_won", "1", 1.0, STATS_TALLY, STATS_PROPORTION, NULL,
            "P(live key recovered by the end of the run; "
            "unfinished searches are censored in grover_time_to_win)");
        /* Closed forms of the item's key size and machine: inputs, not findings. */
        snprintf(keys, sizeof keys, "attacks.timeline.%d.key_bits, machine", i);
        s->m_years[i] = attacks_item_metric(sim, a, "grover_years_to_break", "years", 1.0,
                                            STATS_VALUE, STATS_NONNEG, keys,
                                            "expected years to recover its %lld-bit key (%s)",
                                            (long long)a->key_bits, label);
        snprintf(keys_exp, sizeof keys_exp, "attacks.timeline.%d.expanded_bits, machine", i);
        s->m_years_exp[i] = attacks_item_metric(
            sim, a, "grover_years_to_break_expanded", "years", 1.0, STATS_VALUE, STATS_NONNEG,
            keys_exp, "the same at %lld bits (key-space expansion; analytic)",
            (long long)a->expanded_bits);
        s->m_log2[i] = attacks_item_metric(sim, a, "grover_log2_iterations", "log2", 1.0,
                                           STATS_VALUE, STATS_NONNEG, keys,
                                           "log2 of the iterations of one search, per machine");
        s->m_search_years[i] = attacks_item_metric(sim, a, "grover_search_years", "years", 1.0,
                                                   STATS_VALUE, STATS_NONNEG, keys,
                                                   "years of one search on its machines (%s)",
                                                   label);
        s->m_log2_depth[i] = attacks_item_metric(
            sim, a, "grover_log2_depth", "log2", 1.0, STATS_VALUE, STATS_NONNEG, keys,
            "log2 of the sequential logical depth of one search");
        s->m_maxdepth_ok[i] = attacks_item_metric(
            sim, a, "grover_within_maxdepth", "1", 1.0, STATS_VALUE, STATS_NONNEG, keys,
            "1 if that depth is within NIST MAXDEPTH 2^%g", a->maxdepth_log2);
        s->m_qubits[i] = attacks_item_metric(sim, a, "grover_logical_qubits", "qubits", 1.0,
                                             STATS_VALUE, STATS_NONNEG, keys,
                                             "logical qubits of all its machines (0: no oracle)");
        s->m_simulable[i] = attacks_item_metric(
            sim, a, "grover_simulable", "1", 1.0, STATS_VALUE, STATS_NONNEG, keys,
            "1 if one search fits the int64-ns clock (else the years are analytic only)");
    }
}

#define ATTACKS_METRIC(field, name, unit, scale, kind, domain, what) \
    SIM_METRIC(attacks_state, field, name, unit, scale, kind, domain, NULL, what)

/* Detection and wins are 0/1 per attack; the times are times to events
 * that may not happen (attacks still undetected, uncontained or not won
 * at the end are censored there). */
static const sim_metric_spec attacks_metrics[] = {
    ATTACKS_METRIC(m_launched, "launched", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "attacks launched"),
    ATTACKS_METRIC(m_detected, "detected", "1", 1.0, STATS_TALLY, STATS_PROPORTION,
                   "per attack: detected by the end of the run"),
    ATTACKS_METRIC(m_ttd, "time_to_detect", "s", 1e-9, STATS_TALLY, STATS_TTE,
                   "attack start to the first detection reaching response"),
    ATTACKS_METRIC(m_ttc, "time_to_contain", "s", 1e-9, STATS_TALLY, STATS_TTE,
                   "attack start to containment done (response)"),
    ATTACKS_METRIC(m_won, "grover_won", "1", 1.0, STATS_TALLY, STATS_PROPORTION,
                   "per Grover attack (all entries): P(attacker recovers a live key)"),
    ATTACKS_METRIC(m_ttw, "grover_time_to_win", "s", 1e-9, STATS_TALLY, STATS_TTE,
                   "Grover attack start to recovering a live key"),
    ATTACKS_METRIC(m_measure, "grover_measurements", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "Grover searches measured"),
    ATTACKS_METRIC(m_dead, "grover_dead_keys", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "Grover searches that ended on a key rotated meanwhile"),
    { "{detected,time_to_detect,time_to_contain,grover_*}.<item>", "", 1.0, STATS_TALLY,
      STATS_PROPORTION, NULL,
      "per timeline item (Grover items also: grover_won, grover_years_to_break[_expanded], "
      "grover_search_years, grover_log2_iterations, grover_log2_depth, grover_within_maxdepth, "
      "grover_logical_qubits, grover_simulable; classical_search items: classical_won, "
      "classical_time_to_key, classical_full_search_s)", 0, NULL, NULL, attacks_declare_items },
    ATTACKS_METRIC(m_preventable, "preventable", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "attacks that could succeed within the run (docs/claims.md: threats "
                   "prevented)"),
    ATTACKS_METRIC(m_prevented, "prevented", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "preventable attacks detected and not successful by the end of the run"),
    ATTACKS_METRIC(m_succeeded, "succeeded", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "attacks successful by the end of the run: a key found (Grover, classical), "
                   "an item reconstructed (fragment theft), harvested data broken while secret"),
    ATTACKS_METRIC(m_hndl, "hndl_won", "1", 1.0, STATS_TALLY, STATS_PROPORTION,
                   "per harvest-now-decrypt-later attack: data broken while still secret"),
    ATTACKS_METRIC(m_agents, "agents_compromised", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "agent compromises sent to the agents model"),
    ATTACKS_METRIC(m_nodes, "nodes_taken", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "replicas turned Byzantine in the consensus model"),
    ATTACKS_METRIC(m_flood, "flood_requests", "1", 1.0, STATS_COUNT, STATS_NONNEG,
                   "auth requests sent by auth floods"),
};

static const sim_stream_spec attacks_streams[] = {
    SIM_STREAM(attacks_state, launch_rng, "launch"),
    SIM_STREAM(attacks_state, grover_rng, "grover"),
    SIM_STREAM(attacks_state, detect_rng, "detect"),
    SIM_STREAM(attacks_state, target_rng, "targets"),
    SIM_STREAM(attacks_state, flood_rng, "flood"),
};

static const sim_peer_spec attacks_peers[] = {
    SIM_PEER(attacks_state, canaries, "canaries"),
    SIM_PEER(attacks_state, fragments, "fragments"),
    SIM_PEER(attacks_state, agents, "agents"),
    SIM_PEER(attacks_state, consensus, "consensus"),
    SIM_PEER(attacks_state, auth, "auth"),
};

static const size_t attacks_buffers[] = {
    SIM_BUFFER(attacks_state, inst),
    SIM_BUFFER(attacks_state, owned),
};


/* ---- running ------------------------------------------------------------ */

static void attacks_schedule_launch(sim_t *sim, attacks_state *s, int item, int64_t after)
{
    const attacks_item *a = &s->p->items[item];
    int64_t at;
    if (!a->poisson) {
        at = a->at_ns;
    } else {
        if (a->max && s->launched[item] >= a->max)
            return;
        double gap = rng_exponential(s->launch_rng, 1e9 / a->rate_per_s);
        if (gap >= (double)(a->until_ns - after))
            return;
        at = after + (int64_t)llround(gap);
    }
    if (at < sim_end_time(sim) && at < a->until_ns)
        sim_schedule(sim, at, s->self, ATTACKS_EV_LAUNCH, (uint32_t)item);
}

static int attacks_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)e;
    attacks_state *s = state;
    const attacks_params *p = params;
    for (int i = 0; i < p->nitems; i++)
        attacks_schedule_launch(sim, s, i, p->items[i].from_ns);
    return 0;
}

static int64_t key_epoch(const attacks_item *a, int64_t t)
{
    return a->key_lifetime_ns > 0 ? t / a->key_lifetime_ns : 0;
}

/* Seconds of one search: Grover iterations x iteration time, or for the
 * classical baseline the position of the key in the space (uniform) over
 * the rate. */
static double attacks_search_s(attacks_state *s, const attacks_item *a, double bits, double j)
{
    if (a->type == ATTACKS_CLASSICAL)
        return gsl_rng_uniform(s->grover_rng) *
               grover_classical_full_s(bits, a->keys_per_s, a->devices);
    grover_machine m = attacks_machine(a);
    return exp2(grover_log2_search_s(&m, bits, j));
}

double attacks_years_to_break(const attacks_item *a, double bits)
{
    double j = attacks_iterations(a, bits);
    double p = grover_success(bits, a->machines, j);
    if (!(p > 0))
        return INFINITY;
    grover_machine m = attacks_machine(a);
    /* (one search) / P(success), restarting on failure; in logs. */
    return exp2(grover_log2_search_s(&m, bits, j) - log2(p) - log2(SECONDS_PER_YEAR));
}

double attacks_grover_iterations(const attacks_item *a, double bits)
{
    return attacks_iterations(a, bits);
}

static void grover_search(sim_t *sim, attacks_state *s, uint32_t id)
{
    attacks_instance *x = &s->inst[id];
    const attacks_item *a = &s->p->items[x->item];
    int64_t now = sim_now(sim);
    double bits = (double)a->key_bits;
    if (s->expanded_bits > a->key_bits)
        bits = (double)s->expanded_bits;
    double j = attacks_iterations(a, bits);
    x->search_start_ns = now;
    x->search_rotations = s->rotations;
    x->search_epoch = key_epoch(a, now);
    x->search_bits = bits;
    x->search_iterations = j;
    x->search_gen++;
    x->searching = 1;
    double secs = attacks_search_s(s, a, bits, j);
    /* Compared in seconds first: 2^64 iterations overflow int64 ns.  A
     * search beyond the run stays running: censored at the end. */
    if (secs * 1e9 >= (double)(sim_end_time(sim) - now))
        return;
    sim_event *ev = sim_schedule_in(sim, (int64_t)llround(secs * 1e9), s->self,
                                    ATTACKS_EV_MEASURE, id);
    ev->data.u32[0] = x->search_gen;
}

static void grover_measure(sim_t *sim, attacks_state *s, uint32_t id, uint32_t gen)
{
    attacks_instance *x = &s->inst[id];
    const attacks_item *a = &s->p->items[x->item];
    if (gen != x->search_gen || x->won)
        return; /* re-keyed meanwhile: that search was abandoned */
    int64_t now = sim_now(sim);
    x->measurements++;
    x->searching = 0;
    sim_count(sim, s->m_measure, 1);
    int live = x->search_rotations == s->rotations && x->search_epoch == key_epoch(a, now);
    int found = a->type == ATTACKS_CLASSICAL ||
                gsl_rng_uniform(s->grover_rng) <
                    grover_success(x->search_bits, a->machines, x->search_iterations);
    if (!live) {
        x->dead_keys++;
        sim_count(sim, s->m_dead, 1);
    } else if (found) {
        x->won = 1;
        x->won_ns = now;
        if (a->type == ATTACKS_CLASSICAL)
            sim_tally(sim, s->m_item_ttw[x->item], (double)(now - x->start_ns));
        else
            sim_tally(sim, s->m_ttw, (double)(now - x->start_ns));
        return;
    }
    if (a->restart)
        grover_search(sim, s, id);
}

/* A key-space expansion re-keys every live key (the runbook's response
 * does both at once): a running search targets a key that no longer
 * exists, so it starts over on the new size. */
static void attacks_rekey(sim_t *sim, attacks_state *s)
{
    for (size_t i = 0; i < s->ninst; i++) {
        attacks_instance *x = &s->inst[i];
        const attacks_item *a = &s->p->items[x->item];
        if ((a->type != ATTACKS_GROVER && a->type != ATTACKS_CLASSICAL) || x->won ||
            !x->searching)
            continue;
        x->dead_keys++;
        sim_count(sim, s->m_dead, 1);
        if (a->restart)
            grover_search(sim, s, (uint32_t)i);
        else
            x->searching = 0, x->search_gen++;
    }
}

static void attacks_own(sim_t *sim, attacks_state *s, uint32_t entity, uint32_t attack, int type)
{
    if (SIM_RESERVE(sim, s->owned, s->owned_cap, s->nowned + 1, 64) != 0)
        return;
    s->owned[s->nowned++] = (attacks_owned){entity, attack, (uint8_t)type};
}

/* Distinct targets: count draws from population (first: 0..count-1). */
static void attacks_pick(attacks_state *s, int64_t population, int64_t count, int random,
                         uint32_t *out)
{
    for (int64_t i = 0; i < count; i++) {
        if (!random) {
            out[i] = (uint32_t)i;
            continue;
        }
        uint32_t v;
        int dup;
        do {
            v = (uint32_t)gsl_rng_uniform_int(s->target_rng, (unsigned long)population);
            dup = 0;
            /* rejection is cheap while count << population; a dense draw
             * (count close to population) still terminates */
            for (int64_t j = 0; j < i && !dup; j++)
                dup = out[j] == v;
        } while (dup);
        out[i] = v;
    }
}

static void attacks_monitor(sim_t *sim, attacks_state *s, uint32_t id, uint32_t entity)
{
    const attacks_item *a = &s->p->items[s->inst[id].item];
    if (!a->has_detect || gsl_rng_uniform(s->detect_rng) >= a->detect_probability)
        return;
    int64_t d = dist_sample_ns(&a->detect_latency, s->detect_rng);
    sim_event *ev = sim_schedule_in(sim, d, s->self, ATTACKS_EV_MONITOR, id);
    ev->data.u32[0] = entity;
}

static void attacks_launch(sim_t *sim, attacks_state *s, int item)
{
    const attacks_item *a = &s->p->items[item];
    int64_t now = sim_now(sim);
    s->launched[item]++;
    if (a->poisson)
        attacks_schedule_launch(sim, s, item, now);
    if (SIM_RESERVE(sim, s->inst, s->cap, s->ninst + 1, 16) != 0)
        return;
    uint32_t id = (uint32_t)s->ninst++;
    attacks_instance *x = &s->inst[id];
    memset(x, 0, sizeof *x);
    x->start_ns = now;
    x->item = (uint16_t)item;
    sim_count(sim, s->m_launched, 1);
    unsigned flags = a->type == ATTACKS_GROVER ? RESPONSE_FLAG_GROVER : 0;
    if (a->probe_rate_per_s > 0 && s->canaries >= 0) {
        canaries_probe_msg m = { a->probe_rate_per_s, a->probe_for_ns, id, (uint16_t)a->incident,
                                 (uint16_t)flags };
        canaries_send_probe(sim, s->canaries, now, &m);
    }
    int per_entity = 0;
    switch (a->type) {
    case ATTACKS_GROVER:
    case ATTACKS_CLASSICAL:
        grover_search(sim, s, id);
        break;
    case ATTACKS_HNDL:
        sim_tally(sim, s->m_hndl, a->classical && a->break_after_ns < a->secrecy_ns ? 1.0 : 0.0);
        break;
    case ATTACKS_AGENT_COMPROMISE:
    case ATTACKS_BYZANTINE_TAKEOVER: {
        int agents = a->type == ATTACKS_AGENT_COMPROMISE;
        int peer = agents ? s->agents : s->consensus;
        if (peer < 0)
            break;
        uint32_t *targets = malloc((size_t)a->count * sizeof *targets);
        if (!targets) {
            sim_fail(sim, "attacks: out of memory");
            return;
        }
        attacks_pick(s, a->population, a->count, agents || a->random_placement, targets);
        for (int64_t i = 0; i < a->count; i++) {
            if (agents) {
                agents_send_compromise(sim, peer, now,
                                       &(agents_compromise_msg){ targets[i], id, a->shift });
                sim_count(sim, s->m_agents, 1);
            } else {
                consensus_set_behaviour_msg m = {
                    targets[i], (uint32_t)a->behaviour,
                    a->behaviour == CONSENSUS_DROP ? a->drop : a->hold_mean_ns
                };
                consensus_send_set_behaviour(sim, peer, now, &m);
                sim_count(sim, s->m_nodes, 1);
            }
            attacks_own(sim, s, targets[i], id, a->incident);
            attacks_monitor(sim, s, id, targets[i]);
        }
        free(targets);
        per_entity = 1;
        break;
    }
    case ATTACKS_FRAGMENT_THEFT:
        if (s->fragments >= 0) {
            fragments_theft_msg m = { a->capture_rate_per_s, a->length_ns, id };
            fragments_send_theft(sim, s->fragments, now, &m);
        }
        break;
    case ATTACKS_AUTH_FLOOD:
        if (s->auth >= 0) {
            x->flooding = 1;
            sim_schedule_in(sim, 0, s->self, ATTACKS_EV_FLOOD, id);
        }
        break;
    default:
        break;
    }
    if (!per_entity)
        attacks_monitor(sim, s, id, RESPONSE_NO_ENTITY);
}

static void attacks_flood(sim_t *sim, attacks_state *s, uint32_t id)
{
    attacks_instance *x = &s->inst[id];
    const attacks_item *a = &s->p->items[x->item];
    int64_t now = sim_now(sim);
    uint32_t who = (uint32_t)a->first_identity +
                   (uint32_t)gsl_rng_uniform_int(s->flood_rng, (unsigned long)a->identities);
    auth_send_request(sim, s->auth, now, &(auth_request_msg){ who });
    sim_count(sim, s->m_flood, 1);
    double gap = rng_exponential(s->flood_rng, 1e9 / a->flood_rate_per_s);
    int64_t at = sim_time_add(now, sim_ns(gap));
    if (at < x->start_ns + a->length_ns && at < sim_end_time(sim))
        sim_schedule(sim, at, s->self, ATTACKS_EV_FLOOD, id);
}

/* The attack behind a detection: the id when known, else the attack that
 * took over `entity` for a detector of `type`; UINT32_MAX when none. */
static uint32_t attacks_resolve(const attacks_state *s, uint32_t id, uint32_t entity, uint32_t type)
{
    if (id != RESPONSE_NO_ATTACK)
        return id < s->ninst ? id : UINT32_MAX;
    if (entity == RESPONSE_NO_ENTITY)
        return UINT32_MAX;
    for (size_t i = s->nowned; i-- > 0;)
        if (s->owned[i].entity == entity && s->owned[i].type == type)
            return s->owned[i].attack;
    return UINT32_MAX;
}

/* The instance a signal_attack event names, or NULL. */
static attacks_instance *attacks_signalled(attacks_state *s, const sim_event *ev)
{
    signal_attack m;
    sim_payload(ev, &m, sizeof m);
    uint32_t id = attacks_resolve(s, m.attack, m.entity, m.type);
    return id == UINT32_MAX ? NULL : &s->inst[id];
}

static void attacks_event(sim_t *sim, void *state, const sim_event *ev)
{
    attacks_state *s = state;
    int64_t now = sim_now(sim);
    switch (ev->kind) {
    case ATTACKS_EV_LAUNCH:
        attacks_launch(sim, s, (int)ev->target);
        break;
    case ATTACKS_EV_MEASURE:
        grover_measure(sim, s, ev->target, ev->data.u32[0]);
        break;
    case ATTACKS_EV_MONITOR: {
        const attacks_instance *x = &s->inst[ev->target];
        const attacks_item *a = &s->p->items[x->item];
        uint32_t entity = ev->data.u32[0];
        double conf = dist_sample(&a->confidence, s->detect_rng);
        /* Per-entity detections go out without the id, as the agents and
         * consensus detectors would send them (one incident per entity). */
        signal_detection d = {
            (uint32_t)a->incident, RESPONSE_SRC_MONITOR,
            a->type == ATTACKS_GROVER ? RESPONSE_FLAG_GROVER : 0,
            entity == RESPONSE_NO_ENTITY ? ev->target : RESPONSE_NO_ATTACK, entity, conf
        };
        sim_emit(sim, SIGNAL_DETECTION, &d);
        break;
    }
    case ATTACKS_EV_FLOOD:
        attacks_flood(sim, s, ev->target);
        break;
    case ATTACKS_EV_DETECTED: {
        attacks_instance *x = attacks_signalled(s, ev);
        if (x && !x->detected) {
            x->detected = 1;
            x->detected_ns = now;
            sim_tally(sim, s->m_ttd, (double)(now - x->start_ns));
            sim_tally(sim, s->m_item_ttd[x->item], (double)(now - x->start_ns));
        }
        break;
    }
    case ATTACKS_EV_CONTAINED: {
        attacks_instance *x = attacks_signalled(s, ev);
        if (x && !x->contained) {
            x->contained = 1;
            sim_tally(sim, s->m_ttc, (double)(now - x->start_ns));
            sim_tally(sim, s->m_item_ttc[x->item], (double)(now - x->start_ns));
        }
        break;
    }
    case ATTACKS_EV_WON: {
        /* A success another model saw (fragments: the theft reconstructed
         * an item): such an attack was not prevented. */
        attacks_instance *x = attacks_signalled(s, ev);
        if (x && !x->won) {
            x->won = 1;
            x->won_ns = now;
        }
        break;
    }
    case ATTACKS_EV_KEYS_ROTATED:
        s->rotations++;
        break;
    case ATTACKS_EV_KEYS_EXPANDED: {
        signal_keys_expanded m;
        sim_payload(ev, &m, sizeof m);
        if ((int64_t)m.bits > s->expanded_bits) {
            s->expanded_bits = (int64_t)m.bits;
            attacks_rekey(sim, s);
        }
        break;
    }
    default:
        sim_fail(sim, "attacks: unknown event kind %u", ev->kind);
    }
}

/* Whether attack x could succeed before the end of the run: a Grover
 * search shorter than what is left of the run (128-bit searches are not),
 * harvest-now-decrypt-later only against classical keys broken within the
 * secrecy time; every other attack can. */
static int attacks_preventable(const sim_t *sim, const attacks_instance *x, const attacks_item *a)
{
    switch (a->type) {
    case ATTACKS_GROVER: {
        grover_machine m = attacks_machine(a);
        double k = (double)a->key_bits;
        return grover_log2_search_s(&m, k, attacks_iterations(a, k)) <
               log2((double)(sim_end_time(sim) - x->start_ns) * 1e-9);
    }
    case ATTACKS_HNDL:
        return a->classical && a->break_after_ns < a->secrecy_ns;
    default:
        return 1;
    }
}

static void attacks_finish(sim_t *sim, void *state)
{
    attacks_state *s = state;
    const attacks_params *p = s->p;
    int64_t now = sim_now(sim);
    for (size_t i = 0; i < s->ninst; i++) {
        const attacks_instance *x = &s->inst[i];
        double waited = (double)(now - x->start_ns);
        if (!x->detected) {
            sim_tally_censored(sim, s->m_ttd, waited);
            sim_tally_censored(sim, s->m_item_ttd[x->item], waited);
        }
        if (!x->contained) {
            sim_tally_censored(sim, s->m_ttc, waited);
            sim_tally_censored(sim, s->m_item_ttc[x->item], waited);
        }
        if (p->items[x->item].type == ATTACKS_GROVER && !x->won)
            sim_tally_censored(sim, s->m_ttw, waited);
        if (p->items[x->item].type == ATTACKS_CLASSICAL) {
            if (!x->won)
                sim_tally_censored(sim, s->m_item_ttw[x->item], waited);
            sim_tally(sim, s->m_item_won[x->item], x->won ? 1.0 : 0.0);
        }
        sim_tally(sim, s->m_detected, x->detected ? 1.0 : 0.0);
        const attacks_item *it = &p->items[x->item];
        /* A preventable recorder always wins: its data outlive the key. */
        int able = attacks_preventable(sim, x, it);
        int won = x->won || (able && it->type == ATTACKS_HNDL);
        if (won)
            sim_count(sim, s->m_succeeded, 1);
        if (able) {
            sim_count(sim, s->m_preventable, 1);
            if (x->detected && !won)
                sim_count(sim, s->m_prevented, 1);
        }
        sim_tally(sim, s->m_item_detected[x->item], x->detected ? 1.0 : 0.0);
        if (p->items[x->item].type == ATTACKS_GROVER) {
            sim_tally(sim, s->m_won, x->won ? 1.0 : 0.0);
            sim_tally(sim, s->m_item_won[x->item], x->won ? 1.0 : 0.0);
        }
    }
    for (int i = 0; i < p->nitems; i++) {
        const attacks_item *a = &p->items[i];
        if (a->type == ATTACKS_CLASSICAL) {
            sim_set_value(sim, s->m_search_years[i],
                          grover_classical_full_s((double)a->key_bits, a->keys_per_s,
                                                  a->devices));
            continue;
        }
        if (a->type != ATTACKS_GROVER)
            continue;
        grover_machine gm = attacks_machine(a);
        double k = (double)a->key_bits, j = attacks_iterations(a, k);
        double log2_s = grover_log2_search_s(&gm, k, j);
        sim_set_value(sim, s->m_years[i], attacks_years_to_break(a, k));
        sim_set_value(sim, s->m_years_exp[i], attacks_years_to_break(a, (double)a->expanded_bits));
        sim_set_value(sim, s->m_log2[i], log2(j));
        sim_set_value(sim, s->m_search_years[i], exp2(log2_s - log2(SECONDS_PER_YEAR)));
        double log2_depth = grover_log2_depth(&gm, k, j);
        sim_set_value(sim, s->m_log2_depth[i], log2_depth);
        sim_set_value(sim, s->m_maxdepth_ok[i], log2_depth <= a->maxdepth_log2 ? 1.0 : 0.0);
        sim_set_value(sim, s->m_qubits[i], grover_qubits(&gm));
        sim_set_value(sim, s->m_simulable[i],
                      log2_s <= log2((double)INT64_MAX * 1e-9) ? 1.0 : 0.0);
    }
}

static const sim_subscription attacks_subscriptions[] = {
    { SIGNAL_ATTACK_DETECTED, ATTACKS_EV_DETECTED },
    { SIGNAL_CONTAINED, ATTACKS_EV_CONTAINED },
    { SIGNAL_KEYS_ROTATED, ATTACKS_EV_KEYS_ROTATED },
    { SIGNAL_KEYS_EXPANDED, ATTACKS_EV_KEYS_EXPANDED },
    { SIGNAL_ATTACK_WON, ATTACKS_EV_WON },
};

const sim_model attacks_model = {
    .name = "attacks",
    .summary = "attack timeline (Grover, HNDL, agent/node takeover, theft, recon, flood)",
    SIM_STATE(attacks_state),
    SIM_PARAMS(attacks_params, attacks_params_table),
    SIM_METRICS(attacks_metrics),
    SIM_STREAMS(attacks_streams),
    SIM_PEERS(attacks_peers),
    SIM_BUFFERS(attacks_buffers),
    .init = attacks_init,
    .event = attacks_event,
    .finish = attacks_finish,
    SIM_SUBSCRIBE(attacks_subscriptions),
};
