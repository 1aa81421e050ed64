// SPDX-License-Identifier: MIT
/* Every bad argument gets its errno, and nothing breaks after. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/select.h>
#include <string.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

TEST(errors, socket_arguments)
{
	EXPECT_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	EXPECT_ERR(socket(AF_INET, SOCK_RAW, 1), EPROTONOSUPPORT);
	EXPECT_ERR(socket(AF_INET, 99, 0), EINVAL);
	EXPECT_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	EXPECT_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	/* 1 is PF_UNIX, AF_UNIX's own protocol, which Linux takes. */
	EXPECT_ERR(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT);
	int sv[2];
	EXPECT_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	EXPECT_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT);
}

TEST(errors, descriptors_that_are_not_sockets)
{
	struct sockaddr_in a = loopback(80);
	char buf[4];
	int one = 1;

	EXPECT_ERR(bind(1000, (struct sockaddr *)&a, sizeof(a)), EBADF);
	EXPECT_ERR(send(-1, "x", 1, 0), EBADF);
	/* The console is a file, not a socket. */
	EXPECT_ERR(connect(1, (struct sockaddr *)&a, sizeof(a)), ENOTSOCK);
	EXPECT_ERR(recv(1, buf, sizeof(buf), 0), ENOTSOCK);
	EXPECT_ERR(listen(2, 1), ENOTSOCK);
	EXPECT_ERR(accept(0, NULL, NULL), ENOTSOCK);
	EXPECT_ERR(setsockopt(1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)),
		   ENOTSOCK);
	EXPECT_ERR(shutdown(1, SHUT_RDWR), ENOTSOCK);
}

TEST(errors, addresses)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(0);
	struct sockaddr_in6 a6;

	ASSERT_GE(s, 0);
	EXPECT_ERR(bind(s, NULL, sizeof(a)), EFAULT);
	EXPECT_ERR(bind(s, (struct sockaddr *)&a, 3), EINVAL);
	memset(&a6, 0, sizeof(a6));
	a6.sin6_family = AF_INET6;
	EXPECT_ERR(bind(s, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
	EXPECT_ERR(getsockname(s, NULL, NULL), EFAULT);
	EXPECT_ERR(accept4(s, NULL, NULL, 0x12345), EINVAL);
	EXPECT_ERR(send(s, "x", 1, MSG_OOB), EOPNOTSUPP);
	/* Not connected. */
	socklen_t len = sizeof(a);
	EXPECT_ERR(getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
	/* Linux says a broken pipe (and raises SIGPIPE) for TCP. */
	EXPECT_ERR(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
	close(s);
}

TEST(errors, options)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), v = 1;
	socklen_t len = sizeof(v);
	struct timeval tv = { .tv_sec = 0, .tv_usec = 2000000 };

	ASSERT_GE(s, 0);
	EXPECT_ERR(setsockopt(s, SOL_SOCKET, 12345, &v, sizeof(v)),
		   ENOPROTOOPT);
	EXPECT_ERR(setsockopt(s, 77, SO_REUSEADDR, &v, sizeof(v)),
		   ENOPROTOOPT);
	/* The descriptor is checked before the option. */
	EXPECT_ERR(setsockopt(1000, SOL_SOCKET, 12345, &v, sizeof(v)), EBADF);
	EXPECT_ERR(getsockopt(0, SOL_SOCKET, 12345, &v, &len), ENOTSOCK);
	EXPECT_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 1), EINVAL);
	EXPECT_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, 4), EFAULT);
	EXPECT_ERR(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
		   EDOM);
	EXPECT_ERR(setsockopt(s, SOL_SOCKET, SO_ERROR, &v, sizeof(v)), EINVAL);
	EXPECT_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL), EFAULT);
	EXPECT_ERR(setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, &v, sizeof(v)),
		   ENOPROTOOPT);	/* one not here */
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	EXPECT_EQ(v, SOCK_STREAM);
	close(s);
}

TEST(errors, poll_and_select_arguments)
{
	struct pollfd p = { .fd = 12345, .events = POLLIN };
	fd_set rd;

	EXPECT_EQ(poll(&p, 1, 0), 1);
	EXPECT_EQ(p.revents, POLLNVAL);
	EXPECT_ERR(poll(NULL, 3, 0), EFAULT);
	EXPECT_ERR(poll(&p, 100000, 0), EINVAL);
	FD_ZERO(&rd);
	FD_SET(999, &rd);
	EXPECT_ERR(select(1000, &rd, NULL, NULL, &(struct timeval){ 0, 0 }),
		   EBADF);
	EXPECT_ERR(select(-1, NULL, NULL, NULL, NULL), EINVAL);
	EXPECT_ERR(select(1, NULL, NULL, NULL, &(struct timeval){ 0, -1 }),
		   EINVAL);
}
