/* network.c - delays, regions, bandwidth, loss and partitions (see
 * network.h).
 *
 * Invariants: link_free_ns[i] is the time node i's egress link finishes the
 * last message handed to it (never decreases); cut[k * nodes + i] is 1 iff
 * node i is in partition k's set.  The hot path (network_arrival) draws at
 * most two numbers and never allocates.
 */
#include "network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

/* A R x R matrix of durations (latency) or non-negative numbers (link
 * bandwidth) at key of reg; a number instead of the bandwidth matrix
 * applies to every pair.  0 or -1 with diagnostics. */
static int network_region_matrix(cfg_ctx *c, cfg_node *reg, const char *key, int64_t R,
                                 int64_t lat[][NETWORK_MAX_REGIONS],
                                 double mbps[][NETWORK_MAX_REGIONS])
{
    cfg_node *m = cfg_get(reg, key);
    if (!m)
        return 0;
    char why[160];
    if (mbps && m->kind == CFG_SCALAR) {
        double v = 0;
        if (cfg_parse_double(m->text, &v, why, sizeof why) != 0 || !(v >= 0) || v > 1e9) {
            cfg_error(c, m, "network.regions.%s: expected Mbit/s >= 0 (one number for "
                      "every region pair, or a %lld x %lld matrix)", key, (long long)R,
                      (long long)R);
            return -1;
        }
        for (int64_t a = 0; a < R; a++)
            for (int64_t b = 0; b < R; b++)
                mbps[a][b] = v;
        return 0;
    }
    if (m->kind != CFG_SEQ || (int64_t)m->n != R) {
        cfg_error(c, m, "network.regions.%s: expected %lld rows of %lld %s", key,
                  (long long)R, (long long)R, mbps ? "numbers (Mbit/s)" : "durations");
        return -1;
    }
    int bad = 0;
    for (size_t r = 0; r < m->n; r++) {
        cfg_node *row = m->items[r];
        if (row->kind != CFG_SEQ || (int64_t)row->n != R) {
            cfg_error(c, row, "network.regions.%s row %zu: expected a list of %lld %s", key,
                      r + 1, (long long)R, mbps ? "numbers (Mbit/s)" : "durations");
            bad = -1;
            continue;
        }
        for (size_t k = 0; k < row->n; k++) {
            cfg_node *cell = row->items[k];
            int64_t ns = 0;
            double v = 0;
            int ok = cell->kind == CFG_SCALAR &&
                     (mbps ? cfg_parse_double(cell->text, &v, why, sizeof why) == 0 && v >= 0 &&
                                 v <= 1e9
                           : cfg_parse_duration(cell->text, &ns, why, sizeof why) == 0 && ns >= 0);
            if (!ok) {
                cfg_error(c, cell, "network.regions.%s[%zu][%zu]: expected %s", key, r + 1,
                          k + 1, mbps ? "Mbit/s >= 0 like 1000" : "a duration like 40ms");
                bad = -1;
                continue;
            }
            if (mbps)
                mbps[r][k] = v;
            else
                lat[r][k] = ns;
        }
    }
    return bad;
}

/* One region layout (the regions mapping, or one of its deployments) into
 * p's region fields. */
static int network_configure_layout(cfg_ctx *c, cfg_node *reg, network_params *p)
{
    int bad = 0;
    bad |= cfg_int(c, reg, "count", 1, 1, NETWORK_MAX_REGIONS, &p->nregions);
    int64_t R = p->nregions;
    if (!cfg_get(reg, "latency") && R > 1) {
        cfg_error(c, reg, "network.regions: 'latency' (a %lld x %lld matrix of "
                  "durations) is required when count > 1", (long long)R, (long long)R);
        return -1;
    }
    bad |= network_region_matrix(c, reg, "latency", R, p->latency_ns, NULL);
    bad |= network_region_matrix(c, reg, "bandwidth_mbps", R, NULL, p->link_mbps);
    for (int64_t a = 0; a < R; a++)
        for (int64_t b = 0; b < R; b++)
            p->has_links |= a != b && p->link_mbps[a][b] > 0;
    bad |= cfg_int(c, reg, "clients", -1, 0, R - 1, &p->clients_region);
    cfg_node *nodes = cfg_list(c, reg, "nodes");
    if (p->clients_region >= 0 && !nodes) {
        cfg_error(c, cfg_get(reg, "clients"), "network.regions.clients: places the ids past "
                  "the placed nodes, so it needs 'nodes' (each region's count)");
        bad = -1;
    }
    if (nodes) {
        if ((int64_t)nodes->n != R) {
            cfg_error(c, nodes, "network.regions.nodes: expected %lld counts (nodes per "
                      "region), found %zu", (long long)R, nodes->n);
            return -1;
        }
        for (size_t k = 0; k < nodes->n; k++) {
            char why[160];
            int64_t v = -1;
            if (nodes->items[k]->kind != CFG_SCALAR ||
                cfg_parse_int(nodes->items[k]->text, &v, why, sizeof why) != 0 || v < 0 ||
                v > 65535) {
                cfg_error(c, nodes->items[k], "network.regions.nodes[%zu]: expected a "
                          "count of nodes, 0 to 65535", k + 1);
                bad = -1;
                continue;
            }
            p->region_nodes[k] = v;
            p->nplaced += v;
        }
        if (!bad && p->nplaced == 0) {
            cfg_error(c, nodes, "network.regions.nodes: places no node (give each region's "
                      "count)");
            bad = -1;
        }
    }
    return bad;
}

/* The region fields of p, cleared: one region, no links, no placement. */
static void network_clear_layout(network_params *p)
{
    p->nregions = 1;
    memset(p->latency_ns, 0, sizeof p->latency_ns);
    memset(p->link_mbps, 0, sizeof p->link_mbps);
    memset(p->region_nodes, 0, sizeof p->region_nodes);
    p->has_links = 0;
    p->nplaced = 0;
    p->clients_region = -1;
}

static int network_configure_deployments(cfg_ctx *c, cfg_node *reg, cfg_node *deps,
                                         network_params *p);

static int network_configure_regions(cfg_ctx *c, cfg_node *sec, network_params *p)
{
    cfg_node *reg = cfg_section(c, sec, "regions");
    network_clear_layout(p);
    if (!reg)
        return 0;
    char saved[sizeof c->prefix];
    cfg_prefix_enter(c, "regions", saved);
    cfg_node *deps = cfg_get(reg, "deployments");
    int bad = deps ? network_configure_deployments(c, reg, deps, p)
                   : network_configure_layout(c, reg, p);
    cfg_set_prefix(c, saved);
    return bad;
}

/* Named deployments: every one checked, the chosen one kept in p. */
static int network_configure_deployments(cfg_ctx *c, cfg_node *reg, cfg_node *deps,
                                         network_params *p)
{
    const char *chosen = NULL;
    int bad = cfg_require(c, reg, "deployment");
    bad |= cfg_name_string(c, reg, "deployment", "", SINK_NAME_ID, &chosen);
    static const char *const layout_keys[] = { "count", "latency", "bandwidth_mbps", "nodes",
                                               "clients" };
    for (size_t k = 0; k < sizeof layout_keys / sizeof layout_keys[0]; k++)
        if (cfg_get(reg, layout_keys[k])) {
            cfg_error(c, reg, "network.regions: '%s' belongs inside each of 'deployments' "
                      "when deployments are named", layout_keys[k]);
            bad = -1;
        }
    if (deps->kind != CFG_MAP || !deps->n) {
        cfg_error(c, deps, "network.regions.deployments: expected a mapping of names to "
                  "{count, latency, bandwidth_mbps, nodes, clients}");
        return -1;
    }
    int found = 0;
    for (size_t i = 0; i < deps->n; i++) {
        cfg_node *d = cfg_get(deps, deps->keys[i]);
        bad |= cfg_check_name(c, d, "network.regions.deployments: the name", deps->keys[i],
                              SINK_NAME_ID);
        if (d->kind != CFG_MAP) {
            cfg_error(c, d, "network.regions.deployments.%s: expected a mapping like "
                      "{count: 3, latency: [[...]], nodes: [43, 42, 42]}", deps->keys[i]);
            bad = -1;
            continue;
        }
        /* Every deployment is checked; the chosen one is kept.  Its
         * resolved values are named by it ("...deployments.us_3.count"). */
        network_params tmp = *p;
        network_clear_layout(&tmp);
        char saved[sizeof c->prefix], item[96];
        snprintf(item, sizeof item, "deployments.%.64s", deps->keys[i]);
        cfg_prefix_enter(c, item, saved);
        bad |= network_configure_layout(c, d, &tmp);
        cfg_set_prefix(c, saved);
        if (chosen && !strcmp(chosen, deps->keys[i])) {
            *p = tmp;
            found = 1;
        }
    }
    if (!bad && !found) {
        cfg_error(c, cfg_get(reg, "deployment"), "network.regions.deployment: '%s' is not "
                  "one of the names under deployments", chosen ? chosen : "");
        bad = -1;
    }
    return bad;
}

static int network_configure_partitions(cfg_ctx *c, cfg_node *sec, network_params *p)
{
    int bad = 0;
    cfg_node *parts = cfg_list_upto(c, sec, "partitions", NETWORK_MAX_PARTITIONS,
                                    "network.partitions", "windows", &bad);
    if (!parts)
        return bad;
    for (size_t i = 0; i < parts->n; i++) {
        cfg_node *w = cfg_list_map(c, parts, i, "network.partitions", "window",
                                   "{first: 0, count: 3, from: 1s, to: 5s}", &bad);
        if (!w)
            continue;
        network_partition *q = &p->partitions[i];
        char saved[sizeof c->prefix], item[48];
        snprintf(item, sizeof item, "partitions[%zu]", i);
        cfg_prefix_enter(c, item, saved);
        bad |= cfg_int(c, w, "first", 0, 0, INT64_C(1) << 30, &q->first);
        bad |= cfg_int(c, w, "count", 0, 0, INT64_C(1) << 30, &q->count);
        bad |= cfg_require(c, w, "from");
        bad |= cfg_require(c, w, "to");
        bad |= cfg_duration(c, w, "from", 0, 0, INT64_MAX / 4, &q->from_ns);
        bad |= cfg_duration(c, w, "to", 0, 0, INT64_MAX / 4, &q->to_ns);
        cfg_set_prefix(c, saved);
        cfg_node *list = cfg_list(c, w, "nodes");
        if (list) {
            if (list->n > NETWORK_MAX_PARTITION_LIST) {
                cfg_error(c, list, "network.partitions.nodes: at most %d ids "
                          "(use first/count for ranges)", NETWORK_MAX_PARTITION_LIST);
                bad = -1;
            } else {
                for (size_t k = 0; k < list->n; k++) {
                    char why[160];
                    int64_t id = -1;
                    if (list->items[k]->kind != CFG_SCALAR ||
                        cfg_parse_int(list->items[k]->text, &id, why, sizeof why) != 0 ||
                        id < 0) {
                        cfg_error(c, list->items[k], "network.partitions.nodes: "
                                  "expected a node id >= 0");
                        bad = -1;
                        continue;
                    }
                    q->list[q->nlist++] = id;
                }
            }
        }
        if (q->to_ns <= q->from_ns) {
            cfg_error(c, w, "network.partitions: 'to' must be after 'from'");
            bad = -1;
        }
        if (q->count == 0 && q->nlist == 0) {
            cfg_error(c, w, "network.partitions: the window cuts off no node "
                      "(give count or nodes)");
            bad = -1;
        }
    }
    p->npartitions = (int)parts->n;
    return bad;
}

int network_configure(cfg_ctx *c, cfg_node *sec, const char *const *class_names,
                      int nclasses, network_params *p)
{
    int bad = 0;
    dist_t def = dist_lognormal(1e6, 0.5);
    if (nclasses > NETWORK_MAX_CLASSES)
        nclasses = NETWORK_MAX_CLASSES;
    p->nclasses = nclasses;
    bad |= cfg_dist(c, sec, "delay", &def, 1, &p->delay);
    cfg_node *cls = cfg_section(c, sec, "class_delay");
    char saved[sizeof c->prefix];
    cfg_prefix_enter(c, "class_delay", saved);
    for (int k = 0; k < nclasses; k++) {
        p->class_delay[k] = p->delay;
        if (cls && cfg_get(cls, class_names[k])) {
            p->class_has_delay[k] = 1;
            bad |= cfg_dist(c, cls, class_names[k], &p->delay, 1, &p->class_delay[k]);
        }
    }
    cfg_set_prefix(c, saved);
    bad |= cfg_double(c, sec, "bandwidth_mbps", 0.0, 0.0, 1e9, &p->bandwidth_mbps);
    bad |= cfg_fraction(c, sec, "loss", 0.0, 0.0, 1.0, &p->loss);
    bad |= network_configure_regions(c, sec, p);
    bad |= network_configure_partitions(c, sec, p);
    return bad ? -1 : 0;
}

int network_init(network_t *net, const network_params *p, uint32_t nodes,
                 gsl_rng *rng, err_t *e)
{
    memset(net, 0, sizeof *net);
    net->p = p;
    net->nodes = nodes;
    net->rng = rng;
    net->link_free_ns = calloc(nodes ? nodes : 1, sizeof *net->link_free_ns);
    net->region = calloc(nodes ? nodes : 1, 1);
    if (p->npartitions)
        net->cut = calloc((size_t)p->npartitions * nodes, 1);
    net->sort_tmp = malloc(((size_t)nodes + 1) * sizeof *net->sort_tmp);
    net->sort_count = malloc(((size_t)nodes + 2) * sizeof *net->sort_count);
    if (p->has_links)
        net->link_free_pair_ns = calloc((size_t)(p->nregions * p->nregions),
                                        sizeof *net->link_free_pair_ns);
    if (!net->link_free_ns || !net->region || (p->npartitions && !net->cut) ||
        !net->sort_tmp || !net->sort_count || (p->has_links && !net->link_free_pair_ns))
        goto oom;
    if (p->nplaced > (int64_t)nodes) {
        network_release(net);
        return err_set(e, ERR_DATA, NULL, 0, 0, "network.regions.nodes: places %lld nodes "
                       "but the network has %u", (long long)p->nplaced, nodes);
    }
    /* Placed nodes are dealt to the regions in turn (a full region is
     * skipped); the rest, and every node without placement, i mod R. */
    uint32_t R = (uint32_t)p->nregions, next = 0;
    int64_t held[NETWORK_MAX_REGIONS] = { 0 };
    for (uint32_t i = 0; i < nodes; i++) {
        uint32_t k = i % R;
        if ((int64_t)i < p->nplaced) {
            for (uint32_t t = 0; t < R; t++) {
                k = (next + t) % R;
                if (held[k] < p->region_nodes[k])
                    break;
            }
            held[k]++;
            next = k + 1;
        } else if (p->nplaced > 0 && p->clients_region >= 0) {
            k = (uint32_t)p->clients_region;
        }
        net->region[i] = (uint8_t)k;
    }
    for (int k = 0; k < p->npartitions; k++) {
        const network_partition *q = &p->partitions[k];
        uint8_t *cut = net->cut + (size_t)k * nodes;
        for (int64_t i = q->first; i < q->first + q->count && i < (int64_t)nodes; i++)
            cut[i] = 1;
        for (int64_t j = 0; j < q->nlist; j++)
            if (q->list[j] < (int64_t)nodes)
                cut[q->list[j]] = 1;
    }
    net->ns_per_byte = p->bandwidth_mbps > 0 ? 8e9 / (p->bandwidth_mbps * 1e6) : 0.0;
    return 0;
oom:
    network_release(net);
    return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "network: out of memory for %u nodes",
                   nodes);
}

void network_release(network_t *net)
{
    if (!net)
        return;
    free(net->link_free_ns);
    free(net->region);
    free(net->cut);
    free(net->sort_tmp);
    free(net->sort_count);
    free(net->link_free_pair_ns);
    net->link_free_pair_ns = NULL;
    net->link_free_ns = NULL;
    net->region = NULL;
    net->cut = NULL;
    net->sort_tmp = NULL;
    net->sort_count = NULL;
}

int network_mcast_init(const network_t *net, network_mcast *mc)
{
    memset(mc, 0, sizeof *mc);
    mc->key = malloc(((size_t)net->nodes + 1) * sizeof *mc->key);
    return mc->key ? 0 : -1;
}

void network_mcast_release(network_mcast *mc)
{
    if (!mc)
        return;
    free(mc->key);
    mc->key = NULL;
    mc->n = mc->next = 0;
}

/* Sorts the n distinct keys of a ascending and returns the sorted array:
 * a itself, or tmp (n entries) holding them.  count: n + 1 words of
 * workspace.  One bucket pass over the keys' range (about one key per
 * bucket, stable), then an insertion sort that only fixes order inside
 * buckets; input already sorted (constant delays) is returned at once.
 * Arrival times are spread too evenly for the quicksort this replaced to
 * beat its branch mispredictions. */
static uint64_t *network_sort_keys(uint64_t *a, uint64_t *tmp, uint32_t *count, uint32_t n)
{
    if (n < 2)
        return a;
    uint64_t lo = a[0], hi = a[0];
    int sorted = 1;
    for (uint32_t i = 1; i < n; i++) {
        uint64_t k = a[i];
        sorted &= a[i - 1] <= k;
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    if (sorted)
        return a;
    uint64_t range = hi - lo; /* > 0: keys are distinct */
    unsigned range_bits = 64 - (unsigned)__builtin_clzll(range);
    unsigned n_bits = 32 - (unsigned)__builtin_clz(n);
    unsigned shift = range_bits > n_bits ? range_bits - n_bits : 0;
    while ((range >> shift) >= n)
        shift++;
    uint32_t nb = (uint32_t)(range >> shift) + 1; /* <= n */
    memset(count, 0, ((size_t)nb + 1) * sizeof *count);
    for (uint32_t i = 0; i < n; i++)
        count[((a[i] - lo) >> shift) + 1]++;
    for (uint32_t b = 1; b < nb; b++)
        count[b] += count[b - 1]; /* count[b]: first index of bucket b */
    for (uint32_t i = 0; i < n; i++)
        tmp[count[(a[i] - lo) >> shift]++] = a[i];
    for (uint32_t i = 1; i < n; i++) {
        uint64_t t = tmp[i];
        uint32_t j = i;
        for (; j > 0 && tmp[j - 1] > t; j--)
            tmp[j] = tmp[j - 1];
        tmp[j] = t;
    }
    return tmp;
}

void network_mcast_sort(network_t *net, network_mcast *mc)
{
    uint64_t *sorted = network_sort_keys(mc->key, net->sort_tmp, net->sort_count, mc->n);
    if (sorted != mc->key) { /* same size: the buffers trade places */
        net->sort_tmp = mc->key;
        mc->key = sorted;
    }
}

int network_cut(const network_t *net, int64_t t_ns, uint32_t a, uint32_t b)
{
    const network_params *p = net->p;
    for (int k = 0; k < p->npartitions; k++) {
        const network_partition *q = &p->partitions[k];
        if (t_ns < q->from_ns || t_ns >= q->to_ns)
            continue;
        const uint8_t *cut = net->cut + (size_t)k * net->nodes;
        if (cut[a] != cut[b])
            return 1;
    }
    return 0;
}

/* One delay draw in ns.  The common kinds avoid gsl_ran_lognormal's
 * ratio-of-uniforms normal (the ziggurat is several times cheaper); the
 * distribution is the same. */
static double network_draw(const dist_t *d, gsl_rng *r)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_EXPONENTIAL:
        return rng_exponential(r, d->a);
    case DIST_LOGNORMAL:
        return d->a * exp(d->b * gsl_ran_gaussian_ziggurat(r, 1.0));
    default: {
        double x = dist_sample(d, r);
        return x > 0 ? x : 0.0;
    }
    }
}

/* When the message leaves the link between from's and to's regions, having
 * reached it at depart (the FIFO of that ordered pair; unchanged inside a
 * region or without a bandwidth for the pair). */
static inline int64_t network_region_link(network_t *net, uint32_t from, uint32_t to,
                                          uint32_t bytes, int64_t depart)
{
    const network_params *p = net->p;
    uint32_t ra = net->region[from], rb = net->region[to];
    double mbps = p->link_mbps[ra][rb];
    if (ra == rb || !(mbps > 0))
        return depart;
    int64_t *busy = &net->link_free_pair_ns[ra * (uint32_t)p->nregions + rb];
    int64_t start = *busy > depart ? *busy : depart;
    *busy = start + (int64_t)(8e3 / mbps * bytes + 0.5);
    return *busy;
}

int64_t network_arrival(network_t *net, int64_t send_ns, uint32_t from, uint32_t to,
                        uint32_t bytes, int cls)
{
    const network_params *p = net->p;
    int64_t depart = send_ns;
    if (net->ns_per_byte > 0) {
        int64_t start = net->link_free_ns[from] > send_ns ? net->link_free_ns[from] : send_ns;
        depart = start + (int64_t)(net->ns_per_byte * bytes + 0.5);
        net->link_free_ns[from] = depart;
    }
    if (p->npartitions && network_cut(net, send_ns, from, to)) {
        net->lost++;
        return -1;
    }
    if (p->loss > 0 && gsl_rng_uniform(net->rng) < p->loss) {
        net->lost++;
        return -1;
    }
    /* A lost message never reaches the region link. */
    if (p->has_links)
        depart = network_region_link(net, from, to, bytes, depart);
    /* class_delay[k] equals delay unless the scenario overrides class k. */
    const dist_t *d = cls >= 0 && cls < p->nclasses ? &p->class_delay[cls] : &p->delay;
    double delay = network_draw(d, net->rng);
    int64_t arrive = depart + (int64_t)(delay + 0.5);
    if (p->nregions > 1)
        arrive += p->latency_ns[net->region[from]][net->region[to]];
    return arrive;
}

/* network_mcast_add_batch's loop: network_arrival and network_mcast_add
 * for each copy in turn, with what is the same for every copy of the
 * multicast (the class's distribution, the sender's serialisation time
 * and region row) worked out once.  lognormal: d is lognormal; plain: no
 * bandwidth, region link, partition or loss (constants at each call, so the compiler
 * makes a loop of each combination). */
static inline __attribute__((always_inline)) uint32_t
network_mcast_batch_loop(network_t *net, network_mcast *mc, uint32_t from, const uint32_t *to,
                         const int64_t *hold_ns, uint32_t k, uint32_t bytes, const dist_t *d,
                         const int lognormal, const int plain)
{
    const network_params *p = net->p;
    const int64_t base = mc->base_ns;
    const int64_t *lat = p->nregions > 1 ? p->latency_ns[net->region[from]] : NULL;
    const int serialise = !plain && net->ns_per_byte > 0;
    const int64_t ser_ns = serialise ? (int64_t)(net->ns_per_byte * bytes + 0.5) : 0;
    const double median = d->a, sigma = d->b;
    uint32_t added = 0;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = to[i];
        INVARIANT(j <= 0xFFFF && mc->n < net->nodes, "a copy per recipient, ids in 16 bits");
        int64_t depart = base;
        if (serialise) {
            int64_t start = net->link_free_ns[from] > base ? net->link_free_ns[from] : base;
            depart = start + ser_ns;
            net->link_free_ns[from] = depart;
        }
        if (!plain && p->npartitions && network_cut(net, base, from, j)) {
            net->lost++;
            continue;
        }
        if (!plain && p->loss > 0 && gsl_rng_uniform(net->rng) < p->loss) {
            net->lost++;
            continue;
        }
        if (!plain && p->has_links)
            depart = network_region_link(net, from, j, bytes, depart);
        double delay = lognormal ? median * exp(sigma * gsl_ran_gaussian_ziggurat(net->rng, 1.0))
                                 : network_draw(d, net->rng);
        int64_t arrive = depart + (int64_t)(delay + 0.5);
        if (lat)
            arrive += lat[net->region[j]];
        uint64_t off = (uint64_t)(arrive + (hold_ns ? hold_ns[i] : 0) - base);
        if (off >= (uint64_t)NETWORK_MCAST_MAX_HOLD_NS)
            continue;
        mc->key[mc->n++] = off << 16 | j;
        added++;
    }
    return added;
}

uint32_t network_mcast_add_batch(network_t *net, network_mcast *mc, uint32_t from,
                                 const uint32_t *to, const int64_t *hold_ns, uint32_t k,
                                 uint32_t bytes, int cls)
{
    const network_params *p = net->p;
    /* class_delay[k] equals delay unless the scenario overrides class k. */
    const dist_t *d = cls >= 0 && cls < p->nclasses ? &p->class_delay[cls] : &p->delay;
    int lognormal = d->kind == DIST_LOGNORMAL;
    if (!(net->ns_per_byte > 0) && !p->npartitions && !(p->loss > 0) && !p->has_links)
        return lognormal ? network_mcast_batch_loop(net, mc, from, to, hold_ns, k, bytes, d, 1, 1)
                         : network_mcast_batch_loop(net, mc, from, to, hold_ns, k, bytes, d, 0, 1);
    return lognormal ? network_mcast_batch_loop(net, mc, from, to, hold_ns, k, bytes, d, 1, 0)
                     : network_mcast_batch_loop(net, mc, from, to, hold_ns, k, bytes, d, 0, 0);
}

double network_mean_delay_ns(const network_t *net, uint32_t a, uint32_t b, int cls)
{
    const network_params *p = net->p;
    const dist_t *d = cls >= 0 && cls < p->nclasses ? &p->class_delay[cls] : &p->delay;
    double m = dist_mean(d);
    if (p->nregions > 1)
        m += (double)p->latency_ns[net->region[a]][net->region[b]];
    return m;
}
