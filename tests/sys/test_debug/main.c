// SPDX-License-Identifier: MIT
/*
 * For `toro debug` (tests/debug_checks.py): threads on two CPUs in known
 * states, then a stop at debug_stop_here(), where the check's gdb script
 * lists them. CPU 1 has parked_worker blocked in wait_for_go() and
 * busy_worker running in spin_until_released(); CPU 0 has cpu0_worker
 * blocked in wait_for_go() and main() running. Run without a debugger it
 * just finishes: every thread is released and joined.
 */
#include <stdio.h>
#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/thread.h>

static struct sema go;
/* parked_worker, busy_worker, cpu0_worker: the check's gdb script prints
 * their ids from here. */
struct thread *workers[3];
static int arrived;
static volatile int released;

/* Where the debugger stops: out of line, and kept. */
__attribute__((noinline)) void debug_stop_here(void)
{
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void wait_for_go(void)
{
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	sema_wait(&go);
	__asm__ volatile("" ::: "memory");	/* a call, not a jump: in bt */
}

__attribute__((noinline)) static void spin_until_released(void)
{
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	while (!released)
		thread_yield();
	__asm__ volatile("" ::: "memory");
}

static void *parked_worker(void *arg)
{
	wait_for_go();
	return arg;
}

static void *cpu0_worker(void *arg)
{
	wait_for_go();
	return arg;
}

static void *busy_worker(void *arg)
{
	spin_until_released();
	return arg;
}

int main(void)
{
	if (cpu_count() < 2) {
		puts("test_debug: needs 2 CPUs");
		return 1;
	}
	sema_init(&go, 0);
	/* parked_worker first: CPU 1 runs it until it parks, then busy_worker,
	 * so all three have arrived only once both waiters are parked. */
	struct thread **t = workers;

	t[0] = thread_create(1, 0, parked_worker, NULL);
	t[1] = thread_create(1, 0, busy_worker, NULL);
	t[2] = thread_create(0, 0, cpu0_worker, NULL);

	for (int i = 0; i < 3; i++)
		if (!t[i]) {
			puts("test_debug: thread_create failed");
			return 1;
		}
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < 3)
		thread_yield();
	/* Nothing printed until the debugger is done: the console shares
	 * its output with gdb's. */
	debug_stop_here();
	printf("test_debug: threads %llu %llu %llu %llu ready\n",
	       (unsigned long long)thread_id(thread_self()),
	       (unsigned long long)thread_id(t[0]),
	       (unsigned long long)thread_id(t[1]),
	       (unsigned long long)thread_id(t[2]));
	released = 1;
	sema_post(&go);
	sema_post(&go);
	for (int i = 0; i < 3; i++)
		thread_join(t[i], NULL);
	puts("SUCCESS");
	return 0;
}
