// SPDX-License-Identifier: MIT
/*
 * splice(), tee() and vmsplice(): moving bytes into and out of a pipe
 * (or a FIFO) without the program's buffer. Here they are copied, through
 * a bounce buffer, which is what the program saw from read() and write()
 * anyway; what matters is Linux's behaviour: a pipe side (ESPIPE with an
 * offset), at most what the pipe holds or has room for, blocking or not
 * (SPLICE_F_NONBLOCK or the pipe's O_NONBLOCK), and nothing lost when
 * the other side takes less than was offered: bytes out of a pipe are
 * looked at first and taken only once written (another reader of the
 * same pipe meanwhile would see them too, and splice() expects none);
 * bytes into a pipe are read only up to its room.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/pipe.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "sys_impl.h"

#define SPLICE_CHUNK	(64 * 1024)	/* a pipe's capacity at most */
#define SPLICE_FLAGS	(SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | \
			 SPLICE_F_GIFT)

static bool nonblocking(const struct vfs_file *f, unsigned flags)
{
	return (flags & SPLICE_F_NONBLOCK) ||
	       (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK);
}

/* Waits until (f) is ready for (events), unless (nonblock): 0, -EAGAIN,
 * -EINTR. */
static int ready_for(struct vfs_file *f, unsigned events, bool nonblock)
{
	unsigned revents;

	for (;;) {
		int n = vfs_poll_wait(&f, &events, &revents, 1,
				      nonblock ? 0 : -1);

		if (n < 0)
			return n;
		if (n > 0)
			return 0;
		if (nonblock)
			return -EAGAIN;
	}
}

/* Room in pipe (p), waiting for some unless (nonblock); -EPIPE once
 * nobody reads it, before anything is taken from the other side. */
static long room_in(struct pipe_buf *p, struct vfs_file *f, bool nonblock)
{
	for (;;) {
		size_t room = PIPE_CAPACITY - pipe_buf_count(p);
		int rc;

		if (pipe_buf_poll_write(p) & VFS_POLL_ERR)
			return -EPIPE;
		if (room)
			return (long)room;
		rc = ready_for(f, VFS_POLL_OUT | VFS_POLL_ERR, nonblock);
		if (rc)
			return rc;
	}
}

/* Out of pipe (in): up to (n) bytes looked at, written to (out) (a pipe
 * (pout), or at (*off) or the file's offset), then taken as many as
 * went. */
static long from_pipe(struct pipe_buf *in, struct vfs_file *inf,
		      struct vfs_file *out, struct pipe_buf *pout,
		      int64_t *off, size_t n, unsigned flags)
{
	char *buf = heap_alloc(n);
	long got, put;

	if (!buf)
		return -ENOMEM;
	got = pipe_buf_read(in, buf, n, nonblocking(inf, flags), true,
			    WAITQ_NO_DEADLINE);
	if (got <= 0) {
		heap_free(buf);
		return got;
	}
	if (pout)
		put = pipe_buf_write(pout, buf, (size_t)got,
				     nonblocking(out, flags),
				     WAITQ_NO_DEADLINE);
	else if (off)
		put = vfs_pwrite(out, buf, (size_t)got, *off);
	else
		put = vfs_write(out, buf, (size_t)got);
	if (put > 0) {
		pipe_buf_read(in, buf, (size_t)put, true, false, 0);
		if (off)
			*off += put;
	}
	heap_free(buf);
	return put;
}

/* Into pipe (out): up to (n) bytes, no more than its room, read from
 * (in) at (*off) or at its offset. */
static long to_pipe(struct vfs_file *in, int64_t *off, struct pipe_buf *out,
		    struct vfs_file *outf, size_t n, unsigned flags)
{
	long room = room_in(out, outf, nonblocking(outf, flags));
	char *buf;
	long got, put;

	if (room < 0)
		return room;
	if ((size_t)room < n)
		n = (size_t)room;
	if ((flags & SPLICE_F_NONBLOCK) &&
	    ready_for(in, VFS_POLL_IN | VFS_POLL_HUP, true))
		return -EAGAIN;
	buf = heap_alloc(n);
	if (!buf)
		return -ENOMEM;
	got = off ? vfs_pread(in, buf, n, *off) : vfs_read(in, buf, n);
	/* Within the room: all of it goes, unless another writer took the
	 * room meanwhile, when the rest waits for more. */
	put = got > 0 ? pipe_buf_write(out, buf, (size_t)got, false,
				       WAITQ_NO_DEADLINE)
		      : got;
	if (put > 0 && off)
		*off += put;
	heap_free(buf);
	return put;
}

/* An offset the caller passed, read in (*off), or -EFAULT. */
static int offset_in(const int64_t *user, int64_t *off)
{
	if (!user)
		return 0;
	if (!user_readable(user, sizeof(*user)))
		return -EFAULT;
	*off = *user;
	return *off < 0 ? -EINVAL : 0;
}

static long splice_files(struct vfs_file *in, int64_t *off_in,
			 struct vfs_file *out, int64_t *off_out, size_t n,
			 unsigned flags)
{
	struct pipe_buf *pin = pipe_file_buf(in), *pout = pipe_file_buf(out);
	int64_t a = 0, b = 0;
	long rc;

	if ((in->flags & VFS_ACCMODE) == O_WRONLY ||
	    (out->flags & VFS_ACCMODE) == O_RDONLY)
		return -EBADF;
	if ((!pin && !pout) || pin == pout ||
	    (!pout && (out->flags & O_APPEND)))
		return -EINVAL;
	if ((pin && off_in) || (pout && off_out))
		return -ESPIPE;
	if ((rc = offset_in(off_in, &a)) || (rc = offset_in(off_out, &b)))
		return rc;
	if ((off_in && !user_writable(off_in, sizeof(*off_in))) ||
	    (off_out && !user_writable(off_out, sizeof(*off_out))))
		return -EFAULT;
	if (n == 0)
		return 0;
	if (n > SPLICE_CHUNK)
		n = SPLICE_CHUNK;
	rc = pin ? from_pipe(pin, in, out, pout, off_out ? &b : NULL, n, flags)
		 : to_pipe(in, off_in ? &a : NULL, pout, out, n, flags);
	if (off_in)
		*off_in = a;
	if (off_out)
		*off_out = b;
	return rc;
}

/* The files of descriptors (a) and (b), with a reference each, or
 * -EBADF and neither. */
static int two_files(int a, int b, struct vfs_file **fa,
		     struct vfs_file **fb)
{
	*fa = fd_get(a);
	*fb = fd_get(b);
	if (*fa && *fb)
		return 0;
	if (*fa)
		vfs_file_put(*fa);
	if (*fb)
		vfs_file_put(*fb);
	return -EBADF;
}

static void put_two(struct vfs_file *a, struct vfs_file *b)
{
	vfs_file_put(a);
	vfs_file_put(b);
}

SYSCALL_DEFINE6(splice, int, fd_in, int64_t *, off_in, int, fd_out,
		int64_t *, off_out, size_t, n, unsigned, flags)
{
	struct vfs_file *in, *out;
	long rc = flags & ~SPLICE_FLAGS ? -EINVAL :
					  two_files(fd_in, fd_out, &in, &out);

	if (rc)
		return rc;
	rc = splice_files(in, off_in, out, off_out, n, flags);
	put_two(in, out);
	return sys_epipe(fd_out, rc);
}

/* tee(): up to (n) bytes of pipe (in) copied into pipe (out), and left
 * in (in). */
static long tee_files(struct vfs_file *in, struct vfs_file *out, size_t n,
		      unsigned flags)
{
	struct pipe_buf *pin = pipe_file_buf(in), *pout = pipe_file_buf(out);
	long room, got;
	char *buf;

	if ((in->flags & VFS_ACCMODE) == O_WRONLY ||
	    (out->flags & VFS_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!pin || !pout || pin == pout)
		return -EINVAL;
	if (n == 0)
		return 0;
	room = room_in(pout, out, nonblocking(out, flags));
	if (room < 0)
		return room;
	n = n < (size_t)room ? n : (size_t)room;
	buf = heap_alloc(n);
	if (!buf)
		return -ENOMEM;
	got = pipe_buf_read(pin, buf, n, nonblocking(in, flags), true,
			    WAITQ_NO_DEADLINE);
	if (got > 0)
		got = pipe_buf_write(pout, buf, (size_t)got, false,
				     WAITQ_NO_DEADLINE);
	heap_free(buf);
	return got;
}

SYSCALL_DEFINE4(tee, int, fd_in, int, fd_out, size_t, n, unsigned, flags)
{
	struct vfs_file *in, *out;
	long rc = flags & ~SPLICE_FLAGS ? -EINVAL :
					  two_files(fd_in, fd_out, &in, &out);

	if (rc)
		return rc;
	rc = tee_files(in, out, n, flags);
	put_two(in, out);
	return sys_epipe(fd_out, rc);
}

/* vmsplice(): the program's buffers into a pipe's writing end, or out of
 * its reading end, as writev() and readv() would. */
SYSCALL_DEFINE4(vmsplice, int, fd, const struct iovec *, iov, unsigned long,
		n, unsigned, flags)
{
	struct vfs_file *f;
	long rc = -EBADF;

	if (flags & ~SPLICE_FLAGS || n > IOV_MAX)
		return -EINVAL;
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (pipe_file_buf(f)) {
		bool write = (f->flags & VFS_ACCMODE) != O_RDONLY;

		rc = ready_for(f, write ? VFS_POLL_OUT | VFS_POLL_ERR :
					  VFS_POLL_IN | VFS_POLL_HUP,
			       !!(flags & SPLICE_F_NONBLOCK));
		if (rc == 0)
			rc = write ? vfs_writev(f, iov, (int)n, -1)
				   : vfs_readv(f, iov, (int)n, -1);
	}
	vfs_file_put(f);
	return sys_epipe(fd, rc);
}
