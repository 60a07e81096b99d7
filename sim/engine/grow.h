/* grow.h - growable arrays and rings: the one place that doubles a buffer.
 *
 * A model's lists (attacks in flight, sessions, incidents, waiting lines)
 * grow by doubling; these functions hold the arithmetic (first size,
 * doubling until the need is met, an optional limit, overflow) and the
 * ring unwrapping, so a call site says only what it needs:
 *
 *     if (s->n == s->cap) {
 *         item *grown = grow_array(s->items, &s->cap, s->n + 1, sizeof *grown, 16);
 *         if (!grown)
 *             ... out of memory: s->items and s->cap are unchanged ...
 *         s->items = grown;
 *     }
 *
 * New elements are zeroed.  Out of memory returns NULL and leaves the
 * buffer and its capacity as they were.
 */
#ifndef MWRASP_GROW_H
#define MWRASP_GROW_H

#include <stddef.h>

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

#endif
