// SPDX-License-Identifier: MIT
/* Asynchronous cancellation of a thread that computes and makes system
 * calls that are not cancellation points (sched_yield): Linux acts at
 * once; Toro, without preemption, when such a system call returns. */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>

#include "check.h"

static sem_t ready;
static volatile unsigned long spins;

static volatile int cleaned;

/* Reached asynchronously: only async-signal-safe work here. */
static void note(void *arg)
{
	(void)arg;
	cleaned = 1;
}

static void *async(void *arg)
{
	int old;

	(void)arg;
	CHECK(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old) == 0);
	CHECK(old == PTHREAD_CANCEL_DEFERRED);
	pthread_cleanup_push(note, NULL);
	sem_post(&ready);
	for (;;) {
		spins++;
		sched_yield();
	}
	pthread_cleanup_pop(0);
	return NULL;
}

int test_cancel_async(void)
{
	pthread_t t;
	void *r;

	sem_init(&ready, 0, 0);
	CHECK(pthread_create(&t, NULL, async, NULL) == 0);
	CHECK(sem_wait(&ready) == 0);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &r) == 0);
	printf("joined: %s, cleanup ran %d\n",
	       r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "a value", cleaned);
	return 0;
}
