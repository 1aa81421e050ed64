// SPDX-License-Identifier: MIT
/*
 * poll, select, ppoll and pselect over pipes: the readiness bits of each
 * state of a pipe, timeouts, entries that are ignored or closed, waits
 * woken from another CPU, and the signal masks of ppoll and pselect.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "util.h"

TEST(poll, pipe_readiness_bits)
{
	char c;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(revents_now(p[0], POLLIN | POLLOUT), 0);
	EXPECT_EQ(revents_now(p[1], POLLIN | POLLOUT), POLLOUT);
	EXPECT_EQ(revents_now(p[1], POLLWRNORM), POLLWRNORM);
	EXPECT_EQ(write(p[1], "x", 1), 1);
	EXPECT_EQ(revents_now(p[0], POLLIN | POLLOUT), POLLIN);
	EXPECT_EQ(revents_now(p[0], POLLRDNORM), POLLRDNORM);
	EXPECT_EQ(revents_now(p[0], POLLPRI), 0);
	close(p[1]);
	/* Data left and no writer: both are said. */
	EXPECT_EQ(revents_now(p[0], POLLIN), POLLIN | POLLHUP);
	EXPECT_EQ(read(p[0], &c, 1), 1);
	EXPECT_EQ(revents_now(p[0], POLLIN), POLLHUP);
	EXPECT_EQ(revents_now(p[0], 0), POLLHUP);	/* reported unasked */
	close(p[0]);

	ASSERT_EQ(pipe(p), 0);
	close(p[0]);
	/* No reader: an error, and writable (the write says EPIPE). */
	EXPECT_EQ(revents_now(p[1], POLLOUT), POLLOUT | POLLERR);
	EXPECT_EQ(revents_now(p[1], 0), POLLERR);
	close(p[1]);
}

TEST(poll, files_without_waits_are_always_ready)
{
	int fd = open("/etc/hosts", O_RDONLY);

	/* A regular file never blocks: readable and writable, whatever its
	 * access mode, as Linux reports it. */
	ASSERT_GE(fd, 0);
	EXPECT_EQ(revents_now(fd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	EXPECT_EQ(revents_now(fd, POLLRDNORM | POLLWRNORM),
		  POLLRDNORM | POLLWRNORM);
	close(fd);
	/* The console. */
	EXPECT_EQ(revents_now(1, POLLOUT), POLLOUT);
}

TEST(poll, ignored_closed_and_timed_out_entries)
{
	struct pollfd f[3];
	uint64_t t0;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	f[0] = (struct pollfd){ .fd = p[0], .events = POLLIN,
				.revents = POLLERR };
	f[1] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = 7 };
	f[2] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	EXPECT_EQ(poll(f, 3, 0), 1);
	EXPECT_EQ(f[0].revents, 0);	/* cleared, not left as it was */
	EXPECT_EQ(f[1].revents, 0);	/* negative: ignored */
	EXPECT_EQ(f[2].revents, POLLOUT);
	t0 = now_ns();
	EXPECT_EQ(poll(f, 2, 40), 0);
	EXPECT_GE(now_ns() - t0, 40 * MS);
	t0 = now_ns();
	EXPECT_EQ(poll(NULL, 0, 20), 0);	/* a plain sleep */
	EXPECT_GE(now_ns() - t0, 20 * MS);
	close(p[1]);
	close(p[0]);
	/* Closed since: POLLNVAL, and it counts. */
	EXPECT_EQ(poll(f, 1, 0), 1);
	EXPECT_EQ(f[0].revents, POLLNVAL);
}

static void *write_later(void *arg)
{
	settle();
	write(*(int *)arg, "x", 1);
	return NULL;
}

TEST(poll, woken_by_a_write_from_another_cpu)
{
	struct pollfd f[2];
	pthread_t t;
	int p[2], q[2];

	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(pipe(q), 0);
	f[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	f[1] = (struct pollfd){ .fd = q[0], .events = POLLIN };
	ASSERT_EQ(start_thread(&t, write_later, &q[1]), 0);
	EXPECT_EQ(poll(f, 2, LONG_MS), 1);
	EXPECT_EQ(f[0].revents, 0);
	EXPECT_EQ(f[1].revents, POLLIN);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

TEST(poll, select_on_pipes)
{
	struct timeval tv = { 5, 0 };
	fd_set rd, wr;
	pthread_t t;
	uint64_t t0;
	int p[2], q[2], r[2];

	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(pipe(q), 0);
	ASSERT_EQ(pipe(r), 0);
	EXPECT_EQ(write(q[1], "x", 1), 1);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_SET(p[1], &wr);
	EXPECT_EQ(select(r[1] + 1, &rd, &wr, NULL, &tv), 2);
	EXPECT_FALSE(FD_ISSET(p[0], &rd));
	EXPECT_TRUE(FD_ISSET(q[0], &rd));
	EXPECT_TRUE(FD_ISSET(p[1], &wr));
	/* The end of the writers makes the read end readable... */
	close(p[1]);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ 5, 0 };
	EXPECT_EQ(select(p[0] + 1, &rd, NULL, NULL, &tv), 1);
	EXPECT_TRUE(FD_ISSET(p[0], &rd));
	/* ...and the end of the reader the write end writable. */
	close(q[0]);
	FD_ZERO(&wr);
	FD_SET(q[1], &wr);
	tv = (struct timeval){ 5, 0 };
	EXPECT_EQ(select(q[1] + 1, NULL, &wr, NULL, &tv), 1);
	EXPECT_TRUE(FD_ISSET(q[1], &wr));
	/* Nothing ready: the timeout, and the set comes back empty. */
	FD_ZERO(&rd);
	FD_SET(r[0], &rd);
	tv = (struct timeval){ 0, 30000 };
	t0 = now_ns();
	EXPECT_EQ(select(r[0] + 1, &rd, NULL, NULL, &tv), 0);
	EXPECT_GE(now_ns() - t0, 30 * MS);
	EXPECT_FALSE(FD_ISSET(r[0], &rd));
	/* Woken by a write from another CPU. */
	FD_ZERO(&rd);
	FD_SET(r[0], &rd);
	tv = (struct timeval){ LONG_MS / 1000, 0 };
	ASSERT_EQ(start_thread(&t, write_later, &r[1]), 0);
	EXPECT_EQ(select(r[0] + 1, &rd, NULL, NULL, &tv), 1);
	EXPECT_TRUE(FD_ISSET(r[0], &rd));
	pthread_join(t, NULL);
	FD_ZERO(&rd);
	FD_SET(p[1], &rd);	/* closed */
	tv = (struct timeval){ 0, 0 };
	EXPECT_ERR(select(p[1] + 1, &rd, NULL, NULL, &tv), EBADF);
	close(p[0]);
	close(q[1]);
	close(r[0]);
	close(r[1]);
}

/*
 * ppoll and pselect exist for one race: a program blocks a signal, sees
 * that it has not come, and waits with it unblocked. One that came in
 * between is pending: the wait must end at once with EINTR, its handler
 * run, and the program's own mask be back after.
 */
TEST(poll, ppoll_ends_at_once_for_a_pending_signal_it_unblocks)
{
	struct timespec ts = { HOLD_MS / 1000, 0 };
	struct pollfd f;
	sigset_t none;
	uint64_t t0;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	catch_signal(SIGUSR1, 0);
	block_signal(SIGUSR1);
	raise(SIGUSR1);
	EXPECT_EQ(sig_count[SIGUSR1], 0);
	EXPECT_TRUE(is_pending(SIGUSR1));
	sigemptyset(&none);
	f = (struct pollfd){ .fd = p[0], .events = POLLIN };
	t0 = now_ns();
	EXPECT_ERR(ppoll(&f, 1, &ts, &none), EINTR);
	EXPECT_LT(now_ns() - t0, HOLD_MS * MS);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(is_blocked(SIGUSR1));
	EXPECT_FALSE(is_pending(SIGUSR1));
	reset_signal(SIGUSR1);
	close(p[0]);
	close(p[1]);
}

TEST(poll, pselect_ends_at_once_for_a_pending_signal_it_unblocks)
{
	struct timespec ts = { HOLD_MS / 1000, 0 };
	sigset_t none;
	uint64_t t0;
	fd_set rd;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	catch_signal(SIGUSR1, 0);
	block_signal(SIGUSR1);
	raise(SIGUSR1);
	sigemptyset(&none);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	t0 = now_ns();
	EXPECT_ERR(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none), EINTR);
	EXPECT_LT(now_ns() - t0, HOLD_MS * MS);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(is_blocked(SIGUSR1));
	reset_signal(SIGUSR1);
	close(p[0]);
	close(p[1]);
}

static struct {
	pthread_t target;
	int fd, sent;
} holder;

static void *signal_then_write(void *arg)
{
	(void)arg;
	sleep_ms(200);		/* the target is in ppoll() by then */
	pthread_kill(holder.target, SIGUSR1);
	flag_set(&holder.sent);
	settle();
	write(holder.fd, "x", 1);
	return NULL;
}

TEST(poll, ppoll_mask_holds_a_signal_for_the_wait)
{
	struct timespec ts = { LONG_MS / 1000, 0 };
	struct pollfd f;
	sigset_t usr1;
	pthread_t t;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	catch_signal(SIGUSR1, 0);
	memset(&holder, 0, sizeof(holder));
	holder.target = pthread_self();
	holder.fd = p[1];
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	f = (struct pollfd){ .fd = p[0], .events = POLLIN };
	ASSERT_EQ(start_thread(&t, signal_then_write, NULL), 0);
	/* The signal comes during the wait, which it must not end: the
	 * write does. The handler runs once the mask is the caller's. */
	EXPECT_EQ(ppoll(&f, 1, &ts, &usr1), 1);
	EXPECT_EQ(f.revents, POLLIN);
	EXPECT_TRUE(wait_flag(&holder.sent));
	pthread_join(t, NULL);
	sleep_ms(1);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], pthread_self()));
	EXPECT_FALSE(is_blocked(SIGUSR1));
	reset_signal(SIGUSR1);
	close(p[0]);
	close(p[1]);
}

TEST(poll, argument_errors)
{
	struct timespec bad = { 0, 1000000000 };
	struct pollfd f = { .fd = 0, .events = POLLIN };
	sigset_t none;

	sigemptyset(&none);
	EXPECT_ERR(poll(NULL, 2, 0), EFAULT);
	EXPECT_ERR(ppoll(&f, 1, &bad, &none), EINVAL);
	bad = (struct timespec){ -1, 0 };
	EXPECT_ERR(ppoll(&f, 1, &bad, NULL), EINVAL);
	EXPECT_ERR(select(-1, NULL, NULL, NULL, NULL), EINVAL);
	EXPECT_ERR(pselect(1, NULL, NULL, NULL, &bad, NULL), EINVAL);
}
