// SPDX-License-Identifier: MIT
/*
 * setsockopt()/getsockopt(): the (level, name) pairs Toro's sockets have,
 * with their values converted to the kernel's ints (include/kernel/
 * socket.h). Anything else is ENOPROTOOPT, so a program learns that an
 * option it asked for does not exist rather than believing it took.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <kernel/socket.h>

#include "errno_impl.h"

enum value_kind { V_INT, V_TIMEVAL, V_LINGER };

struct known {
	int level, name;
	enum sock_option opt;
	enum value_kind kind;
};

static const struct known known[] = {
	{ SOL_SOCKET, SO_REUSEADDR, SOCKOPT_REUSEADDR, V_INT },
	{ SOL_SOCKET, SO_KEEPALIVE, SOCKOPT_KEEPALIVE, V_INT },
	{ SOL_SOCKET, SO_BROADCAST, SOCKOPT_BROADCAST, V_INT },
	{ SOL_SOCKET, SO_LINGER, SOCKOPT_LINGER, V_LINGER },
	{ SOL_SOCKET, SO_RCVTIMEO, SOCKOPT_RCVTIMEO, V_TIMEVAL },
	{ SOL_SOCKET, SO_SNDTIMEO, SOCKOPT_SNDTIMEO, V_TIMEVAL },
	{ SOL_SOCKET, SO_ERROR, SOCKOPT_ERROR, V_INT },
	{ SOL_SOCKET, SO_TYPE, SOCKOPT_TYPE, V_INT },
	{ SOL_SOCKET, SO_ACCEPTCONN, SOCKOPT_ACCEPTCONN, V_INT },
	{ IPPROTO_TCP, TCP_NODELAY, SOCKOPT_NODELAY, V_INT },
	{ IPPROTO_TCP, TCP_KEEPIDLE, SOCKOPT_KEEPIDLE, V_INT },
	{ IPPROTO_TCP, TCP_KEEPINTVL, SOCKOPT_KEEPINTVL, V_INT },
	{ IPPROTO_TCP, TCP_KEEPCNT, SOCKOPT_KEEPCNT, V_INT },
};

static const struct known *lookup(int level, int name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].level == level && known[i].name == name)
			return &known[i];
	return NULL;
}


static size_t value_size(enum value_kind kind)
{
	return kind == V_TIMEVAL ? sizeof(struct timeval)
	       : kind == V_LINGER ? sizeof(struct linger) : sizeof(int);
}

/* The caller's value to the kernel's int; -EDOM for a bad timeval. */
static int to_int(enum value_kind kind, const void *value, int *out)
{
	const struct timeval *tv = value;
	const struct linger *l = value;
	long long ms;

	switch (kind) {
	case V_TIMEVAL:
		if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
			return -EDOM;
		/* Rounded up: 500 us must not become 0, "no timeout". */
		ms = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
		*out = ms > INT_MAX ? INT_MAX : (int)ms;
		return 0;
	case V_LINGER:
		*out = l->l_onoff ? (l->l_linger < 0 ? 0 : l->l_linger) : -1;
		return 0;
	default:
		memcpy(out, value, sizeof(*out));
		return 0;
	}
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	const struct known *k = lookup(level, name);
	int v, rc;

	if (!k)
		return (int)errno_result(-ENOPROTOOPT);
	if (!value)
		return (int)errno_result(-EFAULT);
	if (len < value_size(k->kind))
		return (int)errno_result(-EINVAL);
	rc = to_int(k->kind, value, &v);
	return (int)errno_result(rc ? rc : sock_setopt(fd, k->opt, v));
}

int getsockopt(int fd, int level, int name, void *restrict value,
	       socklen_t *restrict len)
{
	const struct known *k = lookup(level, name);
	union {
		int i;
		struct timeval tv;
		struct linger l;
	} out;
	size_t size;
	int v, rc;

	if (!k)
		return (int)errno_result(-ENOPROTOOPT);
	if (!value || !len)
		return (int)errno_result(-EFAULT);
	rc = sock_getopt(fd, k->opt, &v);
	if (rc < 0)
		return (int)errno_result(rc);
	switch (k->kind) {
	case V_TIMEVAL:
		out.tv.tv_sec = v / 1000;
		out.tv.tv_usec = (v % 1000) * 1000;
		break;
	case V_LINGER:
		out.l.l_onoff = v >= 0;
		out.l.l_linger = v >= 0 ? v : 0;
		break;
	default:
		out.i = k->opt != SOCKOPT_TYPE ? v
			: v == SOCK_KIND_TCP ? SOCK_STREAM : SOCK_DGRAM;
		break;
	}
	size = value_size(k->kind);
	memcpy(value, &out, *len < size ? *len : size);
	*len = (socklen_t)size;
	return 0;
}
