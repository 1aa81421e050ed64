// SPDX-License-Identifier: MIT
/* POSIX per-process timers (timer_create and friends): a SIGEV_THREAD
 * timer calling a function in a new thread, and one with SIGEV_NONE read
 * through timer_gettime. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <time.h>

#include "check.h"

static sem_t fired;
static int value;

static void notify(union sigval v)
{
	value = v.sival_int;
	sem_post(&fired);
}

int test_timer(void)
{
	timer_t t;
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD,
			      .sigev_notify_function = notify,
			      .sigev_value.sival_int = 42};

	sem_init(&fired, 0, 0);
	int rc = timer_create(CLOCK_MONOTONIC, &ev, &t);
	CHECK(rc == 0);
	if (rc != 0) {
		printf("timer_create: %s\n", strerror(errno));
		return 1;
	}
	struct itimerspec its = {.it_value = {0, 20000000}};
	CHECK(timer_settime(t, 0, &its, NULL) == 0);
	CHECK(sem_wait(&fired) == 0);
	printf("SIGEV_THREAD fired with %d, overrun %d\n", value,
	       timer_getoverrun(t));
	CHECK(timer_delete(t) == 0);
	ev.sigev_notify = SIGEV_NONE;
	CHECK(timer_create(CLOCK_REALTIME, &ev, &t) == 0);
	its.it_value.tv_sec = 100;
	its.it_interval.tv_sec = 5;
	CHECK(timer_settime(t, 0, &its, NULL) == 0);
	struct itimerspec cur;
	CHECK(timer_gettime(t, &cur) == 0);
	CHECK(cur.it_value.tv_sec <= 100 && cur.it_value.tv_sec >= 90);
	printf("SIGEV_NONE interval %lld\n", (long long)cur.it_interval.tv_sec);
	CHECK(timer_delete(t) == 0);
	return 0;
}
