// SPDX-License-Identifier: MIT
/*
 * Pipes: reading and writing, pipe2()'s flags, end-of-file and EPIPE with
 * SIGPIPE, the 64 KiB capacity, atomic writes of up to PIPE_BUF bytes,
 * and blocking calls woken from another CPU.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util.h"

TEST(pipe, read_write_and_descriptor_rules)
{
	struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
	char buf[16], x[2], y[8];
	struct iovec in[2] = { { x, sizeof(x) }, { y, sizeof(y) } };
	struct stat st, st2;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	EXPECT_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
	EXPECT_FALSE(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	EXPECT_FALSE(has_cloexec(p[0]));
	EXPECT_EQ(write(p[1], "hello", 5), 5);
	EXPECT_EQ(readable_bytes(p[0]), 5);
	EXPECT_EQ(readable_bytes(p[1]), 5);	/* either end, as on Linux */
	EXPECT_EQ(read(p[0], buf, 2), 2);
	EXPECT_EQ(memcmp(buf, "he", 2), 0);
	/* A read takes what is there, without waiting for more. */
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "llo", 3), 0);
	EXPECT_EQ(readable_bytes(p[0]), 0);
	EXPECT_EQ(read(p[0], buf, 0), 0);	/* nothing asked: no wait */
	EXPECT_EQ(writev(p[1], out, 3), 5);
	EXPECT_EQ(readv(p[0], in, 2), 5);
	EXPECT_EQ(memcmp(x, "ab", 2), 0);
	EXPECT_EQ(memcmp(y, "cde", 3), 0);
	ASSERT_EQ(fstat(p[0], &st), 0);
	ASSERT_EQ(fstat(p[1], &st2), 0);
	EXPECT_TRUE(S_ISFIFO(st.st_mode));
	EXPECT_TRUE(S_ISFIFO(st2.st_mode));
	EXPECT_EQ(st.st_ino, st2.st_ino);	/* both ends, one pipe */
	EXPECT_ERR(read(p[1], buf, 1), EBADF);
	EXPECT_ERR(write(p[0], "x", 1), EBADF);
	EXPECT_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	EXPECT_ERR(pread(p[0], buf, 1, 0), ESPIPE);
	EXPECT_ERR(pwrite(p[1], "x", 1, 0), ESPIPE);
	EXPECT_EQ(close(p[0]), 0);
	EXPECT_EQ(close(p[1]), 0);
	EXPECT_ERR(close(p[1]), EBADF);
}

TEST(pipe, pipe2_flags_and_errors)
{
	char c;
	int p[2];

	ASSERT_EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	EXPECT_TRUE(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(has_cloexec(p[0]));
	EXPECT_TRUE(has_cloexec(p[1]));
	EXPECT_ERR(read(p[0], &c, 1), EAGAIN);
	/* O_NONBLOCK belongs to each end: clearing it on one leaves the
	 * other as it was. */
	EXPECT_EQ(fcntl(p[1], F_SETFL, 0), 0);
	EXPECT_TRUE(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	EXPECT_FALSE(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	close(p[0]);
	close(p[1]);
	ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
	EXPECT_FALSE(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(has_cloexec(p[0]));
	close(p[0]);
	close(p[1]);
	EXPECT_ERR(pipe2(p, O_APPEND), EINVAL);
	EXPECT_ERR(pipe2(p, 0x40000000), EINVAL);
	EXPECT_ERR(pipe(NULL), EFAULT);
	EXPECT_ERR(pipe2(NULL, 0), EFAULT);
}

TEST(pipe, end_of_file_once_every_writer_is_gone)
{
	char buf[4];
	int p[2], w2;

	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
	w2 = dup(p[1]);
	ASSERT_GE(w2, 0);
	close(p[1]);
	EXPECT_ERR(read(p[0], buf, 1), EAGAIN);	/* a writer remains */
	EXPECT_EQ(write(w2, "z", 1), 1);
	close(w2);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 1);	/* the data first */
	EXPECT_EQ(buf[0], 'z');
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 0);	/* then the end */
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 0);
	/* A blocking read does not wait for writers that cannot come. */
	EXPECT_EQ(fcntl(p[0], F_SETFL, 0), 0);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 0);
	close(p[0]);
}

TEST(pipe, write_without_reader_is_epipe_and_sigpipe)
{
	struct iovec v = { "x", 1 };
	int p[2];

	catch_signal(SIGPIPE, 0);
	ASSERT_EQ(pipe(p), 0);
	close(p[0]);
	EXPECT_ERR(write(p[1], "x", 1), EPIPE);
	/* Raised in the writer, handled before write() returned. */
	EXPECT_EQ(sig_count[SIGPIPE], 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGPIPE], pthread_self()));
	EXPECT_ERR(writev(p[1], &v, 1), EPIPE);
	EXPECT_EQ(sig_count[SIGPIPE], 2);
	/* Nothing to write: nothing fails, as on Linux. */
	EXPECT_EQ(write(p[1], "", 0), 0);
	EXPECT_EQ(sig_count[SIGPIPE], 2);
	signal(SIGPIPE, SIG_IGN);
	EXPECT_ERR(write(p[1], "x", 1), EPIPE);
	EXPECT_EQ(sig_count[SIGPIPE], 2);
	close(p[1]);
	reset_signal(SIGPIPE);
}

/* 64 KiB fit; the rest must wait for a reader. */
#define OVER_CAPACITY (65536 + 4096)

static struct {
	int fd;
	long rc, rc2;
	int err2, done;
	int sigpipes;		/* SIGPIPE handled in the writer */
} blocked_writer;

static void *write_over_capacity(void *arg)
{
	static char big[OVER_CAPACITY];

	(void)arg;
	blocked_writer.rc = write(blocked_writer.fd, big, sizeof(big));
	blocked_writer.sigpipes = sig_count[SIGPIPE];
	errno = 0;
	blocked_writer.rc2 = write(blocked_writer.fd, big, 1);
	blocked_writer.err2 = errno;
	flag_set(&blocked_writer.done);
	return NULL;
}

TEST(pipe, blocked_writer_learns_that_the_reader_went)
{
	pthread_t t;
	int p[2];

	catch_signal(SIGPIPE, 0);
	ASSERT_EQ(pipe(p), 0);
	memset(&blocked_writer, 0, sizeof(blocked_writer));
	blocked_writer.fd = p[1];
	ASSERT_EQ(start_thread(&t, write_over_capacity, NULL), 0);
	for (int i = 0; i < LONG_MS / 5 && readable_bytes(p[0]) < 65536; i++)
		sleep_ms(5);
	EXPECT_EQ(readable_bytes(p[0]), 65536);		/* 64 KiB went in */
	settle();
	EXPECT_FALSE(flag_get(&blocked_writer.done));	/* the rest waits */
	close(p[0]);
	EXPECT_TRUE(wait_flag(&blocked_writer.done));
	pthread_join(t, NULL);
	/* What went before the end counts; the signal is raised all the
	 * same, as Linux's pipe_write() does. */
	EXPECT_EQ(blocked_writer.rc, 65536);
	EXPECT_EQ(blocked_writer.sigpipes, 1);
	EXPECT_EQ(blocked_writer.rc2, -1);
	EXPECT_EQ(blocked_writer.err2, EPIPE);
	close(p[1]);
	reset_signal(SIGPIPE);
}

TEST(pipe, holds_64k_and_takes_what_fits)
{
	static char block[8192];
	long total = 0, n;
	int p[2];
	bool in_order = true;

	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
	for (int i = 0;; i++) {
		memset(block, 'a' + i % 26, 4096);
		n = write(p[1], block, 4096);
		if (n <= 0)
			break;
		total += n;
	}
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(total, 65536);
	EXPECT_EQ(readable_bytes(p[0]), 65536);
	EXPECT_EQ(revents_now(p[1], POLLOUT), 0);
	EXPECT_ERR(write(p[1], "x", 1), EAGAIN);
	for (int i = 0; i < 16; i++) {
		if (read(p[0], block, 4096) != 4096 ||
		    block[0] != 'a' + i % 26 || block[4095] != 'a' + i % 26)
			in_order = false;
		if (i == 0) {
			/* Room for one page: a big write goes in part. */
			EXPECT_EQ(revents_now(p[1], POLLOUT), POLLOUT);
			memset(block, 'z', sizeof(block));
			EXPECT_EQ(write(p[1], block, 8192), 4096);
			EXPECT_ERR(write(p[1], "x", 1), EAGAIN);
		}
	}
	EXPECT_TRUE(in_order);
	EXPECT_EQ(read(p[0], block, sizeof(block)), 4096);
	EXPECT_EQ(block[0], 'z');
	EXPECT_ERR(read(p[0], block, 1), EAGAIN);
	close(p[0]);
	close(p[1]);
}

#define STREAM_BYTES 100000

static struct {
	int fd, done;
	long rc;
} streamer;

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + i / 251);
}

static void *write_stream(void *arg)
{
	unsigned char *buf = malloc(STREAM_BYTES);

	(void)arg;
	streamer.rc = -2;		/* no memory */
	if (buf) {
		for (long i = 0; i < STREAM_BYTES; i++)
			buf[i] = pattern(i);
		streamer.rc = write(streamer.fd, buf, STREAM_BYTES);
		free(buf);
	}
	flag_set(&streamer.done);
	return NULL;
}

TEST(pipe, blocking_write_waits_for_the_reader)
{
	unsigned char buf[3000];
	long got = 0, bad = -1;
	struct pollfd f;
	pthread_t t;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	memset(&streamer, 0, sizeof(streamer));
	streamer.fd = p[1];
	ASSERT_EQ(start_thread(&t, write_stream, NULL), 0);
	settle();
	/* More than the pipe holds, in one write(): still in it. */
	EXPECT_FALSE(flag_get(&streamer.done));
	f = (struct pollfd){ .fd = p[0], .events = POLLIN };
	while (got < STREAM_BYTES && poll(&f, 1, LONG_MS) == 1) {
		ssize_t n = read(p[0], buf, sizeof(buf));

		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && bad < 0; i++)
			if (buf[i] != pattern(got + i))
				bad = got + i;
		got += n;
	}
	EXPECT_EQ(got, STREAM_BYTES);
	EXPECT_EQ(bad, -1);
	EXPECT_TRUE(wait_flag(&streamer.done));
	pthread_join(t, NULL);
	EXPECT_EQ(streamer.rc, STREAM_BYTES);	/* all of it, in one call */
	close(p[0]);
	close(p[1]);
}

static void *write_ping_later(void *arg)
{
	settle();
	write(*(int *)arg, "ping", 4);
	return NULL;
}

TEST(pipe, blocking_read_woken_from_another_cpu)
{
	char buf[8];
	pthread_t t;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(start_thread(&t, write_ping_later, &p[1]), 0);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 4);
	EXPECT_EQ(memcmp(buf, "ping", 4), 0);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
}

#define BLOCKS 32

static void *write_blocks(void *arg)
{
	struct {
		int fd;
		char c;
	} *w = arg;
	char block[PIPE_BUF];

	memset(block, w->c, sizeof(block));
	for (int i = 0; i < BLOCKS; i++)
		if (write(w->fd, block, sizeof(block)) != sizeof(block))
			return (void *)1;
	return NULL;
}

TEST(pipe, writes_of_pipe_buf_bytes_never_interleave)
{
	struct {
		int fd;
		char c;
	} wa, wb;
	long got = 0, mixed = 0, as = 0;
	char buf[1000], cur = 0;
	pthread_t a, b;
	void *ra, *rb;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	wa.fd = wb.fd = p[1];
	wa.c = 'A';
	wb.c = 'B';
	/* One writer here, one on the last CPU. */
	ASSERT_EQ(pthread_create(&a, NULL, write_blocks, &wa), 0);
	ASSERT_EQ(start_thread(&b, write_blocks, &wb), 0);
	while (got < 2 * BLOCKS * PIPE_BUF) {
		ssize_t n = read(p[0], buf, sizeof(buf));

		if (n <= 0)
			break;
		/* Each PIPE_BUF-sized block of the stream is one writer's. */
		for (ssize_t i = 0; i < n; i++, got++) {
			if (got % PIPE_BUF == 0) {
				cur = buf[i];
				as += cur == 'A';
			} else if (buf[i] != cur) {
				mixed++;
				cur = buf[i];
			}
		}
	}
	EXPECT_EQ(got, 2 * BLOCKS * PIPE_BUF);
	EXPECT_EQ(mixed, 0);
	EXPECT_EQ(as, BLOCKS);
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	EXPECT_NULL(ra);
	EXPECT_NULL(rb);
	close(p[0]);
	close(p[1]);
}
