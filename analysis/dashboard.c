/* dashboard.c - the runbook's operational dashboard and executive report
 * from simulated values (see dashboard.h).
 *
 * Each figure is a `figure`: found by trying a NULL-terminated list of
 * candidate metrics in order; how a metric's summary becomes the figure
 * (its mean, a count from a 0/1 tally, the largest replication) is part of
 * the candidate.  A figure that no candidate gives stays absent and prints
 * as DASHBOARD_NA.  Counts "per 24 h" and "per 30 days" are scaled by the
 * simulated duration of one replication.
 */
#include "dashboard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figfmt.h"
#include "sink.h"

#define BOX_WIDTH 82   /* display columns between the two vertical bars */

typedef enum value_kind {
    VALUE_MEAN,        /* the summary's mean (with its CI) */
    VALUE_TALLY_COUNT, /* a 0/1 tally: observations that were 1, per replication */
    VALUE_TALLY_N,     /* a tally: observations per replication */
    VALUE_REP_MAX      /* the largest replication value */
} value_kind;

typedef struct candidate {
    const char *metric;
    value_kind kind;
    double scale;      /* multiplies the value (0 means 1) */
} candidate;

typedef struct figure {
    int present;
    double value, lo, hi;       /* lo/hi NaN when no CI applies */
    const char *metric;         /* the metric it came from */
    const char *unit;
} figure;

/* State of one render: the file, the point, and the sources log. */
typedef struct render {
    const resfile *r;
    size_t point;
    FILE *sources;              /* NULL: not logged */
    int *oom;                   /* set when a lookup ran out of memory */
} render;

static void log_source(render *d, const char *label, const char *from)
{
    if (d->sources)
        fprintf(d->sources, "%-34s <- %s\n", label, from);
}

static figure lookup(render *d, const char *label, const candidate *c)
{
    figure f = { 0, NAN, NAN, NAN, NULL, "" };
    for (; c->metric; c++) {
        const resfile_metric *m = resfile_metric_find(d->r, c->metric);
        const resfile_summary *s = resfile_summary_at(d->r, c->metric, d->point);
        if (!m || !s || !isfinite(s->mean))
            continue;
        double scale = c->scale != 0.0 ? c->scale : 1.0;
        double reps = s->replications ? (double)s->replications : 1.0;
        f.present = 1;
        f.metric = m->name;
        f.unit = m->units;
        switch (c->kind) {
        case VALUE_MEAN:
            f.value = s->mean * scale;
            f.lo = s->ci95_low * scale;
            f.hi = s->ci95_high * scale;
            break;
        case VALUE_TALLY_COUNT:
            f.value = s->mean * s->n / reps * scale;
            break;
        case VALUE_TALLY_N:
            f.value = s->n / reps * scale;
            break;
        case VALUE_REP_MAX:
            f.value = NAN;
            for (size_t i = 0; i < m->nreps; i++)
                if (m->reps[i].point == d->point &&
                    (isnan(f.value) || m->reps[i].value > f.value))
                    f.value = m->reps[i].value * scale;
            if (isnan(f.value))
                f.value = s->mean * scale;
            break;
        }
        if (label)
            log_source(d, label, m->name);
        return f;
    }
    if (label)
        log_source(d, label, "(no metric: " DASHBOARD_NA ")");
    return f;
}

/* A scenario parameter as a number (NaN when absent). */
static double param(render *d, const char *label, const char *path)
{
    char buf[128], *end;
    int rc = resfile_param(d->r, d->point, path, buf, sizeof buf);
    if (rc == -2)
        *d->oom = 1;
    if (rc)
        return NAN;
    double v = strtod(buf, &end);
    if (end == buf)
        return NAN;
    if (label) {
        char from[160];
        snprintf(from, sizeof from, "scenario parameter %s", path);
        log_source(d, label, from);
    }
    return v;
}

/* Seconds per replication (after warmup), NaN when unknown. */
static double run_seconds(const render *d)
{
    double s;
    if (resfile_duration(d->r, d->point, &s) == -2)
        *d->oom = 1;
    return s;
}

/* A figure's value per day: rates by their unit, counts by the run length. */
static double per_day(const render *d, const figure *f)
{
    if (!f->present)
        return NAN;
    const char *slash = strchr(f->unit, '/');
    if (slash) {
        double s = resfile_unit_seconds(slash + 1);
        return s > 0 ? f->value * 86400.0 / s : NAN;
    }
    double t = run_seconds(d);
    return t > 0 ? f->value * 86400.0 / t : NAN;
}

/* Formats v compactly: integers with thousands separators, else 3-4
 * significant digits. */
static void fmt_num(double v, char *buf, size_t size)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", DASHBOARD_NA);
        return;
    }
    double a = fabs(v);
    if (a >= 1000 && a < 1e15) {
        char digits[32], out[48];
        snprintf(digits, sizeof digits, "%.0f", a);
        size_t n = strlen(digits), k = 0;
        if (v < 0)
            out[k++] = '-';
        for (size_t i = 0; i < n; i++) {
            if (i && (n - i) % 3 == 0)
                out[k++] = ',';
            out[k++] = digits[i];
        }
        out[k] = '\0';
        snprintf(buf, size, "%s", out);
    } else if (a >= 100) {
        snprintf(buf, size, "%.0f", v);
    } else if (a >= 10) {
        snprintf(buf, size, "%.1f", v);
    } else if (a == 0) {
        snprintf(buf, size, "0");
    } else {
        snprintf(buf, size, "%.3g", v);
    }
}

/* A duration in seconds as "87.3 ms", "2.1 s", "3.4 h". */
static void fmt_time(double s, char *buf, size_t size)
{
    static const struct { double limit, div; const char *unit; } steps[] = {
        { 1e-3, 1e-6, "us" }, { 1.0, 1e-3, "ms" }, { 120.0, 1.0, "s" },
        { 7200.0, 60.0, "min" }, { 172800.0, 3600.0, "h" }, { INFINITY, 86400.0, "d" },
    };
    if (!isfinite(s)) {
        snprintf(buf, size, "%s", DASHBOARD_NA);
        return;
    }
    size_t i = 0;
    while (fabs(s) >= steps[i].limit)
        i++;
    char num[32];
    fmt_num(s / steps[i].div, num, sizeof num);
    snprintf(buf, size, "%s %s", num, steps[i].unit);
}

/* Display width of UTF-8 text (code points; the box characters and the
 * text used here are all one column wide). */
static size_t columns(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void box_rule(FILE *o, const char *left, const char *fill, const char *right)
{
    fputs(left, o);
    for (int i = 0; i < BOX_WIDTH; i++)
        fputs(fill, o);
    fputs(right, o);
    fputc('\n', o);
}

/* "║ text<pad> ║": text padded to the box width. */
static void box_text(FILE *o, const char *text)
{
    size_t w = columns(text);
    fprintf(o, "║ %s", text);
    for (size_t i = w + 2; i < BOX_WIDTH; i++)
        fputc(' ', o);
    fputs(" ║\n", o);
}

static void box_center(FILE *o, const char *text)
{
    char line[256];
    size_t w = columns(text), pad = w < BOX_WIDTH - 2 ? (BOX_WIDTH - 2 - w) / 2 : 0;
    snprintf(line, sizeof line, "%*s%s", (int)pad, "", text);
    box_text(o, line);
}

/* Two cells: left padded to 40 columns, a bar, then right. */
static void box_cells(FILE *o, const char *left, const char *right)
{
    char line[512];
    size_t w = columns(left);
    int pad = w < 40 ? (int)(40 - w) : 0;
    snprintf(line, sizeof line, "%s%*s │ %s", left, pad, "", right);
    box_text(o, line);
}

/* "active/total" for two figures, each possibly absent. */
static void fmt_ratio(double active, double total, char *buf, size_t size)
{
    char a[48], t[48];
    if (!isfinite(active) && !isfinite(total)) {
        snprintf(buf, size, "%s", DASHBOARD_NA);
        return;
    }
    if (isfinite(active))
        fmt_num(active, a, sizeof a);
    else
        snprintf(a, sizeof a, "n/a");
    if (isfinite(total))
        fmt_num(total, t, sizeof t);
    else
        snprintf(t, sizeof t, "n/a");
    snprintf(buf, size, "%s/%s", a, t);
}

/* With enough digits for a small value (figfmt.h): CPU 0.0017%, not 0.0%. */
static void fmt_percent(double fraction, int decimals, char *buf, size_t size)
{
    figfmt_percent(fraction, decimals, DASHBOARD_NA, buf, size);
}

/* The runbook's generate_bar, 24 cells wide. */
static void fmt_bar(double fraction, char *buf, size_t size)
{
    if (!isfinite(fraction)) {
        snprintf(buf, size, "%s", DASHBOARD_NA);
        return;
    }
    int cells = 24, filled = (int)(cells * fmin(fmax(fraction, 0.0), 1.0));
    size_t k = 0;
    char pct[48];
    fmt_percent(fraction, 1, pct, sizeof pct);
    k += (size_t)snprintf(buf + k, size - k, "[");
    for (int i = 0; i < cells && k + 4 < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s", i < filled ? "█" : "░");
    snprintf(buf + k, size - k, "] %6s", pct);
}

/* ---- the figures, each with its candidate metrics ---- */

/* Each list names metrics some model produces (test_analysis checks it
 * against every shipped scenario's catalog); a figure no model measures
 * has an empty list and shows n/a, said so in the sources. */
static const candidate c_availability[] = {
    { "consensus.availability", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_canaries_active[] = {
    { "canaries.active", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
/* The totals are parameters (canaries.count, agents.count), read from the
 * scenario when no metric gives them. */
static const candidate c_canaries_total[] = { { NULL, 0, 0 } };
static const candidate c_canary_health[] = { { NULL, 0, 0 } };
static const candidate c_agents_total[] = { { NULL, 0, 0 } };
static const candidate c_agents_unprotected[] = {
    { "agents.undetected_at_end", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_auth_rejected[] = {
    { "auth.rejected_fraction", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_consensus_live[] = {
    { "consensus.live_honest", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_detection_latency[] = {
    { "attacks.time_to_detect", VALUE_MEAN, 0 }, { "canaries.time_to_alert", VALUE_MEAN, 0 },
    { "canaries.time_to_first_trip", VALUE_MEAN, 0 },
    { "agents.time_to_detection", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_threats_detected[] = {
    { "attacks.detected", VALUE_TALLY_COUNT, 0 }, { "response.incidents", VALUE_MEAN, 0 },
    { "canaries.alerts", VALUE_MEAN, 0 }, { "agents.compromises_removed", VALUE_MEAN, 0 },
    { NULL, 0, 0 } };
static const candidate c_threats_launched[] = {
    { "attacks.launched", VALUE_MEAN, 0 }, { "attacks.detected", VALUE_TALLY_N, 0 },
    { NULL, 0, 0 } };
static const candidate c_grover_won[] = {
    { "attacks.grover_won", VALUE_TALLY_COUNT, 0 }, { NULL, 0, 0 } };
static const candidate c_prevented[] = {
    { "attacks.prevented", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_preventable[] = {
    { "attacks.preventable", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_hndl_won[] = {
    { "attacks.hndl_won", VALUE_TALLY_COUNT, 0 }, { NULL, 0, 0 } };
static const candidate c_fragments_won[] = {
    { "fragments.attacker_won", VALUE_TALLY_COUNT, 0 }, { NULL, 0, 0 } };
static const candidate c_succeeded[] = {
    { "attacks.succeeded", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_missed_compromises[] = {
    { "agents.missed_compromises", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_cpu[] = {
    { "consensus.cpu_utilisation", VALUE_MEAN, 0 }, { "auth.utilisation", VALUE_MEAN, 0 },
    { "mmc.utilisation", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
/* No model measures memory, network or disk use (yet). */
static const candidate c_memory[] = { { NULL, 0, 0 } };
static const candidate c_network[] = { { NULL, 0, 0 } };
static const candidate c_disk[] = { { NULL, 0, 0 } };
static const candidate c_incidents[] = {
    { "response.incidents", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_false_positives[] = {
    { "response.false_positives", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_agent_fp[] = {
    { "agents.false_positives_per_day", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_agent_flagged[] = {
    { "agents.flagged_per_day", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
static const candidate c_response_time[] = {
    { "response.total", VALUE_MEAN, 0 }, { "response.time_to_contain", VALUE_MEAN, 0 },
    { NULL, 0, 0 } };
static const candidate c_peak_load[] = {
    { "auth.throughput", VALUE_REP_MAX, 0 }, { "consensus.throughput", VALUE_REP_MAX, 0 },
    { "mmc.throughput", VALUE_REP_MAX, 0 }, { NULL, 0, 0 } };
static const candidate c_quantum_attacks[] = {
    { "response.incidents_quantum_attack", VALUE_MEAN, 0 }, { NULL, 0, 0 } };
/* The executive report's incidents by severity, most severe first. */
#define SEVERITY_CANDIDATES(sev)                                                   \
    { { "response.incidents_" sev, VALUE_MEAN, 0 }, { "escalation.level_" sev, VALUE_MEAN, 0 }, \
      { NULL, 0, 0 } }
static const candidate c_severity[4][3] = {
    SEVERITY_CANDIDATES("critical"), SEVERITY_CANDIDATES("high"),
    SEVERITY_CANDIDATES("medium"), SEVERITY_CANDIDATES("low"),
};
static const candidate c_transactions[] = {
    { "auth.served", VALUE_MEAN, 0 }, { "consensus.decisions", VALUE_MEAN, 0 },
    { NULL, 0, 0 } };

/* Alerts for the "recent alerts" panel, most severe first. */
typedef struct alert_kind {
    const char *level, *what;
    candidate c[3];
} alert_kind;

static const alert_kind alert_kinds[] = {
    { "CRIT", "consensus safety violations", { { "consensus.safety_violations", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "CRIT", "critical incidents", { { "response.incidents_critical", VALUE_MEAN, 0 }, { "escalation.level_critical", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "WARN", "high-severity incidents", { { "response.incidents_high", VALUE_MEAN, 0 }, { "escalation.level_high", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "WARN", "quantum probes caught by canaries", { { "canaries.alerts", VALUE_MEAN, 0 }, { "canaries.trips", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "WARN", "consensus outages", { { "consensus.outages", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "WARN", "consensus view changes", { { "consensus.view_changes", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "WARN", "auth requests rejected", { { "auth.rejected", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "INFO", "AI agent drift flagged", { { "agents.flagged_per_day", VALUE_MEAN, 0 }, { "agents.flagged", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "INFO", "medium/low incidents", { { "response.incidents_medium", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
    { "INFO", "false canary trips", { { "canaries.false_trips", VALUE_MEAN, 0 }, { NULL, 0, 0 } } },
};

size_t dashboard_metric_names(const char **names, size_t max)
{
    static const candidate *const lists[] = {
        c_availability, c_canaries_active, c_canaries_total, c_canary_health, c_agents_total,
        c_agents_unprotected, c_auth_rejected, c_consensus_live, c_detection_latency,
        c_threats_detected, c_threats_launched, c_grover_won, c_hndl_won, c_missed_compromises,
        c_prevented, c_preventable, c_fragments_won, c_succeeded,
        c_cpu, c_memory, c_network, c_disk, c_incidents, c_false_positives, c_agent_fp,
        c_agent_flagged, c_response_time, c_peak_load, c_quantum_attacks, c_transactions,
        c_severity[0], c_severity[1], c_severity[2], c_severity[3],
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        for (const candidate *c = lists[i]; c->metric; c++, n++)
            if (n < max)
                names[n] = c->metric;
    for (size_t i = 0; i < sizeof alert_kinds / sizeof alert_kinds[0]; i++)
        for (const candidate *c = alert_kinds[i].c; c->metric; c++, n++)
            if (n < max)
                names[n] = c->metric;
    return n;
}

/* Fraction of claims at this point that hold, as the system status. */
static void status_text(const render *d, char *buf, size_t size)
{
    size_t holds = 0, fails = 0, other = 0;
    for (size_t c = 0; c < d->r->nclaims; c++) {
        const char *v = resfile_claim_at(d->r, c, d->point)->verdict;
        if (!strcmp(v, "HOLDS"))
            holds++;
        else if (!strcmp(v, "FAILS"))
            fails++;
        else
            other++;
    }
    if (!d->r->nclaims)
        snprintf(buf, size, "no claims audited");
    else if (fails)
        snprintf(buf, size, "DEGRADED: %zu of %zu claims FAIL", fails, d->r->nclaims);
    else if (other)
        snprintf(buf, size, "UNDECIDED: %zu of %zu claims hold", holds, d->r->nclaims);
    else
        snprintf(buf, size, "OPERATIONAL: all %zu claims hold", d->r->nclaims);
}

/* Agents protected: the population less compromised agents still
 * undetected at the end of the run. */
static void agents_figures(render *d, double *active, double *total)
{
    figure t = lookup(d, "AI agents total", c_agents_total);
    *total = t.present ? t.value : param(d, "AI agents total", "agents.count");
    figure u = lookup(d, "AI agents protected", c_agents_unprotected);
    *active = u.present && isfinite(*total) ? *total - u.value : NAN;
}

/* canaries.active is the time-average of every canary deployed, the
 * reactive ones (response: reactive_canaries) included, so it is no
 * "active of total": it may exceed canaries.count, the standing ones.
 * Above the standing count it is shown as standing + reactive, at or
 * below it as deployed/standing: never a count above its total. */
static void canaries_figure(render *d, char *buf, size_t size)
{
    figure ca = lookup(d, "Canaries deployed (time-average)", c_canaries_active);
    figure ct = lookup(d, "Canaries standing", c_canaries_total);
    double standing = ct.present ? ct.value : param(d, "Canaries standing", "canaries.count");
    char a[48], b[48];
    if (!ca.present) {
        fmt_num(standing, a, sizeof a);
        snprintf(buf, size, isfinite(standing) ? "%s standing" : "%s", a);
        return;
    }
    if (!isfinite(standing)) {
        fmt_num(ca.value, a, sizeof a);
        snprintf(buf, size, "%s deployed", a);
        return;
    }
    if (ca.value <= standing) {
        fmt_ratio(ca.value, standing, buf, size);
        return;
    }
    log_source(d, "Canaries reactive", "canaries.active - canaries.count");
    fmt_num(standing, a, sizeof a);
    fmt_num(ca.value - standing, b, sizeof b);
    snprintf(buf, size, "%s +%s reactive", a, b);
}

static double threats_detected(render *d, const char *label, figure *src)
{
    *src = lookup(d, label, c_threats_detected);
    return src->present ? src->value : NAN;
}

static void render_alerts(render *d, FILE *o)
{
    int any_metric = 0, shown = 0;
    char line[256], num[48];
    for (size_t i = 0; i < sizeof alert_kinds / sizeof alert_kinds[0]; i++) {
        figure f = lookup(d, NULL, alert_kinds[i].c);
        if (!f.present)
            continue;
        any_metric = 1;
        double day = per_day(d, &f);
        if (!(day > 0))
            continue;
        log_source(d, alert_kinds[i].what, f.metric);
        fmt_num(day, num, sizeof num);
        snprintf(line, sizeof line, "[%s] %s per 24 h - %s (%s)", alert_kinds[i].level, num,
                 alert_kinds[i].what, f.metric);
        box_text(o, line);
        if (++shown == 6)
            break;
    }
    if (!any_metric)
        box_text(o, "Alerts: " DASHBOARD_NA);
    else if (!shown)
        box_text(o, "No alerts in the simulated period");
}

static int render_dashboard(render *d, FILE *o)
{
    const resfile *r = d->r;
    char a[600], b[160], x[256], y[96];

    box_rule(o, "╔", "═", "╗");
    box_center(o, "MWRASP QUANTUM DEFENSE SYSTEM");
    box_center(o, "OPERATIONAL DASHBOARD (simulated)");
    box_rule(o, "╠", "═", "╣");
    status_text(d, x, sizeof x);
    log_source(d, "System status", r->nclaims ? "/claims/table verdicts" : "(no claims)");
    figure avail = lookup(d, "Availability", c_availability);
    fmt_percent(avail.present ? avail.value : NAN, 4, y, sizeof y);
    snprintf(a, sizeof a, "STATUS: %s", x);
    snprintf(b, sizeof b, "AVAILABILITY: %s", y);
    box_cells(o, a, b);
    box_rule(o, "╠", "═", "╣");
    box_center(o, "CORE METRICS");
    box_rule(o, "╠", "─", "╣");

    canaries_figure(d, x, sizeof x);
    snprintf(a, sizeof a, "Quantum Canaries:    %s", x);
    figure ch = lookup(d, "Canary health", c_canary_health);
    fmt_percent(ch.present ? ch.value : NAN, 1, y, sizeof y);
    snprintf(b, sizeof b, "Health: %s", y);
    box_cells(o, a, b);

    double aactive, atotal;
    agents_figures(d, &aactive, &atotal);
    fmt_ratio(aactive, atotal, x, sizeof x);
    snprintf(a, sizeof a, "AI Agents Protected: %s", x);
    figure rej = lookup(d, "Auth rate", c_auth_rejected);
    fmt_percent(rej.present ? 1.0 - rej.value : NAN, 2, y, sizeof y);
    snprintf(b, sizeof b, "Auth Rate: %s", y);
    box_cells(o, a, b);

    figure live = lookup(d, "Consensus nodes active", c_consensus_live);
    double nodes = param(d, "Consensus nodes total", "consensus.nodes");
    fmt_ratio(live.present ? live.value : NAN, nodes, x, sizeof x);
    snprintf(a, sizeof a, "Consensus Nodes:     %s", x);
    /* BFT with n replicas tolerates f = floor((n - 1) / 3) Byzantine ones. */
    if (isfinite(nodes) && nodes >= 1) {
        double f = floor((nodes - 1) / 3);
        snprintf(y, sizeof y, "%.1f%% (f=%.0f)", 100.0 * f / nodes, f);
        log_source(d, "Byzantine tolerance", "floor((consensus.nodes - 1) / 3) / nodes");
    } else {
        snprintf(y, sizeof y, "%s", DASHBOARD_NA);
        log_source(d, "Byzantine tolerance", "(no consensus: " DASHBOARD_NA ")");
    }
    snprintf(b, sizeof b, "Byzantine: %s", y);
    box_cells(o, a, b);

    figure lat = lookup(d, "Threat detection latency", c_detection_latency);
    double secs = lat.present ? lat.value * resfile_unit_seconds(lat.unit) : NAN;
    fmt_time(lat.present && resfile_unit_seconds(lat.unit) > 0 ? secs : NAN, x, sizeof x);
    snprintf(a, sizeof a, "Threat Detection:    %s", x);
    figure det;
    double detected = threats_detected(d, "Threats detected", &det);
    double detected_day = det.present ? per_day(d, &det) : NAN;
    fmt_num(detected_day, y, sizeof y);
    snprintf(b, sizeof b, "Detected (24 h): %s", y);
    (void)detected;
    box_cells(o, a, b);

    box_rule(o, "╠", "─", "╣");
    box_center(o, "PERFORMANCE METRICS");
    box_rule(o, "╠", "─", "╣");
    static const struct { const char *label, *name; const candidate *c; } perf[] = {
        { "CPU Usage:    ", "CPU usage", c_cpu }, { "Memory Usage: ", "Memory usage", c_memory },
        { "Network I/O:  ", "Network I/O", c_network }, { "Disk I/O:     ", "Disk I/O", c_disk },
    };
    for (size_t i = 0; i < sizeof perf / sizeof perf[0]; i++) {
        figure f = lookup(d, perf[i].name, perf[i].c);
        fmt_bar(f.present ? f.value : NAN, x, sizeof x);
        snprintf(a, sizeof a, "%s %s%s%s", perf[i].label, x, f.present ? "  " : "",
                 f.present ? f.metric : "");
        box_text(o, a);
    }
    box_rule(o, "╠", "─", "╣");
    box_center(o, "RECENT ALERTS (simulated rates)");
    box_rule(o, "╠", "─", "╣");
    render_alerts(d, o);
    box_rule(o, "╠", "─", "╣");
    double t = run_seconds(d);
    char dur[48];
    fmt_time(t, dur, sizeof dur);
    snprintf(a, sizeof a, "Simulated: seed %llu, %llu replications x %s", (unsigned long long)r->seed,
             (unsigned long long)r->replications, dur);
    box_text(o, a);
    if (r->is_sweep) {
        char lab[400];
        resfile_point_label(r, d->point, lab, sizeof lab);
        snprintf(a, sizeof a, "Sweep point %zu: %s", d->point, lab);
        box_text(o, a);
    }
    box_rule(o, "╚", "═", "╝");
    return 0;
}

/* "value [lo, hi]" with the figure's unit. */
static void fmt_with_ci(const figure *f, double scale, const char *unit, char *buf, size_t size)
{
    char v[48], lo[48], hi[48];
    if (!f->present) {
        snprintf(buf, size, "%s", DASHBOARD_NA);
        return;
    }
    fmt_num(f->value * scale, v, sizeof v);
    if (isfinite(f->lo) && isfinite(f->hi)) {
        fmt_num(f->lo * scale, lo, sizeof lo);
        fmt_num(f->hi * scale, hi, sizeof hi);
        snprintf(buf, size, "%s%s (95%% CI %s to %s)", v, unit, lo, hi);
    } else {
        snprintf(buf, size, "%s%s", v, unit);
    }
}

static int render_executive(render *d, FILE *o)
{
    const resfile *r = d->r;
    char v[200], num[48], num2[48];
    double t = run_seconds(d), month = t > 0 ? 30.0 * 86400.0 / t : NAN;

    fprintf(o, "MWRASP QUANTUM DEFENSE SYSTEM\nMONTHLY OPERATIONAL REPORT (simulated)\n");
    fmt_time(t, num, sizeof num);
    fprintf(o, "Scenario %s, seed %llu, %llu replications of %s; counts scaled to 30 days\n",
            r->scenario, (unsigned long long)r->seed, (unsigned long long)r->replications, num);
    if (r->is_sweep) {
        char lab[400];
        resfile_point_label(r, d->point, lab, sizeof lab);
        fprintf(o, "Sweep point %zu: %s\n", d->point, lab);
    }
    fprintf(o, "\nEXECUTIVE SUMMARY\n================\n");
    figure avail = lookup(d, "System availability", c_availability);
    if (avail.present && isfinite(avail.lo) && isfinite(avail.hi)) {
        /* Four decimals at least: "99.99 %" targets need them. */
        char lo[48], hi[48];
        fmt_percent(avail.value, 4, v, sizeof v);
        fmt_percent(avail.lo, 4, lo, sizeof lo);
        fmt_percent(avail.hi, 4, hi, sizeof hi);
        fprintf(o, "System Availability: %s (95%% CI %s to %s; target 99.99%%)\n", v, lo, hi);
    } else {
        fmt_percent(avail.present ? avail.value : NAN, 4, v, sizeof v);
        fprintf(o, "System Availability: %s\n", v);
    }

    figure det;
    double detected = threats_detected(d, "Threats detected", &det);
    figure launched = lookup(d, "Threats launched", c_threats_launched);
    if (det.present) {
        fmt_num(detected * month, num, sizeof num);
        fmt_num(detected, num2, sizeof num2);
        fprintf(o, "Threats Detected: %s (%s per run, %s)\n", num, num2, det.metric);
    } else {
        fprintf(o, "Threats Detected: %s\n", DASHBOARD_NA);
    }
    /* Prevented: attacks launched less those that succeeded (a Grover or
     * harvest-now-decrypt-later attack that recovered a live key, a
     * fragment theft that reconstructed an item, an agent compromise never
     * detected). */
    figure gw = lookup(d, NULL, c_grover_won), hw = lookup(d, NULL, c_hndl_won);
    figure fw = lookup(d, NULL, c_fragments_won);
    figure missed = lookup(d, NULL, c_missed_compromises);
    figure prev = lookup(d, NULL, c_prevented), able = lookup(d, NULL, c_preventable);
    figure succ = lookup(d, NULL, c_succeeded);
    if (prev.present && able.present) {
        /* docs/claims.md "Threats prevented": detected, could have
         * succeeded within the run, and did not; so never above detected. */
        log_source(d, "Threats prevented", "attacks.prevented (of attacks.preventable)");
        fmt_num(prev.value * month, num, sizeof num);
        fmt_num(able.value * month, num2, sizeof num2);
        fprintf(o, "Threats Prevented: %s (of %s that could succeed within a run)\n", num,
                num2);
        if (succ.present) {
            log_source(d, "Threats succeeded", "attacks.succeeded");
            fmt_num(succ.value * month, num, sizeof num);
            fprintf(o, "Threats Succeeded: %s (keys found, fragment items reconstructed, "
                       "harvested data broken; attacks.succeeded)\n", num);
        }
    } else if (launched.present && (gw.present || hw.present || fw.present)) {
        double won = (gw.present ? gw.value : 0) + (hw.present ? hw.value : 0) +
                     (fw.present ? fw.value : 0);
        log_source(d, "Threats prevented",
                   "attacks.launched - grover_won - hndl_won - fragments.attacker_won");
        fmt_num((launched.value - won) * month, num, sizeof num);
        fmt_num(won * month, num2, sizeof num2);
        fprintf(o, "Threats Prevented: %s (successful attacks: %s)\n", num, num2);
    } else if (missed.present && det.present) {
        log_source(d, "Threats prevented", "threats detected; breaches = agents.missed_compromises");
        fmt_num(detected * month, num, sizeof num);
        fmt_num(missed.value * month, num2, sizeof num2);
        fprintf(o, "Threats Prevented: %s (compromises missed: %s)\n", num, num2);
    } else {
        log_source(d, "Threats prevented", "(no metric: " DASHBOARD_NA ")");
        fprintf(o, "Threats Prevented: %s\n", DASHBOARD_NA);
    }
    double aactive, atotal;
    agents_figures(d, &aactive, &atotal);
    fmt_ratio(aactive, atotal, v, sizeof v);
    fprintf(o, "AI Agents Protected: %s\n", v);
    fprintf(o, "Compliance Score: %s\n", DASHBOARD_NA);

    fprintf(o, "\nKEY FIGURES\n===========\n");
    figure qa = lookup(d, "Quantum attacks", c_quantum_attacks);
    fmt_num(qa.present ? qa.value * month : NAN, num, sizeof num);
    fprintf(o, "Quantum attacks detected: %s\n", num);
    figure tx = lookup(d, "Transactions protected", c_transactions);
    /* Per run, not scaled: a model may measure traffic over a window
     * shorter than the run (agents.auth_traffic_for). */
    fmt_num(tx.present ? tx.value : NAN, num, sizeof num);
    fprintf(o, "Transactions protected: %s%s%s%s\n", num, tx.present ? " per run - " : "",
            tx.present ? tx.metric : "", "");
    figure inc = lookup(d, "False-positive rate", c_incidents);
    figure fp = lookup(d, NULL, c_false_positives);
    double fpr = NAN;
    const char *fpr_from = NULL;
    if (inc.present && fp.present && inc.value > 0) {
        fpr = fp.value / inc.value;
        fpr_from = "response.false_positives / response.incidents";
    } else {
        figure afp = lookup(d, NULL, c_agent_fp), afl = lookup(d, NULL, c_agent_flagged);
        if (afp.present && afl.present && afl.value > 0) {
            fpr = afp.value / afl.value;
            fpr_from = "agents.false_positives_per_day / agents.flagged_per_day";
        }
    }
    if (fpr_from)
        log_source(d, "False-positive rate", fpr_from);
    fmt_percent(fpr, 2, v, sizeof v);
    fprintf(o, "False Positive Rate: %s%s%s\n", v, fpr_from ? " - " : "", fpr_from ? fpr_from : "");

    fprintf(o, "\nOPERATIONAL METRICS\n===================\n");
    figure rt = lookup(d, "Mean response time", c_response_time);
    double rts = rt.present ? resfile_unit_seconds(rt.unit) : 0;
    if (rts > 0) {
        figure ms = rt;
        ms.value *= rts * 1e3, ms.lo *= rts * 1e3, ms.hi *= rts * 1e3;
        fmt_with_ci(&ms, 1.0, " ms", v, sizeof v);
    } else {
        fmt_with_ci(&rt, 1.0, "", v, sizeof v);
    }
    fprintf(o, "Average Response Time: %s\n", v);
    figure peak = lookup(d, "Peak load", c_peak_load);
    fmt_num(peak.present ? peak.value : NAN, num, sizeof num);
    fprintf(o, "Peak Load Handled: %s%s%s%s\n", num, peak.present ? " " : "",
            peak.present ? peak.unit : "", peak.present ? " (largest replication)" : "");
    figure cpu = lookup(d, "Resource utilisation", c_cpu);
    fmt_percent(cpu.present ? cpu.value : NAN, 1, v, sizeof v);
    fprintf(o, "Resource Utilization: %s\n", v);
    fprintf(o, "Cost per Protected Agent: %s\n", DASHBOARD_NA);

    fprintf(o, "\nINCIDENTS (per 30 days)\n=======================\n");
    static const char *const sev[] = { "critical", "high", "medium", "low" };
    static const char *const sev_label[] = { "Critical", "High", "Medium", "Low" };
    for (int i = 0; i < 4; i++) {
        char label[64];
        snprintf(label, sizeof label, "Incidents %s", sev[i]);
        figure f = lookup(d, label, c_severity[i]);
        fmt_num(f.present ? f.value * month : NAN, num, sizeof num);
        fprintf(o, "%s: %s\n", sev_label[i], num);
    }
    return 0;
}

typedef int (*render_fn)(render *d, FILE *o);

static int render_to_string(const resfile *r, size_t point, render_fn fn, int sources, char **out)
{
    char *text = NULL, *src = NULL;
    size_t len = 0, slen = 0;
    *out = NULL;
    FILE *o = open_memstream(&text, &len);
    if (!o)
        return -1;
    int oom = 0;
    render d = { r, point < r->npoints ? point : 0, NULL, &oom };
    FILE *s = NULL;
    if (sources && !(d.sources = s = open_memstream(&src, &slen))) {
        fclose(o);
        free(text);
        return -1;
    }
    int rc = fn(&d, o);
    rc |= fclose(o) ? -1 : 0;
    rc |= oom ? -1 : 0;   /* a figure left out for lack of memory is a failure */
    if (s)
        rc |= fclose(s) ? -1 : 0;
    if (rc) {
        free(text);
        free(src);
        return -1;
    }
    if (sources) {
        free(text);
        *out = src;
    } else {
        *out = text;
    }
    /* Names from the file are printed as they are: no control character
     * (terminal escapes) may reach a terminal or dashboard.txt. */
    if (*out)
        sink_text(*out, 1, *out, strlen(*out) + 1);
    return 0;
}

int dashboard_render(const resfile *r, size_t point, char **out)
{
    return render_to_string(r, point, render_dashboard, 0, out);
}

int dashboard_executive(const resfile *r, size_t point, char **out)
{
    return render_to_string(r, point, render_executive, 0, out);
}

static int render_both(render *d, FILE *o)
{
    /* The text goes to o, which render_to_string discards. */
    return render_dashboard(d, o) | render_executive(d, o);
}

int dashboard_sources(const resfile *r, size_t point, char **out)
{
    if (render_to_string(r, point, render_both, 1, out))
        return -1;
    /* Drop repeated lines (figures shared by the two renders). */
    char *text = *out, *w = text;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        int seen = 0;
        for (char *p = text; p < w && !seen;) {
            char *pn = strchr(p, '\n');
            size_t plen = (size_t)(pn - p) + 1;
            seen = plen == len && !memcmp(p, line, len);
            p += plen;
        }
        if (!seen) {
            memmove(w, line, len);
            w += len;
        }
        line += len;
    }
    *w = '\0';
    return 0;
}
