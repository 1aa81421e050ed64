// SPDX-License-Identifier: MIT
/*
 * The guest side of tests/sys/test_ping/TEST: a guest on a UDP link
 * (`toro run --udp-link`) with the static address 10.0.3.2/24 from its
 * kernel options, whose ARP and ICMP echo are answered by lwIP alone, in
 * its own thread. main() only has to stay alive while the host peer
 * (ping_peer.py) pings it: it waits on a UDP socket until the peer sends
 * "quit" and answers "bye", so the peer knows the guest got that far.
 *
 * With the arguments "quit ADDR" it is the other side instead, for two
 * guests on one link (tests/cli_checks.py): it sends "quit" to ADDR until
 * a "bye" comes back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PING_QUIT_PORT	7

static int quit_socket(void)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(PING_QUIT_PORT),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("FAIL: socket/bind: %s\n", strerror(errno));
		return -1;
	}
	return s;
}

/* Resends "quit" once a second: the first may wait on ARP, or go out
 * before the other guest listens. */
static int send_quit(const char *addr)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(PING_QUIT_PORT),
	};
	struct timeval wait = { .tv_sec = 1 };
	char buf[16];
	int s = socket(AF_INET, SOCK_DGRAM, 0), i;

	if (!inet_aton(addr, &to.sin_addr)) {
		printf("FAIL: quit %s: not an IPv4 address\n", addr);
		return 1;
	}
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait,
				sizeof(wait)) < 0) {
		printf("FAIL: socket: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < 60; i++) {
		if (sendto(s, "quit", 4, 0, (struct sockaddr *)&to,
			   sizeof(to)) != 4) {
			printf("FAIL: sendto: %s\n", strerror(errno));
			return 1;
		}
		if (recv(s, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "bye", 3)) {
			printf("bye from %s\n", addr);
			close(s);
			return 0;
		}
	}
	printf("FAIL: no bye from %s\n", addr);
	return 1;
}

int main(int argc, char **argv)
{
	char buf[64];
	int s;

	if (argc == 3 && !strcmp(argv[1], "quit"))
		return send_quit(argv[2]);
	if (argc != 1) {
		printf("FAIL: usage: test_ping [quit ADDR]\n");
		return 2;
	}
	s = quit_socket();
	if (s < 0)
		return 1;
	printf("ready\n");
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &len);

		if (n < 0) {
			printf("FAIL: recvfrom: %s\n", strerror(errno));
			return 1;
		}
		if (n != 4 || memcmp(buf, "quit", 4)) {
			printf("ignored a datagram of %zd bytes\n", n);
			continue;
		}
		/* Each "quit" is answered: the peer resends it until a "bye"
		 * comes back. */
		if (sendto(s, "bye", 3, 0, (struct sockaddr *)&from, len) != 3) {
			printf("FAIL: sendto: %s\n", strerror(errno));
			return 1;
		}
		printf("quit from %s\n", inet_ntoa(from.sin_addr));
		/* Exit at once: exit() must still get the "bye" out (it
		 * waits for the device to take every frame sent). */
		break;
	}
	close(s);
	return 0;
}
