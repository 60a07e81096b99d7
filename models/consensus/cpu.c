/* cpu.c - a replica's CPU with `cores` cores (issue 13, item 2): jobs
 * (signing a message, checking one signature) wait in the replica's FIFO
 * queue and each runs on the first core to come free, ties to the lowest
 * core.  A message is processed when the last of its signature checks
 * ends, so a certificate of q signatures checked on k idle cores takes
 * ceil(q / k) checks' time, and the runbook's "parallel_validations"
 * (L952) is parallel verification.
 *
 * One core (cores: 1, the default) is the FIFO server of internal.h's
 * cpu_run and never reaches this file, so shipped results stay
 * bit-identical.
 *
 * Invariants: core_free[r * cores + j] is when core j of replica r ends
 * its last job; a job never starts before it is queued (now) nor before
 * its core is free; greedy assignment of equal jobs in FIFO order puts the
 * i-th check on the core whose next start is the i-th smallest of all
 * (value, core) pairs, which is what cs_cpu_equal computes directly. */
#include "internal.h"

static inline int64_t *cores_of(cstate *s, const cnode *x)
{
    return &s->core_free[(size_t)(x - s->nodes) * s->cores];
}

static void cpu_account(sim_t *sim, cstate *s, cnode *x, double total_ns)
{
    x->busy_ns += total_ns;
    sim_count(sim, s->m_cpu, total_ns * s->cpu_scale);
}

/* Runs a job of cost_ns queued at now on the first free of the k cores
 * (the lowest on ties); its end. */
static int64_t core_take(int64_t *core, uint32_t k, int64_t now, int64_t cost_ns)
{
    uint32_t best = 0;
    for (uint32_t j = 1; j < k; j++)
        if (core[j] < core[best])
            best = j;
    int64_t start = core[best] > now ? core[best] : now;
    core[best] = start + cost_ns;
    return core[best];
}

/* One job of cost_ns queued now: on the first free core; its end. */
int64_t cs_cpu_job(sim_t *sim, cstate *s, cnode *x, int64_t cost_ns)
{
    cpu_account(sim, s, x, (double)cost_ns);
    return core_take(cores_of(s, x), s->cores, sim_now(sim), cost_ns);
}

/* How many of the checks of cost c starting at each core's start[j] start
 * at or before t. */
static uint64_t starts_by(const int64_t *start, uint32_t k, int64_t c, int64_t t)
{
    uint64_t total = 0;
    for (uint32_t j = 0; j < k; j++)
        if (start[j] <= t)
            total += (uint64_t)((t - start[j]) / c) + 1;
    return total;
}

/* v checks of cost c each (c > 0) queued now, assigned one by one to the
 * first free core: the time the last one ends.  The checks start at the v
 * smallest of { start_j + i c }, so the last start T is the smallest t
 * with starts_by(t) >= v (bisection), and the checks starting exactly at
 * T go to the lowest cores among those due then. */
int64_t cs_cpu_equal(sim_t *sim, cstate *s, cnode *x, uint32_t v, int64_t c)
{
    int64_t *core = cores_of(s, x), now = sim_now(sim);
    uint32_t k = s->cores;
    int64_t start[CONSENSUS_MAX_CORES];
    if (v == 0 || c <= 0)
        return now;
    int64_t lo = INT64_MAX;
    for (uint32_t j = 0; j < k; j++) {
        start[j] = core[j] > now ? core[j] : now;
        if (start[j] < lo)
            lo = start[j];
    }
    /* The earliest core alone starts v checks by lo + (v - 1) c. */
    if ((uint64_t)c > (uint64_t)(INT64_MAX / 4 - lo) / v) {
        sim_fail(sim, "consensus: %u checks of %lld ns overflow simulated time", v,
                 (long long)c);
        return now;
    }
    int64_t hi = lo + (int64_t)(v - 1) * c;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (starts_by(start, k, c, mid) >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    int64_t t = lo;
    uint64_t left = v - starts_by(start, k, c, t - 1);
    for (uint32_t j = 0; j < k; j++) {
        uint64_t nj = start[j] <= t - 1 ? (uint64_t)((t - 1 - start[j]) / c) + 1 : 0;
        if (left && start[j] <= t && (t - start[j]) % c == 0) {
            nj++;
            left--;
        }
        if (nj)
            core[j] = start[j] + (int64_t)nj * c;
    }
    cpu_account(sim, s, x, (double)v * (double)c);
    return t + c;
}

/* v checks of costs drawn from verify (in draw order, as the one-core
 * model draws them), each on the first free core: the last one's end. */
int64_t cs_cpu_drawn(sim_t *sim, cstate *s, cnode *x, uint32_t v)
{
    int64_t *core = cores_of(s, x), now = sim_now(sim), done = now;
    double total = 0;
    for (uint32_t i = 0; i < v; i++) {
        int64_t cost = dist_sample_ns(&s->p->verify_ns, s->r_cpu);
        int64_t end = core_take(core, s->cores, now, cost);
        if (end > done)
            done = end;
        total += (double)cost;
    }
    cpu_account(sim, s, x, total);
    return done;
}
