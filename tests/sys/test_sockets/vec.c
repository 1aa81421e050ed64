// SPDX-License-Identifier: MIT
/* Vector I/O and messages on sockets, and options that round-trip. */
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

/* Moves the vector past (n) bytes it has taken. */
static void advance(struct iovec *v, int count, size_t n)
{
	for (int i = 0; i < count && n; i++) {
		size_t part = v[i].iov_len < n ? v[i].iov_len : n;

		v[i].iov_base = (char *)v[i].iov_base + part;
		v[i].iov_len -= part;
		n -= part;
	}
}

TEST(vec, writev_then_readv_over_tcp)
{
	int c, s;
	char a[3], b[8];
	struct iovec out[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(writev(c, out, 3), 8);
	/* readv takes what has arrived, without waiting to fill b. */
	ssize_t got = 0;
	while (got < 8) {
		ssize_t n = readv(s, in, 2);

		ASSERT_TRUE(n > 0);
		got += n;
		advance(in, 2, (size_t)n);
	}
	EXPECT_EQ(got, 8);
	EXPECT_EQ(memcmp(a, "abc", 3), 0);
	EXPECT_EQ(memcmp(b, "defgh", 5), 0);
	close(c);
	close(s);
}

TEST(vec, sendmsg_recvmsg_datagram_with_address)
{
	uint16_t pa, pb;
	int x = udp_bound(&pa), y = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb), from;
	char p1[2], p2[10];
	struct iovec out[2] = { { "he", 2 }, { "llo", 3 } };
	struct iovec in[2] = { { p1, sizeof(p1) }, { p2, sizeof(p2) } };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to),
			    .msg_iov = out, .msg_iovlen = 2 };

	ASSERT_GE(x, 0);
	EXPECT_EQ(sendmsg(x, &m, 0), 5);
	m = (struct msghdr){ .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = in, .msg_iovlen = 2 };
	EXPECT_EQ(recvmsg(y, &m, 0), 5);
	EXPECT_EQ(memcmp(p1, "he", 2), 0);
	EXPECT_EQ(memcmp(p2, "llo", 3), 0);
	EXPECT_EQ(ntohs(from.sin_port), pa);
	EXPECT_EQ(m.msg_namelen, sizeof(from));
	EXPECT_EQ(sendmsg(1, &m, 0), -1);	/* the console */
	EXPECT_EQ(errno, ENOTSOCK);
	close(x);
	close(y);
}

TEST(vec, writev_and_readv_on_files_still_work)
{
	struct iovec v[2] = { { "vec", 3 }, { "tor\n", 4 } };

	EXPECT_EQ(writev(1, v, 2), 7);
	EXPECT_EQ(writev(1, v, -1), -1);
	EXPECT_EQ(errno, EINVAL);
}

TEST(opts, values_round_trip)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), v;
	socklen_t len = sizeof(v);
	struct linger l = { 1, 3 }, lg;

	ASSERT_GE(s, 0);
	v = 1;
	EXPECT_EQ(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), 0);
	v = 0;
	EXPECT_EQ(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
	EXPECT_NE(v, 0);
	v = 1;
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)), 0);
	v = 33;
	EXPECT_EQ(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), 0);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len), 0);
	EXPECT_EQ(v, 33);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)), 0);
	len = sizeof(lg);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len), 0);
	EXPECT_EQ(lg.l_onoff, 1);
	EXPECT_EQ(lg.l_linger, 3);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
	EXPECT_EQ(v, 0);
	close(s);
}
