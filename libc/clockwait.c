// SPDX-License-Identifier: MIT
/*
 * glibc's waits with a clock of the caller's choosing (glibc 2.30),
 * which musl 1.2.3 lacks: pthread_cond_clockwait(), pthread_mutex_
 * clocklock(), pthread_rwlock_clock{rd,wr}lock(), sem_clockwait(). Each
 * turns the deadline on (clk) into the same moment on the clock musl's
 * own timed wait uses (the condition variable's clock, else
 * CLOCK_REALTIME), then calls that. (A jump of either clock during the
 * wait moves the deadline with it, as it would for the musl call.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "pthread_impl.h"

#define NSEC 1000000000L

/* (at) on clock (from) as the same moment on clock (to), in (out). */
static int convert(clockid_t from, const struct timespec *at, clockid_t to,
		   struct timespec *out)
{
	struct timespec a, b;

	if (from != CLOCK_REALTIME && from != CLOCK_MONOTONIC)
		return EINVAL;
	if (at->tv_nsec < 0 || at->tv_nsec >= NSEC)
		return EINVAL;
	if (from == to) {
		*out = *at;
		return 0;
	}
	clock_gettime(from, &a);
	clock_gettime(to, &b);
	long long ns = (long long)(at->tv_sec - a.tv_sec) * NSEC +
		       (at->tv_nsec - a.tv_nsec);

	if (ns < 0)
		ns = 0;
	ns += b.tv_nsec;
	out->tv_sec = b.tv_sec + ns / NSEC;
	out->tv_nsec = ns % NSEC;
	return 0;
}

int pthread_cond_clockwait(pthread_cond_t *restrict c,
			   pthread_mutex_t *restrict m, clockid_t clk,
			   const struct timespec *restrict at)
{
	struct timespec t;
	int rc = convert(clk, at, c->_c_clock, &t);

	return rc ? rc : pthread_cond_timedwait(c, m, &t);
}

int pthread_mutex_clocklock(pthread_mutex_t *restrict m, clockid_t clk,
			    const struct timespec *restrict at)
{
	struct timespec t;
	int rc = convert(clk, at, CLOCK_REALTIME, &t);

	return rc ? rc : pthread_mutex_timedlock(m, &t);
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t *restrict rw, clockid_t clk,
			       const struct timespec *restrict at)
{
	struct timespec t;
	int rc = convert(clk, at, CLOCK_REALTIME, &t);

	return rc ? rc : pthread_rwlock_timedrdlock(rw, &t);
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t *restrict rw, clockid_t clk,
			       const struct timespec *restrict at)
{
	struct timespec t;
	int rc = convert(clk, at, CLOCK_REALTIME, &t);

	return rc ? rc : pthread_rwlock_timedwrlock(rw, &t);
}

int sem_clockwait(sem_t *restrict s, clockid_t clk,
		  const struct timespec *restrict at)
{
	struct timespec t;
	int rc = convert(clk, at, CLOCK_REALTIME, &t);

	if (rc) {
		errno = rc;
		return -1;
	}
	return sem_timedwait(s, &t);
}
