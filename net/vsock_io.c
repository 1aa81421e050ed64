// SPDX-License-Identifier: MIT
/*
 * What AF_VSOCK sockets (vsock.c) do with data: sending within the peer's
 * credit, in packets of at most VSOCK_PKT_MAX bytes; receiving from the
 * queued chunks and telling the peer what was read (CREDIT_UPDATE) once a
 * quarter of our buffer has been; readiness for poll() and epoll;
 * FIONREAD; options.
 */
#include <errno.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>

#include "vsock_impl.h"

#define LINUX_FIONREAD	0x541B

static const unsigned peer_done = VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND;

bool vs_credit_due(const struct vsock_sock *s)
{
	return s->fwd_cnt - s->fwd_told >= s->buf_alloc / 4;
}

/* --- sending --------------------------------------------------------------- */

/* Why (s) cannot send, or 0. (s) locked. */
static int send_error(struct vsock_sock *s)
{
	switch (s->state) {
	case VS_CONNECTED:
		if ((s->shut & VS_SHUT_WR) ||
		    (s->peer_shut & VSOCK_SHUTDOWN_RCV))
			return -EPIPE;
		return 0;
	case VS_CLOSED: {
		int err = __atomic_exchange_n(&s->err, 0, __ATOMIC_ACQ_REL);

		return err ? -err : -EPIPE;
	}
	default:
		return -ENOTCONN;
	}
}

/* Copies (n) bytes from the vector at (*i, *off) on, moving them on. */
static void copy_from_iov(uint8_t *to, const struct iovec *iov, int *i,
			  size_t *off, size_t n)
{
	while (n) {
		size_t k = MIN(n, iov[*i].iov_len - *off);

		memcpy(to, (const uint8_t *)iov[*i].iov_base + *off, k);
		to += k;
		n -= k;
		*off += k;
		if (*off == iov[*i].iov_len) {
			++*i;
			*off = 0;
		}
	}
}

static size_t iov_total(const struct iovec *iov, int n)
{
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/* Waits for credit: how much may be sent now, or -errno. (s) locked. */
static ssize_t wait_credit(struct vsock_sock *s, bool nb, uint64_t deadline,
			   bool *irq)
{
	bool asked = false;
	struct waiter w;

	for (;;) {
		int rc = send_error(s);

		if (rc)
			return rc;
		uint32_t credit = vs_credit(s);

		if (credit)
			return credit;
		if (nb)
			return -EAGAIN;
		if (!asked) {
			/* The peer owes us an update; asking also keeps a
			 * packet before the device, so a dead one shows. */
			asked = true;
			waitq_unlock(&s->wq, *irq);
			vs_send_ctl(s, VSOCK_OP_CREDIT_REQUEST, 0);
			*irq = waitq_lock(&s->wq);
			continue;
		}
		rc = waitq_sleep_intr(&s->wq, &w, deadline, *irq);
		if (rc)
			return rc == -ETIMEDOUT ? -EAGAIN : rc;
	}
}

/* MSG_MORE: keeps the (total) bytes for the next packet if they fit and
 * the peer's credit has room for them now (so they never wait for it
 * later). (s) locked. Whether it did. */
static bool hold(struct vsock_sock *s, const struct iovec *iov, size_t total)
{
	int i = 0;
	size_t off = 0;

	if (send_error(s) || total > VSOCK_HELD_MAX - s->held_len ||
	    total > vs_credit(s))
		return false;
	if (!s->held) {
		s->held = heap_alloc(VSOCK_HELD_MAX);
		if (!s->held)
			return false;
	}
	if (!s->held_len)	/* a tick sends them if nothing else does */
		vs_timed_add(s, clock_ns() + VSOCK_HELD_MS * 1000000ULL);
	copy_from_iov(s->held + s->held_len, iov, &i, &off, total);
	s->held_len += total;
	s->tx_cnt += total;
	return true;
}

/* One packet: what is held, then (len) bytes of the vector at (*i,
 * *off); (h) has the header, its length the new bytes'. */
static int send_packet(struct vsock_sock *s, struct vsock_hdr *h,
		       const struct iovec *iov, int *i, size_t *off)
{
	uint32_t held = s->held_len;
	struct vsock_pkt *p = vsock_pkt_alloc(held + h->len);

	if (!p)
		return -ENOMEM;
	p->hdr = *h;
	p->hdr.len += held;
	if (held)	/* (s->held) is NULL until MSG_MORE holds bytes */
		memcpy(p->data, s->held, held);
	copy_from_iov(p->data + held, iov, i, off, h->len);
	s->held_len = 0;
	return vsock_dev_send(vsock_dev, p);
}

void vs_flush_held(struct vsock_sock *s)
{
	struct vsock_hdr h;
	bool irq = waitq_lock(&s->wq);

	if (!s->held_len || send_error(s)) {
		s->held_len = 0;
		waitq_unlock(&s->wq, irq);
		return;
	}
	vs_fill_hdr(s, &h, VSOCK_OP_RW);
	waitq_unlock(&s->wq, irq);
	send_packet(s, &h, NULL, NULL, NULL);
}

ssize_t vsock_sendmsg(struct vfs_file *f, const struct iovec *iov, int n,
		      int flags, const struct sock_addr *to)
{
	struct vsock_sock *s = vs(f);
	size_t total = iov_total(iov, n), done = 0, off = 0;
	uint64_t deadline = vs_deadline(s->sndtimeo_ms);
	bool nb = vs_nonblock(f, flags);
	ssize_t rc = 0;
	int i = 0;

	if (to)
		return READ_ONCE(s->state) == VS_CONNECTED ? -EISCONN :
							     -EOPNOTSUPP;
	mutex_lock(&s->tx_lock);
	if ((flags & SOCK_MORE) && total) {
		bool irq = waitq_lock(&s->wq);
		bool held = hold(s, iov, total);

		waitq_unlock(&s->wq, irq);
		if (held) {
			mutex_unlock(&s->tx_lock);
			return (ssize_t)total;
		}
	}
	for (;;) {
		struct vsock_hdr h;
		bool irq = waitq_lock(&s->wq);

		/* Held bytes go alone rather than wait for credit. */
		rc = wait_credit(s, nb || s->held_len, deadline, &irq);
		if (rc == -EAGAIN && s->held_len && !nb) {
			waitq_unlock(&s->wq, irq);
			vs_flush_held(s);
			continue;
		}
		if (rc < 0 || done == total) {
			waitq_unlock(&s->wq, irq);
			rc = rc < 0 ? rc : 0;
			break;
		}
		uint32_t len = MIN((size_t)rc,
				   MIN(total - done, (size_t)VSOCK_PKT_MAX -
							     s->held_len));

		vs_fill_hdr(s, &h, VSOCK_OP_RW);
		h.len = len;
		s->tx_cnt += len;
		waitq_unlock(&s->wq, irq);
		rc = send_packet(s, &h, iov, &i, &off);
		if (rc == -ENOMEM) {
			irq = waitq_lock(&s->wq);
			s->tx_cnt -= len;
			waitq_unlock(&s->wq, irq);
		}
		if (rc)
			break;
		done += len;
		if (done == total)
			break;
	}
	if (rc < 0 && rc != -ENOMEM && rc != -EAGAIN && rc != -EINTR)
		s->held_len = 0;	/* the connection is over */
	mutex_unlock(&s->tx_lock);
	return done ? (ssize_t)done : rc;
}

/* --- receiving --------------------------------------------------------- */

/* Copies up to (n) queued bytes, from the first unread one, into the
 * vector at (*i, *off) on. Only the reader (rx_lock held) takes chunks
 * away, and the (n) bytes were queued before it looked: no lock. */
static void copy_to_iov(struct vsock_sock *s, const struct iovec *iov,
			int *i, size_t *off, size_t n)
{
	struct vsock_chunk *c = s->rx_head;
	uint32_t at = c ? c->off : 0;

	while (n) {
		size_t k = MIN(n, MIN((size_t)(c->len - at),
				      iov[*i].iov_len - *off));

		memcpy((uint8_t *)iov[*i].iov_base + *off, c->data + at, k);
		n -= k;
		at += k;
		*off += k;
		if (*off == iov[*i].iov_len) {
			++*i;
			*off = 0;
		}
		if (at == c->len) {
			c = c->next;
			at = 0;
		}
	}
}

/* Takes (n) read bytes off the queue; (s) locked. Returns the chunks
 * emptied, to free unlocked. */
static struct vsock_chunk *consume(struct vsock_sock *s, uint32_t n)
{
	struct vsock_chunk *done = NULL, **tail = &done;

	WRITE_ONCE(s->rx_bytes, s->rx_bytes - n);
	s->fwd_cnt += n;
	while (n) {
		struct vsock_chunk *c = s->rx_head;
		uint32_t k = MIN(n, c->len - c->off);

		c->off += k;
		n -= k;
		if (c->off == c->len) {
			s->rx_head = c->next;
			if (!s->rx_head)
				s->rx_tail = NULL;
			c->next = NULL;
			*tail = c;
			tail = &c->next;
		}
	}
	return done;
}

/* Waits for data: how many bytes are queued, 0 at the end, or -errno.
 * An error is said (and cleared) only to a call that has read nothing
 * yet (!got): after some bytes it is the end, and the next call's
 * error. (s) locked. */
static ssize_t wait_data(struct vsock_sock *s, bool nb, uint64_t deadline,
			 bool *irq, bool got)
{
	struct waiter w;

	for (;;) {
		uint32_t queued = s->rx_bytes;

		if (queued)
			return queued;
		if (got && READ_ONCE(s->err))
			return 0;
		int err = __atomic_exchange_n(&s->err, 0, __ATOMIC_ACQ_REL);

		if (err)
			return -err;
		if (s->state != VS_CONNECTED || (s->shut & VS_SHUT_RD) ||
		    (s->peer_shut & VSOCK_SHUTDOWN_SEND))
			return 0;
		if (nb)
			return -EAGAIN;
		s->readers++;
		int rc = waitq_sleep_intr(&s->wq, &w, deadline, *irq);

		s->readers--;
		if (rc)
			return rc == -ETIMEDOUT ? -EAGAIN : rc;
	}
}

ssize_t vsock_recvmsg(struct vfs_file *f, const struct iovec *iov, int n,
		      int *flags, struct sock_addr *from)
{
	struct vsock_sock *s = vs(f);
	size_t total = iov_total(iov, n), done = 0, off = 0;
	uint64_t deadline = vs_deadline(s->rcvtimeo_ms);
	bool nb = vs_nonblock(f, *flags);
	ssize_t rc = 0;
	int i = 0;

	*flags &= ~SOCK_TRUNC;
	enum vsock_state st = READ_ONCE(s->state);

	if (st != VS_CONNECTED && st != VS_CLOSED)
		return -ENOTCONN;
	if (from) {
		memset(from, 0, sizeof(*from));
		from->family = SOCK_FAMILY_VSOCK;
		from->cid = s->peer_cid;
		from->vport = s->peer_port;
	}
	if (!total)
		return 0;
	mutex_lock(&s->rx_lock);
	while (done < total) {
		bool irq = waitq_lock(&s->wq);
		bool wait_all = (*flags & SOCK_WAITALL) && !(*flags & SOCK_PEEK);

		rc = wait_data(s, nb || (done && !wait_all), deadline, &irq,
			       done);
		waitq_unlock(&s->wq, irq);
		if (rc <= 0)
			break;
		uint32_t k = MIN((size_t)rc, total - done);

		copy_to_iov(s, iov, &i, &off, k);
		if (*flags & SOCK_PEEK) {
			done += k;
			break;
		}
		irq = waitq_lock(&s->wq);
		struct vsock_chunk *freed = consume(s, k);
		bool tell = s->state == VS_CONNECTED && vs_credit_due(s);

		waitq_unlock(&s->wq, irq);
		while (freed) {
			struct vsock_chunk *next = freed->next;

			heap_free(freed);
			freed = next;
		}
		if (tell)
			vs_send_ctl(s, VSOCK_OP_CREDIT_UPDATE, 0);
		done += k;
	}
	mutex_unlock(&s->rx_lock);
	return done ? (ssize_t)done : rc;
}

/* --- readiness, FIONREAD, options -------------------------------------- */

unsigned vsock_poll(struct vfs_file *f)
{
	struct vsock_sock *s = vs(f);
	unsigned ev = 0, shut = READ_ONCE(s->shut),
		 peer = READ_ONCE(s->peer_shut);

	switch (READ_ONCE(s->state)) {
	case VS_LISTEN:
		return READ_ONCE(s->pending) ? VFS_POLL_IN | VFS_POLL_RDNORM :
					       0;
	case VS_CONNECTED:
		if (READ_ONCE(s->rx_bytes) || (shut & VS_SHUT_RD) ||
		    (peer & VSOCK_SHUTDOWN_SEND))
			ev |= VFS_POLL_IN | VFS_POLL_RDNORM;
		if (peer & VSOCK_SHUTDOWN_SEND)
			ev |= VFS_POLL_RDHUP;
		if ((shut & VS_SHUT_WR) || (peer & VSOCK_SHUTDOWN_RCV) ||
		    vs_credit(s))
			ev |= VFS_POLL_OUT | VFS_POLL_WRNORM;
		if (shut == VS_SHUT_RDWR || peer == peer_done)
			ev |= VFS_POLL_HUP;
		return ev;
	case VS_CLOSED:
	case VS_CLOSING:
		return VFS_POLL_IN | VFS_POLL_RDNORM | VFS_POLL_OUT |
		       VFS_POLL_WRNORM | VFS_POLL_HUP | VFS_POLL_RDHUP |
		       (READ_ONCE(s->err) ? VFS_POLL_ERR : 0);
	default:
		return 0;
	}
}

int vsock_ioctl(struct vfs_file *f, unsigned long req, void *arg)
{
	struct vsock_sock *s = vs(f);

	if (req != LINUX_FIONREAD)
		return -ENOTTY;
	if (READ_ONCE(s->state) == VS_LISTEN)
		return -EINVAL;
	*(int *)arg = (int)READ_ONCE(s->rx_bytes);
	return 0;
}

int vsock_setopt(struct vfs_file *f, enum sock_option o, int value)
{
	struct vsock_sock *s = vs(f);

	switch (o) {
	case SOCKOPT_RCVTIMEO:
		s->rcvtimeo_ms = value;
		return 0;
	case SOCKOPT_SNDTIMEO:
		s->sndtimeo_ms = value;
		return 0;
	case SOCKOPT_RCVBUF: {
		/* The credit we give from now on; never below what is
		 * queued, or the peer's data would be past it. */
		bool irq = waitq_lock(&s->wq);
		uint32_t want = value < VSOCK_BUF_MIN ? VSOCK_BUF_MIN :
				value > VSOCK_BUF_MAX ? VSOCK_BUF_MAX :
							(uint32_t)value;

		s->buf_alloc = MAX(want, s->rx_cnt - s->fwd_cnt);
		waitq_unlock(&s->wq, irq);
		return 0;
	}
	case SOCKOPT_SNDBUF:
	case SOCKOPT_REUSEADDR:
	case SOCKOPT_KEEPALIVE:
		return 0;	/* nothing to do: credit is the peer's */
	default:
		return -ENOPROTOOPT;
	}
}

int vsock_getopt(struct vfs_file *f, enum sock_option o, int *value)
{
	struct vsock_sock *s = vs(f);

	switch (o) {
	case SOCKOPT_RCVTIMEO:
		*value = s->rcvtimeo_ms;
		return 0;
	case SOCKOPT_SNDTIMEO:
		*value = s->sndtimeo_ms;
		return 0;
	case SOCKOPT_ERROR:
		*value = __atomic_exchange_n(&s->err, 0, __ATOMIC_ACQ_REL);
		return 0;
	case SOCKOPT_TYPE:
		*value = SOCK_TYPE_STREAM;
		return 0;
	case SOCKOPT_ACCEPTCONN:
		*value = READ_ONCE(s->state) == VS_LISTEN;
		return 0;
	case SOCKOPT_RCVBUF:
		*value = (int)s->buf_alloc;
		return 0;
	case SOCKOPT_SNDBUF:
		*value = (int)READ_ONCE(s->peer_buf_alloc);
		return 0;
	case SOCKOPT_REUSEADDR:
	case SOCKOPT_KEEPALIVE:
		*value = 0;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
