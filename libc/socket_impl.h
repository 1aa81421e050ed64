/* SPDX-License-Identifier: MIT */
/* Declarations shared by libc's vector I/O (uio.c) and sockets. */
#ifndef LIBC_SOCKET_IMPL_H
#define LIBC_SOCKET_IMPL_H

#include <stdbool.h>
#include <sys/uio.h>

/* uio.c: the vector's total length, or -1 with EINVAL. */
ssize_t iov_total(const struct iovec *iov, long n);

/* uio.c: calls (io) for each non-empty buffer in turn, with (more) true
 * while a later buffer is non-empty, and stops at a short count or an
 * error (an error counts only when nothing was moved yet). Returns the
 * bytes moved or -1. */
typedef ssize_t (*iov_io_fn)(int fd, void *buf, size_t n, bool more,
			     int arg);
ssize_t iov_each(int fd, const struct iovec *iov, long n, iov_io_fn io,
		 int arg);

/* socket_msg.c: readv/writev on a socket. Weak: present only when the
 * application uses sockets (socket.c refers to socket_msg.c). */
ssize_t socket_readv(int fd, const struct iovec *iov, int n)
	__attribute__((weak));
ssize_t socket_writev(int fd, const struct iovec *iov, int n)
	__attribute__((weak));

#endif /* LIBC_SOCKET_IMPL_H */
