/* phold.c - PHOLD benchmark model (see phold.h).
 *
 * One stream drives all LPs: the run is sequential, so a single keyed
 * stream is as deterministic as per-LP streams and cheaper.
 */
#include "phold.h"
#include "cfg.h"

#include "rng.h"
#include <math.h>

typedef struct phold_state {
    const phold_params *p;
    int self;
    gsl_rng *rng;
    double exp_mean_ns; /* mean - lookahead */
    rng_range lps;      /* gsl_rng_uniform_int(rng, lps) without a division */
    int m_events, m_remote;
} phold_state;

static const sim_param phold_params_table[] = {
    SIM_P_INT("lps", phold_params, lps, 1024, 1, INT64_C(1) << 31, "LPs", "logical processes"),
    SIM_P_INT("population", phold_params, population, 1, 1, 1 << 20, "events",
              "initial events per LP"),
    SIM_P_FRACTION("remote", phold_params, remote, 0.25, 0.0, 1.0,
                   "probability an event goes to a uniformly random LP"),
    SIM_P_DURATION("mean", phold_params, mean_ns, SIM_NS_PER_MS, 1, INT64_C(1) << 50,
                   "mean time step"),
    SIM_P_DURATION("lookahead", phold_params, lookahead_ns, SIM_NS_PER_MS / 10, 0,
                   INT64_C(1) << 50, "minimum time step (at most mean)"),
};

static const sim_metric_spec phold_metrics[] = {
    SIM_METRIC(phold_state, m_events, "event_rate", "1/s", 1.0, STATS_RATE, STATS_NONNEG, NULL,
               "PHOLD events per simulated second"),
    SIM_METRIC(phold_state, m_remote, "remote", "events", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "events sent to a random LP"),
};

static const sim_stream_spec phold_streams[] = {
    SIM_STREAM(phold_state, rng, "events"),
};

/* What the table cannot say: lookahead <= mean. */
static int phold_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    const phold_params *p = params;
    int bad = c->rows_bad ? -1 : 0;
    if (!bad && p->lookahead_ns > p->mean_ns) {
        cfg_error(c, cfg_get(sec, "lookahead"),
                  "phold.lookahead must not exceed phold.mean");
        bad = -1;
    }
    return bad ? -1 : 0;
}

static int phold_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)e;
    phold_state *s = state;
    const phold_params *p = params;
    s->exp_mean_ns = (double)(p->mean_ns - p->lookahead_ns);
    s->lps = rng_range_of((uint32_t)p->lps);
    /* Initial events at lookahead + Exp(mean - lookahead), as ROSS draws
     * them (tw_rand_exponential(mean - lookahead) + lookahead), so the
     * first steps already have the steady-state mean and a short run
     * processes as many events as the peers'.  Stops at the first failure
     * (out of memory for events): scheduling on after it would only retry
     * the failing allocation lps times. */
    for (int64_t lp = 0; lp < p->lps && !sim_failed(sim); lp++)
        for (int64_t k = 0; k < p->population; k++) {
            int64_t t = sim_ns(rng_exponential(s->rng, s->exp_mean_ns));
            sim_schedule(sim, sim_time_add(t, p->lookahead_ns), s->self, PHOLD_EV_HOP,
                         (uint32_t)lp);
        }
    return 0;
}

static void phold_event(sim_t *sim, void *state, const sim_event *ev)
{
    phold_state *s = state;
    uint32_t dest = ev->target;
    int remote = rng_uniform(s->rng) < s->p->remote;
    if (remote)
        dest = rng_uniform_range(s->rng, &s->lps);
    double step = rng_exponential(s->rng, s->exp_mean_ns);
    sim_schedule_in(sim, sim_time_add(s->p->lookahead_ns, sim_ns(step)), s->self,
                    PHOLD_EV_HOP, dest);
    sim_count(sim, s->m_events, 1);
    sim_count(sim, s->m_remote, remote);
}

/* lps * population events circulate, each rescheduled after a mean gap. */
static void phold_estimate(const void *params, sim_estimate *out)
{
    const phold_params *p = params;
    double n = (double)p->lps * (double)p->population;
    out->state_bytes = 0;
    out->pending_events = n;
    out->init_events = n;
    out->events_per_s = n / ((double)p->mean_ns * 1e-9);
    out->driver = p->lps >= p->population ? "phold.lps" : "phold.population";
}

const sim_model phold_model = {
    .name = "phold",
    .summary = "PHOLD engine benchmark (ROSS semantics)",
    SIM_STATE(phold_state),
    SIM_PARAMS(phold_params, phold_params_table),
    SIM_METRICS(phold_metrics),
    SIM_STREAMS(phold_streams),
    .configure = phold_configure,
    .init = phold_init,
    .event = phold_event,
    .estimate = phold_estimate,
};
