// SPDX-License-Identifier: MIT
/*
 * What a system call may read or write (sys/user.c): a buffer on the
 * calling thread's stack is taken without a page-table walk, from bounds
 * the scheduler keeps at each switch; the guard page below that stack is
 * not the stack and must give EFAULT, not a fault in the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include <arch/mmu.h>
#include <kernel/page_alloc.h>
#include <kernel/sched.h>
#include <toro/test.h>
#include <toro/thread.h>

/* clock_gettime() into a buffer on the stack, then into the guard page
 * just below the calling thread's stack: 0 if both answers are right. */
static int own_stack_and_guard(void)
{
	struct timespec ts = { 0, -1 };
	uintptr_t lo, hi;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) || ts.tv_nsec < 0)
		return 1;
	thread_stack_bounds(sched_current(), &lo, &hi);
	if ((uintptr_t)&ts < lo || (uintptr_t)&ts >= hi)
		return 2;	/* the bounds are not this thread's */
	errno = 0;
	if (clock_gettime(CLOCK_MONOTONIC, (struct timespec *)(lo - 64)) != -1
	    || errno != EFAULT)
		return 3;
	/* Straddling the bottom of the stack: half of it is the guard. */
	errno = 0;
	if (clock_gettime(CLOCK_MONOTONIC, (struct timespec *)(lo - 8)) != -1
	    || errno != EFAULT)
		return 4;
	return 0;
}

static void *check_after_yield(void *arg)
{
	(void)arg;
	thread_yield();	/* switched away and back: bounds set again */
	return (void *)(uintptr_t)own_stack_and_guard();
}

TEST(user_memory, a_stack_buffer_is_taken_and_the_guard_page_refused)
{
	EXPECT_EQ(own_stack_and_guard(), 0);
}

TEST(user_memory, each_thread_of_a_cpu_has_its_own_bounds)
{
	struct thread *t[3];
	void *rc;

	/* Three threads taking turns on this CPU: each asks while the
	 * others' stacks were the last ones switched from. */
	for (int i = 0; i < 3; i++)
		ASSERT_NE(t[i] = thread_create(THREAD_CPU_SELF, 0,
					       check_after_yield, NULL), NULL);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(thread_join(t[i], &rc), 0);
		EXPECT_EQ((uintptr_t)rc, 0);
	}
}

/* A buffer over several 4 KiB pages is taken page by page: a guard page
 * or a read-only page anywhere in it is seen, also past the first. */
TEST(user_memory, every_page_of_a_long_buffer_is_checked)
{
	enum { N = 5 };
	uint8_t *b = page_alloc(N);

	ASSERT_NE(b, NULL);
	/* 4 KiB pages, so the walk goes from entry to entry. */
	ASSERT_EQ(vm_set_guard((uintptr_t)b + 3 * PAGE_SIZE), 0);
	ASSERT_EQ(vm_map((uintptr_t)b + PAGE_SIZE, PAGE_SIZE, 0), 0);

	EXPECT_TRUE(vm_dma_ok((uintptr_t)b, 3 * PAGE_SIZE, false));
	EXPECT_FALSE(vm_dma_ok((uintptr_t)b, 3 * PAGE_SIZE, true));
	EXPECT_TRUE(vm_dma_ok((uintptr_t)b + 2 * PAGE_SIZE, PAGE_SIZE, true));
	EXPECT_FALSE(vm_dma_ok((uintptr_t)b, N * PAGE_SIZE, false));
	EXPECT_FALSE(vm_dma_ok((uintptr_t)b + 3 * PAGE_SIZE - 1, 2, false));
	EXPECT_TRUE(vm_dma_ok((uintptr_t)b + 3 * PAGE_SIZE - 1, 1, false));
	EXPECT_FALSE(vm_dma_ok((uintptr_t)b + 2 * PAGE_SIZE, 3 * PAGE_SIZE,
			       false));
	/* Through a system call, too: its first half fits, not its
	 * second. */
	errno = 0;
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, (struct timespec *)
				(b + 3 * PAGE_SIZE - 8)), -1);
	EXPECT_EQ(errno, EFAULT);

	ASSERT_EQ(vm_map((uintptr_t)b + PAGE_SIZE, 3 * PAGE_SIZE, VM_WRITE),
		  0);
	EXPECT_TRUE(vm_dma_ok((uintptr_t)b, N * PAGE_SIZE, true));
	page_free(b, N);
}

/* vm_dma_ok_memo() answers from what it found before only while the
 * page tables are unchanged, and a range found readable is not taken as
 * writable. */
TEST(user_memory, a_remembered_buffer_is_checked_again_after_a_change)
{
	struct vm_memo m = { 0 };
	uint8_t *b = page_alloc(3);
	uintptr_t a = (uintptr_t)b;

	ASSERT_NE(b, NULL);
	EXPECT_TRUE(vm_dma_ok_memo(&m, a + 8, 64, true));
	EXPECT_TRUE(vm_dma_ok_memo(&m, a + 2 * PAGE_SIZE, 64, true));
	EXPECT_TRUE(vm_dma_ok_memo(&m, a + 16, 32, true));	/* inside */
	/* Read-only now: the same buffers must be refused for writing. */
	ASSERT_EQ(vm_map(a, PAGE_SIZE, 0), 0);
	EXPECT_FALSE(vm_dma_ok_memo(&m, a + 16, 32, true));
	EXPECT_TRUE(vm_dma_ok_memo(&m, a + 16, 32, false));
	EXPECT_FALSE(vm_dma_ok_memo(&m, a + 16, 32, true));
	EXPECT_TRUE(vm_dma_ok_memo(&m, a + 2 * PAGE_SIZE, 64, true));
	/* A range that only starts in a remembered one is walked. */
	ASSERT_EQ(vm_set_guard(a + PAGE_SIZE), 0);
	EXPECT_TRUE(vm_dma_ok_memo(&m, a + 2 * PAGE_SIZE, 64, true));
	EXPECT_FALSE(vm_dma_ok_memo(&m, a + 2 * PAGE_SIZE - 8, 64, true));
	EXPECT_FALSE(vm_dma_ok_memo(&m, a + 16, PAGE_SIZE, false));

	/* Through a system call: the thread's own memo. */
	struct timespec *ts = (struct timespec *)(a + 2 * PAGE_SIZE);

	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, ts), 0);
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, ts), 0);
	ASSERT_EQ(vm_map(a + 2 * PAGE_SIZE, PAGE_SIZE, 0), 0);
	errno = 0;
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, ts), -1);
	EXPECT_EQ(errno, EFAULT);

	ASSERT_EQ(vm_map(a, 3 * PAGE_SIZE, VM_WRITE), 0);
	EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, ts), 0);
	page_free(b, 3);
}
