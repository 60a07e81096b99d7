/* consensus.h - a Byzantine fault-tolerant consensus network: n replicas
 * running PBFT or chained HotStuff over models/network, with CPU costs for
 * signing and verifying, Byzantine behaviours, benign failures and
 * maintenance windows, a Poisson client and a safety checker.
 *
 * Scenario section `consensus`: every key with its type, default, range
 * and meaning is a row of the parameter table in models/consensus/config.c,
 * and every metric a row of the metric table in models/consensus/consensus.c
 * (`mwrasp-sim --help-model consensus`, docs/scenarios.md).  view_timeout
 * doubles on consecutive view changes; a fork reports confidence 1.0.
 * network: see network.h (message classes request, proposal, vote,
 * view_change, reply, state_transfer).  The list and the mapping:
 *   faults          list of {behaviour: crash|silent|equivocate|delay|drop,
 *                   count: k | fraction: x, start: t, hold: dist (delay),
 *                   drop: p (drop), placement: first|last|random};
 *                   placement: the groups' default (first: the primary of
 *                   view 0 is faulty, the worst case)
 *   availability    a mapping: deadline (the SLO: with traffic, availability
 *                   is the fraction of requests committed within it),
 *                   failures, time_to_failure, time_to_repair,
 *                   maintenance (off|rolling|whole), maintenance_day,
 *                   maintenance_start, maintenance_length (rows of the
 *                   table) and start_date, the civil date of time 0
 *
 * Quorum: q = ceil((n + f + 1) / 2), which is 2f + 1 when n = 3f + 1 and the
 * smallest size whose pairwise intersections hold an honest node otherwise
 * (with n = 5, f = 1, two quorums of 2f + 1 = 3 can meet only in the faulty
 * node, and one equivocator would break safety).
 */
#ifndef MWRASP_CONSENSUS_H
#define MWRASP_CONSENSUS_H

#include "network.h"
#include "sim.h"

extern const sim_model consensus_model;

#define CONSENSUS_MAX_NODES 10000
#define CONSENSUS_MAX_WINDOW 256
#define CONSENSUS_MAX_FAULTS 8
#define CONSENSUS_MAX_CORES 1024

typedef enum consensus_protocol {
    CONSENSUS_PBFT = 0,
    CONSENSUS_HOTSTUFF = 1,        /* chained, leader rotates every view (Yin et al. 2019) */
    CONSENSUS_HOTSTUFF_STABLE = 2  /* chained, one leader until a timeout */
} consensus_protocol;

typedef enum consensus_behaviour {
    CONSENSUS_HONEST = 0,
    CONSENSUS_CRASH,      /* stops at start: sends and processes nothing */
    CONSENSUS_SILENT,     /* never sends (a silent leader forces view changes) */
    CONSENSUS_EQUIVOCATE, /* colluding: conflicting proposals / votes to halves */
    CONSENSUS_DELAY,      /* holds each message back by a draw of `hold` */
    CONSENSUS_DROP        /* drops each of its messages with probability `drop` */
} consensus_behaviour;

/* Event kinds: the first two are sent by other models (typed senders
 * below), the rest are the model's own. */
typedef enum consensus_kind {
    CONSENSUS_EV_CLIENT_REQUEST = 1, /* consensus_send_client_request */
    CONSENSUS_EV_SET_BEHAVIOUR,      /* consensus_send_set_behaviour */
    CONSENSUS_EV_ARRIVAL,            /* the built-in client's next request */
    CONSENSUS_EV_CAST,               /* the next arrival instant of a broadcast */
    CONSENSUS_EV_MSG,                /* a unicast message arrives */
    CONSENSUS_EV_PROCESS,            /* a received message is verified */
    CONSENSUS_EV_TIMER,              /* request / view-change timeout */
    CONSENSUS_EV_BATCH,              /* batch timeout */
    CONSENSUS_EV_FAULT,              /* a fault group's behaviour starts */
    CONSENSUS_EV_FAIL,               /* a benign failure */
    CONSENSUS_EV_REPAIR,             /* its repair */
    CONSENSUS_EV_MAINT,              /* a maintenance window starts */
    CONSENSUS_EV_MAINT_NODE,         /* a node goes down for / back from it */
    CONSENSUS_EV_FETCH               /* PBFT: a state-transfer FETCH went unanswered */
} consensus_kind;

/* Changes a replica's behaviour at the event's time (the attack model's
 * takeovers, the response model's fencing). */
typedef struct consensus_set_behaviour_msg {
    uint32_t replica;     /* replica index */
    uint32_t behaviour;   /* a consensus_behaviour */
    double param;         /* DROP: drop probability; DELAY: mean extra delay (ns) of an
                           * exponential hold; otherwise unused */
} consensus_set_behaviour_msg;
SIM_TYPED_SEND(consensus_send_set_behaviour, CONSENSUS_EV_SET_BEHAVIOUR,
               consensus_set_behaviour_msg, msg->replica);

/* A client request from another model (the agents' coordination
 * requests), broadcast to the replicas like the built-in client's.  When
 * the client has f + 1 matching replies, consensus sends reply_kind to
 * (model, entity) with a consensus_committed_msg; its latency also counts
 * in consensus.latency. */
typedef struct consensus_client_request_msg {
    uint64_t id;          /* the sender's request id, echoed */
    int32_t model;        /* who to tell */
    uint32_t entity;
    uint16_t reply_kind;  /* an event kind of that model */
} consensus_client_request_msg;
SIM_TYPED_SEND(consensus_send_client_request, CONSENSUS_EV_CLIENT_REQUEST,
               consensus_client_request_msg, 0);

/* The reply's payload (read with sim_payload). */
typedef struct consensus_committed_msg {
    uint64_t id;          /* consensus_client_request_msg.id */
    int64_t submit_ns;    /* when the request was submitted */
} consensus_committed_msg;
SIM_PAYLOAD_FITS(consensus_committed_msg);

typedef enum consensus_maintenance {
    CONSENSUS_MAINT_OFF = 0,
    CONSENSUS_MAINT_ROLLING, /* one node at a time, the window split evenly */
    CONSENSUS_MAINT_WHOLE    /* every node down for the whole window */
} consensus_maintenance;

typedef struct consensus_fault {
    int behaviour;      /* consensus_behaviour */
    int64_t count;      /* replicas in the group */
    int placement;      /* 0 first, 1 last, 2 random free ids */
    int64_t start_ns;   /* behaviour starts here */
    dist_t hold;        /* DELAY: extra delay per message, ns */
    double drop;        /* DROP: probability */
} consensus_fault;

typedef struct consensus_params {
    int protocol;
    int64_t nodes, f, quorum;
    int traffic;
    double request_rate_per_s;
    int has_interval;
    dist_t request_interval;    /* ns */
    int64_t max_requests;
    int64_t batch_size, batch_timeout_ns, window;
    int64_t checkpoint_interval; /* PBFT: seqs between checkpoints (VIEW-CHANGE contents) */
    int64_t view_timeout_ns;
    int64_t cores;              /* CPU cores per replica (parallel verification) */
    double view_change_confidence; /* reported with each view change */
    dist_t sign_ns, verify_ns;
    int aggregate_votes;
    uint64_t header_bytes, signature_bytes, request_bytes, reply_bytes;
    network_params net;
    int nfaults;
    consensus_fault faults[CONSENSUS_MAX_FAULTS];
    int placement;              /* 0 first, 1 last, 2 random */
    /* availability */
    int failures;
    int64_t deadline_ns;        /* SLO: commit within this of submission */
    dist_t time_to_failure, time_to_repair; /* ns */
    int maintenance;            /* consensus_maintenance */
    int maintenance_weekday;    /* 0 = Sunday */
    int64_t maintenance_start_ns, maintenance_length_ns;
    int64_t start_day;          /* days since 1970-01-01 of simulated time 0 */
} consensus_params;

/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian). */
int64_t consensus_days_from_civil(int64_t y, int m, int d);
/* Simulated time (ns) of the next maintenance window start strictly after
 * after_ns: the first `weekday` of a month plus start_ns into that day. */
int64_t consensus_next_maintenance(const consensus_params *p, int64_t after_ns);
/* E[k-th smallest of m iid Exp(1)] = H_m - H_{m-k}: the expected wait for
 * a quorum of k of m equally fast voters, in units of the mean delay. */
double consensus_order_stat_exp(int m, int k);

#endif
