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

/* Fills (buf) with (n) random bytes; from threads or interrupts. */
void random_bytes(void *buf, size_t n);

/* Whether the key came from a hardware random source. */
bool random_is_hardware(void);

#endif /* KERNEL_RANDOM_H */
