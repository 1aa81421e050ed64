// SPDX-License-Identifier: MIT
/*
 * Threads: placement on CPUs, create/join across CPUs and without leaks,
 * sleeping, cooperation between CPUs, FPU state across switches,
 * thread-local storage, errno per thread, the idle CPUs' watch for work.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <arch/platform.h>
#include <arch/x86.h>
#include <kernel/sched.h>
#include <kernel/waitq.h>
#include <toro/cpu.h>
#include <toro/memory.h>
#include <toro/sync.h>
#include <toro/test.h>
#include <toro/thread.h>
#include <toro/time.h>

static void *report_cpu(void *arg)
{
	unsigned *where = arg;
	int moved = 0;

	where[0] = cpu_id();
	/* Yielding and sleeping must never move the thread. */
	for (int i = 0; i < 50; i++) {
		thread_yield();
		if (i % 10 == 0)
			thread_sleep_ns(100000);
		moved += cpu_id() != where[0];
	}
	where[1] = moved;
	return (void *)(uintptr_t)(where[0] + 100);
}

TEST(thread, runs_on_the_cpu_asked_and_stays)
{
	for (unsigned c = 0; c < cpu_count(); c++) {
		unsigned where[2] = { ~0U, ~0U };
		struct thread *t = thread_create(c, 0, report_cpu, where);
		void *value;

		ASSERT_NOT_NULL(t);
		EXPECT_EQ(thread_cpu(t), c);
		EXPECT_EQ(thread_join(t, &value), 0);
		EXPECT_EQ(where[0], c);
		EXPECT_EQ(where[1], 0);
		EXPECT_EQ((uintptr_t)value, c + 100);
	}
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, report_cpu,
					 (unsigned[2]){ 0 });

	ASSERT_NOT_NULL(t);
	EXPECT_EQ(thread_cpu(t), cpu_id());
	thread_join(t, NULL);
}

static void *nothing(void *arg)
{
	return arg;
}

/* The errors of detached handles: tests/sys/test_thread_handles. */
TEST(thread, bad_arguments)
{
	errno = 0;
	EXPECT_NULL(thread_create(cpu_count(), 0, nothing, NULL));
	EXPECT_EQ(errno, EINVAL);
	EXPECT_NULL(thread_create(0, 0, NULL, NULL));
	EXPECT_EQ(thread_join(thread_self(), NULL), -EDEADLK);
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, nothing, NULL);

	ASSERT_NOT_NULL(t);
	EXPECT_EQ(thread_detach(t), 0);
	thread_yield();	/* let it run and go */
}

TEST(thread, create_join_cycles_leak_nothing)
{
	struct mem_stats before, after;

	mem_reclaim();
	mem_stats(&before);
	for (int i = 0; i < 10000; i++) {
		unsigned cpu = i % cpu_count();
		struct thread *t = thread_create(cpu, 0, nothing,
						 (void *)(uintptr_t)i);
		void *value = NULL;

		ASSERT_NOT_NULL(t);
		ASSERT_EQ(thread_join(t, &value), 0);
		ASSERT_EQ((uintptr_t)value, (uintptr_t)i);
	}
	mem_reclaim();
	mem_stats(&after);
	EXPECT_EQ(after.heap_in_use, before.heap_in_use);
	EXPECT_EQ(after.pages_free + after.pages_tables,
		  before.pages_free + before.pages_tables);
}

#define ROUNDS 2000

static struct mutex counter_lock;
static long counter;

static void *add_under_lock(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		mutex_lock(&counter_lock);
		long v = counter;

		/* Hold the lock across a yield now and then, so that waiters
		 * pile up on this CPU as well as on the others. */
		if (i % 64 == 0)
			thread_yield();
		counter = v + 1;
		mutex_unlock(&counter_lock);
	}
	return NULL;
}

TEST(sync, mutex_counter_from_every_cpu)
{
	struct thread *t[64 * 3];
	int n = 0;

	counter = 0;
	for (unsigned c = 0; c < cpu_count(); c++)
		for (int k = 0; k < 3; k++)
			t[n++] = thread_create(c, 0, add_under_lock, NULL);
	for (int i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t[i]);
		thread_join(t[i], NULL);
	}
	EXPECT_EQ(counter, (long)n * ROUNDS);
	EXPECT_FALSE(mutex_held(&counter_lock));
	EXPECT_TRUE(mutex_trylock(&counter_lock));
	EXPECT_FALSE(mutex_trylock(&counter_lock));
	mutex_unlock(&counter_lock);
}

struct pingpong {
	struct mutex m;
	struct cond c;
	int turn;		/* 0: ping's turn, 1: pong's */
	int rounds;
};

static void *pong(void *arg)
{
	struct pingpong *p = arg;

	mutex_lock(&p->m);
	for (int i = 0; i < p->rounds; i++) {
		while (p->turn != 1)
			cond_wait(&p->c, &p->m);
		p->turn = 0;
		cond_signal(&p->c);
	}
	mutex_unlock(&p->m);
	return NULL;
}

TEST(sync, cond_ping_pong_across_cpus)
{
	struct pingpong p = { .rounds = 1000 };
	unsigned other = cpu_count() > 1 ? 1 : 0;
	struct thread *t = thread_create(other, 0, pong, &p);

	ASSERT_NOT_NULL(t);
	mutex_lock(&p.m);
	for (int i = 0; i < p.rounds; i++) {
		p.turn = 1;
		cond_signal(&p.c);
		while (p.turn != 0)
			cond_wait(&p.c, &p.m);
	}
	mutex_unlock(&p.m);
	EXPECT_EQ(thread_join(t, NULL), 0);
}

static int asleep, most_asleep;	/* sleepers now, and at most */

static void *sleeper(void *arg)
{
	uint64_t *elapsed = arg, t0 = clock_ns();
	int now = __atomic_add_fetch(&asleep, 1, __ATOMIC_SEQ_CST);
	int most = __atomic_load_n(&most_asleep, __ATOMIC_SEQ_CST);

	while (now > most &&
	       !__atomic_compare_exchange_n(&most_asleep, &most, now, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	thread_sleep_ns(15000000);
	__atomic_sub_fetch(&asleep, 1, __ATOMIC_SEQ_CST);
	*elapsed = clock_ns() - t0;
	return NULL;
}

TEST(thread, sleep_never_early_and_sleepers_overlap)
{
	/* Several sleepers per CPU at once: they all wake, none early, and
	 * they sleep at the same time, not one after the other. (Not timed
	 * against the sum of the sleeps: a host that stalls the guest made
	 * that fail with the sleeps overlapping all the same.) */
	struct thread *t[64 * 4];
	uint64_t elapsed[64 * 4];
	int n = 0;

	__atomic_store_n(&most_asleep, 0, __ATOMIC_SEQ_CST);
	/* The smallest stacks: 16 default ones do not fit beside the test
	 * image in the 4 MiB guests. */
	for (unsigned c = 0; c < cpu_count(); c++)
		for (int k = 0; k < 4; k++, n++)
			t[n] = thread_create(c, THREAD_STACK_MIN, sleeper,
					     &elapsed[n]);
	for (int i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t[i]);
		thread_join(t[i], NULL);
		EXPECT_GE(elapsed[i], 15000000);
		EXPECT_LT(elapsed[i], 2000000000);
	}
	EXPECT_GE(__atomic_load_n(&most_asleep, __ATOMIC_SEQ_CST), 2);
}

TEST(sync, timed_waits_time_out)
{
	struct mutex m = { 0 };
	struct cond c = { 0 };
	struct sema s = { 0 };
	struct event e = { 0 };
	uint64_t t0 = clock_ns(), d = t0 + 10000000;

	mutex_lock(&m);
	EXPECT_EQ(cond_wait_until(&c, &m, d), -ETIMEDOUT);
	EXPECT_TRUE(mutex_held(&m));
	EXPECT_GE(clock_ns(), d);
	mutex_unlock(&m);

	d = clock_ns() + 10000000;
	EXPECT_EQ(sema_wait_until(&s, d), -ETIMEDOUT);
	EXPECT_GE(clock_ns(), d);
	EXPECT_FALSE(sema_trywait(&s));

	d = clock_ns() + 10000000;
	EXPECT_EQ(event_wait_until(&e, d), -ETIMEDOUT);
	EXPECT_GE(clock_ns(), d);

	/* A deadline in the past returns at once. */
	EXPECT_EQ(sema_wait_until(&s, t0), -ETIMEDOUT);
	sema_post(&s);
	EXPECT_EQ(sema_wait_until(&s, t0), 0);
	EXPECT_EQ(sema_value(&s), 0);
}

static void *hold_mutex(void *arg)
{
	struct mutex *m = arg;

	mutex_lock(m);
	thread_sleep_ns(50000000);
	mutex_unlock(m);
	return NULL;
}

TEST(sync, mutex_timed_lock_times_out_then_gets_it)
{
	static struct mutex m;
	struct thread *t = thread_create(cpu_count() - 1, 0, hold_mutex, &m);

	ASSERT_NOT_NULL(t);
	while (!__atomic_load_n(&m.state, __ATOMIC_ACQUIRE))
		thread_yield();
	uint64_t d = clock_ns() + 5000000;

	EXPECT_EQ(mutex_lock_until(&m, d), -ETIMEDOUT);
	EXPECT_GE(clock_ns(), d);
	EXPECT_EQ(mutex_lock_until(&m, clock_ns() + 5000000000ULL), 0);
	mutex_unlock(&m);
	thread_join(t, NULL);
}

static volatile int stop_spinning;

static void *spin_forever(void *arg)
{
	(void)arg;
	while (!stop_spinning)
		__asm__ volatile("pause");
	return NULL;
}

static void *create_and_sleep(void *arg)
{
	(void)arg;
	thread_sleep_ns(2000000);
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, nothing, NULL);

	thread_join(t, NULL);
	return (void *)1;
}

TEST(thread, a_spinning_thread_stops_only_its_cpu)
{
	if (cpu_count() < 2)
		return;	/* needs a CPU to give away */
	stop_spinning = 0;
	struct thread *spinner = thread_create(1, 0, spin_forever, NULL);

	ASSERT_NOT_NULL(spinner);
	/* Every other CPU still creates, runs, sleeps and joins threads,
	 * and the spinning CPU still takes new threads into its queue. */
	for (unsigned c = 0; c < cpu_count(); c++) {
		if (c == 1)
			continue;
		void *v = NULL;
		struct thread *t = thread_create(c, 0, create_and_sleep, NULL);

		ASSERT_NOT_NULL(t);
		EXPECT_EQ(thread_join(t, &v), 0);
		EXPECT_EQ((uintptr_t)v, 1);
	}
	struct thread *queued = thread_create(1, 0, nothing, (void *)7);

	ASSERT_NOT_NULL(queued);
	thread_sleep_ns(5000000);
	stop_spinning = 1;
	void *v = NULL;

	EXPECT_EQ(thread_join(queued, &v), 0);
	EXPECT_EQ((uintptr_t)v, 7);
	thread_join(spinner, NULL);
}

/* Floating point kept in registers across switches: each thread's
 * sequence must come out exactly as computed without interruption. */
static double fp_work(double seed, int yield)
{
	double x = seed, acc = 0;

	for (int i = 0; i < 2000; i++) {
		x = x * 1.0000001 + 0.5 / (i + 1);
		acc += x * x;
		if (yield && i % 50 == 0)
			thread_yield();
	}
	return acc;
}

static void *fp_thread(void *arg)
{
	double *io = arg;

	io[1] = fp_work(io[0], 1);
	return NULL;
}

TEST(thread, floating_point_survives_switches)
{
	struct thread *t[8];
	double io[8][2];

	for (int i = 0; i < 8; i++) {
		io[i][0] = 1.5 + i;
		t[i] = thread_create(THREAD_CPU_SELF, 0, fp_thread, io[i]);
		ASSERT_NOT_NULL(t[i]);
	}
	double mine = fp_work(100.25, 1);

	for (int i = 0; i < 8; i++) {
		thread_join(t[i], NULL);
		EXPECT_TRUE(io[i][1] == fp_work(1.5 + i, 0));
	}
	EXPECT_TRUE(mine == fp_work(100.25, 0));
}

/* The floating-point environment is each thread's (POSIX): rounding
 * modes and exception flags, SSE's (MXCSR) and the x87's, stay as a
 * thread set them while others on its CPU set theirs between switches. */
static uint32_t mxcsr_now(void)
{
	uint32_t m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}

static uint16_t x87_control_now(void)
{
	uint16_t w;

	__asm__ volatile("fnstcw %0" : "=m"(w));
	return w;
}

static uint16_t x87_flags_now(void)
{
	uint16_t w;

	__asm__ volatile("fnstsw %0" : "=m"(w));
	return w & 0x3f;
}

static void *fenv_thread(void *arg)
{
	unsigned mode = (unsigned)(uintptr_t)arg;	/* 0 to 3 */
	uint32_t mxcsr = 0x1f80 | mode << 13 | 1u << mode;
	uint16_t x87_control = (uint16_t)(0x37f | mode << 10);
	uint16_t x87_flags = mode & 1 ? 0x04 : 0;	/* zero divide */
	uintptr_t bad = 0;

	__asm__ volatile("ldmxcsr %0; fldcw %1; fnclex"
			 : : "m"(mxcsr), "m"(x87_control));
	if (x87_flags)	/* 1 / 0, masked: infinity and the flag */
		__asm__ volatile("fld1; fldz; fdivrp; fstp %%st(0)" ::: "st");
	for (int i = 0; i < 20; i++) {
		thread_yield();
		bad += mxcsr_now() != mxcsr;
		bad += x87_control_now() != x87_control;
		bad += x87_flags_now() != x87_flags;
	}
	return (void *)bad;
}

TEST(thread, floating_point_environment_is_per_thread)
{
	struct thread *t[4];
	void *bad;

	for (unsigned i = 0; i < 4; i++) {
		t[i] = thread_create(THREAD_CPU_SELF, 0, fenv_thread,
				     (void *)(uintptr_t)i);
		ASSERT_NOT_NULL(t[i]);
	}
	for (unsigned i = 0; i < 4; i++) {
		EXPECT_EQ(thread_join(t[i], &bad), 0);
		EXPECT_EQ((uintptr_t)bad, 0);
	}
}

static _Thread_local int tls_counter = 42;
static _Thread_local char tls_zeroed[64];

static void *tls_thread(void *arg)
{
	int ok = tls_counter == 42 && tls_zeroed[63] == 0;

	tls_counter = (int)(uintptr_t)arg;
	tls_zeroed[63] = 1;
	errno = (int)(uintptr_t)arg;
	thread_yield();
	ok = ok && tls_counter == (int)(uintptr_t)arg &&
	     errno == (int)(uintptr_t)arg;
	return (void *)(uintptr_t)ok;
}

TEST(thread, thread_local_storage_and_errno_are_per_thread)
{
	struct thread *t[6];

	tls_counter = 7;
	errno = 1234;
	for (int i = 0; i < 6; i++) {
		t[i] = thread_create(i % cpu_count(), 0, tls_thread,
				     (void *)(uintptr_t)(i + 1));
		ASSERT_NOT_NULL(t[i]);
	}
	for (int i = 0; i < 6; i++) {
		void *ok = NULL;

		thread_join(t[i], &ok);
		EXPECT_EQ((uintptr_t)ok, 1);
	}
	EXPECT_EQ(tls_counter, 7);
	EXPECT_EQ(errno, 1234);
}

struct goodbye {
	struct mutex m;
	struct cond c;
	int gone;
};

static void *say_goodbye(void *arg)
{
	struct goodbye *g = arg;

	thread_sleep_ns(5000000);
	mutex_lock(&g->m);
	g->gone = 1;
	cond_broadcast(&g->c);
	mutex_unlock(&g->m);
	return (void *)99;
}

static void *wait_for_goodbye(void *arg)
{
	struct goodbye *g = arg;

	mutex_lock(&g->m);
	while (!g->gone)
		cond_wait(&g->c, &g->m);
	mutex_unlock(&g->m);
	return NULL;
}

TEST(thread, exits_while_others_wait_on_it)
{
	struct goodbye g = { 0 };
	struct thread *leaver = thread_create(cpu_count() - 1, 0, say_goodbye, &g);
	struct thread *waiters[8];

	ASSERT_NOT_NULL(leaver);
	for (int i = 0; i < 8; i++) {
		waiters[i] = thread_create(i % cpu_count(), 0, wait_for_goodbye, &g);
		ASSERT_NOT_NULL(waiters[i]);
	}
	void *v = NULL;

	EXPECT_EQ(thread_join(leaver, &v), 0);	/* parked before it exits */
	EXPECT_EQ((uintptr_t)v, 99);
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(thread_join(waiters[i], NULL), 0);
	/* Joining one that has long exited returns at once. */
	struct thread *quick = thread_create(THREAD_CPU_SELF, 0, nothing, (void *)5);

	thread_sleep_ns(1000000);
	EXPECT_EQ(thread_join(quick, &v), 0);
	EXPECT_EQ((uintptr_t)v, 5);
}

static uint64_t ipis_to(unsigned cpu)
{
	struct sched_stats st;

	sched_stats(cpu, &st);
	return st.ipis;
}

/* Creates a thread on (cpu) and joins it: true if it ran there. */
static bool run_on(unsigned cpu)
{
	unsigned where[2] = { ~0U, ~0U };
	struct thread *t = thread_create(cpu, 0, report_cpu, where);

	return t && thread_join(t, NULL) == 0 && where[0] == cpu;
}

/* IPIs a creation on CPU 1 sends there, after CPU 1 has had 1 ms to
 * run out of work; -1 if the thread did not run there. */
static long ipis_for_a_creation(void)
{
	thread_sleep_ns(1000000);
	uint64_t before = ipis_to(1);

	if (!run_on(1))
		return -1;
	return (long)(ipis_to(1) - before);
}

/* Whether some of (tries) creations on CPU 1 sent (want) IPIs there. A
 * host that does not run CPU 1's vCPU for a while can make one attempt
 * find CPU 1 not yet idle (or idle longer than asked); not all of them. */
static bool creations_send(long want, int tries)
{
	for (int i = 0; i < tries; i++) {
		long got = ipis_for_a_creation();

		if (got < 0)
			return false;
		if (got == want)
			return true;
	}
	return false;
}

/* A CPU that has just run out of work watches its inbox before it halts
 * (kernel/sched.c): what is handed to it then needs no IPI; once halted,
 * it takes one. */
TEST(sched, an_idle_cpu_watching_for_work_needs_no_ipi)
{
	if (cpu_count() < 2)
		return;
	uint64_t old = sched_set_idle_poll(10000000000ULL);	/* 10 s */

	EXPECT_TRUE(run_on(1));		/* CPU 1 has run out of work since */
	EXPECT_TRUE(creations_send(0, 20));
	sched_set_idle_poll(0);		/* now it halts at once */
	EXPECT_TRUE(creations_send(1, 20));
	sched_set_idle_poll(old);
}

/* Threads on CPU 1 for the wake-up tests: one waiting for a post of
 * (wake_sema), one keeping the CPU busy until (busy_stop). */
static struct sema wake_sema;
static int busy_spinning, busy_stop;

static void *wait_for_post(void *arg)
{
	sema_wait(&wake_sema);
	return arg;
}

static void *spin_until_stopped(void *arg)
{
	__atomic_store_n(&busy_spinning, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&busy_stop, __ATOMIC_ACQUIRE))
		cpu_relax();
	return arg;
}

static void *yield_until_stopped(void *arg)
{
	while (!__atomic_load_n(&busy_stop, __ATOMIC_ACQUIRE))
		thread_yield();
	return arg;
}

/* A CPU running a thread looks at its inbox when that thread blocks or
 * yields (kernel/sched.c): waking a thread there needs no IPI, and the
 * woken thread runs once the CPU is free. */
TEST(sched, a_busy_cpu_takes_a_wake_up_without_an_ipi)
{
	if (cpu_count() < 2)
		return;
	void *v = NULL;

	sema_init(&wake_sema, 0);
	busy_spinning = busy_stop = 0;
	struct thread *sleeper = thread_create(1, 0, wait_for_post,
					       (void *)5);
	struct thread *spinner = thread_create(1, 0, spin_until_stopped,
					       (void *)6);

	ASSERT_NOT_NULL(sleeper);
	ASSERT_NOT_NULL(spinner);
	while (!__atomic_load_n(&busy_spinning, __ATOMIC_ACQUIRE))
		thread_sleep_ns(100000);
	uint64_t before = ipis_to(1);

	sema_post(&wake_sema);
	EXPECT_EQ(ipis_to(1) - before, 0);
	__atomic_store_n(&busy_stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(thread_join(spinner, &v), 0);
	EXPECT_EQ((uintptr_t)v, 6);
	EXPECT_EQ(thread_join(sleeper, &v), 0);
	EXPECT_EQ((uintptr_t)v, 5);
}

/* A thread woken just as it parks goes on without parking, its wake-up
 * still in its busy CPU's inbox (no IPI): it must not exit with it there,
 * or the CPU later reads a freed thread (drain() panics at a wake-up of
 * a dead one). Many short waits on a CPU kept busy, each thread exiting
 * at once. */
TEST(sched, threads_woken_as_they_park_exit_with_nothing_queued)
{
	if (cpu_count() < 2)
		return;
	busy_stop = 0;
	struct thread *busy = thread_create(1, 0, yield_until_stopped, NULL);

	ASSERT_NOT_NULL(busy);
	for (uintptr_t i = 0; i < 3000; i++) {
		void *v = NULL;

		sema_init(&wake_sema, 0);
		struct thread *t = thread_create(1, 0, wait_for_post,
						 (void *)i);

		ASSERT_NOT_NULL(t);
		sema_post(&wake_sema);
		EXPECT_EQ(thread_join(t, &v), 0);
		EXPECT_EQ((uintptr_t)v, i);
	}
	__atomic_store_n(&busy_stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(thread_join(busy, NULL), 0);
}

/* A waker on another CPU that has cleared a thread's (waiting) but not
 * yet pushed its message still holds the thread (remote_touch): the
 * thread, gone on without parking, must not exit until the waker lets
 * go, or the waker's next store lands in freed memory. Played here by
 * holding (remote_touch) by hand while the thread is told to exit. */
TEST(sched, a_thread_does_not_exit_while_a_remote_waker_holds_it)
{
	if (cpu_count() < 2)
		return;
	busy_stop = 0;
	struct thread *t = thread_create(1, 0, yield_until_stopped, NULL);

	ASSERT_NOT_NULL(t);
	__atomic_fetch_add(&t->remote_touch, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&busy_stop, 1, __ATOMIC_RELEASE);
	thread_sleep_ns(20 * 1000 * 1000);
	/* The handle keeps the thread's memory until the join. */
	EXPECT_NE(__atomic_load_n(&t->state, __ATOMIC_ACQUIRE), THREAD_DEAD);
	__atomic_fetch_sub(&t->remote_touch, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(thread_join(t, NULL), 0);
}

static int idle_hook_calls[MAX_CPUS];

static void count_idle(void)
{
	__atomic_fetch_add(&idle_hook_calls[cpu_id()], 1,
			   __ATOMIC_RELAXED);
}

/* Whether others wait to run here: a thread on this CPU that yields
 * does, and not once it is gone; the idle hook runs when the CPU goes
 * idle (a sleep). */
TEST(sched, others_ready_and_the_idle_hook)
{
	unsigned here = cpu_id();

	busy_stop = 0;
	struct thread *t = thread_create(here, 0, yield_until_stopped, NULL);

	ASSERT_NOT_NULL(t);
	thread_yield();
	EXPECT_TRUE(sched_others_ready());
	__atomic_store_n(&busy_stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(thread_join(t, NULL), 0);
	EXPECT_FALSE(sched_others_ready());

	sched_idle_hook before = sched_set_idle_hook(count_idle);
	int calls = __atomic_load_n(&idle_hook_calls[here], __ATOMIC_RELAXED);

	thread_sleep_ns(2 * 1000 * 1000);
	EXPECT_GT(__atomic_load_n(&idle_hook_calls[here], __ATOMIC_RELAXED),
		  calls);
	EXPECT_EQ(sched_set_idle_hook(before), count_idle);
}

/* The order in which threads of one CPU first ran after the wake-up. */
static int run_order;
static struct waitq first_q;

struct ordered {
	int order;
	bool park;		/* waits on first_q before it counts */
};

static void *take_turn(void *arg)
{
	struct ordered *o = arg;

	if (o->park) {
		struct waiter w;
		bool irq = waitq_lock(&first_q);

		waitq_sleep(&first_q, &w, WAITQ_NO_DEADLINE, irq);
		waitq_unlock(&first_q, irq);
	}
	o->order = __atomic_add_fetch(&run_order, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* A parked thread, others made ready after it parked, then its wake-up:
 * with waitq_wake_one_first() it runs before them, with waitq_wake_one()
 * after them, in the order they were made ready. */
static void wake_order(bool first, struct ordered *parked,
		       struct ordered *others, int n)
{
	unsigned here = cpu_id();
	struct thread *t[8];

	run_order = 0;
	*parked = (struct ordered){ .park = true };
	t[0] = thread_create(here, 0, take_turn, parked);
	ASSERT_NOT_NULL(t[0]);
	for (;;) {	/* until it waits on the queue */
		bool irq = waitq_lock(&first_q);
		bool waiting = !waitq_empty(&first_q);

		waitq_unlock(&first_q, irq);
		if (waiting)
			break;
		thread_yield();
	}
	for (int i = 0; i < n; i++) {
		others[i] = (struct ordered){ .park = false };
		t[i + 1] = thread_create(here, 0, take_turn, &others[i]);
		ASSERT_NOT_NULL(t[i + 1]);
	}
	bool irq = waitq_lock(&first_q);

	EXPECT_EQ(first ? waitq_wake_one_first(&first_q) :
			  waitq_wake_one(&first_q), 1);
	waitq_unlock(&first_q, irq);
	for (int i = 0; i <= n; i++)
		EXPECT_EQ(thread_join(t[i], NULL), 0);
}

TEST(sched, a_thread_woken_first_runs_before_those_ready)
{
	struct ordered parked, others[3];

	wake_order(true, &parked, others, 3);
	EXPECT_EQ(parked.order, 1);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(others[i].order, i + 2);

	wake_order(false, &parked, others, 3);
	EXPECT_EQ(parked.order, 4);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(others[i].order, i + 1);
}
