/* config.c - the consensus section of a scenario, the maintenance calendar
 * and the order-statistics helper (see consensus.h). */
#include "internal.h"
#include "cfg.h"

#include <math.h>
#include <stdio.h>

static const char *const consensus_classes[C_COUNT] = {
    "request", "proposal", "vote", "view_change", "reply"
};


static const char *const protocol_names[] = { "pbft", "hotstuff", NULL };
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

static int consensus_configure_faults(cfg_ctx *c, cfg_node *sec, consensus_params *p)
{
    int bad = 0;
    bad |= cfg_enum(c, sec, "placement", placement_names, 0, &p->placement);
    cfg_node *list = cfg_list(c, sec, "faults");
    if (!list)
        return bad;
    if (list->n > CONSENSUS_MAX_FAULTS) {
        cfg_error(c, list, "consensus.faults: at most %d groups", CONSENSUS_MAX_FAULTS);
        return -1;
    }
    int64_t total = 0;
    for (size_t i = 0; i < list->n; i++) {
        cfg_node *g = list->items[i];
        consensus_fault *fl = &p->faults[p->nfaults++];
        if (g->kind != CFG_MAP) {
            cfg_error(c, g, "consensus.faults: each group is a mapping like "
                      "{behaviour: silent, count: 1}");
            bad = -1;
            continue;
        }
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
        } else if (!has_count) {
            fl->count = 1;
        }
        bad |= cfg_enum(c, g, "placement", placement_names, p->placement, &fl->placement);
        bad |= cfg_duration(c, g, "start", 0, 0, INT64_MAX / 4, &fl->start_ns);
        dist_t hold = dist_exponential(10.0 * SIM_NS_PER_MS);
        bad |= cfg_dist(c, g, "hold", &hold, 1, &fl->hold);
        bad |= cfg_fraction(c, g, "drop", 0.5, 0.0, 1.0, &fl->drop);
        total += fl->count;
    }
    if (total > p->nodes) {
        cfg_error(c, list, "consensus.faults: %lld faulty replicas but only %lld nodes",
                  (long long)total, (long long)p->nodes);
        bad = -1;
    }
    return bad;
}

static int consensus_configure_availability(cfg_ctx *c, cfg_node *sec,
                                            consensus_params *p)
{
    cfg_node *a = cfg_section(c, sec, "availability");
    int bad = 0;
    dist_t ttf = dist_exponential(30.0 * 86400 * SIM_NS_PER_S);
    dist_t ttr = dist_exponential(4.0 * 3600 * SIM_NS_PER_S);
    bad |= cfg_bool(c, a, "failures", 0, &p->failures);
    /* The SLO: a request is served when it commits within the deadline. */
    bad |= cfg_duration(c, a, "deadline", SIM_NS_PER_S, 1, INT64_MAX / 4, &p->deadline_ns);
    bad |= cfg_dist(c, a, "time_to_failure", &ttf, 1, &p->time_to_failure);
    bad |= cfg_dist(c, a, "time_to_repair", &ttr, 1, &p->time_to_repair);
    bad |= cfg_enum(c, a, "maintenance", maintenance_names, 0, &p->maintenance);
    bad |= cfg_enum(c, a, "maintenance_day", weekday_names, 0, &p->maintenance_weekday);
    bad |= cfg_duration(c, a, "maintenance_start", 2 * 3600 * SIM_NS_PER_S, 0,
                        86400 * SIM_NS_PER_S - 1, &p->maintenance_start_ns);
    bad |= cfg_duration(c, a, "maintenance_length", 4 * 3600 * SIM_NS_PER_S, 1,
                        7 * 86400 * SIM_NS_PER_S, &p->maintenance_length_ns);
    const char *date = "2025-01-01";
    bad |= cfg_string(c, a, "start_date", "2025-01-01", &date);
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

int cs_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    consensus_params *p = params;
    int bad = 0;
    bad |= cfg_enum(c, sec, "protocol", protocol_names, CONSENSUS_PBFT, &p->protocol);
    bad |= cfg_int(c, sec, "nodes", 4, 4, CONSENSUS_MAX_NODES, &p->nodes);
    cfg_publish(c, "consensus.nodes", p->nodes);   /* attacks target these replicas */
    p->f = (p->nodes - 1) / 3;
    p->quorum = (p->nodes + p->f + 2) / 2; /* ceil((n + f + 1) / 2) */
    bad |= cfg_bool(c, sec, "traffic", 1, &p->traffic);
    bad |= cfg_rate(c, sec, "request_rate", 10.0, 1e-9, 1e9, &p->request_rate_per_s);
    p->has_interval = cfg_get(sec, "request_interval") != NULL;
    dist_t iv = dist_exponential(1e9 / p->request_rate_per_s);
    bad |= cfg_dist(c, sec, "request_interval", &iv, 1, &p->request_interval);
    bad |= cfg_int(c, sec, "requests", 0, 0, INT64_C(1) << 31, &p->max_requests);
    bad |= cfg_int(c, sec, "batch_size", 1, 1, 1000000, &p->batch_size);
    bad |= cfg_duration(c, sec, "batch_timeout", 0, 0, 3600 * SIM_NS_PER_S,
                        &p->batch_timeout_ns);
    bad |= cfg_int(c, sec, "window", 10, 1, CONSENSUS_MAX_WINDOW, &p->window);
    /* 128: Castro's BFT library (parameters.h, checkpoint_interval). */
    bad |= cfg_int(c, sec, "checkpoint_interval", 128, 1, INT64_C(1) << 30,
                   &p->checkpoint_interval);
    bad |= cfg_fraction(c, sec, "view_change_confidence", 0.7, 0.0, 1.0,
                        &p->view_change_confidence);
    bad |= cfg_duration(c, sec, "view_timeout", 500 * SIM_NS_PER_MS, SIM_NS_PER_US,
                        3600 * SIM_NS_PER_S, &p->view_timeout_ns);
    dist_t zero = dist_constant(0.0);
    bad |= cfg_dist(c, sec, "sign", &zero, 1, &p->sign_ns);
    bad |= cfg_dist(c, sec, "verify", &zero, 1, &p->verify_ns);
    bad |= cfg_bool(c, sec, "aggregate_votes", 0, &p->aggregate_votes);
    bad |= cfg_size(c, sec, "header_size", 128, 0, 1 << 20, &p->header_bytes);
    bad |= cfg_size(c, sec, "signature_size", 3309, 0, 1 << 20, &p->signature_bytes);
    bad |= cfg_size(c, sec, "request_size", 512, 0, 1 << 24, &p->request_bytes);
    bad |= cfg_size(c, sec, "reply_size", 64, 0, 1 << 24, &p->reply_bytes);
    cfg_node *net = cfg_section(c, sec, "network");
    bad |= network_configure(c, net, consensus_classes, C_COUNT, &p->net);
    bad |= consensus_configure_faults(c, sec, p);
    bad |= consensus_configure_availability(c, sec, p);
    return bad ? -1 : 0;
}

