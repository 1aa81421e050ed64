// SPDX-License-Identifier: MIT
/* <threads.h>, C11's threads: thrd_create/join/detach, mutex kinds,
 * condition variables, tss with destructors, call_once, sleeps. */
#include <threads.h>
#include <time.h>

#include "check.h"

static mtx_t m;
static cnd_t c;
static int counter, ready;
static once_flag flag = ONCE_FLAG_INIT;
static int onces;
static tss_t key;
static int dtors;

static void once_fn(void)
{
	onces++;
}

static void dtor(void *v)
{
	dtors += (int)(long)v;
}

static int worker(void *arg)
{
	call_once(&flag, once_fn);
	tss_set(key, arg);
	for (int i = 0; i < 1000; i++) {
		mtx_lock(&m);
		counter++;
		mtx_unlock(&m);
		if (i % 100 == 0)
			thrd_yield();
	}
	mtx_lock(&m);
	ready++;
	cnd_signal(&c);
	mtx_unlock(&m);
	return (int)(long)arg * 2;
}

int test_c11(void)
{
	thrd_t t[4];

	CHECK(mtx_init(&m, mtx_plain) == thrd_success);
	CHECK(cnd_init(&c) == thrd_success);
	CHECK(tss_create(&key, dtor) == thrd_success);
	for (long i = 0; i < 4; i++)
		CHECK(thrd_create(&t[i], worker, (void *)(i + 1)) ==
		      thrd_success);
	mtx_lock(&m);
	while (ready < 4)
		cnd_wait(&c, &m);
	mtx_unlock(&m);
	int sum = 0;
	for (int i = 0; i < 4; i++) {
		int r;
		CHECK(thrd_join(t[i], &r) == thrd_success);
		sum += r;
	}
	printf("counter %d sum %d onces %d dtors %d\n", counter, sum, onces,
	       dtors);
	CHECK(thrd_equal(thrd_current(), thrd_current()));
	mtx_t tm;
	CHECK(mtx_init(&tm, mtx_timed) == thrd_success);
	CHECK(mtx_lock(&tm) == thrd_success);
	CHECK(mtx_trylock(&tm) == thrd_busy);
	struct timespec ts;
	CHECK(timespec_get(&ts, TIME_UTC) == TIME_UTC);
	ts.tv_nsec = (ts.tv_nsec + 10000000) % 1000000000;
	if (ts.tv_nsec < 10000000)
		ts.tv_sec++;
	CHECK(mtx_timedlock(&tm, &ts) == thrd_timedout);
	mtx_unlock(&tm);
	mtx_destroy(&tm);
	mtx_t rm;
	CHECK(mtx_init(&rm, mtx_plain | mtx_recursive) == thrd_success);
	CHECK(mtx_lock(&rm) == thrd_success && mtx_lock(&rm) == thrd_success);
	mtx_unlock(&rm);
	mtx_unlock(&rm);
	mtx_destroy(&rm);
	mtx_lock(&m);
	CHECK(timespec_get(&ts, TIME_UTC) == TIME_UTC);
	ts.tv_nsec = (ts.tv_nsec + 10000000) % 1000000000;
	if (ts.tv_nsec < 10000000)
		ts.tv_sec++;
	CHECK(cnd_timedwait(&c, &m, &ts) == thrd_timedout);
	mtx_unlock(&m);
	struct timespec d = {0, 5000000};
	CHECK(thrd_sleep(&d, NULL) == 0);
	thrd_t dt;
	CHECK(thrd_create(&dt, worker, (void *)0) == thrd_success);
	CHECK(thrd_detach(dt) == thrd_success);
	mtx_lock(&m);
	while (ready < 5)
		cnd_wait(&c, &m);
	mtx_unlock(&m);
	tss_delete(key);
	cnd_destroy(&c);
	return 0;
}
