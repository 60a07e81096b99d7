/* outpath.c - output targets (see outpath.h).
 *
 * The checks are made once, before a run; the opens repeat the essential
 * ones (O_NOFOLLOW, fstat) so that a target changed in between is still
 * never written through a link or into a device.
 */
#include "outpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *outpath_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISLNK(m))
        return "a symbolic link";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* Creates and removes a file in dir: the only reliable test that the
 * directory accepts new files (root passes access(2) on read-only /proc
 * files, and a full or read-only file system fails only here). */
static int outpath_probe(const char *dir, const char *what, err_t *e)
{
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.mwrasp-probe.%ld", dir, (long)getpid());
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_CANTCREAT, dir, 0, 0,
                       "%s: cannot create files in this directory (%s); choose another",
                       what, strerror(errno));
    close(fd);
    unlink(probe);
    return 0;
}

int outpath_check_dir(const char *dir, const char *what, err_t *e)
{
    struct stat st;
    if (!dir[0])
        return err_set(e, ERR_CANTCREAT, NULL, 0, 0,
                       "%s is empty; give a directory such as results/csv", what);
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return err_set(e, ERR_CANTCREAT, dir, 0, 0,
                           "%s: exists and is %s, not a directory; choose another", what,
                           outpath_kind(st.st_mode));
        return outpath_probe(dir, what, e);
    }
    /* Not there yet: it is made when written (mkdir -p), so a run that
     * fails leaves no empty directory; its nearest existing ancestor must
     * be a directory that accepts new entries. */
    char up[4096];
    snprintf(up, sizeof up, "%s", dir);
    for (;;) {
        char *slash = strrchr(up, '/');
        while (slash && slash > up && slash[1] == '\0') {   /* trailing slashes */
            *slash = '\0';
            slash = strrchr(up, '/');
        }
        if (!slash)
            snprintf(up, sizeof up, ".");
        else if (slash == up)
            up[1] = '\0';
        else
            *slash = '\0';
        if (stat(up, &st) == 0)
            break;
        if (!strcmp(up, ".") || !strcmp(up, "/"))
            return err_set(e, ERR_CANTCREAT, dir, 0, 0, "%s: no directory above it exists",
                           what);
    }
    if (!S_ISDIR(st.st_mode))
        return err_set(e, ERR_CANTCREAT, dir, 0, 0,
                       "%s: cannot be created: %s is %s, not a directory", what, up,
                       outpath_kind(st.st_mode));
    return outpath_probe(up, what, e);
}

int outpath_check_file(const char *path, const char *what, err_t *e)
{
    size_t n = strlen(path);
    if (n == 0)
        return err_set(e, ERR_CANTCREAT, NULL, 0, 0,
                       "%s is empty; give a file name such as results/run.h5", what);
    if (n >= 4000)
        return err_set(e, ERR_CANTCREAT, NULL, 0, 0, "%s: the path is %zu bytes long; at most "
                       "4000", what, n);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
        return err_set(e, ERR_CANTCREAT, path, 0, 0,
                       "%s names a directory; give a file name such as %s%srun.h5", what,
                       path, path[n - 1] == '/' ? "" : "/");
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return err_set(e, ERR_CANTCREAT, path, 0, 0,
                           "%s: exists and is %s; results are written only to regular files "
                           "(choose a new file name)", what, outpath_kind(st.st_mode));
        if (access(path, W_OK) != 0)
            return err_set(e, ERR_CANTCREAT, path, 0, 0,
                           "%s: exists and is not writable (%s); choose another file name",
                           what, strerror(errno));
    } else if (errno != ENOENT) {
        return err_set(e, ERR_CANTCREAT, path, 0, 0, "%s: %s", what, strerror(errno));
    }
    char dir[4096];
    if (base == path)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(base - path - 1), path);
    if (!dir[0])
        snprintf(dir, sizeof dir, "/");
    return outpath_check_dir(dir, what, e);
}

FILE *outpath_fopen(const char *path, int exclusive)
{
    /* O_NONBLOCK: opening a FIFO for writing would otherwise wait for a
     * reader; it is refused below anyway. */
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
                (exclusive ? O_EXCL : 0);
    int fd = open(path, flags, 0666);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    /* Truncate only once it is known to be a regular file. */
    if (ftruncate(fd, 0) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return f;
}

int outpath_replaceable(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return S_ISREG(st.st_mode) ? 0 : -1;
}

int outpath_make_dirs(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    if (!buf[0])
        return 0;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int outpath_make_parent(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    return outpath_make_dirs(dir);
}
