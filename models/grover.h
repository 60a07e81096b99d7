/* grover.h - Grover key search grounded in a machine, and the classical
 * brute-force baseline beside it (issue 14; sources in docs/grover.md).
 *
 * A Grover attacker is p fault-tolerant machines, each searching 2^k / p
 * keys (the only parallelisation Zalka 1999 allows): with sin^2 theta =
 * p / 2^k, the optimal count per machine is j* = round(pi / (4 theta) -
 * 1/2) ~ (pi/4) sqrt(2^k / p), so p machines give sqrt(p), not p.  One
 * iteration costs the oracle's depth in logical cycles, and a logical
 * cycle is code_distance surface-code cycles:
 *     time to key = j* x depth x code_distance x cycle.
 * The per-oracle depths and widths are Jaques, Naehrig, Roetteler, Virdia
 * (EUROCRYPT 2020), microsoft/grover-blocks; NIST's MAXDEPTH (2^40, 2^64,
 * 2^96 logical gates) is reported against the sequential depth j* x depth,
 * not enforced.
 *
 * Pure functions; every figure in doubles through logs, so 2^64 or 2^128
 * iterations overflow nothing.
 */
#ifndef MWRASP_GROVER_H
#define MWRASP_GROVER_H

/* One published Grover-oracle cost (one oracle call per iteration; the
 * diffusion operator is not counted, as in the source). */
typedef struct grover_oracle {
    const char *name;    /* "aes128" */
    int key_bits;
    int pairs;           /* plaintext-ciphertext pairs r the oracle checks */
    double depth;        /* full depth of one oracle call, logical cycles */
    double t_depth;
    double width;        /* logical qubits of one machine */
} grover_oracle;

/* cipher names for cfg_enum: "none" (an abstract iteration time), "aes128",
 * "aes192", "aes256"; NULL-terminated. */
extern const char *const grover_cipher_names[];
/* The oracle of cipher index c (1..3), NULL for 0 ("none"). */
const grover_oracle *grover_oracle_of(int cipher);

/* Iterations one of `machines` machines runs on a k-bit key: the exact
 * integer optimum round(pi/(4 theta) - 1/2) while it fits a double
 * exactly (k - log2 p <= 100), else (pi/4) sqrt(2^k / p). */
double grover_iterations(double key_bits, double machines);
double grover_log2_iterations(double key_bits, double machines);
/* P(a machine's measurement after j iterations finds the key, given the
 * key is in its part): sin^2((2j + 1) theta). */
double grover_success(double key_bits, double machines, double iterations);

/* The machine that runs the search. */
typedef struct grover_machine {
    double cycle_s;          /* surface-code cycle (or the iteration time, see below) */
    double code_distance;    /* logical cycle = code_distance x cycle */
    double machines;         /* p */
    const grover_oracle *oracle; /* NULL: one iteration takes cycle_s x code_distance */
} grover_machine;

/* Seconds of one Grover iteration on m. */
double grover_iteration_s(const grover_machine *m);
/* log2 of the seconds to run one search (iterations x iteration time). */
double grover_log2_search_s(const grover_machine *m, double key_bits, double iterations);
/* log2 of the sequential logical depth of one search (for MAXDEPTH). */
double grover_log2_depth(const grover_machine *m, double key_bits, double iterations);
/* Logical qubits of all machines together (0 without an oracle). */
double grover_qubits(const grover_machine *m);

/* Classical exhaustive search: keys / (rate x devices) seconds for the
 * whole space; the key is uniform in it, so the time to key is uniform on
 * [0, that] with mean half. */
double grover_classical_full_s(double key_bits, double keys_per_s, double devices);

#endif
