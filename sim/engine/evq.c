/* evq.c - two-tier calendar: 4-ary heap for the near future, bucketed
 * linked lists for the far future (see evq.h).
 *
 * Invariants:
 *  1. Every heap entry is earlier (by time, then seq) than every far entry:
 *     heap times are <= split <= far times, and a heap entry whose time
 *     equals split has a lower seq than any far entry at that time.
 *     Routing by time alone keeps this: a new entry has the highest seq,
 *     so sending time < split to the heap and the rest to the far tier
 *     puts it after everything it ties with.
 *  2. The heap is a 4-ary min-heap: !evq_before(&heap[i], &heap[(i-1)/4]).
 *  3. heap_n > 0 whenever n > 0, so evq_top is a plain load.
 *  4. Bucket b in [cur, nbuckets) holds only times in
 *     [rung_start + b*2^shift, rung_start + (b+1)*2^shift); buckets below
 *     cur are empty; the overflow holds only times at or after the rung's
 *     end; rung_start <= split.
 *  5. split == EVQ_SMALL: the far tier is empty (a small calendar is just
 *     the heap; it spills into the far tier at EVQ_SPILL entries).
 *  6. node_cap >= n, so moving an entry into the far tier (replace_top,
 *     renumbering) never allocates.
 * Each entry enters the overflow at most once, is moved into a bucket by
 * at most one rebuild, and is poured into the heap once: O(1) amortised,
 * plus heap steps on a heap the size of one bucket.
 *
 * Heap sifts move a "hole" instead of swapping, one write per level.
 * Removal sifts bottom-up (Wegener): the hole goes down to a leaf along
 * the smallest children without comparing against the moving entry, which
 * then sifts up from there.
 */
#include "evq.h"

#include <stdlib.h>

#include "invariant.h"

#define EVQ_NIL UINT32_MAX
#define EVQ_SMALL UINT64_MAX /* split of a calendar that is only a heap */
/* Heap size at which a small calendar starts using the far tier. */
#ifndef EVQ_SPILL
#define EVQ_SPILL 64
#endif
/* Heap size at which a calendar with a far tier spills again (when the
 * heap also holds more than a fifth of all entries). */
#ifndef EVQ_HEAP_MAX
#define EVQ_HEAP_MAX 256
#endif
/* Mean entries per bucket when a rung is built (memory: 4 B per bucket). */
#ifndef EVQ_BUCKET_FILL
#define EVQ_BUCKET_FILL 2
#endif

/* ---- the near tier: 4-ary heap ---- */

static void evq_sift_up(evq_entry *h, size_t i, evq_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!evq_before(&e, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

static void evq_sift_down(evq_entry *h, size_t n, size_t i, evq_entry e)
{
    for (;;) {
        size_t c = (i << 2) + 1;
        size_t best;
        if (c + 3 < n) {
            /* Full node: a tournament of three branch-free compares. */
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
    evq_sift_up(h, i, e);
}

static int evq_grow_heap(evq *q)
{
    size_t cap = q->heap_cap * 2;
    evq_entry *h = realloc(q->heap, cap * sizeof *h);
    if (!h)
        return -1;
    q->heap = h;
    q->heap_cap = cap;
    return 0;
}

/* ---- the far tier ---- */

static void evq_reset(evq *q)
{
    q->split = EVQ_SMALL;
    q->rung_start = 0;
    q->shift = 0;
    q->cur = q->nbuckets = 0;
    q->overflow = EVQ_NIL;
    q->overflow_n = 0;
    q->overflow_min = INT64_MAX;
    q->overflow_max = 0;
    q->heap_limit = EVQ_HEAP_MAX;
}

/* Links e into its bucket or the overflow; e.time >= split (invariant 1).
 * A free node exists by invariant 6. */
static inline void evq_far_insert(evq *q, evq_entry e)
{
    uint32_t i = q->free_node;
    if (i != EVQ_NIL)
        q->free_node = q->next[i];
    else
        i = q->node_used++;
    q->node[i] = e;
    uint64_t b = ((uint64_t)e.time - q->rung_start) >> q->shift;
    uint32_t *head;
    if (b < q->nbuckets) {
        head = &q->bucket[b];
    } else {
        head = &q->overflow;
        q->overflow_n++;
        if (e.time < q->overflow_min)
            q->overflow_min = e.time;
        if (e.time > q->overflow_max)
            q->overflow_max = e.time;
    }
    q->next[i] = *head;
    *head = i;
}

/* Heap size that triggers a spill: twice what the heap holds now, so a
 * spill (O(n)) is paid for by at least as many pushes. */
static inline size_t evq_heap_limit(size_t heap_n)
{
    return heap_n * 2 > EVQ_HEAP_MAX ? heap_n * 2 : EVQ_HEAP_MAX;
}

static inline void evq_free_node(evq *q, uint32_t i)
{
    q->next[i] = q->free_node;
    q->free_node = i;
}

/* Small calendar grown to EVQ_SPILL, or a heap grown past heap_limit
 * (its bucket, or the span below a far split, held too much): dissolve
 * the rung into the overflow, keep the root's time in the heap and move
 * later times to the overflow, from which the next rung is built. */
static void evq_spill(evq *q)
{
    for (uint32_t b = q->cur; b < q->nbuckets; b++) {
        for (uint32_t i = q->bucket[b], nx; i != EVQ_NIL; i = nx) {
            nx = q->next[i];
            int64_t t = q->node[i].time;
            q->next[i] = q->overflow;
            q->overflow = i;
            q->overflow_n++;
            if (t < q->overflow_min)
                q->overflow_min = t;
            if (t > q->overflow_max)
                q->overflow_max = t;
        }
    }
    int64_t t0 = q->heap[0].time;
    q->split = q->rung_start = (uint64_t)t0 + 1;
    q->cur = q->nbuckets = 0;
    size_t kept = 0;
    for (size_t i = 0; i < q->heap_n; i++) {
        evq_entry e = q->heap[i];
        if (e.time == t0)
            evq_sift_up(q->heap, kept++, e); /* writes only below i */
        else
            evq_far_insert(q, e);
    }
    q->heap_n = kept;
    q->heap_limit = evq_heap_limit(kept);
}

/* The rung is used up: spread the overflow over a new rung with about
 * EVQ_BUCKET_FILL entries per bucket.  The rung covers the shortest
 * power-of-two span from the overflow's earliest time that holds at least
 * three quarters of its entries (or its whole range if that is shorter);
 * the rest stay in the overflow.  Sizing from the whole range would let a
 * few far-future entries (long timeouts) widen every bucket until the
 * heap holds nearly everything.  Each rebuild places at least 3/4 of the
 * entries it scans, so rescanning the rest stays O(1) amortised.  Nodes
 * are relinked, not copied. */
static void evq_rebuild(evq *q)
{
    INVARIANT(q->overflow_n > 0, "a rebuild has an overflow to spread");
    int64_t lo = q->overflow_min;
    /* by_bits[k]: entries whose offset from lo has bit length k. */
    size_t by_bits[65] = { 0 };
    for (uint32_t i = q->overflow; i != EVQ_NIL; i = q->next[i]) {
        uint64_t d = (uint64_t)q->node[i].time - (uint64_t)lo;
        by_bits[d ? 64 - __builtin_clzll(d) : 0]++;
    }
    size_t need = q->overflow_n - q->overflow_n / 4, covered = 0;
    unsigned bits = 0;
    for (; bits < 64; bits++) {
        covered += by_bits[bits];
        if (covered >= need)
            break;
    }
    uint64_t range = (uint64_t)q->overflow_max - (uint64_t)lo;
    if (bits < 64 && range > ((uint64_t)1 << bits) - 1)
        range = ((uint64_t)1 << bits) - 1; /* offsets below 2^bits */
    size_t want = covered / EVQ_BUCKET_FILL;
    if (want < 1)
        want = 1;
    if (want > UINT32_MAX / 2)
        want = UINT32_MAX / 2;
    if (want > q->bucket_cap) {
        uint32_t *b = realloc(q->bucket, want * sizeof *b);
        if (b) {
            q->bucket = b;
            q->bucket_cap = (uint32_t)want;
        } else {
            want = q->bucket_cap; /* out of memory: wider buckets, same order */
        }
    }
    unsigned shift = 0;
    while ((range >> shift) >= want)
        shift++;
    uint32_t nb = (uint32_t)(range >> shift) + 1;
    for (uint32_t b = 0; b < nb; b++)
        q->bucket[b] = EVQ_NIL;
    q->rung_start = (uint64_t)lo;
    q->split = q->rung_start;
    q->shift = shift;
    q->nbuckets = nb;
    q->cur = 0;
    uint32_t rest = q->overflow;
    q->overflow = EVQ_NIL;
    q->overflow_n = 0;
    q->overflow_min = INT64_MAX;
    q->overflow_max = 0;
    for (uint32_t i = rest, nx; i != EVQ_NIL; i = nx) {
        nx = q->next[i];
        int64_t t = q->node[i].time;
        uint64_t b = ((uint64_t)t - q->rung_start) >> shift;
        uint32_t *head;
        if (b < nb) {
            head = &q->bucket[b];
        } else {
            head = &q->overflow; /* at or after the rung's end (invariant 4) */
            q->overflow_n++;
            if (t < q->overflow_min)
                q->overflow_min = t;
            if (t > q->overflow_max)
                q->overflow_max = t;
        }
        q->next[i] = *head;
        *head = i;
    }
}

/* Out of memory while pouring bucket cur: put back what was poured, then
 * move only the bucket's earliest entry.  Slow (a scan per pop) but exact;
 * split = its time is allowed by invariant 1. */
static void evq_refill_min_only(evq *q)
{
    for (size_t k = 0; k < q->heap_n; k++)
        evq_far_insert(q, q->heap[k]); /* back into bucket cur */
    uint32_t *link = &q->bucket[q->cur], *best = link;
    for (; *link != EVQ_NIL; link = &q->next[*link])
        if (evq_before(&q->node[*link], &q->node[*best]))
            best = link;
    uint32_t i = *best;
    *best = q->next[i];
    q->heap[0] = q->node[i];
    q->heap_n = 1;
    q->split = (uint64_t)q->heap[0].time;
    evq_free_node(q, i);
}

/* The heap ran dry and n > 0: pour the next non-empty bucket into it. */
static void evq_refill(evq *q)
{
    for (;;) {
        while (q->cur < q->nbuckets && q->bucket[q->cur] == EVQ_NIL)
            q->cur++;
        if (q->cur < q->nbuckets)
            break;
        evq_rebuild(q);
    }
    for (uint32_t i = q->bucket[q->cur], nx; i != EVQ_NIL; i = nx) {
        if (q->heap_n == q->heap_cap && evq_grow_heap(q) != 0) {
            q->bucket[q->cur] = i;
            evq_refill_min_only(q);
            return;
        }
        nx = q->next[i];
        evq_sift_up(q->heap, q->heap_n++, q->node[i]);
        evq_free_node(q, i);
    }
    q->bucket[q->cur++] = EVQ_NIL;
    q->split = q->rung_start + ((uint64_t)q->cur << q->shift);
    q->heap_limit = evq_heap_limit(q->heap_n);
}

/* ---- sequence numbers ---- */

/* Renumbers pending entries 0..n-1 in calendar order when the sequence
 * counter is about to wrap, so ties keep their insertion order.  The
 * earliest entry stays at heap[0] (replace_top relies on it). */
static void evq_renumber(evq *q)
{
    size_t n = q->n;
    evq_entry *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return; /* keep going: only ties across the wrap could misorder */
    for (size_t i = 0; i < n; i++) {
        sorted[i] = q->heap[0];
        evq_pop(q);
    }
    evq_reset(q);
    if (n) {
        sorted[0].seq = 0;
        q->heap[0] = sorted[0];
        q->heap_n = 1;
        q->split = q->rung_start = (uint64_t)sorted[0].time;
        for (size_t i = 1; i < n; i++) {
            sorted[i].seq = (uint32_t)i;
            evq_far_insert(q, sorted[i]); /* nodes exist: invariant 6 */
        }
    }
    q->n = n;
    q->next_seq = (uint32_t)n;
    free(sorted);
}

static inline evq_entry evq_make(evq *q, int64_t time, uint32_t slot)
{
    if (q->next_seq == UINT32_MAX)
        evq_renumber(q);
    evq_entry e;
    e.slot = slot;
    e.seq = q->next_seq++;
    e.time = time;
    return e;
}

/* ---- API ---- */

int evq_init(evq *q, size_t initial_cap)
{
    *q = (evq){ 0 };
    evq_reset(q);
    q->free_node = EVQ_NIL;
    q->heap_cap = EVQ_SPILL; /* a small calendar spills before it outgrows this */
    q->node_cap = initial_cap ? initial_cap : 64;
    if (q->node_cap > UINT32_MAX)
        q->node_cap = UINT32_MAX;
    q->bucket_cap = 64;
    q->heap = malloc(q->heap_cap * sizeof *q->heap);
    q->node = malloc(q->node_cap * sizeof *q->node);
    q->next = malloc(q->node_cap * sizeof *q->next);
    q->bucket = malloc(q->bucket_cap * sizeof *q->bucket);
    if (!q->heap || !q->node || !q->next || !q->bucket)
        goto oom;
    return 0;
oom:
    evq_free(q);
    return -1;
}

void evq_free(evq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q->node);
    free(q->next);
    free(q->bucket);
    *q = (evq){ 0 };
}

static int evq_grow_nodes(evq *q)
{
    if (q->node_cap >= UINT32_MAX)
        return -1; /* node indices are 32-bit, EVQ_NIL excluded */
    size_t cap = q->node_cap * 2;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    evq_entry *node = realloc(q->node, cap * sizeof *node);
    if (!node)
        return -1;
    q->node = node;
    uint32_t *next = realloc(q->next, cap * sizeof *next);
    if (!next)
        return -1; /* node[] is merely larger than needed */
    q->next = next;
    q->node_cap = cap;
    return 0;
}

int evq_push(evq *q, int64_t time, uint32_t slot)
{
    INVARIANT(time >= 0, "calendar times are never negative");
    if (q->n == q->node_cap && evq_grow_nodes(q) != 0)
        return -1;
    /* First, as renumbering may reshape the calendar. */
    evq_entry e = evq_make(q, time, slot);
    if (q->n == 0)
        evq_reset(q);
    else if (q->split == EVQ_SMALL ? q->heap_n >= EVQ_SPILL
                                   : q->heap_n >= q->heap_limit && q->heap_n > (q->n - q->heap_n) / 4)
        evq_spill(q);
    if ((uint64_t)time < q->split) {
        if (q->heap_n == q->heap_cap && evq_grow_heap(q) != 0)
            return -1; /* a sequence number is skipped: harmless */
        evq_sift_up(q->heap, q->heap_n++, e);
    } else {
        evq_far_insert(q, e);
    }
    q->n++;
    INVARIANT(q->node_cap >= q->n, "6: node_cap >= n");
    return 0;
}

void evq_pop(evq *q)
{
    INVARIANT(q->n > 0 && q->heap_n > 0, "3: pop from a non-empty calendar, top in the heap");
    evq_entry popped = q->heap[0];   /* read only by the check below */
    evq_entry last = q->heap[--q->heap_n];
    if (q->heap_n)
        evq_sift_down(q->heap, q->heap_n, 0, last);
    if (--q->n && !q->heap_n)
        evq_refill(q);
    INVARIANT(!q->n || q->heap_n, "3: heap_n > 0 whenever n > 0");
    INVARIANT(!q->n || !evq_before(&q->heap[0], &popped),
              "calendar order: the new top is not earlier than the entry popped");
}

void evq_replace_top(evq *q, int64_t time, uint32_t slot)
{
    INVARIANT(q->n > 0 && time >= 0, "replace_top on a non-empty calendar, time >= 0");
    evq_entry e = evq_make(q, time, slot);
    if ((uint64_t)time < q->split) {
        evq_sift_down(q->heap, q->heap_n, 0, e);
        return;
    }
    evq_far_insert(q, e); /* far entries <= n - 1 before this: a node is free */
    evq_entry last = q->heap[--q->heap_n];
    if (q->heap_n)
        evq_sift_down(q->heap, q->heap_n, 0, last);
    else
        evq_refill(q);
}
