// SPDX-License-Identifier: MIT
/*
 * AF_INET sockets on 127.0.0.1 in an image with no network device at
 * all: TCP and UDP work; sockets in epoll (listeners, connections, peers
 * that shut down, edge-triggered data); a thread blocked in recv() ends
 * with EINTR on a signal or resumes with SA_RESTART; one blocked in
 * accept() is cancelled; receive timeouts.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A socket of (type) bound to 127.0.0.1, its port in (*port). */
static int bound(int type, uint16_t *port)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, type, 0);

	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(s, (struct sockaddr *)&a, &len) ||
	    (type == SOCK_STREAM && listen(s, 8))) {
		close(s);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return s;
}

/* A connected TCP pair over 127.0.0.1; the listener stays open in
 * (*l) when (l) is not NULL. 0 or -1. */
static int tcp_pair(int *c, int *s, int *l)
{
	uint16_t port;
	int ls = bound(SOCK_STREAM, &port);
	struct sockaddr_in a = loopback(port);

	if (ls < 0)
		return -1;
	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (struct sockaddr *)&a, sizeof(a))) {
		close(ls);
		return -1;
	}
	*s = accept(ls, NULL, NULL);
	if (l)
		*l = ls;
	else
		close(ls);
	return *s < 0 ? -1 : 0;
}

TEST(inet, loopback_without_a_network_device)
{
	char buf[16];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	uint16_t port;
	int c, s, u, v;

	ASSERT_EQ(tcp_pair(&c, &s, NULL), 0);
	EXPECT_EQ(send(c, "hello", 5, 0), 5);
	EXPECT_EQ(recv(s, buf, 5, MSG_WAITALL), 5);
	EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	close(c);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	close(s);
	u = bound(SOCK_DGRAM, &port);
	ASSERT_GE(u, 0);
	v = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(v, 0);
	struct sockaddr_in to = loopback(port);
	EXPECT_EQ(sendto(v, "dgram", 5, 0, (struct sockaddr *)&to, sizeof(to)),
		  5);
	EXPECT_EQ(recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			   &len), 5);
	EXPECT_EQ(memcmp(buf, "dgram", 5), 0);
	EXPECT_EQ(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	close(u);
	close(v);
}

TEST(inet, sockets_in_epoll)
{
	struct epoll_event e, out[4];
	uint16_t port;
	int ep = epoll_create1(0), l, c, s;
	struct sockaddr_in a;
	char buf[8];

	ASSERT_GE(ep, 0);
	l = bound(SOCK_STREAM, &port);
	ASSERT_GE(l, 0);
	e = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 1 };
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, l, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	a = loopback(port);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	/* A connection to accept makes the listener readable. */
	EXPECT_EQ(epoll_wait(ep, out, 4, LONG_MS), 1);
	EXPECT_EQ(out[0].events, EPOLLIN);
	EXPECT_EQ(out[0].data.u64, 1);
	s = accept(l, NULL, NULL);
	ASSERT_GE(s, 0);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);
	e = (struct epoll_event){ .events = EPOLLIN | EPOLLRDHUP | EPOLLET,
				  .data.u64 = 2 };
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, s, &e), 0);
	e = (struct epoll_event){ .events = EPOLLOUT, .data.u64 = 3 };
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, c, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 1);	/* c is writable */
	EXPECT_EQ(out[0].events, EPOLLOUT);
	EXPECT_EQ(out[0].data.u64, 3);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, c, NULL), 0);
	EXPECT_EQ(send(c, "ab", 2, 0), 2);
	EXPECT_EQ(epoll_wait(ep, out, 4, LONG_MS), 1);
	EXPECT_EQ(out[0].events, EPOLLIN);
	EXPECT_EQ(out[0].data.u64, 2);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);	/* edge-triggered */
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 2);
	/* The peer's end: readable (end-of-file) and RDHUP. */
	shutdown(c, SHUT_WR);
	EXPECT_EQ(epoll_wait(ep, out, 4, LONG_MS), 1);
	EXPECT_EQ(out[0].events & (EPOLLIN | EPOLLRDHUP), EPOLLIN | EPOLLRDHUP);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	close(c);
	close(s);
	close(l);
	close(ep);
}

TEST(inet, udp_in_epoll_and_poll)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 9 }, out[2];
	uint16_t port;
	int ep = epoll_create1(0), u = bound(SOCK_DGRAM, &port), v;
	struct sockaddr_in to = loopback(port);
	char buf[8];

	ASSERT_GE(ep, 0);
	ASSERT_GE(u, 0);
	v = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(v, 0);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, u, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 0);
	EXPECT_EQ(revents_now(u, POLLIN | POLLOUT), POLLOUT);
	EXPECT_EQ(sendto(v, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	EXPECT_EQ(epoll_wait(ep, out, 2, LONG_MS), 1);
	EXPECT_EQ(out[0].data.u64, 9);
	EXPECT_EQ(revents_now(u, POLLIN | POLLOUT), POLLIN | POLLOUT);
	EXPECT_EQ(recv(u, buf, sizeof(buf), 0), 1);
	EXPECT_EQ(epoll_wait(ep, out, 2, 0), 0);
	close(u);
	close(v);
	close(ep);
}

static struct {
	int fd, started, done;
	long rc;
	int err;
	char byte;
} rcv;

static void *blocked_recv(void *arg)
{
	(void)arg;
	flag_set(&rcv.started);
	errno = 0;
	rcv.rc = recv(rcv.fd, &rcv.byte, 1, 0);
	rcv.err = errno;
	flag_set(&rcv.done);
	return NULL;
}

TEST(inet, blocked_recv_ends_with_eintr)
{
	uint64_t end;
	pthread_t t;
	int c, s;

	ASSERT_EQ(tcp_pair(&c, &s, NULL), 0);
	catch_signal(SIGUSR1, 0);
	memset(&rcv, 0, sizeof(rcv));
	rcv.fd = s;
	ASSERT_EQ(start_thread(&t, blocked_recv, NULL), 0);
	ASSERT_TRUE(wait_flag(&rcv.started));
	settle();
	end = now_ns() + LONG_MS * MS;
	while (!flag_get(&rcv.done) && now_ns() < end) {
		pthread_kill(t, SIGUSR1);
		sleep_ms(20);
	}
	EXPECT_TRUE(flag_get(&rcv.done));
	EXPECT_EQ(rcv.rc, -1);
	EXPECT_EQ(rcv.err, EINTR);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], t));
	send(c, "x", 1, 0);
	pthread_join(t, NULL);
	/* The socket is fine after. */
	EXPECT_EQ(send(c, "y", 1, 0), 1);
	char buf[4];
	EXPECT_EQ(recv(s, buf, 1, 0), 1);
	close(c);
	close(s);
	reset_signal(SIGUSR1);
}

TEST(inet, sa_restart_resumes_recv)
{
	pthread_t t;
	int c, s;

	ASSERT_EQ(tcp_pair(&c, &s, NULL), 0);
	catch_signal(SIGUSR1, SA_RESTART);
	memset(&rcv, 0, sizeof(rcv));
	rcv.fd = s;
	ASSERT_EQ(start_thread(&t, blocked_recv, NULL), 0);
	ASSERT_TRUE(wait_flag(&rcv.started));
	settle();
	pthread_kill(t, SIGUSR1);
	for (int i = 0; i < LONG_MS / 10 && !flag_get(&sig_count[SIGUSR1]);
	     i++)
		sleep_ms(10);
	EXPECT_EQ(flag_get(&sig_count[SIGUSR1]), 1);
	settle();
	EXPECT_FALSE(flag_get(&rcv.done));
	EXPECT_EQ(send(c, "q", 1, 0), 1);
	EXPECT_TRUE(wait_flag(&rcv.done));
	EXPECT_EQ(rcv.rc, 1);
	EXPECT_EQ(rcv.byte, 'q');
	pthread_join(t, NULL);
	close(c);
	close(s);
	reset_signal(SIGUSR1);
}

static int accept_listener, accept_returned, accept_cleaned;

static void accept_cleanup(void *arg)
{
	(void)arg;
	flag_set(&accept_cleaned);
}

static void *blocked_accept(void *arg)
{
	int s;

	(void)arg;
	pthread_cleanup_push(accept_cleanup, NULL);
	s = accept(accept_listener, NULL, NULL);
	flag_set(&accept_returned);
	if (s >= 0)
		close(s);
	pthread_cleanup_pop(0);
	return NULL;
}

TEST(inet, blocked_accept_is_cancelled)
{
	uint16_t port;
	pthread_t t;
	void *rv = NULL;

	accept_returned = accept_cleaned = 0;
	accept_listener = bound(SOCK_STREAM, &port);
	ASSERT_GE(accept_listener, 0);
	ASSERT_EQ(start_thread(&t, blocked_accept, NULL), 0);
	settle();
	EXPECT_EQ(pthread_cancel(t), 0);
	if (!wait_flag(&accept_cleaned)) {
		/* Not cancelled: let it go. */
		struct sockaddr_in a = loopback(port);
		int c = socket(AF_INET, SOCK_STREAM, 0);

		connect(c, (struct sockaddr *)&a, sizeof(a));
		close(c);
	}
	EXPECT_EQ(pthread_join(t, &rv), 0);
	EXPECT_TRUE(rv == PTHREAD_CANCELED);
	EXPECT_EQ(accept_returned, 0);
	close(accept_listener);
}

TEST(inet, receive_timeout)
{
	struct timeval tv = { 0, 30000 };
	uint64_t t0;
	char c;
	int a, b;

	ASSERT_EQ(tcp_pair(&a, &b, NULL), 0);
	EXPECT_EQ(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	t0 = now_ns();
	EXPECT_ERR(recv(b, &c, 1, 0), EAGAIN);
	EXPECT_GE(now_ns() - t0, 30 * MS);
	close(a);
	close(b);
}
