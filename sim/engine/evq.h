/* evq.h - the event calendar: a two-tier priority queue of (time, seq, slot).
 *
 * Entries are 16 bytes and ordered by a total key: time first, then a
 * 32-bit insertion sequence, so simultaneous events pop in the order they
 * were scheduled and the order never depends on the calendar's shape.
 * When the sequence counter would wrap, pending entries are renumbered in
 * calendar order (once per 2^32 insertions), which keeps the order exact.
 *
 * Near tier: a small 4-ary min-heap of the entries earlier than `split`.
 * Far tier: a "rung" of buckets of width 2^shift ns, each an unsorted
 * singly linked list, plus an unsorted overflow list for times beyond the
 * rung.  When the heap runs dry the next non-empty bucket is poured into
 * it; when the rung runs dry it is rebuilt from the overflow, sized from
 * the overflow's time range.  Push and pop are O(1) amortised plus a heap
 * step on a bucket-sized heap.  Small calendars (fewer than EVQ_SPILL
 * entries since they were last empty) stay in the heap alone.  See
 * bench/README.md for the measurements against the plain 4-ary heap.
 */
#ifndef MWRASP_EVQ_H
#define MWRASP_EVQ_H

#include <stddef.h>
#include <stdint.h>

/* Laid out so that, read as one little-endian 128-bit unsigned integer,
 * an entry's value is time:seq:slot; comparing those integers is the
 * calendar order (times are never negative).  One branch-free 128-bit
 * compare per heap step instead of two dependent branches. */
typedef union evq_entry {
    struct {
        uint32_t slot;  /* event pool slot */
        uint32_t seq;   /* insertion order, tie-breaker */
        int64_t time;   /* ns, >= 0 */
    };
    __extension__ unsigned __int128 key;
} evq_entry;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "evq_entry's key layout assumes a little-endian machine"
#endif

typedef struct evq {
    /* near tier */
    evq_entry *heap;     /* 4-ary heap; heap[0] is the earliest entry */
    size_t heap_n, heap_cap;
    size_t heap_limit;   /* with a far tier: spill again at this heap size */
    size_t n;            /* entries in both tiers */
    uint32_t next_seq;
    /* far tier: node i is node[i], linked through next[i] */
    uint64_t split;      /* push: time < split goes to the heap */
    uint64_t rung_start; /* start time of bucket 0 */
    unsigned shift;      /* bucket width is 2^shift ns */
    uint32_t cur;        /* buckets [cur, nbuckets) are still pending */
    uint32_t nbuckets, bucket_cap;
    uint32_t *bucket;    /* list heads, EVQ_NIL when empty */
    uint32_t overflow;   /* list of entries at or after the rung's end */
    size_t overflow_n;
    int64_t overflow_min, overflow_max;
    evq_entry *node;
    uint32_t *next;
    uint32_t free_node;  /* free list through next[] */
    uint32_t node_used;  /* nodes ever handed out */
    size_t node_cap;     /* >= n, so moving an entry to the far tier never allocates */
} evq;

/* 0 on success, -1 on out of memory. */
int evq_init(evq *q, size_t initial_cap);
void evq_free(evq *q);

/* 1 when a is strictly earlier than b in calendar order. */
static inline int evq_before(const evq_entry *a, const evq_entry *b)
{
    return a->key < b->key;
}

/* Inserts (time, slot) with the next sequence number; time >= 0.
 * -1 on OOM (the calendar is unchanged). */
int evq_push(evq *q, int64_t time, uint32_t slot);
/* Removes the earliest entry.  q must be non-empty. */
void evq_pop(evq *q);
/* Removes the earliest entry and inserts (time, slot) with the next
 * sequence number, cheaper than a pop plus a push; never allocates.
 * q non-empty. */
void evq_replace_top(evq *q, int64_t time, uint32_t slot);
/* The earliest entry, or NULL when empty.  (The heap is never empty while
 * the calendar is not.) */
static inline const evq_entry *evq_top(const evq *q)
{
    return q->n ? &q->heap[0] : NULL;
}
static inline size_t evq_size(const evq *q)
{
    return q->n;
}
/* Bytes allocated by the calendar. */
static inline size_t evq_bytes(const evq *q)
{
    return q->heap_cap * sizeof(evq_entry) +
           q->node_cap * (sizeof(evq_entry) + sizeof(uint32_t)) +
           (size_t)q->bucket_cap * sizeof(uint32_t);
}

#endif
