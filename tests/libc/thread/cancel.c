// SPDX-License-Identifier: MIT
/* Thread cancellation: deferred cancellation acted on at cancellation
 * points (pthread_cond_wait with its mutex re-taken for the cleanup
 * handlers, sleep, nanosleep, sem_wait, pthread_join, pthread_testcancel),
 * cleanup handlers in reverse order, the disabled state keeping a
 * request pending, cancelling a finished thread (the asynchronous type is
 * cancel_async.c).
 * On Toro a request reaches a thread when its system call returns; every
 * target here is blocked in one or yields. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t ready, never;

static void say(void *what)
{
	printf("  cleanup: %s\n", (const char *)what);
}

static void unlock(void *mu)
{
	/* pthread_cond_wait re-took the mutex before the handlers run. */
	CHECK_RC(pthread_mutex_trylock(mu), EBUSY);
	printf("  cleanup: unlock the mutex\n");
	pthread_mutex_unlock(mu);
}

static void *in_cond_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock, &m);
	sem_post(&ready);
	for (;;)
		pthread_cond_wait(&c, &m);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *in_sleep(void *arg)
{
	pthread_cleanup_push(say, "sleep");
	sem_post(&ready);
	if (arg)
		sleep(1000);
	else {
		struct timespec t = {1000, 0};
		nanosleep(&t, NULL);
	}
	pthread_cleanup_pop(0);
	return NULL;
}

static void *in_sem_wait(void *arg)
{
	(void)arg;
	pthread_cleanup_push(say, "outer");
	pthread_cleanup_push(say, "middle");
	pthread_cleanup_push(say, "inner");
	sem_post(&ready);
	sem_wait(&never);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static pthread_t joinee;

static void *in_join(void *arg)
{
	(void)arg;
	pthread_cleanup_push(say, "join");
	sem_post(&ready);
	pthread_join(joinee, NULL);
	pthread_cleanup_pop(0);
	return NULL;
}

static sem_t go_on;

static void *disabled(void *arg)
{
	int old;

	(void)arg;
	CHECK(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old) == 0);
	CHECK(old == PTHREAD_CANCEL_ENABLE);
	pthread_cleanup_push(say, "testcancel");
	sem_post(&ready);
	/* A cancellation point with the request pending: not acted on. */
	sem_wait(&go_on);
	printf("  still running with cancellation disabled\n");
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	CHECK(old == PTHREAD_CANCEL_DISABLE);
	pthread_testcancel();
	printf("  not reached\n");
	pthread_cleanup_pop(0);
	return NULL;
}

static void *quick(void *arg)
{
	return arg;
}

static void cancel(const char *what, void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *r;

	printf("%s:\n", what);
	CHECK(pthread_create(&t, NULL, fn, arg) == 0);
	CHECK(sem_wait(&ready) == 0);
	if (fn == in_cond_wait) {
		/* The thread holds the mutex until it waits. */
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	CHECK(pthread_cancel(t) == 0);
	if (fn == disabled)
		sem_post(&go_on);
	CHECK(pthread_join(t, &r) == 0);
	printf("  joined: %s\n",
	       r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "a value");
}

int test_cancel(void)
{
	sem_init(&ready, 0, 0);
	sem_init(&never, 0, 0);
	sem_init(&go_on, 0, 0);
	cancel("pthread_cond_wait", in_cond_wait, NULL);
	CHECK(pthread_mutex_trylock(&m) == 0);
	pthread_mutex_unlock(&m);
	cancel("sleep", in_sleep, (void *)1);
	cancel("nanosleep", in_sleep, NULL);
	cancel("sem_wait", in_sem_wait, NULL);
	CHECK(pthread_create(&joinee, NULL, in_sem_wait, NULL) == 0);
	sem_wait(&ready);
	cancel("pthread_join", in_join, NULL);
	pthread_cancel(joinee);
	pthread_join(joinee, NULL);
	cancel("disabled, then pthread_testcancel", disabled, NULL);
	/* A thread that already returned: cancelling it is harmless. */
	pthread_t t;
	void *r;
	CHECK(pthread_create(&t, NULL, quick, (void *)7) == 0);
	usleep(10000);
	sched_yield();
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &r) == 0);
	printf("finished thread: %s\n", r == (void *)7 ? "its value"
					: r == PTHREAD_CANCELED
						? "PTHREAD_CANCELED"
						: "?");
	/* The calling thread's own state. */
	int old;
	CHECK(pthread_setcancelstate(99, &old) == EINVAL);
	CHECK(pthread_setcanceltype(99, &old) == EINVAL);
	return 0;
}
