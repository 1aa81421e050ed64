/* SPDX-License-Identifier: MIT */
/* Declarations shared between the files of net/. */
#ifndef NET_IMPL_H
#define NET_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/socket.h>
#include <kernel/vfs.h>

struct netif;

/* netif.c: the interface, or NULL when there is no network device. */
struct netif *net_netif(void);

/* netif.c: starts lwIP (its tcpip thread, the loopback interface) if it
 * is not running yet: at boot when there is a network device, else with
 * the first socket. */
void net_start_stack(void);

/* netif_arp.c: whether an ARP request of ours (under a second old) is
 * unanswered: lwIP holds back the packets for that peer. Takes lwIP's
 * core lock. */
bool net_arp_pending(void);

/* drain.c: waits (bounded) for TCP to deliver what was written; an
 * exit hook. */
void net_drain(void);

/* A socket file's private part. lwIP's socket is always non-blocking:
 * blocking, its timeouts and interruptions are ours (socket_poll.c). */
struct sock {
	int s;			/* lwIP's socket */
	bool tcp;		/* else UDP */
	bool v6;		/* AF_INET6 */
	int rcvtimeo_ms;	/* SO_RCVTIMEO, 0: none */
	int sndtimeo_ms;	/* SO_SNDTIMEO, 0: none */
	int sndbuf, rcvbuf;	/* SO_SNDBUF, SO_RCVBUF, as set */
	bool peer_closed;	/* TCP: the peer's FIN came (POLLRDHUP) */
	/* TCP: connected (accepted, or connect() said so) and not shut
	 * down for reading: until the peer's FIN or an error, a receive
	 * that finds nothing ready has only to wait. */
	bool rx_open;
	/* A non-blocking connect() went on, its result not yet read by
	 * SO_ERROR: a reset then means nobody was listening. */
	bool connect_pending;
	int corked;		/* TCP_CORK: every send as with MSG_MORE */
	int reuseport;		/* SO_REUSEPORT, as set (socket_opt.c) */
	/* SO_PRIORITY, TCP_QUICKACK, TCP_DEFER_ACCEPT, TCP_FASTOPEN, as
	 * set (socket_opt.c). */
	int hints[SOCKOPT_USER_TIMEOUT - SOCKOPT_PRIORITY + 1];
	bool more_held;		/* TCP: bytes held by MSG_MORE (tcp_more.c) */
	uint32_t more_since;	/* since when (lwIP's sys_now()) */
	struct sock *more_next;	/* the next socket holding some */
	/* TCP: bytes read and not yet given back to the receive window
	 * (tcp_recvd.c); atomic. */
	uint32_t rcv_unreported;
};

/* net_stats.c: bytes copied on the network paths (toro.netstats). */
enum net_count {
	NET_SENT,		/* by applications to TCP, which copies them */
	NET_SENT_IN_PLACE,	/* of them, taken without a copy (stable) */
	NET_TX_COPIED,		/* frames given to xmit(): the driver copies */
	NET_TX_IN_PLACE,	/* by xmit_ref(): the device reads them */
	NET_TX_FRAMES,		/* frames given to the device */
	NET_TX_TSO_FRAMES,	/* of them, runs of segments (TSO) */
	NET_TX_TSO_BYTES,	/* their bytes */
	NET_TX_BIG_SEGS,	/* TCP segments sent big (tcp_big.c) */
	NET_RX_COPIED,		/* frames copied from the device's buffers */
	NET_RX_LENT,		/* frames kept in them, lent */
	NET_RX_DROPPED,		/* frames dropped: no memory to copy to */
	NET_RECEIVED,		/* copied to applications */
	NET_TCP_BY_HASH,	/* segments whose connection the hash found */
	NET_TCP_BY_WALK,	/* segments lwIP's walk found it for */
	NET_LOCK_TAKEN,		/* the core lock was taken */
	NET_LOCK_WAITS,		/* of those, after waiting for it */
	NET_LOCK_WAIT_NS,	/* the time waited */
	NET_COUNTS
};
void net_count(enum net_count what, size_t bytes);

/* socket.c: an lwIP socket call's result as ours: (rc), or -errno when
 * it is -1 (lwIP's errno values are ours). */
long lwip_result(long rc);

/* socket.c: an internet socket's family ops: what makes a socket file
 * one of lwIP's. */
extern const struct socket_ops inet_ops;

/* socket_opt.c: the AF_INET socket options (struct socket_ops). */
int inet_setopt(struct vfs_file *f, enum sock_option o, int value);
int inet_getopt(struct vfs_file *f, enum sock_option o, int *value);

static inline struct sock *sock_of(struct vfs_file *f)
{
	return f->priv;
}

/* The lwIP socket number of a socket file. */
static inline int lwip_of(struct vfs_file *f)
{
	return sock_of(f)->s;
}

/* socket_poll.c: readiness of socket (f) now (the file's poll op). */
unsigned sock_readiness(struct vfs_file *f);

/* Whether (f)'s connect() is still under way (lwIP's netconn state). */
bool sock_connecting(struct vfs_file *f);

/* tcp_more.c: queues (n) bytes on TCP socket (f) without sending them
 * (MSG_MORE): (n), or -EAGAIN when lwIP's own send must take them. Call
 * with lwIP's core lock not held. */
ssize_t tcp_queue_more(struct vfs_file *f, const void *buf, size_t n);

/* tcp_more.c: cancels the timer of bytes (f) holds, before it closes. */
void tcp_more_forget(struct vfs_file *f);

/* tcp_more.c: sends at once what (f) holds (TCP_CORK cleared). */
void tcp_more_flush(struct vfs_file *f);

/* socket_poll.c: makes the table of sockets' files, before the first
 * socket. */
void sock_table_init(void);

/* socket_poll.c: ties lwIP socket (s) to its file (NULL: unties it), so
 * lwIP's events reach the file's pollers, and makes lwIP's socket
 * non-blocking; a connection it holds is watched (sock_watch_pcb()).
 * Call with lwIP's core lock not held. */
void sock_attach(int s, struct vfs_file *f);
/* tcp_recvd.c: gives TCP socket (f)'s connection the bytes read from it
 * and not yet given back to its window; before a shutdown or close. */
void tcp_recvd_flush(struct vfs_file *f);

/* socket_poll.c: the file tied to lwIP socket (s), or NULL. */
struct vfs_file *sock_file(int s);

/* socket_poll.c: sock_watch_pcb() for (f)'s connection, once connect()
 * made one. Call with lwIP's core lock not held. */
void sock_watch(struct vfs_file *f);

struct netconn;

/* tcp_freed.c: (conn) forgets its pcb when lwIP frees it, as lwIP may
 * without telling it. For a connection (not a listener, nor a pcb that
 * may yet become one). Call with lwIP's core lock held. */
void sock_watch_pcb(struct netconn *conn);

/*
 * socket_poll.c: the calling thread waits until (f) is ready for
 * (events), or until (timeout_ms) have passed (0: no limit), or until it
 * is interrupted: 0, -EAGAIN (timed out, as Linux's SO_RCVTIMEO says it),
 * -EINTR.
 */
int sock_wait(struct vfs_file *f, unsigned events, int timeout_ms);

#endif /* NET_IMPL_H */
