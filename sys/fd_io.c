// SPDX-License-Identifier: MIT
/*
 * Reading and writing descriptors: read, write, readv, writev, pread64,
 * pwrite64, preadv, pwritev, lseek, sendfile, over the descriptor table
 * (fs/fd.c) and the VFS's open files (fs/vfs_file.c). A write that finds
 * the other end of a pipe or socket gone also raises SIGPIPE, as Linux.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
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

long sys_epipe(int fd, long rc)
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

SYSCALL_DEFINE3(write, int, fd, const void *, buf, size_t, n)
{
	return sys_epipe(fd, ON_FD(fd, f, vfs_write(f, buf, n)));
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

SYSCALL_DEFINE4(pwrite64, int, fd, const void *, buf, size_t, n, int64_t,
		off)
{
	return sys_epipe(fd, ON_FD(fd, f, vfs_pwrite(f, buf, n, off)));
}

/* preadv/pwritev pass the offset as two halves; on x86-64 the low one
 * holds all of it. */
SYSCALL_DEFINE4(preadv, int, fd, const struct iovec *, iov, int, n, int64_t,
		off)
{
	return off < 0 ? -EINVAL : ON_FD(fd, f, vfs_readv(f, iov, n, off));
}

SYSCALL_DEFINE4(pwritev, int, fd, const struct iovec *, iov, int, n, int64_t,
		off)
{
	return off < 0 ? -EINVAL :
			 sys_epipe(fd, ON_FD(fd, f, vfs_writev(f, iov, n, off)));
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, off, int, whence)
{
	return ON_FD(fd, f, vfs_lseek(f, off, whence));
}

/* sendfile(): from a file to any descriptor (a socket, most of the time)
 * through a bounce buffer. Files at (*off), or at the file's offset when
 * (off) is NULL. */
#define SENDFILE_CHUNK (64 * 1024)

static long copy_file(struct vfs_file *in, struct vfs_file *out,
		      int64_t *off, size_t n)
{
	char *buf = heap_alloc(n < SENDFILE_CHUNK ? (n ? n : 1) :
						    SENDFILE_CHUNK);
	long done = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < n) {
		size_t want = n - done < SENDFILE_CHUNK ? n - done :
							  SENDFILE_CHUNK;
		ssize_t got = off ? vfs_pread(in, buf, want, *off + done)
				  : vfs_read(in, buf, want);

		if (got <= 0) {
			if (got < 0 && done == 0)
				done = got;
			break;
		}
		ssize_t put = 0;

		while (put < got) {
			ssize_t w = vfs_write(out, buf + put, got - put);

			if (w <= 0) {
				/* The bytes read but not written go back, for
				 * a file at its own offset. */
				if (!off)
					vfs_lseek(in, put - got, SEEK_CUR);
				if (done + put == 0)
					done = w ? w : -EIO;
				else
					done += put;
				goto out;
			}
			put += w;
		}
		done += got;
		if ((size_t)got < want)
			break;
	}
out:
	heap_free(buf);
	if (off && done > 0)
		*off += done;
	return done;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, int64_t *, off, size_t, n)
{
	struct vfs_file *in, *out;
	long rc;

	if (off && !user_writable(off, sizeof(*off)))
		return -EFAULT;
	if (off && *off < 0)
		return -EINVAL;
	in = fd_get(in_fd);
	if (!in)
		return -EBADF;
	out = fd_get(out_fd);
	if (!out) {
		vfs_file_put(in);
		return -EBADF;
	}
	if ((in->flags & VFS_ACCMODE) == O_WRONLY ||
	    (out->flags & VFS_ACCMODE) == O_RDONLY)
		rc = -EBADF;
	else
		rc = copy_file(in, out, off, n);
	vfs_file_put(out);
	vfs_file_put(in);
	return sys_epipe(out_fd, rc);
}
