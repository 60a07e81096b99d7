/* batch.h - one study split over a batch system (Slurm job arrays):
 *   mwrasp-sim --run-index K --of N [options] S.yaml --out part-K
 * runs replications r with r mod N == K (at every sweep point) and leaves
 * their records, samples included, in part-K (the journal format,
 * journal.h: what --resume reads), and
 *   mwrasp-sim --merge part-0 ... --merge part-N-1 [options] S.yaml --out F
 * joins the parts' records into F's journal and finishes as --resume does:
 * nothing left to run, the claims judged on every replication's kept
 * samples, F written exactly as one run with those options writes it
 * (h5diff-identical but for wall times and the command line).  A part
 * made with other options (another journal key) is refused; replications
 * no part holds are run by the merge.
 */
#ifndef MWRASP_BATCH_H
#define MWRASP_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "scenario.h"

/* Refuses what a part cannot do alone (ERR_USAGE): --decide, precision
 * targets, --robustness, --plot/--csv, MPI, with --resume only on its own
 * part file. */
int batch_check(const app_opts *o, const scenario_t *sc, err_t *e);

/* Appends the records of each part (after checking its header: magic and
 * key) to the journal open on fd.  0, ERR_NOINPUT (a part missing),
 * ERR_DATA (not a part of this run), ERR_IO. */
int batch_merge_parts(int fd, const char *const *parts, size_t n, uint64_t key, err_t *e);

#endif
