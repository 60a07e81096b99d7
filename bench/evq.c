/* bench/evq.c - hold-model microbenchmark of the event calendar.
 *
 * N entries pending; each operation takes the earliest entry (time t) and
 * replaces it by one at t + increment, as the engine does when a handler
 * schedules one event (evq_replace_top).  Compares sim/engine/evq.c with "heap4",
 * a copy of the 4-ary heap it replaced (git 7829f9e), kept here as the
 * reference.  Every run checks that entries come out in (time, seq) order.
 *
 * usage: bench_evq [--n N] [--ops M] [--dist exp|uniform|bimodal|ties|all]
 *                  [--reps R]
 * Increments (mean about 1 ms = 1e6 ns):
 *   exp      exponential, mean 1 ms
 *   uniform  uniform on [0, 2 ms)
 *   bimodal  99% exponential mean 1 ms, 1% exponential mean 500 ms
 *   ties     1, 2, 3 or 4 ms exactly: about N/4 entries share each time
 * One line per (structure, distribution):
 *   impl=<s> dist=<d> n=<N> ops=<M> ns_per_op=<x> mops_per_s=<y> bytes_per_pending=<b>
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "evq.h"

/* ---- heap4: the previous calendar's algorithm (names and growth aside) ---- */

typedef struct heap4 {
    evq_entry *heap;
    size_t n, cap;
    uint32_t next_seq;
} heap4;

static void heap4_sift_up(evq_entry *h, size_t i, evq_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!(e.key < h[parent].key))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

static void heap4_sift_down(evq_entry *h, size_t n, size_t i, evq_entry e)
{
    for (;;) {
        size_t c = (i << 2) + 1;
        size_t best;
        if (c + 3 < n) {
            size_t a = h[c + 1].key < h[c].key ? c + 1 : c;
            size_t b = h[c + 3].key < h[c + 2].key ? c + 3 : c + 2;
            best = h[b].key < h[a].key ? b : a;
        } else if (c < n) {
            best = c;
            for (size_t k = c + 1; k < n; k++)
                if (h[k].key < h[best].key)
                    best = k;
        } else {
            break;
        }
        h[i] = h[best];
        i = best;
    }
    heap4_sift_up(h, i, e);
}

/* No renumbering: the benchmark stays far below 2^32 insertions. */
static int heap4_push(heap4 *q, int64_t time, uint32_t slot)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        evq_entry *h = realloc(q->heap, cap * sizeof *h);
        if (!h)
            return -1;
        q->heap = h;
        q->cap = cap;
    }
    evq_entry e = { .slot = slot, .seq = q->next_seq++, .time = time };
    heap4_sift_up(q->heap, q->n++, e);
    return 0;
}

static void heap4_replace_top(heap4 *q, int64_t time, uint32_t slot)
{
    evq_entry e = { .slot = slot, .seq = q->next_seq++, .time = time };
    heap4_sift_down(q->heap, q->n, 0, e);
}

/* ---- workload ---- */

enum { DIST_EXP, DIST_UNIFORM, DIST_BIMODAL, DIST_TIES, NDIST };
static const char *const dist_names[NDIST] = { "exp", "uniform", "bimodal", "ties" };

#define TABLE_BITS 20
#define TABLE_SIZE (1u << TABLE_BITS)

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s) /* (0, 1] */
{
    return ((double)(splitmix64(s) >> 11) + 1.0) * 0x1.0p-53;
}

/* Increments are drawn once into a table, so both structures see the same
 * sequence and drawing costs the same small, sequential read. */
static void fill_table(int64_t *tab, int dist, uint64_t seed)
{
    for (size_t i = 0; i < TABLE_SIZE; i++) {
        double x;
        switch (dist) {
        case DIST_EXP: x = -log(unit(&seed)) * 1e6; break;
        case DIST_UNIFORM: x = (unit(&seed) * 2e6); break;
        case DIST_BIMODAL:
            x = -log(unit(&seed)) * (unit(&seed) < 0.01 ? 5e8 : 1e6);
            break;
        default: x = (double)(1 + (splitmix64(&seed) & 3)) * 1e6; break;
        }
        tab[i] = (int64_t)x;
    }
}

typedef struct result {
    double ns_per_op, bytes_per_pending;
} result;

static void check_order(const evq_entry *prev, const evq_entry *top, const char *impl)
{
    if (top->key < prev->key) {
        fprintf(stderr, "%s: order violated\n", impl);
        exit(70);
    }
}

static result run_heap4(const int64_t *tab, size_t n, size_t ops)
{
    heap4 q = { 0 };
    for (size_t i = 0; i < n; i++)
        if (heap4_push(&q, tab[i & (TABLE_SIZE - 1)], (uint32_t)i) != 0)
            exit(71);
    evq_entry prev = q.heap[0];
    double t0 = bench_clock();
    for (size_t k = 0; k < ops; k++) {
        const evq_entry *top = &q.heap[0];
        check_order(&prev, top, "heap4");
        prev = *top;
        heap4_replace_top(&q, top->time + tab[(n + k) & (TABLE_SIZE - 1)], top->slot);
    }
    result r = { (bench_clock() - t0) * 1e9 / (double)ops,
                 (double)(q.cap * sizeof(evq_entry)) / (double)n };
    free(q.heap);
    return r;
}

static result run_evq(const int64_t *tab, size_t n, size_t ops)
{
    evq q;
    if (evq_init(&q, 1024) != 0)
        exit(71);
    for (size_t i = 0; i < n; i++)
        if (evq_push(&q, tab[i & (TABLE_SIZE - 1)], (uint32_t)i) != 0)
            exit(71);
    evq_entry prev = *evq_top(&q);
    double t0 = bench_clock();
    for (size_t k = 0; k < ops; k++) {
        const evq_entry *top = evq_top(&q);
        check_order(&prev, top, "evq");
        prev = *top;
        evq_replace_top(&q, top->time + tab[(n + k) & (TABLE_SIZE - 1)], top->slot);
    }
    result r = { (bench_clock() - t0) * 1e9 / (double)ops,
                 (double)evq_bytes(&q) / (double)n };
    evq_free(&q);
    return r;
}

int main(int argc, char **argv)
{
    size_t n = 1024, ops = 20000000;
    long long reps = 3;
    int only = -1;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--n")) n = (size_t)bench_int(f, v);
        else if (!strcmp(f, "--ops")) ops = (size_t)bench_int(f, v);
        else if (!strcmp(f, "--reps")) reps = bench_int(f, v);
        else if (!strcmp(f, "--dist") && v) {
            only = -1;
            for (int d = 0; d < NDIST; d++)
                if (!strcmp(v, dist_names[d]))
                    only = d;
            if (only < 0 && strcmp(v, "all") != 0) {
                fprintf(stderr, "--dist: exp, uniform, bimodal, ties or all\n");
                return 64;
            }
        } else {
            fprintf(stderr, "usage: %s [--n N] [--ops M] [--dist exp|uniform|bimodal|ties|all] "
                            "[--reps R]\n", argv[0]);
            return 64;
        }
        i++;
    }
    if (n < 1 || ops < 1 || reps < 1 || n > UINT32_MAX) {
        fprintf(stderr, "need n >= 1, ops >= 1, reps >= 1\n");
        return 64;
    }
    int64_t *tab = malloc(TABLE_SIZE * sizeof *tab);
    if (!tab)
        return 71;
    for (int d = 0; d < NDIST; d++) {
        if (only >= 0 && d != only)
            continue;
        fill_table(tab, d, 12345);
        result best[2] = { { INFINITY, 0 }, { INFINITY, 0 } };
        for (long long r = 0; r < reps; r++) {
            /* Alternate so that background load hits both alike. */
            result a = run_heap4(tab, n, ops), b = run_evq(tab, n, ops);
            if (a.ns_per_op < best[0].ns_per_op) best[0] = a;
            if (b.ns_per_op < best[1].ns_per_op) best[1] = b;
        }
        for (int k = 0; k < 2; k++)
            printf("impl=%s dist=%s n=%zu ops=%zu ns_per_op=%.1f mops_per_s=%.2f "
                   "bytes_per_pending=%.1f\n", k ? "evq" : "heap4", dist_names[d], n, ops,
                   best[k].ns_per_op, 1e3 / best[k].ns_per_op, best[k].bytes_per_pending);
        fflush(stdout);
    }
    free(tab);
    return 0;
}
