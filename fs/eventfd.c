// SPDX-License-Identifier: MIT
/*
 * eventfd (include/kernel/event_file.h): a 64-bit counter as a file.
 * write() adds to it, blocking while the sum would pass UINT64_MAX - 1;
 * read() takes it all (or 1 with EFD_SEMAPHORE), blocking while it is 0.
 * Readable while non-zero, writable while below UINT64_MAX - 1. Threads
 * use it to wake an event loop that sleeps in epoll_wait() or poll().
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/event_file.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#define COUNT_MAX (UINT64_MAX - 1)

struct eventfd {
	struct waitq wait;	/* its lock guards (count) */
	uint64_t count;
	bool semaphore;
};

static unsigned ready(const struct eventfd *e)
{
	return (e->count ? VFS_POLL_IN | VFS_POLL_RDNORM : 0) |
	       (e->count < COUNT_MAX ? VFS_POLL_OUT | VFS_POLL_WRNORM : 0);
}

static bool nonblock(const struct vfs_file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

static ssize_t eventfd_read(struct vfs_file *f, void *buf, size_t n,
			    uint64_t off)
{
	struct eventfd *e = f->priv;
	struct waiter w;
	uint64_t v;
	int rc = 0;

	(void)off;
	if (n < sizeof(v))
		return -EINVAL;
	bool irq = waitq_lock(&e->wait);

	while (!e->count && !rc)
		rc = nonblock(f) ? -EAGAIN :
			waitq_sleep_intr(&e->wait, &w, WAITQ_NO_DEADLINE, irq);
	if (!rc) {
		v = e->semaphore ? 1 : e->count;
		e->count -= v;
		waitq_wake_all(&e->wait);
		/* What happened, as Linux says it: room to write. */
		vfs_file_notify(f, VFS_POLL_OUT | VFS_POLL_WRNORM);
	}
	waitq_unlock(&e->wait, irq);
	if (rc)
		return rc;
	memcpy(buf, &v, sizeof(v));
	return sizeof(v);
}

static ssize_t eventfd_write(struct vfs_file *f, const void *buf, size_t n,
			     uint64_t off)
{
	struct eventfd *e = f->priv;
	struct waiter w;
	uint64_t v;
	int rc = 0;

	(void)off;
	if (n < sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v == UINT64_MAX)
		return -EINVAL;
	bool irq = waitq_lock(&e->wait);

	while (COUNT_MAX - e->count < v && !rc)
		rc = nonblock(f) ? -EAGAIN :
			waitq_sleep_intr(&e->wait, &w, WAITQ_NO_DEADLINE, irq);
	if (!rc && v) {
		e->count += v;
		waitq_wake_all(&e->wait);
		vfs_file_notify(f, VFS_POLL_IN | VFS_POLL_RDNORM);
	}
	waitq_unlock(&e->wait, irq);
	return rc ? rc : (ssize_t)sizeof(v);
}

static unsigned eventfd_poll(struct vfs_file *f)
{
	struct eventfd *e = f->priv;
	bool irq = waitq_lock(&e->wait);
	unsigned r = ready(e);

	waitq_unlock(&e->wait, irq);
	return r;
}

static int eventfd_close(struct vfs_file *f)
{
	heap_free(f->priv);
	return 0;
}

static const struct vfs_file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.fstat = vfs_anon_fstat,
	.close = eventfd_close,
};

int eventfd_open(unsigned initval, bool semaphore, int flags,
		 struct vfs_file **out)
{
	struct eventfd *e = heap_zalloc(sizeof(*e));

	*out = NULL;
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = semaphore;
	*out = vfs_file_new(&eventfd_ops, e, O_RDWR | (flags & O_NONBLOCK));
	if (!*out) {
		heap_free(e);
		return -ENOMEM;
	}
	return 0;
}
