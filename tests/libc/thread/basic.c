// SPDX-License-Identifier: MIT
/* <pthread.h>'s threads: create and join with values, detach, attributes,
 * pthread_once from many threads, thread-specific data and its
 * destructors (repeated while they set values again), _Thread_local,
 * pthread_exit, the calling thread's name. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static _Thread_local int tls = 7;
static _Thread_local char tls_buf[64] = "initial";

static void *square(void *arg)
{
	intptr_t n = (intptr_t)arg;

	CHECK(tls == 7 && strcmp(tls_buf, "initial") == 0);
	tls = (int)n;
	snprintf(tls_buf, sizeof(tls_buf), "thread %d", (int)n);
	return (void *)(n * n);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void init_once(void)
{
	once_runs++;
}

static void *call_once(void *arg)
{
	(void)arg;
	CHECK(pthread_once(&once, init_once) == 0);
	return NULL;
}

static pthread_key_t key, key2;
static int dtor_calls[3];

static void dtor(void *v)
{
	intptr_t n = (intptr_t)v;

	dtor_calls[0]++;
	/* Setting a value again asks for another round. */
	if (n < 3)
		pthread_setspecific(key, (void *)(n + 1));
	printf("dtor %d\n", (int)n);
}

static void dtor2(void *v)
{
	dtor_calls[1]++;
	free(v);
}

static void *tsd_thread(void *arg)
{
	CHECK(pthread_getspecific(key) == NULL);
	CHECK(pthread_setspecific(key, (void *)1) == 0);
	CHECK(pthread_setspecific(key2, malloc(16)) == 0);
	CHECK(pthread_getspecific(key) == (void *)1);
	if (arg)
		pthread_exit((void *)99);
	return (void *)98;
}

static sem_t go;

static void *detached(void *arg)
{
	(void)arg;
	sem_post(&go);
	return NULL;
}

int test_basic(void)
{
	pthread_t t[8];
	void *r;

	for (intptr_t i = 0; i < 8; i++)
		CHECK(pthread_create(&t[i], NULL, square, (void *)i) == 0);
	for (int i = 0; i < 8; i++) {
		CHECK(pthread_join(t[i], &r) == 0);
		printf("join %d -> %ld\n", i, (long)(intptr_t)r);
	}
	CHECK(tls == 7);
	CHECK(pthread_equal(pthread_self(), pthread_self()));
	CHECK(!pthread_equal(pthread_self(), t[0]));
	for (int i = 0; i < 8; i++)
		CHECK(pthread_create(&t[i], NULL, call_once, NULL) == 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("once ran %d time(s)\n", once_runs);
	CHECK(pthread_key_create(&key, dtor) == 0);
	CHECK(pthread_key_create(&key2, dtor2) == 0);
	CHECK(pthread_create(&t[0], NULL, tsd_thread, NULL) == 0);
	CHECK(pthread_join(t[0], &r) == 0 && r == (void *)98);
	CHECK(pthread_create(&t[0], NULL, tsd_thread, (void *)1) == 0);
	CHECK(pthread_join(t[0], &r) == 0 && r == (void *)99);
	printf("destructor calls %d %d, PTHREAD_DESTRUCTOR_ITERATIONS %d\n",
	       dtor_calls[0], dtor_calls[1], PTHREAD_DESTRUCTOR_ITERATIONS);
	/* main's own values: no destructor until main's thread exits. */
	pthread_setspecific(key, (void *)5);
	CHECK(pthread_getspecific(key) == (void *)5);
	pthread_setspecific(key, NULL);
	CHECK(pthread_key_delete(key) == 0 && pthread_key_delete(key2) == 0);
	/* Attributes. */
	pthread_attr_t a;
	size_t sz;
	int st;
	CHECK(pthread_attr_init(&a) == 0);
	CHECK(pthread_attr_getdetachstate(&a, &st) == 0 &&
	      st == PTHREAD_CREATE_JOINABLE);
	CHECK(pthread_attr_setstacksize(&a, 256 * 1024) == 0);
	CHECK(pthread_attr_getstacksize(&a, &sz) == 0 && sz == 256 * 1024);
	CHECK(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN - 1) == EINVAL);
	CHECK(pthread_attr_setguardsize(&a, 8192) == 0);
	CHECK(pthread_attr_getguardsize(&a, &sz) == 0 && sz == 8192);
	CHECK(pthread_attr_setdetachstate(&a, 5) == EINVAL);
	CHECK(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) == 0);
	sem_init(&go, 0, 0);
	CHECK(pthread_create(&t[0], &a, detached, NULL) == 0);
	CHECK(sem_wait(&go) == 0);
	pthread_attr_destroy(&a);
	CHECK(pthread_create(&t[0], NULL, detached, NULL) == 0);
	CHECK(pthread_detach(t[0]) == 0);
	CHECK(sem_wait(&go) == 0);
	/* A big stack is really there. */
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 1 << 20);
	CHECK(pthread_create(&t[0], &a, square, (void *)3) == 0);
	pthread_attr_destroy(&a);
	CHECK(pthread_join(t[0], &r) == 0 && r == (void *)9);
	CHECK(pthread_getattr_np(pthread_self(), &a) == 0);
	CHECK(pthread_attr_getstacksize(&a, &sz) == 0);
	CHECK(sz >= 65536); /* main's stack: 128 KiB on Toro, 8 MiB on Linux */
	pthread_attr_destroy(&a);
	CHECK(pthread_setname_np(pthread_self(), "libc-test") == 0);
	char name[16];
	CHECK(pthread_getname_np(pthread_self(), name, sizeof(name)) == 0);
	printf("name %s\n", name);
	CHECK(pthread_setname_np(pthread_self(), "a name longer than 15") ==
	      ERANGE);
	CHECK(pthread_getconcurrency() == 0);
	CHECK(pthread_setconcurrency(-1) == EINVAL);
	printf("PTHREAD_STACK_MIN %d PTHREAD_KEYS_MAX %d\n", PTHREAD_STACK_MIN,
	       PTHREAD_KEYS_MAX);
	return 0;
}
