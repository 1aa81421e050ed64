// SPDX-License-Identifier: MIT
/*
 * What AF_UNIX sockets (unix.c) do with data: sending and receiving on a
 * stream's pipe buffers or into a message queue (unix_msgq.c), checked
 * in Linux's order; readiness for poll() and epoll; FIONREAD; and the
 * socket options, which Linux's AF_UNIX sockets keep few of.
 */
#include <errno.h>
#include <sys/uio.h>

#include <kernel/pipe.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>
#include <toro/sync.h>

#include "unix_impl.h"

/* --- sending and receiving --------------------------------------------- */

static ssize_t stream_send(struct unix_sock *u, const struct iovec *iov,
			   int n, int flags, const struct sock_addr *to)
{
	ssize_t done = 0;

	/* An address is refused: the connection has one, or it is not a
	 * connection. */
	if (to)
		return u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->state != UNIX_CONNECTED)
		return -ENOTCONN;
	if (shut_of(u) & UNIX_SHUT_WR)
		return -EPIPE;
	for (int i = 0; i < n; i++) {
		ssize_t rc = pipe_buf_write(u->tx, iov[i].iov_base,
					    iov[i].iov_len,
					    nonblock(u->file, flags),
					    deadline_of(u->sndtimeo_ms));

		if (rc < 0)
			return done ? done : rc;
		done += rc;
		if ((size_t)rc < iov[i].iov_len)
			break;
	}
	return done;
}

static ssize_t stream_recv(struct unix_sock *u, const struct iovec *iov,
			   int n, int flags)
{
	ssize_t done = 0;

	if (u->state != UNIX_CONNECTED)
		return -EINVAL;		/* Linux's, for streams */
	for (int i = 0; i < n; i++) {
		size_t want = iov[i].iov_len, got = 0;

		while (got < want) {
			/* After some bytes, only what is there already,
			 * unless MSG_WAITALL asks for all of it. */
			bool nb = nonblock(u->file, flags) ||
				  (done + got > 0 && !(flags & SOCK_WAITALL));
			ssize_t rc = pipe_buf_read(u->rx,
						   (char *)iov[i].iov_base + got,
						   want - got, nb,
						   flags & SOCK_PEEK,
						   deadline_of(u->rcvtimeo_ms));
			int err;

			if (rc <= 0) {
				if (done + got)
					return done + got;
				/* Nothing there: an error is said before
				 * the end or the wait, as POSIX orders. */
				if (rc != 0 && rc != -EAGAIN)
					return rc;
				err = take_error(u);
				return err ? err : rc;
			}
			got += rc;
			if (flags & SOCK_PEEK)
				return done + got;
		}
		done += got;
	}
	return done;
}

/* Whether something waits to be read. */
static bool has_data(struct unix_sock *u)
{
	if (u->type == SOCK_TYPE_STREAM)
		return u->state == UNIX_CONNECTED && pipe_buf_count(u->rx);
	return unix_msgq_poll_read(u->q) & VFS_POLL_IN;
}

static size_t iov_total(const struct iovec *iov, int n)
{
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/* The connected peer's queue, with a reference (put it), or
 * -ENOTCONN. */
static int peer_queue(struct unix_sock *u, struct unix_msgq **out)
{
	mutex_lock(&u->lock);
	*out = u->peer_q;
	if (*out)
		unix_msgq_get(*out);
	mutex_unlock(&u->lock);
	return *out ? 0 : -ENOTCONN;
}

/* The queue of the datagram socket named (a), with a reference. */
static int named_queue(const struct sock_addr *a, struct unix_msgq **out)
{
	int rc = 0;
	struct unix_sock *dst = unix_lookup(a, &rc);

	if (!dst)
		return rc;
	if (dst->type == SOCK_TYPE_DGRAM) {
		*out = dst->q;
		unix_msgq_get(*out);
	} else {
		rc = -EPROTOTYPE;
	}
	vfs_file_put(dst->file);
	return rc;
}

/* What the receiver learns of the sender: its name, which a sender that
 * passes credentials gets now if it has none (Linux's autobind). */
static struct sock_addr sender_name(struct unix_sock *u)
{
	struct sock_addr a;

	mutex_lock(&u->lock);
	if (u->passcred)
		unix_autobind(u);
	a = u->name;
	mutex_unlock(&u->lock);
	return a;
}

/* The connected peer's queue (q) refused: its socket closed. A seqpacket
 * connection is broken; a datagram socket forgets the peer, so that the
 * next send says -ENOTCONN, as Linux's does. */
static int peer_lost(struct unix_sock *u, struct unix_msgq *q)
{
	int rc = -ECONNRESET;	/* another thread learnt it first */

	if (u->type == SOCK_TYPE_SEQPACKET)
		return -EPIPE;
	mutex_lock(&u->lock);
	if (u->peer_q == q) {
		unix_set_peer_q(u, NULL);
		u->state = UNIX_IDLE;
		rc = -ECONNREFUSED;
	}
	mutex_unlock(&u->lock);
	return rc;
}

/* Datagram and seqpacket sends, checked in Linux's order. */
static ssize_t msg_send(struct unix_sock *u, const struct iovec *iov, int n,
			int flags, const struct sock_addr *to)
{
	struct unix_msgq *q = NULL;
	struct sock_addr a, from;
	ssize_t rc;

	if (u->type == SOCK_TYPE_SEQPACKET) {
		/* A reset is said first; then it is connected or not at
		 * all, and an address is ignored. */
		rc = take_error(u);
		if (rc)
			return rc;
		if (u->state != UNIX_CONNECTED)
			return -ENOTCONN;
		to = NULL;
	}
	if (to && (rc = unix_normalise(to, &a)))
		return rc;
	from = sender_name(u);
	if (iov_total(iov, n) > UNIX_MSGQ_BYTES)
		rc = -EMSGSIZE;
	else if (shut_of(u) & UNIX_SHUT_WR)
		rc = -EPIPE;
	else
		rc = to ? named_queue(&a, &q) : peer_queue(u, &q);
	if (rc == 0)
		rc = unix_msgq_send(q, iov, n, &from, u->q,
				    nonblock(u->file, flags),
				    deadline_of(u->sndtimeo_ms));
	if (rc == -ECONNREFUSED && !to)
		rc = peer_lost(u, q);
	if (q)
		unix_msgq_put(q);
	return rc;
}

ssize_t unix_sendmsg(struct vfs_file *f, const struct iovec *iov, int n,
		     int flags, const struct sock_addr *to)
{
	struct unix_sock *u = us(f);

	if (u->type == SOCK_TYPE_STREAM)
		return stream_send(u, iov, n, flags, to);
	return msg_send(u, iov, n, flags, to);
}

ssize_t unix_recvmsg(struct vfs_file *f, const struct iovec *iov, int n,
		     int *flags, struct sock_addr *from)
{
	struct unix_sock *u = us(f);
	int fl = *flags;
	ssize_t rc;

	if (u->type == SOCK_TYPE_STREAM) {
		*flags = 0;
		rc = stream_recv(u, iov, n, fl);
		if (from)
			*from = u->peer_name;
	} else if (u->type == SOCK_TYPE_SEQPACKET &&
		   u->state != UNIX_CONNECTED) {
		*flags = 0;
		return -ENOTCONN;
	} else if ((rc = take_error(u)) != 0) {
		/* Before any message, as Linux's skb_recv_datagram(). */
		*flags = 0;
	} else if (u->type == SOCK_TYPE_DGRAM && nonblock(f, fl) &&
		   (shut_of(u) & UNIX_SHUT_RD) && !has_data(u)) {
		/* Linux's: a datagram socket shut for reading gives the
		 * end to a blocking read alone; others find nothing. */
		*flags = 0;
		rc = -EAGAIN;
	} else {
		rc = unix_msgq_recv(u->q, iov, n, flags, from, nonblock(f, fl),
				    deadline_of(u->rcvtimeo_ms));
	}
	/* A sender without a name has no address at all (length 0), not
	 * the family alone that getsockname() gives. */
	if (rc >= 0 && from && from->len == 0)
		from->family = UNIX_FAMILY_UNSPEC;
	return rc;
}

/* --- readiness and FIONREAD -------------------------------------------- */

/* Writable as Linux says it: while what we sent and nobody read yet
 * leaves room. A closed peer holds none of it any more (its (peer) is
 * read without links_lock: only whether it went, never followed). */
static bool has_room(struct unix_sock *u)
{
	bool room = true;

	if (u->type == SOCK_TYPE_STREAM)
		return u->state != UNIX_CONNECTED ||
		       !__atomic_load_n(&u->peer, __ATOMIC_ACQUIRE) ||
		       (pipe_buf_poll_write(u->tx) & VFS_POLL_OUT);
	bool irq = spin_lock_irqsave(&u->peer_lock);

	if (u->peer_q)
		room = unix_msgq_poll_write(u->peer_q) & VFS_POLL_OUT;
	spin_unlock_irqrestore(&u->peer_lock, irq);
	return room;
}

/* Linux's unix_poll() and unix_dgram_poll(): made of the shutdown bits,
 * the pending error, what is queued and the room to send. */
unsigned unix_poll(struct vfs_file *f)
{
	struct unix_sock *u = us(f);
	unsigned r = shut_events(shut_of(u));

	if (__atomic_load_n(&u->err, __ATOMIC_ACQUIRE))
		r |= VFS_POLL_ERR;
	if (u->state == UNIX_LISTENING)
		return r | listener_ready(u);
	if (has_data(u))
		r |= VFS_POLL_IN | VFS_POLL_RDNORM;
	/* A connection that is not, or not yet, is hung up. */
	if (u->type != SOCK_TYPE_DGRAM && u->state != UNIX_CONNECTED)
		r |= VFS_POLL_HUP;
	if (has_room(u))
		r |= VFS_POLL_OUT | VFS_POLL_WRNORM;
	return r;
}

/* Linux's FIONREAD. */
#define LINUX_FIONREAD 0x541B

int unix_ioctl(struct vfs_file *f, unsigned long req, void *arg)
{
	struct unix_sock *u = us(f);

	if (req != LINUX_FIONREAD)
		return -ENOTTY;
	if (u->state == UNIX_LISTENING)
		return -EINVAL;
	/* A stream's bytes, a seqpacket's messages' bytes, all of them; a
	 * datagram socket's next datagram alone. */
	if (u->type == SOCK_TYPE_STREAM)
		*(int *)arg = u->rx ? (int)pipe_buf_count(u->rx) : 0;
	else if (u->type == SOCK_TYPE_SEQPACKET)
		*(int *)arg = (int)unix_msgq_bytes(u->q);
	else
		*(int *)arg = (int)unix_msgq_next_len(u->q);
	return 0;
}

/* --- options ------------------------------------------------------------ */

/* Options of TCP's and IP's levels: Linux's AF_UNIX sockets have none
 * beyond SOL_SOCKET, and say EOPNOTSUPP for every other level. */
static bool is_tcp_option(enum sock_option o)
{
	return o == SOCKOPT_NODELAY || o == SOCKOPT_KEEPIDLE ||
	       o == SOCKOPT_KEEPINTVL || o == SOCKOPT_KEEPCNT ||
	       o == SOCKOPT_CORK || o == SOCKOPT_TOS || o == SOCKOPT_TTL ||
	       (o >= SOCKOPT_QUICKACK && o <= SOCKOPT_USER_TIMEOUT);
}

int unix_setopt(struct vfs_file *f, enum sock_option o, int value)
{
	struct unix_sock *u = us(f);

	if (is_tcp_option(o))
		return -EOPNOTSUPP;
	switch (o) {
	case SOCKOPT_RCVTIMEO:
		u->rcvtimeo_ms = value;
		return 0;
	case SOCKOPT_SNDTIMEO:
		u->sndtimeo_ms = value;
		return 0;
	case SOCKOPT_PASSCRED:
		u->passcred = value;
		return 0;
	case SOCKOPT_PRIORITY:
		u->priority = value;
		return 0;
	case SOCKOPT_REUSEADDR:
	case SOCKOPT_REUSEPORT:
	case SOCKOPT_SNDBUF:
	case SOCKOPT_RCVBUF:
	case SOCKOPT_KEEPALIVE:
	case SOCKOPT_BROADCAST:
	case SOCKOPT_LINGER:
		return 0;	/* nothing here for them to change */
	default:
		return -ENOPROTOOPT;
	}
}

int unix_getopt(struct vfs_file *f, enum sock_option o, int *value)
{
	struct unix_sock *u = us(f);

	if (is_tcp_option(o))
		return -EOPNOTSUPP;
	switch (o) {
	case SOCKOPT_RCVTIMEO:
		*value = u->rcvtimeo_ms;
		return 0;
	case SOCKOPT_SNDTIMEO:
		*value = u->sndtimeo_ms;
		return 0;
	case SOCKOPT_TYPE:
		*value = u->type;
		return 0;
	case SOCKOPT_ERROR:
		*value = -take_error(u);	/* read once, like Linux's */
		return 0;
	case SOCKOPT_REUSEADDR:
	case SOCKOPT_REUSEPORT:
	case SOCKOPT_KEEPALIVE:
	case SOCKOPT_BROADCAST:
		*value = 0;
		return 0;
	case SOCKOPT_LINGER:
		*value = -1;
		return 0;
	case SOCKOPT_PASSCRED:
		*value = u->passcred;
		return 0;
	case SOCKOPT_PRIORITY:
		*value = u->priority;
		return 0;
	case SOCKOPT_ACCEPTCONN:
		*value = u->state == UNIX_LISTENING;
		return 0;
	case SOCKOPT_SNDBUF:
	case SOCKOPT_RCVBUF:
		*value = u->type == SOCK_TYPE_STREAM ? PIPE_CAPACITY :
						       UNIX_MSGQ_BYTES;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
