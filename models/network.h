/* network.h - a message network that models reuse: one-way delay per
 * message, regions, bandwidth, loss and partitions.
 *
 * A message sent at time t from node a to node b of size B bytes:
 *   1. leaves a's network interface after serialisation: the interface is a
 *      FIFO link of bandwidth_mbps, so departure = max(t, a's link free
 *      time) + 8 B / bandwidth (no serialisation when bandwidth is 0);
 *   2. is lost with probability loss, or when a partition window separates
 *      a and b at time t (one node inside the window's set, one outside);
 *   3. between two regions with a link bandwidth, then crosses that
 *      region pair's link, one FIFO per ordered pair shared by every node
 *      of the two regions: leaves it at max(departure, link free time) +
 *      8 B / link bandwidth;
 *   4. otherwise arrives at that departure + latency[region a][region b] +
 *      a draw of the delay distribution (the class's own distribution when
 *      the using model names message classes and the scenario overrides it).
 * Nodes are numbered 0 .. nodes-1.  Region of node i: with regions.nodes
 * (replicas per region) the first sum(nodes) ids are dealt to the regions
 * in turn, skipping a region once it holds its count (so [43, 42, 42]
 * is i mod 3, and [85, 21, 21] puts 0, 1, 2, 3, 4, 5, ... in regions
 * 0, 1, 2, 0, 1, 2, ... until regions 1 and 2 are full); ids past them
 * (the using model's clients) are in region `clients`.  Without nodes, or
 * for clients without `clients`, node i is in region i mod regions.count.
 *
 * Scenario section (inside the using model's section, key `network`):
 *   delay          one-way delay distribution      (default lognormal,
 *                                                   median 1ms, sigma 0.5)
 *   class_delay    {CLASS: distribution, ...} per-class overrides
 *   bandwidth_mbps per-node egress bandwidth, Mbit/s (default 0 = unlimited)
 *   loss           loss probability per message     (default 0)
 *   regions        {count: R, latency: [[...R durations...] x R],
 *                   bandwidth_mbps: B or [[...R...] x R] (region links,
 *                   0 = unlimited; the diagonal is ignored),
 *                   nodes: [c0, ..., cR-1], clients: k}
 *                  or named deployments, one of them chosen (a sweep axis):
 *                  {deployment: NAME, deployments: {NAME: {count, latency,
 *                   bandwidth_mbps, nodes, clients}, ...}}; every
 *                   deployment is checked, the chosen one is used.
 *   partitions     list of {first: i, count: k | nodes: [..], from: t1, to: t2}
 *
 * Multicast (network_mcast): one message sent to many nodes at once.  The
 * sender adds each copy (drawing its arrival), sorts the copies once, and
 * then takes them in arrival order, all copies due at one instant together,
 * so that a model needs one calendar event per arrival instant instead of
 * one per copy.  Ties are in recipient order.
 *
 * Invariants: params are read-only after network_configure; a network_t
 * draws only from the stream given to network_init, so the same seed gives
 * the same delays.  network_arrival() and the multicast calls never
 * allocate (a multicast's key array is sized once, network_mcast_init).
 */
#ifndef MWRASP_NETWORK_H
#define MWRASP_NETWORK_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "cfg.h"
#include "dist.h"
#include "err.h"
#include "invariant.h"

#define NETWORK_MAX_REGIONS 16
#define NETWORK_MAX_PARTITIONS 16
#define NETWORK_MAX_PARTITION_LIST 64
#define NETWORK_MAX_CLASSES 8

/* One partition window: nodes [first, first + count) plus list[0..nlist)
 * are cut off from every other node during [from_ns, to_ns). */
typedef struct network_partition {
    int64_t from_ns, to_ns;
    int64_t first, count;
    int64_t nlist;
    int64_t list[NETWORK_MAX_PARTITION_LIST];
} network_partition;

typedef struct network_params {
    dist_t delay;                              /* ns */
    int nclasses;                              /* classes named by the model */
    int class_has_delay[NETWORK_MAX_CLASSES];
    dist_t class_delay[NETWORK_MAX_CLASSES];   /* ns */
    double bandwidth_mbps;                     /* 0 = unlimited */
    double loss;                               /* probability */
    int64_t nregions;                          /* 1 = no regions */
    int64_t latency_ns[NETWORK_MAX_REGIONS][NETWORK_MAX_REGIONS];
    double link_mbps[NETWORK_MAX_REGIONS][NETWORK_MAX_REGIONS]; /* 0 = unlimited */
    int has_links;                             /* some region pair has a bandwidth */
    int64_t region_nodes[NETWORK_MAX_REGIONS]; /* regions.nodes */
    int64_t nplaced;                           /* sum of region_nodes; 0 = i mod R */
    int64_t clients_region;                    /* -1 = i mod R */
    int npartitions;
    network_partition partitions[NETWORK_MAX_PARTITIONS];
} network_params;

/* Per-replication network state. */
typedef struct network {
    const network_params *p;
    uint32_t nodes;
    gsl_rng *rng;
    int64_t *link_free_ns;  /* [nodes] egress link busy until */
    uint8_t *region;        /* [nodes] */
    uint8_t *cut;           /* [npartitions][nodes]: 1 inside the window's set */
    double ns_per_byte;     /* serialisation; 0 = unlimited bandwidth */
    int64_t *link_free_pair_ns; /* [R * R] region links busy until (has_links) */
    int64_t lost;           /* messages lost (loss or partition) */
    uint64_t *sort_tmp;     /* [nodes] multicast sort buffer (trades places) */
    uint32_t *sort_count;   /* [nodes + 1] bucket counters */
} network_t;

/* The copies of one multicast.  Recipients are < 65,536; a copy that
 * would arrive 2^48 ns (78 hours) or more after base_ns is never
 * delivered. */
typedef struct network_mcast {
    int64_t base_ns;        /* when the copies leave the sender */
    uint32_t n, next;       /* copies queued, next to deliver */
    uint64_t *key;          /* [nodes]: (arrival - base_ns) << 16 | recipient */
} network_mcast;

#define NETWORK_MCAST_MAX_HOLD_NS (INT64_C(1) << 48)

/* Reads the `network` mapping sec (may be NULL: defaults) into p.
 * class_names[0..nclasses) are the message classes the caller distinguishes
 * (keys of class_delay).  Returns 0 or -1 after recording diagnostics. */
int network_configure(cfg_ctx *c, cfg_node *sec, const char *const *class_names,
                      int nclasses, network_params *p);
/* Sets up net for nodes endpoints drawing from rng (owned by the caller,
 * typically sim_stream()).  Partition node ids >= nodes are ignored.
 * Returns 0 or ERR_SOFTWARE / ERR_DATA with e set. */
int network_init(network_t *net, const network_params *p, uint32_t nodes,
                 gsl_rng *rng, err_t *e);
/* Frees what network_init allocated; safe on a zeroed or released net. */
void network_release(network_t *net);

/* Arrival time of a message of bytes bytes sent at send_ns from `from` to
 * `to` in class cls (0 when the model has no classes), or -1 when it is
 * lost.  Consumes the sender's link time even when the message is lost. */
int64_t network_arrival(network_t *net, int64_t send_ns, uint32_t from,
                        uint32_t to, uint32_t bytes, int cls);
/* Allocates mc's key array for net's nodes (mc zeroed or released
 * before); 0, or -1 when out of memory (mc is then released). */
int network_mcast_init(const network_t *net, network_mcast *mc);
/* Frees mc's keys; safe on a zeroed or released mc. */
void network_mcast_release(network_mcast *mc);

/* Starts a new multicast in mc whose copies leave at send_ns. */
static inline void network_mcast_begin(network_mcast *mc, int64_t send_ns)
{
    mc->base_ns = send_ns;
    mc->n = mc->next = 0;
}

/* Sends one copy of a bytes-byte message of class cls from `from` to `to`
 * (network_arrival), held back by the sender for hold_ns more; returns 1
 * when the copy will arrive, 0 when it is lost or held back past the
 * horizon.  Each recipient at most once per multicast. */
static inline int network_mcast_add(network_t *net, network_mcast *mc, uint32_t from,
                                    uint32_t to, uint32_t bytes, int cls, int64_t hold_ns)
{
    INVARIANT(to <= 0xFFFF && mc->n < net->nodes, "a copy per recipient, ids in 16 bits");
    int64_t arr = network_arrival(net, mc->base_ns, from, to, bytes, cls);
    if (arr < 0)
        return 0;
    uint64_t off = (uint64_t)(arr + hold_ns - mc->base_ns);
    if (off >= (uint64_t)NETWORK_MCAST_MAX_HOLD_NS)
        return 0;
    mc->key[mc->n++] = off << 16 | to;
    return 1;
}

/* network_mcast_add for each recipient to[0..k) in that order (so the same
 * numbers are drawn in the same order), copy i held back hold_ns[i] more
 * (hold_ns NULL: none); returns how many copies will arrive.  One loop
 * per multicast, with what every copy shares (distribution, serialisation
 * time, the sender's region) worked out once. */
uint32_t network_mcast_add_batch(network_t *net, network_mcast *mc, uint32_t from,
                                 const uint32_t *to, const int64_t *hold_ns, uint32_t k,
                                 uint32_t bytes, int cls);

/* Puts the copies added since network_mcast_begin in arrival order (ties
 * by recipient); call once, after the last network_mcast_add. */
void network_mcast_sort(network_t *net, network_mcast *mc);

/* 1 while copies remain to be delivered. */
static inline int network_mcast_pending(const network_mcast *mc)
{
    return mc->next < mc->n;
}

/* Arrival time of the next copy to deliver (network_mcast_pending). */
static inline int64_t network_mcast_due(const network_mcast *mc)
{
    return mc->base_ns + (int64_t)(mc->key[mc->next] >> 16);
}

/* Takes the next copy into *to when it arrives at due_ns (a value
 * network_mcast_due returned); 0 when none is left at that instant. */
static inline int network_mcast_take(network_mcast *mc, int64_t due_ns, uint32_t *to)
{
    INVARIANT(mc->next <= mc->n, "delivery never passes the copies queued");
    if (mc->next >= mc->n || (mc->key[mc->next] >> 16) != (uint64_t)(due_ns - mc->base_ns))
        return 0;
    *to = (uint32_t)(mc->key[mc->next++] & 0xFFFF);
    return 1;
}

/* Takes the next copy (network_mcast_pending) into *to, whenever it is
 * due; returns 1 when the copy after it is due at the same instant (so a
 * caller woken at a copy's instant takes them all without comparing the
 * first). */
static inline int network_mcast_take_next(network_mcast *mc, uint32_t *to)
{
    INVARIANT(mc->next < mc->n, "a copy is pending");
    uint64_t k = mc->key[mc->next++];
    *to = (uint32_t)(k & 0xFFFF);
    return mc->next < mc->n && (mc->key[mc->next] >> 16) == (k >> 16);
}

/* 1 when a partition window separates a and b at time t_ns. */
int network_cut(const network_t *net, int64_t t_ns, uint32_t a, uint32_t b);
/* Region of node i (0 without regions). */
static inline uint32_t network_region(const network_t *net, uint32_t i)
{
    return net->region[i];
}
/* Mean one-way delay of class cls between regions of a and b, excluding
 * serialisation (ns); for closed-form checks. */
double network_mean_delay_ns(const network_t *net, uint32_t a, uint32_t b, int cls);

#endif
