/* grow.h - growable arrays and rings: the one place that doubles a buffer.
 *
 * A model's lists (attacks in flight, sessions, incidents, waiting lines)
 * grow by doubling; these functions hold the arithmetic (first size,
 * doubling until the need is met, an optional limit, overflow) and the
 * ring unwrapping, so a call site says only what it needs:
 *
 *     if (GROW_RESERVE(s->items, s->cap, s->n + 1, 16) != 0)
 *         ... out of memory: s->items and s->cap are unchanged ...
 *     s->items[s->n++] = item;
 *
 * A list starts empty (NULL, capacity 0): nothing to allocate up front.
 * New elements are zeroed.  Out of memory returns NULL and leaves the
 * buffer and its capacity as they were.
 */
#ifndef MWRASP_GROW_H
#define MWRASP_GROW_H

#include <stddef.h>
#include <stdint.h>

/* buf (capacity *cap elements of elem bytes) with room for at least need
 * elements: the capacity starts at first and doubles, but never passes
 * limit (need must not exceed it).  Returns buf itself when need <= *cap. */
void *grow_array_upto(void *buf, size_t *cap, size_t need, size_t elem, size_t first,
                      size_t limit);
/* The same with no limit but size_t overflow. */
void *grow_array(void *buf, size_t *cap, size_t need, size_t elem, size_t first);

/* A full ring (len == *cap elements from index *head, wrapping) moved into
 * a buffer of twice the capacity (first when *cap is 0), oldest first, so
 * *head becomes 0.  The old buffer is freed; NULL (all unchanged) when out
 * of memory. */
void *grow_ring(void *buf, size_t *cap, size_t *head, size_t len, size_t elem, size_t first);

/* The same in place: ptrp is the address of the buffer pointer (any
 * object pointer type), replaced when the buffer moves.  0, or -1 out of
 * memory (all unchanged).  Called through the macros below. */
int grow_reserve(void *ptrp, size_t *cap, size_t need, size_t elem, size_t first, size_t limit);
int grow_ring_reserve(void *ptrp, size_t *cap, size_t *head, size_t len, size_t elem,
                      size_t first);

/* 0, or a compile error when ptr is not pointer-sized. */
#define GROW_IS_POINTER(ptr) (0 * sizeof(char[sizeof(ptr) == sizeof(void *) ? 1 : -1]))
/* Room for need elements in the array ptr (an lvalue T *, capacity cap, a
 * size_t lvalue), starting at first, doubling, at most limit: 0, or -1.
 * With room already it costs one compare. */
#define GROW_RESERVE_UPTO(ptr, cap, need, first, limit)                        \
    ((size_t)(need) <= (cap) ? 0                                              \
                             : grow_reserve(&(ptr) + GROW_IS_POINTER(ptr), \
                                            &(cap), (need), sizeof *(ptr), (first), (limit)))
#define GROW_RESERVE(ptr, cap, need, first) GROW_RESERVE_UPTO(ptr, cap, need, first, SIZE_MAX)
/* Room for one more element at the tail of the ring ptr (capacity cap,
 * len elements from index head, wrapping): 0, or -1. */
#define GROW_RING_RESERVE(ptr, cap, head, len, first)                              \
    ((len) < (cap) ? 0                                                             \
                   : grow_ring_reserve(&(ptr) + GROW_IS_POINTER(ptr), &(cap), &(head), \
                                       (len), sizeof *(ptr), (first)))

/* Appends value at the tail of the ring (GROW_RING_RESERVE, then one
 * more in len): 0, or -1 out of memory (all unchanged, value not read). */
#define GROW_RING_PUSH(ptr, cap, head, len, first, value)                    \
    (GROW_RING_RESERVE(ptr, cap, head, len, first) != 0                      \
         ? -1                                                                \
         : ((ptr)[((head) + (len)) % (cap)] = (value), (len)++, 0))

/* Takes the oldest element of a non-empty ring (len elements from index
 * *head, capacity cap): returns its index and advances *head, one fewer
 * in *len.  The caller reads ptr[index] before the next reserve:
 *
 *     int64_t t = s->line[grow_ring_pop(&s->head, &s->len, s->cap)];
 */
static inline size_t grow_ring_pop(size_t *head, size_t *len, size_t cap)
{
    size_t at = *head;
    *head = (at + 1) % cap;
    (*len)--;
    return at;
}

#endif
