// SPDX-License-Identifier: MIT
/*
 * The network end to end through QEMU user networking, with the host on
 * the other side (tests/sys/test_net/TEST): DHCP gives 10.0.2.15 before
 * main() (the host's forwards reach only that address); then an echo server on port 7 over BSD sockets, UDP ("udp":
 * until a datagram says "quit") or TCP ("tcp": one connection, until the
 * client closes its side).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

static int udp_echo(void)
{
	int s = bound(SOCK_DGRAM);
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
		if (n == 4 && !memcmp(buf, "quit", 4))
			break;
	}
	close(s);
	return 0;
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

int main(int argc, char **argv)
{
	int rc;

	if (argc > 1 && !strcmp(argv[1], "udp"))
		rc = udp_echo();
	else if (argc > 1 && !strcmp(argv[1], "tcp"))
		rc = tcp_echo();
	else {
		printf("FAIL: usage: test_net udp|tcp\n");
		return 2;
	}
	if (!rc)
		printf("SUCCESS\n");
	return rc;
}
