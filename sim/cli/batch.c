/* batch.c - parts of a batch job and their merge (see batch.h). */
#include "batch.h"
#include "journal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int batch_check(const app_opts *o, const scenario_t *sc, err_t *e)
{
    if (o->nmerge && o->run_of)
        return err_set(e, ERR_USAGE, NULL, 0, 0, "--merge and --run-index: one or the other");
    if (!o->run_of)
        return 0;
    const char *why = o->decide ? "--decide" : o->ci_target > 0 ? "--ci-target"
                    : sc->precision.target > 0 ? "a precision: target"
                    : o->robustness ? "--robustness" : o->plot ? "--plot" : o->csv ? "--csv"
                    : o->mpi_size > 1 ? "an MPI launcher" : NULL;
    if (why)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "--run-index with %s: a part cannot decide alone how many "
                       "replications the study needs or what they show; give it to --merge",
                       why);
    return 0;
}

static int batch_copy(int fd, FILE *f, const char *part, err_t *e)
{
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(fd, buf + off, n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return err_set(e, ERR_IO, part, 0, 0, "cannot append to the merge's journal: %s",
                               strerror(errno));
            off += (size_t)w;
        }
    }
    if (ferror(f))
        return err_set(e, ERR_IO, part, 0, 0, "cannot read the part");
    return 0;
}

int batch_merge_parts(int fd, const char *const *parts, size_t n, uint64_t key, err_t *e)
{
    if (lseek(fd, 0, SEEK_END) < 0)
        return err_set(e, ERR_IO, NULL, 0, 0, "cannot seek the merge's journal");
    for (size_t i = 0; i < n; i++) {
        FILE *f = fopen(parts[i], "rb");
        if (!f)
            return err_set(e, ERR_NOINPUT, parts[i], 0, 0, "--merge: cannot open the part: %s",
                           strerror(errno));
        unsigned char head[16];
        uint64_t file_key;
        int rc = 0;
        if (fread(head, 1, sizeof head, f) != sizeof head ||
            memcmp(head, JOURNAL_MAGIC, 8) != 0)
            rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                         "--merge: not a part written by --run-index of this mwrasp-sim version");
        if (!rc) {
            memcpy(&file_key, head + 8, 8);
            if (file_key != key)
                rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                             "--merge: the part belongs to another scenario or other --set/"
                             "--sweep/--seed/--replications options (or another version); "
                             "merge with the options the parts ran with");
        }
        if (!rc)
            rc = batch_copy(fd, f, parts[i], e);
        fclose(f);
        if (rc)
            return rc;
    }
    return fsync(fd) == 0 ? 0 : err_set(e, ERR_IO, NULL, 0, 0, "cannot sync the merge's journal");
}
