// SPDX-License-Identifier: MIT
/*
 * Storage benchmark, Linux side: the measurements of
 * bench/storage/toro/main.c, made with POSIX calls in the Linux guest that
 * bench/storage.py boots (built static: gcc -O2 -static). Prints the same
 * "RESULT name value" lines.
 *
 *  blk_write_mibs       MIB MiB of zeros to DISK (O_DIRECT) in 1 MiB
 *                       write() calls from offset 0, then close()
 *  blk_write_sync_mibs  the same, then open(), fsync() (a flush) and close()
 *  blk_read_mibs        the same MiB back in 1 MiB read() calls (O_DIRECT)
 *  blk_randread_iops    COUNT 4 KiB pread() calls (O_DIRECT), one at a
 *                       time, at the offsets of offsets.h (SEED)
 *  fs_write_mibs        the same writes to a new FILE (O_CREAT|O_TRUNC)
 *  fs_write_sync_mibs   the same, then open(), fsync(), close()
 *  fs_read_mibs         open() it again, 1 MiB read() calls to the end
 *  fs_randread_iops     COUNT 4 KiB pread() calls, as for the disk
 *
 * The buffer is zeroed once, as Toro's. Not busybox dd: under TCG each
 * exec of a program costs tens of ms and dd's reads of /dev/zero zero
 * every block again (about 4 ms per MiB), which is neither side's I/O.
 *
 * With "ext2" first, the ext2 rows instead: ext2_bench.c (the code Toro
 * runs too) on DEV, which the guest's script mounted at /data with the
 * ext2 driver (ext4's, in Debian's kernel) and noatime.
 *
 * Usage: linux_storage MIB COUNT SEED DISK FILE
 *        linux_storage ext2 MIB COUNT SEED FILES DEV
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "ext2_bench.h"
#include "offsets.h"

#define CHUNK	(1u << 20)

static uint64_t mib, count, seed;
static char *buf;		/* CHUNK bytes of zeros, aligned for O_DIRECT */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "linux_storage: %s %s: %s\n", what, path,
		strerror(errno));
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

/* Writes MIB MiB to (path) and closes it, then fsyncs it through a second
 * descriptor; prints (prefix)_write_mibs and (prefix)_write_sync_mibs. */
static void seq_write(const char *prefix, const char *path, int flags)
{
	char name[64];
	uint64_t t0, t1, t2;
	int fd;

	t0 = now_ns();
	fd = open(path, O_WRONLY | flags, 0644);
	if (fd < 0)
		die("open", path);
	for (uint64_t i = 0; i < mib; i++)
		if (write(fd, buf, CHUNK) != CHUNK)
			die("write", path);
	if (close(fd))
		die("close", path);
	t1 = now_ns();
	fd = open(path, O_RDONLY);
	if (fd < 0 || fsync(fd) || close(fd))
		die("fsync", path);
	t2 = now_ns();
	snprintf(name, sizeof(name), "%s_write_mibs", prefix);
	result(name, mibs(t0, t1));
	snprintf(name, sizeof(name), "%s_write_sync_mibs", prefix);
	result(name, mibs(t0, t2));
}

/* Reads (path) to its end or to MIB MiB, whichever comes first. */
static void seq_read(const char *name, const char *path, int flags)
{
	uint64_t t0, t1, total = 0;
	ssize_t n = 1;
	int fd;

	t0 = now_ns();
	fd = open(path, O_RDONLY | flags);
	if (fd < 0)
		die("open", path);
	while (total < mib * CHUNK && (n = read(fd, buf, CHUNK)) > 0)
		total += n;
	if (n < 0)
		die("read", path);
	close(fd);
	t1 = now_ns();
	if (total != mib * CHUNK) {
		fprintf(stderr, "linux_storage: %s: short\n", path);
		exit(1);
	}
	result(name, mibs(t0, t1));
}

static void rand_read(const char *name, const char *path, int flags)
{
	uint64_t state = seed, sum = 0, t0, t1;
	int fd = open(path, O_RDONLY | flags);

	if (fd < 0)
		die("open", path);
	t0 = now_ns();
	for (uint64_t i = 0; i < count; i++) {
		uint64_t off = storage_offset(&state, mib * CHUNK);

		if (pread(fd, buf, STORAGE_BLOCK, off) != STORAGE_BLOCK)
			die("pread", path);
		sum += ((uint64_t *)buf)[i % (STORAGE_BLOCK / 8)];
	}
	t1 = now_ns();
	close(fd);
	result(name, (double)count * 1e9 / (double)(t1 - t0));
	if (sum) {
		fprintf(stderr, "linux_storage: %s: not zeros\n", path);
		exit(1);
	}
}

/* Nothing of the file stays in the guest for the reads: cache=none gives
 * virtio-fs files no page cache, but drop it all the same. */
static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd < 0 || write(fd, "3\n", 2) != 2)
		die("write", "/proc/sys/vm/drop_caches");
	close(fd);
}

/* The ext2 rows: the remount that drops the filesystem's cached pages and
 * blocks (unmounting closes the device, which drops its cache too). */
#define EXT2_DIR	"/data"
static const char *ext2_dev;

static int linux_remount(void)
{
	if (umount(EXT2_DIR) ||
	    mount(ext2_dev, EXT2_DIR, "ext2", MS_NOATIME, NULL)) {
		fprintf(stderr, "linux_storage: remounting %s: %s\n", ext2_dev,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int ext2_main(char **argv)
{
	unsigned long files = strtoul(argv[4], NULL, 0);
	struct ext2_bench b = {
		.dir = EXT2_DIR, .mib = strtoull(argv[1], NULL, 0),
		.count = strtoull(argv[2], NULL, 0),
		.seed = strtoull(argv[3], NULL, 0), .files = files,
		.remount = linux_remount, .now = now_ns,
	};

	ext2_dev = argv[5];
	if (b.mib == 0 || b.count == 0 || files == 0 || files > 999999)
		return 2;
	printf("RESULT cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);
	return ext2_bench_run(&b) ? 1 : 0;
}

int main(int argc, char **argv)
{
	void *p;

	if (argc == 7 && strcmp(argv[1], "ext2") == 0)
		return ext2_main(argv + 1);
	if (argc != 6) {
		fprintf(stderr, "usage: linux_storage MIB COUNT SEED DISK FILE\n"
			"       linux_storage ext2 MIB COUNT SEED FILES DEV\n");
		return 2;
	}
	mib = strtoull(argv[1], NULL, 0);
	count = strtoull(argv[2], NULL, 0);
	seed = strtoull(argv[3], NULL, 0);
	if (mib == 0 || count == 0 || posix_memalign(&p, STORAGE_BLOCK, CHUNK))
		return 2;
	buf = memset(p, 0, CHUNK);
	printf("RESULT cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));

	seq_write("blk", argv[4], O_DIRECT);
	seq_read("blk_read_mibs", argv[4], O_DIRECT);
	rand_read("blk_randread_iops", argv[4], O_DIRECT);

	seq_write("fs", argv[5], O_CREAT | O_TRUNC);
	drop_caches();
	seq_read("fs_read_mibs", argv[5], 0);
	rand_read("fs_randread_iops", argv[5], 0);
	if (unlink(argv[5]))
		die("unlink", argv[5]);
	return 0;
}
