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

/* Blocks computed per refill.  A stream's output depends only on its key
 * and on how many words were drawn, never on where the refills fall, so
 * the batch size is free: 16 blocks (64 words, 256 bytes) keep the
 * refill's independent blocks in flight together (SIMD on x86-64, see
 * rng.c) and the per-draw path to a load and a decrement. */
#define RNG_BLOCKS 16
#define RNG_WORDS (4 * RNG_BLOCKS)

/* The generator's state (exposed so hot paths can draw inline).  The
 * words of block c (counter c = 1, 2, ... as a 64-bit number in the low two
 * counter words) are read v[3], v[2], v[1], v[0], block after block: buf
 * holds the batch laid out so that buf[--left] is the next word. */
typedef struct rng_state {
    uint32_t buf[RNG_WORDS];
    uint64_t ctr;    /* blocks computed so far */
    uint32_t key[2];
    int left;        /* unread words in buf */
} rng_state;

/* Computes the next RNG_BLOCKS blocks into st->buf (left = RNG_WORDS). */
void rng_refill(rng_state *st);
/* The same with one implementation: 0 portable C, 1 SSE2, 2 AVX2 (x86-64);
 * -1 (nothing done) when this build or machine lacks it.  For the tests. */
int rng_refill_variant(rng_state *st, int variant);

/* The next 32-bit output of a stream's state. */
static inline uint32_t rng_next32(rng_state *st)
{
    if (__builtin_expect(st->left == 0, 0))
        rng_refill(st);
    return st->buf[--st->left];
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

/* The generator type itself, so that the check below is inline. */
extern const gsl_rng_type rng_philox_gsl_type;

/* gsl_rng_uniform(r), bit for bit, without the indirect call when r is an
 * rng_philox stream (every stream the simulator makes).  The division by
 * 2^32 is exact, so it is the multiplication by 2^-32. */
static inline double rng_uniform(gsl_rng *r)
{
    if (__builtin_expect(r->type == &rng_philox_gsl_type, 1))
        return (double)rng_next32((rng_state *)r->state) * 0x1p-32;
    return gsl_rng_uniform(r);
}

/* gsl_rng_uniform_int(r, n) for a fixed n, bit for bit and drawing the
 * same words, without the division per draw: GSL computes
 * k = x / (0xffffffff / n) and rejects k >= n; here the quotient by the
 * constant scale is the high half of x * magic with
 * magic = floor((2^64 - 1) / scale) + 1, which is exact for every 32-bit x
 * (the error x * (magic * scale - 2^64) / (scale 2^64) stays below 1/scale
 * because x < 2^32 and magic * scale - 2^64 <= scale < 2^32). */
__extension__ typedef unsigned __int128 rng_u128;

typedef struct rng_range {
    uint32_t n, scale;
    uint64_t magic;       /* 0 when scale == 1 (the quotient is x) */
} rng_range;

/* 1 <= n <= 0xffffffff (GSL's range for this generator). */
static inline rng_range rng_range_of(uint32_t n)
{
    rng_range rr;
    rr.n = n;
    rr.scale = 0xffffffffu / n;
    rr.magic = rr.scale > 1 ? UINT64_MAX / rr.scale + 1 : 0;
    return rr;
}

static inline uint32_t rng_uniform_range(gsl_rng *r, const rng_range *rr)
{
    if (__builtin_expect(r->type != &rng_philox_gsl_type, 0))
        return (uint32_t)gsl_rng_uniform_int(r, rr->n);
    rng_state *st = (rng_state *)r->state;
    uint32_t k;
    do {
        uint32_t x = rng_next32(st);
        k = rr->magic ? (uint32_t)(((rng_u128)x * rr->magic) >> 64) : x;
    } while (k >= rr->n);
    return k;
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
