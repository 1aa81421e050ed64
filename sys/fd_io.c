// SPDX-License-Identifier: MIT
/*
 * Reading and writing descriptors: read, readv, writev, pread64, preadv,
 * lseek (write, pwrite64, pwritev: fd_write.c; sendfile: sendfile.c),
 * over the descriptor table (fs/fd.c) and the VFS's open files
 * (fs/vfs_file.c). A write that finds the other end of a pipe or socket
 * gone also raises SIGPIPE, as Linux.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>

#include <kernel/fd.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

/* Weak: without sys/signal.c linked, no handler can have been set, and
 * SIGPIPE's default action, the end of the program, is all there is. */
__attribute__((weak)) int signal_send_thread(struct thread *t, int sig);

/* Weak like signal_send_thread: without sockets linked (sys/socket.c),
 * no descriptor is one. */
__attribute__((weak)) bool socket_fd_is_datagram(int fd);

/* Not inlined into writev, its one caller here: one copy for all. */
__attribute__((noinline)) long sys_epipe(int fd, long rc)
{
	struct thread *self = sched_current();

	if (self->broken_pipe)		/* a short write, then no reader */
		self->broken_pipe = false;
	else if (rc != -EPIPE ||
		 (socket_fd_is_datagram && socket_fd_is_datagram(fd)))
		return rc;
	if (signal_send_thread) {
		signal_send_thread(self, SIGPIPE);
		return rc;
	}
	kprintf("toro: program killed by signal %d (SIGPIPE)\n", SIGPIPE);
	process_exit(128 + SIGPIPE);
}

SYSCALL_DEFINE3(read, int, fd, void *, buf, size_t, n)
{
	return ON_FD(fd, f, vfs_read(f, buf, n));
}

SYSCALL_DEFINE3(readv, int, fd, const struct iovec *, iov, int, n)
{
	return ON_FD(fd, f, vfs_readv(f, iov, n, -1));
}

SYSCALL_DEFINE3(writev, int, fd, const struct iovec *, iov, int, n)
{
	return sys_epipe(fd, ON_FD(fd, f, vfs_writev(f, iov, n, -1)));
}

SYSCALL_DEFINE4(pread64, int, fd, void *, buf, size_t, n, int64_t, off)
{
	return ON_FD(fd, f, vfs_pread(f, buf, n, off));
}

/* preadv passes the offset as two halves; on x86-64 the low one holds
 * all of it. */
SYSCALL_DEFINE4(preadv, int, fd, const struct iovec *, iov, int, n, int64_t,
		off)
{
	return off < 0 ? -EINVAL : ON_FD(fd, f, vfs_readv(f, iov, n, off));
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, off, int, whence)
{
	return ON_FD(fd, f, vfs_lseek(f, off, whence));
}

