/* test_engine.c - calendar, streams, statistics and the event loop,
 * checked against simple references and closed forms. */
#include <criterion/criterion.h>
#include <signal.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "evq.h"
#include "grow.h"
#include "invariant.h"
#include "rng.h"
#include "sim.h"
#include "stats.h"

/* ---- evq: random push/pop sequences against a linear-scan reference ---- */

typedef struct ref_entry {
    int64_t time;
    uint64_t seq;
    uint32_t slot;
} ref_entry;

/* Index of the earliest (time, seq) entry of a non-empty reference. */
static size_t ref_min(const ref_entry *ref, size_t nref)
{
    size_t m = 0;
    for (size_t i = 1; i < nref; i++)
        if (ref[i].time < ref[m].time || (ref[i].time == ref[m].time && ref[i].seq < ref[m].seq))
            m = i;
    return m;
}

Test(evq, matches_reference_under_random_ops)
{
    gsl_rng *r = rng_stream_new(rng_key(7, 0, 0, 1));
    evq q;
    cr_assert_eq(evq_init(&q, 4), 0);
    ref_entry *ref = malloc(200000 * sizeof *ref);
    size_t nref = 0;
    uint64_t seq = 0;
    uint32_t next_slot = 0;
    for (int step = 0; step < 200000; step++) {
        double u = gsl_rng_uniform(r);
        if (nref == 0 || u < 0.55) {
            /* Few distinct times so that ties are common. */
            int64_t t = (int64_t)gsl_rng_uniform_int(r, 50);
            uint32_t slot = next_slot++;
            if (nref && u < 0.1) {
                /* replace_top path: pop the root, insert a new one */
                size_t m = ref_min(ref, nref);
                cr_assert_eq(evq_top(&q)->slot, ref[m].slot);
                ref[m] = ref[--nref];
                evq_replace_top(&q, t, slot);
            } else {
                cr_assert_eq(evq_push(&q, t, slot), 0);
            }
            ref[nref].time = t;
            ref[nref].seq = seq++;
            ref[nref].slot = slot;
            nref++;
        } else {
            size_t m = ref_min(ref, nref);
            const evq_entry *top = evq_top(&q);
            cr_assert_eq(top->time, ref[m].time);
            cr_assert_eq(top->slot, ref[m].slot, "step %d", step);
            evq_pop(&q);
            ref[m] = ref[--nref];
        }
        cr_assert_eq(q.n, nref);
        if (nref > 2000) /* keep the reference scan cheap */
            while (nref > 100) {
                size_t m = ref_min(ref, nref);
                cr_assert_eq(evq_top(&q)->slot, ref[m].slot);
                evq_pop(&q);
                ref[m] = ref[--nref];
            }
    }
    free(ref);
    evq_free(&q);
    gsl_rng_free(r);
}

Test(evq, ties_pop_in_insertion_order)
{
    evq q;
    cr_assert_eq(evq_init(&q, 2), 0);
    for (uint32_t i = 0; i < 1000; i++)
        evq_push(&q, 42, i);
    for (uint32_t i = 0; i < 1000; i++) {
        cr_assert_eq(evq_top(&q)->slot, i);
        evq_pop(&q);
    }
    cr_assert_null(evq_top(&q));
    evq_free(&q);
}

Test(evq, sequence_wraparound_keeps_fifo)
{
    evq q;
    cr_assert_eq(evq_init(&q, 2), 0);
    q.next_seq = UINT32_MAX - 5;
    for (uint32_t i = 0; i < 12; i++)
        evq_push(&q, 1, i);
    for (uint32_t i = 0; i < 12; i++) {
        cr_assert_eq(evq_top(&q)->slot, i);
        evq_pop(&q);
    }
    evq_free(&q);
}

/* Increments for the hold tests: exponential, 1% 500x longer, exact ties
 * (0 or whole milliseconds), by mode. */
static int64_t evq_test_increment(gsl_rng *r, int mode)
{
    switch (mode) {
    case 0: return (int64_t)gsl_ran_exponential(r, 1e6);
    case 1: return (int64_t)gsl_ran_exponential(r, gsl_rng_uniform(r) < 0.01 ? 5e8 : 1e6);
    default: return (int64_t)gsl_rng_uniform_int(r, 4) * 1000000;
    }
}

/* Hold model (the engine's pattern) big enough to use buckets, rebuilds and
 * the overflow.  Slots are insertion numbers, and every push is at or after
 * the current time, so the popped (time, slot) pairs must never decrease. */
Test(evq, hold_model_pops_in_time_then_insertion_order)
{
    for (int mode = 0; mode < 3; mode++) {
        gsl_rng *r = rng_stream_new(rng_key(11, 0, 0, (uint64_t)mode));
        evq q;
        cr_assert_eq(evq_init(&q, 16), 0);
        uint32_t next_slot = 0;
        for (int i = 0; i < 5000; i++)
            cr_assert_eq(evq_push(&q, evq_test_increment(r, mode), next_slot++), 0);
        int64_t last_time = -1;
        uint32_t last_slot = 0;
        for (int step = 0; step < 300000; step++) {
            const evq_entry *top = evq_top(&q);
            cr_assert(top->time > last_time ||
                      (top->time == last_time && top->slot > last_slot),
                      "mode %d step %d", mode, step);
            last_time = top->time;
            last_slot = top->slot;
            double u = gsl_rng_uniform(r);
            int64_t t = last_time + evq_test_increment(r, mode);
            if (u < 0.8) {
                evq_replace_top(&q, t, next_slot++);
            } else if (u < 0.9 || evq_size(&q) < 100) {
                evq_pop(&q);
                cr_assert_eq(evq_push(&q, t, next_slot++), 0);
                cr_assert_eq(evq_push(&q, t + evq_test_increment(r, mode), next_slot++), 0);
            } else {
                evq_pop(&q);
            }
        }
        while (evq_size(&q)) {
            const evq_entry *top = evq_top(&q);
            cr_assert(top->time > last_time ||
                      (top->time == last_time && top->slot > last_slot));
            last_time = top->time;
            last_slot = top->slot;
            evq_pop(&q);
        }
        cr_assert_null(evq_top(&q));
        evq_free(&q);
        gsl_rng_free(r);
    }
}

/* Arbitrary push times (earlier than the current minimum too) over a wide
 * range, against the linear-scan reference. */
Test(evq, wide_random_times_match_reference)
{
    gsl_rng *r = rng_stream_new(rng_key(13, 0, 0, 1));
    evq q;
    cr_assert_eq(evq_init(&q, 4), 0);
    ref_entry *ref = malloc(4000 * sizeof *ref);
    size_t nref = 0;
    uint64_t seq = 0;
    uint32_t next_slot = 0;
    for (int step = 0; step < 100000; step++) {
        double u = gsl_rng_uniform(r);
        /* The queue size drifts up and down between 0 and 3000. */
        double push_p = (step / 10000) % 2 ? 0.45 : 0.6;
        if (nref < 3000 && (nref == 0 || u < push_p)) {
            int64_t t = gsl_rng_uniform(r) < 0.3 ? (int64_t)gsl_rng_uniform_int(r, 8)
                                                 : (int64_t)(gsl_rng_uniform(r) * 1e12);
            uint32_t slot = next_slot++;
            if (nref && u < 0.2) {
                size_t m = ref_min(ref, nref);
                cr_assert_eq(evq_top(&q)->slot, ref[m].slot);
                ref[m] = ref[--nref];
                evq_replace_top(&q, t, slot);
            } else {
                cr_assert_eq(evq_push(&q, t, slot), 0);
            }
            ref[nref].time = t;
            ref[nref].seq = seq++;
            ref[nref].slot = slot;
            nref++;
        } else if (nref) {
            size_t m = ref_min(ref, nref);
            cr_assert_eq(evq_top(&q)->slot, ref[m].slot, "step %d", step);
            evq_pop(&q);
            ref[m] = ref[--nref];
        }
        cr_assert_eq(evq_size(&q), nref);
    }
    free(ref);
    evq_free(&q);
    gsl_rng_free(r);
}

/* The wrap renumbers entries that sit in buckets and the overflow too, in
 * the middle of replace_top. */
Test(evq, wraparound_with_far_entries_keeps_order)
{
    evq q;
    cr_assert_eq(evq_init(&q, 2), 0);
    uint32_t slot = 0;
    for (int i = 0; i < 3000; i++)
        cr_assert_eq(evq_push(&q, (int64_t)(i % 7) * 10, slot++), 0);
    q.next_seq = UINT32_MAX - 50;
    int64_t last_time = -1;
    uint32_t last_slot = 0;
    for (int step = 0; step < 6000; step++) {
        const evq_entry *top = evq_top(&q);
        cr_assert(top->time > last_time || (top->time == last_time && top->slot > last_slot));
        last_time = top->time;
        last_slot = top->slot;
        evq_replace_top(&q, last_time + (step % 3) * 10, slot++);
    }
    cr_assert_lt(q.next_seq, 10000u);
    while (evq_size(&q)) {
        const evq_entry *top = evq_top(&q);
        cr_assert(top->time > last_time || (top->time == last_time && top->slot > last_slot));
        last_time = top->time;
        last_slot = top->slot;
        evq_pop(&q);
    }
    evq_free(&q);
}

/* ---- rng ---- */

Test(rng, same_key_same_sequence_distinct_keys_differ)
{
    gsl_rng *a = rng_stream_new(rng_key(1, 2, 3, 4));
    gsl_rng *b = rng_stream_new(rng_key(1, 2, 3, 4));
    gsl_rng *c = rng_stream_new(rng_key(1, 2, 4, 3));
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned long x = gsl_rng_get(a), y = gsl_rng_get(b), z = gsl_rng_get(c);
        cr_assert_eq(x, y);
        differ += x != z;
    }
    cr_assert_gt(differ, 990);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

Test(rng, uniform_moments)
{
    gsl_rng *r = rng_stream_new(rng_key(99, 0, 0, 0));
    const int n = 1000000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        cr_assert(u >= 0 && u < 1);
        s += u;
        s2 += u * u;
    }
    double mean = s / n, var = s2 / n - mean * mean;
    /* 6 standard errors: a failure means a broken generator, not bad luck. */
    cr_assert_lt(fabs(mean - 0.5), 6 * sqrt(1.0 / 12 / n));
    cr_assert_lt(fabs(var - 1.0 / 12), 6 * sqrt(1.0 / 180 / n));
    gsl_rng_free(r);
}

/* Every refill implementation gives Random123's philox4x32 for counters
 * 1, 2, ... (read v[3], v[2], v[1], v[0]), across the 2^32 carry of the
 * counter's low word too. */
Test(rng, refill_variants_are_philox4x32_word_for_word)
{
    const uint64_t keys[] = { 0, 1, 0xdeadbeefcafef00dULL, UINT64_MAX };
    const uint64_t starts[] = { 0, 5, 0xffffffffULL - 7, 0xfffffffffffffff0ULL };
    int ran = 0;
    for (int variant = 0; variant < 3; variant++) {
        rng_state probe;
        memset(&probe, 0, sizeof probe);
        if (rng_refill_variant(&probe, variant) != 0)
            continue; /* not in this build or on this machine */
        for (size_t ki = 0; ki < sizeof keys / sizeof keys[0]; ki++)
            for (size_t si = 0; si < sizeof starts / sizeof starts[0]; si++) {
                rng_state st;
                memset(&st, 0, sizeof st);
                st.key[0] = (uint32_t)keys[ki];
                st.key[1] = (uint32_t)(keys[ki] >> 32);
                st.ctr = starts[si];
                philox4x32_key_t k = { { st.key[0], st.key[1] } };
                uint64_t c = starts[si];
                for (int refill = 0; refill < 3; refill++) {
                    cr_assert_eq(rng_refill_variant(&st, variant), 0);
                    ran++;
                    for (int b = 0; b < RNG_BLOCKS; b++) {
                        c++;
                        philox4x32_ctr_t in = { { (uint32_t)c, (uint32_t)(c >> 32), 0, 0 } };
                        philox4x32_ctr_t out = philox4x32(in, k);
                        for (int w = 3; w >= 0; w--)
                            cr_assert_eq(st.buf[--st.left], out.v[w],
                                         "variant %d key %zu start %zu block %d", variant, ki,
                                         si, b);
                    }
                }
            }
    }
    cr_assert_geq(ran, 48, "at least the portable variant ran");
}

/* The stream's words are Philox's own, in order: the same sequence the
 * single-block generator gave before batching (its first words pinned
 * here), so every stored result keeps its bits. */
Test(rng, stream_starts_at_counter_one)
{
    gsl_rng *r = rng_stream_new(0x0123456789abcdefULL);
    philox4x32_key_t k = { { 0x89abcdefu, 0x01234567u } };
    for (uint32_t c = 1; c <= 100; c++) {
        philox4x32_ctr_t in = { { c, 0, 0, 0 } };
        philox4x32_ctr_t out = philox4x32(in, k);
        for (int w = 3; w >= 0; w--)
            cr_assert_eq(gsl_rng_get(r), out.v[w]);
    }
    gsl_rng_free(r);
}

/* The inline draws equal GSL's, drawing the same words. */
Test(rng, inline_draws_equal_gsl)
{
    const uint32_t ns[] = { 1, 2, 3, 7, 1000, 1024, 1u << 20, 1000003, 0x7fffffffu,
                            0x80000000u, 0x80000001u, 0xfffffffeu, 0xffffffffu };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        gsl_rng *a = rng_stream_new(rng_key(5, i, 0, 0));
        gsl_rng *b = rng_stream_new(rng_key(5, i, 0, 0));
        rng_range rr = rng_range_of(ns[i]);
        for (int k = 0; k < 20000; k++) {
            cr_assert_eq(rng_uniform_range(a, &rr), (uint32_t)gsl_rng_uniform_int(b, ns[i]),
                         "n = %u, draw %d", ns[i], k);
            cr_assert_eq(rng_uniform(a), gsl_rng_uniform(b));
        }
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    /* The quotient trick is exact for every x against the hardest scales. */
    const uint32_t scales[] = { 2, 3, 5, 7, 641, 65537, 4194303, 0x7fffffffu, 0xfffffffeu };
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        rng_range rr = { 1, scales[i], UINT64_MAX / scales[i] + 1 };
        for (uint64_t x = 0; x <= 0xffffffffULL; x += 0xffffffffULL / 3000001) {
            uint32_t xs[3] = { (uint32_t)x, (uint32_t)(x | 0xff), (uint32_t)(x - (x % scales[i])) };
            for (int j = 0; j < 3; j++)
                cr_assert_eq((uint32_t)(((rng_u128)xs[j] * rr.magic) >> 64), xs[j] / scales[i]);
        }
    }
}

/* ---- stats ---- */

Test(stats, tally_exact_quantiles_below_cap)
{
    stats_acc a;
    stats_acc_init(&a, STATS_TALLY, 1000, 1);
    for (int i = 100; i >= 0; i--)
        stats_tally_add(&a, i);
    stats_rep r;
    stats_acc_finish(&a, 0, 1, &r);
    cr_assert_float_eq(r.value, 50.0, 1e-12);
    cr_assert_float_eq(r.p50, 50.0, 1e-12);
    cr_assert_float_eq(r.p90, 90.0, 1e-12);
    cr_assert_float_eq(r.p99, 99.0, 1e-12);
    cr_assert_float_eq(r.min, 0.0, 0);
    cr_assert_float_eq(r.max, 100.0, 0);
    cr_assert_float_eq(r.sd, sqrt(101.0 * 102.0 / 12.0), 1e-9);
    stats_acc_free(&a);
}

/* The summary's sort (a radix sort once there are enough samples) leaves
 * the samples exactly as gsl_sort does, bit for bit: sizes on both sides
 * of the radix threshold and of the 16-bit digits, negative values,
 * repeats, zeros and infinities; and with a -0.0 or a NaN among them
 * (gsl_sort's own path). */
Test(stats, sorted_samples_equal_gsl_sort)
{
    const size_t sizes[] = { 10, 255, 256, 1000, 65535, 65536, 200000 };
    gsl_rng *r = rng_stream_new(rng_key(3, 0, 0, 9));
    cr_assert_not_null(r);
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
        for (int special = 0; special < 3; special++) {
            size_t n = sizes[z];
            stats_acc a;
            stats_acc_init(&a, STATS_TALLY, n, 1);
            double *want = malloc(n * sizeof *want);
            cr_assert_not_null(want);
            for (size_t i = 0; i < n; i++) {
                double u = gsl_rng_uniform(r), x;
                if (i % 7 == 0)
                    x = (double)(i % 13);                 /* repeats, +0.0 */
                else if (i % 11 == 0)
                    x = -gsl_ran_exponential(r, 1e-3);    /* negatives */
                else
                    x = gsl_ran_lognormal(r, 0.0, 4.0);   /* many magnitudes */
                if (i == n / 2)
                    x = special == 1 ? -0.0 : special == 2 ? NAN : INFINITY;
                if (i == n / 3)
                    x = -INFINITY;
                (void)u;
                want[i] = x;
                stats_tally_add(&a, x);
            }
            gsl_sort(want, 1, n);
            stats_rep rep;
            stats_acc_finish(&a, 0, 1, &rep);
            const double *got, *cens;
            size_t ngot, ncens;
            double w, cw;
            stats_acc_samples(&a, &got, &ngot, &cens, &ncens, &w, &cw);
            cr_assert_eq(ngot, n);
            cr_expect_eq(memcmp(got, want, n * sizeof *want), 0,
                         "n = %zu, special %d: sorted samples differ from gsl_sort", n, special);
            free(want);
            stats_acc_free(&a);
        }
    }
    gsl_rng_free(r);
}

Test(stats, reservoir_beyond_cap_keeps_moments_exact)
{
    stats_acc a;
    stats_acc_init(&a, STATS_TALLY, 10000, 5);
    const int n = 1000000;
    for (int i = 0; i < n; i++)
        stats_tally_add(&a, (double)(i % 1000));
    stats_rep r;
    stats_acc_finish(&a, 0, 1, &r);
    cr_assert_float_eq(r.value, 499.5, 1e-9);
    cr_assert_eq(r.n, n);
    /* Reservoir of 10,000 from a uniform 0..999: p50 within a few %. */
    cr_assert_lt(fabs(r.p50 - 499.5), 25);
    cr_assert_lt(fabs(r.p99 - 989.0), 8);
    stats_acc_free(&a);
}

/* The reservoir draws inline what it drew through GSL: the kept samples
 * equal algorithm L written with gsl_rng_uniform_int/_pos, slot for slot,
 * for several caps (so stored quantiles keep their bits). */
Test(stats, reservoir_equals_gsl_algorithm_l)
{
    const size_t caps[] = { 1, 3, 100, 1000 };
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        size_t cap = caps[c];
        uint64_t key = rng_key(9, c, 0, 0);
        stats_acc a;
        stats_acc_init(&a, STATS_TALLY, cap, key);
        double *ref = malloc(cap * sizeof *ref);
        gsl_rng *r = NULL;
        double w = 0, next = 0;
        for (long i = 1; i <= 200000; i++) {
            double x = (double)i;
            cr_assert_eq(stats_tally_add(&a, x), 0);
            if ((size_t)i <= cap) {
                ref[i - 1] = x;
                continue;
            }
            if (!r) {
                r = rng_stream_new(key);
                w = exp(log(gsl_rng_uniform_pos(r)) / (double)cap);
                next = (double)cap + floor(log(gsl_rng_uniform_pos(r)) / log1p(-w)) + 1;
            }
            if ((double)i < next)
                continue;
            ref[gsl_rng_uniform_int(r, (unsigned long)cap)] = x;
            w *= exp(log(gsl_rng_uniform_pos(r)) / (double)cap);
            next += floor(log(gsl_rng_uniform_pos(r)) / log1p(-w)) + 1;
        }
        cr_assert_eq(a.nsamples, cap);
        for (size_t k = 0; k < cap; k++)
            cr_assert_eq(a.samples[k], ref[k], "cap %zu slot %zu", cap, k);
        gsl_rng_free(r);
        free(ref);
        stats_acc_free(&a);
    }
}

/* sim_ns rounds as llround does (halves away from zero), inline. */
/* ---- grow: arrays and rings that start empty ---------------------------- */

Test(engine, grow_reserve_from_empty_doubles_and_keeps_contents)
{
    int64_t *a = NULL;
    size_t cap = 0, n = 0;
    cr_assert_eq(GROW_RESERVE(a, cap, n + 1, 4), 0);
    cr_assert_eq(cap, 4);
    for (int64_t v = 0; v < 1000; v++) {
        cr_assert_eq(GROW_RESERVE(a, cap, n + 1, 4), 0);
        a[n++] = v * v;
    }
    /* 4 doubled to the first power-of-two multiple >= 1000. */
    cr_expect_eq(cap, 1024);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(a[i], (int64_t)(i * i));
    /* Room already: unchanged. */
    int64_t *before = a;
    cr_expect_eq(GROW_RESERVE(a, cap, 10, 4), 0);
    cr_expect(a == before && cap == 1024);
    free(a);
}

Test(engine, grow_reserve_upto_refuses_past_the_limit)
{
    uint32_t *a = NULL;
    size_t cap = 0;
    cr_assert_eq(GROW_RESERVE_UPTO(a, cap, 5, 4, 6), 0);
    cr_expect_eq(cap, 6, "doubling stops at the limit");
    cr_expect_eq(GROW_RESERVE_UPTO(a, cap, 7, 4, 6), -1);
    cr_expect_eq(cap, 6, "a refusal leaves the capacity");
    cr_expect_neq(a, NULL);
    free(a);
}

Test(engine, grow_ring_reserve_unwraps_oldest_first)
{
    int *r = NULL;
    size_t cap = 0, head = 0, len = 0;
    int next_in = 0, next_out = 0;
    /* Push 3, pop 2 at a time so the ring wraps before each growth. */
    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 3; k++) {
            cr_assert_eq(GROW_RING_RESERVE(r, cap, head, len, 2), 0);
            r[(head + len) % cap] = next_in++;
            len++;
        }
        for (int k = 0; k < 2; k++) {
            cr_assert_eq(r[head], next_out++, "FIFO order after growth");
            head = (head + 1) % cap;
            len--;
        }
    }
    cr_expect_eq(len, 200);
    cr_expect_geq(cap, len);
    free(r);
}

Test(engine, grow_ring_push_pop_is_fifo_across_wraps)
{
    int64_t *r = NULL;
    size_t cap = 0, head = 0, len = 0;
    int64_t next_in = 0, next_out = 0;
    /* Push 3, pop 2 at a time (the ring wraps before each growth), then
     * drain: every element comes out once, oldest first. */
    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 3; k++)
            cr_assert_eq(GROW_RING_PUSH(r, cap, head, len, 2, next_in++), 0);
        for (int k = 0; k < 2; k++)
            cr_assert_eq(r[grow_ring_pop(&head, &len, cap)], next_out++, "FIFO order");
        cr_assert_lt(head, cap, "head stays inside the ring");
    }
    cr_expect_eq(len, 200);
    while (len)
        cr_assert_eq(r[grow_ring_pop(&head, &len, cap)], next_out++, "FIFO order on drain");
    cr_expect_eq(next_out, next_in);
    free(r);
}

Test(engine, sim_ns_is_llround)
{
    const double edge[] = { 0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994,
                            -0.49999999999999994, 4503599627370495.5, 4503599627370496.0,
                            9007199254740993.0, -4503599627370495.5, 1e18, -1e18,
                            9223372036854774784.0 - 2048.0, -9223372036854774784.0 };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        cr_assert_eq(sim_ns(edge[i]), (int64_t)llround(edge[i]), "%.17g", edge[i]);
    gsl_rng *r = rng_stream_new(77);
    for (int k = 0; k < 200000; k++) {
        double x = (gsl_rng_uniform(r) - 0.5) * ldexp(1.0, (int)gsl_rng_uniform_int(r, 63));
        cr_assert_eq(sim_ns(x), (int64_t)llround(x), "%.17g", x);
        double h = floor(x) + 0.5; /* exact halves */
        cr_assert_eq(sim_ns(h), (int64_t)llround(h), "%.17g", h);
    }
    gsl_rng_free(r);
    cr_assert_eq(sim_ns(9223372036854774784.0), SIM_TIME_MAX);
    cr_assert_eq(sim_ns(NAN), SIM_TIME_MAX);
}

Test(stats, level_time_average)
{
    stats_acc a;
    stats_acc_init(&a, STATS_LEVEL, 0, 0);
    stats_level_set(&a, 0, 2.0);
    stats_level_set(&a, 10, 4.0);
    stats_rep r;
    stats_acc_finish(&a, 20, 20e-9, &r);
    cr_assert_float_eq(r.value, 3.0, 1e-12);
    cr_assert_float_eq(r.max, 4.0, 0);
    stats_acc_free(&a);
}

Test(stats, t_interval)
{
    /* t(0.975, 9) = 2.262157 */
    cr_assert_float_eq(stats_ci95_half_width(1.0, 10), 2.262157 / sqrt(10.0), 1e-6);
    stats_rep reps[3];
    memset(reps, 0, sizeof reps);
    reps[0].value = 1; reps[1].value = 2; reps[2].value = 3;
    for (int i = 0; i < 3; i++)
        reps[i].p50 = reps[i].p95 = reps[i].p99 = NAN;
    stats_summary s;
    stats_def d;
    memset(&d, 0, sizeof d);
    d.kind = STATS_VALUE;
    d.domain = STATS_REAL;
    stats_summarise(reps, 3, 1, &d, &s);
    cr_assert_float_eq(s.mean, 2.0, 1e-12);
    cr_assert_float_eq(s.half_width, 4.302653 * 1.0 / sqrt(3.0), 1e-5);
    /* A non-negative metric's interval stops at 0 (the parameter cannot be
     * below it, so the coverage is kept). */
    d.domain = STATS_NONNEG;
    stats_summarise(reps, 3, 1, &d, &s);
    cr_assert_float_eq(s.ci_low, 0.0, 0);
    cr_assert_float_eq(s.ci_high, 2.0 + 4.302653 / sqrt(3.0), 1e-5);
    /* A proportion's stays inside [0, 1]. */
    reps[0].value = 0.9; reps[1].value = 1.0; reps[2].value = 1.0;
    d.domain = STATS_PROPORTION;
    stats_summarise(reps, 3, 1, &d, &s);
    cr_assert_float_eq(s.ci_high, 1.0, 0);
    cr_assert(s.ci_low >= 0 && s.ci_low < 0.9);
}

/* ---- engine: a test model that schedules, cancels and checks order ---- */

typedef struct tm_pending {
    int64_t time;
    uint64_t order; /* scheduling order */
    sim_handle h;
    int live;
} tm_pending;

typedef struct tm_state {
    gsl_rng *r;
    tm_pending *p;
    size_t n, cap;
    uint64_t order;
    size_t fired, cancelled;
    int64_t last_time;
    int bad;
} tm_state;

static void tm_add(sim_t *sim, tm_state *s, int64_t at)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->p = realloc(s->p, s->cap * sizeof *s->p);
    }
    sim_event *ev = sim_schedule(sim, at, sim_self(sim), 1, 0);
    ev->data.u64[0] = s->n;
    s->p[s->n].time = at;
    s->p[s->n].order = s->order++;
    s->p[s->n].h = sim_handle_of(ev);
    s->p[s->n].live = 1;
    s->n++;
}

static int tm_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)params;
    (void)e;
    tm_state *s = state;
    s->r = sim_stream(sim, "test");
    for (int i = 0; i < 500; i++)
        tm_add(sim, s, (int64_t)gsl_rng_uniform_int(s->r, 100));
    return 0;
}

static void tm_event(sim_t *sim, void *state, const sim_event *ev)
{
    tm_state *s = state;
    size_t id = (size_t)ev->data.u64[0];
    /* The fired event must be the earliest live one by (time, order). */
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i].live && (best == SIZE_MAX || s->p[i].time < s->p[best].time ||
                             (s->p[i].time == s->p[best].time &&
                              s->p[i].order < s->p[best].order)))
            best = i;
    if (best != id || sim_now(sim) != s->p[id].time)
        s->bad++;
    s->p[id].live = 0;
    s->fired++;
    int children = (int)gsl_rng_uniform_int(s->r, 3);
    for (int k = 0; k < children && s->n < 20000; k++)
        tm_add(sim, s, sim_now(sim) + (int64_t)gsl_rng_uniform_int(s->r, 20));
    if (gsl_rng_uniform(s->r) < 0.3 && s->n) {
        size_t victim = (size_t)gsl_rng_uniform_int(s->r, s->n);
        int was = sim_cancel(sim, s->p[victim].h);
        if (was != s->p[victim].live)
            s->bad++;
        if (was) {
            s->p[victim].live = 0;
            s->cancelled++;
        }
    }
}

static void tm_release(void *state)
{
    free(((tm_state *)state)->p);
}

static const sim_model tm_model = {
    .name = "tm", .summary = "test", .params_size = 1, .state_size = sizeof(tm_state),
    .configure = NULL, .init = tm_init, .event = tm_event, .finish = NULL,
    .release = tm_release,
};

Test(engine, schedule_cancel_order_matches_reference)
{
    const sim_model *models[] = { &tm_model };
    char dummy = 0;
    void *params[] = { &dummy };
    sim_config cfg = { .seed = 3, .duration_ns = INT64_C(1) << 40,
                       .quantile_samples = 10, .models = models, .nmodels = 1,
                       .params = params };
    err_t e;
    err_clear(&e);
    sim_t *sim = sim_new(&cfg, &e);
    cr_assert_not_null(sim);
    cr_assert_eq(sim_run(sim, &e), 0);
    cr_assert_gt(sim_events_processed(sim), 10000);
    sim_free(sim);
}

/* Constant-delay chain: exact event times, and the end time is exclusive. */
typedef struct chain_state {
    int64_t n;
    int m_error;
} chain_state;

static int chain_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)params; (void)e;
    chain_state *s = state;
    s->m_error = sim_metric(sim, "error", "ns", 1.0, STATS_TALLY, "timing error");
    sim_schedule(sim, 0, sim_self(sim), 1, 0);
    return 0;
}

static void chain_event(sim_t *sim, void *state, const sim_event *ev)
{
    (void)ev;
    chain_state *s = state;
    sim_tally(sim, s->m_error, (double)llabs(sim_now(sim) - s->n * 7 * SIM_NS_PER_MS));
    s->n++;
    sim_schedule_in(sim, 7 * SIM_NS_PER_MS, sim_self(sim), 1, 0);
}

static const sim_model chain_model = {
    .name = "chain", .summary = "test", .params_size = 1,
    .state_size = sizeof(chain_state), .init = chain_init, .event = chain_event,
};

Test(engine, constant_delay_exact_times)
{
    const sim_model *models[] = { &chain_model };
    char dummy = 0;
    void *params[] = { &dummy };
    sim_config cfg = { .seed = 1, .duration_ns = 70 * SIM_NS_PER_MS,
                       .models = models, .nmodels = 1, .params = params };
    err_t e;
    err_clear(&e);
    sim_t *sim = sim_new(&cfg, &e);
    cr_assert_not_null(sim);
    cr_assert_eq(sim_run(sim, &e), 0);
    /* Events at 0, 7, ..., 63 ms run; the one at 70 ms (= end) does not. */
    cr_assert_eq(sim_events_processed(sim), 10);
    cr_assert_eq(sim_events_pending(sim), 1);
    const stats_rep *r = sim_results(sim);
    cr_assert_eq(r[0].n, 10);
    cr_assert_eq(r[0].max, 0.0);
    sim_free(sim);
}

/* Issue 14 item 6: a metric declared twice fails the run at init (not at
 * the results file after the whole run); records made in init count when
 * there is no warmup, and are dropped by a warmup. */
typedef struct twice_state {
    int m_a, m_b;
} twice_state;

static int twice_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)e;
    twice_state *s = state;
    s->m_a = sim_metric(sim, "deals", "1", 1.0, STATS_COUNT, "counted in init");
    if (*(const char *)params)
        s->m_b = sim_metric(sim, "deals", "1", 1.0, STATS_COUNT, "the same name again");
    sim_count(sim, s->m_a, 1);
    return 0;
}

static void twice_event(sim_t *sim, void *state, const sim_event *ev)
{
    (void)sim; (void)state; (void)ev;
}

static const sim_model twice_model = {
    .name = "twice", .summary = "test", .params_size = 1,
    .state_size = sizeof(twice_state), .init = twice_init, .event = twice_event,
};

Test(engine, duplicate_metric_name_fails_at_init)
{
    const sim_model *models[] = { &twice_model };
    char twice = 1;
    void *params[] = { &twice };
    sim_config cfg = { .seed = 1, .duration_ns = SIM_NS_PER_MS, .models = models,
                       .nmodels = 1, .params = params };
    err_t e;
    err_clear(&e);
    cr_assert_null(sim_new(&cfg, &e));
    cr_assert(strstr(e.msg, "metric twice.deals is declared twice") != NULL, "%s", e.msg);
}

Test(engine, records_made_in_init_count_without_warmup)
{
    const sim_model *models[] = { &twice_model };
    char once = 0;
    void *params[] = { &once };
    for (int warm = 0; warm < 2; warm++) {
        sim_config cfg = { .seed = 1, .duration_ns = SIM_NS_PER_MS,
                           .warmup_ns = warm ? SIM_NS_PER_MS : 0, .models = models,
                           .nmodels = 1, .params = params };
        err_t e;
        err_clear(&e);
        sim_t *sim = sim_new(&cfg, &e);
        cr_assert_not_null(sim, "%s", e.msg);
        cr_assert_eq(sim_run(sim, &e), 0);
        const stats_rep *r = sim_results(sim);
        cr_expect_eq(r[0].value, warm ? 0.0 : 1.0, "warmup %d: count %g", warm, r[0].value);
        sim_free(sim);
    }
}

/* Signals: delivered to every active subscriber in registry order, at the
 * emitting time, as the subscriber's own kind with the payload copied;
 * an inactive subscriber hears nothing; nobody listening is a no-op. */
typedef struct sig_payload {
    uint64_t value;
    double half;
} sig_payload;

typedef struct sig_state {
    int m_a, m_b, m_c;
} sig_state;

static int sig_emitter_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)params; (void)e;
    sig_state *s = state;
    s->m_a = sim_metric(sim, "listeners", "1", 1.0, STATS_VALUE, "listeners of signal 3");
    s->m_b = sim_metric(sim, "nobody", "1", 1.0, STATS_VALUE, "listeners of signal 4");
    sim_schedule(sim, 5, sim_self(sim), 1, 0);
    return 0;
}

static void sig_emitter_event(sim_t *sim, void *state, const sim_event *ev)
{
    (void)ev;
    sig_state *s = state;
    sig_payload p = { 42, 0.5 };
    sim_set_value(sim, s->m_a, sim_emit(sim, 3, &p));
    sim_set_value(sim, s->m_b, sim_emit(sim, 4, &p));
}

static int sig_listener_init(sim_t *sim, void *state, const void *params, err_t *e)
{
    (void)params; (void)e;
    sig_state *s = state;
    s->m_a = sim_metric(sim, "order", "1", 1.0, STATS_VALUE, "events run before it");
    s->m_b = sim_metric(sim, "kind", "1", 1.0, STATS_VALUE, "kind received");
    s->m_c = sim_metric(sim, "value", "1", 1.0, STATS_VALUE, "payload and time");
    return 0;
}

static void sig_listener_event(sim_t *sim, void *state, const sim_event *ev)
{
    sig_state *s = state;
    sig_payload p;
    sim_payload(ev, &p, sizeof p);
    sim_set_value(sim, s->m_a, (double)sim_events_processed(sim));
    sim_set_value(sim, s->m_b, ev->kind);
    sim_set_value(sim, s->m_c, (double)p.value + p.half + 1000.0 * (double)sim_now(sim));
}

static const sim_subscription sig_kind7[] = { { 3, 7 } };
static const sim_subscription sig_kind9[] = { { 3, 9 } };
static const sim_subscription sig_bad[] = { { SIM_MAX_SIGNALS, 1 } };

static const sim_model sig_emitter = {
    .name = "emitter", .summary = "test", .params_size = 1, .state_size = sizeof(sig_state),
    .init = sig_emitter_init, .event = sig_emitter_event,
};
static const sim_model sig_first = {
    .name = "first", .summary = "test", .params_size = 1, .state_size = sizeof(sig_state),
    .init = sig_listener_init, .event = sig_listener_event, SIM_SUBSCRIBE(sig_kind9),
};
static const sim_model sig_second = {
    .name = "second", .summary = "test", .params_size = 1, .state_size = sizeof(sig_state),
    .init = sig_listener_init, .event = sig_listener_event, SIM_SUBSCRIBE(sig_kind7),
};
static const sim_model sig_off = {
    .name = "off", .summary = "test", .params_size = 1, .state_size = sizeof(sig_state),
    .init = sig_listener_init, .event = sig_listener_event, SIM_SUBSCRIBE(sig_kind7),
};
static const sim_model sig_broken = {
    .name = "broken", .summary = "test", .params_size = 1, .state_size = sizeof(sig_state),
    .init = sig_listener_init, .event = sig_listener_event, SIM_SUBSCRIBE(sig_bad),
};

Test(engine, signals_reach_subscribers_in_registry_order)
{
    /* "off" is registered but inactive (no params). */
    const sim_model *models[] = { &sig_second, &sig_off, &sig_emitter, &sig_first };
    char dummy = 0;
    void *params[] = { &dummy, NULL, &dummy, &dummy };
    sim_config cfg = { .seed = 1, .duration_ns = SIM_NS_PER_S, .quantile_samples = 10,
                       .models = models, .nmodels = 4, .params = params };
    err_t e;
    err_clear(&e);
    sim_t *sim = sim_new(&cfg, &e);
    cr_assert_not_null(sim);
    cr_assert_eq(sim_run(sim, &e), 0);
    cr_assert_eq(sim_events_processed(sim), 3, "the emitter's event and two deliveries");
    cr_assert_eq(sim_metric_count(sim), 8);
    const stats_rep *r = sim_results(sim);
    /* metrics in init (registry) order: second (3), emitter (2), first (3) */
    cr_expect_eq(r[3].value, 2.0, "two listeners");
    cr_expect_eq(r[4].value, 0.0, "nobody listens to signal 4");
    cr_expect_eq(r[0].value + 1.0, r[5].value,
                 "second (registry 0) hears it just before first (%g, %g)", r[0].value,
                 r[5].value);
    cr_expect_eq(r[1].value, 7.0);
    cr_expect_eq(r[6].value, 9.0);
    cr_expect_eq(r[2].value, 42.5 + 5000.0, "payload copied, delivered at the emitting time");
    cr_expect_eq(r[7].value, 42.5 + 5000.0);
    sim_free(sim);

    const sim_model *bad[] = { &sig_broken };
    void *bad_params[] = { &dummy };
    sim_config bc = { .seed = 1, .duration_ns = SIM_NS_PER_S, .models = bad, .nmodels = 1,
                      .params = bad_params };
    err_clear(&e);
    cr_expect_null(sim_new(&bc, &e));
    cr_expect(strstr(e.msg, "subscription") != NULL, "%s", e.msg);
}

Test(engine, event_is_40_bytes)
{
    /* 40-byte events + 16-byte calendar entries: 56 B per pending event. */
    cr_assert_eq(sizeof(sim_event), 40);
    cr_assert_eq(sizeof(evq_entry), 16);
}

#ifndef NDEBUG
/* Debug and asan builds: a broken invariant aborts, naming itself. */
Test(engine, invariant_aborts, .signal = SIGABRT)
{
    int slots = 3;
    INVARIANT(slots == 4, "pool: a test of the macro");
}

/* The calendar's own check: a pop from an empty calendar. */
Test(engine, invariant_calendar_pop_empty, .signal = SIGABRT)
{
    evq q;
    cr_assert_eq(evq_init(&q, 16), 0);
    evq_pop(&q);
}
#else
/* Release: the condition is not even evaluated (instruction counts). */
Test(engine, invariant_compiled_out)
{
    int evaluated = 0;
    INVARIANT(++evaluated == 5, "never evaluated under NDEBUG");
    cr_assert_eq(evaluated, 0);
}
#endif
