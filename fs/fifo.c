// SPDX-License-Identifier: MIT
/*
 * FIFOs, named pipes (mkfifo()): a node of a file system that, opened,
 * is a pipe (fs/pipe_buf.c) shared by every file open on that node, in
 * this program only, as Linux keeps a FIFO's pipe in its own memory
 * whatever file system holds the node (tmpfs, or the host's behind
 * virtio-fs). Linux's rules (fifo(7)):
 *  - open() for reading waits for a writer, and for writing waits for a
 *    reader, unless O_NONBLOCK: a reader then opens at once, a writer
 *    fails with ENXIO; O_RDWR opens at once;
 *  - with no writer left, reads see end-of-file; with no reader left,
 *    writes fail with EPIPE; once both are gone the data is dropped, and
 *    the next opener finds the pipe empty;
 *  - a reader opened with O_NONBLOCK and no writer does not report
 *    POLLHUP until a writer has come and gone, so poll() waits for one.
 * The VFS calls fifo_open() when a file system's open says the node is
 * a FIFO (VFS_OPEN_FIFO), once vfs_mkfifo() (mknod() of a FIFO) has
 * run and handed it over: an image that never makes a FIFO keeps none
 * of this, and opens the FIFOs it finds (the host's, behind virtio-fs)
 * with ENXIO, as before FIFOs were made here. The table of open FIFOs
 * and their counts are under one mutex: opening and closing a FIFO is
 * rare next to reading and writing it, which take the pipe's lock only.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/heap.h>
#include <kernel/pipe.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/sync.h>

#include "vfs_impl.h"

struct fifo_file;

struct fifo {
	struct fifo *next;		/* in (fifos) */
	struct stat st;			/* the node's, as fstat() gives it */
	struct pipe_buf *buf;		/* while a reader or writer is open */
	unsigned readers, writers;	/* files open for each side */
	/* Opens of each side so far: what a waiting open() watches (the
	 * other side may have come and gone before it runs again). */
	unsigned read_opens, write_opens;
	unsigned users;			/* files, and opens in progress */
	struct waitq opened;		/* open() waiting for the other side */
	/* The files to tell about the pipe's changes, under (files_lock),
	 * which the pipe's lock is held around. */
	struct spinlock files_lock;
	struct fifo_file *files;
};

struct fifo_file {
	struct fifo *fifo;
	struct vfs_file *file;
	struct vfs_mount *mnt;		/* the user reference the open took */
	bool reads, writes;
	/* A reader opened with O_NONBLOCK and no writer: no POLLHUP until
	 * a writer has come, (fifo)'s write_opens still what it saw. */
	bool hup_hidden;
	unsigned write_opens_seen;
	struct fifo_file *next;
};

static struct mutex lock;		/* (fifos) and every fifo's counts */
static struct fifo *fifos;

static const struct vfs_file_ops fifo_ops;

/* The pipe's notification, under its lock: each file hears of its side. */
static void notify(void *arg, unsigned rd, unsigned wr)
{
	struct fifo *fifo = arg;

	spin_lock(&fifo->files_lock);
	for (struct fifo_file *ff = fifo->files; ff; ff = ff->next) {
		unsigned events = (ff->reads ? rd : 0) | (ff->writes ? wr : 0);

		if (events)
			vfs_file_notify(ff->file, events);
	}
	spin_unlock(&fifo->files_lock);
}

/* Lock held: the FIFO of node (st), made if none is open; NULL without
 * memory. The caller is one more user. */
static struct fifo *fifo_of(const struct stat *st)
{
	struct fifo *fifo;

	for (fifo = fifos; fifo; fifo = fifo->next)
		if (fifo->st.st_dev == st->st_dev &&
		    fifo->st.st_ino == st->st_ino)
			break;
	if (!fifo) {
		fifo = heap_zalloc(sizeof(*fifo));
		if (!fifo)
			return NULL;
		fifo->st = *st;
		fifo->next = fifos;
		fifos = fifo;
	}
	fifo->users++;
	return fifo;
}

/* Lock held: one user fewer; the last one frees (fifo). */
static void fifo_put(struct fifo *fifo)
{
	if (--fifo->users)
		return;
	for (struct fifo **p = &fifos; *p; p = &(*p)->next)
		if (*p == fifo) {
			*p = fifo->next;
			break;
		}
	heap_free(fifo);
}

/* Lock held: (ff)'s sides join the pipe, made for the first of them.
 * 0 or -ENOMEM. */
static int join(struct fifo *fifo, struct fifo_file *ff)
{
	bool irq;

	if (!fifo->buf) {
		fifo->buf = pipe_buf_new();	/* both sides open */
		if (!fifo->buf)
			return -ENOMEM;
		pipe_buf_set_notify(fifo->buf, notify, fifo);
		if (!ff->reads)
			pipe_buf_close_reader(fifo->buf);
		if (!ff->writes)
			pipe_buf_close_writer(fifo->buf);
	} else {
		if (ff->reads && fifo->readers == 0)
			pipe_buf_reopen(fifo->buf, true);
		if (ff->writes && fifo->writers == 0)
			pipe_buf_reopen(fifo->buf, false);
	}
	irq = waitq_lock(&fifo->opened);
	fifo->readers += ff->reads;
	fifo->read_opens += ff->reads;
	fifo->writers += ff->writes;
	fifo->write_opens += ff->writes;
	waitq_wake_all(&fifo->opened);
	waitq_unlock(&fifo->opened, irq);
	spin_lock(&fifo->files_lock);
	ff->next = fifo->files;
	fifo->files = ff;
	spin_unlock(&fifo->files_lock);
	return 0;
}

/* Lock held: (ff)'s sides leave; the pipe goes with the last of all. */
static void leave(struct fifo *fifo, struct fifo_file *ff)
{
	struct pipe_buf *buf = fifo->buf;

	spin_lock(&fifo->files_lock);
	for (struct fifo_file **p = &fifo->files; *p; p = &(*p)->next)
		if (*p == ff) {
			*p = ff->next;
			break;
		}
	spin_unlock(&fifo->files_lock);
	fifo->readers -= ff->reads;
	fifo->writers -= ff->writes;
	if (!fifo->readers && !fifo->writers)
		fifo->buf = NULL;	/* freed by its last side's close */
	if (ff->reads && !fifo->readers)
		pipe_buf_close_reader(buf);
	if (ff->writes && !fifo->writers)
		pipe_buf_close_writer(buf);
}

/* Waits until the other side of (ff) has opened since (seen) opens of
 * it: 0, or -EINTR. */
static int wait_other_side(struct fifo *fifo, const struct fifo_file *ff,
			   unsigned seen)
{
	const unsigned *opens = ff->reads ? &fifo->write_opens :
					    &fifo->read_opens;
	struct waiter w;
	int rc = 0;
	bool irq = waitq_lock(&fifo->opened);

	while (*opens == seen && rc == 0)
		rc = waitq_sleep_intr(&fifo->opened, &w, WAITQ_NO_DEADLINE,
				      irq);
	waitq_unlock(&fifo->opened, irq);
	return rc;
}

static int fifo_open(struct vfs_file *f, const struct stat *st, int flags)
{
	int acc = flags & VFS_ACCMODE;
	struct fifo_file *ff = heap_zalloc(sizeof(*ff));
	struct fifo *fifo;
	unsigned seen;
	int rc = -ENOMEM;

	if (!ff)
		return -ENOMEM;
	ff->reads = acc != O_WRONLY;
	ff->writes = acc != O_RDONLY;
	ff->file = f;
	mutex_lock(&lock);
	fifo = ff->fifo = fifo_of(st);
	if (!fifo)
		goto err_unlock;
	rc = -ENXIO;	/* a writer that will not wait for a reader */
	if (acc == O_WRONLY && (flags & O_NONBLOCK) && !fifo->readers)
		goto err_put;
	seen = ff->reads ? fifo->write_opens : fifo->read_opens;
	ff->hup_hidden = acc == O_RDONLY && (flags & O_NONBLOCK) &&
			 !fifo->writers;
	ff->write_opens_seen = fifo->write_opens;
	rc = join(fifo, ff);
	if (rc)
		goto err_put;
	bool wait = acc != O_RDWR && !(flags & O_NONBLOCK) &&
		    !(ff->reads ? fifo->writers : fifo->readers);

	mutex_unlock(&lock);
	if (wait && (rc = wait_other_side(fifo, ff, seen))) {
		mutex_lock(&lock);
		leave(fifo, ff);
		goto err_put;
	}
	/* A stream (no offset): the mount's reference stays with the
	 * FIFO's file until it closes. */
	ff->mnt = f->mnt;
	f->mnt = NULL;
	f->ops = &fifo_ops;
	f->priv = ff;
	return 0;

err_put:
	fifo_put(fifo);
err_unlock:
	mutex_unlock(&lock);
	heap_free(ff);
	return rc;
}

int vfs_mkfifo(const char *path, mode_t mode)
{
	__atomic_store_n(&vfs_fifo_open, fifo_open, __ATOMIC_RELEASE);
	return vfs_mknod(path, S_IFIFO | (mode & 07777));
}

struct pipe_buf *fifo_file_buf(struct vfs_file *f)
{
	return f->ops == &fifo_ops ? ((struct fifo_file *)f->priv)->fifo->buf
				   : NULL;
}

static bool nonblock(const struct vfs_file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

static struct pipe_buf *buf_of(const struct vfs_file *f)
{
	const struct fifo_file *ff = f->priv;

	return ff->fifo->buf;	/* set while (f) is open */
}

static ssize_t fifo_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	(void)off;
	return pipe_buf_read(buf_of(f), buf, n, nonblock(f), false,
			     WAITQ_NO_DEADLINE);
}

static ssize_t fifo_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	(void)off;
	return pipe_buf_write(buf_of(f), buf, n, nonblock(f),
			      WAITQ_NO_DEADLINE);
}

static unsigned fifo_poll(struct vfs_file *f)
{
	const struct fifo_file *ff = f->priv;
	unsigned ready = 0;

	if (ff->reads) {
		ready = pipe_buf_poll_read(ff->fifo->buf);
		/* No writer yet since this open: nothing has hung up. */
		if (ff->hup_hidden && ff->write_opens_seen ==
		    __atomic_load_n(&ff->fifo->write_opens, __ATOMIC_RELAXED))
			ready &= ~VFS_POLL_HUP;
	}
	if (ff->writes)
		ready |= pipe_buf_poll_write(ff->fifo->buf);
	return ready;
}

static int fifo_fstat(struct vfs_file *f, struct stat *st)
{
	const struct fifo_file *ff = f->priv;

	*st = ff->fifo->st;
	st->st_size = 0;
	return 0;
}

static int fifo_close(struct vfs_file *f)
{
	struct fifo_file *ff = f->priv;

	mutex_lock(&lock);
	leave(ff->fifo, ff);
	fifo_put(ff->fifo);
	mutex_unlock(&lock);
	vfs_mount_put(ff->mnt);
	heap_free(ff);
	return 0;
}

static const struct vfs_file_ops fifo_ops = {
	.read = fifo_read,
	.write = fifo_write,
	.fstat = fifo_fstat,
	.poll = fifo_poll,
	.ioctl = pipe_file_ioctl,
	.close = fifo_close,
};
