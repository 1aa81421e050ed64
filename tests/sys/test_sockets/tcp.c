// SPDX-License-Identifier: MIT
/* TCP over loopback: connect/accept, data both ways, names, shutdown,
 * and sockets as ordinary descriptors (read/write/dup/fstat/close). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

TEST(tcp, connect_accept_and_echo)
{
	int c, s;
	char buf[64];

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(send(c, "hello", 5, 0), 5);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 5);
	EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	EXPECT_EQ(write(s, "world!", 6), 6);
	EXPECT_EQ(read(c, buf, sizeof(buf)), 6);
	EXPECT_EQ(memcmp(buf, "world!", 6), 0);
	EXPECT_EQ(close(c), 0);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 0);	/* end of stream */
	EXPECT_EQ(read(s, buf, sizeof(buf)), 0);	/* and again */
	EXPECT_EQ(close(s), 0);
}

TEST(tcp, names_of_both_ends)
{
	struct sockaddr_in me, peer, other;
	socklen_t len = sizeof(me);
	int c, s;

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(getsockname(c, (struct sockaddr *)&me, &len), 0);
	EXPECT_EQ(len, sizeof(me));
	EXPECT_EQ(me.sin_family, AF_INET);
	EXPECT_EQ(me.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	len = sizeof(peer);
	EXPECT_EQ(getpeername(s, (struct sockaddr *)&peer, &len), 0);
	EXPECT_EQ(peer.sin_port, me.sin_port);
	len = sizeof(other);
	EXPECT_EQ(getpeername(c, (struct sockaddr *)&other, &len), 0);
	len = sizeof(me);
	EXPECT_EQ(getsockname(s, (struct sockaddr *)&me, &len), 0);
	EXPECT_EQ(other.sin_port, me.sin_port);
	close(c);
	close(s);
}

TEST(tcp, accept_gives_the_peer_address)
{
	uint16_t port;
	int l = listener(&port), c = socket(AF_INET, SOCK_STREAM, 0), s;
	struct sockaddr_in a = loopback(port), peer, mine;
	socklen_t len = sizeof(peer), mlen = sizeof(mine);

	ASSERT_GE(l, 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	s = accept(l, (struct sockaddr *)&peer, &len);
	ASSERT_GE(s, 0);
	EXPECT_EQ(len, sizeof(peer));
	EXPECT_EQ(getsockname(c, (struct sockaddr *)&mine, &mlen), 0);
	EXPECT_EQ(peer.sin_port, mine.sin_port);
	EXPECT_STREQ(inet_ntoa(peer.sin_addr), "127.0.0.1");
	close(s);
	close(c);
	close(l);
}

TEST(tcp, shutdown_write_gives_eof_and_still_reads)
{
	int c, s;
	char buf[16];

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(shutdown(c, SHUT_WR), 0);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(send(s, "late", 4, 0), 4);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 4);
	EXPECT_EQ(shutdown(c, 7), -1);
	EXPECT_EQ(errno, EINVAL);
	close(c);
	close(s);
}

TEST(tcp, shutdown_both_after_reading_ends_the_stream)
{
	/* What was read is the application's: the peer sees the end of
	 * the stream, not a reset (lwIP resets a connection closed with
	 * its receive window not whole, net/tcp_recvd.c). */
	int c, s;
	char buf[16];

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(send(c, "hello", 5, 0), 5);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 5);
	EXPECT_EQ(shutdown(s, SHUT_RDWR), 0);
	EXPECT_EQ(read(c, buf, sizeof(buf)), 0);
	close(c);
	close(s);
}

TEST(tcp, a_receive_after_shutting_reading_down_returns_at_once)
{
	/* The end of the stream, as on Linux: not a wait for data that
	 * can no longer come (until SO_RCVTIMEO's EAGAIN). */
	struct timeval tv = { .tv_sec = 20 };
	char buf[16];
	int c, s;

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	EXPECT_EQ(shutdown(s, SHUT_RD), 0);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	/* Writing still works. */
	EXPECT_EQ(send(s, "hi", 2, 0), 2);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 2);
	/* And its close is the end of the peer's stream. */
	close(s);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);
	close(c);
}

static void *recv_blocked(void *arg)
{
	char buf[16];

	return (void *)(long)recv(*(int *)arg, buf, sizeof(buf), 0);
}

TEST(tcp, shutdown_wakes_a_recv_blocked_in_another_thread)
{
	/* A server that closes an idle connection to make room shuts it
	 * down from another thread than the one waiting in recv() on it:
	 * the wait ends at once with the end of the stream. */
	struct timeval tv = { .tv_sec = 20 };
	struct timespec t0, t1;
	pthread_t t;
	void *got;
	int c, s;

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(pthread_create(&t, NULL, recv_blocked, &s), 0);
	usleep(100 * 1000);
	EXPECT_EQ(shutdown(s, SHUT_RDWR), 0);
	ASSERT_EQ(pthread_join(t, &got), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ((long)got, 0);
	/* Not the 20 s receive time-out. */
	EXPECT_LT(t1.tv_sec - t0.tv_sec, 10);
	close(c);
	close(s);
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 10));
}

TEST(tcp, a_megabyte_arrives_intact)
{
	enum { TOTAL = 1 << 20, CHUNK = 16 * 1024 };
	static unsigned char out[CHUNK], in[CHUNK];
	size_t sent = 0, got = 0, bad = 0;
	int c, s;

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	/* One thread both ends: non-blocking sends interleaved with
	 * receives (a blocking send would wait for a reader forever). */
	ASSERT_EQ(fcntl(c, F_SETFL, O_NONBLOCK), 0);
	while (got < TOTAL) {
		if (sent < TOTAL) {
			size_t n = TOTAL - sent < CHUNK ? TOTAL - sent : CHUNK;
			ssize_t put;

			for (size_t i = 0; i < n; i++)
				out[i] = pattern(sent + i);
			put = send(c, out, n, 0);
			if (put > 0)
				sent += (size_t)put;
			else
				ASSERT_EQ(errno, EAGAIN);
		}
		ssize_t r = recv(s, in, sizeof(in), MSG_DONTWAIT);

		if (r < 0) {
			ASSERT_EQ(errno, EAGAIN);
			continue;
		}
		ASSERT_TRUE(r > 0);
		for (ssize_t i = 0; i < r; i++)
			bad += in[i] != pattern(got + (size_t)i);
		got += (size_t)r;
	}
	EXPECT_EQ(bad, 0);
	close(c);
	close(s);
}

TEST(tcp, socket_is_a_descriptor_like_a_file)
{
	struct stat st;
	char buf[8];
	int c, s, d;

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(fstat(c, &st), 0);
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	d = dup(c);
	ASSERT_GE(d, 0);
	EXPECT_EQ(close(c), 0);		/* the dup keeps it open */
	EXPECT_EQ(write(d, "dup", 3), 3);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 3);
	EXPECT_EQ(lseek(d, 0, SEEK_SET), -1);
	EXPECT_EQ(errno, ESPIPE);
	EXPECT_EQ(close(d), 0);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 0);
	EXPECT_EQ(close(s), 0);
	EXPECT_EQ(close(s), -1);
	EXPECT_EQ(errno, EBADF);
}

TEST(tcp, connect_to_a_closed_port_is_refused)
{
	uint16_t port;
	int l = listener(&port), c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(port);

	ASSERT_GE(l, 0);
	close(l);	/* the port is closed again */
	EXPECT_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), -1);
	EXPECT_EQ(errno, ECONNREFUSED);
	close(c);
}

/* A server restarted on its port while the old connections linger in
 * TIME_WAIT: with SO_REUSEADDR on the listeners (lwIP, unlike Linux,
 * wants it on the old socket too; accepted sockets inherit it). */
TEST(tcp, reuseaddr_lets_a_server_rebind_at_once)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int c, s, l, on = 1, l2;

	l = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)), 0);
	ASSERT_EQ(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ASSERT_EQ(getsockname(l, (struct sockaddr *)&a, &len), 0);
	ASSERT_EQ(listen(l, 4), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	s = accept(l, NULL, NULL);
	ASSERT_GE(s, 0);
	close(s);	/* server side closes first: TIME_WAIT on the port */
	close(l);
	close(c);
	l2 = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_EQ(bind(l2, (struct sockaddr *)&a, sizeof(a)), -1);
	EXPECT_EQ(errno, EADDRINUSE);
	EXPECT_EQ(setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)), 0);
	EXPECT_EQ(bind(l2, (struct sockaddr *)&a, sizeof(a)), 0);
	EXPECT_EQ(listen(l2, 4), 0);
	close(l2);
}

/* A socket bound to (*from) (0: any port, then set to the one it got),
 * connected to (to) within 5 s; -1 if not. The client's previous socket
 * on that port may linger a moment in LAST_ACK: then bind or connect says
 * EADDRINUSE, and it tries again. */
static int connect_from(void *from, const void *to, socklen_t len)
{
	struct timeval limit = {5, 0};
	int on = 1;

	for (int tries = 0; tries < 100; tries++) {
		socklen_t flen = len;
		int c = socket(((const struct sockaddr *)to)->sa_family,
			       SOCK_STREAM, 0);

		if (c < 0)
			return -1;
		setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
		if (bind(c, from, len) == 0 &&
		    getsockname(c, from, &flen) == 0 &&
		    connect(c, to, len) == 0)
			return c;
		int err = errno;

		close(c);
		if (err != EADDRINUSE)
			return -1;
		usleep(10000);
	}
	return -1;
}

/* Three connections in a row from one client port to (to), a listener
 * (l) at that address: the server closes each first, so its end is in
 * TIME-WAIT when the next SYN comes. */
static void reopen_rounds(int l, void *from, const void *to, socklen_t len)
{
	char buf[8];

	for (int round = 0; round < 3; round++) {
		int c = connect_from(from, to, len), s;

		ASSERT_GE(c, 0);
		s = accept(l, NULL, NULL);
		ASSERT_GE(s, 0);
		EXPECT_EQ(send(c, "hi", 2, 0), 2);
		EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 2);
		EXPECT_EQ(send(s, "ho", 2, 0), 2);
		close(s);	/* first: this end goes to TIME_WAIT */
		EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 2);
		EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);
		close(c);
	}
}

TEST(tcp, a_new_syn_reopens_a_connection_in_time_wait)
{
	uint16_t port;
	int l = listener(&port);
	struct sockaddr_in from = loopback(0), to = loopback(port);

	ASSERT_GE(l, 0);
	reopen_rounds(l, &from, &to, sizeof(to));
	close(l);
}

/* The same over IPv6, whose SYN is put together again differently. */
TEST(tcp, a_new_syn_reopens_a_connection_in_time_wait_over_ipv6)
{
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
	}, from = to;
	socklen_t len = sizeof(to);
	int l = socket(AF_INET6, SOCK_STREAM, 0);

	ASSERT_GE(l, 0);
	ASSERT_EQ(bind(l, (struct sockaddr *)&to, sizeof(to)), 0);
	ASSERT_EQ(listen(l, 8), 0);
	ASSERT_EQ(getsockname(l, (struct sockaddr *)&to, &len), 0);
	reopen_rounds(l, &from, &to, sizeof(to));
	close(l);
}

/* The same while the server's socket is still open, shut down for writing
 * only (a lingering close): the new connection gets in, and the old
 * socket still reads its end of stream and closes. */
TEST(tcp, a_new_syn_ends_time_wait_under_a_socket_still_open)
{
	uint16_t port;
	int l = listener(&port), c, s, c2, s2;
	struct sockaddr_in from = loopback(0), to = loopback(port);
	char buf[8];

	ASSERT_GE(l, 0);
	c = connect_from(&from, &to, sizeof(to));
	ASSERT_GE(c, 0);
	s = accept(l, NULL, NULL);
	ASSERT_GE(s, 0);
	EXPECT_EQ(shutdown(s, SHUT_WR), 0);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);
	close(c);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);	/* s: TIME_WAIT */
	c2 = connect_from(&from, &to, sizeof(to));
	ASSERT_GE(c2, 0);
	s2 = accept(l, NULL, NULL);
	ASSERT_GE(s2, 0);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(close(s), 0);
	EXPECT_EQ(send(c2, "hi", 2, 0), 2);
	EXPECT_EQ(recv(s2, buf, sizeof(buf), 0), 2);
	EXPECT_EQ(send(s2, "ho", 2, 0), 2);
	EXPECT_EQ(recv(c2, buf, sizeof(buf), 0), 2);
	close(c2);
	close(s2);
	close(l);
}

/* One connection over (l), closed by the server first: it stays in
 * TIME_WAIT, holding one of lwIP's pcbs for two minutes. */
static void time_wait_one(int l, struct sockaddr_in to)
{
	int c = socket(AF_INET, SOCK_STREAM, 0), s;
	char b;

	ASSERT_EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	s = accept(l, NULL, NULL);
	ASSERT_GE(s, 0);
	close(s);
	EXPECT_EQ(recv(c, &b, 1, 0), 0);
	close(c);
}

/* lwIP frees the oldest connection in TIME_WAIT when it runs out of pcbs,
 * and did so under a socket still open (shut down for writing, a
 * lingering close): closing that socket then closed the pcb again, by
 * then another connection's, and lwIP came apart. Here the socket reads
 * the end of its stream and closes, and the connections made after it,
 * on reused pcbs, keep working. */
TEST(tcp, a_socket_outlives_its_connection_freed_in_time_wait)
{
	enum { LIVE = 100 };
	struct timeval limit = {2, 0};
	uint16_t port;
	int l = listener(&port), c, s, live[LIVE][2];
	struct sockaddr_in to = loopback(port);
	char buf[8];

	ASSERT_GE(l, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	s = accept(l, NULL, NULL);
	ASSERT_GE(s, 0);
	EXPECT_EQ(shutdown(s, SHUT_WR), 0);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);
	close(c);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);	/* s: TIME_WAIT */
	/* More TIME_WAITs than lwIP has pcbs (256): s's goes first, then
	 * live connections take the pcbs of the oldest. */
	for (int i = 0; i < 300; i++)
		time_wait_one(l, to);
	for (int i = 0; i < LIVE; i++) {
		live[i][0] = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_EQ(connect(live[i][0], (struct sockaddr *)&to,
				  sizeof(to)), 0);
		live[i][1] = accept(l, NULL, NULL);
		ASSERT_GE(live[i][1], 0);
		setsockopt(live[i][0], SOL_SOCKET, SO_RCVTIMEO, &limit,
			   sizeof(limit));
		setsockopt(live[i][1], SOL_SOCKET, SO_RCVTIMEO, &limit,
			   sizeof(limit));
	}
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(close(s), 0);
	for (int i = 0; i < LIVE; i++) {
		EXPECT_EQ(send(live[i][0], "x", 1, 0), 1);
		EXPECT_EQ(recv(live[i][1], buf, sizeof(buf), 0), 1);
		EXPECT_EQ(send(live[i][1], "y", 1, 0), 1);
		EXPECT_EQ(recv(live[i][0], buf, sizeof(buf), 0), 1);
		close(live[i][0]);
		close(live[i][1]);
	}
	for (int i = 0; i < 300; i++)
		time_wait_one(l, to);
	close(l);
}

TEST(tcp, bind_twice_is_in_use)
{
	uint16_t port;
	int l = listener(&port), l2 = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(port);

	ASSERT_GE(l, 0);
	EXPECT_EQ(bind(l2, (struct sockaddr *)&a, sizeof(a)), -1);
	EXPECT_EQ(errno, EADDRINUSE);
	close(l2);
	close(l);
}

/* MSG_MORE holds the bytes (as Linux does, Nagle off or on) so that what
 * follows leaves in the same segment; a later send, a close, or a short
 * wait lets them go. */
TEST(tcp, msg_more_holds_bytes_until_what_follows)
{
	struct timeval tv = { .tv_sec = 10 };
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	int c, s, one = 1;
	char buf[16];

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)),
		  0);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	EXPECT_EQ(send(c, "head:", 5, MSG_MORE), 5);
	nanosleep(&pause, NULL);
	errno = 0;
	EXPECT_EQ(recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(send(c, "body", 4, 0), 4);
	EXPECT_EQ(recv(s, buf, 9, MSG_WAITALL), 9);
	EXPECT_EQ(memcmp(buf, "head:body", 9), 0);
	/* Nothing follows: they go anyway, soon. */
	EXPECT_EQ(send(c, "tail", 4, MSG_MORE), 4);
	EXPECT_EQ(recv(s, buf, 4, MSG_WAITALL), 4);
	EXPECT_EQ(memcmp(buf, "tail", 4), 0);
	/* Held, then closed: the bytes, then the end. */
	EXPECT_EQ(send(c, "last", 4, MSG_MORE), 4);
	EXPECT_EQ(close(c), 0);
	EXPECT_EQ(recv(s, buf, 4, MSG_WAITALL), 4);
	EXPECT_EQ(memcmp(buf, "last", 4), 0);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	close(s);
}

/* TCP_CORK holds every send (a reply's header, then its body, as
 * lighttpd sends them) until it is cleared, which sends them at once:
 * well before the 100 ms after which held bytes go anyway, in at least
 * one of three rounds (the host may stop the guest for a while). Each
 * round on a new connection: an acknowledgement of earlier bytes
 * arriving meanwhile would also send them (lwIP transmits what waits
 * when one comes). */
TEST(tcp, cork_holds_sends_until_cleared)
{
	struct timeval tv = { .tv_sec = 10 };
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	uint64_t fastest = UINT64_MAX;
	int one = 1, zero = 0;
	char buf[16];

	for (int round = 0; round < 3; round++) {
		int c, s, v = -1;
		socklen_t len = sizeof(v);

		ASSERT_EQ(tcp_pair(&c, &s), 0);
		EXPECT_EQ(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one,
				     sizeof(one)), 0);
		EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
				     sizeof(tv)), 0);
		EXPECT_EQ(setsockopt(c, IPPROTO_TCP, TCP_CORK, &one,
				     sizeof(one)), 0);
		EXPECT_EQ(getsockopt(c, IPPROTO_TCP, TCP_CORK, &v, &len), 0);
		EXPECT_EQ(v, 1);
		EXPECT_EQ(send(c, "head:", 5, 0), 5);
		EXPECT_EQ(write(c, "body", 4), 4);
		nanosleep(&pause, NULL);
		errno = 0;
		EXPECT_EQ(recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
		EXPECT_EQ(errno, EAGAIN);
		uint64_t t0 = now_ns();

		EXPECT_EQ(setsockopt(c, IPPROTO_TCP, TCP_CORK, &zero,
				     sizeof(zero)), 0);
		EXPECT_EQ(recv(s, buf, 9, MSG_WAITALL), 9);
		EXPECT_EQ(memcmp(buf, "head:body", 9), 0);
		if (now_ns() - t0 < fastest)
			fastest = now_ns() - t0;
		EXPECT_EQ(getsockopt(c, IPPROTO_TCP, TCP_CORK, &v, &len), 0);
		EXPECT_EQ(v, 0);
		close(c);
		close(s);
	}
	EXPECT_LT(fastest, 50 * 1000 * 1000ULL);
}

/* Many connections holding bytes at once (one timer serves them all:
 * lwIP's pool of timers is small): each one's bytes arrive. */
TEST(tcp, msg_more_on_many_connections_at_once)
{
	struct timeval tv = { .tv_sec = 10 };
	int c[32], s[32], pairs = 0;
	char buf[8];

	for (; pairs < 32; pairs++) {
		if (tcp_pair(&c[pairs], &s[pairs]))
			break;
		setsockopt(s[pairs], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	EXPECT_EQ(pairs, 32);
	for (int i = 0; i < pairs; i++)
		EXPECT_EQ(send(c[i], "held", 4, MSG_MORE), 4);
	for (int i = 0; i < pairs; i++) {
		EXPECT_EQ(recv(s[i], buf, 4, MSG_WAITALL), 4);
		EXPECT_EQ(memcmp(buf, "held", 4), 0);
		close(c[i]);
		close(s[i]);
	}
}
