// SPDX-License-Identifier: MIT
/*
 * The ext2 rows of the storage benchmark, Toro side: the measurements of
 * ../ext2_bench.c (the same code the Linux guest runs) on the ext2 disk
 * that "toro.mount=ext2:vda:/data" mounted before main. A remount is
 * vfs_umount() then ext2_mount(), which starts with an empty block cache.
 */
#include <stdio.h>

#include <toro/blk.h>
#include <toro/fs.h>
#include <toro/time.h>

#include "../ext2_bench.c"
#include "storage.h"

#define MOUNT	"/data"

static int toro_remount(void)
{
	int rc = vfs_umount(MOUNT);

	if (rc == 0)
		rc = ext2_mount(blk_get(0), MOUNT, 0);
	if (rc)
		printf("storage: ext2: remounting %s failed (%d)\n", MOUNT, rc);
	return rc ? -1 : 0;
}

static uint64_t toro_now(void)
{
	return clock_ns();
}

int bench_ext2(uint64_t mib, uint64_t count, uint64_t seed, unsigned files)
{
	struct ext2_bench b = {
		.dir = MOUNT, .mib = mib, .count = count, .seed = seed,
		.files = files, .remount = toro_remount, .now = toro_now,
	};

	return ext2_bench_run(&b);
}
