/* SPDX-License-Identifier: MIT */
/* <sys/select.h>: select() over descriptors below FD_SETSIZE, built on
 * poll() (libc/socket.c). */
#ifndef _SYS_SELECT_H
#define _SYS_SELECT_H

#include <sys/time.h>
#include <sys/types.h>

#define FD_SETSIZE	1024

typedef struct {
	unsigned long fds_bits[FD_SETSIZE / (8 * sizeof(unsigned long))];
} fd_set;

#define __FD_WORD(fd)	((fd) / (8 * (int)sizeof(unsigned long)))
#define __FD_BIT(fd)	(1UL << ((fd) % (8 * (int)sizeof(unsigned long))))
#define FD_ZERO(s)	__builtin_memset((s), 0, sizeof(fd_set))
#define FD_SET(fd, s)	((s)->fds_bits[__FD_WORD(fd)] |= __FD_BIT(fd))
#define FD_CLR(fd, s)	((s)->fds_bits[__FD_WORD(fd)] &= ~__FD_BIT(fd))
#define FD_ISSET(fd, s)	(((s)->fds_bits[__FD_WORD(fd)] & __FD_BIT(fd)) != 0)

/* (timeout) NULL waits for ever; on return it is left as it was. */
int select(int nfds, fd_set *restrict readfds, fd_set *restrict writefds,
	   fd_set *restrict exceptfds, struct timeval *restrict timeout);

#endif /* _SYS_SELECT_H */
