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
 *
 * A part describes itself, so that
 *   mwrasp-sim merge part-0 ... part-N-1 --out F
 * needs neither the scenario nor the options: its first record (a NOTE,
 * repstore.h) is the manifest -- "PARTINFO", then length-prefixed strings:
 * the mwrasp-sim version and git revision, K, N, the scenario's path as
 * given, its text, the number of included files and each one's path and
 * text, the number of --set assignments (--seed/--replications/--duration
 * included) and each, the number of --sweep axes and each.  A finished
 * part ends with a second NOTE, "PARTDONE" and its replication count (so
 * an interrupted part is told from a finished one).  merge refuses
 * (ERR_DATA) parts of different runs, of another build, unfinished ones,
 * duplicate or missing indices, before anything is written.
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

/* Appends the manifest of part o->run_index of o->run_of (sc as loaded)
 * to the part's journal on fd, right after its header.  0 or ERR_IO. */
int batch_write_manifest(int fd, uint64_t key, const app_opts *o, const scenario_t *sc,
                         err_t *e);
/* Appends the mark of a finished part (saved replications).  0 or ERR_IO. */
int batch_write_end(int fd, uint64_t key, size_t saved, err_t *e);

/* What the parts of one run say about it (strings owned). */
typedef struct batch_manifest {
    char *version, *revision;
    size_t index, of;
    char *scenario;           /* the scenario's path as the parts were given it */
    char *text;
    size_t text_len;
    cfg_source *includes;
    size_t nincludes;
    char **sets, **sweeps;
    size_t nsets, nsweeps;
    size_t saved;             /* replications in all the parts */
} batch_manifest;

/* Reads the manifests of parts[0..n) and checks that they are the N
 * finished parts 0..N-1 of one run made by this build.  0 with *m
 * filled (batch_manifest_free), ERR_USAGE (out, the merge's --out, is one
 * of the parts), ERR_NOINPUT (a part cannot be opened) or ERR_DATA (a
 * message naming the part and what is wrong with it). */
int batch_read_parts(const char *const *parts, size_t n, const char *out, batch_manifest *m,
                     err_t *e);
void batch_manifest_free(batch_manifest *m);

#endif
