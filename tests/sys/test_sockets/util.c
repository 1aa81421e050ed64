// SPDX-License-Identifier: MIT
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int bound(int type, uint16_t *port)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, type, 0);

	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0) {
		close(s);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return s;
}

int listener(uint16_t *port)
{
	int s = bound(SOCK_STREAM, port);

	if (s >= 0 && listen(s, 16) < 0) {
		close(s);
		return -1;
	}
	return s;
}

int udp_bound(uint16_t *port)
{
	return bound(SOCK_DGRAM, port);
}

int tcp_pair(int *client, int *server)
{
	uint16_t port;
	int l = listener(&port), c;
	struct sockaddr_in a = loopback(port);

	if (l < 0)
		return -1;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(l);
		return -1;
	}
	*server = accept(l, NULL, NULL);
	close(l);
	if (*server < 0) {
		close(c);
		return -1;
	}
	*client = c;
	return 0;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
