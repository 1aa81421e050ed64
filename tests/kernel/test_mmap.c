// SPDX-License-Identifier: MIT
/*
 * Anonymous mappings as threads use them, where unmapped runs are kept
 * zeroed for the next mapping of their size (kernel/mmap_cache.c): memory
 * mapped again reads as zero however the last owner left it, unmapping
 * passes over what is not mapped, threads find their thread-local variables
 * zero and their whole stack usable however often stacks are reused, and
 * all of it goes back to the page allocator when memory is reclaimed.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/memory.h>
#include <toro/test.h>
#include <toro/thread.h>

#include "test_pthread.h"

#define RUN (80 * 1024)	/* what musl maps for a thread of 64 KiB */

static size_t settled_pages_free(void)
{
	struct mem_stats st;

	mem_reclaim();
	mem_stats(&st);
	return st.pages_free + st.pages_tables;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

TEST(mmap, reused_memory_reads_zero)
{
	for (int i = 0; i < 20; i++) {
		/* musl's way: nothing at first, then all but a guard. */
		unsigned char *p = mmap(NULL, RUN, i % 2 ? PROT_NONE :
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_TRUE(p != MAP_FAILED);
		ASSERT_EQ(mprotect(p + 4096, RUN - 4096,
				   PROT_READ | PROT_WRITE), 0);
		EXPECT_TRUE(all_zero(p + 4096, RUN - 4096));
		memset(p + 4096, 0xa5, RUN - 4096);
		EXPECT_EQ(munmap(p, RUN), 0);
	}
}

TEST(mmap, unmapping_passes_over_what_is_not_mapped)
{
	size_t base = settled_pages_free();
	unsigned char *p = mmap(NULL, RUN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	/* Holes at the start and in the middle, then the whole range: as on
	 * Linux, what is no longer mapped is passed over and the rest
	 * unmapped. */
	EXPECT_EQ(munmap(p, 4096), 0);
	EXPECT_EQ(munmap(p + 3 * 4096, 4096), 0);
	EXPECT_EQ(mprotect(p, RUN, PROT_READ), -1);
	EXPECT_EQ(munmap(p, RUN), 0);
	/* Kept for the next mapping, but nobody's now: unmapping again
	 * frees nothing twice, and mprotect() refuses it. */
	EXPECT_EQ(munmap(p, RUN), 0);
	EXPECT_EQ(munmap(p + 4096, 4096), 0);
	EXPECT_EQ(mprotect(p, RUN, PROT_READ), -1);
	EXPECT_EQ(settled_pages_free(), base);
	/* Memory that never was a mapping (the program's data, here) is
	 * not ours to free: left as it is. */
	static _Alignas(4096) unsigned char kept[2 * 4096];

	memset(kept, 0x5a, sizeof(kept));
	EXPECT_EQ(munmap(kept, sizeof(kept)), 0);
	kept[4096] = 0x5b;
	EXPECT_TRUE(kept[0] == 0x5a && kept[4096] == 0x5b);
	EXPECT_EQ(settled_pages_free(), base);
	/* Far from RAM and 64 TiB long: nothing there, and no walk of it
	 * page by page either. */
	EXPECT_EQ(munmap((void *)(1UL << 40), 1UL << 46), 0);
	EXPECT_EQ(munmap(p + 1, 4096), -1);
	EXPECT_EQ(munmap(p, 0), -1);
	EXPECT_EQ(munmap(p, SIZE_MAX - 4096), -1);
}

TEST(mmap, kept_pages_come_back_on_reclaim)
{
	size_t base = settled_pages_free();

	for (unsigned sz = 1; sz <= 64; sz *= 2) {
		void *p = mmap(NULL, sz * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_TRUE(p != MAP_FAILED);
		memset(p, 1, sz * 4096);
		EXPECT_EQ(munmap(p, sz * 4096), 0);
	}
	EXPECT_EQ(settled_pages_free(), base);
}

static _Thread_local unsigned long tls_word;	/* .tbss: zero in each */
static _Thread_local char tls_bytes[256];
static int unclean;	/* threads that did not start clean (atomic) */
static int ended;	/* threads done checking (atomic) */

/* Counts the thread if its TLS or stack is not as new, then dirties both,
 * and as much of its stack as it can, for the next thread on the run. */
static void *dirty_and_check(void *arg)
{
	volatile unsigned char deep[48 * 1024];	/* most of a 64 KiB stack */
	uintptr_t bad = 0;

	(void)arg;
	if (tls_word || !all_zero((unsigned char *)tls_bytes,
				  sizeof(tls_bytes)))
		bad = 1;
	for (size_t i = 0; i < sizeof(deep); i += 512) {
		/* Below the top 8 KiB, where interrupts taken by the
		 * callers may have left frames, nothing was written yet. */
		if (i < sizeof(deep) - 8192 && deep[i])
			bad = 2;
		deep[i] = 0x5a;
	}
	tls_word = ~0UL;
	memset(tls_bytes, 0x77, sizeof(tls_bytes));
	if (bad)
		__atomic_fetch_add(&unclean, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ended, 1, __ATOMIC_RELEASE);
	return (void *)bad;
}

TEST(mmap, threads_start_clean_on_reused_stacks)
{
	size_t base = settled_pages_free();

	unclean = 0;
	for (int i = 0; i < 40; i++) {
		unsigned cpu = i % cpu_count();
		struct thread *t = thread_create(cpu, 64 * 1024,
						 dirty_and_check, NULL);
		void *bad = (void *)1;

		ASSERT_NOT_NULL(t);
		ASSERT_EQ(thread_join(t, &bad), 0);
		EXPECT_EQ((uintptr_t)bad, 0);
	}
	/* Detached ones unmap on their own CPU when they end; one at a
	 * time, as a guest of 4 MiB has room for few stacks. */
	for (int i = 0; i < 40; i++) {
		int before = __atomic_load_n(&ended, __ATOMIC_ACQUIRE);
		pthread_t t;

		ASSERT_EQ(spawn_on(&t, i % cpu_count(), dirty_and_check,
				   NULL), 0);
		EXPECT_EQ(pthread_detach(t), 0);
		while (__atomic_load_n(&ended, __ATOMIC_ACQUIRE) == before)
			thread_yield();
	}
	for (int i = 0; i < 2000 && settled_pages_free() != base; i++)
		usleep(1000);
	EXPECT_EQ(settled_pages_free(), base);
	EXPECT_EQ(__atomic_load_n(&unclean, __ATOMIC_RELAXED), 0);
}
