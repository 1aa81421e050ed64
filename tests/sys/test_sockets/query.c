// SPDX-License-Identifier: MIT
/* What a program asks of a socket and gets as on Linux: FIONREAD, a cut
 * datagram's MSG_TRUNC (and MSG_WAITALL taking one datagram), recvmmsg,
 * the options read back (flags as 1, SO_DOMAIN, SO_PROTOCOL, IP_TOS,
 * IP_TTL, SO_REUSEPORT), SO_LINGER 0's reset, a send to a connection
 * gone (EPIPE and SIGPIPE), bind() to an address not this machine's,
 * connect(AF_UNSPEC) undoing a UDP socket's connect(), TCP_INFO and
 * TCP_MAXSEG. */
#define _GNU_SOURCE		/* recvmmsg, struct mmsghdr, MSG_WAITFORONE */
#include <errno.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

static int readable(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) < 0 ? -1 : n;
}

/* Until (fd) has (want) bytes to read, or 2 s. (Not poll(): it answers
 * at once while some are there.) */
static int wait_readable(int fd, int want)
{
	for (int i = 0; i < 200 && readable(fd) < want; i++)
		usleep(10000);
	return readable(fd);
}

TEST(query, fionread_counts_tcp_bytes_not_yet_read)
{
	uint16_t port;
	int l = listener(&port), c, s;
	char buf[64];

	ASSERT_GE(l, 0);
	EXPECT_ERR(ioctl(l, FIONREAD, &(int){ 0 }), EINVAL);
	close(l);
	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(readable(s), 0);
	EXPECT_EQ(send(c, "hello", 5, 0), 5);
	EXPECT_EQ(wait_readable(s, 5), 5);
	EXPECT_EQ(send(c, " world", 6, 0), 6);
	EXPECT_EQ(wait_readable(s, 11), 11);
	/* A part read: the rest is what lwIP keeps of that segment and
	 * what follows it. */
	EXPECT_EQ(recv(s, buf, 3, 0), 3);
	EXPECT_EQ(readable(s), 8);
	EXPECT_EQ(recv(s, buf, 2, MSG_PEEK), 2);
	EXPECT_EQ(readable(s), 8);
	EXPECT_EQ(recv(s, buf, 8, MSG_WAITALL), 8);
	EXPECT_EQ(memcmp(buf, "lo world", 8), 0);
	EXPECT_EQ(readable(s), 0);
	close(c);
	close(s);
}

TEST(query, fionread_gives_the_next_datagram_length)
{
	uint16_t pa, pb;
	int a = udp_bound(&pa), b = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb);
	char buf[16];

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_EQ(readable(b), 0);
	EXPECT_EQ(sendto(a, "first", 5, 0, (struct sockaddr *)&to,
			 sizeof(to)), 5);
	EXPECT_EQ(sendto(a, "second!", 7, 0, (struct sockaddr *)&to,
			 sizeof(to)), 7);
	EXPECT_EQ(wait_readable(b, 5), 5);
	EXPECT_EQ(recv(b, buf, sizeof(buf), 0), 5);
	EXPECT_EQ(readable(b), 7);
	EXPECT_EQ(recv(b, buf, sizeof(buf), 0), 7);
	EXPECT_EQ(readable(b), 0);
	close(a);
	close(b);
}

TEST(query, a_cut_datagram_says_msg_trunc)
{
	uint16_t pa, pb;
	int a = udp_bound(&pa), b = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb);
	char buf[16];
	struct iovec v[2] = { { buf, 2 }, { buf + 2, 2 } };
	struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(connect(a, (struct sockaddr *)&to, sizeof(to)), 0);
	EXPECT_EQ(send(a, "0123456789", 10, 0), 10);
	EXPECT_EQ(recvmsg(b, &m, 0), 4);
	EXPECT_EQ(m.msg_flags, MSG_TRUNC);
	EXPECT_EQ(memcmp(buf, "0123", 4), 0);
	/* One that fits: no flag. */
	EXPECT_EQ(send(a, "012", 3, 0), 3);
	EXPECT_EQ(recvmsg(b, &m, 0), 3);
	EXPECT_EQ(m.msg_flags, 0);
	/* MSG_WAITALL takes one datagram, not more. */
	EXPECT_EQ(send(a, "ab", 2, 0), 2);
	EXPECT_EQ(send(a, "cd", 2, 0), 2);
	EXPECT_EQ(recv(b, buf, 4, MSG_WAITALL), 2);
	EXPECT_EQ(recv(b, buf, 4, MSG_WAITALL), 2);
	/* MSG_TRUNC asks for the whole length; the rest is lost. */
	EXPECT_EQ(send(a, "0123456789", 10, 0), 10);
	EXPECT_EQ(recv(b, buf, 4, MSG_TRUNC), 10);
	EXPECT_EQ(send(a, "x", 1, 0), 1);
	EXPECT_EQ(recv(b, buf, sizeof(buf), 0), 1);
	EXPECT_EQ(buf[0], 'x');
	close(a);
	close(b);
}

TEST(query, recvmmsg_takes_several_datagrams)
{
	uint16_t pa, pb;
	int a = udp_bound(&pa), b = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb), from[3];
	char bufs[3][8];
	struct iovec v[3];
	struct mmsghdr mm[3];
	struct timespec t = { 5, 0 };

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(connect(a, (struct sockaddr *)&to, sizeof(to)), 0);
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		v[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		mm[i].msg_hdr.msg_iov = &v[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &from[i];
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	EXPECT_EQ(send(a, "aa", 2, 0), 2);
	EXPECT_EQ(send(a, "bbb", 3, 0), 3);
	/* Two there: the first may wait, the rest not. */
	EXPECT_EQ(recvmmsg(b, mm, 3, MSG_WAITFORONE, NULL), 2);
	EXPECT_EQ(mm[0].msg_len, 2);
	EXPECT_EQ(mm[1].msg_len, 3);
	EXPECT_EQ(memcmp(bufs[1], "bbb", 3), 0);
	EXPECT_EQ(ntohs(from[1].sin_port), pa);
	/* None there and not to wait: as recvmsg. */
	EXPECT_ERR(recvmmsg(b, mm, 3, MSG_DONTWAIT, NULL), EAGAIN);
	/* A timeout is looked at after each message; what was left of it
	 * comes back. */
	EXPECT_EQ(send(a, "c", 1, 0), 1);
	EXPECT_EQ(recvmmsg(b, mm, 1, 0, &t), 1);
	EXPECT_TRUE(t.tv_sec >= 0 && t.tv_sec < 5);	/* not left at 5 s */
	t.tv_nsec = 1000000000;
	EXPECT_ERR(recvmmsg(b, mm, 1, 0, &t), EINVAL);
	/* (The C library writes into the vector first: past it.) */
	EXPECT_ERR(syscall(SYS_recvmmsg, b, (void *)8, 1, 0, NULL), EFAULT);
	close(a);
	close(b);
}

static int get_int(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, name, &v, &len) ? -errno : v;
}

/* Hints servers set, which change nothing here: kept and read back, on
 * the sockets whose level has them (Linux: TCP's on TCP only, ENOPROTOOPT
 * on UDP, EOPNOTSUPP on AF_UNIX; SO_PRIORITY on all). */
TEST(query, server_hints_are_kept)
{
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	static const int tcp_hints[] = { TCP_QUICKACK, TCP_DEFER_ACCEPT,
					 TCP_FASTOPEN, TCP_USER_TIMEOUT };
	int v = 5, three = 3;

	ASSERT_GE(t, 0);
	ASSERT_GE(u, 0);
	ASSERT_GE(x, 0);
	for (unsigned i = 0; i < 4; i++) {
		int name = tcp_hints[i];

		EXPECT_EQ(setsockopt(t, IPPROTO_TCP, name, &v, sizeof(v)), 0);
		EXPECT_ERR(setsockopt(u, IPPROTO_TCP, name, &v, sizeof(v)),
			   ENOPROTOOPT);
		EXPECT_ERR(setsockopt(x, IPPROTO_TCP, name, &v, sizeof(v)),
			   EOPNOTSUPP);
	}
	EXPECT_EQ(get_int(t, IPPROTO_TCP, TCP_FASTOPEN), 5);
	EXPECT_EQ(get_int(t, IPPROTO_TCP, TCP_DEFER_ACCEPT), 5);
	EXPECT_EQ(get_int(t, IPPROTO_TCP, TCP_USER_TIMEOUT), 5);
	EXPECT_EQ(get_int(t, SOL_SOCKET, SO_PRIORITY), 0);
	for (int s = t; s >= 0; s = s == t ? u : s == u ? x : -1) {
		EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_PRIORITY, &three,
				     sizeof(three)), 0);
		EXPECT_EQ(get_int(s, SOL_SOCKET, SO_PRIORITY), 3);
	}
	/* A listener with them still takes connections. */
	struct sockaddr_in at = loopback(0);
	socklen_t len = sizeof(at);
	int c = socket(AF_INET, SOCK_STREAM, 0), a;

	ASSERT_EQ(bind(t, (struct sockaddr *)&at, sizeof(at)), 0);
	ASSERT_EQ(listen(t, 4), 0);
	ASSERT_EQ(getsockname(t, (struct sockaddr *)&at, &len), 0);
	EXPECT_EQ(connect(c, (struct sockaddr *)&at, sizeof(at)), 0);
	a = accept(t, NULL, NULL);
	EXPECT_GE(a, 0);
	close(a);
	close(c);
	close(t);
	close(u);
	close(x);
}

static int tcp_info_of(int s, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0xff, sizeof(*ti));
	return getsockopt(s, IPPROTO_TCP, TCP_INFO, ti, &len) ? -1 :
	       (int)len;
}

TEST(query, tcp_info_and_maxseg_tell_the_connection)
{
	struct tcp_info ti;
	int c, s, u = socket(AF_INET, SOCK_DGRAM, 0);
	int x = socket(AF_UNIX, SOCK_STREAM, 0), t = socket(AF_INET,
							    SOCK_STREAM, 0);

	ASSERT_GE(t, 0);
	/* Not connected yet: closed, and TCP's default MSS. */
	EXPECT_EQ(tcp_info_of(t, &ti), (int)sizeof(ti));
	EXPECT_EQ(ti.tcpi_state, TCP_CLOSE);
	EXPECT_EQ(get_int(t, IPPROTO_TCP, TCP_MAXSEG), 536);
	close(t);
	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_GE(tcp_info_of(c, &ti), 0);
	EXPECT_EQ(ti.tcpi_state, TCP_ESTABLISHED);
	EXPECT_EQ(ti.tcpi_retransmits, 0);
	EXPECT_GT(ti.tcpi_snd_mss, 500);
	EXPECT_EQ(ti.tcpi_snd_mss, (unsigned)get_int(c, IPPROTO_TCP,
						     TCP_MAXSEG));
	EXPECT_GT(ti.tcpi_rto, 0);
	EXPECT_GT(ti.tcpi_snd_cwnd, 0);
	EXPECT_GT(ti.tcpi_rcv_space, 0);
	EXPECT_EQ(ti.tcpi_unacked, 0);
	/* The peer's FIN: close-wait; a short buffer takes what fits. */
	close(c);
	for (int i = 0; i < 200 && tcp_info_of(s, &ti) >= 0 &&
			ti.tcpi_state == TCP_ESTABLISHED; i++)
		usleep(10000);
	EXPECT_EQ(ti.tcpi_state, TCP_CLOSE_WAIT);
	unsigned char head[4];
	socklen_t len = sizeof(head);

	EXPECT_EQ(getsockopt(s, IPPROTO_TCP, TCP_INFO, head, &len), 0);
	EXPECT_EQ(len, sizeof(head));
	EXPECT_EQ(head[0], TCP_CLOSE_WAIT);
	close(s);
	/* Not TCP: errors as Linux gives them. */
	EXPECT_EQ(tcp_info_of(u, &ti), -1);
	EXPECT_TRUE(errno == ENOPROTOOPT || errno == EOPNOTSUPP);
	EXPECT_ERR(tcp_info_of(x, &ti), EOPNOTSUPP);
	EXPECT_ERR(tcp_info_of(99, &ti), EBADF);
	close(u);
	close(x);
}

TEST(query, options_read_back_as_linux_gives_them)
{
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int s6 = socket(AF_INET6, SOCK_STREAM, 0), x = socket(AF_UNIX, SOCK_STREAM, 0);
	int one = 1, v;

	ASSERT_GE(t, 0);
	ASSERT_GE(u, 0);
	ASSERT_GE(s6, 0);
	ASSERT_GE(x, 0);
	/* Flags set read back as 1, not as lwIP's bit. */
	EXPECT_EQ(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
	EXPECT_EQ(get_int(t, SOL_SOCKET, SO_KEEPALIVE), 1);
	EXPECT_EQ(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	EXPECT_EQ(get_int(t, SOL_SOCKET, SO_REUSEADDR), 1);
	EXPECT_EQ(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	EXPECT_EQ(get_int(t, IPPROTO_TCP, TCP_NODELAY), 1);
	EXPECT_EQ(setsockopt(u, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)), 0);
	EXPECT_EQ(get_int(u, SOL_SOCKET, SO_BROADCAST), 1);
	/* What a socket is. */
	EXPECT_EQ(get_int(t, SOL_SOCKET, SO_DOMAIN), AF_INET);
	EXPECT_EQ(get_int(t, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
	EXPECT_EQ(get_int(u, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP);
	EXPECT_EQ(get_int(s6, SOL_SOCKET, SO_DOMAIN), AF_INET6);
	EXPECT_EQ(get_int(s6, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
	EXPECT_EQ(get_int(x, SOL_SOCKET, SO_DOMAIN), AF_UNIX);
	EXPECT_EQ(get_int(x, SOL_SOCKET, SO_PROTOCOL), 0);
	EXPECT_ERR(setsockopt(t, SOL_SOCKET, SO_DOMAIN, &one, sizeof(one)),
		   ENOPROTOOPT);
	/* SO_REUSEPORT is kept; a second socket on the port is refused
	 * (not left without connections). */
	EXPECT_EQ(setsockopt(t, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	EXPECT_EQ(get_int(t, SOL_SOCKET, SO_REUSEPORT), 1);
	EXPECT_EQ(get_int(u, SOL_SOCKET, SO_REUSEPORT), 0);
	struct sockaddr_in at = loopback(0);
	socklen_t len = sizeof(at);
	int t2 = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_EQ(bind(t, (struct sockaddr *)&at, sizeof(at)), 0);
	ASSERT_EQ(listen(t, 4), 0);
	ASSERT_EQ(getsockname(t, (struct sockaddr *)&at, &len), 0);
	EXPECT_EQ(setsockopt(t2, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	EXPECT_TRUE(bind(t2, (struct sockaddr *)&at, sizeof(at)) < 0 ||
		    listen(t2, 4) < 0);
	EXPECT_EQ(errno, EADDRINUSE);
	close(t2);
	/* IPv4's type of service and time to live. */
	v = 0x10;
	EXPECT_EQ(setsockopt(t, IPPROTO_IP, IP_TOS, &v, sizeof(v)), 0);
	EXPECT_EQ(get_int(t, IPPROTO_IP, IP_TOS), 0x10);
	v = 7;
	EXPECT_EQ(setsockopt(u, IPPROTO_IP, IP_TTL, &v, sizeof(v)), 0);
	EXPECT_EQ(get_int(u, IPPROTO_IP, IP_TTL), 7);
	close(t);
	close(u);
	close(s6);
	close(x);
}

TEST(query, linger_zero_resets_the_connection)
{
	int c, s;
	char buf[8];
	struct linger now = { 1, 0 };

	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_LINGER, &now, sizeof(now)), 0);
	close(s);
	EXPECT_ERR(recv(c, buf, sizeof(buf), 0), ECONNRESET);
	close(c);
	/* Linger on with time: an orderly close, the end of the stream. */
	ASSERT_EQ(tcp_pair(&c, &s), 0);
	now.l_linger = 1;
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_LINGER, &now, sizeof(now)), 0);
	close(s);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);
	close(c);
}

static int sigpipes;

static void count_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

TEST(query, sending_to_a_connection_gone_is_a_broken_pipe)
{
	int c, s;
	char buf[8];

	signal(SIGPIPE, count_sigpipe);
	sigpipes = 0;
	ASSERT_EQ(tcp_pair(&c, &s), 0);
	close(s);
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);	/* the peer's FIN */
	/* The first send goes; the peer answers it with a reset. */
	EXPECT_EQ(send(c, "hello", 5, 0), 5);
	usleep(50000);
	EXPECT_ERR(send(c, "again", 5, 0), EPIPE);
	EXPECT_EQ(sigpipes, 1);
	EXPECT_ERR(write(c, "again", 5), EPIPE);
	EXPECT_EQ(sigpipes, 2);
	EXPECT_ERR(send(c, "again", 5, MSG_NOSIGNAL), EPIPE);
	EXPECT_EQ(sigpipes, 2);
	close(c);
	/* Shut down for sending by this side. */
	ASSERT_EQ(tcp_pair(&c, &s), 0);
	EXPECT_EQ(shutdown(c, SHUT_WR), 0);
	EXPECT_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	close(c);
	close(s);
	/* Never connected, or listening: a broken pipe too. UDP with no
	 * peer has nowhere to send. */
	uint16_t port;
	int l = listener(&port), u = udp_bound(&port);

	ASSERT_GE(l, 0);
	EXPECT_ERR(send(l, "x", 1, 0), EPIPE);
	EXPECT_EQ(sigpipes, 3);
	EXPECT_ERR(send(u, "x", 1, 0), EDESTADDRREQ);
	close(l);
	close(u);
	signal(SIGPIPE, SIG_DFL);
}

TEST(query, bind_takes_only_this_machines_addresses)
{
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int s6 = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(0);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };

	ASSERT_GE(t, 0);
	ASSERT_GE(u, 0);
	ASSERT_GE(s6, 0);
	a.sin_addr.s_addr = htonl(0xc0000201);		/* 192.0.2.1 */
	EXPECT_ERR(bind(t, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL);
	EXPECT_ERR(bind(u, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL);
	a6.sin6_addr.s6_addr[0] = 0x20;			/* 2001:db8::1 */
	a6.sin6_addr.s6_addr[1] = 0x01;
	a6.sin6_addr.s6_addr[2] = 0x0d;
	a6.sin6_addr.s6_addr[3] = 0xb8;
	a6.sin6_addr.s6_addr[15] = 1;
	EXPECT_ERR(bind(s6, (struct sockaddr *)&a6, sizeof(a6)), EADDRNOTAVAIL);
	/* All of 127/8 is loopback; a group is for datagrams to join. */
	a.sin_addr.s_addr = htonl(0x7f000002);
	EXPECT_EQ(bind(t, (struct sockaddr *)&a, sizeof(a)), 0);
	a.sin_addr.s_addr = htonl(0xe0000001);
	EXPECT_EQ(bind(u, (struct sockaddr *)&a, sizeof(a)), 0);
	a6.sin6_addr = in6addr_loopback;
	EXPECT_EQ(bind(s6, (struct sockaddr *)&a6, sizeof(a6)), 0);
	close(t);
	close(u);
	close(s6);
}

TEST(query, connect_af_unspec_forgets_a_datagram_peer)
{
	uint16_t pa, pb;
	int a = udp_bound(&pa), b = udp_bound(&pb);
	struct sockaddr_in to = loopback(pb), peer;
	struct sockaddr none = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(peer);
	char buf[8];

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(connect(a, (struct sockaddr *)&to, sizeof(to)), 0);
	EXPECT_EQ(getpeername(a, (struct sockaddr *)&peer, &len), 0);
	EXPECT_EQ(connect(a, &none, sizeof(none)), 0);
	EXPECT_ERR(getpeername(a, (struct sockaddr *)&peer, &len), ENOTCONN);
	/* Unconnected again: it sends where it is told. */
	EXPECT_EQ(sendto(a, "u", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	EXPECT_EQ(recv(b, buf, sizeof(buf), 0), 1);
	close(a);
	close(b);
}
