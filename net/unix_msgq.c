// SPDX-License-Identifier: MIT
/*
 * Message queues for AF_UNIX datagram and seqpacket sockets (see
 * unix_impl.h): a list of whole messages, each with its sender's address,
 * under one lock (the wait queue's) that senders and the reader park on.
 * A datagram socket's queue can have many senders, which find it by name
 * and hold a reference while they send; the reader's reference goes when
 * its socket closes, and the queue when the last reference does.
 */
#include <errno.h>
#include <string.h>

#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "unix_impl.h"

struct msg {
	struct msg *next;
	size_t len;
	struct sock_addr from;
	char data[];
};

struct unix_msgq {
	struct waitq wait;		/* its lock guards all below */
	struct msg *head, *tail;
	size_t bytes;			/* queued */
	unsigned refs;			/* the reader's + senders' */
	bool reader;			/* the reading socket is open */
	bool ended;			/* no more messages: end-of-file */
	bool refusing;			/* the reader shut reading */
	/* The queue of the socket the reader is connected to, the only
	 * sender it takes (NULL: anyone). Compared, never followed: the
	 * reader's socket holds a reference on it while it is set. */
	const struct unix_msgq *peer;
	struct vfs_file *rfile, *wfile;	/* to notify, or NULL */
};

struct unix_msgq *unix_msgq_new(void)
{
	struct unix_msgq *q = heap_zalloc(sizeof(*q));

	if (q) {
		q->refs = 1;
		q->reader = true;
	}
	return q;
}

void unix_msgq_set_files(struct unix_msgq *q, struct vfs_file *reader,
			 struct vfs_file *writer)
{
	bool irq = waitq_lock(&q->wait);

	q->rfile = reader;
	q->wfile = writer;
	waitq_unlock(&q->wait, irq);
}

void unix_msgq_forget_writer(struct unix_msgq *q, struct vfs_file *writer)
{
	bool irq = waitq_lock(&q->wait);

	if (q->wfile == writer)
		q->wfile = NULL;
	waitq_unlock(&q->wait, irq);
}

/* Lock held. The end of the messages shows in the socket's shutdown
 * state (unix.c), not here. */
static unsigned poll_read(const struct unix_msgq *q)
{
	return q->head ? VFS_POLL_IN | VFS_POLL_RDNORM : 0;
}

/* A queue whose reader is gone holds nothing of the sender's any more:
 * as on Linux, where the dead socket's queue is freed, there is room. */
static unsigned poll_write(const struct unix_msgq *q)
{
	return !q->reader || q->bytes < UNIX_MSGQ_BYTES ?
		       VFS_POLL_OUT | VFS_POLL_WRNORM : 0;
}

/* Lock held: wakes the waiters and tells each end's pollers what
 * happened to it (0: nothing), as fs/pipe_buf.c does. */
static void changed(struct unix_msgq *q, unsigned rd, unsigned wr)
{
	waitq_wake_all(&q->wait);
	if (q->rfile && rd)
		vfs_file_notify(q->rfile, rd);
	if (q->wfile && wr)
		vfs_file_notify(q->wfile, wr);
}

unsigned unix_msgq_poll_read(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);
	unsigned r = poll_read(q);

	waitq_unlock(&q->wait, irq);
	return r;
}

unsigned unix_msgq_poll_write(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);
	unsigned r = poll_write(q);

	waitq_unlock(&q->wait, irq);
	return r;
}

size_t unix_msgq_next_len(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);
	size_t n = q->head ? q->head->len : 0;

	waitq_unlock(&q->wait, irq);
	return n;
}

size_t unix_msgq_bytes(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);
	size_t n = q->bytes;

	waitq_unlock(&q->wait, irq);
	return n;
}

/* Frees a chain of messages (unlinked, so no lock). */
static void free_msgs(struct msg *m)
{
	while (m) {
		struct msg *next = m->next;

		heap_free(m);
		m = next;
	}
}

void unix_msgq_get(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);

	q->refs++;
	waitq_unlock(&q->wait, irq);
}

void unix_msgq_put(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);
	bool last = --q->refs == 0;

	waitq_unlock(&q->wait, irq);
	if (!last)
		return;
	free_msgs(q->head);
	heap_free(q);
}

void unix_msgq_purge(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);
	struct msg *gone = q->head;

	q->head = q->tail = NULL;
	q->bytes = 0;
	changed(q, 0, poll_write(q));	/* room for blocked senders */
	waitq_unlock(&q->wait, irq);
	free_msgs(gone);
}

void unix_msgq_set_peer(struct unix_msgq *q, const struct unix_msgq *peer)
{
	bool irq = waitq_lock(&q->wait);

	q->peer = peer;
	changed(q, 0, 0);	/* blocked senders see whether they still may */
	waitq_unlock(&q->wait, irq);
}

/* Lock held: why (q) takes no message from (sender), or 0. In Linux's
 * order: a socket connected to another takes from that one alone
 * (unix_may_send()), a closed one from nobody. */
static int refusal(const struct unix_msgq *q, const struct unix_msgq *sender)
{
	if (q->peer && q->peer != sender)
		return -EPERM;
	if (!q->reader)
		return -ECONNREFUSED;
	if (q->refusing)
		return -EPIPE;
	return 0;
}

bool unix_msgq_takes_from(struct unix_msgq *q, const struct unix_msgq *sender)
{
	bool irq = waitq_lock(&q->wait);
	bool ok = !q->peer || q->peer == sender;

	waitq_unlock(&q->wait, irq);
	return ok;
}

void unix_msgq_close_reader(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);

	q->reader = false;
	q->rfile = NULL;
	q->peer = NULL;
	changed(q, 0, poll_write(q));
	waitq_unlock(&q->wait, irq);
	unix_msgq_put(q);
}

/* Lock held: the reader sees end-of-file once the queue is empty. */
static void end(struct unix_msgq *q)
{
	q->ended = true;
	changed(q, VFS_POLL_IN | VFS_POLL_RDNORM | VFS_POLL_RDHUP, 0);
}

void unix_msgq_shut_reader(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);

	q->refusing = true;
	end(q);
	waitq_unlock(&q->wait, irq);
}

void unix_msgq_close_writer(struct unix_msgq *q)
{
	bool irq = waitq_lock(&q->wait);

	q->wfile = NULL;
	end(q);
	waitq_unlock(&q->wait, irq);
}

ssize_t unix_msgq_send(struct unix_msgq *q, const struct iovec *iov, int n,
		       const struct sock_addr *from,
		       const struct unix_msgq *sender, bool nonblock,
		       uint64_t deadline)
{
	size_t len = 0;
	struct waiter w;
	int rc = 0;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len > UNIX_MSGQ_BYTES)
		return -EMSGSIZE;
	/* Copied outside the lock: the caller's memory is checked, but a
	 * copy of up to the queue's size is long for interrupts off. */
	struct msg *m = heap_alloc(sizeof(*m) + len);
	char *p;

	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = len;
	m->from = *from;
	p = m->data;
	for (int i = 0; i < n; i++) {
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	bool irq = waitq_lock(&q->wait);

	/* An empty queue always takes one message, however big. */
	for (;;) {
		rc = refusal(q, sender);
		if (rc || !q->bytes || q->bytes + len <= UNIX_MSGQ_BYTES)
			break;
		if (nonblock) {
			rc = -EAGAIN;
			break;
		}
		rc = waitq_sleep_intr(&q->wait, &w, deadline, irq);
		if (rc) {
			rc = rc == -ETIMEDOUT ? -EAGAIN : rc;
			break;
		}
	}
	if (rc == 0) {
		if (q->tail)
			q->tail->next = m;
		else
			q->head = m;
		q->tail = m;
		q->bytes += len;
		changed(q, VFS_POLL_IN | VFS_POLL_RDNORM, 0);
	}
	waitq_unlock(&q->wait, irq);
	if (rc) {
		heap_free(m);
		return rc;
	}
	return (ssize_t)len;
}

ssize_t unix_msgq_recv(struct unix_msgq *q, const struct iovec *iov, int n,
		       int *flags, struct sock_addr *from, bool nonblock,
		       uint64_t deadline)
{
	bool peek = *flags & SOCK_PEEK, want_len = *flags & SOCK_TRUNC;
	struct waiter w;
	struct msg *m;
	int rc = 0;
	bool irq = waitq_lock(&q->wait);

	*flags = 0;
	while (!q->head && !q->ended) {
		if (nonblock) {
			rc = -EAGAIN;
			break;
		}
		rc = waitq_sleep_intr(&q->wait, &w, deadline, irq);
		if (rc) {
			rc = rc == -ETIMEDOUT ? -EAGAIN : rc;
			break;
		}
	}
	m = rc ? NULL : q->head;
	if (m && !peek) {
		bool was_writable = poll_write(q) & VFS_POLL_OUT;

		q->head = m->next;
		if (!q->head)
			q->tail = NULL;
		q->bytes -= m->len;
		changed(q, 0, was_writable ? 0 : poll_write(q));
	}
	/* A peeked message is copied under the lock: it stays queued, and
	 * a reader on another thread could take and free it. */
	ssize_t got = 0;

	if (m) {
		size_t left = m->len;
		const char *p = m->data;

		for (int i = 0; i < n && left; i++) {
			size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;

			memcpy(iov[i].iov_base, p, k);
			p += k;
			left -= k;
		}
		got = (ssize_t)(m->len - left);
		if (left)
			*flags |= SOCK_TRUNC;
		if (want_len)
			got = (ssize_t)m->len;
		if (from)
			*from = m->from;
	}
	waitq_unlock(&q->wait, irq);
	if (m && !peek)
		heap_free(m);
	return rc ? rc : got;
}
