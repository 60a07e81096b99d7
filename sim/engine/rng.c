/* rng.c - Philox4x32-10 as a gsl_rng_type, keyed by a 64-bit hash.
 *
 * Invariant: a stream's output depends only on its key and on how many
 * numbers were drawn from it.  gsl_rng_set() is supported for GSL
 * compatibility (it keys the stream by the seed value) but the simulator
 * always keys streams through rng_stream_reset().
 */
#include "rng.h"

#include <Random123/philox.h>
#include <string.h>

static unsigned long rng_get(void *vstate)
{
    return rng_next32(vstate);
}

static double rng_get_double(void *vstate)
{
    return (double)rng_get(vstate) / 4294967296.0;
}

static void rng_keyed(rng_state *st, uint64_t key)
{
    memset(st, 0, sizeof *st);
    st->key.v[0] = (uint32_t)key;
    st->key.v[1] = (uint32_t)(key >> 32);
}

static void rng_set(void *vstate, unsigned long seed)
{
    rng_keyed(vstate, (uint64_t)seed);
}

static const gsl_rng_type rng_philox = {
    "philox4x32-10", 0xffffffffUL, 0, sizeof(rng_state),
    &rng_set, &rng_get, &rng_get_double
};

const gsl_rng_type *rng_philox_type(void)
{
    return &rng_philox;
}

/* splitmix64 finaliser: a bijective mixer with full avalanche. */
static uint64_t rng_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t rng_key(uint64_t seed, uint64_t point, uint64_t replication,
                 uint64_t stream)
{
    /* Chained mixing: each field passes through the bijection before the
     * next is folded in, so no two distinct tuples share a pre-image path. */
    uint64_t h = rng_mix(seed);
    h = rng_mix(h ^ point);
    h = rng_mix(h ^ replication);
    h = rng_mix(h ^ stream);
    return h;
}

gsl_rng *rng_stream_new(uint64_t key)
{
    gsl_rng *r = gsl_rng_alloc(&rng_philox);
    if (r)
        rng_stream_reset(r, key);
    return r;
}

void rng_stream_reset(gsl_rng *r, uint64_t key)
{
    rng_keyed(gsl_rng_state(r), key);
}

uint64_t rng_name_id(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return h;
}
