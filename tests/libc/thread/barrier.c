// SPDX-License-Identifier: MIT
/* <pthread.h>'s barriers: rounds of threads meeting, one serial thread
 * per round, everything written before a round seen after it. */
#include <pthread.h>

#include "check.h"

#define THREADS 4
#define ROUNDS	50
static pthread_barrier_t b;
static int slots[THREADS], serial[ROUNDS];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	int me = (int)(long)arg;

	for (int r = 0; r < ROUNDS; r++) {
		slots[me] = r * 10 + me;
		int rc = pthread_barrier_wait(&b);
		CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
			pthread_mutex_lock(&m);
			serial[r]++;
			pthread_mutex_unlock(&m);
		}
		for (int i = 0; i < THREADS; i++)
			CHECK(slots[i] == r * 10 + i);
		pthread_barrier_wait(&b);
	}
	return NULL;
}

int test_barrier(void)
{
	pthread_t t[THREADS];
	pthread_barrierattr_t a;
	int ps;

	CHECK(pthread_barrierattr_init(&a) == 0);
	CHECK(pthread_barrierattr_getpshared(&a, &ps) == 0 &&
	      ps == PTHREAD_PROCESS_PRIVATE);
	CHECK(pthread_barrier_init(&b, &a, 0) == EINVAL);
	CHECK(pthread_barrier_init(&b, &a, THREADS) == 0);
	pthread_barrierattr_destroy(&a);
	for (long i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	int ok = 0;
	for (int r = 0; r < ROUNDS; r++)
		ok += serial[r] == 1;
	printf("%d of %d rounds had exactly one serial thread\n", ok, ROUNDS);
	CHECK(pthread_barrier_destroy(&b) == 0);
	/* A barrier of one never waits. */
	CHECK(pthread_barrier_init(&b, NULL, 1) == 0);
	CHECK(pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD);
	pthread_barrier_destroy(&b);
	return 0;
}
