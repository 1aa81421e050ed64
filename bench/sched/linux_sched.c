// SPDX-License-Identifier: MIT
/*
 * Scheduler benchmark, Linux side: the same three measurements as
 * bench/sched/toro/main.c, made with pthreads in the Linux guest that
 * bench/sched.py boots (built static: gcc -O2 -static -pthread). Prints
 * "RESULT name value" lines, which the driver reads from both systems.
 *
 *  yield_ns   two threads pinned to CPU 0 alternately call sched_yield();
 *             wall time per switch, median over rounds
 *  create_ns  a thread on CPU 0 creates a thread pinned to CPU 1; time from
 *             just before pthread_create() to the new thread's first
 *             statement, median over creations (each one joined)
 *  wake_ns    a thread on CPU 1 sleeps on a condition variable; a thread on
 *             CPU 0 takes a timestamp and signals it; time until the waiter
 *             runs again, median over round trips
 *
 * Usage: linux_sched [YIELD_ROUNDS YIELDS_PER_ROUND CREATES WAKES]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "linux_sched: %s failed (%d)\n", what, rc);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A thread pinned to (cpu) running fn(arg). */
static pthread_t start_on(int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	pthread_t t;
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	rc = pthread_create(&t, &attr, fn, arg);
	if (rc)
		die("pthread_create", rc);
	pthread_attr_destroy(&attr);
	return t;
}

/* --- 1. Same-CPU switch ------------------------------------------------ */

static int yield_ready;
static long yields_per_round;

static void *yield_partner(void *arg)
{
	(void)arg;
	__atomic_store_n(&yield_ready, 1, __ATOMIC_RELEASE);
	for (long i = 0; i < yields_per_round; i++)
		sched_yield();
	return NULL;
}

/* One round: ns per switch while this thread and a partner on the same
 * CPU (0, where main runs) each yield (yields_per_round) times. Every yield
 * hands the CPU to the other thread, so a round is 2 * n switches. */
static double yield_round(void)
{
	uint64_t t0, t1;
	pthread_t t;

	yield_ready = 0;
	t = start_on(0, yield_partner, NULL);
	while (!__atomic_load_n(&yield_ready, __ATOMIC_ACQUIRE))
		sched_yield();
	t0 = now_ns();
	for (long i = 0; i < yields_per_round; i++)
		sched_yield();
	t1 = now_ns();
	pthread_join(t, NULL);
	return (double)(t1 - t0) / (2.0 * yields_per_round);
}

/* --- 2. Cross-CPU creation --------------------------------------------- */

static uint64_t probe_started;

static void *create_probe(void *arg)
{
	(void)arg;
	__atomic_store_n(&probe_started, now_ns(), __ATOMIC_RELEASE);
	return NULL;
}

static double create_once(void)
{
	uint64_t t0;
	pthread_t t;

	t0 = now_ns();
	t = start_on(1, create_probe, NULL);
	pthread_join(t, NULL);
	return (double)(__atomic_load_n(&probe_started, __ATOMIC_ACQUIRE) - t0);
}

/* --- 3. Cross-CPU wake ------------------------------------------------- */

#define WAKE_STOP UINT32_MAX

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static uint32_t wake_seq;   /* round being signalled, under wake_lock */
static uint32_t wake_acked; /* last round the waiter saw (atomic) */
static uint64_t woke_at;    /* its wake-up time (atomic) */

static void *wake_waiter(void *arg)
{
	uint32_t seen = 0;

	(void)arg;
	pthread_mutex_lock(&wake_lock);
	for (;;) {
		while (wake_seq == seen)
			pthread_cond_wait(&wake_cond, &wake_lock);
		__atomic_store_n(&woke_at, now_ns(), __ATOMIC_RELAXED);
		seen = wake_seq;
		__atomic_store_n(&wake_acked, seen, __ATOMIC_RELEASE);
		if (seen == WAKE_STOP)
			break;
	}
	pthread_mutex_unlock(&wake_lock);
	return NULL;
}

static void wake_signal(uint32_t seq, uint64_t *sent)
{
	pthread_mutex_lock(&wake_lock);
	wake_seq = seq;
	*sent = now_ns();
	pthread_cond_signal(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
}

static void wake_rounds(double *v, int n)
{
	const struct timespec settle = {0, 1000000}; /* waiter asleep */
	uint64_t sent;
	pthread_t t;

	t = start_on(1, wake_waiter, NULL);
	for (int i = 0; i < n; i++) {
		nanosleep(&settle, NULL);
		wake_signal(i + 1, &sent);
		while (__atomic_load_n(&wake_acked, __ATOMIC_ACQUIRE) !=
		       (uint32_t)i + 1)
			;
		v[i] = (double)(__atomic_load_n(&woke_at, __ATOMIC_RELAXED) -
				sent);
	}
	wake_signal(WAKE_STOP, &sent);
	pthread_join(t, NULL);
}

/* ----------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	int creates = argc > 3 ? atoi(argv[3]) : 1000;
	int wakes = argc > 4 ? atoi(argv[4]) : 1000;
	int n = rounds > creates ? rounds : creates;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	double *v;

	yields_per_round = argc > 2 ? atol(argv[2]) : 100000;
	n = n > wakes ? n : wakes;
	v = calloc(n, sizeof(*v));
	if (!v || rounds < 1 || creates < 1 || wakes < 1 ||
	    yields_per_round < 1)
		die("arguments", 0);
	printf("RESULT cpus %ld\n", cpus);
	if (cpus < 2)
		die("needs 2 CPUs: cpu count", (int)cpus);

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", -1);

	for (int i = 0; i < rounds; i++)
		v[i] = yield_round();
	printf("RESULT yield_ns %.1f\n", median(v, rounds));

	for (int i = 0; i < creates; i++)
		v[i] = create_once();
	printf("RESULT create_ns %.0f\n", median(v, creates));

	wake_rounds(v, wakes);
	printf("RESULT wake_ns %.0f\n", median(v, wakes));
	fflush(stdout);
	return 0;
}
