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

/* An Exp(mean) draw: exactly gsl_ran_exponential's inverse-CDF method,
 * -mean * ln(1 - U) with U = gsl_rng_uniform(r), but through log() rather
 * than log1p(): glibc 2.36's log1p costs about 4x log (measured with perf
 * in bench/phold, where it was a quarter of the run time).  Hot paths
 * (arrival streams, PHOLD) use this; the results are the same distribution
 * to within one rounding of the logarithm. */
static inline double rng_exponential(gsl_rng *r, double mean)
{
    return -mean * log(1.0 - gsl_rng_uniform(r));
}

/* Stable 64-bit id of a string (stream names like "mmc.arrivals"). */
uint64_t rng_name_id(const char *name);

#endif
