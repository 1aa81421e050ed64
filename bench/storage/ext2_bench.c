// SPDX-License-Identifier: MIT
/*
 * The ext2 measurements of the storage benchmark, in POSIX calls only, so
 * that both guests run exactly this code: Toro's bench/storage/toro/ext2.c
 * includes it, the Linux guest's bench/storage/linux_storage.c is linked
 * with it. Each side supplies the remount (which drops every cached block
 * of the filesystem, so that reads come from the disk) and the clock.
 *
 *  ext2_write_sync_mibs  open(O_CREAT|O_TRUNC) DIR/storage.dat, MIB 1 MiB
 *                        write() calls, fsync(), close()
 *  ext2_read_mibs        after a remount: open(), 1 MiB read() calls to
 *                        the end, close()
 *  ext2_randread_iops    after a remount: COUNT 4 KiB pread() calls at the
 *                        offsets of offsets.h (SEED) below MIB MiB
 *  ext2_create_fps       FILES files created (open(O_CREAT|O_EXCL), close)
 *                        in one new directory, then sync(): files/s
 *  ext2_unlink_fps       all of them unlinked, then sync(): files/s
 *
 * Only the calls are timed; every byte read is checked against what was
 * written (a pattern from SEED with each 4 KiB block's offset stamped in
 * it) and the directory listed after each phase, outside the timing, so a
 * filesystem that loses or misplaces data fails rather than reports.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ext2_bench.h"
#include "offsets.h"

#define CHUNK		(1u << 20)
#define STAMP		0x746f726fULL	/* mixed into each block's stamp */

static const struct ext2_bench *eb;
static char *buf, *want;	/* CHUNK bytes each */

static int fail(const char *what, const char *path)
{
	printf("storage: ext2: %s %s failed: %s\n", what, path,
	       strerror(errno));
	return -1;
}

static int wrong(const char *what, const char *path, uint64_t at)
{
	printf("storage: ext2: %s: wrong %s at %llu\n", path, what,
	       (unsigned long long)at);
	return -1;
}

static void result(const char *name, double v)
{
	printf("RESULT %s %.1f\n", name, v);
}

/* What the file holds at (off), a multiple of 4 KiB, for (len) bytes. */
static void expect(char *dst, uint64_t off, size_t len, const char *pattern)
{
	memcpy(dst, pattern + off % CHUNK, len);
	for (size_t at = 0; at < len; at += STORAGE_BLOCK) {
		uint64_t stamp = (off + at) ^ (STAMP << 32);

		memcpy(dst + at, &stamp, sizeof(stamp));
	}
}

static int seq_write(const char *path, const char *pattern)
{
	uint64_t t = 0, t0;
	int fd;

	t0 = eb->now();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	t += eb->now() - t0;
	if (fd < 0)
		return fail("open", path);
	for (uint64_t i = 0; i < eb->mib; i++) {
		ssize_t n;

		expect(buf, i * CHUNK, CHUNK, pattern);
		t0 = eb->now();
		n = write(fd, buf, CHUNK);
		t += eb->now() - t0;
		if (n != CHUNK)
			return fail("write", path);
	}
	t0 = eb->now();
	if (fsync(fd))
		return fail("fsync", path);
	if (close(fd))
		return fail("close", path);
	t += eb->now() - t0;
	result("ext2_write_sync_mibs", (double)eb->mib * 1e9 / (double)t);
	return 0;
}

static int seq_read(const char *path, const char *pattern)
{
	uint64_t t = 0, t0, total = 0;
	ssize_t n = 1;
	int fd;

	t0 = eb->now();
	fd = open(path, O_RDONLY);
	t += eb->now() - t0;
	if (fd < 0)
		return fail("open", path);
	while (total <= eb->mib * CHUNK) {
		t0 = eb->now();
		n = read(fd, buf, CHUNK);
		t += eb->now() - t0;
		if (n <= 0)
			break;
		if (total + n > eb->mib * CHUNK || n % STORAGE_BLOCK)
			return wrong("length", path, total + n);
		expect(want, total, n, pattern);
		if (memcmp(buf, want, n))
			return wrong("bytes", path, total);
		total += n;
	}
	if (n < 0)
		return fail("read", path);
	t0 = eb->now();
	close(fd);
	t += eb->now() - t0;
	if (total != eb->mib * CHUNK)
		return wrong("length", path, total);
	result("ext2_read_mibs", (double)eb->mib * 1e9 / (double)t);
	return 0;
}

static int rand_read(const char *path, const char *pattern)
{
	uint64_t t = 0, t0, state = eb->seed;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("open", path);
	for (uint64_t i = 0; i < eb->count; i++) {
		uint64_t off = storage_offset(&state, eb->mib * CHUNK);
		ssize_t n;

		t0 = eb->now();
		n = pread(fd, buf, STORAGE_BLOCK, off);
		t += eb->now() - t0;
		if (n != STORAGE_BLOCK)
			return fail("pread", path);
		expect(want, off, STORAGE_BLOCK, pattern);
		if (memcmp(buf, want, STORAGE_BLOCK))
			return wrong("bytes", path, off);
	}
	close(fd);
	result("ext2_randread_iops", (double)eb->count * 1e9 / (double)t);
	return 0;
}

/* Entries of (dir) besides "." and "..": (*count), each "fNNNNNN" below
 * (files) (a name outside that is an error); -1 when it cannot be read. */
static int list(const char *dir, unsigned files, unsigned *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return fail("opendir", dir);
	*count = 0;
	errno = 0;
	while ((de = readdir(d))) {
		char *end;
		unsigned long k;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		k = de->d_name[0] == 'f' ? strtoul(de->d_name + 1, &end, 10) :
					   files;
		if (k >= files || *end) {
			closedir(d);
			printf("storage: ext2: %s: stray entry %s\n", dir,
			       de->d_name);
			return -1;
		}
		++*count;
		errno = 0;
	}
	if (errno) {
		closedir(d);
		return fail("readdir", dir);
	}
	closedir(d);
	return 0;
}

static int many_files(const char *dir)
{
	unsigned files = eb->files, count;
	uint64_t t0, t1;
	char path[160];		/* dir (< 128) and a name */

	if (mkdir(dir, 0755))
		return fail("mkdir", dir);
	t0 = eb->now();
	for (unsigned i = 0; i < files; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%06u", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || close(fd))
			return fail("create", path);
	}
	sync();
	t1 = eb->now();
	if (list(dir, files, &count))
		return -1;
	if (count != files)
		return wrong("entry count", dir, count);
	result("ext2_create_fps", (double)files * 1e9 / (double)(t1 - t0));

	t0 = eb->now();
	for (unsigned i = 0; i < files; i++) {
		snprintf(path, sizeof(path), "%s/f%06u", dir, i);
		if (unlink(path))
			return fail("unlink", path);
	}
	sync();
	t1 = eb->now();
	if (list(dir, files, &count))
		return -1;
	if (count)
		return wrong("entry count", dir, count);
	result("ext2_unlink_fps", (double)files * 1e9 / (double)(t1 - t0));
	if (rmdir(dir))
		return fail("rmdir", dir);
	return 0;
}

int ext2_bench_run(const struct ext2_bench *b)
{
	char file[128], dir[128], *pattern;
	uint64_t state = b->seed;
	int rc = -1;

	eb = b;
	snprintf(file, sizeof(file), "%s/storage.dat", b->dir);
	snprintf(dir, sizeof(dir), "%s/many", b->dir);
	buf = malloc(CHUNK);
	want = malloc(CHUNK);
	pattern = malloc(CHUNK);
	if (!buf || !want || !pattern) {
		printf("storage: ext2: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < CHUNK; i += 8) {
		uint64_t v = storage_rand(&state);

		memcpy(pattern + i, &v, 8);
	}
	if (seq_write(file, pattern))
		goto out;
	if (b->remount())
		goto out;
	if (seq_read(file, pattern))
		goto out;
	if (b->remount())
		goto out;
	if (rand_read(file, pattern))
		goto out;
	if (unlink(file)) {
		fail("unlink", file);
		goto out;
	}
	if (many_files(dir))
		goto out;
	rc = 0;
out:
	free(buf);
	free(want);
	free(pattern);
	return rc;
}
