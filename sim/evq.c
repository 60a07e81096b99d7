/* evq.c - 4-ary min-heap calendar (see evq.h).
 *
 * Invariant: for every i > 0, !evq_before(&heap[i], &heap[(i-1)/4]).
 * Sifts move a "hole" instead of swapping, one write per level.  Removal
 * sifts bottom-up (Wegener): the hole goes down to a leaf along the
 * smallest children without comparing against the moving entry, which
 * then sifts up from there.  A new event usually belongs near the bottom,
 * so this saves one unpredictable compare per level.
 */
#include "evq.h"

#include <stdlib.h>

int evq_init(evq *q, size_t initial_cap)
{
    q->n = 0;
    q->next_seq = 0;
    q->cap = initial_cap ? initial_cap : 64;
    q->heap = malloc(q->cap * sizeof *q->heap);
    return q->heap ? 0 : -1;
}

void evq_free(evq *q)
{
    if (!q)
        return;
    free(q->heap);
    q->heap = NULL;
    q->n = q->cap = 0;
}

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

/* Renumbers pending entries 0..n-1 in calendar order when the sequence
 * counter is about to wrap, so ties keep their insertion order. */
static void evq_renumber(evq *q)
{
    /* Popping everything in order and re-pushing preserves the order. */
    size_t n = q->n;
    evq_entry *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return; /* keep going: only ties across the wrap could misorder */
    for (size_t i = 0; i < n; i++) {
        sorted[i] = q->heap[0];
        evq_pop(q);
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i].seq = (uint32_t)i;
        q->heap[i] = sorted[i]; /* already sorted: a valid heap */
    }
    q->n = n;
    q->next_seq = (uint32_t)n;
    free(sorted);
}

static inline uint32_t evq_next_seq(evq *q)
{
    if (q->next_seq == UINT32_MAX)
        evq_renumber(q);
    return q->next_seq++;
}

int evq_push(evq *q, int64_t time, uint32_t slot)
{
    if (q->n == q->cap) {
        size_t cap = q->cap * 2;
        evq_entry *h = realloc(q->heap, cap * sizeof *h);
        if (!h)
            return -1;
        q->heap = h;
        q->cap = cap;
    }
    evq_entry e;
    e.slot = slot;
    e.seq = evq_next_seq(q);
    e.time = time;
    evq_sift_up(q->heap, q->n++, e);
    return 0;
}

void evq_pop(evq *q)
{
    evq_entry last = q->heap[--q->n];
    if (q->n)
        evq_sift_down(q->heap, q->n, 0, last);
}

void evq_replace_top(evq *q, int64_t time, uint32_t slot)
{
    evq_entry e;
    e.slot = slot;
    e.seq = evq_next_seq(q);
    e.time = time;
    evq_sift_down(q->heap, q->n, 0, e);
}
