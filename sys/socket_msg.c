// SPDX-License-Identifier: MIT
/*
 * sendmsg() and recvmsg(): a message header and its vector, checked here,
 * then the kernel's vector send and receive (net/socket.c). There is no
 * ancillary data on these sockets: msg_control is ignored on send and
 * comes back empty.
 */
#include <limits.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>

#include <kernel/socket.h>

#include "sys_impl.h"

/* The message's vector: readable, at most IOV_MAX entries whose lengths
 * do not sum past SSIZE_MAX, each buffer usable as (write) says. */
static int check_msg(const struct msghdr *msg, bool write)
{
	size_t total = 0;

	if (!user_readable(msg, sizeof(*msg)))
		return -EFAULT;
	if (msg->msg_iovlen < 0 || msg->msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	if (!user_readable(msg->msg_iov,
			   msg->msg_iovlen * sizeof(struct iovec)))
		return -EFAULT;
	for (int i = 0; i < msg->msg_iovlen; i++) {
		const struct iovec *v = &msg->msg_iov[i];

		if (v->iov_len > (size_t)SSIZE_MAX - total)
			return -EINVAL;
		total += v->iov_len;
		if (write ? !user_writable(v->iov_base, v->iov_len) :
			    !user_readable(v->iov_base, v->iov_len))
			return -EFAULT;
	}
	return 0;
}

static int kernel_flags(int flags)
{
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	return (flags & MSG_PEEK ? SOCK_PEEK : 0) |
	       (flags & MSG_DONTWAIT ? SOCK_DONTWAIT : 0) |
	       (flags & MSG_WAITALL ? SOCK_WAITALL : 0) |
	       (flags & MSG_MORE ? SOCK_MORE : 0);
}

SYSCALL_DEFINE3(sendmsg, int, fd, const struct msghdr *, msg, int, flags)
{
	struct sock_addr to;
	int rc = check_msg(msg, false), f = kernel_flags(flags);

	if (rc)
		return rc;
	if (f < 0)
		return f;
	if (msg->msg_name) {
		const struct sockaddr_in *sin = msg->msg_name;

		if (msg->msg_namelen < sizeof(*sin))
			return -EINVAL;
		if (!user_readable(sin, sizeof(*sin)))
			return -EFAULT;
		if (sin->sin_family != AF_INET)
			return -EAFNOSUPPORT;
		to.ip = sin->sin_addr.s_addr;
		to.port = sin->sin_port;
	}
	long n = sock_sendmsg(fd, msg->msg_iov, (int)msg->msg_iovlen, f,
			      msg->msg_name ? &to : NULL);

	return flags & MSG_NOSIGNAL ? n : sys_epipe(n);
}

SYSCALL_DEFINE3(recvmsg, int, fd, struct msghdr *, msg, int, flags)
{
	struct sock_addr from;
	int rc = check_msg(msg, true), f = kernel_flags(flags);

	if (rc)
		return rc;
	if (f < 0)
		return f;
	if (!user_writable(msg, sizeof(*msg)))
		return -EFAULT;
	long n = sock_recvmsg(fd, msg->msg_iov, (int)msg->msg_iovlen, f,
			      msg->msg_name ? &from : NULL);

	if (n < 0)
		return n;
	msg->msg_flags = 0;
	msg->msg_controllen = 0;
	if (msg->msg_name) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_port = from.port,
					   .sin_addr.s_addr = from.ip };
		size_t len = msg->msg_namelen < sizeof(sin) ?
				     msg->msg_namelen : sizeof(sin);

		if (!user_writable(msg->msg_name, len))
			return -EFAULT;
		memcpy(msg->msg_name, &sin, len);
		msg->msg_namelen = sizeof(sin);
	}
	return n;
}
