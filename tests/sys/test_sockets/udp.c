// SPDX-License-Identifier: MIT
/* UDP over loopback: datagrams keep their bounds and their sender. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

TEST(udp, sendto_recvfrom_with_the_sender)
{
	uint16_t pa, pb;
	int a = udp_bound(&pa), b = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb), from;
	socklen_t len = sizeof(from);
	char buf[2000];

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_EQ(sendto(a, "one", 3, 0, (struct sockaddr *)&to, sizeof(to)), 3);
	memset(buf, 'x', 1400);
	EXPECT_EQ(sendto(a, buf, 1400, 0, (struct sockaddr *)&to, sizeof(to)),
		  1400);
	EXPECT_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			   &len), 3);
	EXPECT_EQ(memcmp(buf, "one", 3), 0);
	EXPECT_EQ(ntohs(from.sin_port), pa);
	EXPECT_EQ(len, sizeof(from));
	/* The second datagram whole, in one receive. */
	EXPECT_EQ(recv(b, buf, sizeof(buf), 0), 1400);
	close(a);
	close(b);
}

TEST(udp, connected_socket_uses_send_and_recv)
{
	uint16_t pa, pb;
	int a = udp_bound(&pa), b = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb), back = loopback(pa);
	char buf[16];

	ASSERT_GE(a, 0);
	ASSERT_EQ(connect(a, (struct sockaddr *)&to, sizeof(to)), 0);
	ASSERT_EQ(connect(b, (struct sockaddr *)&back, sizeof(back)), 0);
	EXPECT_EQ(send(a, "ping", 4, 0), 4);
	EXPECT_EQ(read(b, buf, sizeof(buf)), 4);
	EXPECT_EQ(write(b, "pong", 4), 4);
	EXPECT_EQ(recv(a, buf, sizeof(buf), 0), 4);
	EXPECT_EQ(memcmp(buf, "pong", 4), 0);
	close(a);
	close(b);
}

TEST(udp, peek_leaves_the_datagram)
{
	uint16_t pa, pb;
	int a = udp_bound(&pa), b = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb);
	char buf[16];

	ASSERT_GE(a, 0);
	EXPECT_EQ(sendto(a, "peek", 4, 0, (struct sockaddr *)&to, sizeof(to)), 4);
	EXPECT_EQ(recv(b, buf, sizeof(buf), MSG_PEEK), 4);
	EXPECT_EQ(recv(b, buf, sizeof(buf), 0), 4);
	EXPECT_EQ(recv(b, buf, sizeof(buf), MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EAGAIN);
	close(a);
	close(b);
}
