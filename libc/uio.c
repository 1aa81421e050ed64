// SPDX-License-Identifier: MIT
/*
 * readv/writev on any descriptor. On a file they are a sequence of plain
 * reads or writes that stops at the first short one (iov_each), so the
 * count returned always covers a prefix of the buffers. Sockets need more care
 * (a second receive could wait for data that never comes, a datagram must
 * leave whole): libc/socket_msg.c does those, and is referred to weakly
 * here, so that vector I/O on files does not link the network stack. An
 * application with a socket has it linked already (socket() pulls it in).
 */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "socket_impl.h"

ssize_t iov_total(const struct iovec *iov, long n)
{
	size_t total = 0;

	if (n < 0 || n > IOV_MAX || (n && !iov)) {
		errno = EINVAL;
		return -1;
	}
	for (long i = 0; i < n; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total) {
			errno = EINVAL;
			return -1;
		}
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

static bool is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

ssize_t iov_each(int fd, const struct iovec *iov, long n, iov_io_fn io,
		 int arg)
{
	ssize_t done = 0;
	long last = n - 1;

	while (last >= 0 && !iov[last].iov_len)
		last--;
	for (long i = 0; i <= last; i++) {
		ssize_t moved;

		if (!iov[i].iov_len)
			continue;
		moved = io(fd, iov[i].iov_base, iov[i].iov_len, i < last, arg);
		if (moved < 0)
			return done ? done : -1;
		done += moved;
		if ((size_t)moved < iov[i].iov_len)
			break;
	}
	return done;
}

static ssize_t read_one(int fd, void *buf, size_t n, bool more, int arg)
{
	(void)more;
	(void)arg;
	return read(fd, buf, n);
}

static ssize_t write_one(int fd, void *buf, size_t n, bool more, int arg)
{
	(void)more;
	(void)arg;
	return write(fd, buf, n);
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	if (iov_total(iov, iovcnt) < 0)
		return -1;
	if (socket_readv && is_socket(fd))
		return socket_readv(fd, iov, iovcnt);
	return iov_each(fd, iov, iovcnt, read_one, 0);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	if (iov_total(iov, iovcnt) < 0)
		return -1;
	if (socket_writev && is_socket(fd))
		return socket_writev(fd, iov, iovcnt);
	return iov_each(fd, iov, iovcnt, write_one, 0);
}
