/* version.h - what a build is made of: the code version, the git revision
 * it was built from, and the versions of the libraries it runs with.
 *
 * The revision is taken at build time (cmake/buildinfo.cmake rewrites a
 * generated header whenever HEAD or the dirty state changes), so after a
 * commit and `make` every output names the new revision.  Library versions
 * are the ones linked at run time, which is what produced the results.
 */
#ifndef MWRASP_VERSION_H
#define MWRASP_VERSION_H

#include <stdio.h>

#define MWRASP_VERSION "0.1.0"

/* "1a2b3c4d5e6f", "1a2b3c4d5e6f-dirty" (tracked files differed from that
 * commit when built), or "unknown" (not built from a git checkout). */
const char *version_git_revision(void);

typedef struct version_libs {
    char gsl[32];       /* "2.7.1" */
    char hdf5[32];      /* "1.10.8" */
    char libyaml[32];   /* "0.2.5" */
    char openmp[32];    /* "4.5 (201511)", "" without OpenMP */
    char mpi[128];      /* "Open MPI v4.1.4 (MPI 3.1)", "" without MPI */
    char compiler[64];  /* "gcc 12.2.0" */
} version_libs;

void version_libraries(version_libs *out);

/* The --version text: "<program> 0.1.0 (git REV)" then the libraries. */
void version_print(FILE *out, const char *program);

#endif
