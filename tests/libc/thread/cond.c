// SPDX-License-Identifier: MIT
/* <pthread.h>'s condition variables: a bounded buffer between producers
 * and consumers, broadcast waking every waiter, timed waits on either
 * clock, attributes. */
#include <pthread.h>
#include <time.h>

#include "check.h"

#define ITEMS 2000
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int buf[8], head, count, produced, consumed;
static long long total;

static void *producer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&m);
		while (count == 8 && produced < ITEMS)
			pthread_cond_wait(&not_full, &m);
		if (produced == ITEMS) {
			pthread_mutex_unlock(&m);
			return NULL;
		}
		buf[(head + count++) % 8] = ++produced;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&m);
	}
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&m);
		while (count == 0 && consumed < ITEMS)
			pthread_cond_wait(&not_empty, &m);
		if (consumed == ITEMS) {
			pthread_cond_broadcast(&not_empty);
			pthread_mutex_unlock(&m);
			return NULL;
		}
		total += buf[head];
		head = (head + 1) % 8;
		count--;
		consumed++;
		pthread_cond_signal(&not_full);
		if (consumed == ITEMS) {
			pthread_cond_broadcast(&not_empty);
			pthread_cond_broadcast(&not_full);
		}
		pthread_mutex_unlock(&m);
	}
}

static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static int open_gate, waiting, passed;

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	waiting++;
	pthread_cond_signal(&not_empty);
	while (!open_gate)
		pthread_cond_wait(&gate, &m);
	passed++;
	pthread_mutex_unlock(&m);
	return NULL;
}

static struct timespec in_ms(clockid_t c, long ms)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

int test_cond(void)
{
	pthread_t t[6];

	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, producer, NULL) == 0);
	for (int i = 3; i < 6; i++)
		CHECK(pthread_create(&t[i], NULL, consumer, NULL) == 0);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	printf("produced %d consumed %d total %lld\n", produced, consumed,
	       total);
	for (int i = 0; i < 5; i++)
		CHECK(pthread_create(&t[i], NULL, waiter, NULL) == 0);
	pthread_mutex_lock(&m);
	while (waiting < 5)
		pthread_cond_wait(&not_empty, &m);
	open_gate = 1;
	pthread_cond_broadcast(&gate);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	printf("broadcast let %d through\n", passed);
	/* Timed waits that time out, on each clock. */
	pthread_condattr_t a;
	clockid_t c;
	pthread_cond_t cm;
	CHECK(pthread_condattr_init(&a) == 0);
	CHECK(pthread_condattr_getclock(&a, &c) == 0 && c == CLOCK_REALTIME);
	CHECK(pthread_condattr_setclock(&a, CLOCK_MONOTONIC) == 0);
	CHECK(pthread_condattr_setclock(&a, CLOCK_PROCESS_CPUTIME_ID) ==
	      EINVAL);
	CHECK(pthread_cond_init(&cm, &a) == 0);
	pthread_mutex_lock(&m);
	struct timespec ts = in_ms(CLOCK_MONOTONIC, 30);
	CHECK_RC(pthread_cond_timedwait(&cm, &m, &ts), ETIMEDOUT);
	struct timespec now = in_ms(CLOCK_MONOTONIC, 0);
	CHECK(now.tv_sec > ts.tv_sec ||
	      (now.tv_sec == ts.tv_sec && now.tv_nsec >= ts.tv_nsec));
	ts = in_ms(CLOCK_REALTIME, 20);
	CHECK_RC(pthread_cond_timedwait(&gate, &m, &ts), ETIMEDOUT);
	ts.tv_sec = 0;
	CHECK_RC(pthread_cond_timedwait(&gate, &m, &ts), ETIMEDOUT);
	ts.tv_nsec = -1;
	CHECK_RC(pthread_cond_timedwait(&gate, &m, &ts), EINVAL);
	pthread_mutex_unlock(&m);
	CHECK(pthread_cond_destroy(&cm) == 0);
	pthread_condattr_destroy(&a);
	CHECK(pthread_cond_signal(&gate) == 0);
	return 0;
}
