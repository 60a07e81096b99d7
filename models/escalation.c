/* escalation.c - the escalation matrix and on-call staff (see escalation.h).
 *
 * Invariants: per role, free + busy = staff, and pages wait in the role's
 * FIFO only while free == 0.  A person is busy from taking a page until
 * ack + handle later; then takes the oldest waiting page or becomes free.
 * Role indices are fixed at configure time: the default matrix's roles in
 * the runbook's order, then roles named only in the scenario.
 */
#include "escalation.h"
#include "grow.h"
#include "cfg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* runbook L833-L858 */
static const char *const path_quantum[RESPONSE_NSEVERITIES][5] = {
    {"soc_analyst", NULL},
    {"soc_analyst", "security_engineer", NULL},
    {"security_engineer", "security_manager", "ciso", NULL},
    {"security_manager", "ciso", "ceo", "legal", NULL},
};
static const char *const path_agent[RESPONSE_NSEVERITIES][5] = {
    {"ai_ops", NULL},
    {"ai_ops", "ai_architect", NULL},
    {"ai_architect", "engineering_manager", NULL},
    {"engineering_manager", "cto", "ciso", NULL},
};
static const char *const path_consensus[RESPONSE_NSEVERITIES][5] = {
    {"devops", NULL},
    {"devops", "site_reliability", NULL},
    {"site_reliability", "infrastructure_lead", NULL},
    {"infrastructure_lead", "cto", "ops_director", NULL},
};
static const char *const path_breach[RESPONSE_NSEVERITIES][6] = {
    {"security_analyst", NULL},
    {"security_analyst", "privacy_officer", NULL},
    {"privacy_officer", "legal", "ciso", NULL},
    {"ciso", "ceo", "legal", "board", "regulators", NULL},
};

const char *const *escalation_default_path(response_type type, response_severity sev)
{
    static const char *const fallback[] = {"soc_analyst", NULL}; /* L867 */
    if ((unsigned)sev >= RESPONSE_NSEVERITIES)
        return fallback;
    switch (type) {
    case RESPONSE_QUANTUM_ATTACK: return path_quantum[sev];
    case RESPONSE_AI_AGENT_COMPROMISE: return path_agent[sev];
    case RESPONSE_CONSENSUS_FAILURE: return path_consensus[sev];
    case RESPONSE_DATA_BREACH: return path_breach[sev];
    default: return fallback;
    }
}

typedef struct escalation_queue {
    int64_t *paged_ns;          /* ring buffer */
    size_t head, len, cap;
} escalation_queue;

typedef struct escalation_state {
    const escalation_params *p;
    int self;
    gsl_rng *ack_rng;
    int64_t free_staff[ESCALATION_MAX_ROLES];
    escalation_queue q[ESCALATION_MAX_ROLES];
    int64_t waiting;
    double pages[ESCALATION_MAX_ROLES]; /* after warmup */
    int m_ack[ESCALATION_MAX_ROLES], m_pages_day[ESCALATION_MAX_ROLES], m_backlog, m_pages,
        m_incidents, m_level[RESPONSE_NSEVERITIES];
} escalation_state;

static int escalation_role_index(cfg_ctx *c, const cfg_node *at, escalation_params *p,
                                 const char *name)
{
    for (int i = 0; i < p->nroles; i++)
        if (strcmp(p->roles[i].name, name) == 0)
            return i;
    if (p->nroles == ESCALATION_MAX_ROLES) {
        cfg_error(c, at, "escalation: more than %d roles", ESCALATION_MAX_ROLES);
        return -1;
    }
    if (strlen(name) > 40) {
        cfg_error(c, at, "escalation: role names are 1 to 40 characters");
        return -1;
    }
    /* A role's name becomes part of metric names (escalation.ack.<role>). */
    if (cfg_check_name(c, at, "escalation: role", name, SINK_NAME_ID) != 0)
        return -1;
    p->roles[p->nroles].name = name;
    return p->nroles++;
}

/* matrix: the runbook's paths, then the cells the scenario replaces. */
static int escalation_matrix(cfg_ctx *c, cfg_node *sec, void *params)
{
    escalation_params *p = params;
    int bad = 0;
    for (int t = 0; t < RESPONSE_NTYPES; t++)
        for (int v = 0; v < RESPONSE_NSEVERITIES; v++) {
            const char *const *names = escalation_default_path((response_type)t,
                                                               (response_severity)v);
            p->path_len[t][v] = 0;
            for (int i = 0; names[i]; i++)
                p->path[t][v][p->path_len[t][v]++] = escalation_role_index(c, sec, p, names[i]);
        }
    cfg_node *matrix = cfg_section(c, sec, "matrix");
    for (int t = 0; matrix && t < RESPONSE_NTYPES; t++) {
        cfg_node *row = cfg_section(c, matrix, response_type_names[t]);
        for (int v = 0; row && v < RESPONSE_NSEVERITIES; v++) {
            cfg_node *cell = cfg_list(c, row, response_severity_names[v]);
            if (!cell)
                continue;
            if (cell->n > ESCALATION_MAX_PATH) {
                cfg_error(c, cell, "escalation.matrix: at most %d roles per cell",
                          ESCALATION_MAX_PATH);
                bad = -1;
                continue;
            }
            p->path_len[t][v] = 0;
            for (size_t i = 0; i < cell->n; i++) {
                cfg_node *r = cell->items[i];
                if (r->kind != CFG_SCALAR) {
                    cfg_error(c, r, "escalation.matrix: a role is a name like ciso");
                    bad = -1;
                    continue;
                }
                int k = escalation_role_index(c, r, p, r->text);
                if (k < 0) {
                    bad = -1;
                    continue;
                }
                p->path[t][v][p->path_len[t][v]++] = k;
            }
        }
    }
    return bad;
}

/* roles: the names (their keys are read once the defaults are known). */
static int escalation_roles(cfg_ctx *c, cfg_node *sec, void *params)
{
    int bad = 0;
    cfg_node *roles = cfg_section(c, sec, "roles");
    for (size_t i = 0; roles && i < roles->n; i++)
        if (escalation_role_index(c, roles->items[i], params, roles->keys[i]) < 0)
            bad = -1;
    return bad;
}

/* ASSUMPTIONS: the runbook gives no staffing or response times. */
static const sim_param escalation_params_table[] = {
    SIM_P_LIST("matrix", escalation_matrix,
               "matrix.<type>.<severity>: the list of roles paged, replacing the runbook's cell"),
    SIM_P_LIST("roles", escalation_roles,
               "roles.<role>.{staff, ack, handle}: as the defaults, for one role"),
    SIM_P_INT("defaults.staff", escalation_params, default_staff, 1, 1, 1000000, "people",
              "on-call staff of a role not listed under roles"),
    SIM_P_TIME_DIST("defaults.ack", escalation_params, default_ack, DIST_LOGNORMAL,
                    5.0 * 60 * SIM_NS_PER_S, 1.0,
                    "page (or a person freeing up) to acknowledgement"),
    SIM_P_TIME_DIST("defaults.handle", escalation_params, default_handle, DIST_LOGNORMAL,
                    30.0 * 60 * SIM_NS_PER_S, 1.0, "time a person then stays on the incident"),
};

/* What the table cannot say: each role's keys, defaulting to defaults.*. */
static int escalation_configure(cfg_ctx *c, cfg_node *sec, void *params)
{
    escalation_params *p = params;
    int bad = 0;
    cfg_node *roles = cfg_get(sec, "roles");
    if (roles && roles->kind != CFG_MAP)
        roles = NULL; /* reported by escalation_roles */
    for (int k = 0; k < p->nroles; k++) {
        escalation_role *r = &p->roles[k];
        cfg_node *rs = roles ? cfg_section(c, roles, r->name) : NULL;
        char prefix[96];
        snprintf(prefix, sizeof prefix, "escalation.roles.%s.", r->name);
        cfg_set_prefix(c, prefix);
        bad |= cfg_int(c, rs, "staff", p->default_staff, 1, 1000000, &r->staff);
        bad |= cfg_dist(c, rs, "ack", &p->default_ack, 1, &r->ack);
        bad |= cfg_dist(c, rs, "handle", &p->default_handle, 1, &r->handle);
    }
    cfg_set_prefix(c, "escalation.");
    return bad ? -1 : 0;
}

/* Two metrics per role, named by the scenario's roles. */
static void escalation_declare_roles(sim_t *sim, void *state, const void *params)
{
    escalation_state *s = state;
    const escalation_params *p = params;
    char name[64], what[160];
    for (int k = 0; k < p->nroles; k++) {
        snprintf(name, sizeof name, "ack.%s", p->roles[k].name);
        snprintf(what, sizeof what, "%s: page to acknowledgement, queueing included",
                 p->roles[k].name);
        s->m_ack[k] = sim_metric(sim, name, "min", 1.0 / 60e9, STATS_TALLY, what);
        sim_metric_domain(sim, s->m_ack[k], STATS_TTE, NULL);
        snprintf(name, sizeof name, "pages_per_day.%s", p->roles[k].name);
        snprintf(what, sizeof what, "%s: pages per day (%lld on call)", p->roles[k].name,
                 (long long)p->roles[k].staff);
        s->m_pages_day[k] = sim_metric(sim, name, "1/d", 1.0, STATS_VALUE, what);
    }
}

static const sim_metric_spec escalation_metrics[] = {
    { "{ack,pages_per_day}.<role>", "min, 1/d", 0, STATS_TALLY, STATS_TTE, NULL,
      "per role: page to acknowledgement (queueing included); pages per day", 0, NULL, NULL,
      escalation_declare_roles },
    SIM_METRIC(escalation_state, m_backlog, "backlog", "pages", 1.0, STATS_LEVEL, STATS_NONNEG,
               NULL, "time-average pages waiting for a free person (all roles)"),
    SIM_METRIC(escalation_state, m_pages, "pages", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL,
               "pages sent"),
    SIM_METRIC(escalation_state, m_incidents, "incidents", "1", 1.0, STATS_COUNT, STATS_NONNEG,
               NULL, "incidents escalated"),
    { "level_%s", "1", 1.0, STATS_COUNT, STATS_NONNEG, NULL, "incidents escalated at severity %s",
      offsetof(escalation_state, m_level), response_severity_names, NULL, NULL },
};

static const sim_stream_spec escalation_streams[] = {
    SIM_STREAM(escalation_state, ack_rng, "ack"),
};

static int escalation_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)sim, (void)e;
    escalation_state *s = state;
    const escalation_params *p = params;
    for (int k = 0; k < p->nroles; k++)
        s->free_staff[k] = p->roles[k].staff;
    return 0;
}

/* A person of role k takes a page made at paged_ns, now. */
static void escalation_take(sim_t *sim, escalation_state *s, int k, int64_t paged_ns)
{
    const escalation_role *r = &s->p->roles[k];
    int64_t ack = dist_sample_ns(&r->ack, s->ack_rng);
    int64_t handle = dist_sample_ns(&r->handle, s->ack_rng);
    sim_tally(sim, s->m_ack[k], (double)(sim_now(sim) - paged_ns + ack));
    sim_schedule_in(sim, ack + handle, s->self, ESCALATION_EV_FREE, (uint32_t)k);
}

static void escalation_page(sim_t *sim, escalation_state *s, int k)
{
    sim_count(sim, s->m_pages, 1);
    if (sim_now(sim) >= sim_warmup_time(sim))
        s->pages[k]++;
    if (s->free_staff[k] > 0) {
        s->free_staff[k]--;
        escalation_take(sim, s, k, sim_now(sim));
        return;
    }
    escalation_queue *q = &s->q[k];
    if (SIM_RING_PUSH(sim, q->paged_ns, q->cap, q->head, q->len, 16, sim_now(sim)) != 0)
        return;
    s->waiting++;
    sim_level(sim, s->m_backlog, (double)s->waiting);
}

static void escalation_event(sim_t *sim, void *state, const sim_event *ev)
{
    escalation_state *s = state;
    const escalation_params *p = s->p;
    switch (ev->kind) {
    case ESCALATION_EV_INCIDENT: {
        escalation_incident_msg m;
        sim_payload(ev, &m, sizeof m);
        uint32_t t = m.type, v = m.severity;
        if (t >= RESPONSE_NTYPES || v >= RESPONSE_NSEVERITIES) {
            sim_fail(sim, "escalation: incident of type %u severity %u", t, v);
            return;
        }
        sim_count(sim, s->m_incidents, 1);
        sim_count(sim, s->m_level[v], 1);
        for (int i = 0; i < p->path_len[t][v]; i++)
            escalation_page(sim, s, p->path[t][v][i]);
        break;
    }
    case ESCALATION_EV_FREE: {
        int k = (int)ev->target;
        escalation_queue *q = &s->q[k];
        if (q->len) {
            int64_t paged = q->paged_ns[grow_ring_pop(&q->head, &q->len, q->cap)];
            s->waiting--;
            sim_level(sim, s->m_backlog, (double)s->waiting);
            escalation_take(sim, s, k, paged);
        } else {
            s->free_staff[k]++;
        }
        break;
    }
    default:
        sim_fail(sim, "escalation: unknown event kind %u", ev->kind);
    }
}

static void escalation_finish(sim_t *sim, void *state)
{
    escalation_state *s = state;
    double days = (double)(sim_end_time(sim) - sim_warmup_time(sim)) / (86400.0 * SIM_NS_PER_S);
    int64_t now = sim_now(sim);
    for (int k = 0; k < s->p->nroles; k++) {
        sim_set_value(sim, s->m_pages_day[k], days > 0 ? s->pages[k] / days : NAN);
        /* Pages still waiting for a free person: not acknowledged yet. */
        const escalation_queue *q = &s->q[k];
        for (size_t i = 0; i < q->len; i++)
            sim_tally_censored(sim, s->m_ack[k],
                               (double)(now - q->paged_ns[(q->head + i) % q->cap]));
    }
}

static void escalation_release(void *state)
{
    escalation_state *s = state;
    for (int k = 0; k < ESCALATION_MAX_ROLES; k++)
        free(s->q[k].paged_ns);
}

const sim_model escalation_model = {
    .name = "escalation",
    .summary = "escalation matrix: pages per role, on-call staff, acknowledgement times",
    SIM_STATE(escalation_state),
    SIM_PARAMS(escalation_params, escalation_params_table),
    SIM_METRICS(escalation_metrics),
    SIM_STREAMS(escalation_streams),
    .configure = escalation_configure,
    .init = escalation_init,
    .event = escalation_event,
    .finish = escalation_finish,
    .release = escalation_release,
};
