// SPDX-License-Identifier: MIT
/*
 * Vector I/O on sockets: sendmsg/recvmsg, and readv/writev when their
 * descriptor is a socket (libc/uio.c). A TCP send is a sequence of sends,
 * all but the last with MSG_MORE so they still leave in full segments,
 * that stops at the first short one (the count covers a prefix of the
 * buffers). Receives, and datagrams either way, go through one flat
 * buffer: one receive takes what has arrived (a second could wait for
 * data that never comes) and a datagram must leave and arrive whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "socket_impl.h"

static ssize_t fail(int err)
{
	errno = err;
	return -1;
}

static int type_of(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ? -1 : type;
}

/* One piece of a TCP send: MSG_MORE while more follows. */
static ssize_t send_one(int fd, void *buf, size_t n, bool more, int flags)
{
	return send(fd, buf, n, flags | (more ? MSG_MORE : 0));
}

static ssize_t send_flat(int fd, const struct iovec *iov, long n,
			 size_t total, int flags, const struct sockaddr *to,
			 socklen_t tolen)
{
	char *flat = malloc(total ? total : 1), *p = flat;
	ssize_t rc;

	if (!flat)
		return fail(ENOMEM);
	for (long i = 0; i < n; i++) {
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	rc = sendto(fd, flat, total, flags, to, tolen);
	free(flat);
	return rc;
}

static ssize_t recv_flat(int fd, const struct iovec *iov, long n,
			 size_t total, int flags, struct sockaddr *from,
			 socklen_t *fromlen)
{
	char *flat = malloc(total ? total : 1);
	const char *p = flat;
	ssize_t got;
	size_t left;

	if (!flat)
		return fail(ENOMEM);
	got = recvfrom(fd, flat, total, flags, from, fromlen);
	left = got > 0 ? (size_t)got : 0;
	for (long i = 0; left && i < n; i++) {
		size_t part = iov[i].iov_len < left ? iov[i].iov_len : left;

		memcpy(iov[i].iov_base, p, part);
		p += part;
		left -= part;
	}
	free(flat);
	return got;
}

/* What sendmsg and recvmsg check first: the message, its vector (the
 * total length in (*total)) and the socket's type, or -1 with errno. */
static int msg_check(int fd, const struct msghdr *msg, ssize_t *total)
{
	if (!msg)
		return (int)fail(EFAULT);
	*total = iov_total(msg->msg_iov, (long)msg->msg_iovlen);
	return *total < 0 ? -1 : type_of(fd);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t total;
	int type = msg_check(fd, msg, &total);

	if (type < 0)
		return -1;
	if (type == SOCK_STREAM && !msg->msg_name)
		return iov_each(fd, msg->msg_iov, (long)msg->msg_iovlen,
				send_one, flags);
	return send_flat(fd, msg->msg_iov, (long)msg->msg_iovlen,
			 (size_t)total, flags, msg->msg_name,
			 msg->msg_namelen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t total;
	int type = msg_check(fd, msg, &total);

	if (type < 0)
		return -1;
	msg->msg_flags = 0;
	msg->msg_controllen = 0;	/* no ancillary data */
	if (type == SOCK_STREAM) {
		if (msg->msg_name &&
		    getpeername(fd, msg->msg_name, &msg->msg_namelen) < 0)
			return -1;
		return recv_flat(fd, msg->msg_iov, (long)msg->msg_iovlen,
				 (size_t)total, flags, NULL, NULL);
	}
	return recv_flat(fd, msg->msg_iov, (long)msg->msg_iovlen,
			 (size_t)total, flags, msg->msg_name,
			 msg->msg_name ? &msg->msg_namelen : NULL);
}

ssize_t socket_readv(int fd, const struct iovec *iov, int n)
{
	return recvmsg(fd, &(struct msghdr){ .msg_iov = (struct iovec *)iov,
					     .msg_iovlen = (size_t)n }, 0);
}

ssize_t socket_writev(int fd, const struct iovec *iov, int n)
{
	return sendmsg(fd, &(struct msghdr){ .msg_iov = (struct iovec *)iov,
					     .msg_iovlen = (size_t)n }, 0);
}
