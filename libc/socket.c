// SPDX-License-Identifier: MIT
/*
 * The BSD socket calls (<sys/socket.h>, <poll.h>, <sys/select.h>): they
 * check and convert the caller's structures (Linux layouts) and call the
 * kernel's sockets (include/kernel/socket.h), turning -errno into errno
 * and -1.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <kernel/socket.h>

/* Any socket links the vector I/O on sockets (socket_msg.c, found by
 * its sendmsg), to which readv/writev (uio.c) only refer weakly. */
static ssize_t (*const link_socket_msg)(int, const struct msghdr *, int)
	__attribute__((used)) = sendmsg;

#include "errno_impl.h"

/* The caller's address to ours: -EFAULT, -EINVAL (too short),
 * -EAFNOSUPPORT. */
static int addr_in(const struct sockaddr *sa, socklen_t len,
		   struct sock_addr *a)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

	if (!sa)
		return -EFAULT;
	if (len < sizeof(sa_family_t))
		return -EINVAL;
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
static void addr_out(const struct sock_addr *a, struct sockaddr *sa,
		     socklen_t *len)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = a->port,
		.sin_addr.s_addr = a->ip,
	};

	if (!sa || !len)
		return;
	memcpy(sa, &sin, *len < sizeof(sin) ? *len : sizeof(sin));
	*len = sizeof(sin);
}

int socket(int domain, int type, int protocol)
{
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (domain != AF_INET)
		return (int)errno_result(domain == AF_INET6 || domain == AF_UNIX
					   ? -EAFNOSUPPORT : -EINVAL);
	if (kind == SOCK_STREAM && (!protocol || protocol == IPPROTO_TCP))
		return (int)errno_result(sock_open(SOCK_KIND_TCP,
					     type & SOCK_NONBLOCK));
	if (kind == SOCK_DGRAM && (!protocol || protocol == IPPROTO_UDP))
		return (int)errno_result(sock_open(SOCK_KIND_UDP,
					     type & SOCK_NONBLOCK));
	if (kind != SOCK_STREAM && kind != SOCK_DGRAM)
		return (int)errno_result(kind == SOCK_RAW ? -EPROTONOSUPPORT
						    : -EINVAL);
	return (int)errno_result(-EPROTONOSUPPORT);
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	(void)type;
	(void)protocol;
	(void)sv;
	/* Only AF_UNIX has pairs, and there are no AF_UNIX sockets. */
	return (int)errno_result(domain == AF_UNIX ? -EAFNOSUPPORT
						   : -EOPNOTSUPP);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock_addr a;
	int rc = addr_in(addr, len, &a);

	return (int)errno_result(rc ? rc : sock_bind(fd, &a));
}

int listen(int fd, int backlog)
{
	if (backlog < 0)
		backlog = 0;
	return (int)errno_result(sock_listen(fd,
					     backlog > 255 ? 255 : backlog));
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len,
	    int flags)
{
	struct sock_addr peer;
	int rc;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return (int)errno_result(-EINVAL);
	if (addr && !len)
		return (int)errno_result(-EFAULT);
	rc = sock_accept(fd, &peer, flags & SOCK_NONBLOCK);
	if (rc >= 0)
		addr_out(&peer, addr, len);
	return (int)errno_result(rc);
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock_addr a;
	int rc = addr_in(addr, len, &a);

	return (int)errno_result(rc ? rc : sock_connect(fd, &a));
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

ssize_t sendto(int fd, const void *buf, size_t n, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	struct sock_addr a;
	int f = msg_flags(flags), rc = 0;

	if (f < 0)
		return errno_result(f);
	if (to)
		rc = addr_in(to, tolen, &a);
	return errno_result(rc ? rc
			    : sock_sendto(fd, buf, n, f, to ? &a : NULL));
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	return sendto(fd, buf, n, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *restrict buf, size_t n, int flags,
		 struct sockaddr *restrict from, socklen_t *restrict fromlen)
{
	struct sock_addr a;
	int f = msg_flags(flags);
	ssize_t rc;

	if (f < 0)
		return errno_result(f);
	if (from && !fromlen)
		return errno_result(-EFAULT);
	rc = sock_recvfrom(fd, buf, n, f, from ? &a : NULL);
	if (rc >= 0 && from)
		addr_out(&a, from, fromlen);
	return errno_result(rc);
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	return recvfrom(fd, buf, n, flags, NULL, NULL);
}

int shutdown(int fd, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return (int)errno_result(-EINVAL);
	return (int)errno_result(sock_shutdown(fd, how == SHUT_RD ? SOCK_SHUT_RD
					 : how == SHUT_WR ? SOCK_SHUT_WR
							  : SOCK_SHUT_RDWR));
}

static int name_call(int fd, struct sockaddr *addr, socklen_t *len,
		     int (*call)(int, struct sock_addr *))
{
	struct sock_addr a;
	int rc;

	if (!addr || !len)
		return (int)errno_result(-EFAULT);
	rc = call(fd, &a);
	if (rc == 0)
		addr_out(&a, addr, len);
	return (int)errno_result(rc);
}

int getsockname(int fd, struct sockaddr *restrict addr,
		socklen_t *restrict len)
{
	return name_call(fd, addr, len, sock_name);
}

int getpeername(int fd, struct sockaddr *restrict addr,
		socklen_t *restrict len)
{
	return name_call(fd, addr, len, sock_peer);
}
