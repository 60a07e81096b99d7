/* invariant.h - INVARIANT(cond, what): the invariants a file's comment
 * states, checked where they can break.
 *
 * Active in the debug and asan builds; compiled out in release (NDEBUG,
 * the release preset's flags), where the condition is not even evaluated,
 * so instruction counts and results do not move (bench/REGRESS.md).  A
 * broken invariant is a bug in this program, never bad input: it prints
 * file:line, the condition and what it means, and aborts (there is no
 * sensible way to go on, and a core dump keeps the evidence).  Bad input
 * is reported through err_t instead (rule 6).
 */
#ifndef MWRASP_INVARIANT_H
#define MWRASP_INVARIANT_H

#ifdef NDEBUG
/* sizeof keeps the names "used" without evaluating anything. */
#define INVARIANT(cond, what) ((void)sizeof(!(cond)))
#else
#include <stdio.h>
#include <stdlib.h>

__attribute__((noreturn, cold)) static inline void invariant_fail(const char *file, int line,
                                                                   const char *cond,
                                                                   const char *what)
{
    fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, what, cond);
    abort();
}

#define INVARIANT(cond, what) \
    ((cond) ? (void)0 : invariant_fail(__FILE__, __LINE__, #cond, what))
#endif

#endif
