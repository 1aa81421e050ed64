// SPDX-License-Identifier: MIT
/*
 * poll() over descriptors of any kind (include/kernel/socket.h). Sockets
 * go to lwIP's poll, which parks the thread until one of them has an
 * event; other files never block (as for regular files on Linux), so
 * when one is in the set lwIP is only asked what is ready now.
 */
#include <kernel/kerrno.h>
#include <fcntl.h>

#include <kernel/fd.h>
#include <kernel/socket.h>
#include <kernel/heap.h>
#include <toro/thread.h>

#include "lwip/sockets.h"

#include "net_impl.h"

/* Up to this many entries live on the stack, more in the heap. */
#define POLL_ON_STACK	32

static unsigned to_lwip_events(unsigned ev)
{
	return ((ev & SOCK_POLL_IN) ? POLLIN : 0) |
	       ((ev & SOCK_POLL_OUT) ? POLLOUT : 0);
}

static unsigned from_lwip_events(short ev)
{
	return ((ev & POLLIN) ? SOCK_POLL_IN : 0) |
	       ((ev & POLLOUT) ? SOCK_POLL_OUT : 0) |
	       ((ev & POLLERR) ? SOCK_POLL_ERR : 0) |
	       ((ev & POLLNVAL) ? SOCK_POLL_NVAL : 0);
}

/* A file that is not a socket: ready for what its access mode allows. */
static unsigned file_events(int fd, unsigned events)
{
	struct vfs_file *f = fd_get(fd);
	unsigned ready = 0;
	int mode;

	if (!f)
		return SOCK_POLL_NVAL;
	mode = f->flags & O_ACCMODE;
	if (mode != O_WRONLY)
		ready |= events & SOCK_POLL_IN;
	if (mode != O_RDONLY)
		ready |= events & SOCK_POLL_OUT;
	vfs_file_put(f);
	return ready;
}

/*
 * Fills (lfds) with the lwIP socket of each socket entry (-1 for the
 * others, which lwIP skips), keeping a reference on each socket file in
 * (files) so none is closed under lwIP while it waits. Returns how many
 * non-socket entries are ready.
 */
static int prepare(struct sock_pollfd *fds, size_t n, struct pollfd *lfds,
		   struct vfs_file **files)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		int err;

		files[i] = NULL;
		lfds[i].fd = -1;
		lfds[i].events = 0;
		lfds[i].revents = 0;
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		files[i] = sock_file(fds[i].fd, &err);
		if (files[i]) {
			lfds[i].fd = lwip_of(files[i]);
			lfds[i].events = (short)to_lwip_events(fds[i].events);
			continue;
		}
		fds[i].revents = err == -ENOTSOCK
			? file_events(fds[i].fd, fds[i].events)
			: SOCK_POLL_NVAL;
		ready += fds[i].revents != 0;
	}
	return ready;
}

/* poll() on nothing that can become ready: a sleep (for ever if < 0). */
static void wait_for_nothing(int timeout_ms)
{
	if (timeout_ms >= 0) {
		thread_sleep_ns((uint64_t)timeout_ms * 1000000);
		return;
	}
	for (;;)
		thread_sleep_ns(3600 * 1000000000ULL);
}

int sock_poll(struct sock_pollfd *fds, size_t n, int timeout_ms)
{
	struct pollfd stack_lfds[POLL_ON_STACK], *lfds = stack_lfds;
	struct vfs_file *stack_files[POLL_ON_STACK], **files = stack_files;
	int ready, rc = 0, sockets = 0;

	if (n > SOCK_POLL_MAX)
		return -EINVAL;
	if (n > POLL_ON_STACK) {
		lfds = heap_alloc(n * sizeof(*lfds));
		files = heap_alloc(n * sizeof(*files));
		if (!lfds || !files) {
			heap_free(lfds);
			heap_free(files);
			return -ENOMEM;
		}
	}
	ready = prepare(fds, n, lfds, files);
	for (size_t i = 0; i < n; i++)
		sockets += files[i] != NULL;
	if (sockets) {
		errno = 0;
		rc = (int)lwip_result(lwip_poll(lfds, (nfds_t)n,
						ready ? 0 : timeout_ms));
	} else if (!ready) {
		wait_for_nothing(timeout_ms);
	}
	for (size_t i = 0; i < n; i++) {
		if (!files[i])
			continue;
		fds[i].revents = from_lwip_events(lfds[i].revents);
		ready += fds[i].revents != 0;
		vfs_file_put(files[i]);
	}
	if (lfds != stack_lfds) {
		heap_free(lfds);
		heap_free(files);
	}
	return rc < 0 ? rc : ready;
}
