/* version.c - build provenance (version.h).
 *
 * The only file that includes the generated mwrasp_buildinfo.h, so that a
 * new revision recompiles this file alone.
 */
#include "version.h"

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#ifdef MWRASP_HAVE_MPI
#include <mpi.h>
#endif

#include "mwrasp_buildinfo.h"

const char *version_git_revision(void)
{
    return MWRASP_BUILD_GIT_REVISION;
}

#ifdef _OPENMP
/* The specification a _OPENMP date stands for. */
static const char *version_openmp_spec(long date)
{
    static const struct { long date; const char *spec; } specs[] = {
        { 202111, "5.2" }, { 202011, "5.1" }, { 201811, "5.0" }, { 201511, "4.5" },
        { 201307, "4.0" }, { 201107, "3.1" }, { 200805, "3.0" },
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (date >= specs[i].date)
            return specs[i].spec;
    return "< 3.0";
}
#endif

#ifdef MWRASP_HAVE_MPI
/* MPI_Get_library_version's first line up to its first comma, with runs of
 * blanks made one space: "Open MPI v4.1.4", "MPICH Version: 4.0". */
static void version_mpi(char *buf, size_t size)
{
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0, major = 0, minor = 0;
    /* Both may be called before MPI_Init (MPI-3.0, 8.1.1). */
    MPI_Get_library_version(lib, &len);
    MPI_Get_version(&major, &minor);
    char first[96];
    size_t j = 0;
    for (int i = 0; i < len && lib[i] && lib[i] != '\n' && lib[i] != ',' &&
                    j + 1 < sizeof first; i++) {
        char ch = lib[i] == '\t' ? ' ' : lib[i];
        if (ch == ' ' && (j == 0 || first[j - 1] == ' '))
            continue;
        first[j++] = ch;
    }
    while (j > 0 && first[j - 1] == ' ')
        j--;
    first[j] = '\0';
    snprintf(buf, size, "%s (MPI %d.%d)", first, major, minor);
}
#endif

void version_libraries(version_libs *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->gsl, sizeof out->gsl, "%s", gsl_version);
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    snprintf(out->hdf5, sizeof out->hdf5, "%u.%u.%u", major, minor, release);
    snprintf(out->libyaml, sizeof out->libyaml, "%s", yaml_get_version_string());
#ifdef _OPENMP
    snprintf(out->openmp, sizeof out->openmp, "%s (%ld)", version_openmp_spec(_OPENMP),
             (long)_OPENMP);
#endif
#ifdef MWRASP_HAVE_MPI
    version_mpi(out->mpi, sizeof out->mpi);
#endif
#if defined(__clang__)
    snprintf(out->compiler, sizeof out->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(out->compiler, sizeof out->compiler, "gcc %s", __VERSION__);
#else
    snprintf(out->compiler, sizeof out->compiler, "unknown compiler");
#endif
}

void version_print(FILE *out, const char *program)
{
    version_libs v;
    version_libraries(&v);
    fprintf(out, "%s %s (git %s)\n", program, MWRASP_VERSION, version_git_revision());
    fprintf(out, "libraries: GSL %s, HDF5 %s, libyaml %s, OpenMP %s, MPI %s\n", v.gsl, v.hdf5,
            v.libyaml, v.openmp[0] ? v.openmp : "none", v.mpi[0] ? v.mpi : "none (built without)");
    fprintf(out, "compiler:  %s\n", v.compiler);
}
