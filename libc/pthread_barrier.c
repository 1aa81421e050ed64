// SPDX-License-Identifier: MIT
/*
 * POSIX barriers: a count under a mutex and a condition variable. Rounds
 * are numbered so that a thread woken for one round cannot mistake the
 * next round's arrivals for its own and wait again.
 */
#include <errno.h>
#include <pthread.h>

int pthread_barrierattr_init(pthread_barrierattr_t *attr)
{
	attr->__pshared = 0;
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_barrier_init(pthread_barrier_t *b,
			 const pthread_barrierattr_t *attr, unsigned count)
{
	(void)attr;
	if (count == 0)
		return EINVAL;
	pthread_mutex_init(&b->__lock, NULL);
	pthread_cond_init(&b->__cond, NULL);
	b->__count = count;
	b->__arrived = 0;
	b->__round = 0;
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
	int rc = 0;

	pthread_mutex_lock(&b->__lock);
	if (b->__arrived)
		rc = EBUSY;
	pthread_mutex_unlock(&b->__lock);
	return rc;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
	pthread_mutex_lock(&b->__lock);
	unsigned int round = b->__round;

	if (++b->__arrived == b->__count) {
		b->__arrived = 0;
		b->__round++;
		pthread_cond_broadcast(&b->__cond);
		pthread_mutex_unlock(&b->__lock);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	while (b->__round == round)
		pthread_cond_wait(&b->__cond, &b->__lock);
	pthread_mutex_unlock(&b->__lock);
	return 0;
}
