// SPDX-License-Identifier: MIT
/*
 * Unnamed POSIX semaphores over the native counting semaphore
 * (include/toro/sync.h). Unlike the pthread calls these report errors the
 * old way, -1 and errno, as POSIX specifies for them.
 */
#include <errno.h>
#include <limits.h>
#include <semaphore.h>

#include <toro/sync.h>

#include "pthread_impl.h"

static int fail(int err)
{
	errno = err;
	return -1;
}

int sem_init(sem_t *sem, int pshared, unsigned int value)
{
	(void)pshared;
	if (value > SEM_VALUE_MAX)
		return fail(EINVAL);
	sema_init(to_sema(sem), value);
	return 0;
}

int sem_destroy(sem_t *sem)
{
	(void)sem;
	return 0;
}

int sem_wait(sem_t *sem)
{
	sema_wait(to_sema(sem));
	return 0;
}

int sem_trywait(sem_t *sem)
{
	return sema_trywait(to_sema(sem)) ? 0 : fail(EAGAIN);
}

int sem_clockwait(sem_t *sem, clockid_t clk, const struct timespec *abstime)
{
	uint64_t deadline;

	/* POSIX: the time need not be checked when no wait is needed. */
	if (sema_trywait(to_sema(sem)))
		return 0;
	int rc = abstime_deadline(clk, abstime, &deadline);

	if (rc)
		return fail(rc);
	return sema_wait_until(to_sema(sem), deadline) ? fail(ETIMEDOUT) : 0;
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	return sem_clockwait(sem, CLOCK_REALTIME, abstime);
}

int sem_post(sem_t *sem)
{
	/* Racing posters could pass the limit together; reaching it at all
	 * takes two thousand million posts nobody waited for. */
	if (sema_value(to_sema(sem)) >= SEM_VALUE_MAX)
		return fail(EOVERFLOW);
	sema_post(to_sema(sem));
	return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
	*value = sema_value(to_sema(sem));
	return 0;
}
