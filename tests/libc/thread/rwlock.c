// SPDX-License-Identifier: MIT
/* <pthread.h>'s read-write locks: shared readers, an exclusive writer,
 * try and timed forms, a writer waiting for readers to leave. */
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "check.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static sem_t in, out;
static int shared;

static void *reader(void *arg)
{
	(void)arg;
	CHECK(pthread_rwlock_rdlock(&rw) == 0);
	sem_post(&in);
	sem_wait(&out);
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	return NULL;
}

static void *writer(void *arg)
{
	(void)arg;
	sem_post(&in);
	CHECK(pthread_rwlock_wrlock(&rw) == 0);
	shared = 42;
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	return NULL;
}

static void *try_both(void *arg)
{
	int *r = arg;

	r[0] = pthread_rwlock_tryrdlock(&rw);
	if (r[0] == 0)
		pthread_rwlock_unlock(&rw);
	r[1] = pthread_rwlock_trywrlock(&rw);
	if (r[1] == 0)
		pthread_rwlock_unlock(&rw);
	return NULL;
}

static void tries(const char *when)
{
	pthread_t t;
	int r[2];

	pthread_create(&t, NULL, try_both, r);
	pthread_join(t, NULL);
	printf("%s: tryrdlock %s trywrlock %s\n", when, r[0] ? "EBUSY" : "0",
	       r[1] ? "EBUSY" : "0");
}

int test_rwlock(void)
{
	pthread_t t[4];

	sem_init(&in, 0, 0);
	sem_init(&out, 0, 0);
	tries("free");
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, reader, NULL) == 0);
	for (int i = 0; i < 3; i++)
		sem_wait(&in);
	tries("three readers");
	struct timespec past = {0, 0};
	CHECK_RC(pthread_rwlock_timedwrlock(&rw, &past), ETIMEDOUT);
	CHECK_RC(pthread_rwlock_timedrdlock(&rw, &past), 0);
	pthread_rwlock_unlock(&rw);
	CHECK(pthread_create(&t[3], NULL, writer, NULL) == 0);
	sem_wait(&in);
	for (int i = 0; i < 3; i++)
		sem_post(&out);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("writer wrote %d\n", shared);
	CHECK(pthread_rwlock_wrlock(&rw) == 0);
	tries("writer");
	CHECK_RC(pthread_rwlock_timedrdlock(&rw, &past), ETIMEDOUT);
	struct timespec soon;
	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_nsec = (soon.tv_nsec + 20000000) % 1000000000;
	if (soon.tv_nsec < 20000000)
		soon.tv_sec++;
	CHECK_RC(pthread_rwlock_timedwrlock(&rw, &soon), ETIMEDOUT);
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	/* Recursive read locks by one thread. */
	CHECK(pthread_rwlock_rdlock(&rw) == 0 &&
	      pthread_rwlock_rdlock(&rw) == 0);
	CHECK(pthread_rwlock_unlock(&rw) == 0 &&
	      pthread_rwlock_unlock(&rw) == 0);
	pthread_rwlockattr_t a;
	int ps;
	CHECK(pthread_rwlockattr_init(&a) == 0);
	CHECK(pthread_rwlockattr_getpshared(&a, &ps) == 0 &&
	      ps == PTHREAD_PROCESS_PRIVATE);
	CHECK(pthread_rwlockattr_setpshared(&a, 7) == EINVAL);
	pthread_rwlock_t r2;
	CHECK(pthread_rwlock_init(&r2, &a) == 0);
	CHECK(pthread_rwlock_destroy(&r2) == 0);
	pthread_rwlockattr_destroy(&a);
	return 0;
}
