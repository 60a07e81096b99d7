/* fault.c - the fault-injection counters and the allocation hooks (see
 * fault.h; the HDF5 hooks are format/h5fault.c's).  Empty unless the
 * program is built with MWRASP_FAULT_INJECTION. */
#include "fault.h"

#ifdef MWRASP_FAULT
/* The build force-includes fault.h (with its macros) before this file:
 * here the names mean the real functions again. */
#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef strndup

#include <errno.h>
#include <stdio.h>

/* 0: not yet read from the environment; then the k to fail (or -1). */
static long fault_target_malloc, fault_target_h5;
static long fault_count_malloc, fault_count_h5;
static int fault_ready;

static void fault_report(void)
{
    fprintf(stderr, "fault: %ld allocations, %ld HDF5 writes\n",
            __atomic_load_n(&fault_count_malloc, __ATOMIC_RELAXED),
            __atomic_load_n(&fault_count_h5, __ATOMIC_RELAXED));
}

static long fault_env(const char *name)
{
    const char *v = getenv(name);
    long k = v && *v ? strtol(v, NULL, 10) : 0;
    return k > 0 ? k : -1;
}

static void fault_init(void)
{
    if (__atomic_load_n(&fault_ready, __ATOMIC_ACQUIRE))
        return;
    /* Racing threads compute the same values: harmless. */
    fault_target_malloc = fault_env("MWRASP_FAULT_MALLOC");
    fault_target_h5 = fault_env("MWRASP_FAULT_H5");
    if (fault_env("MWRASP_FAULT_REPORT") > 0 &&
        !__atomic_exchange_n(&fault_ready, 2, __ATOMIC_ACQ_REL))
        atexit(fault_report);
    __atomic_store_n(&fault_ready, 1, __ATOMIC_RELEASE);
}

/* 1 when this call is the one to fail. */
static int fault_hit(long *count, const long *target)
{
    fault_init();
    long k = __atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
    return k == *target;
}

void *fault_malloc(size_t n)
{
    if (fault_hit(&fault_count_malloc, &fault_target_malloc)) {
        errno = ENOMEM;
        return NULL;
    }
    return malloc(n);
}

void *fault_calloc(size_t n, size_t size)
{
    if (fault_hit(&fault_count_malloc, &fault_target_malloc)) {
        errno = ENOMEM;
        return NULL;
    }
    return calloc(n, size);
}

void *fault_realloc(void *p, size_t n)
{
    if (fault_hit(&fault_count_malloc, &fault_target_malloc)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n);
}

char *fault_strdup(const char *s)
{
    if (fault_hit(&fault_count_malloc, &fault_target_malloc)) {
        errno = ENOMEM;
        return NULL;
    }
    return strdup(s);
}

char *fault_strndup(const char *s, size_t n)
{
    if (fault_hit(&fault_count_malloc, &fault_target_malloc)) {
        errno = ENOMEM;
        return NULL;
    }
    return strndup(s, n);
}

int fault_h5_hit(void)
{
    return fault_hit(&fault_count_h5, &fault_target_h5);
}

#else
/* ISO C wants a translation unit to declare something. */
typedef int fault_disabled;
#endif
