/* journal.h - a campaign's journal: every finished replication appended
 * as a record (repstore.h) beside the results file, so that --resume
 * continues an interrupted run with exactly the results it had.
 *
 * The file is MWRASPJ2 (8 bytes), the run key (8 bytes), then records.
 * J2: every record carries the run key (J1 had it in the header only).
 * Invariant: a record is written only for a result in the store.
 */
#ifndef MWRASP_JOURNAL_H
#define MWRASP_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "repstore.h"

#define JOURNAL_MAGIC "MWRASPJ2"

/* The journal a campaign appends to (f NULL: none here). */
typedef struct journal_file {
    FILE *f;
    const char *path;
    uint64_t key;
} journal_file;

/* Takes the journal at path for this run, before any work: without resume
 * it is created (O_EXCL: an existing journal is never truncated), with
 * resume it must exist; a new one gets its header (key) at once; either
 * way it is then locked (flock) for the whole
 * run, so a second run on the same --out is refused at once.  0 with *fd,
 * or ERR_CANTCREAT (in use, left by an unfinished run, cannot create),
 * ERR_NOINPUT (--resume without a journal). */
int journal_claim(const char *path, uint64_t key, int resume, int *fd, err_t *e);
/* Gives the journal up; remove: delete it first (still locked). fd < 0
 * is a no-op. */
void journal_release(int fd, const char *path, int remove);

/* Opens path (NULL: no journal) for appending, through fd when it was
 * claimed (> 0) or by path; with resume, first reads its records into
 * pts[0..npoints) (*resumed counts them) and drops a torn tail.  0 or an
 * ERR_* code with e set. */
int journal_open(journal_file *j, const char *path, int fd, uint64_t key, int resume,
                 repstore_point *pts, size_t npoints, size_t *resumed, err_t *e);
/* Appends replication rep of point (and its catalog the first time).  0,
 * or -1 when it cannot be written. */
int journal_add(journal_file *j, repstore_point *cp, uint32_t point, uint32_t rep);
/* Flushes, syncs and closes the stream (the claim stays). */
void journal_close(journal_file *j);

#endif
