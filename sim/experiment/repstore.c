/* repstore.c - the campaign's replication store and its records (see
 * repstore.h).
 */
#include "repstore.h"

#include <stdlib.h>
#include <string.h>

static uint64_t repstore_checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

int repstore_put(repstore_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;  /* p may be NULL (an empty sample array) */
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Appends one framed record: tag, payload length, payload, checksum. */
static int repstore_frame(repstore_buf *b, uint32_t tag, const repstore_buf *payload)
{
    uint32_t len = (uint32_t)payload->len;
    uint64_t sum = repstore_checksum(payload->data, payload->len);
    return repstore_put(b, &tag, 4) || repstore_put(b, &len, 4) ||
           repstore_put(b, payload->data, payload->len) ||
           repstore_put(b, &sum, 8);
}

/* A NOTE: the key, 0 (no point), the note's length, the note. */
int repstore_encode_note(repstore_buf *b, uint64_t key, const void *note, size_t n)
{
    if (n > UINT32_MAX - 64)
        return -1;
    repstore_buf pl = { 0 };
    uint32_t zero = 0, len = (uint32_t)n;
    int rc = repstore_put(&pl, &key, 8) || repstore_put(&pl, &zero, 4) ||
             repstore_put(&pl, &len, 4) || repstore_put(&pl, note, n) ||
             repstore_frame(b, REPSTORE_REC_NOTE, &pl);
    free(pl.data);
    return rc;
}

int repstore_decode_note(const unsigned char *data, size_t len, uint64_t key,
                         const unsigned char **note, size_t *n)
{
    uint32_t tag, plen, nlen;
    uint64_t sum, rkey;
    if (len < 8 + 16 + 8)
        return -1;
    memcpy(&tag, data, 4);
    memcpy(&plen, data + 4, 4);
    if (tag != REPSTORE_REC_NOTE || plen < 16 || (size_t)plen + 16 != len)
        return -1;
    const unsigned char *pl = data + 8;
    memcpy(&sum, pl + plen, 8);
    memcpy(&rkey, pl, 8);
    memcpy(&nlen, pl + 12, 4);
    if (sum != repstore_checksum(pl, plen) || rkey != key || (size_t)nlen + 16 != plen)
        return -1;
    *note = pl + 16;
    *n = nlen;
    return 0;
}

/* Every record starts with the run key, so that a record another run
 * appended (or a journal spliced from two) is never taken for this run's. */
int repstore_encode_defs(repstore_buf *b, uint64_t key, uint32_t point,
                         const repstore_point *cp)
{
    repstore_buf pl = { 0 };
    uint32_t nm = (uint32_t)cp->nmetrics;
    int rc = repstore_put(&pl, &key, 8) ||
             repstore_put(&pl, &point, 4) || repstore_put(&pl, &nm, 4) ||
             repstore_put(&pl, cp->defs, nm * sizeof *cp->defs) ||
             repstore_frame(b, REPSTORE_REC_DEFS, &pl);
    free(pl.data);
    return rc;
}

int repstore_encode_rep(repstore_buf *b, uint64_t key, uint32_t point, uint32_t rep,
                        const repstore_point *cp)
{
    repstore_buf pl = { 0 };
    uint32_t nm = (uint32_t)cp->nmetrics, pad = 0;
    int rc = repstore_put(&pl, &key, 8) ||
             repstore_put(&pl, &point, 4) || repstore_put(&pl, &rep, 4) ||
             repstore_put(&pl, &nm, 4) || repstore_put(&pl, &pad, 4) ||
             repstore_put(&pl, &cp->events[rep], 8) ||
             repstore_put(&pl, &cp->wall[rep], 8) ||
             repstore_put(&pl, &cp->reps[(size_t)rep * nm], nm * sizeof(stats_rep));
    for (uint32_t k = 0; k < nm && !rc; k++) {
        const runner_samples *sm = &cp->samples[(size_t)rep * nm + k];
        rc = repstore_put(&pl, &sm->nx, 8) || repstore_put(&pl, &sm->ncens, 8) ||
             repstore_put(&pl, &sm->weight, 8) ||
             repstore_put(&pl, &sm->cens_weight, 8) ||
             repstore_put(&pl, sm->x, sm->nx * sizeof(double)) ||
             repstore_put(&pl, sm->cens, sm->ncens * sizeof(double));
    }
    rc = rc || repstore_frame(b, REPSTORE_REC_REP, &pl);
    free(pl.data);
    return rc;
}

int repstore_reserve(repstore_point *cp, size_t reps)
{
    if (reps <= cp->cap)
        return 0;
    size_t cap = cp->cap ? cp->cap : 16;
    while (cap < reps)
        cap *= 2;
    size_t nm = cp->nmetrics ? cp->nmetrics : 1;
    stats_rep *r = realloc(cp->reps, cap * nm * sizeof *r);
    if (!r)
        return -1;
    cp->reps = r;
    runner_samples *sm = realloc(cp->samples, cap * nm * sizeof *sm);
    if (!sm)
        return -1;
    memset(sm + cp->cap * nm, 0, (cap - cp->cap) * nm * sizeof *sm);
    cp->samples = sm;
    uint64_t *ev = realloc(cp->events, cap * sizeof *ev);
    if (!ev)
        return -1;
    cp->events = ev;
    double *w = realloc(cp->wall, cap * sizeof *w);
    if (!w)
        return -1;
    cp->wall = w;
    unsigned char *h = realloc(cp->have, cap);
    if (!h)
        return -1;
    memset(h + cp->cap, 0, cap - cp->cap);
    cp->have = h;
    cp->cap = cap;
    return 0;
}

/* Sets a point's metric catalog (first result) or checks it matches. */
static int repstore_set_defs(repstore_point *cp, const stats_def *defs, size_t n)
{
    if (cp->defs) {
        if (n != cp->nmetrics)
            return -1;
        for (size_t k = 0; k < n; k++)
            if (strcmp(defs[k].name, cp->defs[k].name) != 0)
                return -1;
        return 0;
    }
    /* Storage was sized for 1 metric per replication until now.  Nothing
     * changes unless both allocations succeed: a point with a catalog
     * always has storage for it. */
    size_t cap = cp->cap;
    stats_def *d = malloc((n ? n : 1) * sizeof *d);
    stats_rep *reps = malloc((cap ? cap : 1) * (n ? n : 1) * sizeof *reps);
    if (!d || !reps) {
        free(d);
        free(reps);
        return -1;
    }
    runner_samples *samples = calloc((cap ? cap : 1) * (n ? n : 1), sizeof *samples);
    if (!samples) {
        free(d);
        free(reps);
        return -1;
    }
    memcpy(d, defs, n * sizeof *defs);
    free(cp->reps);
    free(cp->samples);
    cp->reps = reps;
    cp->samples = samples;
    cp->defs = d;
    cp->nmetrics = n;
    return 0;
}

/* Stores one replication's result (a no-op if already present); the
 * samples are copied. */
int repstore_store(repstore_point *cp, uint32_t rep, const stats_def *defs,
                   const stats_rep *reps, const runner_samples *samples, size_t nm,
                   uint64_t events, double wall)
{
    if (repstore_reserve(cp, (size_t)rep + 1) != 0 || repstore_set_defs(cp, defs, nm) != 0)
        return -1;
    if (cp->have[rep])
        return 0;
    for (size_t k = 0; k < nm; k++)
        if (runner_samples_copy(&cp->samples[(size_t)rep * nm + k], &samples[k]) != 0) {
            for (size_t j = 0; j < k; j++)
                runner_samples_free(&cp->samples[(size_t)rep * nm + j]);
            return -1;
        }
    memcpy(&cp->reps[(size_t)rep * nm], reps, nm * sizeof *reps);
    cp->events[rep] = events;
    cp->wall[rep] = wall;
    cp->have[rep] = 1;
    return 0;
}

/* Parses framed records from data[0..len); stores results.  Returns the
 * length of the valid prefix (a torn or corrupt tail stops the parse). */
size_t repstore_decode(const unsigned char *data, size_t len, uint64_t key,
                       repstore_point *pts, size_t npoints, size_t *stored, int *bad)
{
    size_t off = 0;
    *bad = 0;
    while (off + 8 <= len) {
        uint32_t tag, plen;
        memcpy(&tag, data + off, 4);
        memcpy(&plen, data + off + 4, 4);
        if (off + 8 + (size_t)plen + 8 > len)
            break;
        const unsigned char *pl = data + off + 8;
        uint64_t sum, rkey;
        memcpy(&sum, pl + plen, 8);
        if (sum != repstore_checksum(pl, plen) || plen < 16)
            break;
        /* A whole record of another run: refuse, never skip or truncate. */
        memcpy(&rkey, pl, 8);
        if (rkey != key) {
            *bad = 2;
            break;
        }
        const size_t frame = 8 + (size_t)plen + 8;
        if (tag == REPSTORE_REC_NOTE) {
            off += frame;
            continue;
        }
        pl += 8;
        plen -= 8;
        uint32_t point, a;
        memcpy(&point, pl, 4);
        memcpy(&a, pl + 4, 4);
        if (point >= npoints) {
            *bad = 1;
            break;
        }
        repstore_point *cp = &pts[point];
        if (tag == REPSTORE_REC_DEFS) {
            stats_def *defs = malloc((a ? a : 1) * sizeof *defs);
            int ok = defs && plen == 8 + (size_t)a * sizeof(stats_def);
            if (ok) {
                memcpy(defs, pl + 8, (size_t)a * sizeof *defs); /* align */
                ok = repstore_set_defs(cp, defs, a) == 0;
            }
            free(defs);
            if (!ok) {
                *bad = 1;
                break;
            }
        } else if (tag == REPSTORE_REC_REP) {
            uint32_t nm;
            memcpy(&nm, pl + 8, 4);
            size_t fixed = 32 + (size_t)nm * sizeof(stats_rep);
            if (plen < fixed || !cp->defs || nm != cp->nmetrics) {
                *bad = 1;
                break;
            }
            uint64_t events;
            double wall;
            memcpy(&events, pl + 16, 8);
            memcpy(&wall, pl + 24, 8);
            stats_rep *tmp = malloc((nm ? nm : 1) * sizeof *tmp);
            runner_samples *sm = calloc(nm ? nm : 1, sizeof *sm);
            int ok = tmp && sm;
            if (ok)
                memcpy(tmp, pl + 32, nm * sizeof *tmp);
            /* The samples follow: per metric two counts, two weights, data
             * (pointing into the record; repstore_store copies them). */
            size_t at = fixed;
            double *aligned = NULL;
            for (uint32_t k = 0; ok && k < nm; k++) {
                if (at + 32 > plen) {
                    ok = 0;
                    break;
                }
                memcpy(&sm[k].nx, pl + at, 8);
                memcpy(&sm[k].ncens, pl + at + 8, 8);
                memcpy(&sm[k].weight, pl + at + 16, 8);
                memcpy(&sm[k].cens_weight, pl + at + 24, 8);
                at += 32;
                if (sm[k].nx > (plen - at) / 8 || sm[k].ncens > (plen - at) / 8 - sm[k].nx) {
                    ok = 0;
                    break;
                }
                at += 8 * (size_t)(sm[k].nx + sm[k].ncens);
            }
            ok = ok && at == plen;
            if (ok) {
                /* Copy the arrays out of the (unaligned) record. */
                size_t total = (plen - fixed) / 8 + 1;
                aligned = malloc(total * sizeof *aligned);
                ok = aligned != NULL;
                size_t pos = fixed, di = 0;
                for (uint32_t k = 0; ok && k < nm; k++) {
                    pos += 32;
                    size_t cnt = (size_t)(sm[k].nx + sm[k].ncens);
                    memcpy(aligned + di, pl + pos, cnt * 8);
                    sm[k].x = sm[k].nx || sm[k].ncens ? aligned + di : NULL;
                    sm[k].cens = sm[k].nx || sm[k].ncens ? aligned + di + sm[k].nx : NULL;
                    pos += cnt * 8;
                    di += cnt;
                }
            }
            int already = a < cp->cap && cp->have[a];
            int rc = ok ? repstore_store(cp, a, cp->defs, tmp, sm, nm, events, wall) : -1;
            free(aligned);
            free(sm);
            free(tmp);
            if (rc != 0) {
                *bad = 1;
                break;
            }
            if (!already && stored)
                (*stored)++;
        } else {
            break;
        }
        off += frame;
    }
    return off;
}

void repstore_point_free(repstore_point *cp)
{
    if (cp->samples)
        for (size_t i = 0; i < cp->cap * cp->nmetrics; i++)
            runner_samples_free(&cp->samples[i]);
    free(cp->samples);
    free(cp->defs);
    free(cp->reps);
    free(cp->events);
    free(cp->wall);
    free(cp->have);
}
