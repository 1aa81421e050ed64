/* SPDX-License-Identifier: MIT */
/*
 * Private to the AF_VSOCK sockets (net/vsock*.c): the socket, shared by
 * vsock.c (sockets, ports, connections, closing), vsock_rx.c (what the
 * peer's packets do) and vsock_io.c (sending, receiving, readiness,
 * options).
 *
 * Locking: a socket's fields are under its wait queue's lock (wq), which
 * its waiters sleep on; the tables of ports and connections under
 * table_lock (vsock.c). A lookup takes a reference under table_lock and
 * lets it go before it locks the socket: a socket's lock may be held
 * while table_lock is taken, never the other way round. Readiness is read
 * without the lock (poll() may be called with the file's poll lock held),
 * so the fields it reads are written with WRITE_ONCE, and the file is
 * notified after the lock is let go.
 */
#ifndef NET_VSOCK_IMPL_H
#define NET_VSOCK_IMPL_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <kernel/compiler.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>
#include <kernel/vsock.h>
#include <kernel/waitq.h>
#include <toro/sync.h>
#include <toro/time.h>

enum vsock_state {
	VS_IDLE,	/* new, maybe bound */
	VS_LISTEN,
	VS_CONNECTING,	/* REQUEST sent */
	VS_CONNECTED,
	VS_CLOSING,	/* the file is closed; waiting for the peer's RST */
	VS_CLOSED,	/* reset or done: what was received stays readable */
};

/* What this end no longer does (shutdown(), Linux's sk_shutdown). */
#define VS_SHUT_RD	1
#define VS_SHUT_WR	2
#define VS_SHUT_RDWR	3

/* Our receive buffer per connection (the credit we give), by default. */
#define VSOCK_BUF_DEFAULT	(256 * 1024)
#define VSOCK_BUF_MIN		4096
#define VSOCK_BUF_MAX		(4 * 1024 * 1024)
/* How long a close waits for the peer's RST (Linux's 8 s is long for a
 * server that closes thousands). */
#define VSOCK_CLOSE_MS		2000
/* connect()'s limit, Linux's default. */
#define VSOCK_CONNECT_MS	2000
/* MSG_MORE holds up to this many bytes for this long (TCP's cork). */
#define VSOCK_HELD_MAX		4096
#define VSOCK_HELD_MS		200

/* Received payload, queued in order. */
struct vsock_chunk {
	struct vsock_chunk *next;
	uint32_t len, off;	/* bytes, and how many were read */
	uint8_t data[];
};

struct vsock_sock {
	struct vfs_file *file;	/* NULL once closed */
	struct waitq wq;	/* its lock guards what follows */
	unsigned refs;		/* atomic: the file, lookups, tables */
	enum vsock_state state;
	uint32_t local_cid;	/* bound: VSOCK_CID_ANY or ours */
	uint32_t local_port;	/* VSOCK_PORT_ANY: not bound */
	uint32_t peer_cid, peer_port;
	bool owns_port;		/* in the port table (bind, connect) */
	bool in_conns;		/* in the connection table */
	unsigned shut;		/* VS_SHUT_* */
	unsigned peer_shut;	/* VSOCK_SHUTDOWN_* the peer sent */
	int err;		/* pending error (errno), said once */
	int rcvtimeo_ms, sndtimeo_ms;

	/* Receiving: chunks appended by the receive thread, taken by one
	 * reader at a time (rx_lock) who reads them unlocked: only readers
	 * take chunks away. */
	struct mutex rx_lock;
	struct vsock_chunk *rx_head, *rx_tail;
	uint32_t rx_bytes;	/* queued, unread */
	uint32_t rx_cnt;	/* received, free-running */
	uint32_t fwd_cnt;	/* read, free-running (the spec's) */
	uint32_t fwd_told;	/* the fwd_cnt the peer last heard */
	uint32_t buf_alloc;	/* the credit we give */
	unsigned readers;	/* threads waiting to receive */

	/* Sending: one sender at a time (tx_lock), within the peer's
	 * credit. Bytes sent with MSG_MORE wait in (held), already counted
	 * in tx_cnt, to go at the front of the next packet (a reply's head
	 * with its body), or alone after VSOCK_HELD_MS or at shutdown. */
	struct mutex tx_lock;
	uint32_t tx_cnt;	/* sent, free-running */
	uint32_t peer_buf_alloc, peer_fwd_cnt;
	uint8_t *held;
	uint32_t held_len;

	/* Listening: connections made, not accepted yet. */
	struct vsock_sock *pending, *pending_tail;
	unsigned npending, backlog;

	uint64_t deadline;	/* clock_ns(): connect or close gives up */
	struct vsock_sock *pnext;	/* on the pending list */
	struct vsock_sock *cnext, *bnext;	/* table chains */
	struct vsock_sock *tnext, *tprev;	/* the timed list */
};

static inline struct vsock_sock *vs(struct vfs_file *f)
{
	return f->priv;
}

static inline bool vs_nonblock(const struct vfs_file *f, int flags)
{
	return (flags & SOCK_DONTWAIT) ||
	       (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK);
}

static inline uint64_t vs_deadline(int ms)
{
	return ms > 0 ? clock_ns() + (uint64_t)ms * 1000000 :
			WAITQ_NO_DEADLINE;
}

/* Bytes the peer lets us send now. */
static inline uint32_t vs_credit(const struct vsock_sock *s)
{
	uint32_t in_flight = s->tx_cnt - s->peer_fwd_cnt;

	return in_flight >= s->peer_buf_alloc ? 0 :
						s->peer_buf_alloc - in_flight;
}

/* vsock.c */
extern struct vsock_dev *vsock_dev;
void vs_get(struct vsock_sock *s);
void vs_put(struct vsock_sock *s);
/* The connection (local port, peer) with a reference, or NULL; the
 * listener on (port) likewise. */
struct vsock_sock *vs_find_conn(uint32_t port, uint32_t peer_cid,
				uint32_t peer_port);
struct vsock_sock *vs_find_listener(uint32_t port);
/* A new socket with its file; NULL without memory. */
struct vsock_sock *vs_new(bool nonblock);
/* Adds (s) to, or takes it out of, the connection table. */
void vs_conn_add(struct vsock_sock *s);
void vs_conn_remove(struct vsock_sock *s);
/* Puts (s) on the timed list (tick() watches its deadline), or off. */
void vs_timed_add(struct vsock_sock *s, uint64_t deadline);
void vs_timed_remove(struct vsock_sock *s);
/* (s) has gone for good (closed and done with, or reset after close):
 * out of the tables, its reference from the file's close dropped. */
void vs_finish(struct vsock_sock *s);
/* (s)'s lock held: it is over, with (err) (0: cleanly); waiters wake,
 * it leaves the connection table and the timed list. Returns what to
 * notify pollers of. */
unsigned vs_end_locked(struct vsock_sock *s, int err);

/* Sends a packet of (op) with no payload for (s) (its addresses and
 * credit), or, (s) NULL, a reply of (op) to the sender of (h). */
int vs_send_ctl(struct vsock_sock *s, uint16_t op, uint32_t flags);
void vs_reply(const struct vsock_hdr *h, uint16_t op);
/* Fills (h) with (s)'s addresses and credit, as of now; (s) locked. */
void vs_fill_hdr(struct vsock_sock *s, struct vsock_hdr *h, uint16_t op);

/* For the device's thread: every connection reset (listeners stay);
 * connects and closes past their deadline given up; a connection a
 * thread waits to receive on, with a reference (NULL: none). */
void vsock_reset_all(void);
void vsock_expire(uint64_t now);
struct vsock_sock *vsock_find_waiting(void);

/* vsock_rx.c: the device's callbacks. */
void vsock_on_receive(const struct vsock_hdr *h, const void *payload);
void vsock_on_reset(void);
void vsock_on_tick(uint64_t idle_ms);

/* vsock_io.c */
ssize_t vsock_sendmsg(struct vfs_file *f, const struct iovec *iov, int n,
		      int flags, const struct sock_addr *to);
ssize_t vsock_recvmsg(struct vfs_file *f, const struct iovec *iov, int n,
		      int *flags, struct sock_addr *from);
unsigned vsock_poll(struct vfs_file *f);
int vsock_ioctl(struct vfs_file *f, unsigned long req, void *arg);
int vsock_setopt(struct vfs_file *f, enum sock_option o, int value);
int vsock_getopt(struct vfs_file *f, enum sock_option o, int *value);
/* (s) locked: the peer should hear how much we read, now. */
bool vs_credit_due(const struct vsock_sock *s);
/* Sends what MSG_MORE held. tx_lock held (or (s) is the caller's
 * alone). */
void vs_flush_held(struct vsock_sock *s);

#endif /* NET_VSOCK_IMPL_H */
