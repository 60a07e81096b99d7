/* outpath.h - where output may go: regular files, in directories the user
 * named (or their defaults), checked before any work is done.
 *
 * A results file is written under a temporary name and renamed over the
 * target, and rename replaces whatever the target is: a device, a link, a
 * file the user cannot write.  So every target is checked first, and every
 * file is opened so that it cannot follow a link planted in its place.
 */
#ifndef MWRASP_OUTPATH_H
#define MWRASP_OUTPATH_H

#include <stdio.h>

#include "err.h"

/* Checks that path can receive a file written atomically: not empty, not a
 * directory name, and either absent or a writable regular file (not a
 * symbolic link); its directory, or the nearest existing one above it
 * when it is still to be made (at write time), must accept a new file
 * (probed by creating and removing one).  what
 * names the file in messages ("--out", "the journal").  0, or ERR_CANTCREAT
 * with a message saying what is wrong and what to give instead. */
int outpath_check_file(const char *path, const char *what, err_t *e);

/* Checks that dir is a directory that accepts new files, or, when it does
 * not exist yet, that the nearest existing directory above it does (dir
 * itself is made when written, so a failed run leaves none).  0 or
 * ERR_CANTCREAT. */
int outpath_check_dir(const char *dir, const char *what, err_t *e);

/* Opens path for writing as a regular file: created (mode 0666 & umask)
 * or truncated, never through a symbolic link, never a device or FIFO.
 * exclusive: fail when path exists (for temporary names).  NULL with errno
 * set on failure (EINVAL: not a regular file). */
FILE *outpath_fopen(const char *path, int exclusive);

/* 0 when path is absent or a regular file (so rename onto it replaces
 * only a file); -1 otherwise. */
int outpath_replaceable(const char *path);

/* mkdir -p of dir.  0, or -1 with errno set. */
int outpath_make_dirs(const char *dir);
/* mkdir -p of path's directory.  0, or -1 with errno set. */
int outpath_make_parent(const char *path);

#endif
