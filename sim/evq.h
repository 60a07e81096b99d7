/* evq.h - the event calendar: a 4-ary min-heap of (time, seq, slot).
 *
 * Entries are 16 bytes and ordered by a total key: time first, then a
 * 32-bit insertion sequence, so simultaneous events pop in the order they
 * were scheduled and the order never depends on heap shape.  When the
 * sequence counter would wrap, pending entries are renumbered in calendar
 * order (once per 2^32 insertions), which keeps the order exact.
 *
 * Why a 4-ary heap: see bench/README.md for the measured comparison with a
 * binary heap; a 4-ary heap halves the depth and keeps the four children of
 * a node in one 64-byte cache line.
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
    evq_entry *heap; /* the root is at heap[0] */
    size_t n, cap;
    uint32_t next_seq;
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
 * -1 on OOM. */
int evq_push(evq *q, int64_t time, uint32_t slot);
/* Removes the root.  q must be non-empty. */
void evq_pop(evq *q);
/* Replaces the root by (time, slot) with the next sequence number: the
 * cost of one sift-down instead of a pop plus a push.  q non-empty. */
void evq_replace_top(evq *q, int64_t time, uint32_t slot);
/* The earliest entry, or NULL when empty. */
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
    return q->cap * sizeof(evq_entry);
}

#endif
