/* grover.c - Grover and classical key-search arithmetic (see grover.h). */
#include "grover.h"

#include <math.h>
#include <stddef.h>

#define GROVER_PI 3.14159265358979323846

const char *const grover_cipher_names[] = { "none", "aes128", "aes192", "aes256", NULL };

/* Jaques, Naehrig, Roetteler, Virdia, "Implementing Grover oracles for
 * quantum key search on AES and LowMC", EUROCRYPT 2020, LNCS 12106: the
 * Q# resource estimates in microsoft/grover-blocks numbers/aes.csv (commit
 * 805bc953), Grover oracle with Maximov's MixColumn (their shallowest),
 * r = 2 / 2 / 3 pairs (their count that leaves no spurious key for one
 * machine).  Full depth, T-depth, width = initial + extra qubits. */
static const grover_oracle grover_oracles[] = {
    { "aes128", 128, 2, 2096, 121, 5633 },
    { "aes192", 192, 2, 1890, 120, 6785 },
    { "aes256", 256, 3, 1956, 126, 11905 },
};

const grover_oracle *grover_oracle_of(int cipher)
{
    if (cipher < 1 || cipher > 3)
        return NULL;
    return &grover_oracles[cipher - 1];
}

/* theta with sin^2 theta = p / 2^k. */
static double grover_theta(double key_bits, double machines)
{
    double s = sqrt(machines) * exp2(-key_bits / 2.0);
    return asin(s < 1 ? s : 1);
}

double grover_iterations(double key_bits, double machines)
{
    if (key_bits - log2(machines) > 100)
        return GROVER_PI / 4.0 * exp2((key_bits - log2(machines)) / 2.0);
    /* round(pi/(4 theta) - 1/2): the integer j that puts (2j+1) theta
     * nearest pi/2 (k = 20: pi/(4 theta) = 804.25, so 804). */
    double j = floor(GROVER_PI / (4.0 * grover_theta(key_bits, machines)));
    return j < 0 ? 0 : j;
}

double grover_log2_iterations(double key_bits, double machines)
{
    if (key_bits - log2(machines) > 100)
        return log2(GROVER_PI / 4.0) + (key_bits - log2(machines)) / 2.0;
    double j = grover_iterations(key_bits, machines);
    return j < 1 ? 0 : log2(j);
}

double grover_success(double key_bits, double machines, double iterations)
{
    double s = sin((2.0 * iterations + 1.0) * grover_theta(key_bits, machines));
    return s * s;
}

double grover_iteration_s(const grover_machine *m)
{
    double depth = m->oracle ? m->oracle->depth : 1.0;
    return depth * m->code_distance * m->cycle_s;
}

double grover_log2_search_s(const grover_machine *m, double key_bits, double iterations)
{
    (void)key_bits;
    return log2(iterations) + log2(grover_iteration_s(m));
}

double grover_log2_depth(const grover_machine *m, double key_bits, double iterations)
{
    (void)key_bits;
    return log2(iterations) + log2(m->oracle ? m->oracle->depth : 1.0);
}

double grover_qubits(const grover_machine *m)
{
    return m->oracle ? m->machines * m->oracle->width : 0;
}

double grover_classical_full_s(double key_bits, double keys_per_s, double devices)
{
    return exp2(key_bits - log2(keys_per_s) - log2(devices));
}
