/* SPDX-License-Identifier: MIT */
/*
 * Random bytes for the program (getrandom(), AT_RANDOM for musl's stack
 * protector and hash seeds): a ChaCha20 stream keyed from the CPU's
 * RDSEED/RDRAND when it has them, mixed with TSC readings taken at
 * different moments (and only those, on a CPU without either: good enough
 * to tell runs apart, not for keys).
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills (buf) with (n) random bytes; from threads or interrupts. */
void random_bytes(void *buf, size_t n);

/* A keyed function whose words, without the key, cannot be told from
 * random ones, but are the same for the same (key, a, b): ChaCha20's
 * block with (a, b) as its counter and nonce. For numbers that must be
 * repeatable yet unpredictable (TCP's initial sequence numbers). */
uint32_t random_prf(const uint32_t key[8], uint64_t a, uint64_t b);

/* kernel/entropy.c: (n) bytes straight from RDSEED/RDRAND and the TSC,
 * mixed: for seeds (AT_RANDOM), not a stream. */
void entropy_seed(void *buf, size_t n);

/* One word from RDSEED, else RDRAND: false if the CPU has neither (or
 * they keep failing), and (*v) is then left alone. */
bool entropy_hw_word(uint64_t *v);

/* Whether the key came from a hardware random source. */
bool random_is_hardware(void);

#endif /* KERNEL_RANDOM_H */
