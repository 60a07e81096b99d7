/* config.c - the consensus section of a scenario, the maintenance calendar
 * and the order-statistics helper (see consensus.h). */
#include "internal.h"
#include "cfg.h"
#include "modeltab.h"

#include <math.h>
#include <stdio.h>

static const char *const consensus_classes[C_COUNT] = {
    "request", "proposal", "vote", "view_change", "reply", "state_transfer"
};


static const char *const protocol_names[] = { "pbft", "hotstuff", "hotstuff_stable", NULL };
static const char *const behaviour_names[] = {
    "honest", "crash", "silent", "equivocate", "delay", "drop", NULL
};
static const char *const placement_names[] = { "first", "last", "random", NULL };
static const char *const maintenance_names[] = { "off", "rolling", "whole", NULL };
static const char *const weekday_names[] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", NULL
};

int64_t consensus_days_from_civil(int64_t y, int m, int d)
{
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t consensus_next_maintenance(const consensus_params *p, int64_t after_ns)
{
    const int64_t day_ns = 86400 * SIM_NS_PER_S;
    int64_t y;
    int m, d;
    int64_t day = p->start_day + (after_ns >= 0 ? after_ns / day_ns : 0);
    civil_from_days(day, &y, &m, &d);
    for (int k = 0; k < 3; k++) {
        int64_t first = consensus_days_from_civil(y, m, 1);
        int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
        int64_t target = first + (p->maintenance_weekday - wd + 7) % 7;
        int64_t t = (target - p->start_day) * day_ns + p->maintenance_start_ns;
        if (t > after_ns)
            return t;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return SIM_TIME_MAX;
}

double consensus_order_stat_exp(int m, int k)
{
    double h = 0.0;
    for (int j = 0; j < k; j++)
        h += 1.0 / (double)(m - j);
    return h;
}

/* faults: groups of replicas with a behaviour, a size (count or fraction
 * of nodes) and a start; placement (the row before) is their default. */
static int consensus_configure_faults(cfg_ctx *c, cfg_node *sec, void *params)
{
    consensus_params *p = params;
    int bad = 0;
    cfg_node *list = cfg_list(c, sec, "faults");
    if (!list)
        return bad;
    if (list->n > CONSENSUS_MAX_FAULTS) {
        cfg_error(c, list, "consensus.faults: at most %d groups", CONSENSUS_MAX_FAULTS);
        return -1;
    }
    int64_t total = 0;
    char saved[sizeof c->prefix];
    for (size_t i = 0; i < list->n; i++) {
        cfg_node *g = list->items[i];
        consensus_fault *fl = &p->faults[p->nfaults++];
        if (g->kind != CFG_MAP) {
            cfg_error(c, g, "consensus.faults: each group is a mapping like "
                      "{behaviour: silent, count: 1}");
            bad = -1;
            continue;
        }
        char item[48];
        snprintf(item, sizeof item, "faults[%zu]", i);
        cfg_prefix_enter(c, item, saved);
        bad |= cfg_require(c, g, "behaviour");
        bad |= cfg_enum(c, g, "behaviour", behaviour_names, 0, &fl->behaviour);
        double fraction = 0;
        int has_count = cfg_get(g, "count") != NULL, has_frac = cfg_get(g, "fraction") != NULL;
        bad |= cfg_int(c, g, "count", 0, 0, p->nodes, &fl->count);
        bad |= cfg_fraction(c, g, "fraction", 0.0, 0.0, 1.0, &fraction);
        if (has_count && has_frac) {
            cfg_error(c, g, "consensus.faults: give count or fraction, not both");
            bad = -1;
        } else if (has_frac) {
            /* Rounded down: "33%" of 127 is 41 replicas, within f = 42. */
            fl->count = (int64_t)floor(fraction * (double)p->nodes + 1e-9);
            /* A point labelled by a positive fraction must have a faulty
             * replica (issue 13: "10 %" of 4 nodes is none). */
            if (fraction > 0 && fl->count == 0) {
                cfg_error(c, cfg_get(g, "fraction"), "consensus.faults[%zu].fraction: %g of "
                          "%lld nodes is 0 replicas (rounded down); write count: 0 for none, "
                          "or the count you mean", i, fraction, (long long)p->nodes);
                bad = -1;
            }
        } else if (!has_count) {
            fl->count = 1;
        }
        bad |= cfg_enum(c, g, "placement", placement_names, p->placement, &fl->placement);
        bad |= cfg_duration(c, g, "start", 0, 0, INT64_MAX / 4, &fl->start_ns);
        dist_t hold = dist_exponential(10.0 * SIM_NS_PER_MS);
        bad |= cfg_dist(c, g, "hold", &hold, 1, &fl->hold);
        bad |= cfg_fraction(c, g, "drop", 0.5, 0.0, 1.0, &fl->drop);
        cfg_set_prefix(c, saved);
        total += fl->count;
    }
    if (total > p->nodes) {
        cfg_error(c, list, "consensus.faults: %lld faulty replicas but only %lld nodes",
                  (long long)total, (long long)p->nodes);
        bad = -1;
    }
    return bad;
}

/* availability: its rows are read here (each named by its whole path,
 * "consensus.availability.failures"), then the start date is parsed. */
static int consensus_configure_availability(cfg_ctx *c, cfg_node *sec, void *params)
{
    static const char *const keys[] = {
        "availability.failures", "availability.time_to_failure",
        "availability.time_to_repair", "availability.maintenance",
        "availability.maintenance_day", "availability.maintenance_start",
        "availability.maintenance_length", "availability.deadline",
    };
    consensus_params *p = params;
    cfg_node *a = cfg_section(c, sec, "availability");
    int bad = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        bad |= modeltab_get(c, a, &consensus_model, keys[k], p);
    const char *date = "2025-01-01";
    char saved[sizeof c->prefix];
    cfg_prefix_enter(c, "availability", saved);
    bad |= cfg_string(c, a, "start_date", "2025-01-01", &date);
    cfg_set_prefix(c, saved);
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (sscanf(date, "%d-%d-%d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31 || y < 1970 || y > 9999) {
        cfg_error(c, cfg_get(a, "start_date"), "consensus.availability.start_date: "
                  "expected a date like 2025-01-01, found '%s'", date);
        bad = -1;
    } else {
        p->start_day = consensus_days_from_civil(y, m, d);
    }
    return bad;
}

/* The default interval is exponential at request_rate. */
static int consensus_configure_interval(cfg_ctx *c, cfg_node *sec, void *params)
{
    consensus_params *p = params;
    p->has_interval = cfg_get(sec, "request_interval") != NULL;
    dist_t iv = dist_exponential(1e9 / p->request_rate_per_s);
    return cfg_dist(c, sec, "request_interval", &iv, 1, &p->request_interval);
}

/* network: the shared network layer's keys (models/network.h). */
static int consensus_configure_network(cfg_ctx *c, cfg_node *sec, void *params)
{
    consensus_params *p = params;
    cfg_node *net = cfg_section(c, sec, "network");
    char saved[sizeof c->prefix];
    cfg_prefix_enter(c, "network", saved);
    int bad = network_configure(c, net, consensus_classes, C_COUNT, &p->net);
    cfg_set_prefix(c, saved);
    return bad;
}

#define CP consensus_params
const sim_param cs_params[CS_NPARAMS] = {
    SIM_P_ENUM("protocol", CP, protocol, protocol_names, CONSENSUS_PBFT, "pbft, hotstuff (leader rotates every view, pacemaker) or hotstuff_stable (leader changes on timeout only)"),
    SIM_P_INT("nodes", CP, nodes, 4, 4, CONSENSUS_MAX_NODES, "replicas",
              "n replicas; f = (n - 1) / 3 faults tolerated"),
    SIM_P_BOOL("traffic", CP, traffic, 1, "generate client requests"),
    SIM_P_RATE("request_rate", CP, request_rate_per_s, 10.0, 1e-9, 1e9,
               "client requests (Poisson unless request_interval is given)"),
    { .key = "request_interval", .type = SIM_PARAM_TIME_DIST,
      .offset = offsetof(CP, request_interval), .dist = { DIST_EXPONENTIAL, 1e8, 0 },
      .unit = "distribution", .hook = consensus_configure_interval,
      .help = "time between requests; default exponential with mean 1 / request_rate" },
    SIM_P_INT("requests", CP, max_requests, 0, 0, INT64_C(1) << 31, "requests",
              "stop after this many requests, 0 = no limit"),
    SIM_P_INT("batch_size", CP, batch_size, 1, 1, 1000000, "requests",
              "requests per proposal"),
    SIM_P_DURATION("batch_timeout", CP, batch_timeout_ns, 0, 0, 3600 * SIM_NS_PER_S,
                   "longest wait for a full batch"),
    SIM_P_INT("window", CP, window, 10, 1, CONSENSUS_MAX_WINDOW, "seqs",
              "proposals in flight"),
    /* 128: Castro's BFT library (parameters.h, checkpoint_interval). */
    SIM_P_INT("checkpoint_interval", CP, checkpoint_interval, 128, 1, INT64_C(1) << 30, "seqs",
              "PBFT seqs per checkpoint: a VIEW-CHANGE carries the prepared certificates "
              "above the last stable one"),
    SIM_P_FRACTION("view_change_confidence", CP, view_change_confidence, 0.7, 0.0, 1.0,
                   "confidence reported to response with each view change"),
    SIM_P_DURATION("view_timeout", CP, view_timeout_ns, 500 * SIM_NS_PER_MS, SIM_NS_PER_US,
                   3600 * SIM_NS_PER_S, "view-change timeout"),
    SIM_P_INT("cores", CP, cores, 1, 1, CONSENSUS_MAX_CORES, "cores",
              "CPU cores per replica: messages queue FIFO and each signature check runs on "
              "the first free core (runbook L952 parallel_validations)"),
    SIM_P_TIME_DIST("sign", CP, sign_ns, DIST_CONSTANT, 0.0, 0, "CPU time to sign a message"),
    SIM_P_TIME_DIST("verify", CP, verify_ns, DIST_CONSTANT, 0.0, 0,
                    "CPU time to verify a signature"),
    SIM_P_BOOL("aggregate_votes", CP, aggregate_votes, 0,
               "votes carry one aggregate signature"),
    SIM_P_SIZE("header_size", CP, header_bytes, 128, 0, 1 << 20, "message header"),
    SIM_P_SIZE("signature_size", CP, signature_bytes, 3309, 0, 1 << 20,
               "one signature (ML-DSA-65: 3309 B)"),
    SIM_P_SIZE("request_size", CP, request_bytes, 512, 0, 1 << 24, "one client request"),
    SIM_P_SIZE("reply_size", CP, reply_bytes, 64, 0, 1 << 24, "one reply"),
    SIM_P_LIST("network", consensus_configure_network,
               "delay, class_delay, bandwidth_mbps, loss, regions, partitions: "
               "see models/network.h"),
    SIM_P_ENUM("placement", CP, placement, placement_names, 0,
               "where fault groups sit by default: first, last or random ids"),
    SIM_P_LIST("faults", consensus_configure_faults,
               "[{behaviour, count | fraction, placement, start, hold, drop}]: "
               "see models/consensus.h"),
    SIM_P_LIST("availability", consensus_configure_availability,
               "failures, repairs and maintenance windows (the rows below); start_date "
               "(default 2025-01-01) is the civil date of time 0"),
    { .key = "availability.failures", .type = SIM_PARAM_BOOL, .offset = offsetof(CP, failures),
      .idef = 0, .unit = "bool", .custom = 1, .help = "replicas fail and are repaired" },
    { .key = "availability.time_to_failure", .type = SIM_PARAM_TIME_DIST,
      .offset = offsetof(CP, time_to_failure),
      .dist = { DIST_EXPONENTIAL, 30.0 * 86400 * SIM_NS_PER_S, 0 }, .unit = "distribution",
      .custom = 1, .help = "time a replica runs between failures" },
    { .key = "availability.time_to_repair", .type = SIM_PARAM_TIME_DIST,
      .offset = offsetof(CP, time_to_repair),
      .dist = { DIST_EXPONENTIAL, 4.0 * 3600 * SIM_NS_PER_S, 0 }, .unit = "distribution",
      .custom = 1, .help = "time to repair a failed replica" },
    { .key = "availability.maintenance", .type = SIM_PARAM_ENUM,
      .offset = offsetof(CP, maintenance), .idef = 0, .names = maintenance_names,
      .unit = "enum", .custom = 1,
      .help = "monthly window: off, rolling (one replica at a time) or whole" },
    { .key = "availability.maintenance_day", .type = SIM_PARAM_ENUM,
      .offset = offsetof(CP, maintenance_weekday), .idef = 0, .names = weekday_names,
      .unit = "enum", .custom = 1, .help = "first such weekday of each month" },
    { .key = "availability.maintenance_start", .type = SIM_PARAM_DURATION,
      .offset = offsetof(CP, maintenance_start_ns), .idef = 2 * 3600 * SIM_NS_PER_S,
      .imin = 0, .imax = 86400 * SIM_NS_PER_S - 1, .unit = "duration", .custom = 1,
      .help = "time of day the window opens" },
    { .key = "availability.maintenance_length", .type = SIM_PARAM_DURATION,
      .offset = offsetof(CP, maintenance_length_ns), .idef = 4 * 3600 * SIM_NS_PER_S,
      .imin = 1, .imax = 7 * 86400 * SIM_NS_PER_S, .unit = "duration", .custom = 1,
      .help = "length of the window" },
    { .key = "availability.deadline", .type = SIM_PARAM_DURATION,
      .offset = offsetof(CP, deadline_ns), .idef = SIM_NS_PER_S,
      .imin = 1, .imax = INT64_MAX / 4, .unit = "duration", .custom = 1,
      .help = "the SLO: with traffic, availability is the fraction of requests committed "
              "within it" },
};
#undef CP

/* What the table cannot say: f and the quorum from n, published for the
 * attacks model (configured later), which targets these replicas. */
int cs_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    (void)sec;
    consensus_params *p = params;
    cfg_publish(c, "consensus.nodes", p->nodes);
    p->f = (p->nodes - 1) / 3;
    p->quorum = (p->nodes + p->f + 2) / 2; /* ceil((n + f + 1) / 2) */
    return 0;
}
