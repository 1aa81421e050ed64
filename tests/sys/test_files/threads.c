// SPDX-License-Identifier: MIT
/* Files used from threads on every CPU at once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/test.h>
#include <toro/thread.h>

#include "files.h"

#define ROUNDS 20

static int shared_fd;
static long shared_bytes;

/* Opens, reads and checks big.txt many times; reads the shared descriptor
 * in turns with everyone else. Returns the number of failures. */
static void *reader(void *arg)
{
	char *buf = malloc(BIG_SIZE);
	long bad = 0;
	unsigned id = (unsigned)(uintptr_t)arg;

	if (!buf)
		return (void *)1;
	for (int r = 0; r < ROUNDS; r++) {
		int fd = open("/big.txt", O_RDONLY);
		long got = 0;
		ssize_t n;

		if (fd < 0) {
			bad++;
			continue;
		}
		while ((n = read(fd, buf + got, 4000 + id)) > 0)
			got += n;
		bad += got != BIG_SIZE || !big_matches(buf, 0, got);
		/* pread at offsets of our own. */
		long off = (r * 7919L + id * 104729L) % (BIG_SIZE - 100);

		bad += pread(fd, buf, 100, off) != 100 ||
		       !big_matches(buf, off, 100);
		close(fd);

		FILE *f = fopen("/lines.txt", "r");
		char line[32];
		int lines = 0;

		bad += !f;
		while (f && fgets(line, sizeof(line), f))
			lines++;
		bad += lines != 10;
		if (f)
			fclose(f);
		thread_yield();
	}
	/* The shared descriptor: every byte is read by exactly one thread,
	 * because reads and their offset updates are atomic. */
	for (;;) {
		ssize_t n = read(shared_fd, buf, 33);

		if (n <= 0) {
			bad += n < 0;
			break;
		}
		__atomic_fetch_add(&shared_bytes, n, __ATOMIC_RELAXED);
		bad += n != 33 || buf[5] != ' ' || buf[32] != '\n';
	}
	free(buf);
	return (void *)bad;
}

TEST(threads, readers_on_every_cpu)
{
	unsigned ncpu = cpu_count(), nthreads = ncpu * 2;
	struct thread *t[128];

	if (nthreads > 128)
		nthreads = 128;
	shared_fd = open("/big.txt", O_RDONLY);
	ASSERT_GE(shared_fd, 0);
	shared_bytes = 0;
	for (unsigned i = 0; i < nthreads; i++) {
		t[i] = thread_create(i % ncpu, 0, reader, (void *)(uintptr_t)i);
		ASSERT_NOT_NULL(t[i]);
	}
	for (unsigned i = 0; i < nthreads; i++) {
		void *bad;

		EXPECT_EQ(thread_join(t[i], &bad), 0);
		EXPECT_EQ((long)bad, 0);
	}
	EXPECT_EQ(shared_bytes, BIG_SIZE);
	EXPECT_EQ(close(shared_fd), 0);
	/* Everything the threads opened is closed again. */
	int fd = open("/hello.txt", O_RDONLY);

	EXPECT_EQ(fd, 3);
	close(fd);
}

/* Descriptors opened and closed on every CPU at once, while others read
 * through them: closing under a reader is safe. */
static int churn_fds[8];

static void *churner(void *arg)
{
	long bad = 0;
	unsigned id = (unsigned)(uintptr_t)arg;
	char c;

	for (int i = 0; i < 2000; i++) {
		int fd = open("/hello.txt", O_RDONLY);

		if (fd < 0) {
			bad++;
			continue;
		}
		__atomic_store_n(&churn_fds[id % 8], fd, __ATOMIC_RELAXED);
		/* Someone else's descriptor: it may be closed or reused
		 * meanwhile; either way no crash and a sane answer. */
		int other = __atomic_load_n(&churn_fds[(id + 1) % 8],
					    __ATOMIC_RELAXED);
		ssize_t n = pread(other, &c, 1, 0);

		bad += !(n == 1 || (n == -1 && (errno == EBADF ||
						 errno == ESPIPE)));
		bad += close(fd) != 0 && errno != EBADF;
		if (i % 64 == 0)
			thread_yield();
	}
	return (void *)bad;
}

TEST(threads, open_close_race)
{
	unsigned ncpu = cpu_count(), n = ncpu < 8 ? ncpu : 8;
	struct thread *t[8];

	if (n < 2)
		n = 2;
	for (unsigned i = 0; i < n; i++)
		t[i] = thread_create(i % ncpu, 0, churner, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < n; i++) {
		void *bad;

		ASSERT_NOT_NULL(t[i]);
		EXPECT_EQ(thread_join(t[i], &bad), 0);
		EXPECT_EQ((long)bad, 0);
	}
}
