// SPDX-License-Identifier: MIT
/*
 * POSIX mutexes, condition variables, barriers and semaphores between
 * threads on every CPU: exact counts under contention, the recursive and
 * error-checking mutex rules, timeouts that never end before their
 * deadline on either clock, and each call's POSIX error numbers.
 */
#define _GNU_SOURCE		/* CPU sets, pthread_attr_setaffinity_np */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/test.h>

#include "test_pthread.h"

#define SHORT_MS 20	/* timeouts that are meant to expire */
#define LONG_MS 60000	/* timeouts that are meant not to */

/* Mutex counter: two threads per CPU add under one mutex; each yields
 * while holding it now and then, so threads of the same CPU meet it
 * locked and park too. */
#define ADDS 2000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < ADDS; i++) {
		EXPECT_EQ(pthread_mutex_lock(&counter_lock), 0);
		long v = counter;

		if (i % 64 == 0)
			sched_yield();
		counter = v + 1;
		EXPECT_EQ(pthread_mutex_unlock(&counter_lock), 0);
	}
	return NULL;
}

TEST(pthread, mutex_counter_under_contention)
{
	unsigned n = cpu_count(), threads = 2 * n;
	pthread_t t[2 * MAX_TEST_CPUS];

	counter = 0;
	for (unsigned i = 0; i < threads; i++)
		ASSERT_EQ(spawn_on(&t[i], i % n, add_many, NULL), 0);
	for (unsigned i = 0; i < threads; i++)
		EXPECT_EQ(pthread_join(t[i], NULL), 0);
	EXPECT_EQ(counter, (long)threads * ADDS);
	EXPECT_EQ(pthread_mutex_destroy(&counter_lock), 0);
}

/* What another thread sees of a mutex held by the test. */
struct outsider {
	pthread_mutex_t *m;
	int trylock, unlock, timedlock;
};

static void *try_from_outside(void *arg)
{
	struct outsider *o = arg;
	struct timespec soon = time_in_ms(CLOCK_REALTIME, SHORT_MS);

	o->trylock = pthread_mutex_trylock(o->m);
	o->unlock = pthread_mutex_unlock(o->m);
	o->timedlock = pthread_mutex_timedlock(o->m, &soon);
	if (o->timedlock == ETIMEDOUT)
		EXPECT_TRUE(time_reached(CLOCK_REALTIME, &soon));
	return NULL;
}

static void *lock_and_unlock(void *arg)
{
	pthread_mutex_t *m = arg;
	int rc = pthread_mutex_trylock(m);

	if (rc == 0)
		rc = pthread_mutex_unlock(m);
	return (void *)(intptr_t)rc;
}

static void init_typed(pthread_mutex_t *m, int type)
{
	pthread_mutexattr_t attr;
	int got = -1;

	EXPECT_EQ(pthread_mutexattr_init(&attr), 0);
	EXPECT_EQ(pthread_mutexattr_settype(&attr, type), 0);
	EXPECT_EQ(pthread_mutexattr_gettype(&attr, &got), 0);
	EXPECT_EQ(got, type);
	EXPECT_EQ(pthread_mutex_init(m, &attr), 0);
	EXPECT_EQ(pthread_mutexattr_destroy(&attr), 0);
}

TEST(pthread, mutex_recursive)
{
	pthread_mutex_t m;
	struct timespec soon = time_in_ms(CLOCK_REALTIME, SHORT_MS);
	struct outsider o = { .m = &m };

	init_typed(&m, PTHREAD_MUTEX_RECURSIVE);
	EXPECT_EQ(pthread_mutex_lock(&m), 0);
	EXPECT_EQ(pthread_mutex_lock(&m), 0);
	EXPECT_EQ(pthread_mutex_trylock(&m), 0);
	EXPECT_EQ(pthread_mutex_timedlock(&m, &soon), 0);
	/* Held four deep: others can neither take nor release it. */
	run_on(other_cpu(), try_from_outside, &o);
	EXPECT_EQ(o.trylock, EBUSY);
	EXPECT_EQ(o.unlock, EPERM);
	EXPECT_EQ(o.timedlock, ETIMEDOUT);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	EXPECT_EQ(pthread_mutex_unlock(&m), EPERM);
	/* Free again for everybody. */
	EXPECT_EQ((intptr_t)run_on(other_cpu(), lock_and_unlock, &m), 0);
	EXPECT_EQ(pthread_mutex_destroy(&m), 0);
}

TEST(pthread, mutex_errorcheck)
{
	pthread_mutex_t m;
	struct timespec soon = time_in_ms(CLOCK_REALTIME, SHORT_MS);
	struct outsider o = { .m = &m };

	init_typed(&m, PTHREAD_MUTEX_ERRORCHECK);
	EXPECT_EQ(pthread_mutex_unlock(&m), EPERM);
	EXPECT_EQ(pthread_mutex_lock(&m), 0);
	EXPECT_EQ(pthread_mutex_lock(&m), EDEADLK);
	EXPECT_EQ(pthread_mutex_timedlock(&m, &soon), EDEADLK);
	EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
	run_on(other_cpu(), try_from_outside, &o);
	EXPECT_EQ(o.trylock, EBUSY);
	EXPECT_EQ(o.unlock, EPERM);
	EXPECT_EQ(o.timedlock, ETIMEDOUT);
	EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	EXPECT_EQ(pthread_mutex_unlock(&m), EPERM);
	EXPECT_EQ((intptr_t)run_on(other_cpu(), lock_and_unlock, &m), 0);
	EXPECT_EQ(pthread_mutex_destroy(&m), 0);
}

TEST(pthread, mutex_normal_and_attr_errors)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutexattr_t attr;
	int type = -1;

	EXPECT_EQ(pthread_mutexattr_init(&attr), 0);
	EXPECT_EQ(pthread_mutexattr_gettype(&attr, &type), 0);
	EXPECT_EQ(type, PTHREAD_MUTEX_DEFAULT);
	EXPECT_EQ(pthread_mutexattr_settype(&attr, 99), EINVAL);
	EXPECT_EQ(pthread_mutex_init(&m, NULL), 0);
	EXPECT_EQ(pthread_mutex_trylock(&m), 0);
	EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
	EXPECT_EQ((intptr_t)run_on(other_cpu(), lock_and_unlock, &m), EBUSY);
	EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	EXPECT_EQ((intptr_t)run_on(other_cpu(), lock_and_unlock, &m), 0);
	EXPECT_EQ(pthread_mutex_destroy(&m), 0);
}

/* A timed lock of a mutex somebody else holds, on clock (clk). */
struct timed_lock {
	pthread_mutex_t *m;
	clockid_t clk;
	long ms;
	int rc;
	bool reached;		/* the deadline had come when it returned */
};

static void *lock_timed(void *arg)
{
	struct timed_lock *tl = arg;
	struct timespec at = time_in_ms(tl->clk, tl->ms);

	if (tl->clk == CLOCK_REALTIME)
		tl->rc = pthread_mutex_timedlock(tl->m, &at);
	else
		tl->rc = pthread_mutex_clocklock(tl->m, tl->clk, &at);
	tl->reached = time_reached(tl->clk, &at);
	if (tl->rc == 0)
		pthread_mutex_unlock(tl->m);
	return NULL;
}

TEST(pthread, mutex_timedlock)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct timespec bad = { 0, 1000000000L }, past = { -1, 0 };
	clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC };

	/* Free: taken at once, without looking at the time. */
	EXPECT_EQ(pthread_mutex_timedlock(&m, &bad), 0);
	/* Held: times out, no earlier than the deadline, on both clocks. */
	for (int i = 0; i < 2; i++) {
		struct timed_lock tl = { &m, clocks[i], SHORT_MS, -1, false };

		run_on(other_cpu(), lock_timed, &tl);
		EXPECT_EQ(tl.rc, ETIMEDOUT);
		EXPECT_TRUE(tl.reached);
	}
	EXPECT_EQ(pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &bad), EINVAL);
	EXPECT_EQ(pthread_mutex_clocklock(&m, CLOCK_PROCESS_CPUTIME_ID, &past),
		  EINVAL);
	/* Released before the deadline: the waiter gets it. */
	struct timed_lock tl = { &m, CLOCK_REALTIME, LONG_MS, -1, true };
	pthread_t t;

	ASSERT_EQ(spawn_on(&t, other_cpu(), lock_timed, &tl), 0);
	usleep(5000);
	EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	EXPECT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(tl.rc, 0);
	EXPECT_FALSE(tl.reached);
	/* A deadline already past: ETIMEDOUT without waiting. */
	EXPECT_EQ(pthread_mutex_lock(&m), 0);
	struct timed_lock late = { &m, CLOCK_REALTIME, -1000, -1, false };

	run_on(other_cpu(), lock_timed, &late);
	EXPECT_EQ(late.rc, ETIMEDOUT);
	EXPECT_EQ(pthread_mutex_unlock(&m), 0);
}

/* Ping-pong: two threads hand a turn back and forth ROUNDS times. */
#define ROUNDS 200

struct pingpong {
	pthread_mutex_t m;
	pthread_cond_t c;
	int turn;
	int moves;
};

struct player {
	struct pingpong *pp;
	int me;
	int cpu_changes;	/* times it found itself on another CPU */
};

static void *play(void *arg)
{
	struct player *p = arg;
	struct pingpong *pp = p->pp;
	int cpu = sched_getcpu();

	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&pp->m);
		while (pp->turn != p->me)
			pthread_cond_wait(&pp->c, &pp->m);
		pp->turn = !p->me;
		pp->moves++;
		pthread_cond_signal(&pp->c);
		pthread_mutex_unlock(&pp->m);
		p->cpu_changes += sched_getcpu() != cpu;
	}
	return NULL;
}

TEST(pthread, cond_ping_pong_across_cpus)
{
	for (unsigned c = 0; c < cpu_count(); c++) {
		struct pingpong pp = { PTHREAD_MUTEX_INITIALIZER,
				       PTHREAD_COND_INITIALIZER, 0, 0 };
		struct player a = { &pp, 0, 0 }, b = { &pp, 1, 0 };
		pthread_t ta, tb;

		ASSERT_EQ(spawn_on(&ta, 0, play, &a), 0);
		ASSERT_EQ(spawn_on(&tb, c, play, &b), 0);
		EXPECT_EQ(pthread_join(ta, NULL), 0);
		EXPECT_EQ(pthread_join(tb, NULL), 0);
		EXPECT_EQ(pp.moves, 2 * ROUNDS);
		EXPECT_EQ(a.cpu_changes + b.cpu_changes, 0);
	}
}

/* Broadcast: waiters on every CPU all wake. */
struct crowd {
	pthread_mutex_t m;
	pthread_cond_t go, arrived;
	unsigned waiting;
	bool open;
};

static void *wait_for_open(void *arg)
{
	struct crowd *cr = arg;

	pthread_mutex_lock(&cr->m);
	cr->waiting++;
	pthread_cond_signal(&cr->arrived);
	while (!cr->open)
		pthread_cond_wait(&cr->go, &cr->m);
	cr->waiting--;
	pthread_mutex_unlock(&cr->m);
	return NULL;
}

TEST(pthread, cond_broadcast_wakes_every_cpu)
{
	unsigned n = cpu_count(), threads = 2 * n;
	struct crowd cr = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			    PTHREAD_COND_INITIALIZER, 0, false };
	pthread_t t[2 * MAX_TEST_CPUS];

	for (unsigned i = 0; i < threads; i++)
		ASSERT_EQ(spawn_on(&t[i], i % n, wait_for_open, &cr), 0);
	pthread_mutex_lock(&cr.m);
	while (cr.waiting < threads)
		pthread_cond_wait(&cr.arrived, &cr.m);
	cr.open = true;
	EXPECT_EQ(pthread_cond_broadcast(&cr.go), 0);
	pthread_mutex_unlock(&cr.m);
	for (unsigned i = 0; i < threads; i++)
		EXPECT_EQ(pthread_join(t[i], NULL), 0);
	EXPECT_EQ(cr.waiting, 0);
	EXPECT_EQ(pthread_cond_destroy(&cr.go), 0);
}

/* A timed wait that nobody signals, on each clock, on every CPU. */
static void *cond_timeouts(void *arg)
{
	clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC };

	(void)arg;
	for (int i = 0; i < 2; i++) {
		pthread_condattr_t ca;
		pthread_cond_t c;
		pthread_mutex_t m;
		clockid_t got = -1;

		init_typed(&m, PTHREAD_MUTEX_ERRORCHECK);
		EXPECT_EQ(pthread_condattr_init(&ca), 0);
		EXPECT_EQ(pthread_condattr_setclock(&ca, clocks[i]), 0);
		EXPECT_EQ(pthread_condattr_getclock(&ca, &got), 0);
		EXPECT_EQ(got, clocks[i]);
		EXPECT_EQ(pthread_cond_init(&c, &ca), 0);
		EXPECT_EQ(pthread_condattr_destroy(&ca), 0);
		pthread_mutex_lock(&m);
		struct timespec at = time_in_ms(clocks[i], SHORT_MS);

		EXPECT_EQ(pthread_cond_timedwait(&c, &m, &at), ETIMEDOUT);
		EXPECT_TRUE(time_reached(clocks[i], &at));
		/* The other clock, through clockwait. */
		at = time_in_ms(clocks[!i], SHORT_MS);
		EXPECT_EQ(pthread_cond_clockwait(&c, &m, clocks[!i], &at),
			  ETIMEDOUT);
		EXPECT_TRUE(time_reached(clocks[!i], &at));
		/* Held again after a timeout. */
		EXPECT_EQ(pthread_mutex_unlock(&m), 0);
		EXPECT_EQ(pthread_cond_destroy(&c), 0);
	}
	return NULL;
}

TEST(pthread, cond_timedwait_times_out_on_both_clocks)
{
	for (unsigned c = 0; c < cpu_count(); c++)
		run_on(c, cond_timeouts, NULL);
}

/* A waiter with a distant deadline, signalled long before it. */
struct signalled {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool waiting, signalled;
	int rc;
};

static void *wait_long(void *arg)
{
	struct signalled *s = arg;
	struct timespec at = time_in_ms(CLOCK_REALTIME, LONG_MS);

	pthread_mutex_lock(&s->m);
	s->waiting = true;
	s->rc = 0;
	while (!s->signalled && s->rc == 0)
		s->rc = pthread_cond_timedwait(&s->c, &s->m, &at);
	pthread_mutex_unlock(&s->m);
	return NULL;
}

TEST(pthread, cond_timedwait_signalled_in_time)
{
	struct signalled s = { PTHREAD_MUTEX_INITIALIZER,
			       PTHREAD_COND_INITIALIZER, false, false, -1 };
	pthread_t t;

	ASSERT_EQ(spawn_on(&t, other_cpu(), wait_long, &s), 0);
	/* Once (waiting) is seen under the mutex, the waiter is queued. */
	for (;;) {
		pthread_mutex_lock(&s.m);
		if (s.waiting)
			break;
		pthread_mutex_unlock(&s.m);
		usleep(100);
	}
	s.signalled = true;
	pthread_cond_signal(&s.c);
	pthread_mutex_unlock(&s.m);
	EXPECT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(s.rc, 0);
}

/* A wait releases a recursive mutex held once (a deeper hold stays held
 * through a wait: POSIX advises against it, musl and glibc release one
 * level) and holds it again after. */
struct deep_wait {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool taken;		/* by the other thread, during the wait */
};

static void *take_during_wait(void *arg)
{
	struct deep_wait *d = arg;

	EXPECT_EQ(pthread_mutex_lock(&d->m), 0);
	d->taken = true;
	pthread_cond_signal(&d->c);
	EXPECT_EQ(pthread_mutex_unlock(&d->m), 0);
	return NULL;
}

TEST(pthread, cond_wait_with_recursive_and_errorcheck_mutexes)
{
	struct deep_wait d = { .c = PTHREAD_COND_INITIALIZER };
	pthread_mutex_t ec;
	struct timespec bad = { 0, -1 }, at;
	pthread_condattr_t ca;
	clockid_t clk = -1;
	pthread_t t;

	init_typed(&d.m, PTHREAD_MUTEX_RECURSIVE);
	init_typed(&ec, PTHREAD_MUTEX_ERRORCHECK);
	EXPECT_EQ(pthread_mutex_lock(&d.m), 0);
	ASSERT_EQ(spawn_on(&t, other_cpu(), take_during_wait, &d), 0);
	while (!d.taken)
		EXPECT_EQ(pthread_cond_wait(&d.c, &d.m), 0);
	EXPECT_EQ(pthread_join(t, NULL), 0);
	/* Ours again, and as recursive as before. */
	EXPECT_EQ(pthread_mutex_lock(&d.m), 0);
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(pthread_mutex_unlock(&d.m), 0);
	EXPECT_EQ(pthread_mutex_unlock(&d.m), EPERM);

	/* Errors: a mutex not held, a bad time, a clock not supported. */
	EXPECT_EQ(pthread_cond_wait(&d.c, &ec), EPERM);
	at = time_in_ms(CLOCK_REALTIME, SHORT_MS);
	EXPECT_EQ(pthread_cond_timedwait(&d.c, &d.m, &at), EPERM);
	EXPECT_EQ(pthread_mutex_lock(&ec), 0);
	EXPECT_EQ(pthread_cond_timedwait(&d.c, &ec, &bad), EINVAL);
	bad.tv_nsec = 1000000000L;
	EXPECT_EQ(pthread_cond_timedwait(&d.c, &ec, &bad), EINVAL);
	EXPECT_EQ(pthread_mutex_unlock(&ec), 0);
	EXPECT_EQ(pthread_condattr_init(&ca), 0);
	EXPECT_EQ(pthread_condattr_getclock(&ca, &clk), 0);
	EXPECT_EQ(clk, CLOCK_REALTIME);
	EXPECT_EQ(pthread_condattr_setclock(&ca, CLOCK_PROCESS_CPUTIME_ID),
		  EINVAL);
}

/* Barrier rounds across every CPU: one serial thread per round. */
#define BARRIER_ROUNDS 20

static pthread_barrier_t rounds_barrier;
static int serial_count[BARRIER_ROUNDS], passed[BARRIER_ROUNDS];
static int overtaken;	/* threads that saw a round not everybody reached */

static void *run_rounds(void *arg)
{
	unsigned threads = (uintptr_t)arg;

	for (int r = 0; r < BARRIER_ROUNDS; r++) {
		__atomic_add_fetch(&passed[r], 1, __ATOMIC_RELAXED);
		int rc = pthread_barrier_wait(&rounds_barrier);

		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&serial_count[r], 1,
					   __ATOMIC_RELAXED);
		else
			EXPECT_EQ(rc, 0);
		if ((unsigned)__atomic_load_n(&passed[r], __ATOMIC_RELAXED) !=
		    threads)
			__atomic_add_fetch(&overtaken, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(pthread, barrier_rounds_on_every_cpu)
{
	unsigned n = cpu_count(), threads = 2 * n;
	pthread_t t[2 * MAX_TEST_CPUS];
	pthread_barrier_t b;
	pthread_barrierattr_t ba;

	EXPECT_EQ(pthread_barrierattr_init(&ba), 0);
	EXPECT_EQ(pthread_barrier_init(&b, &ba, 0), EINVAL);
	EXPECT_EQ(pthread_barrierattr_destroy(&ba), 0);
	ASSERT_EQ(pthread_barrier_init(&rounds_barrier, NULL, threads), 0);
	for (unsigned i = 0; i < threads; i++)
		ASSERT_EQ(spawn_on(&t[i], i % n, run_rounds,
				   (void *)(uintptr_t)threads), 0);
	for (unsigned i = 0; i < threads; i++)
		EXPECT_EQ(pthread_join(t[i], NULL), 0);
	for (int r = 0; r < BARRIER_ROUNDS; r++)
		EXPECT_EQ(serial_count[r], 1);
	EXPECT_EQ(overtaken, 0);
	EXPECT_EQ(pthread_barrier_destroy(&rounds_barrier), 0);
}

TEST(pthread, sem_basics_and_errno)
{
	sem_t s;
	int v = -1;

	errno = 0;
	EXPECT_EQ(sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1), -1);
	EXPECT_EQ(errno, EINVAL);
	ASSERT_EQ(sem_init(&s, 1, 0), 0);
	errno = 0;
	EXPECT_EQ(sem_trywait(&s), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(sem_post(&s), 0);
	EXPECT_EQ(sem_post(&s), 0);
	EXPECT_EQ(sem_getvalue(&s, &v), 0);
	EXPECT_EQ(v, 2);
	EXPECT_EQ(sem_trywait(&s), 0);
	EXPECT_EQ(sem_wait(&s), 0);
	EXPECT_EQ(sem_getvalue(&s, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(sem_destroy(&s), 0);
	/* The largest value takes no more posts. */
	ASSERT_EQ(sem_init(&s, 0, SEM_VALUE_MAX), 0);
	errno = 0;
	EXPECT_EQ(sem_post(&s), -1);
	EXPECT_EQ(errno, EOVERFLOW);
	EXPECT_EQ(sem_getvalue(&s, &v), 0);
	EXPECT_EQ(v, SEM_VALUE_MAX);
}

static void *sem_timeouts(void *arg)
{
	sem_t s;
	struct timespec bad = { 0, 1000000000L }, past = { -5, 0 }, at;

	(void)arg;
	sem_init(&s, 0, 0);
	at = time_in_ms(CLOCK_REALTIME, SHORT_MS);
	errno = 0;
	EXPECT_EQ(sem_timedwait(&s, &at), -1);
	EXPECT_EQ(errno, ETIMEDOUT);
	EXPECT_TRUE(time_reached(CLOCK_REALTIME, &at));
	at = time_in_ms(CLOCK_MONOTONIC, SHORT_MS);
	errno = 0;
	EXPECT_EQ(sem_clockwait(&s, CLOCK_MONOTONIC, &at), -1);
	EXPECT_EQ(errno, ETIMEDOUT);
	EXPECT_TRUE(time_reached(CLOCK_MONOTONIC, &at));
	errno = 0;
	EXPECT_EQ(sem_timedwait(&s, &past), -1);
	EXPECT_EQ(errno, ETIMEDOUT);
	errno = 0;
	EXPECT_EQ(sem_timedwait(&s, &bad), -1);
	EXPECT_EQ(errno, EINVAL);
	/* Available: taken without looking at the time. */
	sem_post(&s);
	EXPECT_EQ(sem_timedwait(&s, &bad), 0);
	return NULL;
}

TEST(pthread, sem_timedwait_times_out)
{
	for (unsigned c = 0; c < cpu_count(); c++)
		run_on(c, sem_timeouts, NULL);
}

/*
 * Semaphores between CPUs: producers everywhere, and a consumer that
 * waits with a deadline that does not come. The consumer gets fewer
 * posts: one thread posting in a loop to a waiter on another CPU makes
 * both spin on the semaphore's lock, which is slow under TCG when the
 * host has fewer free cores than the guest has busy CPUs.
 */
#define POSTS 500
#define CONSUMED 100

static void *post_many(void *arg)
{
	for (int i = 0; i < POSTS; i++) {
		EXPECT_EQ(sem_post(arg), 0);
		if (i % 32 == 0)
			sched_yield();
	}
	return NULL;
}

struct consumer {
	sem_t *s;
	int got;
};

static void *consume_timed(void *arg)
{
	struct consumer *c = arg;
	struct timespec at = time_in_ms(CLOCK_REALTIME, LONG_MS);

	for (int i = 0; i < CONSUMED; i++)
		c->got += sem_timedwait(c->s, &at) == 0;
	return NULL;
}

TEST(pthread, sem_across_cpus)
{
	unsigned n = cpu_count();
	pthread_t prod[MAX_TEST_CPUS], cons;
	sem_t s, s2;
	struct consumer c = { &s2, 0 };
	int v = -1;

	sem_init(&s, 0, 0);
	sem_init(&s2, 0, 0);
	for (unsigned i = 0; i < n; i++)
		ASSERT_EQ(spawn_on(&prod[i], i, post_many, &s), 0);
	for (unsigned i = 0; i < n * POSTS; i++)
		EXPECT_EQ(sem_wait(&s), 0);
	for (unsigned i = 0; i < n; i++)
		EXPECT_EQ(pthread_join(prod[i], NULL), 0);
	EXPECT_EQ(sem_trywait(&s), -1);
	EXPECT_EQ(sem_getvalue(&s, &v), 0);
	EXPECT_EQ(v, 0);

	ASSERT_EQ(spawn_on(&cons, other_cpu(), consume_timed, &c), 0);
	for (int i = 0; i < CONSUMED; i++)
		EXPECT_EQ(sem_post(&s2), 0);
	EXPECT_EQ(pthread_join(cons, NULL), 0);
	EXPECT_EQ(c.got, CONSUMED);
}
