/* SPDX-License-Identifier: MIT */
/*
 * Wait queues: threads parked until another thread, CPU or interrupt wakes
 * them, with an optional deadline. The building block of every blocking
 * primitive (include/toro/sync.h).
 *
 * Usage, with the condition checked under the queue's lock so a wake-up
 * cannot fall between the check and the sleep:
 *
 *	struct waiter w;
 *	bool irq = waitq_lock(q);
 *	while (!condition) {
 *		rc = waitq_sleep(q, &w, deadline, irq);	// unlocks, parks, relocks
 *		if (rc) break;				// -ETIMEDOUT
 *	}
 *	waitq_unlock(q, irq);
 */
#ifndef KERNEL_WAITQ_H
#define KERNEL_WAITQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/spinlock.h>

struct thread;

struct waiter {
	struct waiter *next, *prev;
	struct thread *thread;
	bool queued;		/* still on the queue (not yet woken) */
};

struct waitq {
	struct spinlock lock;
	struct waiter *head, *tail;
};

#define WAITQ_NO_DEADLINE UINT64_MAX

static inline bool waitq_lock(struct waitq *q)
{
	return spin_lock_irqsave(&q->lock);
}

static inline void waitq_unlock(struct waitq *q, bool irq)
{
	spin_unlock_irqrestore(&q->lock, irq);
}

/*
 * With (q) locked by waitq_lock() (which returned (irq)): queues the calling
 * thread as (w), unlocks, parks until woken or until clock_ns() reaches
 * (deadline), and locks (q) again. Returns 0 when woken, -ETIMEDOUT when
 * the deadline came first (the thread is then off the queue either way).
 */
int waitq_sleep(struct waitq *q, struct waiter *w, uint64_t deadline,
		bool irq);

/* As waitq_sleep(), and also ends with -EINTR when the thread is
 * interrupted (sched_interrupt()), before or during the wait. */
int waitq_sleep_intr(struct waitq *q, struct waiter *w, uint64_t deadline,
		     bool irq);

/* With (q) locked: wakes the oldest waiter / every waiter. Return how many
 * were woken. */
int waitq_wake_one(struct waitq *q);
int waitq_wake_all(struct waitq *q);
/* waitq_wake_one(), the thread put before the others ready on its CPU
 * (sched_wake_first()). */
int waitq_wake_one_first(struct waitq *q);

static inline bool waitq_empty(const struct waitq *q)
{
	return q->head == NULL;
}

#endif /* KERNEL_WAITQ_H */
