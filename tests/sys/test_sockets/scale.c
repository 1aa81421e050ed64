// SPDX-License-Identifier: MIT
/* How many sockets there can be: set from the guest's memory, no longer
 * fixed at 256 (net/lwip/memp.c), with lwIP's socket array mapped only
 * where it is used, and a clear error past the limit. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <toro/memory.h>
#include <toro/test.h>

#include "util.h"

/* lwIP's own lists, to count the connections in TIME-WAIT, and where its
 * socket array lies. */
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"

struct lwip_sock;
struct lwip_sock *lwip_socket_dbg_get_socket(int fd);

/* The lazily mapped region (arch/x86_64/kernel.ld). */
#define LAZY_REGION	0x400000000000UL

/* What net/lwip/memp.c allows: an eighth of memory at 2 KiB per
 * connection, at least 256, at most 65,536. */
static long conn_limit(void)
{
	struct sysinfo si;
	long n;

	if (sysinfo(&si))
		return 256;
	n = (long)(si.totalram * si.mem_unit / 8 / 2048);
	return n < 256 ? 256 : n > 65536 ? 65536 : n;
}

static long min_long(long a, long b)
{
	return a < b ? a : b;
}

TEST(scale, connections_past_256_at_once)
{
	/* 1,200 sockets where memory allows (every configuration but the
	 * 4 MiB one), each connection carrying a byte both ways. */
	long pairs = min_long(600, (conn_limit() - 32) / 2);
	int *c = calloc((size_t)pairs, sizeof(int));
	int *s = calloc((size_t)pairs, sizeof(int));
	struct mem_stats before, after;
	struct sockaddr_in a;
	uint16_t port;
	long n = 0;
	char ch;
	int l;

	ASSERT_TRUE(c && s);
	l = listener(&port);
	ASSERT_GE(l, 0);
	a = loopback(port);
	mem_stats(&before);
	for (; n < pairs; n++) {
		c[n] = socket(AF_INET, SOCK_STREAM, 0);
		if (c[n] < 0 ||
		    connect(c[n], (struct sockaddr *)&a, sizeof(a)) < 0)
			break;
		s[n] = accept(l, NULL, NULL);
		if (s[n] < 0)
			break;
	}
	EXPECT_EQ(n, pairs);
	mem_stats(&after);
	/* The array is in the lazily mapped region, not in the image's
	 * memory (its build renames its section: a slip would go unseen). */
	EXPECT_GE((uintptr_t)lwip_socket_dbg_get_socket(0), LAZY_REGION);
	/* lwIP's socket array (1.5 MiB) is backed only where used: a page
	 * per 170 sockets, and a page table or two. */
	EXPECT_LE(after.pages_tables - before.pages_tables,
		  (size_t)(2 * pairs * 24 / 4096 + 4));
	for (long i = 0; i < n; i++) {
		ch = (char)i;
		EXPECT_EQ(send(c[i], &ch, 1, 0), 1);
		EXPECT_EQ(send(s[i], &ch, 1, 0), 1);
	}
	for (long i = 0; i < n; i++) {
		char got[2] = { 0, 0 };

		EXPECT_EQ(recv(s[i], &got[0], 1, 0), 1);
		EXPECT_EQ(recv(c[i], &got[1], 1, 0), 1);
		EXPECT_EQ(got[0], (char)i);
		EXPECT_EQ(got[1], (char)i);
	}
	for (long i = 0; i < n; i++) {
		close(c[i]);
		close(s[i]);
	}
	close(l);
	free(c);
	free(s);
}

TEST(scale, sockets_past_the_limit_fail_cleanly)
{
	/* Up to the limit, or 5,000 where memory allows more (lwIP finds a
	 * free socket by scanning its array, so tens of thousands would
	 * take long here). */
	long limit = conn_limit(), want = min_long(limit + 16, 5000);
	int *fds = calloc((size_t)want, sizeof(int));
	long n = 0;
	int err = 0, c, sv;

	ASSERT_TRUE(fds != NULL);
	for (; n < want; n++) {
		fds[n] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
	}
	if (limit + 16 <= 5000) {
		/* The limit was reached: close to it (tests before may hold
		 * a few), never past it, with an error that says why. */
		EXPECT_LT(n, want);
		EXPECT_GE(n, limit - 16);
		EXPECT_LE(n, limit);
		EXPECT_TRUE(err == ENOBUFS || err == ENOMEM);
	} else {
		EXPECT_EQ(n, want);
	}
	for (long i = 0; i < n; i++)
		EXPECT_EQ(close(fds[i]), 0);
	free(fds);
	/* Nothing lost: sockets work again. */
	ASSERT_EQ(tcp_pair(&c, &sv), 0);
	EXPECT_EQ(send(c, "x", 1, 0), 1);
	char b;

	EXPECT_EQ(recv(sv, &b, 1, 0), 1);
	close(c);
	close(sv);
}

TEST(scale, listen_backlog_is_honoured)
{
	/* Five clients to a listener with a backlog of 2 that accepts
	 * nobody: as many connect as the backlog lets wait (Linux: one
	 * more), the others are left trying (their SYNs go unanswered),
	 * none refused. */
	struct sockaddr_in a;
	uint16_t port;
	int l = listener(&port), c[5], connected = 0, trying = 0;

	ASSERT_GE(l, 0);
	ASSERT_EQ(listen(l, 2), 0);
	a = loopback(port);
	for (int i = 0; i < 5; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ASSERT_GE(c[i], 0);
		EXPECT_EQ(connect(c[i], (struct sockaddr *)&a, sizeof(a)), -1);
		EXPECT_EQ(errno, EINPROGRESS);
	}
	usleep(300 * 1000);
	for (int i = 0; i < 5; i++) {
		struct pollfd p = { .fd = c[i], .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);

		if (poll(&p, 1, 0) == 1) {
			EXPECT_EQ(getsockopt(c[i], SOL_SOCKET, SO_ERROR, &err,
					     &len), 0);
			EXPECT_EQ(err, 0);	/* connected, not refused */
			connected++;
		} else {
			trying++;
		}
	}
	EXPECT_GE(connected, 2);
	EXPECT_LE(connected, 3);
	EXPECT_EQ(connected + trying, 5);
	for (int i = 0; i < 5; i++)
		close(c[i]);
	close(l);
}

TEST(scale, time_wait_is_bounded)
{
	/* 400 connections closed by the client first leave it 400 in
	 * TIME-WAIT, more than the 256 kept (net/lwip/memp.c): lwIP walks
	 * that list for every segment, so it must not grow with memory. */
	unsigned n = 0;
	int c, s;

	for (int i = 0; i < 400; i++) {
		ASSERT_EQ(tcp_pair(&c, &s), 0);
		close(c);
		close(s);
	}
	LOCK_TCPIP_CORE();
	for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
		n++;
	UNLOCK_TCPIP_CORE();
	EXPECT_GT(n, 0u);
	EXPECT_LE(n, 256u + 4);	/* + those closed since the last PCB was made */
	/* And new connections still come. */
	ASSERT_EQ(tcp_pair(&c, &s), 0);
	close(c);
	close(s);
}
