/* fault.h - fault injection for tests: fail the k-th allocation, or the
 * k-th HDF5 write, of this program.
 *
 * Built only with -DMWRASP_FAULT_INJECTION=ON (the asan preset), where
 * CMake force-includes this header into every source file of the program
 * (not the libraries it links): malloc, calloc, realloc, strdup and
 * strndup, and the HDF5 calls that build a results file, then go through
 * the counters in fault.c.  At run time:
 *   MWRASP_FAULT_MALLOC=k   the k-th allocation returns NULL (errno ENOMEM)
 *   MWRASP_FAULT_H5=k       the k-th HDF5 write call fails (as libhdf5 does
 *                           on a full disk or out of memory)
 *   MWRASP_FAULT_REPORT=1   at exit, print "fault: N allocations, M HDF5
 *                           writes" on stderr (the range to sweep k over)
 * tests/fault_sweep.sh sweeps k and checks that every run ends in a clean
 * exit code with a message and leaves no partial file.
 *
 * The counters are the one piece of global mutable state in the program:
 * a test hook in the SQLite manner, compiled in only behind the option.
 * They live in the engine (the lowest layer that allocates); the HDF5
 * hooks are format/h5fault.h's, force-included instead of this header
 * where HDF5 is called (format, experiment, analysis, the programs), so
 * that the engine library stays free of HDF5.
 */
#ifndef MWRASP_FAULT_H
#define MWRASP_FAULT_H

#ifdef MWRASP_FAULT

/* The real declarations first, so that the macros below do not rename
 * them. */
#include <stdlib.h>
#include <string.h>

void *fault_malloc(size_t n);
void *fault_calloc(size_t n, size_t size);
void *fault_realloc(void *p, size_t n);
char *fault_strdup(const char *s);
char *fault_strndup(const char *s, size_t n);
/* 1 when this HDF5 write call is the one to fail (counts every call). */
int fault_h5_hit(void);

#define malloc(n) fault_malloc(n)
#define calloc(n, size) fault_calloc(n, size)
#define realloc(p, n) fault_realloc(p, n)
#define strdup(s) fault_strdup(s)
#define strndup(s, n) fault_strndup(s, n)


#endif /* MWRASP_FAULT */
#endif
