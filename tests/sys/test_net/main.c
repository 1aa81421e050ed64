// SPDX-License-Identifier: MIT
/*
 * The network end to end through QEMU user networking, with the host on
 * the other side (tests/sys/test_net/TEST): DHCP gives 10.0.2.15 before
 * main() (the host's forwards reach only that address); then an echo
 * server on port 7 over BSD sockets, UDP ("udp": until a datagram says
 * "quit") or TCP ("tcp": one connection, until the client closes its
 * side). "slaac": IPv6 from QEMU's router advertisement (prefix fec0::/64),
 * shown by a TCP round trip to the host's side, fec0::2.
 * The UDP echo also checks that its replies reached the device's notice
 * from their senders (the stack's flush after its core lock), not from
 * virtio's late timer (drivers/virtio/virtq.c, rekicks).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <kernel/netdev.h>

#include "../../../drivers/virtio/net_impl.h"

static int bound(int type)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(7),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int s = socket(AF_INET, type, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("FAIL: socket/bind: %s\n", strerror(errno));
		return -1;
	}
	return s;
}

/* Whether few of the (replies) sent went out by the transmit queue's
 * timer: without the stack's flush after its core lock, each would. */
static bool notified_by_senders(int replies)
{
	struct netdev *d = netdev_count() ? netdev_get(0) : NULL;

	if (!d || strncmp(d->name, "virtio-net", 10) != 0) {
		printf("FAIL: no virtio-net device\n");
		return false;
	}
	unsigned long late = ((struct vnet *)d->driver_data)->txq->rekicks;

	printf("replies %d, notified late %lu\n", replies, late);
	if (late * 4 > (unsigned long)replies) {
		printf("FAIL: replies waited for the timer's notification\n");
		return false;
	}
	return true;
}

static int udp_echo(void)
{
	int s = bound(SOCK_DGRAM), replies = 0;
	char buf[2048];

	if (s < 0)
		return 1;
	printf("listening\n");
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &len);

		if (n < 0 || sendto(s, buf, (size_t)n, 0,
				    (struct sockaddr *)&from, len) != n) {
			printf("FAIL: udp: %s\n", strerror(errno));
			return 1;
		}
		replies++;
		if (n == 4 && !memcmp(buf, "quit", 4))
			break;
	}
	close(s);
	return notified_by_senders(replies) ? 0 : 1;
}

/* Echoes until the client shuts its side; counts the bytes. */
static int tcp_echo(void)
{
	static char buf[64 * 1024];
	int l = bound(SOCK_STREAM), s, one = 1;
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	unsigned long total = 0;
	ssize_t n;

	if (l < 0 || listen(l, 4) < 0)
		return 1;
	printf("listening\n");
	s = accept(l, (struct sockaddr *)&peer, &len);
	if (s < 0) {
		printf("FAIL: accept: %s\n", strerror(errno));
		return 1;
	}
	setsockopt(s, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof(one));
	printf("client %s\n", inet_ntoa(peer.sin_addr));
	/* What DHCP gave us, as the connection's local address. */
	struct sockaddr_in me;
	len = sizeof(me);
	if (getsockname(s, (struct sockaddr *)&me, &len) == 0)
		printf("server %s\n", inet_ntoa(me.sin_addr));
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t done = 0; done < n;) {
			ssize_t put = send(s, buf + done, (size_t)(n - done), 0);

			if (put <= 0) {
				printf("FAIL: send: %s\n", strerror(errno));
				return 1;
			}
			done += put;
		}
		total += (unsigned long)n;
	}
	if (n < 0) {
		printf("FAIL: recv: %s\n", strerror(errno));
		return 1;
	}
	printf("echoed %lu bytes\n", total);
	close(s);
	close(l);
	return 0;
}

/* A non-blocking TCP connection to (to) under way from the address SLAAC
 * gave us (before it comes, the source is the link-local address): the
 * socket, its source address in (text); -1 after 10 s. */
static int connecting_from(const struct sockaddr_in6 *to, char *text)
{
	struct sockaddr_in6 me;
	socklen_t len = sizeof(me);

	for (int i = 0; i < 100; i++) {
		int s = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);

		if (connect(s, (const struct sockaddr *)to, sizeof(*to)) < 0 &&
		    errno == EINPROGRESS &&
		    getsockname(s, (struct sockaddr *)&me, &len) == 0 &&
		    !IN6_IS_ADDR_LINKLOCAL(&me.sin6_addr)) {
			inet_ntop(AF_INET6, &me.sin6_addr, text,
				  INET6_ADDRSTRLEN);
			return s;
		}
		close(s);
		usleep(100 * 1000);
	}
	return -1;
}

/* IPv6 from QEMU's router advertisement, and a round trip: the host's
 * side answers a TCP port nobody listens on with a reset. */
static int slaac(void)
{
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(1),
	};
	struct pollfd p = { .events = POLLOUT };
	char text[INET6_ADDRSTRLEN];
	int err = 0;
	socklen_t len = sizeof(err);

	inet_pton(AF_INET6, "fec0::2", &to.sin6_addr);
	p.fd = connecting_from(&to, text);
	if (p.fd < 0) {
		printf("FAIL: no IPv6 address towards fec0::2 in 10 s\n");
		return 1;
	}
	printf("address %s\n", text);
	if (poll(&p, 1, 10000) != 1 ||
	    getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) ||
	    err != ECONNREFUSED) {
		printf("FAIL: connect to [fec0::2]:1: %s\n", strerror(err));
		return 1;
	}
	close(p.fd);
	printf("refused\n");
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc > 1 && !strcmp(argv[1], "udp"))
		rc = udp_echo();
	else if (argc > 1 && !strcmp(argv[1], "tcp"))
		rc = tcp_echo();
	else if (argc > 1 && !strcmp(argv[1], "slaac"))
		rc = slaac();
	else {
		printf("FAIL: usage: test_net udp|tcp|slaac\n");
		return 2;
	}
	if (!rc)
		printf("SUCCESS\n");
	return rc;
}
