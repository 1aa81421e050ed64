/* SPDX-License-Identifier: MIT */
/*
 * Blocking primitives. Waiting parks the thread (its CPU runs something
 * else or halts); they work between threads on any CPUs. All are usable
 * when zero-filled, so a static one needs no init call; *_init() resets
 * one. Timeouts are absolute clock_ns() deadlines; a wait that times out
 * returns -ETIMEDOUT.
 *
 * Only event_signal() and semaphore posts may be called from interrupt
 * handlers; everything else must be called from a thread.
 */
#ifndef TORO_SYNC_H
#define TORO_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/waitq.h>

struct thread;

/* Mutual exclusion, not recursive. */
struct mutex {
	int state;		/* 0 free, 1 locked, 2 locked with waiters */
	unsigned owner_cpu;	/* the holder's, while (owner) is set */
	struct thread *owner;
	struct waitq waiters;
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
/* Returns 0 once held, -ETIMEDOUT at the deadline. */
int mutex_lock_until(struct mutex *m, uint64_t deadline);
/* Returns true if the lock was free and is now held. */
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* Whether the calling thread holds (m). */
bool mutex_held(const struct mutex *m);

/* Condition variable, used with a mutex the waiter holds. */
struct cond {
	struct waitq waiters;
};

void cond_init(struct cond *c);
/* Releases (m), waits for a signal, takes (m) again. May wake spuriously:
 * callers wait in a loop on their condition, as always. */
void cond_wait(struct cond *c, struct mutex *m);
/* As cond_wait(); returns 0, or -ETIMEDOUT at the deadline (with (m)
 * held again either way). */
int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline);
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

/* Counting semaphore. */
struct sema {
	unsigned count;
	struct waitq waiters;
};

void sema_init(struct sema *s, unsigned count);
void sema_wait(struct sema *s);
int sema_wait_until(struct sema *s, uint64_t deadline);
bool sema_trywait(struct sema *s);
/* Safe from interrupt handlers. */
void sema_post(struct sema *s);
unsigned sema_value(const struct sema *s);

/*
 * An event: event_signal() wakes every thread waiting on it, or, when none
 * is, leaves it set so the next event_wait() returns at once (and clears
 * it). Made for a driver thread waiting on its device's interrupt handler,
 * or for one CPU nudging a thread on another. Safe from interrupts.
 */
struct event {
	int set;		/* signalled with nobody waiting */
	unsigned gen;		/* bumped by each signal that woke waiters */
	struct waitq waiters;
};

void event_init(struct event *e);
void event_wait(struct event *e);
int event_wait_until(struct event *e, uint64_t deadline);
void event_signal(struct event *e);
/* As event_signal(), but wakes only the longest waiting thread. */
void event_signal_one(struct event *e);

#endif /* TORO_SYNC_H */
