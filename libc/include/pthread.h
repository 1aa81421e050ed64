/* SPDX-License-Identifier: MIT */
/*
 * Toro's additions to musl's <pthread.h> (this directory is searched
 * before musl's installed headers), with _GNU_SOURCE: the glibc calls
 * that choose a new thread's CPU, implemented in libc/thread.c (threads
 * never migrate on their own, so the set picks the CPU for good: its
 * lowest CPU that exists), and glibc's waits on a chosen clock.
 */
#include_next <pthread.h>

#ifndef TORO_PTHREAD_H
#define TORO_PTHREAD_H

#if defined(_GNU_SOURCE)
#include <sched.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The set is copied (pthread_attr_destroy() frees the copy). EINVAL for
 * a set naming CPUs beyond CPU_SETSIZE; size 0 or a NULL set removes the
 * choice. */
int pthread_attr_setaffinity_np(pthread_attr_t *, size_t, const cpu_set_t *);
/* Every CPU when no choice was made; EINVAL when (size) is too small for
 * a CPU of the set. */
int pthread_attr_getaffinity_np(const pthread_attr_t *, size_t, cpu_set_t *);

/* glibc's timed waits on a clock of the caller's choosing
 * (CLOCK_REALTIME or CLOCK_MONOTONIC; libc/clockwait.c). */
int pthread_cond_clockwait(pthread_cond_t *__restrict,
			   pthread_mutex_t *__restrict, clockid_t,
			   const struct timespec *__restrict);
int pthread_mutex_clocklock(pthread_mutex_t *__restrict, clockid_t,
			    const struct timespec *__restrict);
int pthread_rwlock_clockrdlock(pthread_rwlock_t *__restrict, clockid_t,
			       const struct timespec *__restrict);
int pthread_rwlock_clockwrlock(pthread_rwlock_t *__restrict, clockid_t,
			       const struct timespec *__restrict);

#ifdef __cplusplus
}
#endif
#endif /* _GNU_SOURCE */

#endif /* TORO_PTHREAD_H */
