// SPDX-License-Identifier: MIT
/*
 * epoll (include/kernel/event_file.h): a set of watched files as a file.
 * Each item is a poller on its file (fs/vfs_poll.c): the file's
 * notification puts the item on the set's ready list and wakes the set's
 * waiters, so epoll_wait() only looks at files that said something, not
 * at every file watched. An item holds no reference to its file (as on
 * Linux): it goes when the file's last reference does.
 *
 * Reporting asks each ready item's file again (vfs_poll()): level-
 * triggered items that are still ready go back on the list for the next
 * call, edge-triggered ones wait for the next notification, one-shot ones
 * are disabled until EPOLL_CTL_MOD.
 *
 * Locks: (mtx) guards the item table and is held while reporting, so an
 * item's file cannot be freed under it (its gone callback takes (mtx));
 * the wait queue's spinlock guards the ready list, taken from
 * notifications in any context.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/event_file.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/sync.h>
#include <toro/time.h>

#define EP_ONESHOT	(1U << 30)
#define EP_ET		(1U << 31)
#define EP_EXCLUSIVE	(1U << 28)
#define EP_WAKEUP	(1U << 29)
#define EP_FLAGS	(EP_ONESHOT | EP_ET | EP_EXCLUSIVE | EP_WAKEUP)

struct epitem {
	struct vfs_poller poller;	/* first: the file's list sees this */
	struct epoll *ep;
	struct vfs_file *file;		/* not referenced (see above) */
	int fd;
	uint32_t events;		/* asked for, flags included */
	uint64_t data;
	bool disabled;			/* one-shot, reported */
	bool on_ready;			/* on the ready list (wait lock) */
	struct epitem *hnext;		/* item table chain (mtx) */
	struct epitem *rnext;		/* ready list (wait lock) */
};

struct epoll {
	struct mutex mtx;
	bool closing;			/* the set is being freed; (mtx) */
	unsigned going;			/* items whose file is being freed
					 * too, still to be told; (mtx) */
	struct epitem **table;		/* by fd, chained; (mtx) */
	unsigned nbuckets, nitems;
	struct waitq wait;		/* epoll_wait() callers, ready list */
	struct epitem *ready_head, *ready_tail;
	struct vfs_file *file;		/* the epoll file itself */
};

static struct epitem *to_item(struct vfs_poller *p)
{
	return container_of(p, struct epitem, poller);
}

/* Wait lock held. */
static void ready_push(struct epoll *ep, struct epitem *it)
{
	if (it->on_ready)
		return;
	it->on_ready = true;
	it->rnext = NULL;
	if (ep->ready_tail)
		ep->ready_tail->rnext = it;
	else
		ep->ready_head = it;
	ep->ready_tail = it;
}

/* Wait lock held: the ready list lost (it), which is somewhere on it. */
static void ready_remove(struct epoll *ep, struct epitem *it)
{
	struct epitem **p = &ep->ready_head, *prev = NULL;

	if (!it->on_ready)
		return;
	while (*p && *p != it) {
		prev = *p;
		p = &(*p)->rnext;
	}
	if (*p)
		*p = it->rnext;
	if (ep->ready_tail == it)
		ep->ready_tail = prev;
	it->on_ready = false;
}

/* Wait lock held: wakes the waiters and whoever polls the set itself. */
static void ready_changed(struct epoll *ep)
{
	waitq_wake_all(&ep->wait);
	if (ep->ready_head)
		vfs_file_notify(ep->file, VFS_POLL_IN | VFS_POLL_RDNORM);
}

/* The file's notification: any context, the file's poll lock held. */
static void item_wake(struct vfs_poller *p, unsigned ready)
{
	struct epitem *it = to_item(p);
	struct epoll *ep = it->ep;

	if (it->disabled || !(ready & (it->events | VFS_POLL_ALWAYS)))
		return;
	bool irq = waitq_lock(&ep->wait);

	ready_push(ep, it);
	ready_changed(ep);
	waitq_unlock(&ep->wait, irq);
}

static struct epitem **bucket(struct epoll *ep, int fd)
{
	return &ep->table[(unsigned)fd % ep->nbuckets];
}

/* (mtx) held. */
static struct epitem *find(struct epoll *ep, int fd, struct vfs_file *f)
{
	for (struct epitem *it = *bucket(ep, fd); it; it = it->hnext)
		if (it->fd == fd && it->file == f)
			return it;
	return NULL;
}

/* (mtx) held: takes (it) out of the table and the ready list. */
static void forget(struct epoll *ep, struct epitem *it)
{
	struct epitem **p = bucket(ep, it->fd);

	while (*p != it)
		p = &(*p)->hnext;
	*p = it->hnext;
	ep->nitems--;
	bool irq = waitq_lock(&ep->wait);

	ready_remove(ep, it);
	waitq_unlock(&ep->wait, irq);
}

/* The watched file's last reference is gone: the item goes too. */
static void item_gone(struct vfs_poller *p)
{
	struct epitem *it = to_item(p);
	struct epoll *ep = it->ep;
	bool last;

	mutex_lock(&ep->mtx);
	if (!ep->closing)
		forget(ep, it);
	last = ep->closing && --ep->going == 0;
	mutex_unlock(&ep->mtx);
	heap_free(it);
	/* The set closed meanwhile, and left its memory to the last of
	 * these. */
	if (last) {
		heap_free(ep->table);
		heap_free(ep);
	}
}

/* (mtx) held: twice the buckets once items outnumber them two to one. */
static void grow(struct epoll *ep)
{
	unsigned n = ep->nbuckets * 2;
	struct epitem **t = heap_zalloc(n * sizeof(*t));

	if (!t)
		return;		/* chains just get longer */
	for (unsigned b = 0; b < ep->nbuckets; b++) {
		for (struct epitem *it = ep->table[b], *next; it; it = next) {
			next = it->hnext;
			it->hnext = t[(unsigned)it->fd % n];
			t[(unsigned)it->fd % n] = it;
		}
	}
	heap_free(ep->table);
	ep->table = t;
	ep->nbuckets = n;
}

/* (mtx) held: if (it)'s file is ready now, (it) goes on the ready list. */
static void check_now(struct epoll *ep, struct epitem *it)
{
	if (!(vfs_poll(it->file) & (it->events | VFS_POLL_ALWAYS)))
		return;
	bool irq = waitq_lock(&ep->wait);

	ready_push(ep, it);
	ready_changed(ep);
	waitq_unlock(&ep->wait, irq);
}

static int ctl_add(struct epoll *ep, int fd, struct vfs_file *f,
		   uint32_t events, uint64_t data)
{
	struct epitem *it;

	if (find(ep, fd, f))
		return -EEXIST;
	it = heap_zalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = events;
	it->data = data;
	it->poller.events = events & ~EP_FLAGS;
	it->poller.wake = item_wake;
	it->poller.gone = item_gone;
	it->hnext = *bucket(ep, fd);
	*bucket(ep, fd) = it;
	if (++ep->nitems > 2 * ep->nbuckets)
		grow(ep);
	vfs_poll_watch(f, &it->poller);
	check_now(ep, it);
	return 0;
}

int epoll_control(struct vfs_file *epf, int op, int fd, struct vfs_file *f,
		  uint32_t events, uint64_t data)
{
	struct epoll *ep = epf->priv;
	struct epitem *it;
	int rc = 0;

	if (!is_epoll(epf) || f == epf)
		return -EINVAL;
	/* An exclusive wake-up is chosen when the item is added, for good
	 * (Linux's rule): MOD can neither set it nor change such an item. */
	if (op == EPOLL_OP_MOD && (events & EP_EXCLUSIVE))
		return -EINVAL;
	/* An epoll set watching an epoll set: allowed, one level only, so
	 * notifications cannot go round in a loop. */
	if (is_epoll(f) && ((struct epoll *)f->priv)->nitems &&
	    op == EPOLL_OP_ADD) {
		struct epoll *inner = f->priv;

		mutex_lock(&inner->mtx);
		for (unsigned b = 0; b < inner->nbuckets && !rc; b++)
			for (it = inner->table[b]; it && !rc; it = it->hnext)
				if (is_epoll(it->file))
					rc = -ELOOP;
		mutex_unlock(&inner->mtx);
		if (rc)
			return rc;
	}
	mutex_lock(&ep->mtx);
	switch (op) {
	case EPOLL_OP_ADD:
		rc = ctl_add(ep, fd, f, events, data);
		break;
	case EPOLL_OP_DEL:
		it = find(ep, fd, f);
		if (!it) {
			rc = -ENOENT;
			break;
		}
		/* The caller holds (f): it is not going, (it) is ours. */
		vfs_poll_unwatch(f, &it->poller);
		forget(ep, it);
		heap_free(it);
		break;
	case EPOLL_OP_MOD:
		it = find(ep, fd, f);
		if (!it || (it->events & EP_EXCLUSIVE)) {
			rc = it ? -EINVAL : -ENOENT;
			break;
		}
		/* Under the file's poll lock, so a notification sees the
		 * old settings or the new ones whole. */
		vfs_poll_unwatch(f, &it->poller);
		it->events = events;
		it->data = data;
		it->disabled = false;
		it->poller.events = events & ~EP_FLAGS;
		vfs_poll_watch(f, &it->poller);
		check_now(ep, it);
		break;
	default:
		rc = -EINVAL;
	}
	mutex_unlock(&ep->mtx);
	return rc;
}

/* Takes the ready list for reporting: up to (max) items are reported,
 * the rest go back. (mtx) held. */
static int report(struct epoll *ep, struct epoll_report *out, int max)
{
	bool irq = waitq_lock(&ep->wait);
	struct epitem *list = ep->ready_head, *again = NULL, **again_tail = &again;
	int n = 0;

	ep->ready_head = ep->ready_tail = NULL;
	waitq_unlock(&ep->wait, irq);

	while (list) {
		struct epitem *it = list;

		list = it->rnext;
		irq = waitq_lock(&ep->wait);
		it->on_ready = false;
		if (n == max) {
			ready_push(ep, it);	/* for next time */
			waitq_unlock(&ep->wait, irq);
			continue;
		}
		waitq_unlock(&ep->wait, irq);
		unsigned r = it->disabled ? 0 :
			     vfs_poll(it->file) & (it->events | VFS_POLL_ALWAYS);

		if (!r)
			continue;
		out[n].events = r;
		out[n].data = it->data;
		n++;
		if (it->events & EP_ONESHOT) {
			it->disabled = true;
		} else if (!(it->events & EP_ET)) {
			/* Still ready, most likely: listed again below. As
			 * on the ready list, a notification leaves it be. */
			irq = waitq_lock(&ep->wait);
			if (!it->on_ready) {
				it->on_ready = true;
				*again_tail = it;
				again_tail = &it->rnext;
			}
			waitq_unlock(&ep->wait, irq);
		}
	}
	/* Level-triggered items go back behind the ones not reported this
	 * time, so that a small (max) takes turns, as on Linux. */
	*again_tail = NULL;
	if (again) {
		irq = waitq_lock(&ep->wait);
		if (ep->ready_tail)
			ep->ready_tail->rnext = again;
		else
			ep->ready_head = again;
		ep->ready_tail = container_of(again_tail, struct epitem, rnext);
		waitq_unlock(&ep->wait, irq);
	}
	return n;
}

int epoll_collect(struct vfs_file *epf, struct epoll_report *out, int max,
		  uint64_t deadline)
{
	struct epoll *ep = epf->priv;

	if (!is_epoll(epf) || max <= 0)
		return -EINVAL;
	for (;;) {
		struct waiter w;
		int n, rc = 0;

		mutex_lock(&ep->mtx);
		n = report(ep, out, max);
		mutex_unlock(&ep->mtx);
		if (n)
			return n;
		bool irq = waitq_lock(&ep->wait);

		while (!ep->ready_head && rc == 0)
			rc = waitq_sleep_intr(&ep->wait, &w, deadline, irq);
		waitq_unlock(&ep->wait, irq);
		if (rc == -ETIMEDOUT)
			return 0;
		if (rc)
			return rc;
	}
}

static unsigned epoll_poll(struct vfs_file *f)
{
	struct epoll *ep = f->priv;

	return __atomic_load_n(&ep->ready_head, __ATOMIC_RELAXED) ?
		       VFS_POLL_IN | VFS_POLL_RDNORM : 0;
}

static int epoll_close(struct vfs_file *f)
{
	struct epoll *ep = f->priv;

	/* Nobody can call in any more: take every item off its file. An
	 * item whose file is going at the same moment is off its list
	 * already, and its gone callback, waiting for (mtx), frees it. */
	mutex_lock(&ep->mtx);
	ep->closing = true;
	for (unsigned b = 0; b < ep->nbuckets; b++) {
		for (struct epitem *it = ep->table[b], *next; it; it = next) {
			next = it->hnext;
			if (vfs_poll_unwatch(it->file, &it->poller))
				heap_free(it);
			else
				ep->going++;
		}
	}
	bool keep = ep->going;

	mutex_unlock(&ep->mtx);
	if (!keep) {
		heap_free(ep->table);
		heap_free(ep);
	}
	return 0;
}

static const struct vfs_file_ops epoll_ops = {
	.poll = epoll_poll,
	.fstat = vfs_anon_fstat,
	.close = epoll_close,
};

bool is_epoll(const struct vfs_file *f)
{
	return f->ops == &epoll_ops;
}

int epoll_open(int flags, struct vfs_file **out)
{
	struct epoll *ep = heap_zalloc(sizeof(*ep));

	*out = NULL;
	if (!ep)
		return -ENOMEM;
	ep->nbuckets = 16;
	ep->table = heap_zalloc(ep->nbuckets * sizeof(*ep->table));
	if (!ep->table) {
		heap_free(ep);
		return -ENOMEM;
	}
	/* Read-write, as Linux opens it: read() and write() say EINVAL (no
	 * such operations), not EBADF. */
	*out = vfs_file_new(&epoll_ops, ep, O_RDWR | (flags & O_NONBLOCK));
	if (!*out) {
		heap_free(ep->table);
		heap_free(ep);
		return -ENOMEM;
	}
	ep->file = *out;
	return 0;
}
