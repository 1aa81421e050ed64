// SPDX-License-Identifier: MIT
/*
 * The built-in /etc files of an image whose root has none (this one has
 * no root at all): resolv.conf from the dns= kernel option (the TEST file
 * gives dns=127.0.0.1), hosts, services, passwd and group, as musl reads
 * them; and name resolution through musl's resolver to a DNS server of
 * our own, a thread answering on 127.0.0.1:53 over UDP.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The whole of a small file, NUL-terminated, in (buf): its length or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
	long got = 0, n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return n < 0 ? -1 : got;
}

TEST(etc, files_exist_when_the_root_has_none)
{
	char buf[1024];
	struct stat st;
	long n;
	int fd;

	EXPECT_EQ(slurp("/etc/resolv.conf", buf, sizeof(buf)), 21);
	EXPECT_STREQ(buf, "nameserver 127.0.0.1\n");
	n = slurp("/etc/hosts", buf, sizeof(buf));
	EXPECT_GT(n, 0);
	EXPECT_NOT_NULL(strstr(buf, "127.0.0.1\tlocalhost"));
	EXPECT_GT(slurp("/etc/services", buf, sizeof(buf)), 0);
	EXPECT_GT(slurp("/etc/passwd", buf, sizeof(buf)), 0);
	EXPECT_EQ(strncmp(buf, "root:x:0:0:", 11), 0);
	EXPECT_GT(slurp("/etc/group", buf, sizeof(buf)), 0);
	fd = open("/etc/hosts", O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(fstat(fd, &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_size, n);
	close(fd);
	/* They are there for stat() too, and read-only. */
	EXPECT_EQ(stat("/etc/hosts", &st), 0);
	EXPECT_ERR(open("/etc/hosts", O_WRONLY), EROFS);
	EXPECT_ERR(open("/etc/resolv.conf", O_RDWR), EROFS);
	EXPECT_ERR(open("/etc/hosts", O_RDONLY | O_DIRECTORY), ENOTDIR);
	EXPECT_ERR(open("/etc/nosuch", O_RDONLY), ENOENT);
}

TEST(etc, users_and_groups)
{
	struct passwd *pw;
	struct group *gr;

	pw = getpwnam("root");
	ASSERT_NOT_NULL(pw);
	EXPECT_EQ(pw->pw_uid, 0);
	EXPECT_EQ(pw->pw_gid, 0);
	EXPECT_STREQ(pw->pw_dir, "/");
	pw = getpwuid(getuid());
	ASSERT_NOT_NULL(pw);
	EXPECT_STREQ(pw->pw_name, "root");
	pw = getpwuid(65534);
	ASSERT_NOT_NULL(pw);
	EXPECT_STREQ(pw->pw_name, "nobody");
	EXPECT_NULL(getpwnam("nosuchuser"));
	gr = getgrgid(0);
	ASSERT_NOT_NULL(gr);
	EXPECT_STREQ(gr->gr_name, "root");
	gr = getgrnam("nogroup");
	ASSERT_NOT_NULL(gr);
	EXPECT_EQ(gr->gr_gid, 65534);
}

TEST(etc, services)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE }, *res = NULL;
	struct servent *se;

	se = getservbyname("http", "tcp");
	ASSERT_NOT_NULL(se);
	EXPECT_EQ(ntohs(se->s_port), 80);
	se = getservbyname("domain", "udp");
	ASSERT_NOT_NULL(se);
	EXPECT_EQ(ntohs(se->s_port), 53);
	se = getservbyport(htons(443), "tcp");
	ASSERT_NOT_NULL(se);
	EXPECT_STREQ(se->s_name, "https");
	EXPECT_NULL(getservbyname("nosuchservice", "tcp"));
	ASSERT_EQ(getaddrinfo(NULL, "https", &hints, &res), 0);
	EXPECT_EQ(ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port), 443);
	freeaddrinfo(res);
}

TEST(etc, hosts_answer_without_dns)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM }, *res = NULL;
	struct sockaddr_in a = { .sin_family = AF_INET };
	char host[64];

	ASSERT_EQ(getaddrinfo("localhost", "80", &hints, &res), 0);
	EXPECT_EQ(res->ai_family, AF_INET);
	EXPECT_EQ(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr,
		  htonl(INADDR_LOOPBACK));
	EXPECT_EQ(ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port), 80);
	EXPECT_NULL(res->ai_next);
	freeaddrinfo(res);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	EXPECT_EQ(getnameinfo((struct sockaddr *)&a, sizeof(a), host,
			      sizeof(host), NULL, 0, NI_NAMEREQD), 0);
	EXPECT_STREQ(host, "localhost");
}

/* --- a DNS server of our own ----------------------------------------- */

static struct {
	int sock;
	int queries;		/* answered */
} dns;

/* The question's name at (p) as dotted lower-case text; the offset past
 * it, or 0 if it is malformed. */
static size_t qname(const unsigned char *q, size_t n, size_t p, char *out,
		    size_t size)
{
	size_t o = 0;

	while (p < n && q[p]) {
		size_t len = q[p++];

		if (len > 63 || p + len > n || o + len + 2 > size)
			return 0;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < len; i++)
			out[o++] = (char)tolower(q[p + i]);
		p += len;
	}
	out[o] = '\0';
	return p < n ? p + 1 : 0;
}

/* Appends a resource record answering the question (pointer to offset
 * 12) with (rdata). */
static size_t put_rr(unsigned char *r, size_t m, int type,
		     const void *rdata, size_t len)
{
	const unsigned char head[] = { 0xc0, 12, 0, (unsigned char)type,
				       0, 1, 0, 0, 0, 60, 0,
				       (unsigned char)len };

	memcpy(r + m, head, sizeof(head));
	memcpy(r + m + sizeof(head), rdata, len);
	return m + sizeof(head) + len;
}

#define T_A	1
#define T_PTR	12
#define T_AAAA	28

/* The answer to query (q) of (n) bytes in (r): its length, or 0. */
static size_t answer(const unsigned char *q, size_t n, unsigned char *r)
{
	static const unsigned char svc[] = { 192, 0, 2, 7 };
	static const unsigned char multi[2][4] = { { 192, 0, 2, 8 },
						   { 192, 0, 2, 9 } };
	static const unsigned char svc_name[] = "\3svc\4toro\4test";
	char name[256];
	size_t end = qname(q, n, 12, name, sizeof(name)), m;
	int type, ancount = 0, rcode = 0;

	if (n < 12 || !end || end + 4 > n || q[4] != 0 || q[5] != 1)
		return 0;
	type = q[end] << 8 | q[end + 1];
	m = end + 4;
	memcpy(r, q, m);
	if (strcmp(name, "svc.toro.test") == 0) {
		if (type == T_A) {
			m = put_rr(r, m, T_A, svc, 4);
			ancount = 1;
		}
	} else if (strcmp(name, "multi.toro.test") == 0) {
		if (type == T_A) {
			m = put_rr(r, m, T_A, multi[0], 4);
			m = put_rr(r, m, T_A, multi[1], 4);
			ancount = 2;
		}
	} else if (strcmp(name, "7.2.0.192.in-addr.arpa") == 0) {
		if (type == T_PTR) {
			m = put_rr(r, m, T_PTR, svc_name, sizeof(svc_name));
			ancount = 1;
		}
	} else {
		rcode = 3;	/* NXDOMAIN */
	}
	r[2] = 0x80 | (q[2] & 0x79);	/* a response; opcode, RD kept */
	r[3] = 0x80 | rcode;		/* recursion available */
	r[6] = 0;
	r[7] = (unsigned char)ancount;
	memset(r + 8, 0, 4);		/* no authority, no additional */
	return m;
}

static void *dns_server(void *arg)
{
	unsigned char q[512], r[512];

	(void)arg;
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(dns.sock, q, sizeof(q), 0,
				     (struct sockaddr *)&from, &len);
		size_t m;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n == 4 && memcmp(q, "stop", 4) == 0))
			break;
		m = answer(q, (size_t)n, r);
		if (m && sendto(dns.sock, r, m, 0, (struct sockaddr *)&from,
				len) == (ssize_t)m)
			__atomic_fetch_add(&dns.queries, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static struct sockaddr_in dns_address(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(53) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

TEST(etc, names_resolved_by_our_dns_server)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	struct sockaddr_in a = dns_address(), *in;
	char host[64], text[INET_ADDRSTRLEN];
	struct hostent *he;
	pthread_t t;
	int n, rc;

	dns.queries = 0;
	dns.sock = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(dns.sock, 0);
	ASSERT_EQ(bind(dns.sock, (struct sockaddr *)&a, sizeof(a)), 0);
	ASSERT_EQ(start_thread(&t, dns_server, NULL), 0);

	rc = getaddrinfo("svc.toro.test", "http", &hints, &res);
	EXPECT_EQ(rc, 0);
	if (rc == 0) {
		EXPECT_EQ(res->ai_family, AF_INET);
		EXPECT_EQ(res->ai_socktype, SOCK_STREAM);
		in = (struct sockaddr_in *)res->ai_addr;
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
		EXPECT_STREQ(text, "192.0.2.7");
		EXPECT_EQ(ntohs(in->sin_port), 80);
		EXPECT_NULL(res->ai_next);	/* no AAAA record */
		freeaddrinfo(res);
	}
	EXPECT_GE(dns.queries, 1);

	hints.ai_family = AF_INET;
	rc = getaddrinfo("multi.toro.test", NULL, &hints, &res);
	EXPECT_EQ(rc, 0);
	if (rc == 0) {
		n = 0;
		for (struct addrinfo *i = res; i; i = i->ai_next)
			n++;
		EXPECT_EQ(n, 2);
		freeaddrinfo(res);
	}
	EXPECT_EQ(getaddrinfo("nosuch.toro.test", NULL, &hints, &res),
		  EAI_NONAME);

	he = gethostbyname("svc.toro.test");
	ASSERT_NOT_NULL(he);
	EXPECT_EQ(he->h_addrtype, AF_INET);
	EXPECT_EQ(memcmp(he->h_addr_list[0], "\300\0\2\7", 4), 0);

	/* The other way round: a PTR query. */
	a.sin_addr.s_addr = htonl(0xc0000207);
	EXPECT_EQ(getnameinfo((struct sockaddr *)&a, sizeof(a), host,
			      sizeof(host), NULL, 0, NI_NAMEREQD), 0);
	EXPECT_STREQ(host, "svc.toro.test");

	a = dns_address();
	n = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(n, "stop", 4, 0, (struct sockaddr *)&a, sizeof(a));
	close(n);
	pthread_join(t, NULL);
	close(dns.sock);
}
