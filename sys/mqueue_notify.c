// SPDX-License-Identifier: MIT
/*
 * mq_notify() (sys/mqueue.c has the queues): one registration a queue,
 * made through a descriptor and gone with it, which fires once, when a
 * message arrives in the empty queue that no mq_receive() waits on: a
 * signal to the process (SIGEV_SIGNAL: si_code SI_MESGQ, the sigevent's
 * value), nothing (SIGEV_NONE), or for SIGEV_THREAD, as Linux writes 32
 * bytes to a netlink socket, 32 bytes to the pipe whose write end
 * sigev_signo names (libc/mq_notify.c waits on the other end): the
 * cookie sigev_value points to, its last byte 1 for a message, 2 when
 * the registration goes without one.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>

#include <kernel/fd.h>
#include <kernel/vfs.h>

#include "mqueue_impl.h"
#include "signal_impl.h"
#include "sys_impl.h"

#define MQ_NOTIFY_WOKEN		1
#define MQ_NOTIFY_REMOVED	2

void mq_take_registration(struct mqueue *q, struct mq_fired *out)
{
	out->notify = q->notify;
	out->info = q->info;
	out->pipe = q->pipe;
	memcpy(out->cookie, q->cookie, MQ_COOKIE);
	q->notify = -1;
	q->owner = NULL;
	q->pipe = NULL;
}

void mq_fire(struct mq_fired *r, bool woken)
{
	/* Signal 0 is a registration that sends nothing, as on Linux. */
	if (r->notify == SIGEV_SIGNAL && woken && r->info.si_signo)
		signal_send_process_info(&r->info);
	if (r->pipe) {
		r->cookie[MQ_COOKIE - 1] = woken ? MQ_NOTIFY_WOKEN :
						   MQ_NOTIFY_REMOVED;
		vfs_write(r->pipe, r->cookie, MQ_COOKIE);
		vfs_file_put(r->pipe);
	}
}

/* A registration (ev) for (q) through (f): 0, or -EBUSY if another is. */
static long register_notify(struct mqueue *q, struct vfs_file *f,
			    const struct ksigevent *ev,
			    struct vfs_file *pipe, const char *cookie)
{
	bool irq = waitq_lock(&q->wait);
	long rc = -EBUSY;

	if (q->notify < 0) {
		q->notify = ev->notify;
		q->owner = f;
		q->pipe = pipe;
		if (cookie)
			memcpy(q->cookie, cookie, MQ_COOKIE);
		q->info = (siginfo_t){ .si_signo = ev->signo,
				       .si_code = SI_MESGQ,
				       .si_value = ev->value };
		q->info.si_pid = 1;
		rc = 0;
	}
	waitq_unlock(&q->wait, irq);
	return rc;
}

void mq_unregister(struct mqueue *q, struct vfs_file *f)
{
	struct mq_fired r = { .notify = -1 };
	bool irq = waitq_lock(&q->wait);

	if (q->notify >= 0 && (!f || q->owner == f))
		mq_take_registration(q, &r);
	waitq_unlock(&q->wait, irq);
	if (r.notify >= 0)
		mq_fire(&r, false);
}

static long notify_request(struct vfs_file *f, const struct ksigevent *uev)
{
	struct mqueue *q = mq_of(f);
	struct ksigevent ev;
	char cookie[MQ_COOKIE];
	struct vfs_file *pipe = NULL;
	long rc;

	if (!uev) {	/* the process's, whichever descriptor made it */
		mq_unregister(q, NULL);
		return 0;
	}
	if (!user_readable(uev, sizeof(*uev)))
		return -EFAULT;
	ev = *uev;
	switch (ev.notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_SIGNAL:
		if (ev.signo < 0 || ev.signo > 64)
			return -EINVAL;
		break;
	case SIGEV_THREAD:
		if (!user_readable(ev.value.sival_ptr, MQ_COOKIE))
			return -EFAULT;
		memcpy(cookie, ev.value.sival_ptr, MQ_COOKIE);
		pipe = fd_get(ev.signo);
		if (!pipe || (pipe->flags & VFS_ACCMODE) == O_RDONLY) {
			if (pipe)
				vfs_file_put(pipe);
			return -EBADF;
		}
		break;
	default:
		return -EINVAL;
	}
	rc = register_notify(q, f, &ev, pipe, pipe ? cookie : NULL);
	if (rc && pipe)
		vfs_file_put(pipe);
	return rc;
}

SYSCALL_DEFINE2(mq_notify, int, fd, const struct ksigevent *, ev)
{
	long rc;
	struct vfs_file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	rc = mq_of(f) ? notify_request(f, ev) : -EBADF;
	vfs_file_put(f);
	return rc;
}
