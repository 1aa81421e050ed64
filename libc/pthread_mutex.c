// SPDX-License-Identifier: MIT
/*
 * POSIX mutexes over the native mutex (include/toro/sync.h), which already
 * knows its owner: ERRORCHECK asks it before locking and unlocking, and
 * RECURSIVE adds a depth that only the owner touches, so neither needs a
 * lock of its own. NORMAL is the native mutex as it is.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>

#include <toro/sync.h>

#include "pthread_impl.h"

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	attr->__type = PTHREAD_MUTEX_DEFAULT;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
	    type != PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	attr->__type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
	*type = attr->__type;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	mutex_init(to_mutex(m));
	m->__type = attr ? attr->__type : PTHREAD_MUTEX_DEFAULT;
	m->__depth = 0;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	bool locked = __atomic_load_n(&to_mutex(m)->state, __ATOMIC_RELAXED);

	return locked ? EBUSY : 0;
}

/*
 * What locking (m) does when the caller holds it already: -1 when that is
 * not the question (not held, or a NORMAL mutex, which just deadlocks as
 * POSIX lets it), else the return value.
 */
static int relock(pthread_mutex_t *m)
{
	if (m->__type == PTHREAD_MUTEX_NORMAL || !mutex_held(to_mutex(m)))
		return -1;
	if (m->__type == PTHREAD_MUTEX_ERRORCHECK)
		return EDEADLK;
	if (m->__depth == UINT_MAX)
		return EAGAIN;
	m->__depth++;
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	int rc = relock(m);

	if (rc >= 0)
		return rc;
	mutex_lock(to_mutex(m));
	return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	int rc = relock(m);

	if (rc >= 0)
		return rc == EDEADLK ? EBUSY : rc;
	return mutex_trylock(to_mutex(m)) ? 0 : EBUSY;
}

int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
			    const struct timespec *abstime)
{
	uint64_t deadline;
	int rc = relock(m);

	if (rc >= 0)
		return rc;
	/* POSIX: the time need not be checked when no wait is needed. */
	if (mutex_trylock(to_mutex(m)))
		return 0;
	rc = abstime_deadline(clk, abstime, &deadline);
	if (rc)
		return rc;
	return mutex_lock_until(to_mutex(m), deadline) ? ETIMEDOUT : 0;
}

int pthread_mutex_timedlock(pthread_mutex_t *m,
			    const struct timespec *abstime)
{
	return pthread_mutex_clocklock(m, CLOCK_REALTIME, abstime);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (m->__type != PTHREAD_MUTEX_NORMAL) {
		if (!mutex_held(to_mutex(m)))
			return EPERM;
		if (m->__depth) {
			m->__depth--;
			return 0;
		}
	}
	mutex_unlock(to_mutex(m));
	return 0;
}
