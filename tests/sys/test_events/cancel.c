// SPDX-License-Identifier: MIT
/*
 * pthread_cancel() of threads blocked in cancellation points: read on a
 * pipe, poll, nanosleep, epoll_wait, accept on an AF_UNIX socket and
 * pthread_cond_wait (which gives the mutex back to the cleanup handlers).
 * Cleanup handlers run, last pushed first; the thread's result is
 * PTHREAD_CANCELED. Also: cancellation while disabled acts once enabled,
 * at the next cancellation point; pthread_testcancel(); asynchronous
 * cancellation of oneself; cancelling a thread that has already ended.
 *
 * Each blocked call is bounded or can be released, so a cancellation
 * that does not act fails the case instead of hanging the image.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

enum cp { CP_READ, CP_POLL, CP_NANOSLEEP, CP_EPOLL, CP_ACCEPT, CP_COND };

static struct victim {
	enum cp call;
	int fd[2], ep, sock;
	struct sockaddr_un addr;
	socklen_t addrlen;
	pthread_mutex_t m;
	pthread_cond_t c;
	int waiting;		/* in pthread_cond_wait, under (m) */
	int order[4], ncleanup, unlock_rc;
	int returned;		/* the call returned: not cancelled */
} vic;

static void cleanup(void *arg)
{
	if (vic.ncleanup < 4)
		vic.order[vic.ncleanup] = (int)(long)arg;
	__atomic_fetch_add(&vic.ncleanup, 1, __ATOMIC_SEQ_CST);
}

static void cleanup_unlock(void *arg)
{
	vic.unlock_rc = pthread_mutex_unlock(&vic.m);
	cleanup(arg);
}

static void cond_wait_bounded(void)
{
	struct timespec end;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += LONG_MS / 1000;
	pthread_mutex_lock(&vic.m);
	pthread_cleanup_push(cleanup_unlock, (void *)3);
	vic.waiting = 1;
	while (pthread_cond_timedwait(&vic.c, &vic.m, &end) == 0)
		;
	pthread_cleanup_pop(1);
}

static void *victim(void *arg)
{
	struct pollfd p = { .fd = vic.fd[0], .events = POLLIN };
	struct timespec ts = { LONG_MS / 1000, 0 };
	struct epoll_event ev;
	char c;
	int s;

	(void)arg;
	pthread_cleanup_push(cleanup, (void *)1);
	pthread_cleanup_push(cleanup, (void *)2);
	switch (vic.call) {
	case CP_READ:
		read(vic.fd[0], &c, 1);
		break;
	case CP_POLL:
		poll(&p, 1, -1);
		break;
	case CP_NANOSLEEP:
		nanosleep(&ts, NULL);
		break;
	case CP_EPOLL:
		epoll_wait(vic.ep, &ev, 1, -1);
		break;
	case CP_ACCEPT:
		s = accept(vic.sock, NULL, NULL);
		if (s >= 0)
			close(s);
		break;
	case CP_COND:
		cond_wait_bounded();
		break;
	}
	flag_set(&vic.returned);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static int setup(enum cp call)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_mutexattr_t a;

	memset(&vic, 0, sizeof(vic));
	vic.call = call;
	/* Error-checking, so the cleanup handler's unlock says whether the
	 * thread owned the mutex. */
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&vic.m, &a);
	pthread_mutexattr_destroy(&a);
	pthread_cond_init(&vic.c, NULL);
	if (pipe(vic.fd))
		return -1;
	vic.ep = epoll_create1(0);
	epoll_ctl(vic.ep, EPOLL_CTL_ADD, vic.fd[0], &ev);
	vic.sock = socket(AF_UNIX, SOCK_STREAM, 0);
	vic.addr.sun_family = AF_UNIX;
	strcpy(vic.addr.sun_path + 1, "cancel-accept");
	vic.addrlen = offsetof(struct sockaddr_un, sun_path) + 14;
	if (bind(vic.sock, (struct sockaddr *)&vic.addr, vic.addrlen) ||
	    listen(vic.sock, 1))
		return -1;
	return 0;
}

/* Lets a thread whose cancellation did not act go on, and ends it. */
static void release(void)
{
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	write(vic.fd[1], "x", 1);
	connect(c, (struct sockaddr *)&vic.addr, vic.addrlen);
	close(c);
	pthread_mutex_lock(&vic.m);
	pthread_cond_broadcast(&vic.c);
	pthread_mutex_unlock(&vic.m);
}

static void teardown(void)
{
	close(vic.fd[0]);
	close(vic.fd[1]);
	close(vic.ep);
	close(vic.sock);
	pthread_mutex_destroy(&vic.m);
	pthread_cond_destroy(&vic.c);
}

/* Cancels a thread blocked in (call): whether it ended cancelled, its
 * cleanup handlers run in order. */
static void cancel_blocked(enum cp call)
{
	uint64_t end = now_ns() + LONG_MS * MS;
	pthread_t t;
	void *rv = NULL;
	int cleanups;

	ASSERT_EQ(setup(call), 0);
	ASSERT_EQ(start_thread(&t, victim, NULL), 0);
	if (call == CP_COND) {
		/* Once it has let the mutex go, it is waiting. */
		for (int w = 0; !w && now_ns() < end;) {
			pthread_mutex_lock(&vic.m);
			w = vic.waiting;
			pthread_mutex_unlock(&vic.m);
			if (!w)
				sleep_ms(5);
		}
	}
	settle();
	EXPECT_EQ(pthread_cancel(t), 0);
	while (!flag_get(&vic.ncleanup) && !flag_get(&vic.returned) &&
	       now_ns() < end)
		sleep_ms(5);
	if (!flag_get(&vic.ncleanup))
		release();
	EXPECT_EQ(pthread_join(t, &rv), 0);
	EXPECT_TRUE(rv == PTHREAD_CANCELED);
	EXPECT_FALSE(flag_get(&vic.returned));
	cleanups = call == CP_COND ? 3 : 2;
	EXPECT_EQ(vic.ncleanup, cleanups);
	for (int i = 0; i < cleanups && i < 4; i++)
		EXPECT_EQ(vic.order[i], cleanups - i);	/* last pushed first */
	if (call == CP_COND)
		EXPECT_EQ(vic.unlock_rc, 0);	/* it held the mutex again */
	teardown();
}

TEST(cancel, blocked_read)
{
	cancel_blocked(CP_READ);
}

TEST(cancel, blocked_poll)
{
	cancel_blocked(CP_POLL);
}

TEST(cancel, blocked_nanosleep)
{
	cancel_blocked(CP_NANOSLEEP);
}

TEST(cancel, blocked_epoll_wait)
{
	cancel_blocked(CP_EPOLL);
}

TEST(cancel, blocked_accept)
{
	cancel_blocked(CP_ACCEPT);
}

TEST(cancel, blocked_cond_wait)
{
	cancel_blocked(CP_COND);
}

static struct {
	int fd[2], started, got, read_rc;
} held;

static void *cancel_disabled_read(void *arg)
{
	int old;
	char c = 0;

	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	flag_set(&held.started);
	held.read_rc = (int)read(held.fd[0], &c, 1);
	held.got = c;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	read(held.fd[0], &c, 1);	/* a cancellation point: acts here */
	return (void *)1;
}

TEST(cancel, disabled_then_acts_at_the_next_point)
{
	pthread_t t;
	void *rv = NULL;

	memset(&held, 0, sizeof(held));
	ASSERT_EQ(pipe(held.fd), 0);
	ASSERT_EQ(start_thread(&t, cancel_disabled_read, NULL), 0);
	ASSERT_TRUE(wait_flag(&held.started));
	settle();
	EXPECT_EQ(pthread_cancel(t), 0);
	settle();
	/* Still in its read: the request waits. */
	EXPECT_EQ(held.read_rc, 0);
	EXPECT_EQ(write(held.fd[1], "k", 1), 1);
	EXPECT_EQ(pthread_join(t, &rv), 0);
	EXPECT_TRUE(rv == PTHREAD_CANCELED);
	EXPECT_EQ(held.read_rc, 1);
	EXPECT_EQ(held.got, 'k');
	close(held.fd[0]);
	close(held.fd[1]);
}

static void *spin_testcancel(void *arg)
{
	uint64_t end = now_ns() + LONG_MS * MS;

	(void)arg;
	while (now_ns() < end) {
		pthread_testcancel();
		sched_yield();
	}
	return (void *)1;
}

TEST(cancel, testcancel_in_a_busy_thread)
{
	pthread_t t;
	void *rv = NULL;

	ASSERT_EQ(start_thread(&t, spin_testcancel, NULL), 0);
	settle();
	EXPECT_EQ(pthread_cancel(t), 0);
	EXPECT_EQ(pthread_join(t, &rv), 0);
	EXPECT_TRUE(rv == PTHREAD_CANCELED);
}

static int survived;

static void *cancel_self_async(void *arg)
{
	int old;

	(void)arg;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	pthread_cancel(pthread_self());
	survived = 1;
	return (void *)1;
}

TEST(cancel, asynchronous_cancel_of_oneself_is_immediate)
{
	pthread_t t;
	void *rv = NULL;

	survived = 0;
	ASSERT_EQ(start_thread(&t, cancel_self_async, NULL), 0);
	EXPECT_EQ(pthread_join(t, &rv), 0);
	EXPECT_TRUE(rv == PTHREAD_CANCELED);
	EXPECT_EQ(survived, 0);
}

static void *return_seven(void *arg)
{
	(void)arg;
	return (void *)7;
}

TEST(cancel, a_thread_that_already_ended)
{
	pthread_t t;
	void *rv = NULL;

	ASSERT_EQ(start_thread(&t, return_seven, NULL), 0);
	settle();
	EXPECT_EQ(pthread_cancel(t), 0);
	EXPECT_EQ(pthread_join(t, &rv), 0);
	EXPECT_EQ((long)rv, 7);
}
