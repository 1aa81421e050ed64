/* SPDX-License-Identifier: MIT */
/*
 * <pthread.h>: POSIX threads over Toro's own (include/toro/thread.h and
 * include/toro/sync.h). A thread is created on one CPU and stays there:
 * the creating thread's CPU, or the one pthread_attr_setaffinity_np()
 * chooses. The threads of a CPU take turns cooperatively: one runs until it
 * blocks, yields or ends. Functions return 0 or a POSIX error number and
 * leave errno alone.
 *
 * The objects are plain structs whose first words hold the native object
 * (kept opaque here so that this header does not bring the kernel's names
 * into the application's). All-zero objects are valid: every static
 * initializer is zeros.
 *
 * Not provided: cancellation, read-write locks, spinlocks, scheduling
 * policies and priorities, process-shared objects, pthread_atfork().
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <time.h>

/* A thread's handle; valid until it is joined, or until it ends once
 * detached. */
typedef struct __pthread *pthread_t;

typedef struct {
	size_t __stacksize;
	int __detachstate;
	int __has_cpuset;	/* 0: the creating thread's CPU */
	cpu_set_t __cpuset;
} pthread_attr_t;

#define PTHREAD_CREATE_JOINABLE	0
#define PTHREAD_CREATE_DETACHED	1

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
/* EINVAL below PTHREAD_STACK_MIN. One unmapped guard page lies below every
 * stack. */
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
/*
 * The CPUs a thread created with (attr) may run on. Threads never migrate,
 * so it runs on one: the lowest CPU of the set that exists.
 * pthread_create() fails with EINVAL when the set names no existing CPU.
 * A (size) of 0 or a NULL (set) removes the choice. Without a choice,
 * getaffinity gives every CPU, though the thread will run on its
 * creator's.
 */
int pthread_attr_setaffinity_np(pthread_attr_t *attr, size_t size,
				const cpu_set_t *set);
int pthread_attr_getaffinity_np(const pthread_attr_t *attr, size_t size,
				cpu_set_t *set);

/*
 * Starts (fn)(arg) in a new thread, queued behind the runnable threads of
 * its CPU. EINVAL for bad attributes, EAGAIN when memory is short.
 */
int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg);
/*
 * Waits for (thread) to end. EDEADLK for the calling thread itself, EINVAL
 * for a thread that is detached or being joined already (when its handle
 * is still valid: joining a handle that is not is undefined, as in POSIX),
 * ESRCH for a null handle.
 */
int pthread_join(pthread_t thread, void **value);
/* Same errors as pthread_join(), EDEADLK aside. */
int pthread_detach(pthread_t thread);
/* Ends the calling thread after running its key destructors. Ending
 * main's thread this way does not end the program: only exit() and
 * main's return do. */
void pthread_exit(void *value) __attribute__((noreturn));
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);

/* Mutexes. NORMAL (the default) neither counts nor checks: relocking it
 * deadlocks, unlocking it from another thread releases it. */
#define PTHREAD_MUTEX_NORMAL		0
#define PTHREAD_MUTEX_RECURSIVE		1
#define PTHREAD_MUTEX_ERRORCHECK	2
#define PTHREAD_MUTEX_DEFAULT		PTHREAD_MUTEX_NORMAL

typedef struct {
	int __type;
} pthread_mutexattr_t;

typedef struct {
	unsigned long __native[5];	/* struct mutex */
	int __type;			/* PTHREAD_MUTEX_* */
	unsigned int __depth;		/* RECURSIVE: locks held beyond one */
} pthread_mutex_t;

#define PTHREAD_MUTEX_INITIALIZER	{ { 0 }, 0, 0 }
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP                                 \
	{ { 0 }, PTHREAD_MUTEX_RECURSIVE, 0 }
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP                                \
	{ { 0 }, PTHREAD_MUTEX_ERRORCHECK, 0 }

int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
/* EBUSY while locked. */
int pthread_mutex_destroy(pthread_mutex_t *m);
/* EDEADLK: an ERRORCHECK mutex the caller holds. EAGAIN: a RECURSIVE one
 * locked UINT_MAX times over. */
int pthread_mutex_lock(pthread_mutex_t *m);
/* EBUSY when held, by anybody but a RECURSIVE mutex's owner. */
int pthread_mutex_trylock(pthread_mutex_t *m);
/* As lock, giving up with ETIMEDOUT at (abstime) on CLOCK_REALTIME;
 * EINVAL for a bad (abstime) when the mutex is not free. */
int pthread_mutex_timedlock(pthread_mutex_t *m,
			    const struct timespec *abstime);
/* The same on clock (clk), CLOCK_REALTIME or CLOCK_MONOTONIC. */
int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
			    const struct timespec *abstime);
/* EPERM: an ERRORCHECK or RECURSIVE mutex the caller does not hold. */
int pthread_mutex_unlock(pthread_mutex_t *m);

/* Condition variables. Timed waits take an absolute time on the
 * condition's clock (CLOCK_REALTIME unless its attributes say
 * CLOCK_MONOTONIC); a CLOCK_REALTIME time becomes a monotonic deadline
 * when the wait starts, so setting the clock does not move it. */
typedef struct {
	clockid_t __clock;
} pthread_condattr_t;

typedef struct {
	unsigned long __native[3];	/* struct cond */
	clockid_t __clock;
} pthread_cond_t;

#define PTHREAD_COND_INITIALIZER	{ { 0 }, CLOCK_REALTIME }

int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
/* EINVAL for clocks other than CLOCK_REALTIME and CLOCK_MONOTONIC. */
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clk);
int pthread_condattr_getclock(const pthread_condattr_t *attr,
			      clockid_t *clk);

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
/* EPERM: an ERRORCHECK or RECURSIVE (m) the caller does not hold. A
 * RECURSIVE (m) is released entirely while waiting, and relocked as deep
 * as it was. Waits may end spuriously. */
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* As wait, until (abstime): ETIMEDOUT then (with (m) held again), EINVAL
 * for a (tv_nsec) outside 0..999999999. */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime);
/* As timedwait, on clock (clk) rather than the condition's own. */
int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
			   clockid_t clk, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

/* Runs (init) once per (once): the first caller runs it while the others
 * wait (parked, not spinning) for it to return. */
typedef int pthread_once_t;

#define PTHREAD_ONCE_INIT	0

int pthread_once(pthread_once_t *once, void (*init)(void));

/*
 * Thread-specific data: PTHREAD_KEYS_MAX keys (EAGAIN beyond), each with a
 * value per thread, NULL until set. At a thread's end, each non-NULL value
 * with a destructor is set to NULL and passed to it, in rounds while
 * destructors set new values, at most PTHREAD_DESTRUCTOR_ITERATIONS.
 * EINVAL for a key that does not exist; ENOMEM from setspecific when the
 * thread's value table cannot be allocated.
 */
typedef unsigned int pthread_key_t;

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

/* Barriers: pthread_barrier_wait() returns PTHREAD_BARRIER_SERIAL_THREAD
 * in one thread of each round, 0 in the others. */
#define PTHREAD_BARRIER_SERIAL_THREAD	(-1)

typedef struct {
	int __pshared;		/* ignored: every thread shares memory */
} pthread_barrierattr_t;

typedef struct {
	pthread_mutex_t __lock;
	pthread_cond_t __cond;
	unsigned int __count;		/* threads per round */
	unsigned int __arrived;		/* in this round so far */
	unsigned int __round;
} pthread_barrier_t;

int pthread_barrierattr_init(pthread_barrierattr_t *attr);
int pthread_barrierattr_destroy(pthread_barrierattr_t *attr);
/* EINVAL for a (count) of 0. */
int pthread_barrier_init(pthread_barrier_t *b,
			 const pthread_barrierattr_t *attr, unsigned count);
int pthread_barrier_destroy(pthread_barrier_t *b);
int pthread_barrier_wait(pthread_barrier_t *b);

#endif /* _PTHREAD_H */
