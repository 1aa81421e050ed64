// SPDX-License-Identifier: MIT
/*
 * Wait queues: a spinlock and a FIFO of parked threads. A waiter with a
 * deadline also arms a timer on its own CPU; whichever comes first, the
 * wake-up or the timer, unparks it (sched_wake() lets only one through),
 * and the waiter tells which by whether it is still on the queue. An
 * interruptible wait (a system call's) also ends when the thread is
 * interrupted (sched_interrupt(): a signal, a cancellation).
 */
#include <errno.h>

#include <kernel/compiler.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <kernel/waitq.h>
#include <toro/time.h>

struct deadline_timer {
	struct timer timer;
	struct thread *thread;
};

static void on_deadline(struct timer *tm)
{
	sched_wake(container_of(tm, struct deadline_timer, timer)->thread);
}

static void append(struct waitq *q, struct waiter *w)
{
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
	w->queued = true;
}

static void unlink(struct waitq *q, struct waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->queued = false;
}

static int sleep(struct waitq *q, struct waiter *w, uint64_t deadline,
		 bool intr)
{
	struct thread *self = sched_current();
	struct deadline_timer dt = { .thread = self };
	bool timed = deadline != WAITQ_NO_DEADLINE;
	int rc = 0;

	if (timed && clock_ns() >= deadline)
		return -ETIMEDOUT;
	if (intr && sched_interrupted(self))
		return -EINTR;
	w->thread = self;
	append(q, w);
	if (timed)
		timer_start(&dt.timer, deadline, on_deadline);
	for (;;) {
		self->waiting = 1;
		self->intr_sleep = intr;
		/* After (intr_sleep), so an interruption either sees it or
		 * is seen here (sched_interrupt() sets, then looks). */
		if (intr && sched_interrupted(self)) {
			self->waiting = 0;
			self->intr_sleep = 0;
			rc = -EINTR;
			break;
		}
		spin_unlock(&q->lock);
		sched_block();
		self->intr_sleep = 0;
		spin_lock(&q->lock);
		if (!w->queued)
			break;		/* a waker took us off the queue */
		if (timed && clock_ns() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		if (intr && sched_interrupted(self)) {
			rc = -EINTR;
			break;
		}
	}
	if (timed)
		timer_cancel(&dt.timer);
	if (w->queued)
		unlink(q, w);
	return rc;
}

int waitq_sleep(struct waitq *q, struct waiter *w, uint64_t deadline,
		bool irq)
{
	(void)irq;	/* interrupts stay off from waitq_lock() throughout */
	return sleep(q, w, deadline, false);
}

int waitq_sleep_intr(struct waitq *q, struct waiter *w, uint64_t deadline,
		     bool irq)
{
	(void)irq;
	return sleep(q, w, deadline, true);
}

/* Not inlined into its two callers: one copy keeps the web server's
 * image within its 256 KiB (tests/cli_checks.py). */
static __attribute__((noinline)) int wake_one(struct waitq *q, bool first)
{
	struct waiter *w = q->head;

	if (!w)
		return 0;
	unlink(q, w);
	if (first)
		sched_wake_first(w->thread);
	else
		sched_wake(w->thread);
	return 1;
}

int waitq_wake_one(struct waitq *q)
{
	return wake_one(q, false);
}

int waitq_wake_one_first(struct waitq *q)
{
	return wake_one(q, true);
}

int waitq_wake_all(struct waitq *q)
{
	int n = 0;

	while (waitq_wake_one(q))
		n++;
	return n;
}
