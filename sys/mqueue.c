// SPDX-License-Identifier: MIT
/*
 * POSIX message queues (mq_overview(7)): mq_open, mq_unlink,
 * mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr, between the
 * program's threads. A queue is named (musl passes the name without its
 * leading '/'), lives while it has a name or an open descriptor, and
 * keeps its messages highest priority first, oldest first within a
 * priority, each in a heap block of its own (a queue takes memory as
 * messages arrive, not at mq_open()). A descriptor is a file: poll() and
 * epoll see it readable with a message and writable with room; read()
 * gives Linux's status line. Notification is sys/mqueue_notify.c's.
 *
 * Locks: (names) for the namespace, then a queue's (wait) lock for its
 * messages, counts, registration and files; files are notified under it.
 * Copies to and from the program happen outside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/sync.h>

#include "mqueue_impl.h"
#include "sys_impl.h"
#include "time_impl.h"

/* Linux's defaults, and its limits for a privileged process. */
#define MQ_DEFAULT_MAXMSG	10
#define MQ_DEFAULT_MSGSIZE	8192
#define MQ_HARD_MAXMSG		65536
#define MQ_HARD_MSGSIZE		(16 << 20)

struct mq_msg {
	struct mq_msg *next;
	unsigned prio;
	size_t len;
	char data[];
};

struct mq_file {
	struct mq_file *next;
	struct vfs_file *file;
	struct mqueue *q;
	size_t pos;			/* read() of the status line */
};

static struct mutex names_lock;
static struct mqueue *names;

static const struct vfs_file_ops mq_ops;

struct mqueue *mq_of(struct vfs_file *f)
{
	return f->ops == &mq_ops ? ((struct mq_file *)f->priv)->q : NULL;
}

/* With the queue's lock: tells its files what it can do now. */
static void notify_files(struct mqueue *q, unsigned events)
{
	for (struct mq_file *mf = q->files; mf; mf = mf->next)
		vfs_file_notify(mf->file, events);
}

/* Frees (q), which nobody holds any more. */
static void queue_free(struct mqueue *q)
{
	while (q->head) {
		struct mq_msg *m = q->head;

		q->head = m->next;
		heap_free(m);
	}
	heap_free(q);
}

static void queue_put(struct mqueue *q)
{
	bool irq = waitq_lock(&q->wait);
	bool last = --q->refs == 0;

	waitq_unlock(&q->wait, irq);
	if (last)
		queue_free(q);
}

/* --- opening and naming --------------------------------------------------- */

/* With (names_lock): the queue named (name), or NULL. */
static struct mqueue *find(const char *name)
{
	struct mqueue *q = names;

	while (q && strcmp(q->name, name) != 0)
		q = q->next;
	return q;
}

/* A name as Linux takes it (after musl dropped the leading '/'). */
static int check_name(const char *name)
{
	int rc = user_path(name);

	if (rc)
		return rc;
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	if (strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return -EACCES;
	return 0;
}

static struct mqueue *queue_new(const char *name, mode_t mode,
				const struct mq_attr *attr)
{
	struct mqueue *q = heap_zalloc(sizeof(*q));

	if (!q)
		return NULL;
	strcpy(q->name, name);
	q->mode = mode;
	q->maxmsg = attr ? attr->mq_maxmsg : MQ_DEFAULT_MAXMSG;
	q->msgsize = attr ? attr->mq_msgsize : MQ_DEFAULT_MSGSIZE;
	q->notify = -1;
	q->refs = 1;		/* the name's */
	return q;
}

/* A new file on (q), holding a reference to it. */
static struct vfs_file *open_file(struct mqueue *q, int flags)
{
	struct mq_file *mf = heap_zalloc(sizeof(*mf));
	struct vfs_file *f;
	bool irq;

	if (!mf)
		return NULL;
	f = vfs_file_new(&mq_ops, mf, flags & (VFS_ACCMODE | O_NONBLOCK));
	if (!f) {
		heap_free(mf);
		return NULL;
	}
	mf->file = f;
	mf->q = q;
	irq = waitq_lock(&q->wait);
	q->refs++;
	mf->next = q->files;
	q->files = mf;
	waitq_unlock(&q->wait, irq);
	return f;
}

SYSCALL_DEFINE4(mq_open, const char *, name, int, flags, mode_t, mode,
		const struct mq_attr *, uattr)
{
	struct mq_attr attr;
	struct mqueue *q;
	struct vfs_file *f = NULL;
	int rc = check_name(name);

	if (rc)
		return rc;
	if ((flags & O_CREAT) && uattr) {
		if (!user_readable(uattr, sizeof(*uattr)))
			return -EFAULT;
		attr = *uattr;
	}
	mutex_lock(&names_lock);
	q = find(name);
	/* The attributes count only for a queue made now. */
	if (!q && (flags & O_CREAT) && uattr &&
	    (attr.mq_maxmsg <= 0 || attr.mq_msgsize <= 0 ||
	     attr.mq_maxmsg > MQ_HARD_MAXMSG ||
	     attr.mq_msgsize > MQ_HARD_MSGSIZE))
		rc = -EINVAL;
	if (rc == 0 && !q && !(flags & O_CREAT))
		rc = -ENOENT;
	else if (q && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		rc = -EEXIST;
	else if ((flags & VFS_ACCMODE) == VFS_ACCMODE)
		rc = -EINVAL;
	if (rc == 0 && !q) {
		q = queue_new(name, S_IFREG | (mode & 0777 & ~sys_file_umask()),
			      uattr ? &attr : NULL);
		if (q) {
			q->next = names;
			names = q;
		}
	}
	if (rc == 0 && q)
		f = open_file(q, flags);
	mutex_unlock(&names_lock);
	if (rc)
		return rc;
	if (!f)
		return -ENOMEM;	/* a new queue stays, named: as on Linux */
	rc = fd_install_flags(f, flags & O_CLOEXEC);
	if (rc < 0)
		vfs_file_put(f);
	return rc;
}

SYSCALL_DEFINE1(mq_unlink, const char *, name)
{
	struct mqueue *q, **p;
	int rc = check_name(name);

	if (rc)
		return rc;
	mutex_lock(&names_lock);
	for (p = &names; *p && strcmp((*p)->name, name) != 0; p = &(*p)->next)
		;
	q = *p;
	if (q)
		*p = q->next;
	mutex_unlock(&names_lock);
	if (!q)
		return -ENOENT;
	queue_put(q);		/* the name's reference */
	return 0;
}

/* --- sending and receiving ------------------------------------------------- */

/* The file (fd), with a reference, if it is a queue open for (write)
 * or for reading; else NULL and -EBADF in (*rc). */
static struct vfs_file *queue_fd(int fd, bool write, long *rc)
{
	struct vfs_file *f = fd_get(fd);
	int acc;

	*rc = -EBADF;
	if (!f)
		return NULL;
	acc = f->flags & VFS_ACCMODE;
	if (!mq_of(f) || acc == (write ? O_RDONLY : O_WRONLY)) {
		vfs_file_put(f);
		return NULL;
	}
	*rc = 0;
	return f;
}

static bool nonblock(const struct vfs_file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

/* The deadline of an absolute CLOCK_REALTIME (timeout), or none. */
static int deadline_of(const struct timespec *timeout, uint64_t *deadline)
{
	*deadline = WAITQ_NO_DEADLINE;
	return timeout ? abstime_deadline(CLOCK_REALTIME, timeout, deadline)
		       : 0;
}

/* With the lock: puts (m) after the messages of its priority or above. */
static void enqueue(struct mqueue *q, struct mq_msg *m)
{
	struct mq_msg **p = &q->head;

	while (*p && (*p)->prio >= m->prio)
		p = &(*p)->next;
	m->next = *p;
	*p = m;
	q->count++;
	q->bytes += m->len;
}

static long send_message(struct vfs_file *f, const char *msg, size_t len,
		 unsigned prio, uint64_t deadline)
{
	struct mqueue *q = mq_of(f);
	struct mq_fired r = { .notify = -1 };
	struct mq_msg *m;
	struct waiter w;
	long rc = 0;
	bool irq;

	if (len > (size_t)q->msgsize)
		return -EMSGSIZE;
	if (!user_readable(msg, len))
		return -EFAULT;
	m = heap_alloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->prio = prio;
	m->len = len;
	memcpy(m->data, msg, len);
	irq = waitq_lock(&q->wait);
	while (q->count >= q->maxmsg && rc == 0) {
		if (nonblock(f))
			rc = -EAGAIN;
		else
			rc = waitq_sleep_intr(&q->wait, &w, deadline, irq);
	}
	if (rc == 0) {
		/* Into an empty queue nobody waits on: the notification. */
		if (q->count == 0 && q->receivers == 0 && q->notify >= 0)
			mq_take_registration(q, &r);
		enqueue(q, m);
		m = NULL;
		waitq_wake_all(&q->wait);
		notify_files(q, VFS_POLL_IN | VFS_POLL_RDNORM);
	}
	waitq_unlock(&q->wait, irq);
	heap_free(m);
	if (r.notify >= 0)
		mq_fire(&r, true);
	return rc;
}

static long receive_message(struct vfs_file *f, char *buf, size_t len,
		    unsigned *prio, uint64_t deadline)
{
	struct mqueue *q = mq_of(f);
	struct mq_msg *m = NULL;
	struct waiter w;
	long rc = 0;
	bool irq;

	if (len < (size_t)q->msgsize)
		return -EMSGSIZE;
	if (!user_writable(buf, (size_t)q->msgsize) ||
	    (prio && !user_writable(prio, sizeof(*prio))))
		return -EFAULT;
	irq = waitq_lock(&q->wait);
	while (q->count == 0 && rc == 0) {
		if (nonblock(f)) {
			rc = -EAGAIN;
			break;
		}
		q->receivers++;
		rc = waitq_sleep_intr(&q->wait, &w, deadline, irq);
		q->receivers--;
	}
	if (rc == 0) {
		m = q->head;
		q->head = m->next;
		q->count--;
		q->bytes -= m->len;
		waitq_wake_all(&q->wait);
		notify_files(q, VFS_POLL_OUT | VFS_POLL_WRNORM);
	}
	waitq_unlock(&q->wait, irq);
	if (!m)
		return rc;
	memcpy(buf, m->data, m->len);
	if (prio)
		*prio = m->prio;
	rc = (long)m->len;
	heap_free(m);
	return rc;
}

SYSCALL_DEFINE5(mq_timedsend, int, fd, const char *, msg, size_t, len,
		unsigned, prio, const struct timespec *, timeout)
{
	uint64_t deadline;
	long rc = prio >= MQ_PRIO_MAX ? -EINVAL : deadline_of(timeout,
							      &deadline);
	struct vfs_file *f = rc ? NULL : queue_fd(fd, true, &rc);

	if (!f)
		return rc;
	rc = send_message(f, msg, len, prio, deadline);
	vfs_file_put(f);
	return rc;
}

SYSCALL_DEFINE5(mq_timedreceive, int, fd, char *, buf, size_t, len,
		unsigned *, prio, const struct timespec *, timeout)
{
	uint64_t deadline;
	long rc = deadline_of(timeout, &deadline);
	struct vfs_file *f = rc ? NULL : queue_fd(fd, false, &rc);

	if (!f)
		return rc;
	rc = receive_message(f, buf, len, prio, deadline);
	vfs_file_put(f);
	return rc;
}

SYSCALL_DEFINE3(mq_getsetattr, int, fd, const struct mq_attr *, set,
		struct mq_attr *, old)
{
	struct vfs_file *f = fd_get(fd);
	struct mqueue *q = f ? mq_of(f) : NULL;
	long rc = 0;

	if (!q)
		rc = -EBADF;
	else if ((set && !user_readable(set, sizeof(*set))) ||
		 (old && !user_writable(old, sizeof(*old))))
		rc = -EFAULT;
	else if (set && (set->mq_flags & ~O_NONBLOCK))
		rc = -EINVAL;
	if (rc == 0 && old) {
		bool irq = waitq_lock(&q->wait);

		*old = (struct mq_attr){ .mq_flags = f->flags & O_NONBLOCK,
					 .mq_maxmsg = q->maxmsg,
					 .mq_msgsize = q->msgsize,
					 .mq_curmsgs = q->count };
		waitq_unlock(&q->wait, irq);
	}
	if (rc == 0 && set) {
		/* Only O_NONBLOCK changes; the rest is ignored, as on Linux. */
		int fl = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);

		__atomic_store_n(&f->flags, (fl & ~O_NONBLOCK) |
				 (set->mq_flags & O_NONBLOCK), __ATOMIC_RELAXED);
	}
	if (f)
		vfs_file_put(f);
	return rc;
}

/* --- the descriptor as a file --------------------------------------------- */

/* Linux's status line: bytes queued, and the registration. */
static ssize_t mq_file_read(struct vfs_file *f, void *buf, size_t n,
			    uint64_t off)
{
	struct mq_file *mf = f->priv;
	struct mqueue *q = mf->q;
	char line[96];
	bool irq = waitq_lock(&q->wait);
	int len = ksnprintf(line, sizeof(line),
			    "QSIZE:%-10zu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
			    q->bytes, q->notify >= 0 ? q->notify : 0,
			    q->notify == SIGEV_SIGNAL ? q->info.si_signo : 0,
			    q->notify >= 0 ? 1 : 0);
	size_t k;

	waitq_unlock(&q->wait, irq);
	(void)off;
	/* The line from where this descriptor's reads got to, then end of
	 * file, as Linux's (made anew each time: its figures move). */
	mutex_lock(&f->pos_lock);
	k = mf->pos < (size_t)len ? (size_t)len - mf->pos : 0;
	k = k < n ? k : n;
	memcpy(buf, line + mf->pos, k);
	mf->pos += k;
	mutex_unlock(&f->pos_lock);
	return (ssize_t)k;
}

static unsigned mq_file_poll(struct vfs_file *f)
{
	struct mqueue *q = mq_of(f);
	bool irq = waitq_lock(&q->wait);
	unsigned ready = (q->count ? VFS_POLL_IN | VFS_POLL_RDNORM : 0) |
			 (q->count < q->maxmsg ? VFS_POLL_OUT |
						 VFS_POLL_WRNORM : 0);

	waitq_unlock(&q->wait, irq);
	return ready;
}

static int mq_file_fstat(struct vfs_file *f, struct stat *st)
{
	struct mqueue *q = mq_of(f);

	memset(st, 0, sizeof(*st));
	st->st_mode = q->mode;
	st->st_nlink = 1;
	st->st_ino = (uintptr_t)q >> 4;
	st->st_blksize = 4096;
	return 0;
}

static int mq_file_close(struct vfs_file *f)
{
	struct mq_file *mf = f->priv;
	struct mqueue *q = mf->q;
	bool irq;

	mq_unregister(q, f);	/* one made through this descriptor goes */
	irq = waitq_lock(&q->wait);
	for (struct mq_file **p = &q->files; *p; p = &(*p)->next)
		if (*p == mf) {
			*p = mf->next;
			break;
		}
	waitq_unlock(&q->wait, irq);
	heap_free(mf);
	queue_put(q);
	return 0;
}

static const struct vfs_file_ops mq_ops = {
	.read = mq_file_read,
	.fstat = mq_file_fstat,
	.poll = mq_file_poll,
	.close = mq_file_close,
};
