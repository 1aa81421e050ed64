/* SPDX-License-Identifier: MIT */
/*
 * Sockets as files: what the system calls (sys/socket.c) turn into once
 * they have checked the caller's memory and converted its structures. A
 * socket is an open file (include/kernel/vfs.h) whose ops carry socket
 * ops as well, so read/write/close/dup/fcntl/poll/epoll work on it as on
 * any file. The families:
 *   AF_INET, AF_INET6 (net/socket*.c): TCP and UDP over lwIP; an
 *            AF_INET6 socket takes IPv4 peers too (as ::ffff:a.b.c.d)
 *            unless SOCKOPT_V6ONLY, and says -EAFNOSUPPORT when the
 *            program is linked with the IPv4-only stack;
 *   AF_UNIX  (net/unix*.c): stream and datagram sockets within the
 *            program, named by a path or an abstract name, or in pairs;
 *   AF_VSOCK (net/vsock*.c): stream sockets to the host (CID 2) over
 *            the virtio-vsock device.
 *
 * The types here are the kernel's own, not the BSD ones: lwIP's headers
 * define struct sockaddr and friends their own way, so no file sees both.
 * Each call returns >= 0 or -errno. Blocking calls park the calling
 * thread until the socket is ready, its timeout passes (-EAGAIN), or the
 * thread is interrupted (-EINTR: a signal, a cancellation); O_NONBLOCK on
 * the file or SOCK_DONTWAIT makes them return -EAGAIN instead.
 */
#ifndef KERNEL_SOCKET_H
#define KERNEL_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <kernel/vfs.h>

#define SOCK_FAMILY_UNIX	1	/* Linux's AF_UNIX */
#define SOCK_FAMILY_INET	2	/* Linux's AF_INET */
#define SOCK_FAMILY_INET6	10	/* Linux's AF_INET6 */
#define SOCK_FAMILY_VSOCK	40	/* Linux's AF_VSOCK */
#define SOCK_UNIX_PATH_MAX	108	/* sun_path's size */

/* An address of either family. */
struct sock_addr {
	int family;
	uint32_t ip;		/* AF_INET, network byte order */
	uint16_t port;		/* AF_INET(6), network byte order */
	uint8_t ip6[16];	/* AF_INET6 */
	uint32_t scope_id;	/* AF_INET6: the interface of a link-local */
	uint32_t cid;		/* AF_VSOCK */
	uint32_t vport;		/* AF_VSOCK */
	/* AF_UNIX: (len) bytes of sun_path: a path up to its NUL, an
	 * abstract name starting with a NUL byte, or none (0: unnamed). */
	unsigned len;
	char path[SOCK_UNIX_PATH_MAX];
};

/* Socket types, Linux's values. */
#define SOCK_TYPE_STREAM	1
#define SOCK_TYPE_DGRAM		2
#define SOCK_TYPE_SEQPACKET	5

/* Per-call flags of send/recv. */
#define SOCK_PEEK	0x1	/* leave the data queued */
#define SOCK_DONTWAIT	0x2	/* -EAGAIN rather than block */
#define SOCK_WAITALL	0x4	/* stream: wait for all the bytes */
#define SOCK_MORE	0x8	/* TCP: more follows, hold the segment */
#define SOCK_TRUNC	0x10	/* recv: the whole datagram's length */
#define SOCK_STABLE	0x20	/* send: the bytes never change nor go away
				 * (the initrd's, vfs.h peek): TCP sends
				 * them from where they lie, no copy */

enum sock_how { SOCK_SHUT_RD, SOCK_SHUT_WR, SOCK_SHUT_RDWR };

/*
 * Options, each an int: booleans 0/1, timeouts in milliseconds (0: none),
 * SOCKOPT_LINGER the linger time in seconds or -1 for off, SOCKOPT_ERROR
 * (get only) the pending error as a positive errno, cleared by reading.
 * A family says -ENOPROTOOPT for one it does not have.
 */
enum sock_option {
	SOCKOPT_REUSEADDR,
	SOCKOPT_KEEPALIVE,
	SOCKOPT_BROADCAST,
	SOCKOPT_LINGER,
	SOCKOPT_RCVTIMEO,
	SOCKOPT_SNDTIMEO,
	SOCKOPT_ERROR,		/* get only */
	SOCKOPT_TYPE,		/* get only: SOCK_TYPE_* */
	SOCKOPT_ACCEPTCONN,	/* get only */
	SOCKOPT_SNDBUF,
	SOCKOPT_RCVBUF,
	SOCKOPT_NODELAY,	/* TCP */
	SOCKOPT_KEEPIDLE,	/* TCP, seconds */
	SOCKOPT_KEEPINTVL,	/* TCP, seconds */
	SOCKOPT_KEEPCNT,	/* TCP */
	SOCKOPT_PASSCRED,	/* AF_UNIX */
	SOCKOPT_V6ONLY,		/* AF_INET6: IPv6 peers only */
	SOCKOPT_CORK,		/* TCP: every send held as with SOCK_MORE,
				 * what is held goes when it is cleared */
	SOCKOPT_TOS,		/* IPv4: the type-of-service byte */
	SOCKOPT_TTL,		/* IPv4: the time to live */
	SOCKOPT_REUSEPORT,	/* kept: one socket a port all the same */
	/* Kept and read back, changing nothing: hints Linux may follow. */
	SOCKOPT_PRIORITY,	/* no queueing discipline here to use it */
	SOCKOPT_QUICKACK,	/* TCP: lwIP acknowledges as it does */
	SOCKOPT_DEFER_ACCEPT,	/* TCP: accept() does not wait for data */
	SOCKOPT_FASTOPEN,	/* TCP: connections open the usual way */
	SOCKOPT_USER_TIMEOUT,	/* TCP: lwIP's retransmissions give up */
	/* Get only, and no family's: sys/socket.c answers them from the
	 * socket's address and type. */
	SOCKOPT_DOMAIN,
	SOCKOPT_PROTOCOL,
};

/* What a family implements. (f) is a socket file of that family. */
struct socket_ops {
	int (*bind)(struct vfs_file *f, const struct sock_addr *a);
	int (*listen)(struct vfs_file *f, int backlog);
	/* A new connected socket file in (*out), with O_NONBLOCK as
	 * (nonblock) says; the peer's address in (*peer) unless NULL. */
	int (*accept)(struct vfs_file *f, struct sock_addr *peer,
		      bool nonblock, struct vfs_file **out);
	/* -EINPROGRESS for a non-blocking stream socket (poll for
	 * writable, then SOCKOPT_ERROR tells how it went). */
	int (*connect)(struct vfs_file *f, const struct sock_addr *a);
	/* The vector has been checked (at most IOV_MAX entries, a total
	 * within SSIZE_MAX, memory the caller may use). (to) NULL: the
	 * connected peer; (from) may be NULL. A receive on a datagram
	 * socket with SOCK_TRUNC set in (*flags) returns the datagram's
	 * whole length; (*flags) has SOCK_TRUNC set on return when the
	 * datagram did not fit. */
	ssize_t (*sendmsg)(struct vfs_file *f, const struct iovec *iov, int n,
			   int flags, const struct sock_addr *to);
	ssize_t (*recvmsg)(struct vfs_file *f, const struct iovec *iov, int n,
			   int *flags, struct sock_addr *from);
	int (*shutdown)(struct vfs_file *f, enum sock_how how);
	/* The local address, or the peer's (-ENOTCONN). */
	int (*name)(struct vfs_file *f, struct sock_addr *a, bool peer);
	int (*setopt)(struct vfs_file *f, enum sock_option o, int value);
	int (*getopt)(struct vfs_file *f, enum sock_option o, int *value);
};

/*
 * New sockets: a file with one reference, O_NONBLOCK as (nonblock) says.
 * (type) is SOCK_TYPE_*; -EPROTONOSUPPORT or -ESOCKTNOSUPPORT for what the
 * family does not have, -ENFILE when the stack's sockets run out,
 * -ENOMEM. An AF_INET socket without a network device reaches 127.0.0.1
 * only (AF_INET6: ::1). (family) is SOCK_FAMILY_INET or _INET6.
 */
int inet_socket(int family, int type, int protocol, bool nonblock,
		struct vfs_file **out);
int unix_socket(int type, bool nonblock, struct vfs_file **out);
/* -EAFNOSUPPORT when the VM has no vsock device. */
int vsock_socket(int type, int protocol, bool nonblock, struct vfs_file **out);
/* Two connected AF_UNIX sockets (socketpair()). */
int unix_socketpair(int type, bool nonblock, struct vfs_file *out[2]);

/*
 * A TCP connection's state, for getsockopt()'s TCP_INFO and TCP_MAXSEG
 * (net/tcp_info.c, linked only into programs that call getsockopt()), in
 * Linux's units: the state is Linux's TCP_* number (TCP_CLOSE, 7, once
 * the connection is gone), times in microseconds or milliseconds, the
 * congestion window in segments; (mss) before a connection is TCP's
 * default, 536. -ENOPROTOOPT for a socket that is not an internet stream
 * socket.
 */
struct sock_tcp_state {
	uint8_t state;
	uint8_t ca_state;		/* Linux's TCP_CA_*: Open, Recovery... */
	uint8_t retransmits;
	uint8_t snd_wscale, rcv_wscale;	/* window scaling, if on */
	bool wscale;
	uint32_t rto_us, rtt_us, rttvar_us;
	uint32_t mss, advmss;
	uint32_t unacked;		/* segments */
	uint32_t last_recv_ms;		/* since the last segment came */
	uint32_t ssthresh, cwnd;
	uint32_t rcv_wnd, snd_wnd;
	uint32_t notsent_bytes;
};
int inet_tcp_state(struct vfs_file *f, struct sock_tcp_state *st);

/* The socket ops of (f), or NULL for a file that is not a socket. */
static inline const struct socket_ops *socket_ops_of(const struct vfs_file *f)
{
	return f->ops->socket;
}

#endif /* KERNEL_SOCKET_H */
