/* journal.c - claiming, reading and appending a campaign's journal (see
 * journal.h).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Locks unsupported by the file system (Lustre without -o flock, some
 * NFS setups): the O_EXCL creation still keeps two fresh runs apart. */
static int journal_no_locks(int err)
{
    return err == ENOSYS || err == ENOLCK || err == EOPNOTSUPP || err == EINVAL;
}

int journal_claim(const char *path, uint64_t key, int resume, int *fd_out, err_t *e)
{
    *fd_out = -1;
    int fd;
    if (resume) {
        fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            return errno == ENOENT
                       ? err_set(e, ERR_NOINPUT, path, 0, 0,
                                 "--resume: no journal to resume from (the run finished, or "
                                 "never started with this --out)")
                       : err_set(e, ERR_CANTCREAT, path, 0, 0, "cannot open the journal: %s",
                                 strerror(errno));
    } else {
        fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST) {
            /* Another run writing now (it holds the lock), or one that was
             * interrupted or killed: never truncate either. */
            int other = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
            int busy = other >= 0 && flock(other, LOCK_SH | LOCK_NB) != 0 &&
                       errno == EWOULDBLOCK;
            if (other >= 0)
                close(other);
            if (busy)
                return err_set(e, ERR_CANTCREAT, path, 0, 0,
                               "another mwrasp-sim run is writing to this --out now (its journal "
                               "is locked); wait for it to finish or choose another --out");
            return err_set(e, ERR_CANTCREAT, path, 0, 0,
                           "the journal of an unfinished run is here: add --resume to "
                           "continue it, or delete it to start again");
        }
        if (fd < 0)
            return err_set(e, ERR_CANTCREAT, path, 0, 0,
                           "cannot create the journal beside the results file: %s",
                           strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, ERR_CANTCREAT, path, 0, 0, "the journal is not a regular file");
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 && !journal_no_locks(errno)) {
        close(fd);
        return err_set(e, ERR_CANTCREAT, path, 0, 0,
                       "another mwrasp-sim run is using this journal (same --out); wait for it "
                       "to finish or choose another --out");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    /* The header goes in at once: a run interrupted before its first
     * replication still leaves a journal --resume accepts. */
    if (!resume && (write(fd, JOURNAL_MAGIC, 8) != 8 || write(fd, &key, 8) != 8)) {
        int saved = errno;
        unlink(path);
        close(fd);
        return err_set(e, ERR_IO, path, 0, 0, "cannot write the journal: %s", strerror(saved));
    }
    if (fd <= 2) {
        /* Keep it clear of the standard streams (flock survives the dup). */
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        close(fd);
        if (high < 0)
            return err_set(e, ERR_SOFTWARE, path, 0, 0, "cannot keep the journal open: %s",
                           strerror(errno));
        fd = high;
    }
    *fd_out = fd;
    return 0;
}

void journal_release(int fd, const char *path, int remove)
{
    if (fd < 0)
        return;
    /* Removed while still locked: no other run can see it half gone. */
    if (remove && path)
        unlink(path);
    close(fd);
}

/* A stream on the claimed journal (a dup, so closing it keeps the lock). */
static FILE *journal_stream(int fd, const char *mode)
{
    int d = dup(fd);
    FILE *f = d >= 0 ? fdopen(d, mode) : NULL;
    if (!f && d >= 0)
        close(d);
    return f;
}

int journal_open(journal_file *j, const char *path, int fd, uint64_t key, int resume,
                 repstore_point *pts, size_t npoints, size_t *resumed, err_t *e)
{
    j->f = NULL;
    j->path = path;
    j->key = key;
    if (!path)
        return 0;
    if (fd <= 0)
        fd = -1;
    if (resume) {
        FILE *f = NULL;
        if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0)
            f = journal_stream(fd, "rb");
        else if (fd < 0)
            f = fopen(path, "rb");
        if (!f)
            return err_set(e, ERR_NOINPUT, path, 0, 0,
                           "--resume: no journal to resume from (the run finished, or "
                           "never started with this --out)");
        long size = -1;
        if (fseek(f, 0, SEEK_END) == 0)
            size = ftell(f);
        if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
            fclose(f);
            return err_set(e, ERR_NOINPUT, path, 0, 0, "cannot read the journal");
        }
        unsigned char *data = malloc(size > 0 ? (size_t)size : 1);
        size_t got = data ? fread(data, 1, (size_t)size, f) : 0;
        fclose(f);
        if (!data)
            return err_set(e, ERR_SOFTWARE, path, 0, 0,
                           "out of memory reading the journal");
        uint64_t file_key = 0;
        if (got < 16 || memcmp(data, JOURNAL_MAGIC, 8) != 0) {
            free(data);
            return err_set(e, ERR_DATA, path, 0, 0,
                           "not a journal of this version of mwrasp-sim; delete it to start "
                           "again");
        }
        memcpy(&file_key, data + 8, 8);
        if (file_key != key) {
            free(data);
            return err_set(e, ERR_DATA, path, 0, 0,
                           "the journal belongs to another scenario or other --set/--sweep/"
                           "--seed options (or another mwrasp-sim version); rerun with the "
                           "original options, or delete it");
        }
        int bad;
        size_t valid = 16 + repstore_decode(data + 16, got - 16, key, pts, npoints,
                                            resumed, &bad);
        free(data);
        if (bad == 2)
            return err_set(e, ERR_DATA, path, 0, 0,
                           "the journal holds a record of another run at byte %zu (two runs "
                           "wrote to it); nothing was resumed: delete it to start again", valid);
        if (bad)
            return err_set(e, ERR_DATA, path, 0, 0,
                           "the journal does not match this scenario's points or metrics");
        /* Drop a torn tail so appends continue from a clean record. */
        if ((fd >= 0 ? ftruncate(fd, (off_t)valid) : truncate(path, (off_t)valid)) != 0)
            return err_set(e, ERR_IO, path, 0, 0, "cannot truncate the journal");
        j->f = fd >= 0 ? journal_stream(fd, "ab") : fopen(path, "ab");
    } else {
        if (fd >= 0) {
            /* Claimed: the header is already there. */
            j->f = journal_stream(fd, "ab");
            if (!j->f)
                return err_set(e, ERR_CANTCREAT, path, 0, 0, "cannot use the journal");
            return 0;
        } else {
            int nfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           0644);
            j->f = nfd >= 0 ? fdopen(nfd, "wb") : NULL;
            if (!j->f && nfd >= 0)
                close(nfd);
        }
        if (j->f && (fwrite(JOURNAL_MAGIC, 1, 8, j->f) != 8 ||
                     fwrite(&key, 8, 1, j->f) != 1 || fflush(j->f) != 0))
            return err_set(e, ERR_IO, path, 0, 0, "cannot write the journal: %s",
                           strerror(errno));
    }
    if (!j->f)
        return err_set(e, ERR_CANTCREAT, path, 0, 0,
                       "cannot create the journal beside the results file");
    fflush(j->f);
    return 0;
}

/* Appends one replication (and its point's catalog the first time). */
int journal_add(journal_file *j, repstore_point *cp, uint32_t point, uint32_t rep)
{
    if (!j->f)
        return 0;
    repstore_buf b = { 0 };
    int rc = 0;
    if (!cp->defs_journalled)
        rc = repstore_encode_defs(&b, j->key, point, cp);
    rc = rc || repstore_encode_rep(&b, j->key, point, rep, cp);
    if (!rc && (fwrite(b.data, 1, b.len, j->f) != b.len || fflush(j->f) != 0))
        rc = -1;
    if (!rc)
        cp->defs_journalled = 1;
    free(b.data);
    return rc;
}

void journal_close(journal_file *j)
{
    if (!j->f)
        return;
    fflush(j->f);
    fsync(fileno(j->f));
    fclose(j->f);
    j->f = NULL;
}
