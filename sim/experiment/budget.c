/* budget.c - run cost estimates and budgets (see budget.h).
 *
 * Memory of a run = the program itself + the replications in flight
 * (threads of them, each the
 * sum of its models' estimates plus the engine's own) + the results kept
 * for the file (every replication's per-metric row, held three times: the
 * campaign store, the assembled results and the file image) + the
 * expanded sweep points (each a parsed copy of the scenario).
 */
#include "budget.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "stats.h"

/* Bytes of one calendar entry plus its pooled event (sim.h). */
#define BUDGET_EVENT_BYTES 56.0
/* The engine's own memory per replication: calendar tiers, streams, metric
 * accumulators (measured: about 1 MB for the small shipped scenarios). */
#define BUDGET_ENGINE_BYTES (1024.0 * 1024.0)
/* A parsed scenario node (cfg_node, its key and text). */
#define BUDGET_NODE_BYTES 200.0
/* The program itself: libraries (HDF5, GSL, OpenMP), stacks (measured:
 * 16 MB peak for mm1 with one replication). */
#define BUDGET_PROCESS_BYTES (32.0 * 1024.0 * 1024.0)

static double budget_read_cgroup(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[64] = "";
    double v = 0;
    if (fgets(buf, sizeof buf, f) && strncmp(buf, "max", 3) != 0)
        v = strtod(buf, NULL);
    fclose(f);
    return v;
}

/* memory.max of this process's cgroup (v2), 0 when none or unlimited. */
static double budget_cgroup_limit(void)
{
    double v = budget_read_cgroup("/sys/fs/cgroup/memory.max");
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "0::", 3) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        char path[1200];
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", line + 3);
        double w = budget_read_cgroup(path);
        if (w > 0 && (v <= 0 || w < v))
            v = w;
    }
    if (f)
        fclose(f);
    return v;
}

double budget_default_memory(const char **source)
{
    double limit = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    const char *from = "physical memory";
    if (!(limit > 0))
        limit = 4.0 * 1024 * 1024 * 1024, from = "an assumed 4 GiB";
    double cg = budget_cgroup_limit();
    if (cg > 0 && cg < limit)
        limit = cg, from = "the cgroup's memory.max";
    static const struct { int res; const char *name; } rl[] = {
        { RLIMIT_AS, "RLIMIT_AS (ulimit -v)" }, { RLIMIT_DATA, "RLIMIT_DATA (ulimit -d)" },
    };
    for (size_t i = 0; i < sizeof rl / sizeof rl[0]; i++) {
        struct rlimit r;
        if (getrlimit(rl[i].res, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
            (double)r.rlim_cur < limit)
            limit = (double)r.rlim_cur, from = rl[i].name;
    }
    if (source)
        *source = from;
    return 0.75 * limit;
}

void budget_format_bytes(double b, char *buf, size_t size)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
    size_t u = 0;
    while (b >= 1000 && u + 1 < sizeof units / sizeof units[0])
        b /= 1000, u++;
    snprintf(buf, size, b < 10 && u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

/* The next whole number of GB (or MB) above b, as an option value. */
static void budget_format_option(double b, char *buf, size_t size)
{
    if (b >= 1e9)
        snprintf(buf, size, "%.0fGB", ceil(b / 1e9));
    else
        snprintf(buf, size, "%.0fMB", ceil(b / 1e6));
}

static size_t budget_count_nodes(const cfg_node *n)
{
    size_t k = 1;
    for (size_t i = 0; n && i < n->n; i++)
        k += budget_count_nodes(n->items[i]);
    return k;
}

typedef struct budget_rep {
    double bytes, events, metrics;
    const char *bytes_driver, *events_driver;
} budget_rep;

static int budget_active(const void *ctx, const char *model)
{
    const scenario_t *sc = ctx;
    for (size_t i = 0; i < sc->nmodels; i++)
        if (!strcmp(sc->models[i]->name, model))
            return sc->params[i] != NULL;
    return 0;
}

/* One replication of scenario sc. */
static budget_rep budget_replication(const scenario_t *sc)
{
    budget_rep r = { BUDGET_ENGINE_BYTES, 0, 0, NULL, NULL };
    double horizon_s = (double)(sc->warmup_ns + sc->duration_ns) * 1e-9;
    double worst_bytes = -1, worst_events = -1;
    for (size_t i = 0; i < sc->nmodels; i++) {
        if (!sc->params[i])
            continue;
        /* Defaults: a small model, with the metrics its table declares. */
        sim_estimate m = { horizon_s, budget_active, sc, 64.0 * 1024, 64, 0, 0, 0, 0, NULL };
        sim_model_metric_count(sc->models[i], &m.metrics, &m.tallies);
        if (sc->models[i]->estimate)
            sc->models[i]->estimate(sc->params[i], &m);
        double events = m.init_events + m.events_per_s * horizon_s;
        /* A tally keeps at most quantile_samples values (stats.h). */
        double samples = fmin((double)sc->quantile_samples, events);
        double bytes = m.state_bytes + m.pending_events * BUDGET_EVENT_BYTES +
                       m.tallies * samples * 8.0 +
                       (double)sc->models[i]->state_size + (double)sc->models[i]->params_size;
        r.bytes += bytes;
        r.events += events;
        r.metrics += m.metrics;
        if (bytes > worst_bytes)
            worst_bytes = bytes, r.bytes_driver = m.driver;
        if (events > worst_events)
            worst_events = events, r.events_driver = m.driver;
    }
    return r;
}

void budget_estimate_run(const scenario_t *base, scenario_t *const *points, size_t npoints,
                         int threads, double max_replications, budget_estimate *out)
{
    memset(out, 0, sizeof *out);
    double reps = max_replications > (double)base->replications ? max_replications
                                                                : (double)base->replications;
    out->replications = reps;
    double metrics = 0;
    for (size_t p = 0; p < (points ? npoints : 1); p++) {
        budget_rep r = budget_replication(points ? points[p] : base);
        if (r.bytes > out->rep_bytes) {
            out->rep_bytes = r.bytes;
            out->rep_driver = r.bytes_driver;
        }
        if (r.events > out->rep_events) {
            out->rep_events = r.events;
            out->events_driver = r.events_driver;
        }
        metrics = fmax(metrics, r.metrics);
        out->events += reps * r.events * (points ? 1.0 : (double)npoints);
    }
    double tasks = reps * (double)npoints;
    size_t t = threads > 0 ? (size_t)threads : 1;
    out->concurrent = (double)t < tasks ? t : (size_t)fmax(1, tasks);
    out->results_bytes = 3.0 * tasks * metrics * (double)sizeof(stats_rep);
    if (npoints > 1) {
        double per_point = (double)base->doc->text_len +
                           BUDGET_NODE_BYTES * (double)budget_count_nodes(base->doc->root);
        for (size_t i = 0; i < base->nmodels; i++)
            if (base->params[i])
                per_point += (double)base->models[i]->params_size;
        out->points_bytes = (double)npoints * per_point;
    }
    out->bytes = BUDGET_PROCESS_BYTES + (double)out->concurrent * out->rep_bytes +
                 out->results_bytes + out->points_bytes;
}

/* Sets e at path's node, or at its section when the key is left at its
 * default, or at the file. */
static int budget_refuse(const scenario_t *sc, const char *path, err_t *e, const char *msg)
{
    const cfg_node *n = path ? scenario_node(sc, path) : NULL;
    if (!n && path && !strcmp(path, "sweep"))
        return err_set(e, ERR_DATA, NULL, 0, 0, "--sweep: %s", msg);
    if (!n && path) {
        char section[64];
        snprintf(section, sizeof section, "%.*s", (int)strcspn(path, "."), path);
        n = scenario_node(sc, section);
    }
    /* A value from an option: name the option, not a --set position. */
    if (n && !strcmp(n->file, "--set"))
        return err_set(e, ERR_DATA, NULL, 0, 0, "%s (from the command line: --%s or --set): %s",
                       path, path, msg);
    if (n && n->line > 0)
        return err_set(e, ERR_DATA, n->file, n->line, n->col, "%s: %s", path, msg);
    return err_set(e, ERR_DATA, sc->doc->file, 0, 0, "%s", msg);
}

int budget_check(const budget_estimate *est, const budget_limits *lim, const scenario_t *base,
                 size_t npoints, err_t *e)
{
    const char *source = "--max-memory";
    double max_bytes = lim->max_bytes;
    if (!(max_bytes > 0))
        max_bytes = budget_default_memory(&source);
    double max_events = lim->max_events > 0 ? lim->max_events : BUDGET_DEFAULT_EVENTS;
    char msg[700], need[32], have[32], part[32];
    if (est->bytes > max_bytes) {
        budget_format_bytes(est->bytes, need, sizeof need);
        budget_format_bytes(max_bytes, have, sizeof have);
        const char *what = est->rep_driver;
        double reps_part = (double)est->concurrent * est->rep_bytes;
        if (est->points_bytes >= reps_part && est->points_bytes >= est->results_bytes) {
            budget_format_bytes(est->points_bytes, part, sizeof part);
            snprintf(msg, sizeof msg, "the sweep has %zu points, which alone take an estimated "
                     "%s", npoints, part);
            what = "sweep";
        } else if (est->results_bytes >= reps_part) {
            budget_format_bytes(est->results_bytes, part, sizeof part);
            snprintf(msg, sizeof msg, "%.0f replication(s) x %zu point(s) keep an estimated %s "
                     "of results", est->replications, npoints, part);
            what = (double)npoints > est->replications ? "sweep" : "replications";
        } else {
            budget_format_bytes(est->rep_bytes, part, sizeof part);
            snprintf(msg, sizeof msg, "one replication takes an estimated %s (%s), %zu at once",
                     part, what ? what : "its models", est->concurrent);
        }
        char full[1200], opt[32];
        budget_format_option(est->bytes, opt, sizeof opt);
        snprintf(full, sizeof full, "%s: the run needs about %s of memory, over the budget of "
                 "%s (%s); make it smaller, or raise the budget (--max-memory %s)", msg,
                 need, have, lim->max_bytes > 0 ? "--max-memory" : source, opt);
        return budget_refuse(base, what, e, full);
    }
    if (est->events > max_events) {
        double horizon_s = (double)(base->warmup_ns + base->duration_ns) * 1e-9;
        snprintf(msg, sizeof msg, "the run needs about %.2g events (%.0f replication(s) x %zu "
                 "point(s) x %.2g each, over %.3g s of simulated time: warmup + duration; "
                 "mostly %s), over the budget of %.3g; make it smaller, or raise --max-events",
                 est->events, est->replications, npoints, est->rep_events, horizon_s,
                 est->events_driver ? est->events_driver : "its models", max_events);
        const char *where = base->warmup_ns > base->duration_ns ? "warmup" : "duration";
        return budget_refuse(base, where, e, msg);
    }
    return 0;
}
