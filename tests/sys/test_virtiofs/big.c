// SPDX-License-Identifier: MIT
/*
 * The heavier steps of test_virtiofs (see main.c): 64 MiB files whose
 * hashes the other side checks, threads on every CPU at once, and a dead
 * virtiofsd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/thread.h>

#include "test_virtiofs.h"

#define BIG		(64u << 20)
#define BUF		(4u << 20)

/* The standard's examples (FIPS 180-4 appendix, via NIST's examples). */
bool sha256_selftest(void)
{
	static const struct {
		const char *msg, *hash;
	} v[] = {
		{ "",
		  "e3b0c44298fc1c149afbf4c8996fb924"
		  "27ae41e4649b934ca495991b7852b855" },
		{ "abc",
		  "ba7816bf8f01cfea414140de5dae2223"
		  "b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039"
		  "a33ce45964ff2167f6ecedd419db06c1" },
	};
	char hex[65];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct sha256 s;

		sha256_init(&s);
		sha256_update(&s, v[i].msg, strlen(v[i].msg));
		sha256_final_hex(&s, hex);
		if (strcmp(hex, v[i].hash)) {
			printf("FAIL sha256 of \"%s\": %s\n", v[i].msg, hex);
			return false;
		}
	}
	return true;
}

/* Bytes that differ everywhere (xorshift64*), from (*state). */
static void pattern(unsigned char *buf, size_t len, uint64_t *state)
{
	uint64_t x = *state;

	for (size_t i = 0; i < len; i += 8) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		uint64_t v = x * 0x2545f4914f6cdd1dULL;

		memcpy(buf + i, &v, len - i < 8 ? len - i : 8);
	}
	*state = x;
}

/* The SHA-256 of file (path) as hex, or false. */
static bool hash_file(const char *path, unsigned char *buf, char hex[65],
		      uint64_t *size)
{
	struct sha256 s;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	sha256_init(&s);
	*size = 0;
	while ((n = read(fd, buf, BUF)) > 0) {
		sha256_update(&s, buf, n);
		*size += n;
	}
	close(fd);
	sha256_final_hex(&s, hex);
	return n == 0;
}

void big_files(void)
{
	unsigned char *buf = malloc(BUF);
	uint64_t state = 0x9e3779b97f4a7c15ULL, size;
	char hex[65], again[65], line[100];
	struct sha256 s;
	int fd = open("/guest.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (!buf || fd < 0)
		return fail("big", "cannot create /guest.bin", fd);
	sha256_init(&s);
	for (unsigned off = 0; off < BIG; off += BUF) {
		pattern(buf, BUF, &state);
		sha256_update(&s, buf, BUF);
		ssize_t n = write(fd, buf, BUF);

		if (n != BUF) {
			close(fd);
			return fail("big write", "short", (long)n);
		}
	}
	sha256_final_hex(&s, hex);
	if (fsync(fd) || close(fd))
		return fail("big", "fsync or close", 0);
	/* sha256sum -c reads this on the host (check.sh). */
	snprintf(line, sizeof(line), "%s  guest.bin\n", hex);
	if (write_file("/guest.bin.sha256", line, strlen(line), O_TRUNC))
		return fail("big", "cannot write /guest.bin.sha256", 0);
	printf("guest.bin sha256 %s\n", hex);
	if (!hash_file("/guest.bin", buf, again, &size) || size != BIG ||
	    strcmp(hex, again))
		fail("big read back", "hash or size differs", (long)size);
	else
		printf("PASS 64 MiB written and read back\n");

	long n = read_file("/host.bin.sha256", line, sizeof(line) - 1);

	if (n < 64)
		return fail("host file", "no /host.bin.sha256", n);
	line[64] = '\0';
	if (!hash_file("/host.bin", buf, hex, &size))
		return fail("host file", "cannot read /host.bin", 0);
	printf("host.bin: %llu bytes, sha256 %s\n", (unsigned long long)size,
	       hex);
	if (strcmp(hex, line))
		fail("host file", "hash differs from the host's", 0);
	else
		printf("PASS host file hashed in the guest\n");
	free(buf);
}

#define SLICE		(1u << 20)	/* each thread's part of /thr/shared */
#define ROUNDS		6

static void *worker(void *arg)
{
	unsigned cpu = (uintptr_t)arg;
	size_t len = 300 * 1024 + cpu * 4099;	/* odd sizes and offsets */
	/* (a) also holds the thread's slice of the shared file. */
	unsigned char *a = malloc(len > SLICE ? len : SLICE);
	unsigned char *b = malloc(len);
	uint64_t state = cpu + 1;
	char path[64];
	intptr_t bad = 0;
	int fd;

	snprintf(path, sizeof(path), "/thr/f%u", cpu);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (!a || !b || fd < 0)
		return (void *)1;
	for (int r = 0; r < ROUNDS && !bad; r++) {
		pattern(a, len, &state);
		if (pwrite(fd, a, len, (off_t)r * len) != (ssize_t)len ||
		    pread(fd, b, len, (off_t)r * len) != (ssize_t)len ||
		    memcmp(a, b, len))
			bad = 2;
	}
	close(fd);
	/* Names come and go in a directory of its own meanwhile. */
	snprintf(path, sizeof(path), "/thr/d%u", cpu);
	if (!bad && mkdir(path, 0755))
		bad = 3;
	for (int i = 0; i < 10 && !bad; i++) {
		char name[80];

		snprintf(name, sizeof(name), "%s/n%d", path, i);
		if (write_file(name, name, strlen(name), O_EXCL) ||
		    unlink(name))
			bad = 4;
	}
	if (!bad && rmdir(path))
		bad = 5;
	/* Its slice of the shared file, to be checked by main. */
	fd = open("/thr/shared", O_WRONLY);
	state = 1000 + cpu;
	pattern(a, SLICE, &state);
	if (!bad && (fd < 0 || pwrite(fd, a, SLICE, (off_t)cpu * SLICE) !=
					SLICE))
		bad = 6;
	if (fd >= 0)
		close(fd);
	free(a);
	free(b);
	return (void *)bad;
}

void threads(void)
{
	unsigned n = cpu_count();
	struct thread *t[64];
	unsigned char *a = malloc(SLICE), *b = malloc(SLICE);
	int bad = 0;

	if (!a || !b || mkdir("/thr", 0755) ||
	    write_file("/thr/shared", "", 0, O_EXCL))
		return fail("threads", "setup", 0);
	for (unsigned c = 0; c < n && c < 64; c++)
		t[c] = thread_create(c, 0, worker, (void *)(uintptr_t)c);
	for (unsigned c = 0; c < n && c < 64; c++) {
		void *rc = (void *)-1;

		if (t[c])
			thread_join(t[c], &rc);
		if (rc) {
			fail("thread", "failed at step", (long)(intptr_t)rc);
			bad = 1;
		}
	}
	int fd = open("/thr/shared", O_RDONLY);

	for (unsigned c = 0; c < n && c < 64 && fd >= 0; c++) {
		uint64_t state = 1000 + c;

		pattern(a, SLICE, &state);
		if (pread(fd, b, SLICE, (off_t)c * SLICE) != SLICE ||
		    memcmp(a, b, SLICE)) {
			fail("shared file", "slice differs", c);
			bad = 1;
		}
	}
	if (fd >= 0)
		close(fd);
	free(a);
	free(b);
	if (!bad)
		printf("PASS concurrent file I/O from %u CPUs\n", n);
}

/* One round of calls; 0 if all worked, else the errno of the first that
 * failed. */
static int use_files(void)
{
	char buf[16];
	struct stat st;

	if (stat("/dead/f", &st))
		return errno;
	if (write_file("/dead/g", "data", 4, O_TRUNC))
		return errno;
	if (read_file("/dead/g", buf, sizeof(buf)) != 4)
		return errno;
	return 0;
}

void dead_daemon(void)
{
	int err = 0, held;

	if (mkdir("/dead", 0755) || write_file("/dead/f", "x", 1, 0))
		return fail("dead", "setup", 0);
	held = open("/dead/f", O_RDONLY);
	printf("KILL-VIRTIOFSD-NOW\n");
	fflush(stdout);
	/* The runner kills the daemon when it sees that line; until then
	 * calls work. Give it two minutes. */
	for (int i = 0; i < 600 && !err; i++) {
		err = use_files();
		if (!err)
			thread_sleep_ns(200 * 1000 * 1000);
	}
	if (err != EIO)
		return fail("dead daemon", err ? "wrong errno" : "files still "
			    "work", err);
	printf("dead daemon: first failure EIO\n");
	/* The device is reset: everything fails at once from now on. */
	struct stat st;
	char c;

	if (stat("/dead/f", &st) != -1 || errno != EIO)
		fail("stat after", "not EIO", errno);
	if (open("/dead/new", O_WRONLY | O_CREAT, 0644) != -1 || errno != EIO)
		fail("create after", "not EIO", errno);
	if (mkdir("/dead/d", 0755) != -1 || errno != EIO)
		fail("mkdir after", "not EIO", errno);
	if (opendir("/") || errno != EIO)
		fail("opendir after", "not EIO", errno);
	if (held < 0 || read(held, &c, 1) != -1 || errno != EIO)
		fail("read of an open file after", "not EIO", errno);
	if (held >= 0)
		close(held);	/* must return, whatever it says */
	if (!failures)
		printf("PASS dead daemon: EIO, no hang\n");
}
