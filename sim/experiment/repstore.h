/* repstore.h - the replications of a campaign's points as they arrive
 * (any order, from threads, ranks or a journal), and their record format:
 * the one wire format of the journal (journal.h) and of the MPI exchange
 * (exchange.h).
 *
 * A record is framed as tag, payload length, payload, FNV-1a checksum;
 * every payload starts with the run key, so that a record of another run
 * (a journal spliced from two) is never taken for this run's.  DEFS holds
 * a point's metric catalog, REP one replication's results and samples,
 * NOTE bytes the store never reads (what a batch part says about itself,
 * batch.h), which repstore_decode skips.
 */
#ifndef MWRASP_REPSTORE_H
#define MWRASP_REPSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "runner.h"
#include "stats.h"

enum { REPSTORE_REC_DEFS = 0x44454653u, REPSTORE_REC_REP = 0x52455053u,
       REPSTORE_REC_NOTE = 0x4e4f5445u };

/* One point's store.  Invariant: have[r] == 1 iff replication r has a
 * result, and then it is exactly what (seed, point, r) produces. */

typedef struct repstore_point {
    size_t nmetrics;
    stats_def *defs;      /* NULL until the first result */
    size_t cap;           /* replications allocated */
    stats_rep *reps;      /* [cap][nmetrics] */
    runner_samples *samples; /* [cap][nmetrics], owned */
    uint64_t *events;
    double *wall;
    unsigned char *have;
    size_t target;        /* replications wanted */
    int defs_journalled;
} repstore_point;

/* A growable byte buffer of records. */
typedef struct repstore_buf {
    unsigned char *data;
    size_t len, cap;
} repstore_buf;

/* Appends n bytes (p may be NULL when n is 0).  0, or -1 out of memory. */
int repstore_put(repstore_buf *b, const void *p, size_t n);
/* Makes room for reps replications.  0, or -1 out of memory. */
int repstore_reserve(repstore_point *cp, size_t reps);
/* Stores one replication's result (a no-op if already present); the
 * samples are copied.  0, or -1 (out of memory, or a catalog that differs
 * from the point's). */
int repstore_store(repstore_point *cp, uint32_t rep, const stats_def *defs,
                   const stats_rep *reps, const runner_samples *samples, size_t nm,
                   uint64_t events, double wall);
/* Frees what the point holds (not the point). */
void repstore_point_free(repstore_point *cp);

/* Appends the DEFS record of point (catalog cp->defs), or the REP record of
 * its replication rep.  0, or -1 out of memory. */
int repstore_encode_defs(repstore_buf *b, uint64_t key, uint32_t point,
                         const repstore_point *cp);
int repstore_encode_rep(repstore_buf *b, uint64_t key, uint32_t point, uint32_t rep,
                        const repstore_point *cp);
/* Appends a NOTE record holding note[0..n).  0, or -1 out of memory. */
int repstore_encode_note(repstore_buf *b, uint64_t key, const void *note, size_t n);
/* The frame at data[0..len) when it is one whole NOTE record of run key:
 * 0 with *note, *n pointing into data; -1 otherwise (another tag, torn,
 * corrupt, another key). */
int repstore_decode_note(const unsigned char *data, size_t len, uint64_t key,
                         const unsigned char **note, size_t *n);
/* Parses records from data[0..len) into pts[0..npoints) (counting newly
 * stored replications in *stored, which may be NULL).  Returns the length
 * of the valid prefix: a torn or corrupt tail stops the parse.  *bad is 0,
 * 1 (a record that does not fit these points or metrics) or 2 (a whole
 * record of another run). */
size_t repstore_decode(const unsigned char *data, size_t len, uint64_t key,
                       repstore_point *pts, size_t npoints, size_t *stored, int *bad);

#endif
