/* rng.c - Philox4x32-10 as a gsl_rng_type, keyed by a 64-bit hash.
 *
 * Invariant: a stream's output depends only on its key and on how many
 * numbers were drawn from it.  gsl_rng_set() is supported for GSL
 * compatibility (it keys the stream by the seed value) but the simulator
 * always keys streams through rng_stream_reset().
 *
 * Refills compute RNG_BLOCKS blocks at once.  The blocks are independent,
 * so on x86-64 they run side by side in SIMD lanes (AVX2 when the CPU has
 * it, else SSE2, which every x86-64 has): Philox is integer arithmetic, so
 * every variant gives the same bits as Random123's philox4x32 (checked
 * word for word by tests/test_engine.c), on every machine.
 */
#include "rng.h"

#include <Random123/philox.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RNG_X86 1
#endif

/* Block b of a refill is counter st->ctr + 1 + b; its words land where
 * rng_next32 reads them (rng.h). */
static inline uint32_t *rng_slot(rng_state *st, int b)
{
    return st->buf + 4 * (RNG_BLOCKS - 1 - b);
}

static void rng_refill_scalar(rng_state *st)
{
    philox4x32_key_t key = { { st->key[0], st->key[1] } };
    for (int b = 0; b < RNG_BLOCKS; b++) {
        uint64_t c = st->ctr + 1 + (uint64_t)b;
        philox4x32_ctr_t in = { { (uint32_t)c, (uint32_t)(c >> 32), 0, 0 } };
        philox4x32_ctr_t out = philox4x32(in, key);
        memcpy(rng_slot(st, b), out.v, sizeof out.v);
    }
}

#ifdef RNG_X86
/* Philox4x32-10 on G blocks per vector, two vectors at a time (two
 * independent chains hide the multiplier's latency).  Each 32-bit word
 * sits in the low half of a 64-bit lane, so one mul_epu32 gives the whole
 * 32x32 -> 64 product (hi:lo) of a lane.  The high halves of the lanes are
 * never cleaned: mul_epu32 reads only the low halves and the output takes
 * only the low halves, so what they hold does not matter. */
#define RNG_PHILOX_SIMD(NAME, ATTR, VT, G, SET1, MUL, SRL, XOR, STORE)                  \
    ATTR static void NAME(rng_state *st)                                               \
    {                                                                                  \
        for (int base = 0; base < RNG_BLOCKS; base += 2 * G) {                         \
            VT x0[2], x1[2], x2[2], x3[2];                                             \
            for (int g = 0; g < 2; g++) {                                              \
                uint64_t lo[G], hi[G];                                                 \
                for (int l = 0; l < G; l++) {                                          \
                    uint64_t c = st->ctr + 1 + (uint64_t)(base + g * G + l);           \
                    lo[l] = (uint32_t)c;                                               \
                    hi[l] = c >> 32;                                                   \
                }                                                                      \
                memcpy(&x0[g], lo, sizeof lo);                                         \
                memcpy(&x1[g], hi, sizeof hi);                                         \
                x2[g] = x3[g] = SET1(0);                                               \
            }                                                                          \
            const VT m0 = SET1(PHILOX_M4x32_0), m1 = SET1(PHILOX_M4x32_1);             \
            uint32_t k0 = st->key[0], k1 = st->key[1];                                 \
            for (int r = 0; r < 10; r++) {                                             \
                VT kk0 = SET1(k0), kk1 = SET1(k1);                                     \
                _Pragma("GCC unroll 2") for (int g = 0; g < 2; g++) {                  \
                    VT p0 = MUL(x0[g], m0), p1 = MUL(x2[g], m1);                       \
                    x0[g] = XOR(XOR(SRL(p1, 32), x1[g]), kk0);                         \
                    x2[g] = XOR(XOR(SRL(p0, 32), x3[g]), kk1);                         \
                    x1[g] = p1;                                                        \
                    x3[g] = p0;                                                        \
                }                                                                      \
                k0 += PHILOX_W32_0;                                                    \
                k1 += PHILOX_W32_1;                                                    \
            }                                                                          \
            for (int g = 0; g < 2; g++) {                                              \
                uint64_t w[4][G];                                                      \
                STORE(w[0], x0[g]);                                                    \
                STORE(w[1], x1[g]);                                                    \
                STORE(w[2], x2[g]);                                                    \
                STORE(w[3], x3[g]);                                                    \
                for (int l = 0; l < G; l++) {                                          \
                    uint32_t *o = rng_slot(st, base + g * G + l);                      \
                    for (int k = 0; k < 4; k++)                                        \
                        o[k] = (uint32_t)w[k][l];                                      \
                }                                                                      \
            }                                                                          \
        }                                                                              \
    }

#define RNG_SET1_128(v) _mm_set1_epi64x((long long)(v))
#define RNG_STORE_128(p, v) _mm_storeu_si128((__m128i *)(void *)(p), v)
RNG_PHILOX_SIMD(rng_refill_sse2, , __m128i, 2, RNG_SET1_128, _mm_mul_epu32, _mm_srli_epi64,
                _mm_xor_si128, RNG_STORE_128)
#define RNG_SET1_256(v) _mm256_set1_epi64x((long long)(v))
#define RNG_STORE_256(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)
RNG_PHILOX_SIMD(rng_refill_avx2, __attribute__((target("avx2"))), __m256i, 4, RNG_SET1_256,
                _mm256_mul_epu32, _mm256_srli_epi64, _mm256_xor_si256, RNG_STORE_256)
#endif

void rng_refill(rng_state *st)
{
#ifdef RNG_X86
    if (__builtin_cpu_supports("avx2"))
        rng_refill_avx2(st);
    else
        rng_refill_sse2(st);
#else
    rng_refill_scalar(st);
#endif
    st->ctr += RNG_BLOCKS;
    st->left = RNG_WORDS;
}

/* Every refill variant (for the tests): 0 scalar, 1 SSE2, 2 AVX2; -1 when
 * this machine cannot run it. */
int rng_refill_variant(rng_state *st, int variant)
{
    switch (variant) {
    case 0:
        rng_refill_scalar(st);
        break;
#ifdef RNG_X86
    case 1:
        rng_refill_sse2(st);
        break;
    case 2:
        if (!__builtin_cpu_supports("avx2"))
            return -1;
        rng_refill_avx2(st);
        break;
#endif
    default:
        return -1;
    }
    st->ctr += RNG_BLOCKS;
    st->left = RNG_WORDS;
    return 0;
}

static unsigned long rng_get(void *vstate)
{
    return rng_next32(vstate);
}

static double rng_get_double(void *vstate)
{
    return (double)rng_next32(vstate) * 0x1p-32;
}

static void rng_keyed(rng_state *st, uint64_t key)
{
    memset(st, 0, sizeof *st);
    st->key[0] = (uint32_t)key;
    st->key[1] = (uint32_t)(key >> 32);
}

static void rng_set(void *vstate, unsigned long seed)
{
    rng_keyed(vstate, (uint64_t)seed);
}

const gsl_rng_type rng_philox_gsl_type = {
    "philox4x32-10", 0xffffffffUL, 0, sizeof(rng_state),
    &rng_set, &rng_get, &rng_get_double
};

const gsl_rng_type *rng_philox_type(void)
{
    return &rng_philox_gsl_type;
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
    gsl_rng *r = gsl_rng_alloc(&rng_philox_gsl_type);
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
