// SPDX-License-Identifier: MIT
/*
 * Sockets as files (include/kernel/socket.h): each socket is a vfs_file
 * whose private data is an lwIP socket number, installed in the one
 * descriptor table, so read/write/close/dup work on it like on any file.
 * The calls look the descriptor up, convert our address to lwIP's
 * (which has a length byte) and call lwIP's socket layer, whose errno
 * values are ours (LWIP_ERRNO_STDINCLUDE).
 *
 * O_NONBLOCK lives in the file's flags, which fcntl() changes; lwIP keeps
 * its own copy per socket (for accept and connect), which set_flags below
 * keeps in step.
 */
#include <kernel/kerrno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/exit.h>
#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>
#include <toro/thread.h>

#include "lwip/sockets.h"

#include "net_impl.h"

static const struct vfs_file_ops sock_file_ops;

/* Sockets' data must not die with the VM: exit waits for it (drain.c). */
EXIT_CALL(net_drain);

/* A call that would have blocked yields before it says so: threads are
 * cooperative, and a program that polls with non-blocking calls would
 * otherwise keep its CPU from the threads that make progress (lwIP's
 * own, for a start). */
long lwip_result(long rc)
{
	int err;

	if (rc >= 0)
		return rc;
	err = errno ? errno : EIO;
	if (err == EAGAIN)
		thread_yield();
	return -err;
}

struct vfs_file *sock_file(int fd, int *err)
{
	struct vfs_file *f = fd_get(fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->ops != &sock_file_ops) {
		vfs_file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	return f;
}

/* Runs (expr) with (f) the socket file behind (fd), holding a
 * reference, and (s) its lwIP socket. */
#define ON_SOCK(fd, f, s, expr)                                                \
	({                                                                     \
		int err_;                                                      \
		long rc_;                                                      \
		struct vfs_file *f = sock_file(fd, &err_);                     \
		if (f) {                                                       \
			int s = lwip_of(f);                                    \
			rc_ = (expr);                                          \
			(void)s;                                               \
			vfs_file_put(f);                                       \
		} else {                                                       \
			rc_ = err_;                                            \
		}                                                              \
		rc_;                                                           \
	})

static void to_lwip(const struct sock_addr *a, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_port = a->port;
	sin->sin_addr.s_addr = a->ip;
}

static void from_lwip(const struct sockaddr_in *sin, struct sock_addr *a)
{
	a->ip = sin->sin_addr.s_addr;
	a->port = sin->sin_port;
}

static int set_nonblocking(int s, bool on)
{
	int arg = on;

	return (int)lwip_result(lwip_ioctl(s, (long)FIONBIO, &arg));
}

/* Wraps lwIP socket (s) in a file and a descriptor; closes (s) on
 * failure. */
static int install(int s, bool nonblock)
{
	struct vfs_file *f;
	int fd;

	if (nonblock && set_nonblocking(s, true) < 0) {
		lwip_close(s);
		return -EINVAL;
	}
	f = vfs_file_new(&sock_file_ops, (void *)(intptr_t)s,
			 O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (!f) {
		lwip_close(s);
		return -ENOMEM;
	}
	fd = fd_install(f);
	if (fd < 0)
		vfs_file_put(f);	/* closes (s) */
	return fd;
}

int sock_open(enum sock_kind kind, bool nonblock)
{
	int s;

	if (!net_netif())
		return -ENETDOWN;
	errno = 0;
	s = lwip_socket(AF_INET,
			kind == SOCK_KIND_TCP ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (s < 0)
		return (int)lwip_result(s);
	return install(s, nonblock);
}

int sock_bind(int fd, const struct sock_addr *a)
{
	struct sockaddr_in sin;

	to_lwip(a, &sin);
	return ON_SOCK(fd, f, s,
		       lwip_result(lwip_bind(s, (struct sockaddr *)&sin,
					     sizeof(sin))));
}

int sock_listen(int fd, int backlog)
{
	return ON_SOCK(fd, f, s, lwip_result(lwip_listen(s, backlog)));
}

static int accept_on(int s, struct sock_addr *peer, bool nonblock)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int c;

	errno = 0;
	c = lwip_accept(s, (struct sockaddr *)&sin, &len);
	if (c < 0)
		return (int)lwip_result(c);
	if (peer)
		from_lwip(&sin, peer);
	return install(c, nonblock);
}

int sock_accept(int fd, struct sock_addr *peer, bool nonblock)
{
	return ON_SOCK(fd, f, s, accept_on(s, peer, nonblock));
}

int sock_connect(int fd, const struct sock_addr *a)
{
	struct sockaddr_in sin;
	int rc;

	to_lwip(a, &sin);
	errno = 0;
	rc = ON_SOCK(fd, f, s,
		     lwip_result(lwip_connect(s, (struct sockaddr *)&sin,
					      sizeof(sin))));
	/* lwIP reports the reset that answers a SYN as a reset; to the
	 * caller nobody was listening. */
	return rc == -ECONNRESET ? -ECONNREFUSED : rc;
}

static int lwip_flags(struct vfs_file *f, int flags)
{
	int out = 0;

	if (flags & SOCK_PEEK)
		out |= MSG_PEEK;
	if ((flags & SOCK_DONTWAIT) || (f->flags & O_NONBLOCK))
		out |= MSG_DONTWAIT;
	if (flags & SOCK_MORE)
		out |= MSG_MORE;
	return out;
}

static ssize_t send_on(struct vfs_file *f, const void *buf, size_t n,
		       int flags, const struct sock_addr *to)
{
	struct sockaddr_in sin;

	errno = 0;
	if (!to)
		return lwip_result(lwip_send(lwip_of(f), buf, n,
					     lwip_flags(f, flags)));
	to_lwip(to, &sin);
	return lwip_result(lwip_sendto(lwip_of(f), buf, n, lwip_flags(f, flags),
				  (struct sockaddr *)&sin, sizeof(sin)));
}

ssize_t sock_sendto(int fd, const void *buf, size_t n, int flags,
		    const struct sock_addr *to)
{
	return ON_SOCK(fd, f, s, send_on(f, buf, n, flags, to));
}

static ssize_t recv_once(struct vfs_file *f, void *buf, size_t n, int flags,
			 struct sock_addr *from)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	ssize_t rc;

	errno = 0;
	rc = lwip_recvfrom(lwip_of(f), buf, n, lwip_flags(f, flags),
			   from ? (struct sockaddr *)&sin : NULL,
			   from ? &len : NULL);
	if (rc >= 0 && from)
		from_lwip(&sin, from);
	return lwip_result(rc);
}

/* SOCK_WAITALL: lwIP returns what one segment holds, so ask again until
 * (n) bytes, the end of the stream, or an error after some data. */
static ssize_t recv_on(struct vfs_file *f, void *buf, size_t n, int flags,
		       struct sock_addr *from)
{
	size_t done = 0;
	ssize_t rc;

	do {
		rc = recv_once(f, (char *)buf + done, n - done, flags, from);
		if (rc <= 0)
			return done ? (ssize_t)done : rc;
		done += (size_t)rc;
	} while ((flags & SOCK_WAITALL) && !(flags & SOCK_PEEK) && done < n);
	return (ssize_t)done;
}

ssize_t sock_recvfrom(int fd, void *buf, size_t n, int flags,
		      struct sock_addr *from)
{
	return ON_SOCK(fd, f, s, recv_on(f, buf, n, flags, from));
}

int sock_shutdown(int fd, enum sock_how how)
{
	static const int lwip_how[] = {
		[SOCK_SHUT_RD] = SHUT_RD,
		[SOCK_SHUT_WR] = SHUT_WR,
		[SOCK_SHUT_RDWR] = SHUT_RDWR,
	};

	if ((unsigned)how > SOCK_SHUT_RDWR)
		return -EINVAL;
	errno = 0;
	return ON_SOCK(fd, f, s, lwip_result(lwip_shutdown(s, lwip_how[how])));
}

static int name_of(int s, struct sock_addr *a, bool local)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int rc;

	errno = 0;
	rc = local ? lwip_getsockname(s, (struct sockaddr *)&sin, &len)
		   : lwip_getpeername(s, (struct sockaddr *)&sin, &len);
	if (rc == 0)
		from_lwip(&sin, a);
	return (int)lwip_result(rc);
}

int sock_name(int fd, struct sock_addr *a)
{
	return ON_SOCK(fd, f, s, name_of(s, a, true));
}

int sock_peer(int fd, struct sock_addr *a)
{
	return ON_SOCK(fd, f, s, name_of(s, a, false));
}

/* --- vector I/O ------------------------------------------------------- */

/* A TCP send of a vector is a sequence of sends, all but the last with
 * MSG_MORE so they still leave in full segments, that stops at the first
 * short one. Receives, and datagrams either way, go through one flat
 * buffer: one receive takes what has arrived (a second could wait for
 * data that never comes), and a datagram leaves and arrives whole. */
static ssize_t send_vec(struct vfs_file *f, const struct iovec *iov, int n,
			int flags, const struct sock_addr *to, bool stream)
{
	size_t total = 0;
	ssize_t rc;

	if (stream && !to) {
		ssize_t done = 0;
		int last = n - 1;

		while (last >= 0 && !iov[last].iov_len)
			last--;
		for (int i = 0; i <= last; i++) {
			if (!iov[i].iov_len)
				continue;
			rc = send_on(f, iov[i].iov_base, iov[i].iov_len,
				     flags | (i < last ? SOCK_MORE : 0), NULL);
			if (rc < 0)
				return done ? done : rc;
			done += rc;
			if ((size_t)rc < iov[i].iov_len)
				break;
		}
		return done;
	}
	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	char *flat = heap_alloc(total ? total : 1), *p = flat;

	if (!flat)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	rc = send_on(f, flat, total, flags, to);
	heap_free(flat);
	return rc;
}

static ssize_t recv_vec(struct vfs_file *f, const struct iovec *iov, int n,
			int flags, struct sock_addr *from)
{
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	char *flat = heap_alloc(total ? total : 1);
	const char *p = flat;

	if (!flat)
		return -ENOMEM;
	ssize_t got = recv_on(f, flat, total, flags, from);
	size_t left = got > 0 ? (size_t)got : 0;

	for (int i = 0; left && i < n; i++) {
		size_t part = iov[i].iov_len < left ? iov[i].iov_len : left;

		memcpy(iov[i].iov_base, p, part);
		p += part;
		left -= part;
	}
	heap_free(flat);
	return got;
}

static int kind_of(struct vfs_file *f)
{
	int type = 0;
	socklen_t len = sizeof(type);

	lwip_getsockopt(lwip_of(f), SOL_SOCKET, SO_TYPE, &type, &len);
	return type;
}

ssize_t sock_sendmsg(int fd, const struct iovec *iov, int n, int flags,
		     const struct sock_addr *to)
{
	return ON_SOCK(fd, f, s, send_vec(f, iov, n, flags, to,
					  kind_of(f) == SOCK_STREAM));
}

ssize_t sock_recvmsg(int fd, const struct iovec *iov, int n, int flags,
		     struct sock_addr *from)
{
	return ON_SOCK(fd, f, s, recv_vec(f, iov, n, flags, from));
}

/* --- the file operations ---------------------------------------------- */

static ssize_t sock_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	(void)off;
	return recv_on(f, buf, n, 0, NULL);
}

static ssize_t sock_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	(void)off;
	return send_on(f, buf, n, 0, NULL);
}

static ssize_t sock_readv(struct vfs_file *f, const struct iovec *iov, int n)
{
	return recv_vec(f, iov, n, 0, NULL);
}

static ssize_t sock_writev(struct vfs_file *f, const struct iovec *iov,
			   int n)
{
	return send_vec(f, iov, n, 0, NULL, kind_of(f) == SOCK_STREAM);
}

static int sock_fstat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_ino = (ino_t)lwip_of(f) + 1;
	st->st_blksize = 4096;
	return 0;
}

static int sock_set_flags(struct vfs_file *f, int flags)
{
	if ((flags ^ f->flags) & O_NONBLOCK)
		return set_nonblocking(lwip_of(f), flags & O_NONBLOCK);
	return 0;
}

static int sock_close(struct vfs_file *f)
{
	errno = 0;
	return (int)lwip_result(lwip_close(lwip_of(f)));
}

static const struct vfs_file_ops sock_file_ops = {
	.read = sock_read,
	.write = sock_write,
	.readv = sock_readv,
	.writev = sock_writev,
	.fstat = sock_fstat,
	.set_flags = sock_set_flags,
	.close = sock_close,
};
