// SPDX-License-Identifier: MIT
/*
 * signalfd and signalfd4: signals read as a file. An event loop blocks
 * the signals it wants (SIGTERM, SIGINT, SIGCHLD...) in every thread and
 * reads them from a descriptor it waits on with epoll or poll, beside its
 * sockets: no handler runs in the middle of its work. Linux's
 * semantics: a read takes pending signals of the file's mask, the
 * caller's own first, then the process's, as sigwaitinfo() would, each
 * as a 128-byte struct signalfd_siginfo; it blocks while none is pending
 * (EAGAIN with O_NONBLOCK). The file is readable while one is. A signal
 * the program does not block is delivered as usual, not read here.
 *
 * sys/signal.c calls signalfd_notify() whenever a signal becomes
 * pending, with its lock held (interrupts off, possibly in an
 * interrupt): this wakes the files watching that signal. So the order of
 * locks is: signal.c's, then (files_lock), then a file's wait queue and
 * its pollers'; readiness (poll) is a lock-free look, and a reader takes
 * its wait queue's lock and signal.c's one after the other, never both.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>

#include <kernel/compiler.h>
#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "signal_impl.h"
#include "sys_impl.h"

#define BIT(sig) (1ULL << ((sig) - 1))
#define READY (VFS_POLL_IN | VFS_POLL_RDNORM)

struct signalfd {
	struct waitq wait;	/* readers waiting for a signal */
	uint64_t mask;		/* changed under (files_lock) */
	struct vfs_file *file;
	struct signalfd *next;	/* on (files) */
};

/* Every open signalfd, for signalfd_notify(). */
static struct spinlock files_lock;
static struct signalfd *files;

static const struct vfs_file_ops signalfd_ops;

/* The signals of (s) pending for the calling thread or the process. */
static uint64_t pending(const struct signalfd *s)
{
	return signal_pending_here() & READ_ONCE(s->mask);
}

/* A signal of (s) is pending: its readers and pollers hear of it. */
static void wake(struct signalfd *s)
{
	bool irq = waitq_lock(&s->wait);

	waitq_wake_all(&s->wait);
	waitq_unlock(&s->wait, irq);
	vfs_file_notify(s->file, READY);
}

void signalfd_notify(int sig)
{
	spin_lock(&files_lock);
	for (struct signalfd *s = files; s; s = s->next)
		if (s->mask & BIT(sig))
			wake(s);
	spin_unlock(&files_lock);
}

/* Linux's record of (si), as signalfd's read() gives it. */
static void to_record(const siginfo_t *si, struct signalfd_siginfo *r)
{
	memset(r, 0, sizeof(*r));
	r->ssi_signo = (uint32_t)si->si_signo;
	r->ssi_errno = si->si_errno;
	r->ssi_code = si->si_code;
	switch (si->si_code) {
	case SI_TIMER:
		r->ssi_tid = (uint32_t)si->si_timerid;
		r->ssi_overrun = (uint32_t)si->si_overrun;
		r->ssi_ptr = (uint64_t)(uintptr_t)si->si_value.sival_ptr;
		r->ssi_int = si->si_value.sival_int;
		return;
	case SI_QUEUE:
	case SI_MESGQ:
		r->ssi_ptr = (uint64_t)(uintptr_t)si->si_value.sival_ptr;
		r->ssi_int = si->si_value.sival_int;
		break;
	default:
		/* A fault of the CPU's says where. */
		if (si->si_code > 0 &&
		    (si->si_signo == SIGSEGV || si->si_signo == SIGBUS ||
		     si->si_signo == SIGILL || si->si_signo == SIGFPE)) {
			r->ssi_addr = (uint64_t)(uintptr_t)si->si_addr;
			return;
		}
	}
	r->ssi_pid = (uint32_t)si->si_pid;
	r->ssi_uid = si->si_uid;
}

static ssize_t signalfd_read(struct vfs_file *f, void *buf, size_t n,
			     uint64_t off)
{
	struct signalfd *s = f->priv;
	struct signalfd_siginfo *out = buf;
	size_t got = 0;

	(void)off;
	if (n < sizeof(*out))
		return -EINVAL;
	while (got < n / sizeof(*out)) {
		siginfo_t si;
		int sig = signal_take(READ_ONCE(s->mask), &si);

		if (sig) {
			to_record(&si, &out[got++]);
			continue;
		}
		if (got)
			break;
		if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK)
			return -EAGAIN;
		/* Sleeps until one is pending: signalfd_notify() wakes the
		 * queue after it marks one, so a look under the queue's lock
		 * cannot miss it. */
		struct waiter w;
		bool irq = waitq_lock(&s->wait);
		int rc = 0;

		while (!pending(s) && !rc)
			rc = waitq_sleep_intr(&s->wait, &w, WAITQ_NO_DEADLINE,
					      irq);
		waitq_unlock(&s->wait, irq);
		if (rc)
			return rc;
	}
	return (ssize_t)(got * sizeof(*out));
}

static unsigned signalfd_poll(struct vfs_file *f)
{
	return pending(f->priv) ? READY : 0;
}

static int signalfd_close(struct vfs_file *f)
{
	struct signalfd *s = f->priv;
	bool irq = spin_lock_irqsave(&files_lock);

	for (struct signalfd **p = &files; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	spin_unlock_irqrestore(&files_lock, irq);
	heap_free(s);
	return 0;
}

static const struct vfs_file_ops signalfd_ops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.fstat = vfs_anon_fstat,
	.close = signalfd_close,
};

/* Sets the signals (f), a signalfd, reads (those pending wake it):
 * returns its descriptor (fd), as Linux does. */
static long set_mask(struct vfs_file *f, int fd, uint64_t mask)
{
	struct signalfd *s = f->priv;

	if (f->ops != &signalfd_ops)
		return -EINVAL;
	bool irq = spin_lock_irqsave(&files_lock);

	s->mask = mask;
	spin_unlock_irqrestore(&files_lock, irq);
	if (pending(s))
		wake(s);
	return fd;
}

static long open_signalfd(uint64_t mask, int flags)
{
	struct signalfd *s = heap_zalloc(sizeof(*s));
	struct vfs_file *f;
	long rc;

	if (!s)
		return -ENOMEM;
	s->mask = mask;
	/* Read-write, as Linux opens it: a write() is EINVAL, not EBADF. */
	f = vfs_file_new(&signalfd_ops, s, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		heap_free(s);
		return -ENOMEM;
	}
	s->file = f;
	bool irq = spin_lock_irqsave(&files_lock);

	s->next = files;
	files = s;
	spin_unlock_irqrestore(&files_lock, irq);
	rc = fd_install_flags(f, flags & O_CLOEXEC);
	if (rc < 0)
		vfs_file_put(f);
	return rc;
}

SYSCALL_DEFINE4(signalfd4, int, fd, const uint64_t *, set, size_t, setsize,
		int, flags)
{
	uint64_t mask;

	if (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC) || setsize != sizeof(mask))
		return -EINVAL;
	if (!user_readable(set, sizeof(mask)))
		return -EFAULT;
	/* SIGKILL and SIGSTOP are never read, as on Linux. */
	mask = *set & ~(BIT(SIGKILL) | BIT(SIGSTOP));
	if (fd == -1)
		return open_signalfd(mask, flags);
	return ON_FD(fd, f, set_mask(f, fd, mask));
}

SYSCALL_DEFINE3(signalfd, int, fd, const uint64_t *, set, size_t, setsize)
{
	return sys_signalfd4(fd, (long)set, (long)setsize, 0, 0, 0);
}
