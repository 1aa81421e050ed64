// SPDX-License-Identifier: MIT
/*
 * Scheduler benchmark, Toro side: the same measurements as
 * bench/sched/linux_sched.c, made with Toro's threads (bench/sched.py runs
 * both). Prints "RESULT name value" lines.
 *
 *  yield_ns   main and a second thread on CPU 0 alternately call
 *             thread_yield(); wall time per switch, median over rounds
 *  create_ns  main (CPU 0) creates a thread on CPU 1; time from just before
 *             thread_create() to the new thread's first statement, median
 *             over creations (each one joined)
 *  wake_ns    a thread on CPU 1 sleeps on a condition variable; main takes
 *             a timestamp and signals it; time until the waiter runs again,
 *             median over round trips
 *
 * Usage: toro run sched.elf --smp 2 -- [YIELD_ROUNDS YIELDS_PER_ROUND
 *        CREATES WAKES] or -- idle (sleeps 12 s between two marker lines,
 *        for the host CPU measurement).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/thread.h>
#include <toro/time.h>

static void die(const char *what)
{
	printf("sched: %s failed\n", what);
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

static struct thread *start_on(unsigned cpu, void *(*fn)(void *), void *arg)
{
	struct thread *t = thread_create(cpu, 0, fn, arg);

	if (!t)
		die("thread_create");
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
		thread_yield();
	return NULL;
}

/* One round: ns per switch while main and a partner on CPU 0 each yield
 * (yields_per_round) times: 2 * n switches. */
static double yield_round(void)
{
	uint64_t t0, t1;
	struct thread *t;

	yield_ready = 0;
	t = start_on(0, yield_partner, NULL);
	while (!__atomic_load_n(&yield_ready, __ATOMIC_ACQUIRE))
		thread_yield();
	t0 = clock_ns();
	for (long i = 0; i < yields_per_round; i++)
		thread_yield();
	t1 = clock_ns();
	thread_join(t, NULL);
	return (double)(t1 - t0) / (2.0 * yields_per_round);
}

/* --- 2. Cross-CPU creation --------------------------------------------- */

static uint64_t probe_started;

static void *create_probe(void *arg)
{
	(void)arg;
	__atomic_store_n(&probe_started, clock_ns(), __ATOMIC_RELEASE);
	return NULL;
}

static double create_once(void)
{
	struct thread *t;
	uint64_t t0;

	t0 = clock_ns();
	t = start_on(1, create_probe, NULL);
	thread_join(t, NULL);
	return (double)(__atomic_load_n(&probe_started, __ATOMIC_ACQUIRE) - t0);
}

/* --- 3. Cross-CPU wake ------------------------------------------------- */

#define WAKE_STOP UINT32_MAX

static struct mutex wake_lock;
static struct cond wake_cond;
static uint32_t wake_seq;   /* round being signalled, under wake_lock */
static uint32_t wake_acked; /* last round the waiter saw (atomic) */
static uint64_t woke_at;    /* its wake-up time (atomic) */

static void *wake_waiter(void *arg)
{
	uint32_t seen = 0;

	(void)arg;
	mutex_lock(&wake_lock);
	for (;;) {
		while (wake_seq == seen)
			cond_wait(&wake_cond, &wake_lock);
		__atomic_store_n(&woke_at, clock_ns(), __ATOMIC_RELAXED);
		seen = wake_seq;
		__atomic_store_n(&wake_acked, seen, __ATOMIC_RELEASE);
		if (seen == WAKE_STOP)
			break;
	}
	mutex_unlock(&wake_lock);
	return NULL;
}

static void wake_signal(uint32_t seq, uint64_t *sent)
{
	mutex_lock(&wake_lock);
	wake_seq = seq;
	*sent = clock_ns();
	cond_signal(&wake_cond);
	mutex_unlock(&wake_lock);
}

static void wake_rounds(double *v, int n)
{
	struct thread *t;
	uint64_t sent;

	t = start_on(1, wake_waiter, NULL);
	for (int i = 0; i < n; i++) {
		thread_sleep_ns(1000000); /* the waiter is asleep by then */
		wake_signal(i + 1, &sent);
		while (__atomic_load_n(&wake_acked, __ATOMIC_ACQUIRE) !=
		       (uint32_t)i + 1)
			;
		v[i] = (double)(__atomic_load_n(&woke_at, __ATOMIC_RELAXED) -
				sent);
	}
	wake_signal(WAKE_STOP, &sent);
	thread_join(t, NULL);
}

/* ----------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	int creates = argc > 3 ? atoi(argv[3]) : 1000;
	int wakes = argc > 4 ? atoi(argv[4]) : 1000;
	int n = rounds > creates ? rounds : creates;
	double *v;

	if (argc > 1 && strcmp(argv[1], "idle") == 0) {
		printf("IDLE-START\n");
		sleep(12);
		printf("IDLE-END\n");
		return 0;
	}
	yields_per_round = argc > 2 ? atol(argv[2]) : 100000;
	n = n > wakes ? n : wakes;
	v = calloc(n, sizeof(*v));
	if (!v || rounds < 1 || creates < 1 || wakes < 1 ||
	    yields_per_round < 1)
		die("arguments");
	printf("RESULT cpus %u\n", cpu_count());
	if (cpu_count() < 2 || cpu_id() != 0)
		die("needs 2 CPUs, main on CPU 0:");

	for (int i = 0; i < rounds; i++)
		v[i] = yield_round();
	printf("RESULT yield_ns %.1f\n", median(v, rounds));

	for (int i = 0; i < creates; i++)
		v[i] = create_once();
	printf("RESULT create_ns %.0f\n", median(v, creates));

	wake_rounds(v, wakes);
	printf("RESULT wake_ns %.0f\n", median(v, wakes));
	return 0;
}
