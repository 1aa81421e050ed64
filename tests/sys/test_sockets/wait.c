// SPDX-License-Identifier: MIT
/* Waiting: poll and select on sockets and files, non-blocking calls,
 * receive timeouts, non-blocking connect. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <toro/test.h>
#include <toro/time.h>

#include "util.h"

TEST(wait, poll_sees_data_and_space)
{
	int c, s;
	char buf[8];
	struct pollfd p[2];

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	p[0] = (struct pollfd){ .fd = s, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = c, .events = POLLOUT };
	EXPECT_EQ(poll(p, 2, 0), 1);		/* c writable, s empty */
	EXPECT_EQ(p[0].revents, 0);
	EXPECT_EQ(p[1].revents, POLLOUT);
	EXPECT_EQ(send(c, "x", 1, 0), 1);
	EXPECT_EQ(poll(p, 1, 5000), 1);
	EXPECT_EQ(p[0].revents, POLLIN);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 1);
	close(c);
	EXPECT_EQ(poll(p, 1, 5000), 1);		/* end of stream reads */
	EXPECT_TRUE(p[0].revents & POLLIN);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	close(s);
}

TEST(wait, poll_times_out)
{
	int c, s;
	struct pollfd p;
	uint64_t t0 = clock_ns();

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	EXPECT_EQ(poll(&p, 1, 50), 0);
	EXPECT_GE(clock_ns() - t0, 50 * 1000000ULL);
	close(c);
	close(s);
}

TEST(wait, poll_mixes_files_and_sockets)
{
	int c, s;
	struct pollfd p[3];

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	p[0] = (struct pollfd){ .fd = 1, .events = POLLOUT };	/* console */
	p[1] = (struct pollfd){ .fd = s, .events = POLLIN };
	p[2] = (struct pollfd){ .fd = -1, .events = POLLIN };	/* ignored */
	EXPECT_EQ(poll(p, 3, 1000), 1);
	EXPECT_EQ(p[0].revents, POLLOUT);
	EXPECT_EQ(p[1].revents, 0);
	EXPECT_EQ(p[2].revents, 0);
	close(c);
	close(s);
}

TEST(wait, poll_wakes_when_another_cpu_sends)
{
	/* The sender is a thread on the last CPU; the poller sleeps. */
	int c, s;
	struct pollfd p;

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	extern void send_later(int fd, unsigned delay_ms);
	send_later(c, 30);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	EXPECT_EQ(poll(&p, 1, 10000), 1);
	EXPECT_EQ(p.revents, POLLIN);
	close(c);
	close(s);
}

TEST(wait, select_readable_and_writable)
{
	int c, s;
	fd_set rd, wr;
	struct timeval tv = { .tv_sec = 5 };

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(send(c, "y", 1, 0), 1);
	/* Loopback delivers in lwIP's thread: wait until it has. */
	EXPECT_EQ(poll(&(struct pollfd){ .fd = s, .events = POLLIN }, 1, 5000),
		  1);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(s, &rd);
	FD_SET(c, &rd);
	FD_SET(c, &wr);
	EXPECT_EQ(select((s > c ? s : c) + 1, &rd, &wr, NULL, &tv), 2);
	EXPECT_TRUE(FD_ISSET(s, &rd));
	EXPECT_FALSE(FD_ISSET(c, &rd));
	EXPECT_TRUE(FD_ISSET(c, &wr));
	tv = (struct timeval){ .tv_usec = 20000 };
	FD_ZERO(&rd);
	FD_SET(c, &rd);
	EXPECT_EQ(select(c + 1, &rd, NULL, NULL, &tv), 0);
	EXPECT_FALSE(FD_ISSET(c, &rd));
	close(c);
	close(s);
}

TEST(wait, nonblocking_calls_say_eagain)
{
	uint16_t port;
	int l = listener(&port), c, s;
	char buf[4];

	ASSERT_GE(l, 0);
	ASSERT_EQ(fcntl(l, F_SETFL, O_NONBLOCK), 0);
	EXPECT_TRUE(fcntl(l, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(accept(l, NULL, NULL), -1);
	EXPECT_EQ(errno, EAGAIN);
	ASSERT_EQ(fcntl(l, F_SETFL, 0), 0);
	close(l);
	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EAGAIN);
	close(c);
	close(s);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ASSERT_GE(s, 0);
	EXPECT_TRUE(fcntl(s, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(read(s, buf, sizeof(buf)), -1);
	EXPECT_EQ(errno, EAGAIN);
	close(s);
}

TEST(wait, receive_timeout)
{
	int c, s;
	char buf[4];
	struct timeval tv = { .tv_usec = 40000 }, got;
	socklen_t len = sizeof(got);
	uint64_t t0;

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len), 0);
	EXPECT_EQ(got.tv_sec, 0);
	EXPECT_EQ(got.tv_usec, 40000);
	t0 = clock_ns();
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_GE(clock_ns() - t0, 40 * 1000000ULL);
	close(c);
	close(s);
}

TEST(wait, nonblocking_connect_completes)
{
	uint16_t port;
	int l = listener(&port), c, err = -1, s;
	struct sockaddr_in a = loopback(port);
	socklen_t len = sizeof(err);
	struct pollfd p;
	int rc;

	ASSERT_GE(l, 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_GE(c, 0);
	rc = connect(c, (struct sockaddr *)&a, sizeof(a));
	EXPECT_TRUE(rc == 0 || errno == EINPROGRESS);
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	EXPECT_EQ(poll(&p, 1, 5000), 1);
	EXPECT_EQ(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	EXPECT_EQ(err, 0);
	s = accept(l, NULL, NULL);
	EXPECT_GE(s, 0);
	close(s);
	close(c);
	close(l);
}
