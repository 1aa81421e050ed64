// SPDX-License-Identifier: MIT
/*
 * POSIX threads over Toro's threads: creation on every CPU through
 * affinity, attributes with their errors, join and detach, exit values,
 * pthread_once racing on every CPU, and thread-specific data with its
 * destructors. The synchronisation objects are in test_pthread_sync.c.
 * Only orderings and error numbers are checked, never durations; calls
 * POSIX leaves undefined (a bad handle, key or control) are not made.
 */
#define _GNU_SOURCE		/* CPU sets, pthread_attr_setaffinity_np */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/memory.h>
#include <toro/test.h>
#include <toro/thread.h>

#include "test_pthread.h"

int attr_on_cpu(pthread_attr_t *attr, unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(attr);
	return pthread_attr_setaffinity_np(attr, sizeof(set), &set);
}

int spawn_on(pthread_t *t, unsigned cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;

	attr_on_cpu(&attr, cpu);
	int rc = pthread_create(t, &attr, fn, arg);

	pthread_attr_destroy(&attr);
	return rc;
}

void *run_on(unsigned cpu, void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *value = (void *)-1;

	if (EXPECT_EQ(spawn_on(&t, cpu, fn, arg), 0))
		EXPECT_EQ(pthread_join(t, &value), 0);
	return value;
}

unsigned other_cpu(void)
{
	return cpu_count() - 1;
}

struct timespec time_in_ms(clockid_t clk, long ms)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += ms % 1000 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

bool time_reached(clockid_t clk, const struct timespec *t)
{
	struct timespec now;

	clock_gettime(clk, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* Where a thread ran: at its start, after yields, after sleeps. */
struct whereabouts {
	unsigned cpu;		/* asked for */
	int start, after_yield, after_sleep;
	pthread_t self;
};

static void *report_cpu(void *arg)
{
	struct whereabouts *w = arg;
	struct timespec ts = { 0, 500000 };

	w->start = sched_getcpu();
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(sched_yield(), 0);
	w->after_yield = sched_getcpu();
	usleep(1000);
	nanosleep(&ts, NULL);
	w->after_sleep = sched_getcpu();
	w->self = pthread_self();
	return (void *)(uintptr_t)(w->cpu * 10 + 7);
}

TEST(pthread, create_join_on_every_cpu)
{
	unsigned n = cpu_count();
	struct whereabouts w[MAX_TEST_CPUS] = { 0 };
	pthread_t t[MAX_TEST_CPUS];

	ASSERT_TRUE(n <= MAX_TEST_CPUS);
	/* All at once, so threads of several CPUs overlap. */
	for (unsigned c = 0; c < n; c++) {
		w[c].cpu = c;
		ASSERT_EQ(spawn_on(&t[c], c, report_cpu, &w[c]), 0);
	}
	for (unsigned c = 0; c < n; c++) {
		void *value = NULL;

		EXPECT_EQ(pthread_join(t[c], &value), 0);
		EXPECT_EQ((uintptr_t)value, c * 10 + 7);
		EXPECT_EQ(w[c].start, c);
		EXPECT_EQ(w[c].after_yield, c);
		EXPECT_EQ(w[c].after_sleep, c);
		EXPECT_TRUE(pthread_equal(w[c].self, t[c]));
	}
}

static void *child_cpu(void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)sched_getcpu();
}

/* Creates a thread without attributes and returns where it ran. */
static void *spawn_plain(void *arg)
{
	pthread_t t;
	void *value = (void *)-1;

	(void)arg;
	if (EXPECT_EQ(pthread_create(&t, NULL, child_cpu, NULL), 0))
		EXPECT_EQ(pthread_join(t, &value), 0);
	return value;
}

TEST(pthread, default_cpu_is_the_creators)
{
	EXPECT_EQ((uintptr_t)spawn_plain(NULL), sched_getcpu());
	for (unsigned c = 0; c < cpu_count(); c++)
		EXPECT_EQ((uintptr_t)run_on(c, spawn_plain, NULL), c);
}

/* Where a thread created with affinity (set) runs, or minus the error. */
static long cpu_chosen_for(const cpu_set_t *set)
{
	pthread_attr_t attr;
	pthread_t t;
	void *value = (void *)-1;

	pthread_attr_init(&attr);
	EXPECT_EQ(pthread_attr_setaffinity_np(&attr, sizeof(*set), set), 0);
	int rc = pthread_create(&t, &attr, child_cpu, NULL);

	pthread_attr_destroy(&attr);
	if (rc)
		return -rc;
	EXPECT_EQ(pthread_join(t, &value), 0);
	return (long)(uintptr_t)value;
}

TEST(pthread, affinity_picks_the_lowest_existing_cpu)
{
	unsigned n = cpu_count();
	cpu_set_t set;

	/* Several CPUs, some of them missing: the lowest that exists. */
	CPU_ZERO(&set);
	CPU_SET(n - 1, &set);
	CPU_SET(n, &set);
	CPU_SET(CPU_SETSIZE - 1, &set);
	EXPECT_EQ(CPU_COUNT(&set), 3);
	EXPECT_EQ(cpu_chosen_for(&set), n - 1);
	CPU_ZERO(&set);
	for (unsigned c = n / 2; c < n; c++)
		CPU_SET(c, &set);
	EXPECT_EQ(cpu_chosen_for(&set), n / 2);
	/* Empty, or only CPUs that do not exist: EINVAL. */
	CPU_ZERO(&set);
	EXPECT_EQ(cpu_chosen_for(&set), -EINVAL);
	CPU_SET(n, &set);
	CPU_SET(CPU_SETSIZE - 1, &set);
	EXPECT_EQ(cpu_chosen_for(&set), -EINVAL);
	CPU_CLR(n, &set);
	CPU_CLR(CPU_SETSIZE - 1, &set);
	EXPECT_EQ(CPU_COUNT(&set), 0);
	EXPECT_FALSE(CPU_ISSET(n, &set));
	/* Beyond the set's bits (musl's CPU_SETSIZE is fewer): ignored. */
	CPU_SET(8 * sizeof(cpu_set_t), &set);
	EXPECT_EQ(CPU_COUNT(&set), 0);
}

TEST(pthread, attributes_and_their_errors)
{
	pthread_attr_t attr;
	size_t size = 0;
	int state = -1;
	unsigned char big[sizeof(cpu_set_t) * 2];
	cpu_set_t set, out;

	ASSERT_EQ(pthread_attr_init(&attr), 0);
	EXPECT_EQ(pthread_attr_getstacksize(&attr, &size), 0);
	/* Toro's default, not musl's 128 KiB (libc/start.c). */
	EXPECT_EQ(size, (size_t)THREAD_STACK_DEFAULT);
	EXPECT_EQ(pthread_attr_getdetachstate(&attr, &state), 0);
	EXPECT_EQ(state, PTHREAD_CREATE_JOINABLE);

	EXPECT_EQ(pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN - 1),
		  EINVAL);
	EXPECT_EQ(pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN), 0);
	EXPECT_EQ(pthread_attr_getstacksize(&attr, &size), 0);
	EXPECT_EQ(size, PTHREAD_STACK_MIN);
	EXPECT_EQ(pthread_attr_setdetachstate(&attr, 42), EINVAL);
	EXPECT_EQ(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED),
		  0);
	EXPECT_EQ(pthread_attr_getdetachstate(&attr, &state), 0);
	EXPECT_EQ(state, PTHREAD_CREATE_DETACHED);

	/* No affinity chosen: every CPU. */
	EXPECT_EQ(pthread_attr_getaffinity_np(&attr, sizeof(out), &out), 0);
	EXPECT_EQ(CPU_COUNT(&out), cpu_count());
	for (unsigned c = 0; c < cpu_count(); c++)
		EXPECT_TRUE(CPU_ISSET(c, &out));
	/* A choice comes back as it was made. */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CPU_SET(700, &set);
	EXPECT_EQ(pthread_attr_setaffinity_np(&attr, sizeof(set), &set), 0);
	EXPECT_EQ(pthread_attr_getaffinity_np(&attr, sizeof(out), &out), 0);
	EXPECT_TRUE(CPU_EQUAL(&set, &out));
	/* Too small to hold CPU 700: EINVAL. */
	EXPECT_EQ(pthread_attr_getaffinity_np(&attr, 8, &out), EINVAL);
	/* A larger set may not name CPUs beyond CPU_SETSIZE. */
	memset(big, 0, sizeof(big));
	big[0] = 1;
	EXPECT_EQ(pthread_attr_setaffinity_np(&attr, sizeof(big),
					      (cpu_set_t *)big), 0);
	big[sizeof(cpu_set_t)] = 1;
	EXPECT_EQ(pthread_attr_setaffinity_np(&attr, sizeof(big),
					      (cpu_set_t *)big), EINVAL);
	/* Removing the choice. */
	EXPECT_EQ(pthread_attr_setaffinity_np(&attr, 0, NULL), 0);
	EXPECT_EQ(pthread_attr_getaffinity_np(&attr, sizeof(out), &out), 0);
	EXPECT_EQ(CPU_COUNT(&out), cpu_count());
	EXPECT_EQ(pthread_attr_destroy(&attr), 0);
}

/* 200 KiB of locals, live across a yield and a sleep. */
static __attribute__((noinline)) long big_frame(void)
{
	volatile char buf[200 * 1024];
	long sum = 0;

	for (size_t i = 0; i < sizeof(buf); i += 256)
		buf[i] = (char)(i >> 8);
	sched_yield();
	usleep(100);
	for (size_t i = 0; i < sizeof(buf); i += 256)
		sum += buf[i];
	return sum;
}

static void *use_big_frame(void *arg)
{
	(void)arg;
	return (void *)big_frame();
}

TEST(pthread, stack_size_is_honoured)
{
	long expect = 0;

	for (size_t i = 0; i < 200 * 1024; i += 256)
		expect += (char)(i >> 8);
	for (unsigned c = 0; c < cpu_count(); c++) {
		pthread_attr_t attr;
		pthread_t t;
		void *value = NULL;

		attr_on_cpu(&attr, c);
		EXPECT_EQ(pthread_attr_setstacksize(&attr, 512 * 1024), 0);
		ASSERT_EQ(pthread_create(&t, &attr, use_big_frame, NULL), 0);
		EXPECT_EQ(pthread_join(t, &value), 0);
		EXPECT_EQ((long)value, expect);
		pthread_attr_destroy(&attr);
	}
}

/* The error is the return value; errno may change on the way (musl's
 * pthread_create() leaves the failed mmap()'s ENOMEM there, as on Linux). */
TEST(pthread, create_errors)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	/* More than the kernel gives any stack. */
	EXPECT_EQ(pthread_attr_setstacksize(&attr, 2UL << 30), 0);
	EXPECT_EQ(pthread_create(&t, &attr, child_cpu, NULL), EAGAIN);
	pthread_attr_destroy(&attr);
	attr_on_cpu(&attr, cpu_count());
	EXPECT_EQ(pthread_create(&t, &attr, child_cpu, NULL), EINVAL);
	pthread_attr_destroy(&attr);
}

static int after_exit;

static __attribute__((noinline)) void leave(void *value)
{
	pthread_exit(value);
}

static void *exit_deep(void *arg)
{
	leave(arg);
	after_exit = 1;
	return NULL;
}

TEST(pthread, exit_and_return_values)
{
	for (unsigned c = 0; c < cpu_count(); c++) {
		after_exit = 0;
		void *value = run_on(c, exit_deep, (void *)0x4242);

		EXPECT_EQ((uintptr_t)value, 0x4242);
		EXPECT_EQ(after_exit, 0);
	}
	/* A NULL place for the value is fine. */
	pthread_t t;

	ASSERT_EQ(pthread_create(&t, NULL, child_cpu, NULL), 0);
	EXPECT_EQ(pthread_join(t, NULL), 0);
}

struct parked {
	sem_t go;		/* posted to let the thread end */
	sem_t done;		/* posted by the thread as it ends */
};

static void *park_until_go(void *arg)
{
	struct parked *p = arg;

	sem_wait(&p->go);
	sem_post(&p->done);
	return NULL;
}

/* Live heap bytes once every CPU has taken back what others freed. */
static size_t settled_heap(void)
{
	struct mem_stats st;

	mem_reclaim();
	mem_stats(&st);
	return st.heap_in_use;
}

TEST(pthread, detach)
{
	unsigned n = cpu_count();
	struct parked p;
	pthread_attr_t attr;
	pthread_t t;

	/* Every thread below is detached: all their memory comes back
	 * once they are gone. */
	size_t base = settled_heap();

	sem_init(&p.go, 0, 0);
	sem_init(&p.done, 0, 0);
	/* Detached while it runs: it ends by itself. (A detached thread
	 * is no one's to join or detach again: undefined.) */
	ASSERT_EQ(spawn_on(&t, other_cpu(), park_until_go, &p), 0);
	EXPECT_EQ(pthread_detach(t), 0);
	sem_post(&p.go);
	sem_wait(&p.done);

	/* Detached from the start, on every CPU at once. (Only those
	 * made are waited for: a failure must not hang the test.) */
	unsigned made = 0;

	for (unsigned c = 0; c < n; c++) {
		attr_on_cpu(&attr, c);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		for (int i = 0; i < 3; i++) {
			int rc = pthread_create(&t, &attr, park_until_go, &p);

			EXPECT_EQ(rc, 0);
			made += rc == 0;
		}
		pthread_attr_destroy(&attr);
	}
	for (unsigned i = 0; i < made; i++)
		sem_post(&p.go);
	for (unsigned i = 0; i < made; i++)
		sem_wait(&p.done);
	/* Posting (done) is not quite their end: give them time to go. */
	for (int i = 0; i < 2000 && settled_heap() != base; i++)
		usleep(1000);
	EXPECT_EQ(settled_heap(), base);
}

static void *return_self(void *arg)
{
	(void)arg;
	return pthread_self();
}

TEST(pthread, self_and_equal)
{
	pthread_t t;
	void *value = NULL;

	EXPECT_TRUE(pthread_equal(pthread_self(), pthread_self()));
	ASSERT_EQ(pthread_create(&t, NULL, return_self, NULL), 0);
	EXPECT_FALSE(pthread_equal(t, pthread_self()));
	EXPECT_EQ(pthread_join(t, &value), 0);
	EXPECT_TRUE(pthread_equal((pthread_t)value, t));
}

TEST(pthread, sched_calls)
{
	EXPECT_EQ(sched_yield(), 0);
	EXPECT_EQ(sched_getcpu(), (int)cpu_id());
	for (unsigned c = 0; c < cpu_count(); c++)
		EXPECT_EQ((uintptr_t)run_on(c, child_cpu, NULL), c);
}

/*
 * pthread_once: threads on every CPU, two per CPU, meet at a barrier and
 * race for each of several controls. The routine sleeps, so the losers on
 * its CPU run meanwhile and must park rather than spin (spinning would
 * never let the sleeper back on a cooperative CPU).
 */
#define ONCE_ROUNDS 4

static pthread_once_t once_ctl[ONCE_ROUNDS] = {
	PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
	PTHREAD_ONCE_INIT
};
static int once_runs[ONCE_ROUNDS], once_finished[ONCE_ROUNDS];
static int once_early;		/* calls that returned before the routine */
static _Thread_local int once_round;
static pthread_barrier_t once_barrier;

static void once_routine(void)
{
	__atomic_add_fetch(&once_runs[once_round], 1, __ATOMIC_RELAXED);
	usleep(2000);
	__atomic_store_n(&once_finished[once_round], 1, __ATOMIC_RELEASE);
}

static void *once_racer(void *arg)
{
	(void)arg;
	for (int r = 0; r < ONCE_ROUNDS; r++) {
		once_round = r;
		pthread_barrier_wait(&once_barrier);
		EXPECT_EQ(pthread_once(&once_ctl[r], once_routine), 0);
		if (!__atomic_load_n(&once_finished[r], __ATOMIC_ACQUIRE))
			__atomic_add_fetch(&once_early, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(pthread, once_races_on_every_cpu)
{
	unsigned n = cpu_count(), threads = 2 * n;
	pthread_t t[2 * MAX_TEST_CPUS];

	ASSERT_EQ(pthread_barrier_init(&once_barrier, NULL, threads), 0);
	for (unsigned i = 0; i < threads; i++)
		ASSERT_EQ(spawn_on(&t[i], i % n, once_racer, NULL), 0);
	for (unsigned i = 0; i < threads; i++)
		EXPECT_EQ(pthread_join(t[i], NULL), 0);
	for (int r = 0; r < ONCE_ROUNDS; r++)
		EXPECT_EQ(once_runs[r], 1);
	EXPECT_EQ(once_early, 0);
	/* Done controls return at once without running anything. */
	EXPECT_EQ(pthread_once(&once_ctl[0], once_routine), 0);
	EXPECT_EQ(once_runs[0], 1);
	EXPECT_EQ(pthread_barrier_destroy(&once_barrier), 0);
}

/* Thread-specific data. Destructor calls are logged with their value and
 * the thread and CPU they ran on. */
#define LOG_MAX 64

struct dtor_call {
	void *value;
	pthread_t thread;
	int cpu;
};

static struct dtor_call dtor_log[LOG_MAX];
static int dtor_calls;
static pthread_key_t key_plain, key_again, key_always;

static void log_call(void *value)
{
	int i = __atomic_fetch_add(&dtor_calls, 1, __ATOMIC_RELAXED);

	if (i < LOG_MAX)
		dtor_log[i] = (struct dtor_call){ value, pthread_self(),
						  sched_getcpu() };
}

static void dtor_plain(void *value)
{
	log_call(value);
}

/* Sets a new value twice: three calls in all. */
static void dtor_again(void *value)
{
	log_call(value);
	if ((uintptr_t)value < 3)
		pthread_setspecific(key_again, (void *)((uintptr_t)value + 1));
}

/* Always sets a new value: cut off after the last round. */
static void dtor_always(void *value)
{
	log_call(value);
	pthread_setspecific(key_always, value);
}

static int count_calls(void *value)
{
	int n = 0;

	for (int i = 0; i < dtor_calls && i < LOG_MAX; i++)
		n += dtor_log[i].value == value;
	return n;
}

static char key_values[MAX_TEST_CPUS];

static void *set_plain(void *arg)
{
	EXPECT_NULL(pthread_getspecific(key_plain));
	EXPECT_EQ(pthread_setspecific(key_plain, arg), 0);
	sched_yield();
	EXPECT_EQ(pthread_getspecific(key_plain), arg);
	return pthread_self();
}

TEST(pthread, key_destructors_run_at_exit)
{
	unsigned n = cpu_count();
	pthread_t t[MAX_TEST_CPUS];

	dtor_calls = 0;
	ASSERT_EQ(pthread_key_create(&key_plain, dtor_plain), 0);
	for (unsigned c = 0; c < n; c++)
		ASSERT_EQ(spawn_on(&t[c], c, set_plain, &key_values[c]), 0);
	for (unsigned c = 0; c < n; c++)
		EXPECT_EQ(pthread_join(t[c], NULL), 0);
	/* Done by the time the joins return: once per value, in the
	 * thread that set it, on its CPU. */
	EXPECT_EQ(dtor_calls, n);
	for (unsigned c = 0; c < n; c++) {
		EXPECT_EQ(count_calls(&key_values[c]), 1);
		for (int i = 0; i < dtor_calls; i++) {
			if (dtor_log[i].value != &key_values[c])
				continue;
			EXPECT_TRUE(pthread_equal(dtor_log[i].thread, t[c]));
			EXPECT_EQ(dtor_log[i].cpu, c);
		}
	}
	EXPECT_EQ(pthread_key_delete(key_plain), 0);
}

static void *set_rounds(void *arg)
{
	(void)arg;
	EXPECT_EQ(pthread_setspecific(key_again, (void *)1), 0);
	EXPECT_EQ(pthread_setspecific(key_always, (void *)100), 0);
	EXPECT_EQ(pthread_setspecific(key_plain, NULL), 0);
	return NULL;
}

TEST(pthread, key_destructor_rounds)
{
	dtor_calls = 0;
	ASSERT_EQ(pthread_key_create(&key_plain, dtor_plain), 0);
	ASSERT_EQ(pthread_key_create(&key_again, dtor_again), 0);
	ASSERT_EQ(pthread_key_create(&key_always, dtor_always), 0);
	run_on(other_cpu(), set_rounds, NULL);
	EXPECT_EQ(count_calls((void *)1), 1);
	EXPECT_EQ(count_calls((void *)2), 1);
	EXPECT_EQ(count_calls((void *)3), 1);
	EXPECT_EQ(count_calls((void *)100), PTHREAD_DESTRUCTOR_ITERATIONS);
	/* A NULL value has no destructor call. */
	EXPECT_EQ(dtor_calls, 3 + PTHREAD_DESTRUCTOR_ITERATIONS);
	EXPECT_EQ(pthread_key_delete(key_plain), 0);
	EXPECT_EQ(pthread_key_delete(key_again), 0);
	EXPECT_EQ(pthread_key_delete(key_always), 0);
}

struct key_reuse {
	sem_t deleted, created;
	pthread_key_t key;
};

/* Sets a value, then looks again after the key was deleted and made
 * afresh (maybe in the same slot). */
static void *value_across_delete(void *arg)
{
	struct key_reuse *r = arg;

	EXPECT_EQ(pthread_setspecific(r->key, (void *)7), 0);
	sem_post(&r->deleted);
	sem_wait(&r->created);
	EXPECT_NULL(pthread_getspecific(r->key));
	return NULL;
}

TEST(pthread, key_delete_and_reuse)
{
	struct key_reuse r;
	pthread_t t;

	sem_init(&r.deleted, 0, 0);
	sem_init(&r.created, 0, 0);
	dtor_calls = 0;
	ASSERT_EQ(pthread_key_create(&r.key, dtor_plain), 0);
	ASSERT_EQ(spawn_on(&t, other_cpu(), value_across_delete, &r), 0);
	sem_wait(&r.deleted);
	/* Deleted: no destructor for the value the thread still has. (A
	 * deleted key is no key: using it again is undefined.) */
	EXPECT_EQ(pthread_key_delete(r.key), 0);
	ASSERT_EQ(pthread_key_create(&r.key, NULL), 0);
	sem_post(&r.created);
	EXPECT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(dtor_calls, 0);
	EXPECT_EQ(pthread_key_delete(r.key), 0);
}

TEST(pthread, key_limits_and_main_thread)
{
	pthread_key_t keys[PTHREAD_KEYS_MAX + 1];
	unsigned n = 0;

	while (n <= PTHREAD_KEYS_MAX && pthread_key_create(&keys[n], NULL) == 0)
		n++;
	EXPECT_EQ(n, PTHREAD_KEYS_MAX);
	pthread_key_t extra;

	EXPECT_EQ(pthread_key_create(&extra, NULL), EAGAIN);
	/* Each key its own value, here in main's thread. */
	for (unsigned i = 0; i < n; i++)
		EXPECT_EQ(pthread_setspecific(keys[i], &keys[i]), 0);
	for (unsigned i = 0; i < n; i++)
		EXPECT_EQ(pthread_getspecific(keys[i]), &keys[i]);
	for (unsigned i = 0; i < n; i++) {
		EXPECT_EQ(pthread_setspecific(keys[i], NULL), 0);
		EXPECT_EQ(pthread_key_delete(keys[i]), 0);
	}
	/* Every slot is free again. */
	for (n = 0; n < PTHREAD_KEYS_MAX; n++)
		if (!EXPECT_EQ(pthread_key_create(&keys[n], NULL), 0))
			break;
	for (unsigned i = 0; i < n; i++)
		EXPECT_EQ(pthread_key_delete(keys[i]), 0);
}
