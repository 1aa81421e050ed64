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
#include <kernel/thread_impl.h>
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
	bool pi;		/* in futex_lock_pi(): the lock is handed over */
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

/*
 * With (*b) locked (irqsave, (irq)): queues (w) and parks until it is
 * taken off the queue (woken), until (deadline) or an interruption; then
 * unlocks. Returns 0 when woken, -ETIMEDOUT or -EINTR.
 */
static int park(struct bucket *b, struct futex_waiter *w, uint64_t deadline,
		bool irq)
{
	struct thread *self = w->thread;
	struct deadline_timer dt = { .thread = self };
	bool timed = deadline != WAITQ_NO_DEADLINE;
	int rc = 0;

	append(b, w);
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
		b = bucket_of(w->word);
		spin_lock(&b->lock);
		while (w->queued && b != bucket_of(w->word)) {
			spin_unlock(&b->lock);
			b = bucket_of(w->word);
			spin_lock(&b->lock);
		}
		if (!w->queued)
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
	if (w->queued)
		unlink(b, w);
	else
		rc = 0;		/* woken, whatever else happened */
	spin_unlock_irqrestore(&b->lock, irq);
	return rc;
}

static bool bad_word(const int *word)
{
	return (uintptr_t)word & 3 || !vm_is_mapped((uintptr_t)word, 4);
}

int futex_wait(const int *word, int val, uint32_t bitset, uint64_t deadline)
{
	struct bucket *b = bucket_of(word);
	struct futex_waiter w = { .word = word, .bitset = bitset,
				  .thread = sched_current() };
	int rc = 0;

	if (bad_word(word))
		return -EFAULT;
	if (bitset == 0)
		return -EINVAL;
	bool irq = spin_lock_irqsave(&b->lock);

	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val)
		rc = -EAGAIN;
	else if (deadline != WAITQ_NO_DEADLINE && clock_ns() >= deadline)
		rc = -ETIMEDOUT;
	else
		return park(b, &w, deadline, irq);
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
		if (w->word != word || !(w->bitset & bitset) || w->pi)
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

__cold int futex_requeue(const int *word, int nwake, const int *word2,
			 int nmove, bool check, int val)
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
		if (w->word != word || w->pi)
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

/* With (b) locked: the first thread in futex_lock_pi() on (word), and
 * whether another waits after it. */
static struct futex_waiter *first_pi_waiter(struct bucket *b,
					    const int *word, bool *more)
{
	struct futex_waiter *first = NULL;

	*more = false;
	for (struct futex_waiter *w = b->head; w; w = w->next) {
		if (w->word != word || !w->pi)
			continue;
		if (first) {
			*more = true;
			break;
		}
		first = w;
	}
	return first;
}

static int owner_alive(struct thread *t, void *arg)
{
	(void)t, (void)arg;
	return 0;
}

__cold int futex_lock_pi(int *word, uint64_t deadline, bool try)
{
	struct thread *self = sched_current();
	struct bucket *b = bucket_of(word);
	struct futex_waiter w = { .word = word, .bitset = FUTEX_BITSET_ANY,
				  .thread = self, .pi = true };
	int tid = kthread_tid(self), rc;

	if (bad_word(word))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&b->lock);

	for (;;) {
		int v = __atomic_load_n(word, __ATOMIC_SEQ_CST);
		int owner = v & FUTEX_TID_MASK;
		bool more;

		if (!owner) {
			/* Free (perhaps its owner died): ours, telling the
			 * unlock to come here if others wait. */
			int nv = tid | (v & FUTEX_OWNER_DIED) |
				 (first_pi_waiter(b, word, &more) ?
					  FUTEX_WAITERS : 0);

			if (__atomic_compare_exchange_n(word, &v, nv, false,
							__ATOMIC_SEQ_CST,
							__ATOMIC_SEQ_CST)) {
				rc = 0;
				break;
			}
			continue;
		}
		if (owner == tid) {
			rc = -EDEADLK;
			break;
		}
		if (try) {
			rc = -EAGAIN;
			break;
		}
		if (kthread_with(owner, owner_alive, NULL) != 0) {
			rc = -ESRCH;	/* an owner that never was */
			break;
		}
		if (!(v & FUTEX_WAITERS) &&
		    !__atomic_compare_exchange_n(word, &v, v | FUTEX_WAITERS,
						 false, __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			continue;
		if (deadline != WAITQ_NO_DEADLINE && clock_ns() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		/* futex_unlock_pi() makes us the owner before waking us. */
		return park(b, &w, deadline, irq);
	}
	spin_unlock_irqrestore(&b->lock, irq);
	return rc;
}

__cold int futex_unlock_pi(int *word)
{
	struct bucket *b = bucket_of(word);
	int tid = kthread_tid(sched_current());

	if (bad_word(word))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&b->lock);
	int v = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	bool more;
	struct futex_waiter *next = first_pi_waiter(b, word, &more);

	if ((v & FUTEX_TID_MASK) != tid) {
		spin_unlock_irqrestore(&b->lock, irq);
		return -EPERM;
	}
	if (next) {
		/* Handed straight to the longest waiter. */
		__atomic_store_n(word, kthread_tid(next->thread) |
					       (more ? FUTEX_WAITERS : 0),
				 __ATOMIC_SEQ_CST);
		unlink(b, next);
		sched_wake(next->thread);
	} else {
		__atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
	}
	spin_unlock_irqrestore(&b->lock, irq);
	return 0;
}
