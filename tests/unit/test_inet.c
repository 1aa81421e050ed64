// SPDX-License-Identifier: MIT
/*
 * Host tests for the numeric address functions (libc/inet.c, libc/
 * netdb.c, built here under toro_ names): inet_pton/inet_ntop/inet_aton
 * must agree with the host glibc on every input, and getaddrinfo/
 * getnameinfo give what a program that knows glibc expects for numeric
 * hosts and ports.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int toro_inet_pton(int af, const char *src, void *dst);
const char *toro_inet_ntop(int af, const void *src, char *dst, socklen_t n);
int toro_inet_aton(const char *src, struct in_addr *dst);
in_addr_t toro_inet_addr(const char *src);
int toro_getaddrinfo(const char *node, const char *service,
		     const struct addrinfo *hints, struct addrinfo **res);
void toro_freeaddrinfo(struct addrinfo *res);
int toro_getnameinfo(const struct sockaddr *addr, socklen_t addrlen,
		     char *host, socklen_t hostlen, char *serv,
		     socklen_t servlen, int flags);

static const char *const v4_inputs[] = {
	"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.0.2.15", "256.1.1.1",
	"1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1..2.3", "", " 1.2.3.4",
	"1.2.3.4 ", "1.2.3.4x", "0x1.2.3.4", "0.0.0.00", "999.0.0.0", "1.2.3.",
	".1.2.3", "4294967295", "0x7f000001", "127.1", "127.0.1", "017.1.1.1",
	"0x11.0x22.0x33.0x44", "1.2.3.256", "1.2.65535", "1.16777215",
	"1.16777216", "08.1.1.1", "0", "0x", "1.2.3.4\n", "1.2.3.4\t9",
};

static const char *const v6_inputs[] = {
	"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1::8", "1:2::7:8",
	"::ffff:1.2.3.4", "::1.2.3.4", "fe80::1", "FE80::ABCD:1",
	"1:2:3:4:5:6:7:8:9", "1:::2", "1::2::3", ":1::2", "1::2:", "12345::",
	"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3",
	"0:0:0:0:0:0:0:0", "1:0:0:2:0:0:0:3", "1:0:0:0:2:0:0:3", "1:0:2:3:4:5:6:7",
	"::ffff:0:1.2.3.4", "g::1", ":", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
	"0:0:0:0:0:ffff:102:304", "2001:db8::ff00:42:8329",
};

UNIT_TEST(inet_pton_and_ntop_agree_with_glibc)
{
	unsigned char ours[16], theirs[16];
	char a[64], b[64];

	for (size_t i = 0; i < sizeof(v4_inputs) / sizeof(*v4_inputs); i++) {
		const char *in = v4_inputs[i];
		int r1 = toro_inet_pton(AF_INET, in, ours);
		int r2 = inet_pton(AF_INET, in, theirs);

		if (!CHECK_EQ(r1, r2))
			fprintf(stderr, "    inet_pton(AF_INET, \"%s\")\n", in);
		if (r1 == 1 && r2 == 1)
			CHECK(!memcmp(ours, theirs, 4));
		struct in_addr x = { 0 }, y = { 0 };
		r1 = toro_inet_aton(in, &x);
		r2 = inet_aton(in, &y);
		if (!CHECK_EQ(r1, r2) || !CHECK_EQ(x.s_addr, y.s_addr))
			fprintf(stderr, "    inet_aton(\"%s\")\n", in);
		CHECK_EQ(toro_inet_addr(in), inet_addr(in));
	}
	for (size_t i = 0; i < sizeof(v6_inputs) / sizeof(*v6_inputs); i++) {
		const char *in = v6_inputs[i];
		int r1 = toro_inet_pton(AF_INET6, in, ours);
		int r2 = inet_pton(AF_INET6, in, theirs);

		if (!CHECK_EQ(r1, r2))
			fprintf(stderr, "    inet_pton(AF_INET6, \"%s\")\n", in);
		if (r1 != 1 || r2 != 1)
			continue;
		CHECK(!memcmp(ours, theirs, 16));
		CHECK(toro_inet_ntop(AF_INET6, ours, a, sizeof(a)) != NULL);
		inet_ntop(AF_INET6, theirs, b, sizeof(b));
		if (!CHECK_STR_EQ(a, b))
			fprintf(stderr, "    inet_ntop of \"%s\"\n", in);
	}
	CHECK_EQ(toro_inet_pton(12345, "1.2.3.4", ours), -1);
}

UNIT_TEST(inet_ntop_checks_the_size)
{
	unsigned char v4[4] = { 192, 168, 100, 200 };
	char out[16];

	CHECK(toro_inet_ntop(AF_INET, v4, out, 15) == NULL);
	CHECK(toro_inet_ntop(AF_INET, v4, out, 16) == out);
	CHECK_STR_EQ(out, "192.168.100.200");
	CHECK(toro_inet_ntop(AF_UNIX, v4, out, 16) == NULL);
}

static void check_answer(const struct addrinfo *ai, int type, int proto,
			 const char *ip, unsigned port)
{
	const struct sockaddr_in *sin = (const void *)ai->ai_addr;
	char text[16];

	CHECK_EQ(ai->ai_family, AF_INET);
	CHECK_EQ(ai->ai_socktype, type);
	CHECK_EQ(ai->ai_protocol, proto);
	CHECK_EQ(ai->ai_addrlen, sizeof(*sin));
	CHECK_EQ(sin->sin_family, AF_INET);
	CHECK_EQ(ntohs(sin->sin_port), port);
	inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
	CHECK_STR_EQ(text, ip);
}

UNIT_TEST(getaddrinfo_numeric)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM }, *res;

	REQUIRE(toro_getaddrinfo("10.0.2.15", "8080", &hints, &res) == 0);
	check_answer(res, SOCK_STREAM, IPPROTO_TCP, "10.0.2.15", 8080);
	CHECK(res->ai_next == NULL);
	toro_freeaddrinfo(res);

	/* No type: one answer per kind, TCP first. */
	REQUIRE(toro_getaddrinfo("127.0.0.1", NULL, NULL, &res) == 0);
	check_answer(res, SOCK_STREAM, IPPROTO_TCP, "127.0.0.1", 0);
	REQUIRE(res->ai_next != NULL);
	check_answer(res->ai_next, SOCK_DGRAM, IPPROTO_UDP, "127.0.0.1", 0);
	toro_freeaddrinfo(res);

	/* Passive without a host: the wildcard; active: loopback. */
	hints = (struct addrinfo){ .ai_flags = AI_PASSIVE,
				   .ai_socktype = SOCK_DGRAM };
	REQUIRE(toro_getaddrinfo(NULL, "53", &hints, &res) == 0);
	check_answer(res, SOCK_DGRAM, IPPROTO_UDP, "0.0.0.0", 53);
	toro_freeaddrinfo(res);
	hints.ai_flags = 0;
	REQUIRE(toro_getaddrinfo(NULL, "53", &hints, &res) == 0);
	check_answer(res, SOCK_DGRAM, IPPROTO_UDP, "127.0.0.1", 53);
	toro_freeaddrinfo(res);

	hints = (struct addrinfo){ .ai_flags = AI_CANONNAME,
				   .ai_socktype = SOCK_STREAM };
	REQUIRE(toro_getaddrinfo("localhost", "80", &hints, &res) == 0);
	check_answer(res, SOCK_STREAM, IPPROTO_TCP, "127.0.0.1", 80);
	CHECK_STR_EQ(res->ai_canonname, "localhost");
	toro_freeaddrinfo(res);
}

UNIT_TEST(getaddrinfo_errors)
{
	struct addrinfo hints = { .ai_family = AF_INET6 }, *res = (void *)1;

	CHECK_EQ(toro_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_FAMILY);
	CHECK(res == NULL);
	CHECK_EQ(toro_getaddrinfo("example.org", "80", NULL, &res), EAI_NONAME);
	CHECK_EQ(toro_getaddrinfo("1.2.3.4", "http", NULL, &res), EAI_SERVICE);
	CHECK_EQ(toro_getaddrinfo("1.2.3.4", "65536", NULL, &res), EAI_SERVICE);
	CHECK_EQ(toro_getaddrinfo("1.2.3.4", "80x", NULL, &res), EAI_SERVICE);
	CHECK_EQ(toro_getaddrinfo(NULL, NULL, NULL, &res), EAI_NONAME);
	hints = (struct addrinfo){ .ai_flags = AI_NUMERICHOST };
	CHECK_EQ(toro_getaddrinfo("localhost", "1", &hints, &res), EAI_NONAME);
	hints = (struct addrinfo){ .ai_flags = 0x40000 };
	CHECK_EQ(toro_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_BADFLAGS);
	hints = (struct addrinfo){ .ai_socktype = SOCK_RAW };
	CHECK_EQ(toro_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_SOCKTYPE);
	hints = (struct addrinfo){ .ai_socktype = SOCK_STREAM,
				   .ai_protocol = IPPROTO_UDP };
	CHECK_EQ(toro_getaddrinfo("1.2.3.4", "1", &hints, &res), EAI_SOCKTYPE);
}

UNIT_TEST(getnameinfo_numeric)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(8080) };
	char host[16], serv[8];

	inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr);
	CHECK_EQ(toro_getnameinfo((struct sockaddr *)&sin, sizeof(sin), host,
				  sizeof(host), serv, sizeof(serv), 0), 0);
	CHECK_STR_EQ(host, "10.1.2.3");
	CHECK_STR_EQ(serv, "8080");
	CHECK_EQ(toro_getnameinfo((struct sockaddr *)&sin, sizeof(sin), host,
				  4, NULL, 0, 0), EAI_OVERFLOW);
	CHECK_EQ(toro_getnameinfo((struct sockaddr *)&sin, sizeof(sin), host,
				  sizeof(host), NULL, 0, NI_NAMEREQD),
		 EAI_NONAME);
	CHECK_EQ(toro_getnameinfo((struct sockaddr *)&sin, 3, host,
				  sizeof(host), NULL, 0, 0), EAI_FAMILY);
}
