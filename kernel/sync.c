// SPDX-License-Identifier: MIT
/*
 * Mutexes, condition variables, semaphores and events on wait queues.
 * The mutex takes the uncontended path with one atomic instruction and
 * touches its wait queue only when somebody waits (state 2), like a futex
 * mutex; the rest keep their counters under their queue's lock.
 */
#include <errno.h>
#include <string.h>

#include <arch/x86.h>
#include <kernel/compiler.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/waitq.h>
#include <toro/panic.h>
#include <toro/sync.h>
#include <toro/time.h>

void mutex_init(struct mutex *m)
{
	memset(m, 0, sizeof(*m));
}

static void set_owner(struct mutex *m)
{
	m->owner_cpu = this_cpu_id();
	WRITE_ONCE(m->owner, sched_current());
}

bool mutex_trylock(struct mutex *m)
{
	int free = 0;

	if (!__atomic_compare_exchange_n(&m->state, &free, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	set_owner(m);
	return true;
}

/*
 * Takes the lock if it is free, else waits running while the holder runs
 * on another CPU: it will soon let go (the network stack's core lock is
 * held for microseconds), and that costs less than parking, after which
 * the waiter runs only behind every thread its CPU made ready meanwhile,
 * so the lock may sit free while waiters queue up. It looks for up to
 * MUTEX_SPIN_NS and gives up at once if the holder runs on this CPU (it
 * is behind us) or does not run (it waits for something). A holder read
 * as NULL is between its unlock's two stores, or a new holder before its
 * first: look again. The lock is tried once more after the time is up,
 * since the host may have stopped this vCPU mid-look for longer than
 * that. It also stops after MUTEX_SPIN_LOOKS looks: before the clock
 * runs (early boot) clock_ns() reads 0 and the time is never up. True
 * once the lock is held.
 */
#define MUTEX_SPIN_NS		(20 * 1000)
#define MUTEX_SPIN_LOOKS	(1U << 16)

static bool take_or_spin(struct mutex *m)
{
	uint64_t until = 0;

	for (unsigned looks = 0;; looks++) {
		if (READ_ONCE(m->state) == 0 && mutex_trylock(m))
			return true;
		struct thread *owner = READ_ONCE(m->owner);
		unsigned cpu = READ_ONCE(m->owner_cpu);

		if (owner && (cpu == this_cpu_id() ||
			      !sched_runs_on(owner, cpu)))
			return false;
		uint64_t now = clock_ns();

		if (!until)
			until = now + MUTEX_SPIN_NS;
		else if (now >= until || looks >= MUTEX_SPIN_LOOKS)
			return mutex_trylock(m);
		cpu_relax();
	}
}

int mutex_lock_until(struct mutex *m, uint64_t deadline)
{
	if (take_or_spin(m))
		return 0;
	struct waiter w;
	bool irq = waitq_lock(&m->waiters);

	/* Mark the lock contended; if it was free meanwhile, it is ours. */
	while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) != 0) {
		int rc = waitq_sleep(&m->waiters, &w, deadline, irq);

		if (rc) {
			waitq_unlock(&m->waiters, irq);
			return rc;
		}
	}
	waitq_unlock(&m->waiters, irq);
	set_owner(m);
	return 0;
}

void mutex_lock(struct mutex *m)
{
	mutex_lock_until(m, WAITQ_NO_DEADLINE);
}

void mutex_unlock(struct mutex *m)
{
	WRITE_ONCE(m->owner, NULL);
	if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) != 2)
		return;
	bool irq = waitq_lock(&m->waiters);

	waitq_wake_one(&m->waiters);
	waitq_unlock(&m->waiters, irq);
}

bool mutex_held(const struct mutex *m)
{
	return __atomic_load_n(&m->state, __ATOMIC_RELAXED) &&
	       m->owner == sched_current();
}

void cond_init(struct cond *c)
{
	memset(c, 0, sizeof(*c));
}

int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline)
{
	struct waiter w;
	bool irq = waitq_lock(&c->waiters);

	/* Queued before the mutex goes, so no signal can fall in between. */
	mutex_unlock(m);
	int rc = waitq_sleep(&c->waiters, &w, deadline, irq);

	waitq_unlock(&c->waiters, irq);
	mutex_lock(m);
	return rc;
}

void cond_wait(struct cond *c, struct mutex *m)
{
	cond_wait_until(c, m, WAITQ_NO_DEADLINE);
}

void cond_signal(struct cond *c)
{
	bool irq = waitq_lock(&c->waiters);

	waitq_wake_one(&c->waiters);
	waitq_unlock(&c->waiters, irq);
}

void cond_broadcast(struct cond *c)
{
	bool irq = waitq_lock(&c->waiters);

	waitq_wake_all(&c->waiters);
	waitq_unlock(&c->waiters, irq);
}

void sema_init(struct sema *s, unsigned count)
{
	memset(s, 0, sizeof(*s));
	s->count = count;
}

int sema_wait_until(struct sema *s, uint64_t deadline)
{
	struct waiter w;
	bool irq = waitq_lock(&s->waiters);

	while (s->count == 0) {
		int rc = waitq_sleep(&s->waiters, &w, deadline, irq);

		if (rc) {
			waitq_unlock(&s->waiters, irq);
			return rc;
		}
	}
	s->count--;
	waitq_unlock(&s->waiters, irq);
	return 0;
}

void sema_wait(struct sema *s)
{
	sema_wait_until(s, WAITQ_NO_DEADLINE);
}

bool sema_trywait(struct sema *s)
{
	bool irq = waitq_lock(&s->waiters), got = s->count > 0;

	if (got)
		s->count--;
	waitq_unlock(&s->waiters, irq);
	return got;
}

void sema_post(struct sema *s)
{
	bool irq = waitq_lock(&s->waiters);

	s->count++;
	waitq_wake_one(&s->waiters);
	waitq_unlock(&s->waiters, irq);
}

unsigned sema_value(const struct sema *s)
{
	return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}

void event_init(struct event *e)
{
	memset(e, 0, sizeof(*e));
}

int event_wait_until(struct event *e, uint64_t deadline)
{
	struct waiter w;
	bool irq = waitq_lock(&e->waiters);
	unsigned gen = e->gen;

	/* A signal either finds us queued and bumps gen, or found nobody
	 * and left the event set for us. */
	while (!e->set && e->gen == gen) {
		int rc = waitq_sleep(&e->waiters, &w, deadline, irq);

		if (rc) {
			waitq_unlock(&e->waiters, irq);
			return rc;
		}
	}
	if (e->gen == gen)
		e->set = 0;
	waitq_unlock(&e->waiters, irq);
	return 0;
}

void event_wait(struct event *e)
{
	event_wait_until(e, WAITQ_NO_DEADLINE);
}

static void signal(struct event *e, bool all)
{
	bool irq = waitq_lock(&e->waiters);

	if (waitq_empty(&e->waiters)) {
		e->set = 1;
	} else {
		/* Waiters still queued keep sleeping; the new gen lets them
		 * go only when something wakes them. */
		e->gen++;
		if (all)
			waitq_wake_all(&e->waiters);
		else
			waitq_wake_one(&e->waiters);
	}
	waitq_unlock(&e->waiters, irq);
}

void event_signal(struct event *e)
{
	signal(e, true);
}

void event_signal_one(struct event *e)
{
	signal(e, false);
}
