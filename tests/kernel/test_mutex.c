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

#define HOLD_NS		(10 * 1000)	/* well inside the 20 us spin */
#define COUNTED_NS	(15 * 1000)

static struct mutex brief;
static int brief_round, brief_ready, brief_stop;
static uint64_t ready_at, released_at;

/* Round r: takes (brief) and holds it, running, from before the locker's
 * lock call (at ready_at) until HOLD_NS after it; says when it let go,
 * and waits for the locker to finish the round before the next. */
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
		while (clock_ns() < ready_at + HOLD_NS)
			cpu_relax();
		released_at = clock_ns();
		mutex_unlock(&brief);
		while (__atomic_load_n(&brief_ready, __ATOMIC_ACQUIRE) != -r)
			cpu_relax();
	}
}

/* Only rounds whose holder let go within COUNTED_NS of the lock call
 * count: the host may stop the holder's vCPU for longer, and then the
 * locker rightly gives up and parks. In those rounds it never may. */
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
	for (int r = 1; r <= 2000 && counted < 50; r++) {
		while (__atomic_load_n(&brief_round, __ATOMIC_ACQUIRE) != r)
			thread_yield();
		ready_at = clock_ns();
		__atomic_store_n(&brief_ready, r, __ATOMIC_RELEASE);
		mutex_lock(&brief);
		bool parked_now = __atomic_load_n(&brief.state,
						  __ATOMIC_RELAXED) == 2;

		mutex_unlock(&brief);
		if (released_at - ready_at < COUNTED_NS) {
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
