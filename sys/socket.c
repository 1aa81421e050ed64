// SPDX-License-Identifier: MIT
/*
 * The socket calls: socket, socketpair, bind, listen, accept, accept4,
 * connect, sendto, recvfrom, sendmsg, recvmsg, shutdown, getsockname,
 * getpeername, setsockopt, getsockopt. They check and convert the
 * caller's structures (Linux layouts) and call the kernel's sockets
 * (include/kernel/socket.h), whose types are its own.
 */
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

/* The caller's address to ours: -EFAULT, -EINVAL (too short),
 * -EAFNOSUPPORT. */
static int addr_in(const struct sockaddr *sa, socklen_t len,
		   struct sock_addr *a)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

	if (len < sizeof(sa_family_t))
		return -EINVAL;
	if (!user_readable(sa, len < sizeof(*sin) ? len : sizeof(*sin)))
		return -EFAULT;
	if (sa->sa_family != AF_INET)
		return -EAFNOSUPPORT;
	if (len < sizeof(*sin))
		return -EINVAL;
	a->ip = sin->sin_addr.s_addr;
	a->port = sin->sin_port;
	return 0;
}

/* Ours to the caller's: as much as (*len) allows, and (*len) set to the
 * full size, as POSIX says. */
static int addr_out(const struct sock_addr *a, struct sockaddr *sa,
		    socklen_t *len)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = a->port,
		.sin_addr.s_addr = a->ip,
	};

	if (!sa || !len)
		return 0;
	if (!user_writable(len, sizeof(*len)) || (int)*len < 0)
		return -EFAULT;
	size_t n = *len < sizeof(sin) ? *len : sizeof(sin);

	if (!user_writable(sa, n))
		return -EFAULT;
	memcpy(sa, &sin, n);
	*len = sizeof(sin);
	return 0;
}

SYSCALL_DEFINE3(socket, int, domain, int, type, int, protocol)
{
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd;

	if (domain != AF_INET)
		return domain == AF_INET6 || domain == AF_UNIX ?
			       -EAFNOSUPPORT : -EINVAL;
	if (kind == SOCK_STREAM && (!protocol || protocol == IPPROTO_TCP))
		fd = sock_open(SOCK_KIND_TCP, type & SOCK_NONBLOCK);
	else if (kind == SOCK_DGRAM && (!protocol || protocol == IPPROTO_UDP))
		fd = sock_open(SOCK_KIND_UDP, type & SOCK_NONBLOCK);
	else if (kind != SOCK_STREAM && kind != SOCK_DGRAM)
		return kind == SOCK_RAW ? -EPROTONOSUPPORT : -EINVAL;
	else
		return -EPROTONOSUPPORT;
	if (fd >= 0 && (type & SOCK_CLOEXEC))
		fd_set_cloexec(fd, true);
	return fd;
}

SYSCALL_DEFINE4(socketpair, int, domain, int, type, int, protocol, int *, sv)
{
	return domain == AF_UNIX ? -EAFNOSUPPORT : -EOPNOTSUPP;
}

SYSCALL_DEFINE3(bind, int, fd, const struct sockaddr *, addr, socklen_t, len)
{
	struct sock_addr a;
	int rc = addr_in(addr, len, &a);

	return rc ? rc : sock_bind(fd, &a);
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	if (backlog < 0)
		backlog = 0;
	return sock_listen(fd, backlog > 255 ? 255 : backlog);
}

SYSCALL_DEFINE4(accept4, int, fd, struct sockaddr *, addr, socklen_t *, len,
		int, flags)
{
	struct sock_addr peer;
	int rc;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (addr && (!len || !user_writable(len, sizeof(*len))))
		return -EFAULT;
	rc = sock_accept(fd, &peer, flags & SOCK_NONBLOCK);
	if (rc >= 0) {
		if (flags & SOCK_CLOEXEC)
			fd_set_cloexec(rc, true);
		int err = addr_out(&peer, addr, len);

		if (err) {
			fd_close(rc);
			return err;
		}
	}
	return rc;
}

SYSCALL_DEFINE3(accept, int, fd, struct sockaddr *, addr, socklen_t *, len)
{
	return sys_accept4(fd, (long)addr, (long)len, 0, 0, 0);
}

SYSCALL_DEFINE3(connect, int, fd, const struct sockaddr *, addr, socklen_t,
		len)
{
	struct sock_addr a;
	int rc = addr_in(addr, len, &a);

	return rc ? rc : sock_connect(fd, &a);
}

/* MSG_* to the kernel's flags; -EOPNOTSUPP for out-of-band data. */
static int msg_flags(int flags)
{
	int out = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (flags & MSG_PEEK)
		out |= SOCK_PEEK;
	if (flags & MSG_DONTWAIT)
		out |= SOCK_DONTWAIT;
	if (flags & MSG_WAITALL)
		out |= SOCK_WAITALL;
	if (flags & MSG_MORE)
		out |= SOCK_MORE;
	return out;
}

/* A send that finds the connection gone raises SIGPIPE, unless the
 * caller said MSG_NOSIGNAL. */
static long send_result(long rc, int flags)
{
	return flags & MSG_NOSIGNAL ? rc : sys_epipe(rc);
}

SYSCALL_DEFINE6(sendto, int, fd, const void *, buf, size_t, n, int, flags,
		const struct sockaddr *, to, socklen_t, tolen)
{
	struct sock_addr a;
	int f = msg_flags(flags), rc = 0;

	if (f < 0)
		return f;
	if (!user_readable(buf, n))
		return -EFAULT;
	if (to)
		rc = addr_in(to, tolen, &a);
	return rc ? rc : send_result(sock_sendto(fd, buf, n, f,
						 to ? &a : NULL), flags);
}

SYSCALL_DEFINE6(recvfrom, int, fd, void *, buf, size_t, n, int, flags,
		struct sockaddr *, from, socklen_t *, fromlen)
{
	struct sock_addr a;
	int f = msg_flags(flags);
	long rc;

	if (f < 0)
		return f;
	if (from && (!fromlen || !user_writable(fromlen, sizeof(*fromlen))))
		return -EFAULT;
	if (!user_writable(buf, n))
		return -EFAULT;
	rc = sock_recvfrom(fd, buf, n, f, from ? &a : NULL);
	if (rc >= 0 && from) {
		int err = addr_out(&a, from, fromlen);

		if (err)
			return err;
	}
	return rc;
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	return sock_shutdown(fd, how == SHUT_RD ? SOCK_SHUT_RD :
				 how == SHUT_WR ? SOCK_SHUT_WR :
						  SOCK_SHUT_RDWR);
}

static long name_call(int fd, struct sockaddr *addr, socklen_t *len,
		      int (*call)(int, struct sock_addr *))
{
	struct sock_addr a;
	int rc;

	if (!addr || !len)
		return -EFAULT;
	rc = call(fd, &a);
	return rc ? rc : addr_out(&a, addr, len);
}

SYSCALL_DEFINE3(getsockname, int, fd, struct sockaddr *, addr, socklen_t *,
		len)
{
	return name_call(fd, addr, len, sock_name);
}

SYSCALL_DEFINE3(getpeername, int, fd, struct sockaddr *, addr, socklen_t *,
		len)
{
	return name_call(fd, addr, len, sock_peer);
}

/* --- options ---------------------------------------------------------- */

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

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, const void *,
		value, socklen_t, len)
{
	const struct known *k = lookup(level, name);
	int v, rc;

	if (!k)
		return -ENOPROTOOPT;
	if (len < value_size(k->kind))
		return -EINVAL;
	if (!user_readable(value, value_size(k->kind)))
		return -EFAULT;
	rc = to_int(k->kind, value, &v);
	return rc ? rc : sock_setopt(fd, k->opt, v);
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, void *, value,
		socklen_t *, len)
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
		return -ENOPROTOOPT;
	if (!len || !user_writable(len, sizeof(*len)) || (int)*len < 0)
		return -EFAULT;
	rc = sock_getopt(fd, k->opt, &v);
	if (rc < 0)
		return rc;
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
	size = *len < size ? *len : size;
	if (!user_writable(value, size))
		return -EFAULT;
	memcpy(value, &out, size);
	*len = (socklen_t)value_size(k->kind);
	return 0;
}
