// SPDX-License-Identifier: MIT
/*
 * sendfile(): from a file to any descriptor (a socket, most of the time).
 * Once per answer rather than per byte, so built for size; the bytes go
 * without a bounce buffer where the file's lie in memory (the initrd).
 * And copy_file_range(), from file to file, through the same copy.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

/* Both copies below read the file at (*off), or at the file's offset
 * when (off) is NULL, and move that as they go. */
#define SENDFILE_CHUNK (64 * 1024)
/* The most one copy_file_range() moves: Linux's MAX_RW_COUNT. */
#define COPY_MAX	0x7ffff000

/* From a file whose bytes lie in memory for good (the initrd): written
 * from where they are; a TCP socket keeps pointing at them rather than
 * copying them into its buffers (SOCK_STABLE), so no byte is copied. */
static long copy_in_place(struct vfs_file *in, struct vfs_file *out,
			  int64_t *off, size_t n)
{
	int64_t pos = off ? *off : vfs_lseek(in, 0, SEEK_CUR);
	const struct socket_ops *sock = socket_ops_of(out);
	long done = 0;

	if (pos < 0)
		return pos;

	while ((size_t)done < n) {
		size_t len;
		const void *p = in->ops->peek(in, (uint64_t)(pos + done), &len);

		if (!p)
			break;		/* the end of the file */
		if (len > n - (size_t)done)
			len = n - (size_t)done;
		struct iovec v = { (void *)p, len };
		ssize_t w = sock ? sock->sendmsg(out, &v, 1, SOCK_STABLE, NULL)
				 : vfs_write(out, p, len);

		if (w <= 0) {
			if (done == 0)
				done = w ? w : -EIO;
			break;
		}
		done += w;
		if ((size_t)w < len)
			break;		/* a non-blocking socket is full */
	}
	if (done > 0) {
		if (off)
			*off += done;
		else
			vfs_lseek(in, done, SEEK_CUR);
	}
	return done;
}

/* Any other file: through a bounce buffer, written at (*off_out), or at
 * the output's offset when that is NULL. */
static long copy_file(struct vfs_file *in, struct vfs_file *out,
		      int64_t *off, int64_t *off_out, size_t n)
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
			ssize_t w = off_out ? vfs_pwrite(out, buf + put, got - put,
							 *off_out + done + put)
					    : vfs_write(out, buf + put, got - put);

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
	if (off_out && done > 0)
		*off_out += done;
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
	else if (in->ops->peek)
		rc = copy_in_place(in, out, off, n);
	else
		rc = copy_file(in, out, off, NULL, n);
	vfs_file_put(out);
	vfs_file_put(in);
	return sys_epipe(out_fd, rc);
}

/* Where a copy_file_range() side starts: (*off), or the file's offset. */
static int64_t start_of(struct vfs_file *f, const int64_t *off)
{
	return off ? *off : vfs_lseek(f, 0, SEEK_CUR);
}

/* Linux's checks of copy_file_range(): both regular files, readable and
 * writable (an O_APPEND output is EBADF), and, within one file, ranges
 * that do not overlap once the copy is cut at the input's end. */
static long copy_range(struct vfs_file *in, int64_t *off_in,
		       struct vfs_file *out, int64_t *off_out, size_t n)
{
	struct stat si, so;
	int64_t from, to;

	if ((in->flags & VFS_ACCMODE) == O_WRONLY ||
	    (out->flags & VFS_ACCMODE) == O_RDONLY || (out->flags & O_APPEND))
		return -EBADF;
	if (vfs_fstat(in, &si) || vfs_fstat(out, &so))
		return -EINVAL;
	if (S_ISDIR(si.st_mode) || S_ISDIR(so.st_mode))
		return -EISDIR;
	if (!S_ISREG(si.st_mode) || !S_ISREG(so.st_mode))
		return -EINVAL;
	from = start_of(in, off_in);
	to = start_of(out, off_out);
	if (from < 0 || to < 0)
		return from < 0 ? from : to;
	n = from >= si.st_size ? 0 :
	    (uint64_t)(si.st_size - from) < n ? (size_t)(si.st_size - from) : n;
	if (si.st_dev == so.st_dev && si.st_ino == so.st_ino &&
	    to + (int64_t)n > from && to < from + (int64_t)n)
		return -EINVAL;
	return n ? copy_file(in, out, off_in, off_out, n) : 0;
}

/* copy_file_range(): from one file to another as sendfile() copies a
 * file, each at its own offset or at the one given. */
SYSCALL_DEFINE6(copy_file_range, int, fd_in, int64_t *, off_in, int, fd_out,
		int64_t *, off_out, size_t, n, unsigned, flags)
{
	struct vfs_file *in, *out;
	long rc = -EBADF;

	if (flags)
		return -EINVAL;
	if ((off_in && !user_writable(off_in, sizeof(*off_in))) ||
	    (off_out && !user_writable(off_out, sizeof(*off_out))))
		return -EFAULT;
	if (n > COPY_MAX)
		n = COPY_MAX;
	/* Linux adds the length to each offset as unsigned numbers: a
	 * negative offset overflows. */
	if ((off_in && (uint64_t)*off_in + n < (uint64_t)*off_in) ||
	    (off_out && (uint64_t)*off_out + n < (uint64_t)*off_out))
		return -EOVERFLOW;
	in = fd_get(fd_in);
	out = fd_get(fd_out);
	if (in && out)
		rc = copy_range(in, off_in, out, off_out, n);
	if (out)
		vfs_file_put(out);
	if (in)
		vfs_file_put(in);
	return rc;
}
