// SPDX-License-Identifier: MIT
/*
 * The buffer under pipes and AF_UNIX stream sockets (include/kernel/
 * pipe.h): a ring of PIPE_CAPACITY bytes, one lock for everything (the
 * wait queue's, so a sleeper drops it atomically), readers and writers of
 * either side parked on the same queue and all woken on every change (a
 * pipe rarely has more than one of each). Copies happen under the lock:
 * at most PIPE_CAPACITY bytes with interrupts off, bounded. The files are
 * notified under the lock too, so a file being closed (which clears its
 * pointer here under the same lock) is never notified after it is gone.
 */
#include <errno.h>
#include <string.h>

#include <kernel/heap.h>
#include <kernel/pipe.h>
#include <kernel/sched.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

struct pipe_buf {
	struct waitq wait;		/* its lock guards all below */
	char *data;
	size_t head, count;		/* ring: bytes at [head, head+count) */
	bool reader, writer;		/* whether each end still works */
	unsigned refs;			/* ends not closed yet */
	struct vfs_file *rfile, *wfile;	/* to notify, or NULL */
	/* Or, for a FIFO's many files, this (pipe_buf_set_notify()). */
	void (*notify)(void *arg, unsigned rd, unsigned wr);
	void *notify_arg;
};

struct pipe_buf *pipe_buf_new(void)
{
	struct pipe_buf *p = heap_zalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->data = heap_alloc(PIPE_CAPACITY);
	if (!p->data) {
		heap_free(p);
		return NULL;
	}
	p->reader = p->writer = true;
	p->refs = 2;
	return p;
}

/* Lock held. */
static unsigned poll_read(const struct pipe_buf *p)
{
	/* A reader that was shut reads end-of-file at once. */
	return (p->count || !p->reader ? VFS_POLL_IN | VFS_POLL_RDNORM : 0) |
	       (!p->writer ? VFS_POLL_HUP : 0);
}

/* Room, as Linux says it, and an error once nobody can read. */
static unsigned poll_write(const struct pipe_buf *p)
{
	return (PIPE_CAPACITY - p->count >= PIPE_ATOMIC ?
			VFS_POLL_OUT | VFS_POLL_WRNORM : 0) |
	       (!p->reader ? VFS_POLL_ERR : 0);
}

/*
 * Lock held: wakes every waiter, and tells each file's pollers what
 * happened to it: (rd) for the reading end, (wr) for the writing end (0:
 * nothing). Only what happened, not what holds: an edge-triggered epoll
 * item reports an event once, when it happens, as on Linux.
 */
static void changed(struct pipe_buf *p, unsigned rd, unsigned wr)
{
	waitq_wake_all(&p->wait);
	if (p->notify && (rd || wr))
		p->notify(p->notify_arg, rd, wr);
	if (p->rfile && rd)
		vfs_file_notify(p->rfile, rd);
	if (p->wfile && wr)
		vfs_file_notify(p->wfile, wr);
}

unsigned pipe_buf_poll_read(struct pipe_buf *p)
{
	bool irq = waitq_lock(&p->wait);
	unsigned ready = poll_read(p);

	waitq_unlock(&p->wait, irq);
	return ready;
}

unsigned pipe_buf_poll_write(struct pipe_buf *p)
{
	bool irq = waitq_lock(&p->wait);
	unsigned ready = poll_write(p);

	waitq_unlock(&p->wait, irq);
	return ready;
}

size_t pipe_buf_count(struct pipe_buf *p)
{
	return __atomic_load_n(&p->count, __ATOMIC_RELAXED);
}

void pipe_buf_set_files(struct pipe_buf *p, struct vfs_file *reader,
			struct vfs_file *writer)
{
	bool irq = waitq_lock(&p->wait);

	p->rfile = reader;
	p->wfile = writer;
	waitq_unlock(&p->wait, irq);
}

void pipe_buf_set_notify(struct pipe_buf *p,
			 void (*notify)(void *arg, unsigned rd, unsigned wr),
			 void *arg)
{
	bool irq = waitq_lock(&p->wait);

	p->notify = notify;
	p->notify_arg = arg;
	waitq_unlock(&p->wait, irq);
}

void pipe_buf_reopen(struct pipe_buf *p, bool reader)
{
	bool irq = waitq_lock(&p->wait);

	if (reader)
		p->reader = true;
	else
		p->writer = true;
	p->refs++;
	waitq_unlock(&p->wait, irq);
}

/* Ends one side's work; with (release), also its hold on the buffer. */
static void end_side(struct pipe_buf *p, bool reader, bool release)
{
	bool irq = waitq_lock(&p->wait);
	bool last = false;

	if (reader) {
		p->reader = false;
		if (release)
			p->rfile = NULL;
	} else {
		p->writer = false;
		if (release)
			p->wfile = NULL;
	}
	if (release)
		last = --p->refs == 0;
	if (!last)	/* the other end learns that this one went */
		changed(p, reader ? 0 : poll_read(p), reader ? poll_write(p) : 0);
	waitq_unlock(&p->wait, irq);
	if (last) {
		heap_free(p->data);
		heap_free(p);
	}
}

void pipe_buf_close_reader(struct pipe_buf *p)
{
	end_side(p, true, true);
}

void pipe_buf_close_writer(struct pipe_buf *p)
{
	end_side(p, false, true);
}

void pipe_buf_shut_reader(struct pipe_buf *p)
{
	end_side(p, true, false);
}

void pipe_buf_shut_writer(struct pipe_buf *p)
{
	end_side(p, false, false);
}

/* Lock held: copies up to (n) bytes out from the ring's head. */
static size_t copy_out(struct pipe_buf *p, char *buf, size_t n, bool peek)
{
	size_t done = 0, head = p->head;

	if (n > p->count)
		n = p->count;
	while (done < n) {
		size_t run = PIPE_CAPACITY - head;

		if (run > n - done)
			run = n - done;
		memcpy(buf + done, p->data + head, run);
		done += run;
		head = (head + run) % PIPE_CAPACITY;
	}
	if (!peek) {
		p->head = head;
		p->count -= n;
	}
	return n;
}

static size_t copy_in(struct pipe_buf *p, const char *buf, size_t n)
{
	size_t room = PIPE_CAPACITY - p->count, done = 0;

	if (n > room)
		n = room;
	while (done < n) {
		size_t tail = (p->head + p->count) % PIPE_CAPACITY;
		size_t run = PIPE_CAPACITY - tail;

		if (run > n - done)
			run = n - done;
		memcpy(p->data + tail, buf + done, run);
		done += run;
		p->count += run;
	}
	return n;
}

ssize_t pipe_buf_read(struct pipe_buf *p, void *buf, size_t n, bool nonblock,
		      bool peek, uint64_t deadline)
{
	struct waiter w;
	ssize_t rc = 0;
	bool irq = waitq_lock(&p->wait);

	if (n == 0 || !p->reader)
		goto out;
	while (p->count == 0 && p->writer) {
		if (nonblock) {
			rc = -EAGAIN;
			goto out;
		}
		rc = waitq_sleep_intr(&p->wait, &w, deadline, irq);
		if (rc) {
			rc = rc == -ETIMEDOUT ? -EAGAIN : rc;
			goto out;
		}
	}
	bool was_writable = poll_write(p) & VFS_POLL_OUT;

	rc = (ssize_t)copy_out(p, buf, n, peek);
	/* Room tells the writer only when there was none to write in. */
	if (rc > 0 && !peek)
		changed(p, 0, was_writable ? 0 : poll_write(p) & VFS_POLL_OUT ?
					   VFS_POLL_OUT | VFS_POLL_WRNORM : 0);
out:
	waitq_unlock(&p->wait, irq);
	return rc;
}

ssize_t pipe_buf_write(struct pipe_buf *p, const void *buf, size_t n,
		       bool nonblock, uint64_t deadline)
{
	struct waiter w;
	size_t done = 0;
	ssize_t rc = 0;
	bool irq = waitq_lock(&p->wait);

	while (done < n) {
		size_t room = PIPE_CAPACITY - p->count;
		/* A small write goes whole: it waits for room for all of
		 * it. */
		size_t need = n <= PIPE_ATOMIC ? n : 1;

		if (!p->reader || !p->writer) {
			rc = -EPIPE;
			if (done)	/* a short count, and SIGPIPE still */
				sched_current()->broken_pipe = true;
			break;
		}
		if (room >= need) {
			done += copy_in(p, (const char *)buf + done, n - done);
			changed(p, VFS_POLL_IN | VFS_POLL_RDNORM, 0);
			continue;
		}
		if (nonblock) {
			rc = -EAGAIN;
			break;
		}
		rc = waitq_sleep_intr(&p->wait, &w, deadline, irq);
		if (rc) {
			rc = rc == -ETIMEDOUT ? -EAGAIN : rc;
			break;
		}
	}
	waitq_unlock(&p->wait, irq);
	return done ? (ssize_t)done : rc;
}
