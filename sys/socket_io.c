// SPDX-License-Identifier: MIT
/*
 * Sending and receiving on sockets: sendto, recvfrom, sendmsg, recvmsg,
 * recvmmsg, all one vector call into the socket's family. A send that
 * finds the connection gone raises SIGPIPE unless MSG_NOSIGNAL says not
 * to. There is no ancillary data: descriptors (SCM_RIGHTS) cannot be
 * passed, which sendmsg() says (EOPNOTSUPP) rather than send the bytes
 * without them; other control messages (credentials, IP options) are
 * checked and ignored, and nothing comes back in msg_control. (The C
 * library makes sendmmsg of sendmsg.)
 */
#define _GNU_SOURCE		/* struct mmsghdr, MSG_WAITFORONE */
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include <kernel/socket.h>
#include <kernel/vfs.h>
#include <toro/time.h>

#include "socket_impl.h"
#include "sys_impl.h"
#include "time_impl.h"

/* MSG_* to the kernel's flags; -EOPNOTSUPP for out-of-band data. */
static int kernel_flags(int flags)
{
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	return (flags & MSG_PEEK ? SOCK_PEEK : 0) |
	       (flags & MSG_DONTWAIT ? SOCK_DONTWAIT : 0) |
	       (flags & MSG_WAITALL ? SOCK_WAITALL : 0) |
	       (flags & MSG_MORE ? SOCK_MORE : 0) |
	       (flags & MSG_TRUNC ? SOCK_TRUNC : 0);
}

/* A vector the caller may use: at most IOV_MAX entries whose lengths do
 * not sum past SSIZE_MAX, each buffer readable or (write) writable. */
static int check_vec(const struct iovec *iov, int n, bool write)
{
	size_t total = 0;

	if (n < 0 || n > IOV_MAX)
		return -EMSGSIZE;
	if (!user_readable(iov, n * sizeof(*iov)))
		return -EFAULT;
	for (int i = 0; i < n; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
		if (write ? !user_writable(iov[i].iov_base, iov[i].iov_len) :
			    !user_readable(iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
	}
	return 0;
}

static long send_vec(int fd, const struct iovec *iov, int n, int flags,
		     const struct sockaddr *to, socklen_t tolen)
{
	struct sock_addr a;
	struct vfs_file *f;
	int kf = kernel_flags(flags), rc;
	long sent;

	if (kf < 0)
		return kf;
	if (to) {
		rc = sockaddr_in_kernel(to, tolen, &a);
		if (rc)
			return rc;
	}
	f = socket_file(fd, &rc);
	if (!f)
		return rc;
	sent = socket_ops_of(f)->sendmsg(f, iov, n, kf, to ? &a : NULL);
	vfs_file_put(f);
	return flags & MSG_NOSIGNAL ? sent : sys_epipe(fd, sent);
}

static long recv_vec(int fd, const struct iovec *iov, int n, int *flags,
		     struct sockaddr *from, socklen_t *fromlen)
{
	struct sock_addr a = { 0 };
	struct vfs_file *f;
	int kf = kernel_flags(*flags), rc;
	long got;

	if (kf < 0)
		return kf;
	if (from && (!fromlen || !user_writable(fromlen, sizeof(*fromlen))))
		return -EFAULT;
	f = socket_file(fd, &rc);
	if (!f)
		return rc;
	got = socket_ops_of(f)->recvmsg(f, iov, n, &kf, from ? &a : NULL);
	vfs_file_put(f);
	*flags = kf & SOCK_TRUNC ? MSG_TRUNC : 0;
	if (got >= 0 && from) {
		rc = sockaddr_out(&a, from, fromlen);
		if (rc)
			return rc;
	}
	return got;
}

SYSCALL_DEFINE6(sendto, int, fd, const void *, buf, size_t, n, int, flags,
		const struct sockaddr *, to, socklen_t, tolen)
{
	struct iovec v = { (void *)buf, n };

	if (!user_readable(buf, n))
		return -EFAULT;
	return send_vec(fd, &v, 1, flags, to, tolen);
}

SYSCALL_DEFINE6(recvfrom, int, fd, void *, buf, size_t, n, int, flags,
		struct sockaddr *, from, socklen_t *, fromlen)
{
	struct iovec v = { buf, n };

	if (!user_writable(buf, n))
		return -EFAULT;
	return recv_vec(fd, &v, 1, &flags, from, fromlen);
}

/* The control messages of (msg): -EINVAL for a malformed one, and
 * -EOPNOTSUPP for descriptors to pass. */
static int check_control(const struct msghdr *msg)
{
	const char *at = msg->msg_control;
	size_t left = msg->msg_controllen;

	if (!left)
		return 0;
	if (!user_readable(at, left))
		return -EFAULT;
	while (left >= sizeof(struct cmsghdr)) {
		const struct cmsghdr *c = (const struct cmsghdr *)at;
		size_t step = CMSG_ALIGN(c->cmsg_len);

		if (c->cmsg_len < sizeof(*c) || c->cmsg_len > left)
			return -EINVAL;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			return -EOPNOTSUPP;
		if (step >= left)
			break;
		at += step;
		left -= step;
	}
	return 0;
}

SYSCALL_DEFINE3(sendmsg, int, fd, const struct msghdr *, msg, int, flags)
{
	int rc;

	if (!user_readable(msg, sizeof(*msg)))
		return -EFAULT;
	rc = check_control(msg);
	if (rc)
		return rc;
	rc = check_vec(msg->msg_iov, msg->msg_iovlen, false);
	if (rc)
		return rc;
	return send_vec(fd, msg->msg_iov, msg->msg_iovlen, flags,
			msg->msg_name, msg->msg_namelen);
}

static long recv_msg(int fd, struct msghdr *msg, int flags)
{
	int rc;
	long got;

	if (!user_writable(msg, sizeof(*msg)))
		return -EFAULT;
	rc = check_vec(msg->msg_iov, msg->msg_iovlen, true);
	if (rc)
		return rc;
	got = recv_vec(fd, msg->msg_iov, msg->msg_iovlen, &flags,
		       msg->msg_name,
		       msg->msg_name ? &msg->msg_namelen : NULL);
	if (got >= 0) {
		msg->msg_flags = flags;
		msg->msg_controllen = 0;
	}
	return got;
}

SYSCALL_DEFINE3(recvmsg, int, fd, struct msghdr *, msg, int, flags)
{
	return recv_msg(fd, msg, flags);
}

/*
 * Messages one by one, as recvmsg takes them, until (n) (at most
 * IOV_MAX, 1024, as Linux) or one would wait after MSG_WAITFORONE. As on Linux, (timeout)
 * is looked at only after each message (the first may wait for ever) and
 * gets the time that was left; an error after some messages is dropped:
 * their count is the answer.
 */
SYSCALL_DEFINE5(recvmmsg, int, fd, struct mmsghdr *, vec, unsigned, n,
		int, flags, struct timespec *, timeout)
{
	uint64_t deadline = 0, now;
	unsigned i = 0;
	long got = 0;

	if (timeout) {
		got = timespec_deadline(timeout, &deadline);
		if (got)
			return got;
	}
	if (n > IOV_MAX)	/* Linux's UIO_MAXIOV */
		n = IOV_MAX;
	if (!user_writable(vec, n * sizeof(*vec)))
		return -EFAULT;
	while (i < n) {
		got = recv_msg(fd, &vec[i].msg_hdr, flags);
		if (got < 0)
			break;
		vec[i++].msg_len = (unsigned)got;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (timeout && clock_ns() >= deadline)
			break;
	}
	if (timeout) {
		now = clock_ns();
		ns_timespec(deadline > now ? deadline - now : 0, timeout);
	}
	return i ? (long)i : got;
}
