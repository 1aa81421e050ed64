// SPDX-License-Identifier: MIT
/*
 * epoll over pipes: level-triggered, edge-triggered and one-shot items,
 * EPOLL_CTL_MOD/DEL, items whose file is closed or duplicated, events
 * reported unasked, fairness when more are ready than asked for, waits
 * woken from another CPU or timed out, a set inside a set, epoll_pwait's
 * mask, and every error. Event files and sockets in epoll are in
 * eventfd.c, timerfd.c and inet.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* EPOLL_CTL_ADD of (fd) with (events) and (data). */
static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

/* epoll_wait() with no wait; the first report in (*ev). */
static int ready(int ep, struct epoll_event *ev)
{
	struct epoll_event out[8];
	int n = epoll_wait(ep, out, 8, 0);

	if (ev)
		*ev = n > 0 ? out[0] : (struct epoll_event){ 0 };
	return n;
}

TEST(epoll, level_triggered_reports_while_ready)
{
	struct epoll_event ev;
	char buf[4];
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(add(ep, p[0], EPOLLIN, 0x1234567890ULL), 0);
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_EQ(write(p[1], "ab", 2), 2);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLIN);
	EXPECT_EQ(ev.data.u64, 0x1234567890ULL);
	EXPECT_EQ(ready(ep, &ev), 1);		/* still readable */
	EXPECT_EQ(read(p[0], buf, 1), 1);
	EXPECT_EQ(ready(ep, &ev), 1);		/* one byte left */
	EXPECT_EQ(read(p[0], buf, 1), 1);
	EXPECT_EQ(ready(ep, NULL), 0);		/* drained */
	/* The write end: writable, and an error once the reader goes. */
	EXPECT_EQ(add(ep, p[1], EPOLLOUT, 2), 0);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLOUT);
	EXPECT_EQ(ev.data.u64, 2);
	close(p[0]);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLOUT | EPOLLERR);
	close(p[1]);
	close(ep);
}

TEST(epoll, edge_triggered_reports_changes_only)
{
	struct epoll_event ev;
	char buf[4];
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(add(ep, p[0], EPOLLIN | EPOLLET, 7), 0);
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_EQ(write(p[1], "ab", 2), 2);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLIN);
	EXPECT_EQ(ev.data.u64, 7);
	EXPECT_EQ(ready(ep, NULL), 0);		/* said once */
	/* A partial read changes nothing for the reader: epoll(7)'s own
	 * example of what edge-triggered mode does not report. */
	EXPECT_EQ(read(p[0], buf, 1), 1);
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_EQ(write(p[1], "c", 1), 1);	/* new data is a new edge */
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 2);
	close(p[1]);				/* so is the end */
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLHUP);
	EXPECT_EQ(ready(ep, NULL), 0);
	close(p[0]);
	close(ep);
}

TEST(epoll, edge_triggered_write_end)
{
	static char block[4096];
	struct epoll_event ev;
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
	EXPECT_EQ(add(ep, p[1], EPOLLOUT | EPOLLET, 9), 0);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLOUT);
	EXPECT_EQ(ready(ep, NULL), 0);
	/* Reading from a pipe that was not full frees no writer. */
	EXPECT_EQ(write(p[1], "ab", 2), 2);
	EXPECT_EQ(read(p[0], block, 1), 1);
	EXPECT_EQ(ready(ep, NULL), 0);
	while (write(p[1], block, sizeof(block)) > 0)
		;
	EXPECT_EQ(ready(ep, NULL), 0);
	/* Room again after full: that is an edge. */
	EXPECT_EQ(read(p[0], block, sizeof(block)), 4096);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLOUT);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(epoll, oneshot_until_rearmed)
{
	struct epoll_event ev;
	char buf[4];
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(add(ep, p[0], EPOLLIN | EPOLLONESHOT, 5), 0);
	EXPECT_EQ(write(p[1], "a", 1), 1);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.data.u64, 5);
	EXPECT_EQ(ready(ep, NULL), 0);		/* disabled, still readable */
	EXPECT_EQ(write(p[1], "b", 1), 1);
	EXPECT_EQ(ready(ep, NULL), 0);		/* even for new data */
	close(p[1]);
	EXPECT_EQ(ready(ep, NULL), 0);		/* even for the end */
	/* Still in the set: ADD says so, MOD arms it again. */
	EXPECT_ERR(add(ep, p[0], EPOLLIN | EPOLLONESHOT, 5), EEXIST);
	EXPECT_EQ(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 6), 0);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLIN | EPOLLHUP);
	EXPECT_EQ(ev.data.u64, 6);
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 2);
	close(p[0]);
	close(ep);
}

TEST(epoll, mod_and_del)
{
	struct epoll_event ev;
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(write(p[1], "a", 1), 1);
	EXPECT_EQ(add(ep, p[0], EPOLLOUT, 1), 0);	/* never for a reader */
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_EQ(mod(ep, p[0], EPOLLIN, 2), 0);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLIN);
	EXPECT_EQ(ev.data.u64, 2);
	EXPECT_EQ(mod(ep, p[0], EPOLLIN | EPOLLET, 3), 0);
	EXPECT_EQ(ready(ep, &ev), 1);		/* ready when modified */
	EXPECT_EQ(ev.data.u64, 3);
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
	EXPECT_EQ(write(p[1], "b", 1), 1);
	EXPECT_EQ(ready(ep, NULL), 0);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	EXPECT_ERR(mod(ep, p[0], EPOLLIN, 4), ENOENT);
	EXPECT_EQ(add(ep, p[0], EPOLLIN, 4), 0);	/* and back */
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.data.u64, 4);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(epoll, items_follow_the_file_not_the_descriptor)
{
	struct epoll_event ev;
	int ep, p[2], q[2], dup_fd;

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(add(ep, p[0], EPOLLIN, 11), 0);
	dup_fd = dup(p[0]);
	ASSERT_GE(dup_fd, 0);
	/* Another descriptor keeps the file open: the item stays. */
	close(p[0]);
	EXPECT_EQ(write(p[1], "a", 1), 1);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.data.u64, 11);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
	/* The last descriptor closes it: the item goes with it. */
	close(dup_fd);
	EXPECT_EQ(ready(ep, NULL), 0);
	/* A new file on the same number is a new item. */
	ASSERT_EQ(pipe(q), 0);
	EXPECT_EQ(add(ep, q[0], EPOLLIN, 12), 0);
	EXPECT_EQ(write(q[1], "b", 1), 1);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.data.u64, 12);
	close(q[0]);
	close(q[1]);
	close(p[1]);
	close(ep);
}

TEST(epoll, hangup_and_error_reported_unasked)
{
	struct epoll_event ev;
	int ep, p[2], q[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(pipe(q), 0);
	EXPECT_EQ(add(ep, p[0], 0, 1), 0);
	EXPECT_EQ(add(ep, q[1], 0, 2), 0);
	EXPECT_EQ(ready(ep, NULL), 0);
	close(p[1]);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLHUP);
	EXPECT_EQ(ev.data.u64, 1);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
	close(q[0]);
	EXPECT_EQ(ready(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLERR);
	EXPECT_EQ(ev.data.u64, 2);
	close(p[0]);
	close(q[1]);
	close(ep);
}

TEST(epoll, more_ready_than_asked_take_turns)
{
	struct epoll_event ev[4];
	int ep, p[3][2], seen[3] = { 0 };

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(pipe(p[i]), 0);
		EXPECT_EQ(write(p[i][1], "x", 1), 1);
		EXPECT_EQ(add(ep, p[i][0], EPOLLIN, i), 0);
	}
	EXPECT_EQ(epoll_wait(ep, ev, 4, 0), 3);
	/* One at a time: every ready item comes round, none starves. */
	for (int k = 0; k < 3; k++) {
		EXPECT_EQ(epoll_wait(ep, ev, 1, 0), 1);
		if (ev[0].data.u64 < 3)
			seen[ev[0].data.u64]++;
	}
	EXPECT_EQ(seen[0], 1);
	EXPECT_EQ(seen[1], 1);
	EXPECT_EQ(seen[2], 1);
	for (int i = 0; i < 3; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	close(ep);
}

static void *write_later(void *arg)
{
	settle();
	write(*(int *)arg, "x", 1);
	return NULL;
}

TEST(epoll, wait_woken_from_another_cpu_or_timed_out)
{
	struct epoll_event ev[2];
	pthread_t t;
	uint64_t t0;
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(add(ep, p[0], EPOLLIN | EPOLLET, 3), 0);
	t0 = now_ns();
	EXPECT_EQ(epoll_wait(ep, ev, 2, 30), 0);
	EXPECT_GE(now_ns() - t0, 30 * MS);
	ASSERT_EQ(start_thread(&t, write_later, &p[1]), 0);
	EXPECT_EQ(epoll_wait(ep, ev, 2, LONG_MS), 1);
	EXPECT_EQ(ev[0].events, EPOLLIN);
	EXPECT_EQ(ev[0].data.u64, 3);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(epoll, a_set_inside_a_set)
{
	struct epoll_event ev;
	int outer, inner, other, p[2];

	outer = epoll_create1(0);
	inner = epoll_create1(0);
	other = epoll_create1(0);
	ASSERT_GE(outer, 0);
	ASSERT_GE(inner, 0);
	ASSERT_GE(other, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(add(outer, inner, EPOLLIN, 42), 0);
	EXPECT_EQ(add(inner, p[0], EPOLLIN, 7), 0);
	EXPECT_EQ(ready(outer, NULL), 0);
	EXPECT_EQ(revents_now(inner, POLLIN), 0);
	EXPECT_EQ(write(p[1], "z", 1), 1);
	/* The inner set is readable, and says so to the outer one. */
	EXPECT_EQ(revents_now(inner, POLLIN), POLLIN);
	EXPECT_EQ(ready(outer, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLIN);
	EXPECT_EQ(ev.data.u64, 42);
	EXPECT_EQ(ready(inner, &ev), 1);
	EXPECT_EQ(ev.data.u64, 7);
	/* No loops: the outer set cannot go into the inner one, nor into
	 * itself. */
	EXPECT_ERR(add(inner, outer, EPOLLIN, 0), ELOOP);
	EXPECT_ERR(add(outer, outer, EPOLLIN, 0), EINVAL);
	EXPECT_EQ(add(other, p[0], EPOLLIN, 8), 0);	/* a file, two sets */
	EXPECT_EQ(ready(other, &ev), 1);
	EXPECT_EQ(ev.data.u64, 8);
	close(p[0]);
	close(p[1]);
	close(inner);
	EXPECT_EQ(ready(outer, NULL), 0);
	close(outer);
	close(other);
}

TEST(epoll, pwait_ends_at_once_for_a_pending_signal_it_unblocks)
{
	struct epoll_event ev;
	sigset_t none;
	uint64_t t0;
	int ep, p[2];

	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(add(ep, p[0], EPOLLIN, 0), 0);
	catch_signal(SIGUSR1, 0);
	block_signal(SIGUSR1);
	raise(SIGUSR1);
	sigemptyset(&none);
	t0 = now_ns();
	EXPECT_ERR(epoll_pwait(ep, &ev, 1, HOLD_MS, &none), EINTR);
	EXPECT_LT(now_ns() - t0, HOLD_MS * MS);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(is_blocked(SIGUSR1));
	reset_signal(SIGUSR1);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(epoll, errors)
{
	struct epoll_event e = { .events = EPOLLIN }, out[2];
	int ep, p[2], file, ep2;
	char c;

	/* musl 1.2.3's epoll_create() ignores its size: the system call
	 * itself checks it. */
	EXPECT_ERR(syscall(SYS_epoll_create, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_epoll_create, -1), EINVAL);
	EXPECT_ERR(epoll_create1(1), EINVAL);
	ep2 = epoll_create(1);
	EXPECT_GE(ep2, 0);
	EXPECT_FALSE(has_cloexec(ep2));
	close(ep2);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	EXPECT_TRUE(has_cloexec(ep));
	EXPECT_EQ(fcntl(ep, F_GETFL) & O_ACCMODE, O_RDWR);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e), EINVAL);
	EXPECT_ERR(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &e), EINVAL);
	EXPECT_ERR(epoll_ctl(ep, 99, p[0], &e), EINVAL);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &e), EBADF);
	EXPECT_ERR(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &e), EBADF);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL), EFAULT);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e), ENOENT);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e), 0);
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e), EEXIST);
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e), EINVAL);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &e), 0);
	/* A file that is always ready cannot be watched. */
	file = open("/etc/hosts", O_RDONLY);
	EXPECT_GE(file, 0);
	e.events = EPOLLIN;
	EXPECT_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, file, &e), EPERM);
	close(file);
	EXPECT_ERR(epoll_wait(ep, out, 0, 0), EINVAL);
	EXPECT_ERR(epoll_wait(ep, out, -1, 0), EINVAL);
	EXPECT_ERR(epoll_wait(p[0], out, 1, 0), EINVAL);
	EXPECT_ERR(epoll_wait(999, out, 1, 0), EBADF);
	EXPECT_EQ(write(p[1], "x", 1), 1);	/* something to report */
	EXPECT_ERR(epoll_wait(ep, NULL, 1, 0), EFAULT);
	/* Not a file of data. */
	EXPECT_ERR(read(ep, &c, 1), EINVAL);
	EXPECT_ERR(write(ep, &c, 1), EINVAL);
	close(p[0]);
	close(p[1]);
	close(ep);
}
