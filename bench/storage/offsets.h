/* SPDX-License-Identifier: MIT */
/*
 * The random-read offsets of the storage benchmark, shared by both sides
 * (bench/storage/linux_storage.c and bench/storage/toro/main.c) so that
 * Toro and Linux read exactly the same blocks in the same order: block
 * numbers from splitmix64, which is a few lines and the same everywhere.
 */
#ifndef BENCH_STORAGE_OFFSETS_H
#define BENCH_STORAGE_OFFSETS_H

#include <stdint.h>

#define STORAGE_BLOCK	4096u

/* The next 64-bit number from (state); any seed is fine. */
static inline uint64_t storage_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A 4 KiB-aligned offset below (bytes), which is at least one block. */
static inline uint64_t storage_offset(uint64_t *state, uint64_t bytes)
{
	return storage_rand(state) % (bytes / STORAGE_BLOCK) * STORAGE_BLOCK;
}

#endif /* BENCH_STORAGE_OFFSETS_H */
