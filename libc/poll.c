// SPDX-License-Identifier: MIT
/*
 * poll() and select() over any descriptors (include/kernel/socket.h's
 * sock_poll): select is poll with bit sets.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include <kernel/socket.h>

#include "errno_impl.h"

/* Up to this many entries live on the stack, more in the heap. */
#define ON_STACK 32

static unsigned to_kernel(short ev)
{
	return ((ev & (POLLIN | POLLRDNORM | POLLPRI)) ? SOCK_POLL_IN : 0) |
	       ((ev & (POLLOUT | POLLWRNORM)) ? SOCK_POLL_OUT : 0);
}

/* What happened, in the terms the caller asked in (POLLRDNORM for
 * POLLRDNORM, ...); errors and POLLNVAL are reported unasked. */
static short from_kernel(unsigned rev, short asked)
{
	short out = 0;

	if (rev & SOCK_POLL_IN)
		out |= asked & (POLLIN | POLLRDNORM);
	if (rev & SOCK_POLL_OUT)
		out |= asked & (POLLOUT | POLLWRNORM);
	if (rev & SOCK_POLL_ERR)
		out |= POLLERR;
	if (rev & SOCK_POLL_HUP)
		out |= POLLHUP;
	if (rev & SOCK_POLL_NVAL)
		out |= POLLNVAL;
	return out;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct sock_pollfd stack[ON_STACK], *k = stack;
	int rc;

	if (nfds > SOCK_POLL_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (nfds && !fds) {
		errno = EFAULT;
		return -1;
	}
	if (nfds > ON_STACK && !(k = malloc(nfds * sizeof(*k)))) {
		errno = ENOMEM;
		return -1;
	}
	for (nfds_t i = 0; i < nfds; i++) {
		k[i].fd = fds[i].fd;
		k[i].events = to_kernel(fds[i].events);
	}
	rc = sock_poll(k, nfds, timeout);
	for (nfds_t i = 0; rc >= 0 && i < nfds; i++)
		fds[i].revents = fds[i].fd < 0 ? 0
				 : from_kernel(k[i].revents, fds[i].events);
	if (k != stack)
		free(k);
	return (int)errno_result(rc);
}

/* Milliseconds for poll from select's timeout (rounded up). */
static int timeout_ms(const struct timeval *tv)
{
	long long ms;

	if (!tv)
		return -1;
	ms = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

int select(int nfds, fd_set *restrict rd, fd_set *restrict wr,
	   fd_set *restrict ex, struct timeval *restrict timeout)
{
	struct pollfd stack[ON_STACK], *p = stack;
	int n = 0, rc, ready = 0;

	if (nfds < 0 || nfds > FD_SETSIZE ||
	    (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0 ||
			 timeout->tv_usec >= 1000000))) {
		errno = EINVAL;
		return -1;
	}
	for (int fd = 0; fd < nfds; fd++)
		n += (rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		     (ex && FD_ISSET(fd, ex));
	if (n > ON_STACK && !(p = malloc((size_t)n * sizeof(*p)))) {
		errno = ENOMEM;
		return -1;
	}
	n = 0;
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (short)(((rd && FD_ISSET(fd, rd)) ? POLLIN : 0) |
				   ((wr && FD_ISSET(fd, wr)) ? POLLOUT : 0));

		if (ev || (ex && FD_ISSET(fd, ex)))
			p[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	rc = poll(p, (nfds_t)n, timeout_ms(timeout));
	for (int i = 0; rc >= 0 && i < n; i++) {
		if (p[i].revents & POLLNVAL) {
			errno = EBADF;
			rc = -1;
			break;
		}
	}
	if (rc >= 0) {
		if (rd)
			FD_ZERO(rd);
		if (wr)
			FD_ZERO(wr);
		if (ex)
			FD_ZERO(ex);
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
		free(p);
	return rc;
}
