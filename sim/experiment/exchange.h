/* exchange.h - what the MPI ranks of a campaign tell each other after a
 * round: whether any failed or was interrupted, and every replication each
 * computed (as records, repstore.h), so that every rank ends the round
 * with the same store and takes the same next decisions.  Without MPI
 * (or with one rank) there is nothing to exchange: the functions are
 * never called with size > 1.
 */
#ifndef MWRASP_EXCHANGE_H
#define MWRASP_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "repstore.h"

/* 1 when flag is set on any rank (MPI_MAX over the ranks); flag itself
 * without MPI. */
int exchange_any(int flag);
/* Every rank contributes its round's records and stores everyone's.
 * 0, or -1 (out of memory, or a record that does not fit). */
int exchange_records(const repstore_buf *mine, uint64_t key, repstore_point *pts,
                     size_t npoints);

#endif
