// SPDX-License-Identifier: MIT
/*
 * POSIX condition variables over the native ones (include/toro/sync.h),
 * which queue the waiter before releasing the mutex, so no signal falls
 * in between. What this layer adds is the clock: a timed wait's absolute
 * time, on CLOCK_REALTIME or CLOCK_MONOTONIC, becomes a clock_ns()
 * deadline; and the mutex's own rules (the owner check, the depth of a
 * recursive mutex) around the wait.
 */
#include <errno.h>
#include <pthread.h>

#include <toro/sync.h>

#include "pthread_impl.h"

int pthread_condattr_init(pthread_condattr_t *attr)
{
	attr->__clock = CLOCK_REALTIME;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clk)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	attr->__clock = clk;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr,
			      clockid_t *clk)
{
	*clk = attr->__clock;
	return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	cond_init(to_cond(c));
	c->__clock = attr ? attr->__clock : CLOCK_REALTIME;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	(void)c;
	return 0;
}

/* Waits until (deadline) with (m), held by the caller, released. */
static int wait_until(pthread_cond_t *c, pthread_mutex_t *m,
		      uint64_t deadline)
{
	if (m->__type != PTHREAD_MUTEX_NORMAL && !mutex_held(to_mutex(m)))
		return EPERM;
	/* A recursive mutex is released whatever its depth, or the thread
	 * that would signal could never take it. */
	unsigned int depth = m->__depth;

	m->__depth = 0;
	int rc = cond_wait_until(to_cond(c), to_mutex(m), deadline);

	m->__depth = depth;
	return rc ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return wait_until(c, m, WAITQ_NO_DEADLINE);
}

int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
			   clockid_t clk, const struct timespec *abstime)
{
	uint64_t deadline;
	int rc = abstime_deadline(clk, abstime, &deadline);

	return rc ? rc : wait_until(c, m, deadline);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime)
{
	return pthread_cond_clockwait(c, m, c->__clock, abstime);
}

int pthread_cond_signal(pthread_cond_t *c)
{
	cond_signal(to_cond(c));
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	cond_broadcast(to_cond(c));
	return 0;
}
