// SPDX-License-Identifier: MIT
/*
 * AF_VSOCK stream sockets (include/kernel/socket.h) over the virtio-vsock
 * device (include/kernel/vsock.h), as Linux's virtio transport speaks the
 * protocol (virtio 1.2, 5.10.6): this file makes sockets, binds ports,
 * connects, listens, accepts, shuts down and closes; vsock_rx.c answers
 * the peer's packets, vsock_io.c moves data.
 *
 * A socket that owns a port (bind(), or connect()'s automatic one) is in
 * the port table; a connection, made by connect() or accepted by a
 * listener, is in the connection table under (local port, peer CID, peer
 * port), where the peer's packets find it. A close waits for the peer:
 * it sends SHUTDOWN and the socket stays until the peer's RST or
 * VSOCK_CLOSE_MS, on the timed list that the device's tick watches (as
 * do non-blocking connects).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>

#include "vsock_impl.h"

#define CONN_BUCKETS	1024
#define PORT_BUCKETS	256
/* Ports connect() picks: Linux's range starts above the reserved ones. */
#define EPHEMERAL_FIRST	1024u

static const struct vfs_file_ops vsock_file_ops;

struct vsock_dev *vsock_dev;
static struct mutex start_lock;
static struct spinlock table_lock;
static struct vsock_sock *conns[CONN_BUCKETS];
static struct vsock_sock *ports[PORT_BUCKETS];
static struct vsock_sock *timed;
static uint32_t next_port = 49152;

/* --- references and tables ---------------------------------------------- */

void vs_get(struct vsock_sock *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
}

void vs_put(struct vsock_sock *s)
{
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (struct vsock_chunk *c = s->rx_head, *next; c; c = next) {
		next = c->next;
		heap_free(c);
	}
	heap_free(s->held);
	heap_free(s);
}

static unsigned conn_hash(uint32_t port, uint32_t cid, uint32_t peer_port)
{
	uint32_t h = port * 0x9e3779b1u ^ peer_port * 0x85ebca6bu ^ cid;

	return (h ^ h >> 16) % CONN_BUCKETS;
}

struct vsock_sock *vs_find_conn(uint32_t port, uint32_t peer_cid,
				uint32_t peer_port)
{
	bool irq = spin_lock_irqsave(&table_lock);
	struct vsock_sock *s = conns[conn_hash(port, peer_cid, peer_port)];

	while (s && !(s->local_port == port && s->peer_cid == peer_cid &&
		      s->peer_port == peer_port))
		s = s->cnext;
	if (s)
		vs_get(s);
	spin_unlock_irqrestore(&table_lock, irq);
	return s;
}

/* With table_lock held: the socket owning (port), or NULL. */
static struct vsock_sock *port_owner(uint32_t port)
{
	struct vsock_sock *s = ports[port % PORT_BUCKETS];

	while (s && s->local_port != port)
		s = s->bnext;
	return s;
}

struct vsock_sock *vs_find_listener(uint32_t port)
{
	bool irq = spin_lock_irqsave(&table_lock);
	struct vsock_sock *s = port_owner(port);

	if (s && READ_ONCE(s->state) == VS_LISTEN)
		vs_get(s);
	else
		s = NULL;
	spin_unlock_irqrestore(&table_lock, irq);
	return s;
}

void vs_conn_add(struct vsock_sock *s)
{
	bool irq = spin_lock_irqsave(&table_lock);
	struct vsock_sock **b = &conns[conn_hash(s->local_port, s->peer_cid,
						 s->peer_port)];

	s->cnext = *b;
	*b = s;
	s->in_conns = true;
	spin_unlock_irqrestore(&table_lock, irq);
}

/* With table_lock held. */
static void conn_unlink(struct vsock_sock *s)
{
	struct vsock_sock **p = &conns[conn_hash(s->local_port, s->peer_cid,
						 s->peer_port)];

	if (!s->in_conns)
		return;
	while (*p != s)
		p = &(*p)->cnext;
	*p = s->cnext;
	s->in_conns = false;
}

void vs_conn_remove(struct vsock_sock *s)
{
	bool irq = spin_lock_irqsave(&table_lock);

	conn_unlink(s);
	spin_unlock_irqrestore(&table_lock, irq);
}

/* Takes (port) for (s), or a free one when it is VSOCK_PORT_ANY. With
 * table_lock held. 0 or -EADDRINUSE, -EADDRNOTAVAIL. */
static int port_take(struct vsock_sock *s, uint32_t port)
{
	if (port == VSOCK_PORT_ANY) {
		for (uint32_t tries = 0; ; tries++) {
			if (tries == 65536)
				return -EADDRNOTAVAIL;
			port = next_port++;
			if (next_port == VSOCK_PORT_ANY)
				next_port = EPHEMERAL_FIRST;
			if (!port_owner(port))
				break;
		}
	} else if (port_owner(port)) {
		return -EADDRINUSE;
	}
	s->local_port = port;
	s->bnext = ports[port % PORT_BUCKETS];
	ports[port % PORT_BUCKETS] = s;
	s->owns_port = true;
	return 0;
}

static void port_release(struct vsock_sock *s)
{
	bool irq = spin_lock_irqsave(&table_lock);

	if (s->owns_port) {
		struct vsock_sock **p = &ports[s->local_port % PORT_BUCKETS];

		while (*p != s)
			p = &(*p)->bnext;
		*p = s->bnext;
		s->owns_port = false;
	}
	spin_unlock_irqrestore(&table_lock, irq);
}

void vs_timed_add(struct vsock_sock *s, uint64_t deadline)
{
	bool irq = spin_lock_irqsave(&table_lock);

	s->deadline = deadline;
	if (!s->tprev && timed != s) {
		s->tnext = timed;
		s->tprev = NULL;
		if (timed)
			timed->tprev = s;
		timed = s;
		vs_get(s);
	}
	spin_unlock_irqrestore(&table_lock, irq);
}

/* With table_lock held: whether (s) was on the list (its reference is
 * then the caller's to drop). */
static bool timed_unlink(struct vsock_sock *s)
{
	if (!s->tprev && timed != s)
		return false;
	if (s->tprev)
		s->tprev->tnext = s->tnext;
	else
		timed = s->tnext;
	if (s->tnext)
		s->tnext->tprev = s->tprev;
	s->tnext = s->tprev = NULL;
	return true;
}

void vs_timed_remove(struct vsock_sock *s)
{
	bool irq = spin_lock_irqsave(&table_lock);
	bool was = timed_unlink(s);

	spin_unlock_irqrestore(&table_lock, irq);
	if (was)
		vs_put(s);
}

/* The sockets whose deadline has passed, off the list, each with the
 * list's reference, chained through tnext. */
static struct vsock_sock *timed_expired(uint64_t now)
{
	struct vsock_sock *out = NULL;
	bool irq = spin_lock_irqsave(&table_lock);

	for (struct vsock_sock *s = timed, *next; s; s = next) {
		next = s->tnext;
		if (s->deadline > now)
			continue;
		timed_unlink(s);
		s->tnext = out;
		out = s;
	}
	spin_unlock_irqrestore(&table_lock, irq);
	return out;
}

/* Takes one connection out of the table, with a reference, starting at
 * bucket (*at); NULL when the table is empty. */
static struct vsock_sock *conn_pop(unsigned *at)
{
	struct vsock_sock *s = NULL;
	bool irq = spin_lock_irqsave(&table_lock);

	for (; *at < CONN_BUCKETS && !s; ) {
		s = conns[*at];
		if (s) {
			conn_unlink(s);
			vs_get(s);
		} else {
			++*at;
		}
	}
	spin_unlock_irqrestore(&table_lock, irq);
	return s;
}

/* --- packets ------------------------------------------------------------- */

void vs_fill_hdr(struct vsock_sock *s, struct vsock_hdr *h, uint16_t op)
{
	memset(h, 0, sizeof(*h));
	h->src_cid = vsock_dev_cid(vsock_dev);
	h->dst_cid = s->peer_cid;
	h->src_port = s->local_port;
	h->dst_port = s->peer_port;
	h->type = VSOCK_TYPE_STREAM;
	h->op = op;
	h->buf_alloc = s->buf_alloc;
	h->fwd_cnt = s->fwd_cnt;
	s->fwd_told = s->fwd_cnt;
}

int vs_send_ctl(struct vsock_sock *s, uint16_t op, uint32_t flags)
{
	struct vsock_pkt *p = vsock_pkt_alloc(0);

	if (!p)
		return -ENOMEM;
	vs_fill_hdr(s, &p->hdr, op);
	p->hdr.flags = flags;
	return vsock_dev_send(vsock_dev, p);
}

void vs_reply(const struct vsock_hdr *h, uint16_t op)
{
	struct vsock_pkt *p = vsock_pkt_alloc(0);

	if (!p)
		return;
	p->hdr.src_cid = h->dst_cid;
	p->hdr.dst_cid = h->src_cid;
	p->hdr.src_port = h->dst_port;
	p->hdr.dst_port = h->src_port;
	p->hdr.type = VSOCK_TYPE_STREAM;
	p->hdr.op = op;
	vsock_dev_send(vsock_dev, p);
}

/* --- the life of a socket ------------------------------------------------ */

struct vsock_sock *vs_new(bool nonblock)
{
	struct vsock_sock *s = heap_zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->refs = 1;
	s->state = VS_IDLE;
	s->local_cid = VSOCK_CID_ANY;
	s->local_port = VSOCK_PORT_ANY;
	s->buf_alloc = VSOCK_BUF_DEFAULT;
	mutex_init(&s->rx_lock);
	mutex_init(&s->tx_lock);
	s->file = vfs_file_new(&vsock_file_ops, s,
			       O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (!s->file) {
		heap_free(s);
		return NULL;
	}
	return s;
}

unsigned vs_end_locked(struct vsock_sock *s, int err)
{
	WRITE_ONCE(s->state, VS_CLOSED);
	if (err)
		WRITE_ONCE(s->err, err);
	waitq_wake_all(&s->wq);
	vs_conn_remove(s);
	vs_timed_remove(s);	/* not its last reference: the caller has one */
	return VFS_POLL_IN | VFS_POLL_OUT | VFS_POLL_HUP | VFS_POLL_RDHUP |
	       (err ? VFS_POLL_ERR : 0);
}

void vs_finish(struct vsock_sock *s)
{
	vs_timed_remove(s);
	vs_conn_remove(s);
	port_release(s);
	vs_put(s);	/* the file's, kept by the close */
}

/* The pending connections of a closing listener are reset. */
static void drop_pending(struct vsock_sock *s)
{
	bool irq = waitq_lock(&s->wq);
	struct vsock_sock *c = s->pending;

	s->pending = s->pending_tail = NULL;
	s->npending = 0;
	waitq_unlock(&s->wq, irq);
	while (c) {
		struct vsock_sock *next = c->pnext;

		vs_send_ctl(c, VSOCK_OP_RST, 0);
		irq = waitq_lock(&c->wq);
		vs_end_locked(c, ECONNRESET);
		waitq_unlock(&c->wq, irq);
		vfs_file_put(c->file);
		c = next;
	}
}

static int vsock_close(struct vfs_file *f)
{
	struct vsock_sock *s = vs(f);

	vs_flush_held(s);	/* nobody else sends: the file is done */
	bool irq = waitq_lock(&s->wq);
	enum vsock_state st = s->state;

	s->file = NULL;
	if (st == VS_CONNECTED &&
	    s->peer_shut != (VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND)) {
		/* Tell the peer and give it time to answer with RST; the
		 * answer may come (and finish (s)) before we have sent,
		 * so we hold a reference of our own meanwhile. */
		WRITE_ONCE(s->state, VS_CLOSING);
		vs_get(s);
		vs_timed_add(s, clock_ns() + VSOCK_CLOSE_MS * 1000000ULL);
		waitq_unlock(&s->wq, irq);
		vs_send_ctl(s, VSOCK_OP_SHUTDOWN,
			    VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND);
		vs_put(s);
		return 0;
	}
	WRITE_ONCE(s->state, VS_CLOSED);
	waitq_unlock(&s->wq, irq);
	if (st == VS_CONNECTED || st == VS_CONNECTING)
		vs_send_ctl(s, VSOCK_OP_RST, 0);
	if (st == VS_LISTEN) {
		port_release(s);	/* no new connections */
		drop_pending(s);
	}
	vs_finish(s);
	return 0;
}

/* --- the socket calls --------------------------------------------------- */

static bool family_ok(const struct sock_addr *a)
{
	return a->family == SOCK_FAMILY_VSOCK;
}

static int vsock_bind(struct vfs_file *f, const struct sock_addr *a)
{
	struct vsock_sock *s = vs(f);
	int rc;

	if (!family_ok(a))
		return -EAFNOSUPPORT;
	if (a->cid != VSOCK_CID_ANY && a->cid != vsock_dev_cid(vsock_dev))
		return -EADDRNOTAVAIL;
	bool irq = waitq_lock(&s->wq);

	if (s->owns_port || s->state != VS_IDLE) {
		rc = -EINVAL;
	} else {
		bool tirq = spin_lock_irqsave(&table_lock);

		rc = port_take(s, a->vport);
		spin_unlock_irqrestore(&table_lock, tirq);
		if (!rc)
			s->local_cid = a->cid;
	}
	waitq_unlock(&s->wq, irq);
	return rc;
}

static int vsock_listen(struct vfs_file *f, int backlog)
{
	struct vsock_sock *s = vs(f);
	bool irq = waitq_lock(&s->wq);
	int rc = 0;

	if (!s->owns_port)
		rc = -EINVAL;		/* Linux's: bind() first */
	else if (s->state != VS_IDLE && s->state != VS_LISTEN)
		rc = -EINVAL;
	else {
		s->backlog = backlog > 0 ? (unsigned)backlog : 1;
		WRITE_ONCE(s->state, VS_LISTEN);
	}
	waitq_unlock(&s->wq, irq);
	return rc;
}

static void peer_addr(struct vsock_sock *s, struct sock_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = SOCK_FAMILY_VSOCK;
	a->cid = s->peer_cid;
	a->vport = s->peer_port;
}

static int vsock_accept(struct vfs_file *f, struct sock_addr *peer,
			bool nonblock, struct vfs_file **out)
{
	struct vsock_sock *s = vs(f), *c;
	struct waiter w;
	int rc = 0;
	bool irq = waitq_lock(&s->wq);

	while (s->state == VS_LISTEN && !s->pending) {
		if (vs_nonblock(f, 0)) {
			rc = -EAGAIN;
			break;
		}
		rc = waitq_sleep_intr(&s->wq, &w, vs_deadline(s->rcvtimeo_ms),
				      irq);
		if (rc) {
			rc = rc == -ETIMEDOUT ? -EAGAIN : rc;
			break;
		}
	}
	if (!rc && s->state != VS_LISTEN)
		rc = -EINVAL;
	if (rc) {
		waitq_unlock(&s->wq, irq);
		return rc;
	}
	c = s->pending;
	s->pending = c->pnext;
	if (!s->pending)
		s->pending_tail = NULL;
	s->npending--;
	waitq_unlock(&s->wq, irq);
	c->pnext = NULL;
	if (nonblock)
		__atomic_or_fetch(&c->file->flags, O_NONBLOCK, __ATOMIC_RELAXED);
	if (peer)
		peer_addr(c, peer);
	*out = c->file;
	return 0;
}

static int vsock_connect(struct vfs_file *f, const struct sock_addr *a)
{
	struct vsock_sock *s = vs(f);
	uint64_t me = vsock_dev_cid(vsock_dev);
	struct waiter w;
	int rc = 0;

	if (!family_ok(a))
		return -EAFNOSUPPORT;
	if (a->cid == VSOCK_CID_ANY || a->vport == VSOCK_PORT_ANY)
		return -EINVAL;
	/* The device reaches other CIDs; this guest is not one of them. */
	if (a->cid == me || a->cid == VSOCK_CID_LOCAL)
		return -ENETUNREACH;
	bool irq = waitq_lock(&s->wq);

	switch (s->state) {
	case VS_CONNECTED:
		rc = -EISCONN;
		break;
	case VS_CONNECTING:
		rc = -EALREADY;
		break;
	case VS_IDLE:
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (!rc && !s->owns_port) {
		bool tirq = spin_lock_irqsave(&table_lock);

		rc = port_take(s, VSOCK_PORT_ANY);
		spin_unlock_irqrestore(&table_lock, tirq);
	}
	if (rc) {
		waitq_unlock(&s->wq, irq);
		return rc;
	}
	s->peer_cid = a->cid;
	s->peer_port = a->vport;
	s->peer_buf_alloc = s->peer_fwd_cnt = s->tx_cnt = 0;
	WRITE_ONCE(s->state, VS_CONNECTING);
	vs_conn_add(s);
	waitq_unlock(&s->wq, irq);
	vs_timed_add(s, clock_ns() + VSOCK_CONNECT_MS * 1000000ULL);
	rc = vs_send_ctl(s, VSOCK_OP_REQUEST, 0);
	irq = waitq_lock(&s->wq);
	if (rc && s->state == VS_CONNECTING)
		vs_end_locked(s, -rc);
	if (s->state == VS_CONNECTING && vs_nonblock(f, 0)) {
		waitq_unlock(&s->wq, irq);
		return -EINPROGRESS;
	}
	while (s->state == VS_CONNECTING) {
		rc = waitq_sleep_intr(&s->wq, &w, WAITQ_NO_DEADLINE, irq);
		if (rc) {
			waitq_unlock(&s->wq, irq);
			return rc;	/* -EINTR: it goes on without us */
		}
	}
	rc = 0;
	if (s->state != VS_CONNECTED) {
		rc = -__atomic_exchange_n(&s->err, 0, __ATOMIC_ACQ_REL);
		if (!rc)
			rc = -ECONNRESET;
	}
	waitq_unlock(&s->wq, irq);
	return rc;
}

static int vsock_shutdown(struct vfs_file *f, enum sock_how how)
{
	struct vsock_sock *s = vs(f);
	unsigned bits = how == SOCK_SHUT_RD ? VS_SHUT_RD :
			how == SOCK_SHUT_WR ? VS_SHUT_WR : VS_SHUT_RDWR;

	if (bits & VS_SHUT_WR) {	/* what MSG_MORE held goes first */
		mutex_lock(&s->tx_lock);
		vs_flush_held(s);
		mutex_unlock(&s->tx_lock);
	}
	bool irq = waitq_lock(&s->wq);

	if (s->state != VS_CONNECTED) {
		waitq_unlock(&s->wq, irq);
		return -ENOTCONN;
	}
	WRITE_ONCE(s->shut, s->shut | bits);
	uint32_t flags = (s->shut & VS_SHUT_RD ? VSOCK_SHUTDOWN_RCV : 0) |
			 (s->shut & VS_SHUT_WR ? VSOCK_SHUTDOWN_SEND : 0);

	waitq_wake_all(&s->wq);
	if (s->file)
		vfs_file_notify(s->file, VFS_POLL_IN | VFS_POLL_OUT |
					 VFS_POLL_RDHUP);
	waitq_unlock(&s->wq, irq);
	return vs_send_ctl(s, VSOCK_OP_SHUTDOWN, flags) == -EIO ? -EIO : 0;
}

static int vsock_name(struct vfs_file *f, struct sock_addr *a, bool peer)
{
	struct vsock_sock *s = vs(f);
	bool irq = waitq_lock(&s->wq);
	int rc = 0;

	if (peer) {
		if (s->state == VS_CONNECTED ||
		    (s->state == VS_CLOSED && s->peer_cid))
			peer_addr(s, a);
		else
			rc = -ENOTCONN;
	} else {
		memset(a, 0, sizeof(*a));
		a->family = SOCK_FAMILY_VSOCK;
		a->cid = s->peer_cid ? (uint32_t)vsock_dev_cid(vsock_dev) :
				       s->local_cid;
		a->vport = s->local_port;
	}
	waitq_unlock(&s->wq, irq);
	return rc;
}

static ssize_t vsock_read(struct vfs_file *f, void *buf, size_t n,
			  uint64_t off)
{
	struct iovec v = { buf, n };
	int flags = 0;

	(void)off;
	return vsock_recvmsg(f, &v, 1, &flags, NULL);
}

static ssize_t vsock_write(struct vfs_file *f, const void *buf, size_t n,
			   uint64_t off)
{
	struct iovec v = { (void *)buf, n };

	(void)off;
	return vsock_sendmsg(f, &v, 1, 0, NULL);
}

static ssize_t vsock_readv(struct vfs_file *f, const struct iovec *iov, int n)
{
	int flags = 0;

	return vsock_recvmsg(f, iov, n, &flags, NULL);
}

static ssize_t vsock_writev(struct vfs_file *f, const struct iovec *iov,
			    int n)
{
	return vsock_sendmsg(f, iov, n, 0, NULL);
}

static int vsock_fstat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_ino = (uintptr_t)f->priv >> 4;
	st->st_blksize = 4096;
	return 0;
}

static const struct socket_ops vsock_ops = {
	.bind = vsock_bind,
	.listen = vsock_listen,
	.accept = vsock_accept,
	.connect = vsock_connect,
	.sendmsg = vsock_sendmsg,
	.recvmsg = vsock_recvmsg,
	.shutdown = vsock_shutdown,
	.name = vsock_name,
	.setopt = vsock_setopt,
	.getopt = vsock_getopt,
};

static const struct vfs_file_ops vsock_file_ops = {
	.read = vsock_read,
	.write = vsock_write,
	.readv = vsock_readv,
	.writev = vsock_writev,
	.fstat = vsock_fstat,
	.poll = vsock_poll,
	.ioctl = vsock_ioctl,
	.close = vsock_close,
	.socket = &vsock_ops,
};

/* --- the device ---------------------------------------------------------- */

static const struct vsock_callbacks callbacks = {
	.receive = vsock_on_receive,
	.reset = vsock_on_reset,
	.tick = vsock_on_tick,
};

/* The device, started with our callbacks on first use. */
static int device_up(void)
{
	int rc = 0;

	if (READ_ONCE(vsock_dev))
		return 0;
	mutex_lock(&start_lock);
	if (!vsock_dev) {
		struct vsock_dev *d = vsock_device();

		rc = d ? vsock_dev_start(d, &callbacks) : -EAFNOSUPPORT;
		if (!rc)
			WRITE_ONCE(vsock_dev, d);
	}
	mutex_unlock(&start_lock);
	return rc;
}

int vsock_socket(int type, int protocol, bool nonblock, struct vfs_file **out)
{
	int rc;

	*out = NULL;
	if (type != SOCK_TYPE_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0)
		return -EPROTONOSUPPORT;
	rc = device_up();
	if (rc)
		return rc;
	struct vsock_sock *s = vs_new(nonblock);

	if (!s)
		return -ENOMEM;
	*out = s->file;
	return 0;
}

/* --- what the device's thread does for the tables ----------------------- */

void vsock_reset_all(void)
{
	unsigned at = 0;
	struct vsock_sock *s;

	while ((s = conn_pop(&at))) {
		bool irq = waitq_lock(&s->wq);
		bool closing = s->state == VS_CLOSING;

		if (!closing && s->state != VS_CLOSED) {
			unsigned ev = vs_end_locked(s, ECONNRESET);

			if (s->file)
				vfs_file_notify(s->file, ev);
		} else {
			WRITE_ONCE(s->state, VS_CLOSED);
		}
		waitq_unlock(&s->wq, irq);
		if (closing)
			vs_finish(s);
		vs_put(s);
	}
}

void vsock_expire(uint64_t now)
{
	struct vsock_sock *s = timed_expired(now), *next;

	for (; s; s = next) {
		next = s->tnext;
		s->tnext = NULL;
		bool irq = waitq_lock(&s->wq);
		enum vsock_state st = s->state;

		if (st == VS_CONNECTING) {
			unsigned ev = vs_end_locked(s, ETIMEDOUT);

			if (s->file)
				vfs_file_notify(s->file, ev);
		} else if (st == VS_CLOSING) {
			WRITE_ONCE(s->state, VS_CLOSED);
		}
		waitq_unlock(&s->wq, irq);
		/* MSG_MORE's bytes waited long enough; a sender busy with
		 * the socket takes them along itself. */
		if (st == VS_CONNECTED && READ_ONCE(s->held_len) &&
		    mutex_trylock(&s->tx_lock)) {
			vs_flush_held(s);
			mutex_unlock(&s->tx_lock);
		}
		if (st == VS_CONNECTING || st == VS_CLOSING)
			vs_send_ctl(s, VSOCK_OP_RST, 0);
		if (st == VS_CLOSING)
			vs_finish(s);
		vs_put(s);	/* the timed list's */
	}
}

/* A connection a thread waits to receive on, with a reference; NULL if
 * none. For the device's liveness probe. */
struct vsock_sock *vsock_find_waiting(void)
{
	struct vsock_sock *found = NULL;
	bool irq = spin_lock_irqsave(&table_lock);

	for (unsigned i = 0; i < CONN_BUCKETS && !found; i++)
		for (struct vsock_sock *s = conns[i]; s && !found;
		     s = s->cnext)
			if (READ_ONCE(s->readers) &&
			    READ_ONCE(s->state) == VS_CONNECTED) {
				found = s;
				vs_get(s);
			}
	spin_unlock_irqrestore(&table_lock, irq);
	return found;
}
