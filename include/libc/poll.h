/* SPDX-License-Identifier: MIT */
/* <poll.h>: waiting for descriptors, sockets or files (libc/socket.c). */
#ifndef _POLL_H
#define _POLL_H

struct pollfd {
	int fd;			/* < 0: ignored */
	short events;
	short revents;
};

typedef unsigned long nfds_t;

#define POLLIN		0x001
#define POLLPRI		0x002
#define POLLOUT		0x004
#define POLLERR		0x008
#define POLLHUP		0x010
#define POLLNVAL	0x020
#define POLLRDNORM	0x040
#define POLLRDBAND	0x080
#define POLLWRNORM	0x100
#define POLLWRBAND	0x200

/* (timeout) in milliseconds, < 0 for ever. At most 1024 entries. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#endif /* _POLL_H */
