/* SPDX-License-Identifier: MIT */
/*
 * Private to the AF_UNIX sockets (net/unix*.c): the message queues of
 * unix_msgq.c, then the socket itself, which unix.c (creation,
 * connections, close), unix_name.c (the name table) and unix_io.c
 * (sending, receiving, readiness, options) share.
 */
#ifndef NET_UNIX_IMPL_H
#define NET_UNIX_IMPL_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <kernel/socket.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/sync.h>
#include <toro/time.h>

struct pipe_buf;

/*
 * unix_msgq.c: a queue of whole messages, for datagram and seqpacket
 * sockets: what one socket receives. Senders block while it holds more
 * than UNIX_MSGQ_BYTES, readers while it is empty. The reading file is
 * notified when messages arrive, the (connected) writer when room frees
 * up; a queue whose messages have ended (a seqpacket peer shut writing
 * or closed, the reader shut reading) reads as end-of-file once empty.
 */
#define UNIX_MSGQ_BYTES (212 * 1024)	/* Linux's default buffer */

struct unix_msgq;

struct unix_msgq *unix_msgq_new(void);
void unix_msgq_set_files(struct unix_msgq *q, struct vfs_file *reader,
			 struct vfs_file *writer);
/* (writer), if it is the file notified as the writer, is no longer: it
 * is going (a datagram peer closing, connecting elsewhere). */
void unix_msgq_forget_writer(struct unix_msgq *q, struct vfs_file *writer);
/* Ends the reading side (the queue is freed once both are done) or the
 * writing side (end-of-file for the reader). */
void unix_msgq_close_reader(struct unix_msgq *q);
void unix_msgq_close_writer(struct unix_msgq *q);
/* The reader stops reading (shutdown()): end-of-file once empty, and
 * senders get -EPIPE. */
void unix_msgq_shut_reader(struct unix_msgq *q);
/* One more reference, for a datagram sender that found the queue by
 * name: dropped with unix_msgq_put(). */
void unix_msgq_get(struct unix_msgq *q);
void unix_msgq_put(struct unix_msgq *q);

/* Drops every message queued: a datagram socket connecting to another
 * peer, or to none, loses what it had received (Linux's
 * unix_dgram_disconnected()). */
void unix_msgq_purge(struct unix_msgq *q);
/* The reader is connected to the socket whose queue is (peer): it takes
 * messages from that one alone. NULL: from anyone. The caller keeps
 * (peer) alive while it is set. */
void unix_msgq_set_peer(struct unix_msgq *q, const struct unix_msgq *peer);
/* Whether the socket whose queue is (sender) may send to (q). */
bool unix_msgq_takes_from(struct unix_msgq *q, const struct unix_msgq *sender);

/* Queues one message of the vector's bytes, from (from), sent by the
 * socket whose own queue is (sender). -EAGAIN (full and non-blocking, or
 * (deadline) passed), -EPERM (the reader is connected to another),
 * -ECONNREFUSED (the reader is gone), -EPIPE (it shut reading),
 * -EMSGSIZE (bigger than the queue), -EINTR, -ENOMEM. */
ssize_t unix_msgq_send(struct unix_msgq *q, const struct iovec *iov, int n,
		       const struct sock_addr *from,
		       const struct unix_msgq *sender, bool nonblock,
		       uint64_t deadline);
/* Takes the first message into the vector (the rest of a longer one is
 * lost; SOCK_TRUNC in (*flags) then, and with SOCK_TRUNC asked the whole
 * length is returned). SOCK_PEEK leaves it. 0 at end-of-file. */
ssize_t unix_msgq_recv(struct unix_msgq *q, const struct iovec *iov, int n,
		       int *flags, struct sock_addr *from, bool nonblock,
		       uint64_t deadline);
/* Readiness: IN while a message is queued; OUT while there is room (or
 * nobody reads any more). */
unsigned unix_msgq_poll_read(struct unix_msgq *q);
unsigned unix_msgq_poll_write(struct unix_msgq *q);
/* Bytes of the first message (a datagram socket's FIONREAD), and of all
 * of them (a seqpacket socket's). */
size_t unix_msgq_next_len(struct unix_msgq *q);
size_t unix_msgq_bytes(struct unix_msgq *q);

/*
 * The socket, made and closed by unix.c: its names are unix_name.c's,
 * its data unix_io.c's. The small helpers all three use follow it.
 */

enum unix_state { UNIX_IDLE, UNIX_LISTENING, UNIX_CONNECTED };

/* What an end may no longer do, Linux's sk_shutdown bits: set by its own
 * shutdown(), and by its peer's (mirrored) and close (both). */
#define UNIX_SHUT_RD	1
#define UNIX_SHUT_WR	2
#define UNIX_SHUT_RDWR	(UNIX_SHUT_RD | UNIX_SHUT_WR)

/* Linux's AF_UNSPEC: a datagram socket connect()ed to it has no peer
 * any more; a sender without a name is said with it (no address). */
#define UNIX_FAMILY_UNSPEC	0

struct unix_sock {
	int type;			/* SOCK_TYPE_* */
	struct vfs_file *file;
	struct mutex lock;		/* state changes, the fields below */
	enum unix_state state;
	struct sock_addr name;		/* bound name (len 0: none) */
	struct sock_addr peer_name;
	bool named;			/* in the name table */
	bool has_node;			/* the name is this file: */
	dev_t node_dev;
	ino_t node_ino;
	struct unix_sock *tnext;	/* name table chain */
	int rcvtimeo_ms, sndtimeo_ms;
	bool passcred;
	int priority;		/* SO_PRIORITY, as set */

	/* Stream: what we read, what the peer reads. */
	struct pipe_buf *rx, *tx;
	/* Datagram and seqpacket: what we read; the peer's (connected),
	 * changed under (lock) and (peer_lock) both: poll() cannot sleep. */
	struct unix_msgq *q, *peer_q;
	struct spinlock peer_lock;

	/* Stream and seqpacket: the other end, under links_lock (unix.c),
	 * until either closes; the accepting end is an embryo until
	 * accepted. */
	struct unix_sock *peer;
	bool embryo;
	/* Written by the peer too, so read and written atomically: */
	unsigned shut;			/* UNIX_SHUT_* */
	int err;			/* pending error (errno), said once */

	/* Listening: connections made, not accepted yet. */
	struct waitq accept_wait;	/* its lock guards the queue */
	struct unix_sock *pending, *pending_tail;
	unsigned npending, backlog;
	struct unix_sock *pnext;
};

/* The socket of file (f). */
static inline struct unix_sock *us(struct vfs_file *f)
{
	return f->priv;
}

/* Whether a call on (f) with SOCK_* (flags) must not wait. */
static inline bool nonblock(const struct vfs_file *f, int flags)
{
	return (flags & SOCK_DONTWAIT) ||
	       (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK);
}

/* The deadline of a timeout of (ms) milliseconds from now (SO_RCVTIMEO,
 * SO_SNDTIMEO; 0: none). */
static inline uint64_t deadline_of(int ms)
{
	return ms > 0 ? clock_ns() + (uint64_t)ms * 1000000 :
			WAITQ_NO_DEADLINE;
}

/* (u)'s shutdown bits, UNIX_SHUT_*. */
static inline unsigned shut_of(struct unix_sock *u)
{
	return __atomic_load_n(&u->shut, __ATOMIC_ACQUIRE);
}

/* The pending error as -errno (0: none), cleared: it is said once, as
 * Linux's sock_error() says it. */
static inline int take_error(struct unix_sock *u)
{
	return -__atomic_exchange_n(&u->err, 0, __ATOMIC_ACQ_REL);
}

/* What pollers see of shutdown bits (shut): a shut reader reads end of
 * file, an end shut both ways is hung up. */
static inline unsigned shut_events(unsigned shut)
{
	unsigned ev = 0;

	if (shut & UNIX_SHUT_RD)
		ev |= VFS_POLL_IN | VFS_POLL_RDNORM | VFS_POLL_RDHUP;
	if (shut == UNIX_SHUT_RDWR)
		ev |= VFS_POLL_HUP;
	return ev;
}

/* A listener's readiness: readable while a connection waits. */
static inline unsigned listener_ready(struct unix_sock *u)
{
	return u->pending ? VFS_POLL_IN | VFS_POLL_RDNORM : 0;
}

/* unix.c: (u)'s lock held, or (u) seen by nobody yet: (q), or NULL,
 * becomes the queue (u) sends to by default and the only sender (u)'s
 * own queue takes from; the old one's reference is dropped. */
void unix_set_peer_q(struct unix_sock *u, struct unix_msgq *q);

/* unix_name.c: the name table (names of sockets bound, paths or
 * abstract) and the socket calls that use names. */

/* A name as it is compared: a path up to its NUL, an abstract name as
 * given. -EINVAL for an empty one, or one not of AF_UNIX. */
int unix_normalise(const struct sock_addr *in, struct sock_addr *out);
/* The bound socket named (a) (normalised), with a reference on its file
 * (put it), or NULL with (*err): -ENOENT (no such name), -ECONNREFUSED
 * (a node no socket is bound to, or not a socket). */
struct unix_sock *unix_lookup(const struct sock_addr *a, int *err);
/* (u), unnamed, gets an abstract name of its own (Linux's autobind).
 * (u)'s lock held. */
void unix_autobind(struct unix_sock *u);
/* (u) is closing: its name is free again (a node stays). */
void unix_unname(struct unix_sock *u);
/* The socket_ops bind and name (getsockname(), getpeername()). */
int unix_bind(struct vfs_file *f, const struct sock_addr *addr);
int unix_name(struct vfs_file *f, struct sock_addr *a, bool peer);

/* unix_io.c: the socket_ops and file ops that move data, say readiness
 * and FIONREAD, and keep options. */
ssize_t unix_sendmsg(struct vfs_file *f, const struct iovec *iov, int n,
		     int flags, const struct sock_addr *to);
ssize_t unix_recvmsg(struct vfs_file *f, const struct iovec *iov, int n,
		     int *flags, struct sock_addr *from);
unsigned unix_poll(struct vfs_file *f);
int unix_ioctl(struct vfs_file *f, unsigned long req, void *arg);
int unix_setopt(struct vfs_file *f, enum sock_option o, int value);
int unix_getopt(struct vfs_file *f, enum sock_option o, int *value);

#endif /* NET_UNIX_IMPL_H */
