/* SPDX-License-Identifier: MIT */
/*
 * The ext2 part of the storage benchmark (ext2_bench.c), run the same way
 * by both guests: Toro (bench/storage/toro/ext2.c) and Linux
 * (bench/storage/linux_storage.c).
 */
#ifndef BENCH_STORAGE_EXT2_BENCH_H
#define BENCH_STORAGE_EXT2_BENCH_H

#include <stdint.h>

struct ext2_bench {
	const char *dir;	/* where the filesystem is mounted */
	uint64_t mib;		/* MiB of the sequential file */
	uint64_t count;		/* random 4 KiB reads */
	uint64_t seed;		/* of the offsets and the data */
	unsigned files;		/* created and unlinked in one directory */
	/* Unmounts and mounts (dir) again (nothing of it left cached):
	 * 0, or -1 having said why. */
	int (*remount)(void);
	uint64_t (*now)(void);	/* monotonic nanoseconds */
};

/* Prints the "RESULT ext2_*" lines; 0, or -1 having said what failed. */
int ext2_bench_run(const struct ext2_bench *b);

#endif /* BENCH_STORAGE_EXT2_BENCH_H */
