/* SPDX-License-Identifier: MIT */
/* Private to the socket calls (sys/socket*.c). */
#ifndef SYS_SOCKET_IMPL_H
#define SYS_SOCKET_IMPL_H

#include <sys/socket.h>

#include <kernel/socket.h>

/* sockaddr.c: the caller's address (Linux's sockaddr_in or sockaddr_un)
 * as the kernel's: 0, -EFAULT, -EINVAL (too short, too long). One of
 * another family comes through as its family alone, for the socket to
 * refuse. */
int sockaddr_in_kernel(const struct sockaddr *sa, socklen_t len,
		       struct sock_addr *a);

/* The kernel's address to the caller's: as much as (*len) allows, with
 * (*len) set to the full size, as POSIX says. Nothing when (sa) is NULL;
 * an address of family AF_UNSPEC is none, of length 0. 0 or -EFAULT. */
int sockaddr_out(const struct sock_addr *a, struct sockaddr *sa,
		 socklen_t *len);

/* socket.c: the socket file behind (fd) with a reference (put it), or
 * NULL with (*err) -EBADF or -ENOTSOCK. */
struct vfs_file *socket_file(int fd, int *err);

/* AF_UNIX has one protocol, 0 by default or PF_UNIX by name. */
static inline bool socket_unix_protocol(int protocol)
{
	return protocol == 0 || protocol == PF_UNIX;
}

#endif /* SYS_SOCKET_IMPL_H */
