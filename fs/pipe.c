// SPDX-License-Identifier: MIT
/*
 * pipe(): two files over one pipe buffer (fs/pipe_buf.c), a reading end
 * and a writing end. Both are streams (no offset), S_IFIFO to fstat(),
 * O_NONBLOCK per file as fcntl() sets it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/pipe.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

static const struct vfs_file_ops read_ops, write_ops;

static bool nonblock(const struct vfs_file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

static ssize_t pipe_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	(void)off;
	return pipe_buf_read(f->priv, buf, n, nonblock(f), false,
			     WAITQ_NO_DEADLINE);
}

static ssize_t pipe_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	(void)off;
	return pipe_buf_write(f->priv, buf, n, nonblock(f), WAITQ_NO_DEADLINE);
}

static int pipe_fstat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_ino = (uintptr_t)f->priv >> 4;	/* one per pipe */
	st->st_blksize = PIPE_ATOMIC;
	return 0;
}

static unsigned pipe_poll_read(struct vfs_file *f)
{
	return pipe_buf_poll_read(f->priv);
}

static unsigned pipe_poll_write(struct vfs_file *f)
{
	return pipe_buf_poll_write(f->priv);
}

/* Linux's FIONREAD, on the reading end. */
#define LINUX_FIONREAD 0x541B

int pipe_file_ioctl(struct vfs_file *f, unsigned long req, void *arg)
{
	if (req != LINUX_FIONREAD)
		return -ENOTTY;
	/* Either end: the bytes queued, as Linux counts them. */
	*(int *)arg = (int)pipe_buf_count(pipe_file_buf(f));
	return 0;
}

static int pipe_close_read(struct vfs_file *f)
{
	pipe_buf_close_reader(f->priv);
	return 0;
}

static int pipe_close_write(struct vfs_file *f)
{
	pipe_buf_close_writer(f->priv);
	return 0;
}

static const struct vfs_file_ops read_ops = {
	.read = pipe_read,
	.fstat = pipe_fstat,
	.poll = pipe_poll_read,
	.ioctl = pipe_file_ioctl,
	.close = pipe_close_read,
};

static const struct vfs_file_ops write_ops = {
	.write = pipe_write,
	.fstat = pipe_fstat,
	.poll = pipe_poll_write,
	.ioctl = pipe_file_ioctl,
	.close = pipe_close_write,
};

struct pipe_buf *pipe_file_buf(struct vfs_file *f)
{
	if (f->ops == &read_ops || f->ops == &write_ops)
		return f->priv;
	return fifo_file_buf ? fifo_file_buf(f) : NULL;
}

int pipe_open(int flags, struct vfs_file **rd, struct vfs_file **wr)
{
	struct pipe_buf *p = pipe_buf_new();
	int nb = flags & O_NONBLOCK;

	*rd = *wr = NULL;
	if (!p)
		return -ENOMEM;
	*rd = vfs_file_new(&read_ops, p, O_RDONLY | nb);
	*wr = vfs_file_new(&write_ops, p, O_WRONLY | nb);
	if (!*rd || !*wr) {
		/* A file that exists closes its end; the other goes here. */
		if (*rd)
			vfs_file_put(*rd);
		else
			pipe_buf_close_reader(p);
		if (*wr)
			vfs_file_put(*wr);
		else
			pipe_buf_close_writer(p);
		*rd = *wr = NULL;
		return -ENOMEM;
	}
	pipe_buf_set_files(p, *rd, *wr);
	return 0;
}
