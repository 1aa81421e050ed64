// SPDX-License-Identifier: MIT
/* IPv6 over loopback (::1), and the dual stack: a [::] listener that also
 * takes IPv4 peers, unless IPV6_V6ONLY. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

static struct sockaddr_in6 addr6(const struct in6_addr *ip, uint16_t port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	a.sin6_addr = *ip;
	return a;
}

/* A TCP socket of AF_INET6 listening on (ip), port 0 given: its port in
 * (*port). (v6only) sets IPV6_V6ONLY first. */
static int listener6(const struct in6_addr *ip, int v6only, uint16_t *port)
{
	struct sockaddr_in6 a = addr6(ip, 0);
	socklen_t len = sizeof(a);
	int s = socket(AF_INET6, SOCK_STREAM, 0);

	if (s < 0)
		return -1;
	if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		       sizeof(v6only)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, 8) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0) {
		close(s);
		return -1;
	}
	*port = ntohs(a.sin6_port);
	return s;
}

/* (a) as text, in (buf) of INET6_ADDRSTRLEN bytes. */
static const char *text(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

TEST(ipv6, tcp_over_the_loopback_address)
{
	uint16_t port;
	int l = listener6(&in6addr_loopback, 0, &port), c, s;
	struct sockaddr_in6 to = addr6(&in6addr_loopback, port), a;
	socklen_t len = sizeof(a);
	char buf[8], ip[INET6_ADDRSTRLEN];

	ASSERT_GE(l, 0);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	ASSERT_GE(c, 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	s = accept(l, (struct sockaddr *)&a, &len);
	ASSERT_GE(s, 0);
	EXPECT_EQ(len, sizeof(a));
	EXPECT_EQ(a.sin6_family, AF_INET6);
	EXPECT_STREQ(text(&a.sin6_addr, ip), "::1");
	EXPECT_EQ(write(c, "hello", 5), 5);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 5);
	EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	EXPECT_EQ(send(s, "back", 4, 0), 4);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 4);
	len = sizeof(a);
	ASSERT_EQ(getpeername(c, (struct sockaddr *)&a, &len), 0);
	EXPECT_EQ(ntohs(a.sin6_port), port);
	EXPECT_STREQ(text(&a.sin6_addr, ip), "::1");
	len = sizeof(a);
	ASSERT_EQ(getsockname(s, (struct sockaddr *)&a, &len), 0);
	EXPECT_EQ(ntohs(a.sin6_port), port);
	close(c);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 0);	/* end of stream */
	close(s);
	close(l);
}

TEST(ipv6, a_dual_stack_listener_takes_ipv4_peers)
{
	uint16_t port;
	int l = listener6(&in6addr_any, 0, &port), c, s;
	struct sockaddr_in to = loopback(port);
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);
	char buf[4], ip[INET6_ADDRSTRLEN];

	ASSERT_GE(l, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(c, 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	s = accept(l, (struct sockaddr *)&a, &len);
	ASSERT_GE(s, 0);
	/* An IPv4 peer, as an IPv6 socket sees it. */
	EXPECT_EQ(a.sin6_family, AF_INET6);
	EXPECT_STREQ(text(&a.sin6_addr, ip), "::ffff:127.0.0.1");
	EXPECT_EQ(write(c, "v4", 2), 2);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 2);
	close(c);
	close(s);
	close(l);
}

TEST(ipv6, v6only_refuses_ipv4_peers)
{
	uint16_t port;
	int l = listener6(&in6addr_any, 1, &port), c, v = -1;
	struct sockaddr_in to = loopback(port);
	socklen_t len = sizeof(v);

	ASSERT_GE(l, 0);
	ASSERT_EQ(getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len), 0);
	EXPECT_EQ(v, 1);
	c = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_ERR(connect(c, (struct sockaddr *)&to, sizeof(to)),
		   ECONNREFUSED);
	close(c);
	close(l);
}

TEST(ipv6, udp_datagrams_keep_their_sender)
{
	struct sockaddr_in6 a = addr6(&in6addr_loopback, 0), b, from;
	socklen_t len = sizeof(b);
	int sa = socket(AF_INET6, SOCK_DGRAM, 0), sb = socket(AF_INET6,
							       SOCK_DGRAM, 0);
	char buf[64], ip[INET6_ADDRSTRLEN];

	ASSERT_GE(sa, 0);
	ASSERT_GE(sb, 0);
	ASSERT_EQ(bind(sb, (struct sockaddr *)&a, sizeof(a)), 0);
	ASSERT_EQ(getsockname(sb, (struct sockaddr *)&b, &len), 0);
	ASSERT_EQ(bind(sa, (struct sockaddr *)&a, sizeof(a)), 0);
	len = sizeof(a);
	ASSERT_EQ(getsockname(sa, (struct sockaddr *)&a, &len), 0);
	EXPECT_EQ(sendto(sa, "datagram", 8, 0, (struct sockaddr *)&b,
			 sizeof(b)), 8);
	len = sizeof(from);
	EXPECT_EQ(recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			   &len), 8);
	EXPECT_EQ(len, sizeof(from));
	EXPECT_EQ(from.sin6_port, a.sin6_port);
	EXPECT_STREQ(text(&from.sin6_addr, ip), "::1");
	close(sa);
	close(sb);
}

TEST(ipv6, options_and_bad_addresses)
{
	int s6 = socket(AF_INET6, SOCK_STREAM, 0), s4 = socket(AF_INET,
								SOCK_STREAM, 0);
	struct sockaddr_in6 a6 = addr6(&in6addr_loopback, 0);
	struct sockaddr_in a4 = loopback(0);
	int v = -1;
	socklen_t len = sizeof(v);

	ASSERT_GE(s6, 0);
	ASSERT_GE(s4, 0);
	/* Dual stack unless asked, as on Linux. */
	ASSERT_EQ(getsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len), 0);
	EXPECT_EQ(v, 0);
	EXPECT_ERR(getsockopt(s4, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len),
		   ENOPROTOOPT);
	/* Each family's address to its own sockets only. */
	EXPECT_ERR(bind(s6, (struct sockaddr *)&a4, sizeof(a4)), EAFNOSUPPORT);
	EXPECT_ERR(bind(s4, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
	EXPECT_ERR(connect(s6, (struct sockaddr *)&a4, sizeof(a4)),
		   EAFNOSUPPORT);
	/* Shorter than RFC 2133's 24 bytes. */
	EXPECT_ERR(bind(s6, (struct sockaddr *)&a6, 20), EINVAL);
	/* RFC 2133's length, without the scope, is taken. */
	EXPECT_EQ(bind(s6, (struct sockaddr *)&a6, 24), 0);
	close(s6);
	close(s4);
}

TEST(ipv6, names_resolve_to_the_loopback)
{
	struct addrinfo hints, *res = NULL;
	char ip[INET6_ADDRSTRLEN];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	ASSERT_EQ(getaddrinfo("localhost", "80", &hints, &res), 0);
	ASSERT_TRUE(res != NULL);
	EXPECT_EQ(res->ai_family, AF_INET6);
	EXPECT_STREQ(text(&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr,
			  ip), "::1");
	freeaddrinfo(res);
}
