// SPDX-License-Identifier: MIT
/*
 * --forward HOST:GUEST: a TCP listener on 127.0.0.1:HOST whose every
 * connection goes to the guest's vsock port GUEST, without the detour of
 * a CONNECT line on PATH (what the original Toro did with socat).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vsock.h"

struct forward {
	struct ev ev; /* first: the epoll pointer is the forward */
	uint32_t guest_port;
};

/* "HOST:GUEST" -> a listener; 0, or -EINVAL / -errno. */
int forward_add(const char *spec)
{
	unsigned int host, guest;
	char end;
	if (sscanf(spec, "%u:%u%c", &host, &guest, &end) != 2 || !host ||
	    host > 65535 || guest == 0xffffffffu)
		return -EINVAL;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(host),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128)) {
		int e = errno;
		close(fd);
		return -e;
	}
	struct forward *f = malloc(sizeof(*f));
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	f->ev.kind = EV_TCP_LISTEN;
	f->ev.fd = fd;
	f->guest_port = guest;
	return ev_add(&f->ev, EPOLLIN);
}

void forward_accept(struct ev *e)
{
	struct forward *f = (struct forward *)e;
	for (;;) {
		int fd = accept4(e->fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		/* requests and answers are small: do not hold them back */
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (conn_from_host(fd, false, f->guest_port))
			close(fd);
	}
}
