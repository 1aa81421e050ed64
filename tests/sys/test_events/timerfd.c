// SPDX-License-Identifier: MIT
/*
 * timerfd: one-shot and periodic timers with the periods missed counted,
 * relative and absolute times on both clocks, timerfd_gettime and the
 * old value timerfd_settime returns, disarming and re-arming, a timer set
 * on one CPU and changed on another, timerfd in epoll, and every error.
 * Durations are only ever checked as "not early".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static struct itimerspec spec_ns(uint64_t first, uint64_t every)
{
	struct itimerspec s = {
		.it_value = { (time_t)(first / 1000000000),
			      (long)(first % 1000000000) },
		.it_interval = { (time_t)(every / 1000000000),
				 (long)(every % 1000000000) },
	};

	return s;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;
}

/* read() of the expirations: their count, or -1 with errno. */
static int64_t expirations(int fd)
{
	uint64_t v = 0;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? (int64_t)v : -1;
}

TEST(timerfd, one_shot)
{
	struct itimerspec s = spec_ns(20 * MS, 0), cur;
	uint64_t t0;
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(revents_now(fd, POLLIN), 0);
	t0 = now_ns();
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	EXPECT_EQ(expirations(fd), 1);		/* blocks until it fires */
	EXPECT_GE(now_ns() - t0, 20 * MS);
	EXPECT_EQ(revents_now(fd, POLLIN), 0);
	ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_EQ(ts_ns(&cur.it_value), 0);	/* spent */
	EXPECT_EQ(ts_ns(&cur.it_interval), 0);
	EXPECT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	EXPECT_ERR(expirations(fd), EAGAIN);
	close(fd);
}

TEST(timerfd, periodic_counts_missed_periods)
{
	struct itimerspec s = spec_ns(10 * MS, 10 * MS), cur;
	int64_t n;
	uint64_t t0, t1;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);

	ASSERT_GE(fd, 0);
	t0 = now_ns();
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	sleep_ms(55);
	n = expirations(fd);
	t1 = now_ns();
	/* At least the five periods that passed, at most those that could
	 * have by the read. */
	EXPECT_GE(n, 5);
	EXPECT_LE(n, (int64_t)((t1 - t0) / (10 * MS)));
	ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_GT(ts_ns(&cur.it_value), 0);
	EXPECT_LE(ts_ns(&cur.it_value), 10 * MS);
	EXPECT_EQ(ts_ns(&cur.it_interval), 10 * MS);
	/* It goes on: the next period comes. */
	struct pollfd p = { .fd = fd, .events = POLLIN };
	EXPECT_EQ(poll(&p, 1, LONG_MS), 1);
	EXPECT_GE(expirations(fd), 1);
	close(fd);
}

TEST(timerfd, settime_gettime_and_disarm)
{
	struct itimerspec s = spec_ns(10ULL * 1000 * MS, 0), old, cur;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_EQ(ts_ns(&cur.it_value), 0);	/* disarmed when made */
	ASSERT_EQ(timerfd_settime(fd, 0, &s, &old), 0);
	EXPECT_EQ(ts_ns(&old.it_value), 0);
	ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_GT(ts_ns(&cur.it_value), 0);
	EXPECT_LE(ts_ns(&cur.it_value), 10ULL * 1000 * MS);
	/* Re-arming gives back what was left, and the old interval. */
	s = spec_ns(20ULL * 1000 * MS, 3 * MS);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, &old), 0);
	EXPECT_GT(ts_ns(&old.it_value), 0);
	EXPECT_LE(ts_ns(&old.it_value), 10ULL * 1000 * MS);
	EXPECT_EQ(ts_ns(&old.it_interval), 0);
	s = spec_ns(0, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, &old), 0);
	EXPECT_GT(ts_ns(&old.it_value), 10ULL * 1000 * MS);
	EXPECT_EQ(ts_ns(&old.it_interval), 3 * MS);
	ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_EQ(ts_ns(&cur.it_value), 0);
	/* An interval with no first expiry: disarmed, the interval kept. */
	s = spec_ns(0, 5 * MS);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_EQ(ts_ns(&cur.it_value), 0);
	EXPECT_EQ(ts_ns(&cur.it_interval), 5 * MS);
	sleep_ms(20);
	EXPECT_ERR(expirations(fd), EAGAIN);
	/* Disarming before it fires: it never does. */
	s = spec_ns(10 * MS, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	s = spec_ns(0, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	sleep_ms(30);
	EXPECT_ERR(expirations(fd), EAGAIN);
	EXPECT_EQ(revents_now(fd, POLLIN), 0);
	/* Setting it again forgets expirations not read yet. */
	s = spec_ns(1 * MS, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	sleep_ms(20);
	EXPECT_EQ(revents_now(fd, POLLIN), POLLIN);
	s = spec_ns(10ULL * 1000 * MS, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	EXPECT_EQ(revents_now(fd, POLLIN), 0);
	EXPECT_ERR(expirations(fd), EAGAIN);
	close(fd);
}

TEST(timerfd, absolute_times)
{
	struct itimerspec s;
	struct timespec now;
	uint64_t t0, t1;
	int64_t n;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	int rt = timerfd_create(CLOCK_REALTIME, 0);

	ASSERT_GE(fd, 0);
	ASSERT_GE(rt, 0);
	/* In the past, one shot: expires at once, once. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	s = spec_ns(ts_ns(&now) - 50 * MS, 0);
	ASSERT_EQ(timerfd_settime(fd, TFD_TIMER_ABSTIME, &s, NULL), 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	EXPECT_EQ(poll(&p, 1, LONG_MS), 1);
	EXPECT_EQ(expirations(fd), 1);
	/* In the past, periodic: the periods since that time count (50 ms
	 * ago every 10 ms: 6 by now), not those since some other time. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	t0 = ts_ns(&now);
	s = spec_ns(t0 - 50 * MS, 10 * MS);
	ASSERT_EQ(timerfd_settime(fd, TFD_TIMER_ABSTIME, &s, NULL), 0);
	EXPECT_EQ(poll(&p, 1, LONG_MS), 1);
	n = expirations(fd);
	t1 = now_ns();
	EXPECT_GE(n, 6);
	EXPECT_LE(n, 6 + (int64_t)((t1 - t0) / (10 * MS)));
	/* The real-time clock, in the future: t0 before the clock is read,
	 * so a stall of the host between the two cannot shorten the wait
	 * seen from t0. */
	t0 = now_ns();
	clock_gettime(CLOCK_REALTIME, &now);
	s = spec_ns(ts_ns(&now) + 20 * MS, 0);
	ASSERT_EQ(timerfd_settime(rt, TFD_TIMER_ABSTIME, &s, NULL), 0);
	EXPECT_EQ(expirations(rt), 1);
	EXPECT_GE(now_ns() - t0, 10 * MS);	/* not at once */
	/* TFD_TIMER_CANCEL_ON_SET is accepted. */
	s = spec_ns(ts_ns(&now) + 10ULL * 1000 * MS, 0);
	EXPECT_EQ(timerfd_settime(rt, TFD_TIMER_ABSTIME |
				  TFD_TIMER_CANCEL_ON_SET, &s, NULL), 0);
	close(fd);
	close(rt);
}

static struct {
	int fd, done;
	int64_t n;
} remote;

static void *read_timer(void *arg)
{
	(void)arg;
	remote.n = expirations(remote.fd);
	flag_set(&remote.done);
	return NULL;
}

static void *rearm_timer(void *arg)
{
	struct itimerspec s = spec_ns((uint64_t)(uintptr_t)arg, 0);

	remote.n = timerfd_settime(remote.fd, 0, &s, NULL);
	flag_set(&remote.done);
	return NULL;
}

/* timerfd_settime() of (fd) to (first_ns) from the last CPU: its result. */
static int64_t rearm_elsewhere(int fd, uint64_t first_ns)
{
	pthread_t t;

	memset(&remote, 0, sizeof(remote));
	remote.fd = fd;
	remote.n = -2;
	if (start_thread(&t, rearm_timer, (void *)(uintptr_t)first_ns))
		return -3;
	wait_flag(&remote.done);
	pthread_join(t, NULL);
	return remote.n;
}

TEST(timerfd, across_cpus)
{
	struct itimerspec s = spec_ns(30 * MS, 0);
	pthread_t t;
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);

	ASSERT_GE(fd, 0);
	/* Armed here, read on the last CPU. */
	memset(&remote, 0, sizeof(remote));
	remote.fd = fd;
	ASSERT_EQ(start_thread(&t, read_timer, NULL), 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	EXPECT_TRUE(wait_flag(&remote.done));
	pthread_join(t, NULL);
	EXPECT_EQ(remote.n, 1);
	/* Armed far off here, brought near on the last CPU: it fires then,
	 * once. */
	s = spec_ns(10ULL * 1000 * MS, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	EXPECT_EQ(rearm_elsewhere(fd, 10 * MS), 0);
	EXPECT_EQ(expirations(fd), 1);
	/* Armed near here, put off on the last CPU: the expiry armed here
	 * is cancelled from there. */
	uint64_t t0 = now_ns();

	s = spec_ns(200 * MS, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	EXPECT_EQ(rearm_elsewhere(fd, 10ULL * 1000 * MS), 0);
	while (now_ns() < t0 + 300 * MS)
		sleep_ms(10);
	EXPECT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	EXPECT_ERR(expirations(fd), EAGAIN);
	close(fd);
}

TEST(timerfd, in_epoll)
{
	struct itimerspec s = spec_ns(5 * MS, 5 * MS);
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 77 }, out[2];
	int ep = epoll_create1(0), fd = timerfd_create(CLOCK_MONOTONIC,
						       TFD_NONBLOCK);

	ASSERT_GE(ep, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(epoll_wait(ep, out, 2, LONG_MS), 1);
		EXPECT_EQ(out[0].events, EPOLLIN);
		EXPECT_EQ(out[0].data.u64, 77);
		EXPECT_GE(expirations(fd), 1);
	}
	s = spec_ns(0, 0);
	ASSERT_EQ(timerfd_settime(fd, 0, &s, NULL), 0);
	expirations(fd);
	EXPECT_EQ(epoll_wait(ep, out, 2, 20), 0);
	close(fd);
	close(ep);
}

TEST(timerfd, flags_and_errors)
{
	struct itimerspec s = spec_ns(1 * MS, 0), cur;
	uint64_t v = 1;
	struct stat st;
	int fd, ev;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(fcntl(fd, F_GETFL), O_RDWR | O_NONBLOCK);
	EXPECT_TRUE(has_cloexec(fd));
	ASSERT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_mode, 0600);		/* an anonymous inode */
	EXPECT_ERR(expirations(fd), EAGAIN);
	EXPECT_ERR(read(fd, &v, 4), EINVAL);
	EXPECT_ERR(write(fd, &v, sizeof(v)), EINVAL);
	EXPECT_ERR(timerfd_create(99, 0), EINVAL);
	EXPECT_ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
	EXPECT_ERR(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL);
	int b = timerfd_create(CLOCK_BOOTTIME, 0);
	EXPECT_GE(b, 0);
	close(b);
	EXPECT_ERR(timerfd_settime(fd, 4, &s, NULL), EINVAL);
	s.it_value.tv_nsec = 1000000000;
	EXPECT_ERR(timerfd_settime(fd, 0, &s, NULL), EINVAL);
	s.it_value = (struct timespec){ -1, 0 };
	EXPECT_ERR(timerfd_settime(fd, 0, &s, NULL), EINVAL);
	s = spec_ns(0, 0);
	s.it_interval.tv_nsec = -1;
	EXPECT_ERR(timerfd_settime(fd, 0, &s, NULL), EINVAL);
	s.it_interval = (struct timespec){ -1, 0 };
	EXPECT_ERR(timerfd_settime(fd, 0, &s, NULL), EINVAL);
	s = spec_ns(1 * MS, 0);
	EXPECT_ERR(timerfd_settime(fd, 0, NULL, NULL), EFAULT);
	EXPECT_ERR(timerfd_gettime(fd, NULL), EFAULT);
	EXPECT_ERR(timerfd_settime(999, 0, &s, NULL), EBADF);
	EXPECT_ERR(timerfd_gettime(999, &cur), EBADF);
	ev = epoll_create1(0);
	ASSERT_GE(ev, 0);
	EXPECT_ERR(timerfd_settime(ev, 0, &s, NULL), EINVAL);
	EXPECT_ERR(timerfd_gettime(ev, &cur), EINVAL);
	close(ev);
	close(fd);
}
