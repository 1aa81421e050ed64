// SPDX-License-Identifier: MIT
/* Network text and data without a network: <arpa/inet.h> conversions,
 * <netdb.h> numeric getaddrinfo/getnameinfo and gai_strerror,
 * <netinet/ether.h>, <resolv.h>/<arpa/nameser.h> message building and
 * name compression, <net/if.h> names, byte order. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/ether.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

#include "check.h"

static void addrs(void)
{
	const char *v4[] = {"1.2.3.4",	 "255.255.255.255", "0.0.0.0",
			    "1.2.3",	 "01.2.3.4",	    "1.2.3.4.5",
			    "256.1.1.1", " 1.2.3.4",	    ""};
	for (unsigned i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		struct in_addr a = {0}, b = {0};
		int p = inet_pton(AF_INET, v4[i], &a);
		int at = inet_aton(v4[i], &b);
		printf("\"%s\": pton %d %08x aton %d %08x addr %08x\n", v4[i],
		       p, ntohl(a.s_addr), at, ntohl(b.s_addr),
		       ntohl(inet_addr(v4[i])));
	}
	const char *v6[] = {"::",
			    "::1",
			    "1::",
			    "2001:db8::ff00:42:8329",
			    "::ffff:1.2.3.4",
			    "1:2:3:4:5:6:7:8",
			    "1:0:0:2:0:0:0:3",
			    "fe80::1%eth0",
			    "1:::2",
			    "12345::",
			    "0:0:0:0:0:0:0:0"};
	for (unsigned i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		struct in6_addr a;
		char out[INET6_ADDRSTRLEN] = "";
		int p = inet_pton(AF_INET6, v6[i], &a);
		if (p == 1)
			inet_ntop(AF_INET6, &a, out, sizeof(out));
		printf("\"%s\": %d %s\n", v6[i], p, out);
	}
	struct in_addr x = {htonl(0x0a000001)};
	printf("ntoa %s network %08x makeaddr %08x lnaof %08x netof %08x\n",
	       inet_ntoa(x), inet_network("10.1"),
	       ntohl(inet_makeaddr(10, 5).s_addr), inet_lnaof(x),
	       inet_netof(x));
	char small[4];
	errno = 0;
	CHECK(inet_ntop(AF_INET, &x, small, sizeof(small)) == NULL &&
	      errno == ENOSPC);
	printf("htons %x htonl %x\n", htons(0x1234), htonl(0x12345678));
}

static void resolve(void)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM},
			*res;
	int rc = getaddrinfo("127.0.0.1", "8080", &hints, &res);

	CHECK(rc == 0);
	for (struct addrinfo *ai = res; rc == 0 && ai; ai = ai->ai_next) {
		char h[64], s[16];
		CHECK(getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof(h), s,
				  sizeof(s),
				  NI_NUMERICHOST | NI_NUMERICSERV) == 0);
		printf("ai family %d type %d proto %d %s:%s\n", ai->ai_family,
		       ai->ai_socktype, ai->ai_protocol, h, s);
	}
	if (rc == 0)
		freeaddrinfo(res);
	hints.ai_socktype = 0;
	hints.ai_family = AF_INET6;
	rc = getaddrinfo("::1", "53", &hints, &res);
	CHECK(rc == 0);
	if (rc == 0) {
		int n = 0;
		for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
			n++;
		printf("::1 gives %d entries\n", n);
		freeaddrinfo(res);
	}
	printf("bad numeric host %d\n",
	       getaddrinfo("not-a-number", NULL, &hints, &res));
	hints.ai_family = AF_INET;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(NULL, "99", &hints, &res);
	if (rc == 0) {
		printf("passive %08x\n",
		       ntohl(((struct sockaddr_in *)res->ai_addr)
				     ->sin_addr.s_addr));
		freeaddrinfo(res);
	}
	for (int e = -12; e <= 0; e++)
		printf("gai_strerror(%d) %s\n", e, gai_strerror(e));
	printf("hstrerror %s\n", hstrerror(HOST_NOT_FOUND));
}

static void dns(void)
{
	unsigned char msg[512], comp[256];
	int n = res_mkquery(QUERY, "www.example.com", C_IN, T_A, NULL, 0, NULL,
			    msg, sizeof(msg));
	printf("res_mkquery %d bytes, qdcount %d\n", n, msg[5]);
	print_hex("question", msg + 12, n > 12 ? (size_t)n - 12 : 0);
	const unsigned char *dnptrs[8] = {comp, NULL};
	int c1 =
		dn_comp("mail.example.com", comp, sizeof(comp),
			(unsigned char **)dnptrs, (unsigned char **)dnptrs + 8);
	int c2 =
		dn_comp("www.example.com", comp + c1, sizeof(comp) - c1,
			(unsigned char **)dnptrs, (unsigned char **)dnptrs + 8);
	printf("dn_comp %d %d\n", c1, c2);
	print_hex("compressed", comp, c1 + c2);
	char name[256];
	int e = dn_expand(comp, comp + c1 + c2, comp + c1, name, sizeof(name));
	printf("dn_expand %d %s\n", e, name);
	unsigned char b[4];
	ns_put16(0xbeef, b);
	ns_put32(0x01020304, b);
	printf("ns_get16 %x ns_get32 %lx\n",
	       ns_get16((unsigned char *)"\x12\x34"),
	       (unsigned long)ns_get32(b));
}

int test_net(void)
{
	addrs();
	resolve();
	dns();
	struct ether_addr *ea = ether_aton("01:23:45:67:89:ab");
	CHECK(ea != NULL);
	printf("ether %s\n", ether_ntoa(ea));
	CHECK(ether_aton("01:23:45:67:89") == NULL);
	printf("if_nametoindex(nope) %u\n", if_nametoindex("no-such-if0"));
	return 0;
}
