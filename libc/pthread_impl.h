/* SPDX-License-Identifier: MIT */
/*
 * Private to the C library's thread calls (pthread*.c, semaphore.c): the
 * native objects inside the opaque words of the <pthread.h> and
 * <semaphore.h> types, and absolute POSIX times as clock_ns() deadlines.
 */
#ifndef LIBC_PTHREAD_IMPL_H
#define LIBC_PTHREAD_IMPL_H

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <time.h>

#include <toro/sync.h>

/* The public types reserve room for the native objects; a native object
 * that grows stops the build here. */
#define FITS(native, words)                                                    \
	(sizeof(native) <= sizeof(words) &&                                    \
	 _Alignof(native) <= _Alignof(unsigned long))

_Static_assert(FITS(struct mutex, ((pthread_mutex_t *)0)->__native),
	       "pthread_mutex_t too small for struct mutex");
_Static_assert(FITS(struct cond, ((pthread_cond_t *)0)->__native),
	       "pthread_cond_t too small for struct cond");
_Static_assert(FITS(struct sema, ((sem_t *)0)->__native),
	       "sem_t too small for struct sema");

static inline struct thread *to_thread(pthread_t t)
{
	return (struct thread *)t;
}

static inline struct mutex *to_mutex(pthread_mutex_t *m)
{
	return (struct mutex *)m->__native;
}

static inline struct cond *to_cond(pthread_cond_t *c)
{
	return (struct cond *)c->__native;
}

static inline struct sema *to_sema(sem_t *s)
{
	return (struct sema *)s->__native;
}

/* time.c: the clock_ns() deadline at which clock (clk) reads (abstime):
 * 0 (already past) for a negative time. EINVAL for a (tv_nsec) out of
 * range or a clock other than CLOCK_REALTIME and CLOCK_MONOTONIC. */
int abstime_deadline(clockid_t clk, const struct timespec *abstime,
		     uint64_t *deadline);

#endif /* LIBC_PTHREAD_IMPL_H */
