// SPDX-License-Identifier: MIT
/*
 * pthread_once(). The first caller claims the control with one atomic
 * compare-and-swap and runs the routine; callers that find it running
 * park on one condition variable shared by every control, since waiting
 * for a once routine is rare and short, and pthread_once_t stays an int
 * as code written for glibc expects. A routine may itself call
 * pthread_once() on other controls: nothing is held while it runs.
 */
#include <errno.h>
#include <pthread.h>

#include <toro/sync.h>

enum { ONCE_NEW = PTHREAD_ONCE_INIT, ONCE_RUNNING, ONCE_DONE };

static struct mutex once_lock;
static struct cond once_done;	/* broadcast as each routine returns */

int pthread_once(pthread_once_t *once, void (*init)(void))
{
	int state = ONCE_NEW;

	if (!once || !init)
		return EINVAL;
	/* Acquire: what the routine did is visible to whoever sees DONE. */
	if (__atomic_load_n(once, __ATOMIC_ACQUIRE) == ONCE_DONE)
		return 0;
	if (__atomic_compare_exchange_n(once, &state, ONCE_RUNNING, false,
					__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		init();
		/* Published under the lock, so a waiter that has just seen
		 * RUNNING is queued before the broadcast. */
		mutex_lock(&once_lock);
		__atomic_store_n(once, ONCE_DONE, __ATOMIC_RELEASE);
		cond_broadcast(&once_done);
		mutex_unlock(&once_lock);
		return 0;
	}
	mutex_lock(&once_lock);
	while (__atomic_load_n(once, __ATOMIC_ACQUIRE) != ONCE_DONE)
		cond_wait(&once_done, &once_lock);
	mutex_unlock(&once_lock);
	return 0;
}
