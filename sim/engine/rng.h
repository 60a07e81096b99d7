/* rng.h - keyed random streams.
 *
 * Every stream is a gsl_rng of type rng_philox (Philox4x32-10 from
 * Random123, wrapped as a GSL generator) whose 64-bit key is a hash of
 * (master seed, sweep point, replication, stream id) and whose counter
 * starts at zero.  Streams are therefore independent of which thread or
 * MPI rank runs them: the same key always yields the same sequence.
 */
#ifndef MWRASP_RNG_H
#define MWRASP_RNG_H

#include <math.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <Random123/philox.h>

/* The generator's state (exposed so hot paths can draw inline). */
typedef struct rng_state {
    philox4x32_ctr_t ctr;
    philox4x32_ctr_t out;
    philox4x32_key_t key;
    int left; /* unread words in out */
} rng_state;

/* The next 32-bit output of a stream's state. */
static inline uint32_t rng_next32(rng_state *st)
{
    if (st->left == 0) {
        /* 2^64 blocks per stream before the low words wrap: ample. */
        if (++st->ctr.v[0] == 0)
            ++st->ctr.v[1];
        st->out = philox4x32(st->ctr, st->key);
        st->left = 4;
    }
    return st->out.v[--st->left];
}

/* The GSL generator type (32-bit outputs, 128-bit counter, 64-bit key). */
const gsl_rng_type *rng_philox_type(void);

/* 64-bit key of the stream (seed, point, replication, stream). */
uint64_t rng_key(uint64_t seed, uint64_t point, uint64_t replication,
                 uint64_t stream);

/* Allocates a stream positioned at its start.  NULL on out of memory.
 * Free with gsl_rng_free. */
gsl_rng *rng_stream_new(uint64_t key);
/* Repositions an existing rng_philox stream at the start of key. */
void rng_stream_reset(gsl_rng *r, uint64_t key);

/* gsl_rng_uniform(r), bit for bit, without the indirect call when r is an
 * rng_philox stream (every stream the simulator makes). */
static inline double rng_uniform(gsl_rng *r)
{
    if (r->type == rng_philox_type())
        return (double)rng_next32((rng_state *)r->state) / 4294967296.0;
    return gsl_rng_uniform(r);
}

/* An Exp(mean) draw: exactly gsl_ran_exponential's inverse-CDF method,
 * -mean * ln(1 - U) with U = gsl_rng_uniform(r), but through log() rather
 * than log1p(): glibc 2.36's log1p costs about 4x log (measured with perf
 * in bench/phold, where it was a quarter of the run time).  Hot paths
 * (arrival streams, PHOLD) use this; the results are the same distribution
 * to within one rounding of the logarithm. */
static inline double rng_exponential(gsl_rng *r, double mean)
{
    return -mean * log(1.0 - rng_uniform(r));
}

/* Stable 64-bit id of a string (stream names like "mmc.arrivals"). */
uint64_t rng_name_id(const char *name);

#endif
