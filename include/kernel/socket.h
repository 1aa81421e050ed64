/* SPDX-License-Identifier: MIT */
/*
 * Sockets as files (net/socket*.c, over lwIP's socket layer): what libc's
 * BSD socket calls (libc/socket.c) turn into once they have checked and
 * converted their arguments. A socket is an open file in the descriptor
 * table (include/kernel/fd.h), so read/write/close/dup/fcntl work on it
 * as on any file; these calls take the descriptor and say -ENOTSOCK for a
 * file that is not a socket, -EBADF for one that is not open.
 *
 * The types here are the kernel's own, not the BSD ones: lwIP's headers
 * define struct sockaddr and friends their own way (with a length byte,
 * other constant values), so no file sees both. Addresses are IPv4, in
 * network byte order. Each call returns >= 0 or -errno. Blocking calls
 * park the calling thread, on whatever CPU it runs; O_NONBLOCK on the file
 * or SOCK_DONTWAIT makes them return -EAGAIN instead.
 */
#ifndef KERNEL_SOCKET_H
#define KERNEL_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct sock_addr {
	uint32_t ip;		/* network byte order */
	uint16_t port;		/* network byte order */
};

enum sock_kind { SOCK_KIND_TCP, SOCK_KIND_UDP };

/* Per-call flags of send/recv. */
#define SOCK_PEEK	0x1	/* leave the data queued */
#define SOCK_DONTWAIT	0x2	/* -EAGAIN rather than block */
#define SOCK_WAITALL	0x4	/* TCP: wait for all (n) bytes */
#define SOCK_MORE	0x8	/* TCP: more follows, hold the segment */

enum sock_how { SOCK_SHUT_RD, SOCK_SHUT_WR, SOCK_SHUT_RDWR };

/*
 * Options, each an int: booleans 0/1, timeouts in milliseconds (0: none),
 * SOCKOPT_LINGER the linger time in seconds or -1 for off, SOCKOPT_ERROR
 * (get only) the pending error as a positive errno, cleared by reading.
 */
enum sock_option {
	SOCKOPT_REUSEADDR,
	SOCKOPT_KEEPALIVE,
	SOCKOPT_BROADCAST,
	SOCKOPT_LINGER,
	SOCKOPT_RCVTIMEO,
	SOCKOPT_SNDTIMEO,
	SOCKOPT_ERROR,		/* get only */
	SOCKOPT_TYPE,		/* get only: SOCK_KIND_* */
	SOCKOPT_ACCEPTCONN,	/* get only */
	SOCKOPT_NODELAY,	/* TCP */
	SOCKOPT_KEEPIDLE,	/* TCP, seconds */
	SOCKOPT_KEEPINTVL,	/* TCP, seconds */
	SOCKOPT_KEEPCNT,	/* TCP */
};

/* A new socket's descriptor; (nonblock) sets O_NONBLOCK on it. -EMFILE
 * or -ENFILE when descriptors or the stack's sockets run out, -ENETDOWN
 * when the application has no network device. */
int sock_open(enum sock_kind kind, bool nonblock);

int sock_bind(int fd, const struct sock_addr *a);
int sock_listen(int fd, int backlog);
/* The connection's new descriptor; (peer) may be NULL. */
int sock_accept(int fd, struct sock_addr *peer, bool nonblock);
/* -EINPROGRESS for a non-blocking TCP socket (poll for writable, then
 * SOCKOPT_ERROR tells how it went). */
int sock_connect(int fd, const struct sock_addr *a);
/* (to) NULL: the connected peer. */
ssize_t sock_sendto(int fd, const void *buf, size_t n, int flags,
		    const struct sock_addr *to);
/* (from) may be NULL. 0 at end of stream. */
ssize_t sock_recvfrom(int fd, void *buf, size_t n, int flags,
		      struct sock_addr *from);
/* The same with a vector (already checked by the VFS's rules: at most
 * IOV_MAX entries, total within SSIZE_MAX, memory the caller may use). */
ssize_t sock_sendmsg(int fd, const struct iovec *iov, int n, int flags,
		     const struct sock_addr *to);
ssize_t sock_recvmsg(int fd, const struct iovec *iov, int n, int flags,
		     struct sock_addr *from);
int sock_shutdown(int fd, enum sock_how how);
int sock_name(int fd, struct sock_addr *a);	/* local address */
int sock_peer(int fd, struct sock_addr *a);	/* -ENOTCONN */
int sock_setopt(int fd, enum sock_option o, int value);
int sock_getopt(int fd, enum sock_option o, int *value);

/*
 * Waits for (n) descriptors, sockets or not, to be ready (poll()). Files
 * that are not sockets are always ready for what they were opened for.
 * (timeout_ms) < 0 waits for ever. Returns how many have events, 0 on
 * timeout, or -errno (-EINVAL for more than SOCK_POLL_MAX entries).
 */
#define SOCK_POLL_IN	0x1
#define SOCK_POLL_OUT	0x2
#define SOCK_POLL_ERR	0x4
#define SOCK_POLL_HUP	0x8
#define SOCK_POLL_NVAL	0x10
#define SOCK_POLL_MAX	1024

struct sock_pollfd {
	int fd;
	unsigned events;	/* SOCK_POLL_IN | SOCK_POLL_OUT */
	unsigned revents;	/* also _ERR, _HUP, _NVAL */
};

int sock_poll(struct sock_pollfd *fds, size_t n, int timeout_ms);

#endif /* KERNEL_SOCKET_H */
