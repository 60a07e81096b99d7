/* grow.c - growable arrays and rings (see grow.h). */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The capacity after growing from cap to hold need, or 0 when it would
 * pass limit. */
static size_t grow_capacity(size_t cap, size_t need, size_t first, size_t limit)
{
    if (need > limit)
        return 0;
    size_t c = cap ? cap : (first ? first : 1);
    while (c < need)
        c = c > limit / 2 ? limit : 2 * c;
    return c > limit ? limit : c;
}

void *grow_array_upto(void *buf, size_t *cap, size_t need, size_t elem, size_t first,
                      size_t limit)
{
    if (need <= *cap)
        return buf;
    if (elem == 0 || limit > SIZE_MAX / elem)
        limit = SIZE_MAX / (elem ? elem : 1);
    size_t c = grow_capacity(*cap, need, first, limit);
    if (c == 0)
        return NULL;
    char *grown = realloc(buf, c * elem);
    if (!grown)
        return NULL;
    memset(grown + *cap * elem, 0, (c - *cap) * elem);
    *cap = c;
    return grown;
}

void *grow_array(void *buf, size_t *cap, size_t need, size_t elem, size_t first)
{
    return grow_array_upto(buf, cap, need, elem, first, SIZE_MAX);
}

/* The buffer pointer stored at ptrp (any object pointer type). */
static void *grow_load(const void *ptrp)
{
    void *buf;
    memcpy(&buf, ptrp, sizeof buf);
    return buf;
}

/* Stores grown at ptrp: 0, or -1 when it is NULL (out of memory). */
static int grow_store(void *ptrp, void *grown)
{
    if (!grown)
        return -1;
    memcpy(ptrp, &grown, sizeof grown);
    return 0;
}

int grow_reserve(void *ptrp, size_t *cap, size_t need, size_t elem, size_t first, size_t limit)
{
    if (need <= *cap)
        return 0;
    return grow_store(ptrp, grow_array_upto(grow_load(ptrp), cap, need, elem, first, limit));
}

int grow_ring_reserve(void *ptrp, size_t *cap, size_t *head, size_t len, size_t elem,
                      size_t first)
{
    if (len < *cap)
        return 0;
    return grow_store(ptrp, grow_ring(grow_load(ptrp), cap, head, len, elem, first));
}

void *grow_ring(void *buf, size_t *cap, size_t *head, size_t len, size_t elem, size_t first)
{
    size_t limit = SIZE_MAX / (elem ? elem : 1);
    size_t c = grow_capacity(*cap, *cap + 1, first, limit);
    if (c == 0)
        return NULL;
    char *grown = malloc(c * elem);
    if (!grown)
        return NULL;
    const char *old = buf;
    /* Unwrap: the part from head to the end, then the part before head. */
    size_t tail = *cap ? *cap - *head : 0;
    if (tail > len)
        tail = len;
    if (len) {
        memcpy(grown, old + *head * elem, tail * elem);
        memcpy(grown + tail * elem, old, (len - tail) * elem);
    }
    memset(grown + len * elem, 0, (c - len) * elem);
    free(buf);
    *head = 0;
    *cap = c;
    return grown;
}
