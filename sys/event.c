// SPDX-License-Identifier: MIT
/*
 * The event calls: epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait, eventfd, eventfd2, timerfd_create, timerfd_settime,
 * timerfd_gettime, over the kernel's event files (include/kernel/
 * event_file.h).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include <kernel/event_file.h>
#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/time.h>

#include "signal_impl.h"
#include "sys_impl.h"
#include "time_impl.h"


/* Installs (*f), just made (or not: (rc)), or drops it. */
static long install(int rc, struct vfs_file **f, int flags)
{
	if (rc)
		return rc;
	rc = fd_install_flags(*f, flags & O_CLOEXEC);
	if (rc < 0)
		vfs_file_put(*f);
	return rc;
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	struct vfs_file *f;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	return install(epoll_open(0, &f), &f, flags);
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	return size <= 0 ? -EINVAL : sys_epoll_create1(0, 0, 0, 0, 0, 0);
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd,
		struct epoll_event *, ev)
{
	struct vfs_file *ep, *f;
	uint32_t events = 0;
	uint64_t data = 0;
	long rc;

	if (op != EPOLL_CTL_DEL) {
		if (!user_readable(ev, sizeof(*ev)))
			return -EFAULT;
		events = ev->events;
		data = ev->data.u64;
	}
	ep = fd_get(epfd);
	if (!ep)
		return -EBADF;
	f = fd_get(fd);
	if (!f) {
		vfs_file_put(ep);
		return -EBADF;
	}
	/* Files that are always ready (regular files, directories) cannot
	 * be watched, as on Linux. */
	rc = f->ops->poll ? epoll_control(ep, op, fd, f, events, data) :
			    -EPERM;
	vfs_file_put(f);
	vfs_file_put(ep);
	return rc;
}

static long wait_on(int epfd, struct epoll_event *out, int max, int timeout)
{
	struct epoll_report stack[16], *rep = stack;
	struct vfs_file *ep;
	long rc;

	if (max <= 0 || max > (int)(INT32_MAX / sizeof(*out)))
		return -EINVAL;
	if (!user_writable(out, max * sizeof(*out)))
		return -EFAULT;
	ep = fd_get(epfd);
	if (!ep)
		return -EBADF;
	if (max > 16 && !(rep = heap_alloc(max * sizeof(*rep)))) {
		vfs_file_put(ep);
		return -ENOMEM;
	}
	rc = epoll_collect(ep, rep, max,
			   timeout < 0 ? WAITQ_NO_DEADLINE :
			   clock_ns() + (uint64_t)timeout * 1000000);
	for (long i = 0; i < rc; i++) {
		out[i].events = rep[i].events;
		out[i].data.u64 = rep[i].data;
	}
	if (rep != stack)
		heap_free(rep);
	vfs_file_put(ep);
	return rc;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, struct epoll_event *, out, int, max,
		int, timeout)
{
	return wait_on(epfd, out, max, timeout);
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, struct epoll_event *, out, int, max,
		int, timeout, const uint64_t *, mask, size_t, setsize)
{
	uint64_t old;
	long rc;

	if (!mask)
		return wait_on(epfd, out, max, timeout);
	if (setsize != sizeof(*mask))
		return -EINVAL;
	rc = signal_mask_for_wait(mask, &old);
	if (rc)
		return rc;
	rc = wait_on(epfd, out, max, timeout);
	signal_mask_restore(old, rc == -EINTR);
	return rc;
}

SYSCALL_DEFINE2(eventfd2, unsigned, initval, int, flags)
{
	struct vfs_file *f;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	return install(eventfd_open(initval, flags & EFD_SEMAPHORE,
				    flags & EFD_NONBLOCK, &f), &f, flags);
}

SYSCALL_DEFINE1(eventfd, unsigned, initval)
{
	return sys_eventfd2(initval, 0, 0, 0, 0, 0);
}

SYSCALL_DEFINE2(timerfd_create, int, clk, int, flags)
{
	struct vfs_file *f;

	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	if (clk != CLOCK_MONOTONIC && clk != CLOCK_REALTIME &&
	    clk != CLOCK_BOOTTIME)
		return clk == CLOCK_REALTIME_ALARM ||
		       clk == CLOCK_BOOTTIME_ALARM ? -EPERM : -EINVAL;
	return install(timerfd_open(clk, flags & TFD_NONBLOCK, &f), &f, flags);
}

static long settime(struct vfs_file *f, int flags,
		    const struct itimerspec *nv, struct itimerspec *old)
{
	uint64_t first = 0, interval, left, old_interval;
	const struct timespec *v = &nv->it_value, *i = &nv->it_interval;
	int rc;

	if (!is_timerfd(f))
		return -EINVAL;
	if (i->tv_sec < 0 || (uint64_t)i->tv_nsec >= NSEC)
		return -EINVAL;
	interval = (uint64_t)i->tv_sec * NSEC + (uint64_t)i->tv_nsec;
	if (v->tv_sec || v->tv_nsec) {
		rc = flags & TFD_TIMER_ABSTIME ?
			     abstime_deadline(timerfd_clockid(f), v, &first) :
			     timespec_deadline(v, &first);
		if (rc)
			return rc;
		if (first == 0)
			first = 1;	/* already past: expires at once */
	} else if (v->tv_nsec < 0) {
		return -EINVAL;
	}
	rc = timerfd_set(f, first, interval, &left, &old_interval);
	if (rc == 0 && old) {
		ns_timespec(left, &old->it_value);
		ns_timespec(old_interval, &old->it_interval);
	}
	return rc;
}

SYSCALL_DEFINE4(timerfd_settime, int, fd, int, flags,
		const struct itimerspec *, nv, struct itimerspec *, old)
{
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (!user_readable(nv, sizeof(*nv)) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	return ON_FD(fd, f, settime(f, flags, nv, old));
}

static long gettime(struct vfs_file *f, struct itimerspec *cur)
{
	uint64_t left, interval;

	if (!is_timerfd(f))
		return -EINVAL;
	timerfd_query(f, &left, &interval);
	ns_timespec(left, &cur->it_value);
	ns_timespec(interval, &cur->it_interval);
	return 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, fd, struct itimerspec *, cur)
{
	if (!user_writable(cur, sizeof(*cur)))
		return -EFAULT;
	return ON_FD(fd, f, gettime(f, cur));
}
