/* checker.c - the safety checker: the decided log, and a fork (two honest
 * commits of different digests at one seq) counted once (see internal.h). */
#include "internal.h"
#include "signals.h"

/* An honest replica committed digest d at seq (PBFT) or height (HotStuff);
 * `payload` is the batch whose requests it orders (0 or NULL_BATCH: none). */
void cs_checker_commit(sim_t *sim, cstate *s, uint32_t seq, uint32_t d, uint32_t payload)
{
    uint32_t old = s->decided_cap;
    if (cs_grow((void **)&s->decided, &s->decided_cap, seq + 1, sizeof *s->decided)) {
        sim_fail(sim, "consensus: out of memory for the commit log");
        return;
    }
    if (s->decided_cap > old) /* cs_grow() leaves the new tail uninitialised */
        memset(s->decided + old, 0, (size_t)(s->decided_cap - old) * sizeof *s->decided);
    uint64_t *e = &s->decided[seq];
    if ((uint32_t)*e == 0) {
        *e = d;
        if (payload > NULL_BATCH && payload < s->nbatches) {
            s->decisions_total++;
            sim_count(sim, s->m_decisions, 1);
            const cbatch *bt = &s->batches[payload];
            for (uint32_t i = 0; i < bt->count; i++)
                req_get(s, s->reqlog[bt->first + i])->committed = 1;
        }
        INVARIANT(s->decided_prefix < s->decided_cap, "the decided prefix is inside the log");
        while (s->decided_prefix + 1 < s->decided_cap &&
               (uint32_t)s->decided[s->decided_prefix + 1] != 0)
            s->decided_prefix++;
    } else if ((uint32_t)*e != d && !(*e >> 32)) {
        *e |= UINT64_C(1) << 32;
        sim_count(sim, s->m_violations, 1);
        if (s->first_violation_ns < 0)
            s->first_violation_ns = sim_now(sim);
        /* A fork is certain evidence of a consensus failure. */
        signal_detection fork = { RESPONSE_CONSENSUS_FAILURE, RESPONSE_SRC_CONSENSUS, 0,
                                  RESPONSE_NO_ATTACK, RESPONSE_NO_ENTITY, 1.0 };
        sim_emit(sim, SIGNAL_DETECTION, &fork);
    }
}
