// SPDX-License-Identifier: MIT
/* <pthread.h>'s mutexes: the normal, error-checking and recursive types'
 * answers, trylock and timedlock, attributes, robust mutexes whose owner
 * dies (EOWNERDEAD, pthread_mutex_consistent, ENOTRECOVERABLE), spin
 * locks (uncontended: threads here never spin for each other). */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "check.h"

static pthread_mutex_t m;
static sem_t step;

static void *other(void *arg)
{
	int want = *(int *)arg;

	CHECK_RC(pthread_mutex_trylock(&m), EBUSY);
	CHECK_RC(pthread_mutex_unlock(&m), want);
	return NULL;
}

static void from_other(int want)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, other, &want) == 0);
	pthread_join(t, NULL);
}

static void *die_holding(void *arg)
{
	pthread_mutex_t *rm = arg;

	CHECK(pthread_mutex_lock(rm) == 0);
	return NULL; /* exits still owning it */
}

static void robust(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t rm;
	pthread_t t;
	int r;

	pthread_mutexattr_init(&a);
	CHECK(pthread_mutexattr_getrobust(&a, &r) == 0 &&
	      r == PTHREAD_MUTEX_STALLED);
	r = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	CHECK_RC(r, 0);
	if (r != 0)
		return; /* the rest would deadlock */
	CHECK(pthread_mutex_init(&rm, &a) == 0);
	CHECK(pthread_create(&t, NULL, die_holding, &rm) == 0);
	pthread_join(t, NULL);
	r = pthread_mutex_lock(&rm);
	printf("robust lock after owner died: %s\n",
	       r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	CHECK(pthread_mutex_consistent(&rm) == 0);
	CHECK(pthread_mutex_unlock(&rm) == 0);
	CHECK(pthread_mutex_lock(&rm) == 0);
	CHECK(pthread_mutex_unlock(&rm) == 0);
	/* Not made consistent: the mutex is unusable for good. */
	CHECK(pthread_create(&t, NULL, die_holding, &rm) == 0);
	pthread_join(t, NULL);
	r = pthread_mutex_trylock(&rm);
	printf("robust trylock after owner died: %s\n",
	       r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	CHECK(pthread_mutex_unlock(&rm) == 0);
	r = pthread_mutex_lock(&rm);
	printf("then: %s\n",
	       r == ENOTRECOVERABLE ? "ENOTRECOVERABLE" : strerror(r));
	pthread_mutex_destroy(&rm);
	/* Robust and error-checking, and recursive. */
	for (int type = 0; type < 2; type++) {
		pthread_mutexattr_settype(&a, type ? PTHREAD_MUTEX_RECURSIVE
						   : PTHREAD_MUTEX_ERRORCHECK);
		CHECK(pthread_mutex_init(&rm, &a) == 0);
		CHECK(pthread_mutex_lock(&rm) == 0);
		r = pthread_mutex_lock(&rm);
		printf("robust %s relock: %s\n",
		       type ? "recursive" : "errorcheck",
		       r == 0	      ? "0"
		       : r == EDEADLK ? "EDEADLK"
				      : strerror(r));
		if (r == 0)
			pthread_mutex_unlock(&rm);
		CHECK(pthread_create(&t, NULL, die_holding, &rm) == 0);
		pthread_mutex_unlock(&rm);
		pthread_join(t, NULL);
		r = pthread_mutex_lock(&rm);
		CHECK(r == EOWNERDEAD);
		pthread_mutex_consistent(&rm);
		pthread_mutex_unlock(&rm);
		pthread_mutex_destroy(&rm);
	}
	pthread_mutexattr_destroy(&a);
}

int test_mutex(void)
{
	pthread_mutexattr_t a;
	int type;

	sem_init(&step, 0, 0);
	CHECK(pthread_mutexattr_init(&a) == 0);
	CHECK(pthread_mutexattr_gettype(&a, &type) == 0 &&
	      type == PTHREAD_MUTEX_DEFAULT);
	CHECK(pthread_mutexattr_settype(&a, 99) == EINVAL);
	/* Error-checking. */
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	CHECK(pthread_mutex_init(&m, &a) == 0);
	CHECK_RC(pthread_mutex_unlock(&m), EPERM);
	CHECK_RC(pthread_mutex_lock(&m), 0);
	CHECK_RC(pthread_mutex_lock(&m), EDEADLK);
	CHECK_RC(pthread_mutex_trylock(&m), EBUSY);
	from_other(EPERM);
	CHECK_RC(pthread_mutex_unlock(&m), 0);
	pthread_mutex_destroy(&m);
	/* Recursive. */
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	CHECK(pthread_mutex_init(&m, &a) == 0);
	for (int i = 0; i < 3; i++)
		CHECK_RC(pthread_mutex_lock(&m), 0);
	CHECK_RC(pthread_mutex_trylock(&m), 0);
	from_other(EPERM);
	for (int i = 0; i < 4; i++)
		CHECK_RC(pthread_mutex_unlock(&m), 0);
	CHECK_RC(pthread_mutex_unlock(&m), EPERM);
	pthread_mutex_destroy(&m);
	/* Normal, and timed. */
	pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
	CHECK_RC(pthread_mutex_lock(&n), 0);
	CHECK_RC(pthread_mutex_trylock(&n), EBUSY);
	struct timespec past = {1, 0}, soon;
	CHECK_RC(pthread_mutex_timedlock(&n, &past), ETIMEDOUT);
	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_nsec += 20000000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	CHECK_RC(pthread_mutex_timedlock(&n, &soon), ETIMEDOUT);
	struct timespec bad = {0, 1000000000};
	CHECK_RC(pthread_mutex_timedlock(&n, &bad), EINVAL);
	CHECK_RC(pthread_mutex_unlock(&n), 0);
	CHECK_RC(pthread_mutex_timedlock(&n, &past), 0);
	CHECK_RC(pthread_mutex_unlock(&n), 0);
	/* Attribute values. */
	int v;
	CHECK(pthread_mutexattr_getpshared(&a, &v) == 0 &&
	      v == PTHREAD_PROCESS_PRIVATE);
	CHECK(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0);
	CHECK(pthread_mutexattr_getprotocol(&a, &v) == 0 &&
	      v == PTHREAD_PRIO_NONE);
	printf("setprotocol INHERIT %d PROTECT %d\n",
	       pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT),
	       pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_PROTECT));
	pthread_mutexattr_destroy(&a);
	robust();
	pthread_spinlock_t s;
	CHECK(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE) == 0);
	CHECK(pthread_spin_lock(&s) == 0);
	CHECK_RC(pthread_spin_trylock(&s), EBUSY);
	CHECK(pthread_spin_unlock(&s) == 0);
	CHECK(pthread_spin_trylock(&s) == 0);
	CHECK(pthread_spin_unlock(&s) == 0);
	CHECK(pthread_spin_destroy(&s) == 0);
	return 0;
}
