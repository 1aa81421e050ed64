// SPDX-License-Identifier: MIT
/*
 * poll, ppoll, select and pselect6 over any descriptors, on the VFS's
 * readiness (vfs_poll_wait(), fs/vfs_poll.c). select is poll with bit
 * sets.
 * The signal masks of ppoll and pselect6 apply for the wait, as Linux
 * does it.
 */
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <toro/time.h>

#include "signal_impl.h"
#include "sys_impl.h"
#include "time_impl.h"

/* Up to this many entries live on the stack, more in the heap. */
#define ON_STACK 32

/* Milliseconds as vfs_poll_wait()'s timeout; < 0: none. */
static int64_t ms_timeout(long ms)
{
	return ms < 0 ? -1 : (int64_t)ms * 1000000;
}

static long do_poll(struct pollfd *fds, unsigned long nfds, long ms)
{
	struct vfs_file *sf[ON_STACK], **files = sf;
	unsigned se[2 * ON_STACK], *events = se, *revents;
	long rc;

	if (nfds > FD_MAX)
		return -EINVAL;
	if (!user_writable(fds, nfds * sizeof(*fds)))
		return -EFAULT;
	if (nfds > ON_STACK) {
		files = heap_alloc(nfds * sizeof(*files));
		events = heap_alloc(2 * nfds * sizeof(*events));
		if (!files || !events) {
			heap_free(files);
			heap_free(events);
			return -ENOMEM;
		}
	}
	revents = events + nfds;
	for (unsigned long i = 0; i < nfds; i++) {
		files[i] = fds[i].fd < 0 ? NULL : fd_get(fds[i].fd);
		events[i] = (unsigned short)fds[i].events;
	}
	rc = vfs_poll_wait(files, events, revents, nfds, ms_timeout(ms));
	for (unsigned long i = 0; i < nfds; i++) {
		if (rc >= 0)
			fds[i].revents = fds[i].fd < 0 ? 0 :
					 !files[i] ? POLLNVAL :
						     (short)revents[i];
		if (files[i])
			vfs_file_put(files[i]);
	}
	/* A descriptor that is not open counts as one with an event. */
	if (rc >= 0) {
		rc = 0;
		for (unsigned long i = 0; i < nfds; i++)
			rc += fds[i].revents != 0;
	}
	if (files != sf) {
		heap_free(files);
		heap_free(events);
	}
	return rc;
}

SYSCALL_DEFINE3(poll, struct pollfd *, fds, unsigned long, nfds, int, timeout)
{
	return do_poll(fds, nfds, timeout);
}

/* Milliseconds (rounded up) for a relative timeout; -1 for none. */
static int ts_ms(const struct timespec *ts, long *ms)
{
	long long v;

	if (!ts) {
		*ms = -1;
		return 0;
	}
	if (!user_readable(ts, sizeof(*ts)))
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	v = (long long)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
	*ms = v > INT_MAX ? INT_MAX : v;
	return 0;
}

/* The signal mask of ppoll/pselect for the wait, (*old) the caller's. */
static int mask_for_wait(const uint64_t *mask, uint64_t *old)
{
	return mask ? signal_mask_for_wait(mask, old) : 0;
}

static void mask_restore(const uint64_t *mask, uint64_t old, long rc)
{
	if (mask)
		signal_mask_restore(old, rc == -EINTR);
}

SYSCALL_DEFINE5(ppoll, struct pollfd *, fds, unsigned long, nfds,
		const struct timespec *, ts, const uint64_t *, mask, size_t,
		setsize)
{
	uint64_t old;
	long ms;
	int rc = ts_ms(ts, &ms);

	if (rc)
		return rc;
	if (mask && setsize != 8)
		return -EINVAL;
	rc = mask_for_wait(mask, &old);
	if (rc)
		return rc;
	long n = do_poll(fds, nfds, ms);

	mask_restore(mask, old, n);
	return n;
}

static long do_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, long ms)
{
	struct pollfd stack[ON_STACK], *p = stack;
	int n = 0, ready = 0;
	long rc;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return -EINVAL;
	size_t bytes = ((size_t)nfds + 7) / 8;

	if ((rd && !user_writable(rd, bytes)) ||
	    (wr && !user_writable(wr, bytes)) ||
	    (ex && !user_writable(ex, bytes)))
		return -EFAULT;
	for (int fd = 0; fd < nfds; fd++)
		n += (rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		     (ex && FD_ISSET(fd, ex));
	if (n > ON_STACK && !(p = heap_alloc((size_t)n * sizeof(*p))))
		return -ENOMEM;
	n = 0;
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (short)(((rd && FD_ISSET(fd, rd)) ? POLLIN : 0) |
				   ((wr && FD_ISSET(fd, wr)) ? POLLOUT : 0));

		if (ev || (ex && FD_ISSET(fd, ex)))
			p[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	rc = do_poll(p, (unsigned long)n, ms);
	for (int i = 0; rc >= 0 && i < n; i++)
		if (p[i].revents & POLLNVAL)
			rc = -EBADF;
	if (rc >= 0) {
		if (rd)
			memset(rd, 0, bytes);
		if (wr)
			memset(wr, 0, bytes);
		if (ex)
			memset(ex, 0, bytes);
		for (int i = 0; i < n; i++) {
			short r = p[i].revents;

			/* An error makes a descriptor readable and writable
			 * (the next call tells what it is), as on Linux. */
			if (rd && (r & (POLLIN | POLLERR | POLLHUP)) &&
			    (p[i].events & POLLIN)) {
				FD_SET(p[i].fd, rd);
				ready++;
			}
			if (wr && (r & (POLLOUT | POLLERR)) &&
			    (p[i].events & POLLOUT)) {
				FD_SET(p[i].fd, wr);
				ready++;
			}
		}
		rc = ready;
	}
	if (p != stack)
		heap_free(p);
	return rc;
}

SYSCALL_DEFINE5(select, int, nfds, fd_set *, rd, fd_set *, wr, fd_set *, ex,
		struct timeval *, tv)
{
	long ms = -1;

	if (tv) {
		if (!user_writable(tv, sizeof(*tv)))
			return -EFAULT;
		if (tv->tv_sec < 0 || tv->tv_usec < 0 ||
		    tv->tv_usec >= 1000000)
			return -EINVAL;
		long long v = (long long)tv->tv_sec * 1000 +
			      (tv->tv_usec + 999) / 1000;

		ms = v > INT_MAX ? INT_MAX : v;
	}
	return do_select(nfds, rd, wr, ex, ms);
}

/* pselect6's sixth argument: the mask and its size, together. */
struct sigset_arg {
	const uint64_t *mask;
	size_t size;
};

SYSCALL_DEFINE6(pselect6, int, nfds, fd_set *, rd, fd_set *, wr, fd_set *,
		ex, const struct timespec *, ts, const struct sigset_arg *, sa)
{
	const uint64_t *mask = NULL;
	uint64_t old;
	long ms;
	int rc = ts_ms(ts, &ms);

	if (rc)
		return rc;
	if (sa) {
		if (!user_readable(sa, sizeof(*sa)))
			return -EFAULT;
		if (sa->mask && sa->size != 8)
			return -EINVAL;
		mask = sa->mask;
	}
	rc = mask_for_wait(mask, &old);
	if (rc)
		return rc;
	long n = do_select(nfds, rd, wr, ex, ms);

	mask_restore(mask, old, n);
	return n;
}
