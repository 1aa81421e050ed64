// SPDX-License-Identifier: MIT
/*
 * Futexes: a hash table of buckets, each a spinlock and a list of parked
 * threads with the word each waits on. A waiter checks the word's value
 * under its bucket's lock, so a waker that changes the word and then wakes
 * (taking the same lock) can never fall between the check and the sleep.
 * Threads on any CPU may wait on and wake the same word: the lock is per
 * bucket, and the wake-up reaches a thread on another CPU through its
 * inbox (sched_wake()).
 */
#include <errno.h>

#include <arch/mmu.h>
#include <kernel/compiler.h>
#include <kernel/futex.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>
#include <kernel/waitq.h>
#include <toro/time.h>

#define NBUCKETS 256

struct futex_waiter {
	struct futex_waiter *next, *prev;
	const int *word;
	uint32_t bitset;
	struct thread *thread;
	bool queued;		/* on its bucket's list */
};

struct bucket {
	struct spinlock lock;
	struct futex_waiter *head, *tail;
};

static struct bucket buckets[NBUCKETS];

static struct bucket *bucket_of(const int *word)
{
	uintptr_t a = (uintptr_t)word >> 2;

	return &buckets[(a ^ (a >> 8) ^ (a >> 16)) % NBUCKETS];
}

static void append(struct bucket *b, struct futex_waiter *w)
{
	w->next = NULL;
	w->prev = b->tail;
	if (b->tail)
		b->tail->next = w;
	else
		b->head = w;
	b->tail = w;
	w->queued = true;
}

static void unlink(struct bucket *b, struct futex_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		b->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		b->tail = w->prev;
	w->queued = false;
}

struct deadline_timer {
	struct timer timer;
	struct thread *thread;
};

static void on_deadline(struct timer *tm)
{
	sched_wake(container_of(tm, struct deadline_timer, timer)->thread);
}

int futex_wait(const int *word, int val, uint32_t bitset, uint64_t deadline)
{
	struct thread *self = sched_current();
	struct bucket *b = bucket_of(word);
	struct futex_waiter w = { .word = word, .bitset = bitset,
				  .thread = self };
	struct deadline_timer dt = { .thread = self };
	bool timed = deadline != WAITQ_NO_DEADLINE;
	int rc = 0;

	if ((uintptr_t)word & 3 || !vm_is_mapped((uintptr_t)word, 4))
		return -EFAULT;
	if (bitset == 0)
		return -EINVAL;
	bool irq = spin_lock_irqsave(&b->lock);

	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val) {
		rc = -EAGAIN;
		goto out;
	}
	if (timed && clock_ns() >= deadline) {
		rc = -ETIMEDOUT;
		goto out;
	}
	append(b, &w);
	if (timed)
		timer_start(&dt.timer, deadline, on_deadline);
	for (;;) {
		self->waiting = 1;
		self->intr_sleep = 1;
		if (sched_interrupted(self)) {
			self->waiting = 0;
			self->intr_sleep = 0;
			rc = -EINTR;
			break;
		}
		spin_unlock(&b->lock);
		sched_block();
		self->intr_sleep = 0;
		/* A requeue may have moved us to another bucket. */
		b = bucket_of(w.word);
		spin_lock(&b->lock);
		while (w.queued && b != bucket_of(w.word)) {
			spin_unlock(&b->lock);
			b = bucket_of(w.word);
			spin_lock(&b->lock);
		}
		if (!w.queued)
			break;
		if (timed && clock_ns() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		if (sched_interrupted(self)) {
			rc = -EINTR;
			break;
		}
	}
	if (timed)
		timer_cancel(&dt.timer);
	if (w.queued)
		unlink(b, &w);
out:
	spin_unlock_irqrestore(&b->lock, irq);
	return rc;
}

int futex_wake_bitset(const int *word, int n, uint32_t bitset)
{
	struct bucket *b = bucket_of(word);
	int woken = 0;
	bool irq = spin_lock_irqsave(&b->lock);

	for (struct futex_waiter *w = b->head, *next; w && woken < n;
	     w = next) {
		next = w->next;
		if (w->word != word || !(w->bitset & bitset))
			continue;
		unlink(b, w);
		sched_wake(w->thread);	/* (w) may be gone after this */
		woken++;
	}
	spin_unlock_irqrestore(&b->lock, irq);
	return woken;
}

/* Both buckets locked, the lower address first (one lock if the same). */
static bool lock_two(struct bucket *a, struct bucket *b)
{
	bool irq = spin_lock_irqsave(a < b ? &a->lock : &b->lock);

	if (a != b)
		spin_lock(a < b ? &b->lock : &a->lock);
	return irq;
}

static void unlock_two(struct bucket *a, struct bucket *b, bool irq)
{
	if (a != b)
		spin_unlock(a < b ? &b->lock : &a->lock);
	spin_unlock_irqrestore(a < b ? &a->lock : &b->lock, irq);
}

int futex_requeue(const int *word, int nwake, const int *word2, int nmove,
		  bool check, int val)
{
	struct bucket *b = bucket_of(word), *b2 = bucket_of(word2);
	int woken = 0, moved = 0;

	if (check && !vm_is_mapped((uintptr_t)word, 4))
		return -EFAULT;
	bool irq = lock_two(b, b2);

	if (check && __atomic_load_n(word, __ATOMIC_SEQ_CST) != val) {
		unlock_two(b, b2, irq);
		return -EAGAIN;
	}
	for (struct futex_waiter *w = b->head, *next; w; w = next) {
		next = w->next;
		if (w->word != word)
			continue;
		if (woken < nwake) {
			unlink(b, w);
			sched_wake(w->thread);
			woken++;
		} else if (moved < nmove) {
			/* The waiter re-finds its bucket from (word) when it
			 * wakes, under this same lock. */
			unlink(b, w);
			w->word = word2;
			append(b2, w);
			moved++;
		} else {
			break;
		}
	}
	unlock_two(b, b2, irq);
	return woken + moved;
}
