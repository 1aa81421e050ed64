// SPDX-License-Identifier: MIT
/*
 * AF_UNIX sockets within the program (include/kernel/socket.h): stream
 * sockets are a pair of pipe buffers (fs/pipe_buf.c), one each way;
 * datagram and seqpacket sockets receive into a message queue
 * (unix_msgq.c). This file makes sockets and connections, shuts and
 * closes them, and holds their ops tables; names and bind() are
 * unix_name.c's, sending, receiving, readiness and options unix_io.c's.
 *
 * A connection to a listening socket is made whole at connect(): the
 * accepting side's socket is created then, with both buffers, and waits
 * in the listener's queue for accept().
 *
 * The two ends of a connection know each other until either closes, so
 * that each can tell the other what Linux's do: what it may no longer do
 * after a shutdown() or close (sk_shutdown, which readiness is made of),
 * and ECONNRESET when the closing end leaves data unread (sk_err).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/pipe.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/sync.h>

#include "unix_impl.h"

/* Linux's SOCK_RAW, which an AF_UNIX socket takes as SOCK_DGRAM. */
#define UNIX_TYPE_RAW		3

static const struct vfs_file_ops unix_file_ops;

/* Named by libc/include/sys/un.h: a program that names AF_UNIX
 * addresses links this family (sys/socket.c names it only weakly). */
const char toro_unix_sockets = 1;

/* Every connection's (peer) pointers: an end follows its peer's only
 * with it held, and a closing end unlinks both under it. */
static struct mutex links_lock;

/* --- a connection's two ends ------------------------------------------- */

/* (u) may no longer do (how) either; its pollers look again. */
static void shut_add(struct unix_sock *u, unsigned how)
{
	unsigned ev = shut_events(__atomic_or_fetch(&u->shut, how,
						    __ATOMIC_ACQ_REL));

	if (__atomic_load_n(&u->err, __ATOMIC_ACQUIRE))
		ev |= VFS_POLL_ERR;
	if (ev)
		vfs_file_notify(u->file, ev);
}

/* The peer's share of a shutdown (how): what one end stops reading the
 * other stops writing, and the other way round. */
static unsigned mirrored(unsigned how)
{
	return (how & UNIX_SHUT_RD ? UNIX_SHUT_WR : 0) |
	       (how & UNIX_SHUT_WR ? UNIX_SHUT_RD : 0);
}

/* Whether (u) holds data it never read. */
static bool has_unread(struct unix_sock *u)
{
	if (u->rx)
		return pipe_buf_count(u->rx) > 0;
	return u->q && (unix_msgq_poll_read(u->q) & VFS_POLL_IN);
}

/* (u) is closing: its peer can neither read nor write any more, and is
 * reset (ECONNRESET, once) when (u) leaves data unread or was never
 * accepted, as Linux's unix_release_sock() does. Before (u)'s buffers
 * close, so whoever they wake sees all of it. */
static void leave_peer(struct unix_sock *u)
{
	bool reset = u->embryo || has_unread(u);

	mutex_lock(&links_lock);
	struct unix_sock *p = u->peer;

	if (p) {
		__atomic_store_n(&p->peer, NULL, __ATOMIC_RELEASE);
		u->peer = NULL;
		if (reset)
			__atomic_store_n(&p->err, ECONNRESET, __ATOMIC_RELEASE);
		shut_add(p, UNIX_SHUT_RDWR);
	}
	mutex_unlock(&links_lock);
}

/* (u)'s lock held, or (u) seen by nobody yet: (q), or NULL, becomes the
 * queue (u) sends to by default and the only sender (u)'s own queue
 * takes from (Linux's unix_may_send()). The old one is let go last: the
 * pointer to it in (u)'s queue must not outlive it. */
void unix_set_peer_q(struct unix_sock *u, struct unix_msgq *q)
{
	struct unix_msgq *old = u->peer_q;

	if (q)
		unix_msgq_get(q);
	bool irq = spin_lock_irqsave(&u->peer_lock);

	u->peer_q = q;
	spin_unlock_irqrestore(&u->peer_lock, irq);
	unix_msgq_set_peer(u->q, q);
	if (old) {
		unix_msgq_forget_writer(old, u->file);
		unix_msgq_put(old);
	}
}

/* --- making sockets, joining two --------------------------------------- */

static int new_sock(int type, bool nb, struct unix_sock **out)
{
	struct unix_sock *u = heap_zalloc(sizeof(*u));

	*out = NULL;
	if (!u)
		return -ENOMEM;
	u->type = type;
	u->name.family = u->peer_name.family = SOCK_FAMILY_UNIX;
	if (type != SOCK_TYPE_STREAM) {
		u->q = unix_msgq_new();
		if (!u->q)
			goto err;
	}
	u->file = vfs_file_new(&unix_file_ops, u, O_RDWR | (nb ? O_NONBLOCK :
								  0));
	if (!u->file)
		goto err;
	if (u->q)
		unix_msgq_set_files(u->q, u->file, NULL);
	*out = u;
	return 0;
err:
	if (u->q)
		unix_msgq_close_reader(u->q);
	heap_free(u);
	return -ENOMEM;
}

/* The type of a new socket (SOCK_TYPE_*), or -ESOCKTNOSUPPORT. */
static int type_of(int type)
{
	if (type == UNIX_TYPE_RAW)	/* Linux's quirk, kept */
		return SOCK_TYPE_DGRAM;
	if (type != SOCK_TYPE_STREAM && type != SOCK_TYPE_DGRAM &&
	    type != SOCK_TYPE_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	return type;
}

int unix_socket(int type, bool nb, struct vfs_file **out)
{
	struct unix_sock *u;
	int rc;

	*out = NULL;
	type = type_of(type);
	if (type < 0)
		return type;
	rc = new_sock(type, nb, &u);
	if (rc == 0)
		*out = u->file;
	return rc;
}

/* Both ends of a buffer, for one never used. */
static void free_buf(struct pipe_buf *p)
{
	if (p) {
		pipe_buf_close_reader(p);
		pipe_buf_close_writer(p);
	}
}

/* Joins (a) and (b), not connected, as the two ends of a connection;
 * their states are the caller's to set. */
static int join(struct unix_sock *a, struct unix_sock *b)
{
	if (a->type == SOCK_TYPE_STREAM) {
		struct pipe_buf *ab = pipe_buf_new(), *ba = pipe_buf_new();

		if (!ab || !ba) {
			free_buf(ab);
			free_buf(ba);
			return -ENOMEM;
		}
		a->tx = b->rx = ab;
		a->rx = b->tx = ba;
		pipe_buf_set_files(ab, b->file, a->file);
		pipe_buf_set_files(ba, a->file, b->file);
	} else {
		unix_set_peer_q(a, b->q);
		unix_set_peer_q(b, a->q);
		unix_msgq_set_files(a->q, a->file, b->file);
		unix_msgq_set_files(b->q, b->file, a->file);
	}
	if (a->type != SOCK_TYPE_DGRAM) {
		mutex_lock(&links_lock);
		a->peer = b;
		b->peer = a;
		mutex_unlock(&links_lock);
	}
	a->peer_name = b->name;
	b->peer_name = a->name;
	return 0;
}

/* Undoes join(u, s) for a connect() that failed: (u) is as it was, and
 * (s), which nobody saw, closes after without touching it. */
static void unjoin(struct unix_sock *u, struct unix_sock *s)
{
	mutex_lock(&links_lock);
	u->peer = s->peer = NULL;
	mutex_unlock(&links_lock);
	if (u->rx) {
		pipe_buf_close_reader(u->rx);
		pipe_buf_close_writer(u->tx);
		u->rx = u->tx = NULL;
	}
	if (u->q) {
		unix_set_peer_q(u, NULL);
		unix_set_peer_q(s, NULL);
	}
	u->peer_name = (struct sock_addr){ .family = SOCK_FAMILY_UNIX };
}

int unix_socketpair(int type, bool nb, struct vfs_file *out[2])
{
	struct unix_sock *a, *b;
	int rc;

	out[0] = out[1] = NULL;
	type = type_of(type);
	if (type < 0)
		return type;
	rc = new_sock(type, nb, &a);
	if (rc)
		return rc;
	rc = new_sock(type, nb, &b);
	if (rc) {
		vfs_file_put(a->file);
		return rc;
	}
	rc = join(a, b);
	if (rc) {
		vfs_file_put(a->file);
		vfs_file_put(b->file);
		return rc;
	}
	a->state = b->state = UNIX_CONNECTED;
	out[0] = a->file;
	out[1] = b->file;
	return 0;
}

/* --- listen(), connect(), accept() ------------------------------------- */

static int unix_listen(struct vfs_file *f, int backlog)
{
	struct unix_sock *u = us(f);
	int rc = 0;

	if (u->type == SOCK_TYPE_DGRAM)
		return -EOPNOTSUPP;
	mutex_lock(&u->lock);
	/* Linux names no listener itself: nobody could connect to it. */
	if (!u->named || u->state == UNIX_CONNECTED) {
		rc = -EINVAL;
	} else {
		bool irq = waitq_lock(&u->accept_wait);

		u->state = UNIX_LISTENING;
		u->backlog = backlog < 0 ? 0 : backlog;
		waitq_wake_all(&u->accept_wait);	/* room may have grown */
		waitq_unlock(&u->accept_wait, irq);
	}
	mutex_unlock(&u->lock);
	return rc;
}

/* Queues (s), the accepting end of client (u)'s connection, on listener
 * (l). Linux's listener holds backlog + 1 connections, then a connect()
 * waits for an accept() (or says -EAGAIN). */
static int enqueue(struct unix_sock *l, struct unix_sock *s,
		   struct unix_sock *u)
{
	struct waiter w;
	int rc = 0;
	bool irq = waitq_lock(&l->accept_wait);

	while (l->state == UNIX_LISTENING && l->npending > l->backlog &&
	       rc == 0) {
		rc = nonblock(u->file, 0) ? -EAGAIN :
			waitq_sleep_intr(&l->accept_wait, &w,
					 deadline_of(u->sndtimeo_ms), irq);
		if (rc == -ETIMEDOUT)
			rc = -EAGAIN;
	}
	if (rc == 0 && l->state != UNIX_LISTENING)
		rc = -ECONNREFUSED;
	if (rc == 0) {
		s->pnext = NULL;
		if (l->pending_tail)
			l->pending_tail->pnext = s;
		else
			l->pending = s;
		l->pending_tail = s;
		l->npending++;
		waitq_wake_all(&l->accept_wait);
		vfs_file_notify(l->file, listener_ready(l));
	}
	waitq_unlock(&l->accept_wait, irq);
	return rc;
}

/* Connects (u), a client, to listener (l): the accepting end is made now
 * and queued. (u)'s lock held. */
static int connect_to(struct unix_sock *u, struct unix_sock *l)
{
	struct unix_sock *s;
	int rc = new_sock(u->type, false, &s);

	if (rc)
		return rc;
	s->name = l->name;
	s->embryo = true;
	s->state = UNIX_CONNECTED;
	rc = join(u, s);
	if (rc == 0)
		rc = enqueue(l, s, u);
	if (rc) {
		unjoin(u, s);
		vfs_file_put(s->file);
		return rc;
	}
	u->state = UNIX_CONNECTED;
	return 0;
}

/* A datagram socket's connect(): (l) becomes where it sends by default,
 * and the one sender it takes from; what (u) had received goes if its
 * peer changes, as on Linux. (u)'s lock held. */
static int associate(struct unix_sock *u, struct unix_sock *l)
{
	if (!unix_msgq_takes_from(l->q, u->q))
		return -EPERM;		/* (l) takes from another */
	if (u->peer_q && u->peer_q != l->q)
		unix_msgq_purge(u->q);
	unix_set_peer_q(u, l->q);
	u->peer_name = l->name;
	u->state = UNIX_CONNECTED;
	return 0;
}

/* connect() to AF_UNSPEC: a datagram socket forgets its peer, and what
 * it had received from anyone, as on Linux. */
static int dissociate(struct unix_sock *u)
{
	mutex_lock(&u->lock);
	if (u->peer_q)
		unix_msgq_purge(u->q);
	unix_set_peer_q(u, NULL);
	u->peer_name = (struct sock_addr){ .family = SOCK_FAMILY_UNIX };
	u->state = UNIX_IDLE;
	mutex_unlock(&u->lock);
	return 0;
}

static int unix_connect(struct vfs_file *f, const struct sock_addr *addr)
{
	struct unix_sock *u = us(f), *l;
	struct sock_addr a;
	int rc;

	if (u->type == SOCK_TYPE_DGRAM && addr->family == UNIX_FAMILY_UNSPEC)
		return dissociate(u);
	rc = unix_normalise(addr, &a);
	if (rc)
		return rc;
	l = unix_lookup(&a, &rc);
	if (!l)
		return rc;
	mutex_lock(&u->lock);
	if (u->passcred)
		unix_autobind(u);	/* the peer is told who we are */
	/* Linux's order: the other socket's fitness, then our state. */
	if (l->type != u->type)
		rc = -EPROTOTYPE;
	else if (u->type == SOCK_TYPE_DGRAM)
		rc = associate(u, l);
	else if (l->state != UNIX_LISTENING || (shut_of(l) & UNIX_SHUT_RD))
		rc = -ECONNREFUSED;
	else if (u->state != UNIX_IDLE)
		rc = u->state == UNIX_CONNECTED ? -EISCONN : -EINVAL;
	else
		rc = connect_to(u, l);
	mutex_unlock(&u->lock);
	vfs_file_put(l->file);
	return rc;
}

static int unix_accept(struct vfs_file *f, struct sock_addr *peer, bool nb,
		       struct vfs_file **out)
{
	struct unix_sock *l = us(f), *s = NULL;
	struct waiter w;
	int rc = 0;

	*out = NULL;
	if (l->type == SOCK_TYPE_DGRAM)
		return -EOPNOTSUPP;
	if (l->state != UNIX_LISTENING)
		return -EINVAL;
	bool irq = waitq_lock(&l->accept_wait);

	while (!l->pending && rc == 0) {
		rc = nonblock(f, 0) ? -EAGAIN :
			waitq_sleep_intr(&l->accept_wait, &w,
					 deadline_of(l->rcvtimeo_ms), irq);
		if (rc == -ETIMEDOUT)
			rc = -EAGAIN;
	}
	if (rc == 0) {
		s = l->pending;
		l->pending = s->pnext;
		if (!l->pending)
			l->pending_tail = NULL;
		l->npending--;
		waitq_wake_all(&l->accept_wait);
	}
	waitq_unlock(&l->accept_wait, irq);
	if (rc)
		return rc;
	s->embryo = false;
	if (nb)
		s->file->flags |= O_NONBLOCK;
	if (peer)
		*peer = s->peer_name;
	*out = s->file;
	return 0;
}

/* --- shutdown() -------------------------------------------------------- */

/* The buffers end what a shutdown (how) of (u) ends: blocked calls wake
 * and fail, or read the end. (u)'s lock held. */
static void shut_buffers(struct unix_sock *u, unsigned how)
{
	if (u->type == SOCK_TYPE_STREAM) {
		if (!u->rx)
			return;		/* not connected */
		/* Shut reading, we still read what came (Linux keeps it),
		 * then the end, and the peer's writes fail: what ending
		 * the writing side of the buffer we read does. */
		if (how & UNIX_SHUT_RD)
			pipe_buf_shut_writer(u->rx);
		if (how & UNIX_SHUT_WR)
			pipe_buf_shut_writer(u->tx);
		return;
	}
	if (how & UNIX_SHUT_RD)
		unix_msgq_shut_reader(u->q);
	if ((how & UNIX_SHUT_WR) && u->peer_q &&
	    u->type == SOCK_TYPE_SEQPACKET)
		unix_msgq_close_writer(u->peer_q);
}

/* Linux shuts down any socket, connected or not; a connection's peer
 * learns its share. */
static int unix_shutdown(struct vfs_file *f, enum sock_how how)
{
	struct unix_sock *u = us(f);
	/* SOCK_SHUT_RD, _WR, _RDWR as bits, as Linux counts them. */
	unsigned bits = (unsigned)how + 1;

	if ((unsigned)how > SOCK_SHUT_RDWR)
		return -EINVAL;
	mutex_lock(&u->lock);
	shut_add(u, bits);
	mutex_lock(&links_lock);
	if (u->peer)
		shut_add(u->peer, mirrored(bits));
	mutex_unlock(&links_lock);
	shut_buffers(u, bits);
	mutex_unlock(&u->lock);
	return 0;
}

/* --- the file operations ----------------------------------------------- */

static ssize_t unix_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	struct iovec v = { buf, n };
	int flags = 0;

	(void)off;
	return unix_recvmsg(f, &v, 1, &flags, NULL);
}

static ssize_t unix_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	struct iovec v = { (void *)buf, n };

	(void)off;
	return unix_sendmsg(f, &v, 1, 0, NULL);
}

static ssize_t unix_readv(struct vfs_file *f, const struct iovec *iov,
			  int n)
{
	int flags = 0;

	return unix_recvmsg(f, iov, n, &flags, NULL);
}

static ssize_t unix_writev(struct vfs_file *f, const struct iovec *iov,
			   int n)
{
	return unix_sendmsg(f, iov, n, 0, NULL);
}

static int unix_fstat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_ino = (uintptr_t)f->priv >> 4;
	st->st_blksize = PIPE_ATOMIC;
	return 0;
}

/* A closing listener: connections nobody accepted close too, which resets
 * their clients; clients waiting for room are refused. */
static void drop_pending(struct unix_sock *u)
{
	bool irq = waitq_lock(&u->accept_wait);
	struct unix_sock *s = u->pending;

	u->state = UNIX_IDLE;
	u->pending = u->pending_tail = NULL;
	waitq_wake_all(&u->accept_wait);
	waitq_unlock(&u->accept_wait, irq);
	while (s) {
		struct unix_sock *next = s->pnext;

		vfs_file_put(s->file);
		s = next;
	}
}

static int unix_close(struct vfs_file *f)
{
	struct unix_sock *u = us(f);

	unix_unname(u);
	if (u->state == UNIX_LISTENING)
		drop_pending(u);
	leave_peer(u);
	if (u->rx)
		pipe_buf_close_reader(u->rx);
	if (u->tx)
		pipe_buf_close_writer(u->tx);
	if (u->peer_q && u->type == SOCK_TYPE_SEQPACKET)
		unix_msgq_close_writer(u->peer_q);
	if (u->q) {
		unix_set_peer_q(u, NULL);
		unix_msgq_close_reader(u->q);
	}
	heap_free(u);
	return 0;
}

static const struct socket_ops unix_ops = {
	.bind = unix_bind,
	.listen = unix_listen,
	.accept = unix_accept,
	.connect = unix_connect,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.name = unix_name,
	.setopt = unix_setopt,
	.getopt = unix_getopt,
};

static const struct vfs_file_ops unix_file_ops = {
	.read = unix_read,
	.write = unix_write,
	.readv = unix_readv,
	.writev = unix_writev,
	.fstat = unix_fstat,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.close = unix_close,
	.socket = &unix_ops,
};
