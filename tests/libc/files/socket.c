// SPDX-License-Identifier: MIT
/* Sockets within the program: AF_UNIX socketpairs (stream and datagram,
 * shutdown, MSG_PEEK, MSG_DONTWAIT, a descriptor's readiness), AF_UNIX
 * sockets bound to a path, TCP and UDP over 127.0.0.1 without any network
 * device, socket options and names, sendfile from a file. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"

static void pairs(void)
{
	int sv[2];
	char b[32];

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK(send(sv[0], "hello", 5, 0) == 5);
	CHECK(recv(sv[1], b, 3, MSG_PEEK) == 3);
	CHECK(recv(sv[1], b, sizeof(b), 0) == 5);
	printf("stream pair %.5s\n", b);
	CHECK(write(sv[1], "back", 4) == 4);
	CHECK(read(sv[0], b, sizeof(b)) == 4);
	CHECK_ERR(recv(sv[0], b, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_OK(shutdown(sv[1], SHUT_WR));
	CHECK(recv(sv[0], b, 1, 0) == 0);
	int type;
	socklen_t len = sizeof(type);
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len));
	CHECK(type == SOCK_STREAM);
	close(sv[0]);
	CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[1]);
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	CHECK(fcntl(sv[0], F_GETFD) == FD_CLOEXEC);
	CHECK(send(sv[0], "one", 3, 0) == 3);
	CHECK(send(sv[0], "two!", 4, 0) == 4);
	CHECK(recv(sv[1], b, 2, 0) == 2); /* the rest of "one" is lost */
	CHECK(recv(sv[1], b, sizeof(b), 0) == 4);
	printf("datagram pair %.4s\n", b);
	close(sv[0]);
	close(sv[1]);
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
}

static void unix_path(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	strcpy(a.sun_path, "sock");
	CHECK(s >= 0);
	CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(s, 4));
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	int x = accept(s, NULL, NULL);
	CHECK(x >= 0);
	CHECK(write(c, "via path", 8) == 8);
	char b[16];
	CHECK(read(x, b, sizeof(b)) == 8);
	printf("unix path %.8s\n", b);
	close(x);
	close(c);
	close(s);
	CHECK_OK(unlink("sock"));
}

static void *echo(void *arg)
{
	int s = *(int *)arg, c = accept(s, NULL, NULL);
	char b[256];
	ssize_t n;

	CHECK(c >= 0);
	while ((n = read(c, b, sizeof(b))) > 0)
		CHECK(write(c, b, n) == n);
	close(c);
	return NULL;
}

static void tcp(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	CHECK(s >= 0);
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(s, (struct sockaddr *)&a, &len));
	CHECK(a.sin_port != 0);
	CHECK_OK(listen(s, 4));
	pthread_t t;
	CHECK(pthread_create(&t, NULL, echo, &s) == 0);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK_OK(connect(c, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	struct sockaddr_in peer;
	len = sizeof(peer);
	CHECK_OK(getpeername(c, (struct sockaddr *)&peer, &len));
	CHECK(peer.sin_port == a.sin_port);
	char ip[INET_ADDRSTRLEN];
	printf("tcp peer %s\n",
	       inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip)));
	/* sendfile from a file into the connection. */
	int f = open("payload", O_CREAT | O_RDWR, 0644);
	CHECK(write(f, "0123456789abcdef", 16) == 16);
	off_t off = 4;
	CHECK(sendfile(c, f, &off, 8) == 8 && off == 12);
	char b[32];
	size_t got = 0;
	while (got < 8) {
		ssize_t n = read(c, b + got, sizeof(b) - got);
		CHECK(n > 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	printf("sendfile echoed %.8s\n", b);
	close(f);
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK(read(c, b, sizeof(b)) == 0);
	pthread_join(t, NULL);
	close(c);
	close(s);
	int err;
	len = sizeof(err);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	close(c);
	(void)err;
}

static void udp(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	CHECK(s >= 0);
	CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(s, (struct sockaddr *)&a, &len));
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(sendto(c, "dgram", 5, 0, (struct sockaddr *)&a, sizeof(a)) == 5);
	char b[16];
	struct sockaddr_in from;
	len = sizeof(from);
	struct pollfd p = {.fd = s, .events = POLLIN};
	CHECK(poll(&p, 1, 5000) == 1);
	CHECK(recvfrom(s, b, sizeof(b), 0, (struct sockaddr *)&from, &len) ==
	      5);
	printf("udp %.5s from loopback %d\n", b,
	       from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	close(c);
	close(s);
}

int test_socket(void)
{
	pairs();
	unix_path();
	tcp();
	udp();
	return 0;
}
