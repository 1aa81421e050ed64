/* SPDX-License-Identifier: MIT */
/* The parts of the Toro storage benchmark (main.c, ext2.c). */
#ifndef BENCH_STORAGE_TORO_STORAGE_H
#define BENCH_STORAGE_TORO_STORAGE_H

#include <stdint.h>

/* The ext2 rows (ext2.c): 0, or -1 having printed what failed. */
int bench_ext2(uint64_t mib, uint64_t count, uint64_t seed, unsigned files);

#endif
