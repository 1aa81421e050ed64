// SPDX-License-Identifier: MIT
/*
 * Disks (virtio-blk, NVMe) from the application's side. Run with one or
 * more disks of at least 16 MiB:
 *   write    fills the first 8 MiB of every disk with a pattern tied to the
 *            offset and the disk, flushes, and says so
 *   verify   reads it back (from a second boot: it reached the disk)
 *   checks   misaligned and out-of-range requests fail with EINVAL, bad
 *            buffers with EFAULT;
 *            threads on every CPU write and read back 1 MiB regions of
 *            their own at once
 *   large    one 4 MiB write (through blk_write_stable) and read of a
 *            buffer that starts 512 bytes into a page, so every request
 *            it is cut into spans one page more than its length
 *   readonly reads every disk; a write must fail, and with EROFS where
 *            the disk says it is read-only (says which error it got)
 * Prints "PASS <what>" or "FAIL <what>: why" and exits 0 only if all pass.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <toro/blk.h>
#include <toro/cpu.h>
#include <toro/thread.h>

#define PATTERN_BYTES	(8u << 20)
#define CHUNK		(256u << 10)	/* buffers fit a 4 MiB machine */
#define REGION		(1u << 20)	/* each CPU's own, in the checks */

static int failures;

static void fail(const char *what, const char *fmt, int v)
{
	printf("FAIL %s: ", what);
	printf(fmt, v);
	printf("\n");
	failures++;
}

/* The word at byte (off) of disk (disk): different everywhere. */
static uint64_t pattern(unsigned disk, uint64_t off, uint64_t salt)
{
	uint64_t x = (off / 8 + 1) * 0x9e3779b97f4a7c15ULL ^
		     (disk + 1) * 0xbf58476d1ce4e5b9ULL ^ salt;

	return x ^ (x >> 31);
}

static void fill(unsigned disk, uint64_t off, uint64_t *buf, size_t len,
		 uint64_t salt)
{
	for (size_t i = 0; i < len / 8; i++)
		buf[i] = pattern(disk, off + i * 8, salt);
}

static int check(unsigned disk, uint64_t off, const uint64_t *buf,
		 size_t len, uint64_t salt)
{
	for (size_t i = 0; i < len / 8; i++)
		if (buf[i] != pattern(disk, off + i * 8, salt))
			return -1;
	return 0;
}

static void do_write(void)
{
	uint64_t *buf = malloc(CHUNK);

	if (!buf) {
		fail("write", "no memory%d", 0);
		return;
	}

	for (unsigned d = 0; d < blk_count(); d++) {
		struct blk_dev *b = blk_get(d);
		int rc = 0;

		for (uint64_t off = 0; off < PATTERN_BYTES && !rc; off += CHUNK) {
			fill(d, off, buf, CHUNK, 0);
			rc = blk_write(b, off, buf, CHUNK);
		}
		if (!rc)
			rc = blk_flush(b);
		if (rc)
			fail("write", "error %d", rc);
		else
			printf("PASS write disk %u\n", d);
	}
	free(buf);
}

static void do_verify(void)
{
	uint64_t *buf = malloc(CHUNK);

	if (!buf) {
		fail("verify", "no memory%d", 0);
		return;
	}

	for (unsigned d = 0; d < blk_count(); d++) {
		struct blk_dev *b = blk_get(d);
		int rc = 0;

		for (uint64_t off = 0; off < PATTERN_BYTES && !rc; off += CHUNK) {
			memset(buf, 0, CHUNK);
			rc = blk_read(b, off, buf, CHUNK);
			if (!rc && check(d, off, buf, CHUNK, 0))
				rc = 1;
		}
		if (rc)
			fail("verify", rc > 0 ? "data differs (disk %d)" :
				       "error %d", rc > 0 ? (int)d : rc);
		else
			printf("PASS verify disk %u\n", d);
	}
	free(buf);
}

static void bad_requests(void)
{
	struct blk_dev *b = blk_get(0);
	char buf[1024] __attribute__((aligned(512)));
	int rc;

	if ((rc = blk_read(b, 1, buf, 512)) != -EINVAL)
		fail("misaligned offset", "got %d", rc);
	else if ((rc = blk_read(b, 0, buf, 100)) != -EINVAL)
		fail("misaligned length", "got %d", rc);
	else if ((rc = blk_read(b, blk_size(b), buf, 512)) != -EINVAL)
		fail("read past the end", "got %d", rc);
	else if ((rc = blk_write(b, blk_size(b) - 512, buf, 1024)) != -EINVAL)
		fail("write across the end", "got %d", rc);
	else if ((rc = blk_read(b, 0, NULL, 512)) != -EFAULT)
		fail("read into NULL", "got %d", rc);
	else if ((rc = blk_read(b, 0, (void *)"rodata, not a buffer", 512)) !=
		 -EFAULT)
		fail("read into read-only memory", "got %d", rc);
	else if ((rc = blk_read(b, blk_size(b) - 512, buf, 512)) != 0)
		fail("read the last sector", "got %d", rc);
	else if (blk_get(blk_count()) != NULL)
		fail("device beyond the last", "not NULL%d", 0);
	else
		printf("PASS bad requests\n");
}

/* Each CPU's thread owns REGION bytes from PATTERN_BYTES up. */
static void *worker(void *arg)
{
	unsigned cpu = (uintptr_t)arg;
	struct blk_dev *b = blk_get(0);
	uint64_t base = PATTERN_BYTES + (uint64_t)cpu * REGION;
	uint64_t *buf = malloc(CHUNK);
	intptr_t rc = buf ? 0 : -ENOMEM;

	for (int round = 0; round < 4 && !rc; round++) {
		for (uint64_t off = base; off < base + REGION && !rc; off += CHUNK) {
			fill(0, off, buf, CHUNK, round + 1);
			rc = blk_write(b, off, buf, CHUNK);
		}
		for (uint64_t off = base; off < base + REGION && !rc; off += CHUNK) {
			memset(buf, 0, CHUNK);
			rc = blk_read(b, off, buf, CHUNK);
			if (!rc && check(0, off, buf, CHUNK, round + 1))
				rc = 1;
		}
	}
	free(buf);
	return (void *)rc;
}

static void concurrent(void)
{
	struct thread *t[64];
	unsigned n = cpu_count();

	if (PATTERN_BYTES + (uint64_t)n * REGION > blk_size(blk_get(0))) {
		fail("concurrent", "disk too small for %d CPUs", n);
		return;
	}
	for (unsigned c = 0; c < n; c++)
		t[c] = thread_create(c, 0, worker, (void *)(uintptr_t)c);
	for (unsigned c = 0; c < n; c++) {
		void *rc;

		thread_join(t[c], &rc);
		if (rc)
			fail("concurrent", "cpu %d failed", c);
	}
	if (!failures)
		printf("PASS concurrent I/O from %u CPUs\n", n);
}

/* A single large transfer, from a buffer that is not page-aligned. */
static void large(void)
{
	const size_t len = 4u << 20;
	struct blk_dev *b = blk_get(0);
	char *mem = malloc(len + 8192);
	uint64_t *buf = (uint64_t *)(((uintptr_t)mem + 4095) / 4096 * 4096 +
				     512);
	uint64_t off = blk_size(b) - len;
	int rc;

	if (!mem) {
		fail("large", "no memory%d", 0);
		return;
	}
	fill(0, off, buf, len, 7);
	rc = blk_write_stable(b, off, buf, len);
	if (rc) {
		fail("large write", "error %d", rc);
	} else {
		memset(buf, 0, len);
		rc = blk_read(b, off, buf, len);
		if (rc)
			fail("large read", "error %d", rc);
		else if (check(0, off, buf, len, 7))
			fail("large read", "data differs%d", 0);
		else
			printf("PASS large transfers\n");
	}
	free(mem);
}

static void read_only(void)
{
	static char buf[4096] __attribute__((aligned(4096)));

	for (unsigned d = 0; d < blk_count(); d++) {
		struct blk_dev *b = blk_get(d);
		int rc = blk_read(b, 0, buf, sizeof(buf));

		if (rc) {
			fail("read-only read", "error %d", rc);
			continue;
		}
		rc = blk_write(b, 0, buf, sizeof(buf));
		if (rc == 0)
			fail("read-only write", "disk %d took it", d);
		else if (blk_read_only(b) && rc != -EROFS)
			fail("read-only write", "error %d, not EROFS", rc);
		else
			printf("PASS read-only disk %u: write refused with "
			       "%d\n", d, rc);
	}
}

int main(int argc, char **argv)
{
	printf("disks: %u\n", blk_count());
	for (unsigned d = 0; d < blk_count(); d++)
		printf("disk %u: %s, %llu bytes, %u-byte sectors%s\n", d,
		       blk_name(blk_get(d)),
		       (unsigned long long)blk_size(blk_get(d)),
		       blk_sector_size(blk_get(d)),
		       blk_read_only(blk_get(d)) ? ", read-only" : "");
	if (blk_count() == 0) {
		printf("FAIL no disk\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "write") == 0)
			do_write();
		else if (strcmp(argv[i], "verify") == 0)
			do_verify();
		else if (strcmp(argv[i], "checks") == 0) {
			bad_requests();
			concurrent();
		} else if (strcmp(argv[i], "large") == 0) {
			large();
		} else if (strcmp(argv[i], "readonly") == 0) {
			read_only();
		} else {
			printf("unknown step %s\n", argv[i]);
			return 2;
		}
	}
	return failures ? 1 : 0;
}
