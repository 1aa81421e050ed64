// SPDX-License-Identifier: MIT
/*
 * The mutex's wait while its holder runs on another CPU (kernel/sync.c):
 * a locker whose holder lets go within the spin takes the lock without
 * parking. A lock taken after parking is left in state 2 (waiters), one
 * taken by the spin in state 1, which is how the test tells them apart.
 */
#include <stdint.h>

#include <arch/x86.h>
#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/test.h>
#include <toro/thread.h>
#include <toro/time.h>

#define HOLD_NS		(5 * 1000)	/* well inside the spin */
#define SPIN_NS		(20 * 1000)	/* MUTEX_SPIN_NS in kernel/sync.c */

static struct mutex brief;
static int brief_round, brief_ready, brief_stop;

/* Round r: takes (brief) and holds it, running, until HOLD_NS after it
 * saw the locker get ready to lock, then waits for the locker to finish
 * the round before the next. Its times are its own CPU's: no clock is
 * compared across CPUs, whose TSCs the host need not keep in step. */
static void *hold_briefly(void *arg)
{
	(void)arg;
	for (int r = 1;; r++) {
		mutex_lock(&brief);
		__atomic_store_n(&brief_round, r, __ATOMIC_RELEASE);
		while (__atomic_load_n(&brief_ready, __ATOMIC_ACQUIRE) != r &&
		       !__atomic_load_n(&brief_stop, __ATOMIC_ACQUIRE))
			cpu_relax();
		if (__atomic_load_n(&brief_stop, __ATOMIC_ACQUIRE)) {
			mutex_unlock(&brief);
			return NULL;
		}
		uint64_t seen_at = clock_ns();

		while (clock_ns() < seen_at + HOLD_NS)
			cpu_relax();
		mutex_unlock(&brief);
		while (__atomic_load_n(&brief_ready, __ATOMIC_ACQUIRE) != -r)
			cpu_relax();
	}
}

/* Only rounds in which the locker found the lock held and had it within
 * SPIN_NS of its lock call count: the spin's time was not up then, so it
 * had no reason to park. In the other rounds the host stopped a vCPU for
 * longer, and parking was right. The locker's times are all its own. */
TEST(mutex, a_running_holder_is_waited_for_without_parking)
{
	int parked = 0, counted = 0;

	if (cpu_count() < 2)
		return;
	mutex_init(&brief);
	brief_round = brief_ready = brief_stop = 0;
	struct thread *t = thread_create((cpu_id() + 1) % cpu_count(), 0,
					 hold_briefly, NULL);

	ASSERT_NOT_NULL(t);
	for (int r = 1; r <= 20000 && counted < 50; r++) {
		while (__atomic_load_n(&brief_round, __ATOMIC_ACQUIRE) != r)
			thread_yield();
		uint64_t ready_at = clock_ns();

		__atomic_store_n(&brief_ready, r, __ATOMIC_RELEASE);
		bool held = __atomic_load_n(&brief.state, __ATOMIC_RELAXED);

		mutex_lock(&brief);
		uint64_t got_at = clock_ns();
		bool parked_now = __atomic_load_n(&brief.state,
						  __ATOMIC_RELAXED) == 2;

		mutex_unlock(&brief);
		if (held && got_at - ready_at < SPIN_NS) {
			counted++;
			parked += parked_now;
		}
		__atomic_store_n(&brief_ready, -r, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&brief_stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(thread_join(t, NULL), 0);
	EXPECT_GE(counted, 10);
	EXPECT_EQ(parked, 0);
}
