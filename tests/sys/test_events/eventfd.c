// SPDX-License-Identifier: MIT
/*
 * eventfd: the counter and its semaphore mode, its limits, its flags and
 * errors, blocking reads and writes woken from another CPU, and eventfd
 * in poll and epoll.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static long put(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v));
}

/* read() of the counter: its value, or -1 with errno. */
static int64_t take(int fd)
{
	uint64_t v = 0;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? (int64_t)v : -1;
}

TEST(eventfd, counter)
{
	uint64_t v;
	int fd = eventfd(3, EFD_NONBLOCK);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(revents_now(fd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	EXPECT_EQ(take(fd), 3);		/* all of it */
	EXPECT_ERR(take(fd), EAGAIN);
	EXPECT_EQ(revents_now(fd, POLLIN | POLLOUT), POLLOUT);
	EXPECT_EQ(put(fd, 5), 8);
	EXPECT_EQ(put(fd, 7), 8);
	EXPECT_EQ(put(fd, 0), 8);		/* adds nothing, fails nothing */
	EXPECT_EQ(take(fd), 12);
	/* A bigger buffer takes 8 bytes all the same. */
	EXPECT_EQ(put(fd, 1), 8);
	char big[16];
	memset(big, 0xff, sizeof(big));
	EXPECT_EQ(read(fd, big, sizeof(big)), 8);
	memcpy(&v, big, sizeof(v));
	EXPECT_EQ(v, 1);
	EXPECT_EQ((unsigned char)big[8], 0xff);
	close(fd);
}

TEST(eventfd, semaphore_mode)
{
	int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(take(fd), 1);
	EXPECT_EQ(take(fd), 1);
	EXPECT_ERR(take(fd), EAGAIN);
	EXPECT_EQ(put(fd, 3), 8);
	EXPECT_EQ(take(fd), 1);
	EXPECT_EQ(revents_now(fd, POLLIN), POLLIN);	/* 2 left */
	close(fd);
}

TEST(eventfd, limits)
{
	int fd = eventfd(0, EFD_NONBLOCK);

	ASSERT_GE(fd, 0);
	/* UINT64_MAX is not a value; UINT64_MAX - 1 is the most it holds. */
	EXPECT_ERR(put(fd, UINT64_MAX), EINVAL);
	EXPECT_EQ(put(fd, UINT64_MAX - 1), 8);
	EXPECT_EQ(revents_now(fd, POLLIN | POLLOUT), POLLIN);
	EXPECT_ERR(put(fd, 1), EAGAIN);
	EXPECT_EQ(put(fd, 0), 8);
	EXPECT_EQ(take(fd), (int64_t)(UINT64_MAX - 1));
	EXPECT_EQ(revents_now(fd, POLLIN | POLLOUT), POLLOUT);
	close(fd);
}

TEST(eventfd, flags_and_errors)
{
	uint64_t v = 1;
	struct stat st;
	int fd;

	fd = eventfd(0, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(fcntl(fd, F_GETFL), O_RDWR);
	EXPECT_FALSE(has_cloexec(fd));
	EXPECT_ERR(write(fd, &v, 7), EINVAL);
	EXPECT_ERR(read(fd, &v, 4), EINVAL);
	EXPECT_ERR(ioctl(fd, FIONREAD, &(int){ 0 }), ENOTTY);
	ASSERT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_mode, 0600);		/* an anonymous inode */
	close(fd);
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(fcntl(fd, F_GETFL), O_RDWR | O_NONBLOCK);
	EXPECT_TRUE(has_cloexec(fd));
	close(fd);
	EXPECT_ERR(eventfd(0, 2), EINVAL);
	EXPECT_ERR(eventfd(0, O_APPEND), EINVAL);
}

static struct {
	int fd, done;
	int64_t got;
	long rc;
} waiter;

static void *read_counter(void *arg)
{
	(void)arg;
	waiter.got = take(waiter.fd);
	flag_set(&waiter.done);
	return NULL;
}

static void *write_big(void *arg)
{
	(void)arg;
	waiter.rc = put(waiter.fd, 10);
	flag_set(&waiter.done);
	return NULL;
}

TEST(eventfd, blocking_read_and_write)
{
	pthread_t t;
	int fd = eventfd(0, 0);

	ASSERT_GE(fd, 0);
	memset(&waiter, 0, sizeof(waiter));
	waiter.fd = fd;
	ASSERT_EQ(start_thread(&t, read_counter, NULL), 0);
	settle();
	EXPECT_FALSE(flag_get(&waiter.done));	/* nothing to read yet */
	EXPECT_EQ(put(fd, 4), 8);
	EXPECT_TRUE(wait_flag(&waiter.done));
	pthread_join(t, NULL);
	EXPECT_EQ(waiter.got, 4);
	/* A write that would pass the limit waits for a read. */
	EXPECT_EQ(put(fd, UINT64_MAX - 5), 8);
	memset(&waiter, 0, sizeof(waiter));
	waiter.fd = fd;
	ASSERT_EQ(start_thread(&t, write_big, NULL), 0);
	settle();
	EXPECT_FALSE(flag_get(&waiter.done));
	EXPECT_EQ(take(fd), (int64_t)(UINT64_MAX - 5));
	EXPECT_TRUE(wait_flag(&waiter.done));
	pthread_join(t, NULL);
	EXPECT_EQ(waiter.rc, 8);
	EXPECT_EQ(take(fd), 10);
	close(fd);
}

TEST(eventfd, in_epoll)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLET, .data.u64 = 1 },
			   out[2];
	int ep = epoll_create1(0), fd = eventfd(0, EFD_NONBLOCK);
	int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);

	ASSERT_GE(ep, 0);
	ASSERT_GE(fd, 0);
	ASSERT_GE(sem, 0);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 0);
	EXPECT_EQ(put(fd, 1), 8);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 1);
	EXPECT_EQ(out[0].events, EPOLLIN);
	EXPECT_EQ(out[0].data.u64, 1);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 0);
	EXPECT_EQ(put(fd, 1), 8);		/* every write is an edge */
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 1);
	EXPECT_EQ(take(fd), 2);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 0);
	/* A semaphore read that leaves some is no new edge for readers. */
	e = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.u64 = 2 };
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, sem, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 1);
	EXPECT_EQ(out[0].data.u64, 2);
	EXPECT_EQ(take(sem), 1);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 0);
	/* Level-triggered, both ways. */
	e = (struct epoll_event){ .events = EPOLLIN | EPOLLOUT, .data.u64 = 3 };
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 1);
	EXPECT_EQ(out[0].events, EPOLLOUT);
	EXPECT_EQ(put(fd, 9), 8);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 1);
	EXPECT_EQ(out[0].events, EPOLLIN | EPOLLOUT);
	EXPECT_EQ(out[0].data.u64, 3);
	close(fd);
	close(sem);
	close(ep);
}
