// SPDX-License-Identifier: MIT
/*
 * Storage benchmark, Toro side: the same measurements as the Linux guest's
 * bench/storage/linux_storage.c, one boot doing all of them
 * (bench/storage.py runs both). Prints "RESULT name value" lines.
 *
 *  blk_write_mibs     MIB MiB of zeros to the first disk in 1 MiB
 *                     blk_write() calls from offset 0
 *  blk_write_sync_mibs  the same, up to the end of the blk_flush() after
 *  blk_read_mibs      the same MiB back in 1 MiB blk_read() calls
 *  blk_randread_iops  COUNT 4 KiB blk_read() calls, one at a time, at the
 *                     offsets of ../offsets.h (SEED) below MIB MiB
 *  fs_write_mibs      open(O_CREAT|O_TRUNC) a new file on the virtio-fs
 *                     root, MIB 1 MiB write() calls, close()
 *  fs_write_sync_mibs the same, then open(), fsync() and close() again
 *  fs_read_mibs       open() it again, MIB 1 MiB read() calls, close()
 *  fs_randread_iops   COUNT 4 KiB pread() calls, as for the disk
 *
 * Each sequential figure is MiB over the wall time of the whole sequence.
 * bench/storage/linux_storage.c makes the same calls on Linux.
 *
 * With "ext2" first, the ext2 rows instead (ext2.c, ../ext2_bench.c): an
 * ext2 disk mounted at /data by "toro.mount=ext2:vda:/data".
 *
 * Usage: toro run storage.elf --disk IMG --fs DIR -- MIB COUNT SEED
 *        toro run storage.elf --disk EXT2_IMG \
 *            --append toro.mount=ext2:vda:/data -- ext2 MIB COUNT SEED FILES
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <toro/blk.h>
#include <toro/cpu.h>
#include <toro/time.h>

#include "../offsets.h"
#include "storage.h"

#define CHUNK		(1u << 20)
#define FILE_PATH	"/storage.dat"

static uint64_t mib, count, seed;
static char *buf;		/* CHUNK bytes of zeros */

static void die(const char *what, long rc)
{
	printf("storage: %s failed (%ld)\n", what, rc);
	exit(1);
}

static void result(const char *name, double v)
{
	printf("RESULT %s %.1f\n", name, v);
}

static double mibs(uint64_t t0, uint64_t t1)
{
	return (double)mib * 1e9 / (double)(t1 - t0);
}

static double iops(uint64_t t0, uint64_t t1)
{
	return (double)count * 1e9 / (double)(t1 - t0);
}

/* --- virtio-blk -------------------------------------------------------- */

static void bench_blk(void)
{
	struct blk_dev *b = blk_get(0);
	uint64_t t0, t1, t2, state = seed, sum = 0;
	int rc;

	if (!b)
		die("finding a disk", -ENODEV);
	if (blk_size(b) < mib * CHUNK)
		die("disk size check", (long)(blk_size(b) >> 20));

	t0 = clock_ns();
	for (uint64_t i = 0; i < mib; i++)
		if ((rc = blk_write(b, i * CHUNK, buf, CHUNK)))
			die("blk_write", rc);
	t1 = clock_ns();
	if ((rc = blk_flush(b)))
		die("blk_flush", rc);
	t2 = clock_ns();
	result("blk_write_mibs", mibs(t0, t1));
	result("blk_write_sync_mibs", mibs(t0, t2));

	t0 = clock_ns();
	for (uint64_t i = 0; i < mib; i++)
		if ((rc = blk_read(b, i * CHUNK, buf, CHUNK)))
			die("blk_read", rc);
	t1 = clock_ns();
	result("blk_read_mibs", mibs(t0, t1));

	t0 = clock_ns();
	for (uint64_t i = 0; i < count; i++) {
		uint64_t off = storage_offset(&state, mib * CHUNK);

		if ((rc = blk_read(b, off, buf, STORAGE_BLOCK)))
			die("blk_read 4 KiB", rc);
		sum += ((uint64_t *)buf)[i % (STORAGE_BLOCK / 8)];
	}
	t1 = clock_ns();
	result("blk_randread_iops", iops(t0, t1));
	if (sum)
		die("reading back zeros", 0);
}

/* --- virtio-fs --------------------------------------------------------- */

static void bench_fs(void)
{
	uint64_t t0, t1, t2, state = seed, sum = 0, total = 0;
	ssize_t n = 1;
	int fd;

	t0 = clock_ns();
	fd = open(FILE_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open for writing", errno);
	for (uint64_t i = 0; i < mib; i++)
		if ((n = write(fd, buf, CHUNK)) != CHUNK)
			die("write", n < 0 ? errno : n);
	if (close(fd))
		die("close", errno);
	t1 = clock_ns();
	/* As the Linux side: a second open to fsync (as `sync FILE`). */
	fd = open(FILE_PATH, O_RDONLY);
	if (fd < 0)
		die("open for fsync", errno);
	if (fsync(fd))
		die("fsync", errno);
	if (close(fd))
		die("close", errno);
	t2 = clock_ns();
	result("fs_write_mibs", mibs(t0, t1));
	result("fs_write_sync_mibs", mibs(t0, t2));

	t0 = clock_ns();
	fd = open(FILE_PATH, O_RDONLY);
	if (fd < 0)
		die("open for reading", errno);
	while (total < mib * CHUNK && (n = read(fd, buf, CHUNK)) > 0)
		total += n;
	if (n < 0)
		die("read", errno);
	close(fd);
	t1 = clock_ns();
	if (total != mib * CHUNK)
		die("reading the whole file", (long)total);
	result("fs_read_mibs", mibs(t0, t1));

	fd = open(FILE_PATH, O_RDONLY);
	if (fd < 0)
		die("open for random reads", errno);
	t0 = clock_ns();
	for (uint64_t i = 0; i < count; i++) {
		uint64_t off = storage_offset(&state, mib * CHUNK);

		if ((n = pread(fd, buf, STORAGE_BLOCK, off)) != STORAGE_BLOCK)
			die("pread", n < 0 ? errno : n);
		sum += ((uint64_t *)buf)[i % (STORAGE_BLOCK / 8)];
	}
	t1 = clock_ns();
	close(fd);
	result("fs_randread_iops", iops(t0, t1));
	if (sum)
		die("reading back zeros", 0);
	if (unlink(FILE_PATH))
		die("unlink", errno);
}

int main(int argc, char **argv)
{
	bool ext2 = argc > 1 && strcmp(argv[1], "ext2") == 0;

	if (argc != (ext2 ? 6 : 4)) {
		printf("usage: storage MIB COUNT SEED\n"
		       "       storage ext2 MIB COUNT SEED FILES\n");
		return 2;
	}
	argv += ext2;
	mib = strtoull(argv[1], NULL, 0);
	count = strtoull(argv[2], NULL, 0);
	seed = strtoull(argv[3], NULL, 0);
	if (mib == 0 || count == 0)
		die("argument check", 0);
	buf = calloc(1, CHUNK);
	if (!buf)
		die("calloc", ENOMEM);
	printf("RESULT cpus %u\n", cpu_count());
	if (ext2) {
		unsigned long files = strtoul(argv[4], NULL, 0);

		if (files == 0 || files > 999999)
			die("argument check", 0);
		return bench_ext2(mib, count, seed, files) ? 1 : 0;
	}
	bench_blk();
	bench_fs();
	return 0;
}
