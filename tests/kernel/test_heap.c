// SPDX-License-Identifier: MIT
/*
 * The malloc family on the per-CPU heap: sizes, alignment, realloc,
 * exhaustion, and blocks freed on other CPUs, alone and under load from
 * every CPU at once.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arch/x86.h>
#include <kernel/smp_call.h>
#include <toro/cpu.h>
#include <toro/memory.h>
#include <toro/test.h>
#include <toro/thread.h>

static size_t in_use(void)
{
	struct mem_stats st;

	mem_stats(&st);
	return st.heap_in_use;
}

/* Free pages, counting those that became page tables since boot as free:
 * creating threads (guard pages) may split large mappings for good. */
static size_t pages_free(void)
{
	struct mem_stats st;

	mem_stats(&st);
	return st.pages_free + st.pages_tables;
}

/* Tests run from 4 MiB to 1 GiB of RAM: working sets are cut to a share
 * of what is free, so a small machine tests the same paths, just less. */
static size_t budget(size_t share, size_t cap)
{
	size_t b = pages_free() * 4096 / share;

	return b < cap ? b : cap;
}

/* Every CPU takes back its remote frees and returns its empty spans: page
 * counts are then exact. */
static size_t settled_pages_free(void)
{
	mem_reclaim();
	return pages_free();
}

TEST(heap, sizes_are_usable_and_aligned)
{
	size_t base = in_use();

	for (size_t n = 0; n <= 20000; n += n < 256 ? 1 : 97) {
		unsigned char *p = malloc(n);

		ASSERT_NOT_NULL(p);
		EXPECT_EQ((uintptr_t)p % 16, 0);
		EXPECT_GE(malloc_usable_size(p), n);
		memset(p, 0xa5, n);
		free(p);
	}
	EXPECT_EQ(in_use(), base);
}

TEST(heap, calloc_zeroes_and_checks_overflow)
{
	for (int round = 0; round < 3; round++) {
		/* Dirty some memory, free it, then calloc the same sizes. */
		void *dirty = malloc(5000);

		memset(dirty, 0xff, 5000);
		free(dirty);
		unsigned char *p = calloc(1000, 5);

		ASSERT_NOT_NULL(p);
		for (int i = 0; i < 5000; i++)
			if (p[i] != 0) {
				EXPECT_EQ(p[i], 0);
				break;
			}
		free(p);
	}
	/* volatile: the compiler would reject the obvious overflow. */
	volatile size_t half = SIZE_MAX / 2;
	void *volatile big;	/* volatile: clang may elide an unused alloc */

	errno = 0;
	big = calloc(half, 3);
	EXPECT_NULL(big);
	EXPECT_EQ(errno, ENOMEM);
}

TEST(heap, realloc_keeps_contents)
{
	unsigned char *p = realloc(NULL, 10);

	ASSERT_NOT_NULL(p);
	for (int i = 0; i < 10; i++)
		p[i] = i;
	size_t most = budget(8, 200000);

	for (size_t n = 10; n < most; n = n * 3 + 1) {
		p = realloc(p, n);
		ASSERT_NOT_NULL(p);
		for (int i = 0; i < 10; i++)
			EXPECT_EQ(p[i], i);
	}
	p = realloc(p, 5);
	ASSERT_NOT_NULL(p);
	for (int i = 0; i < 5; i++)
		EXPECT_EQ(p[i], i);
	/* Size 0 is musl's answer, as on Linux with musl: a minimal block
	 * of its own (the old one freed), which free() takes back. */
	p = realloc(p, 0);
	EXPECT_NOT_NULL(p);
	free(p);
}

TEST(heap, aligned_allocations)
{
	size_t most = budget(16, 65536);

	for (size_t align = 1; align <= most; align *= 2) {
		size_t sizes[] = { 1, 24, align, 3 * align + 5, 10000 };

		for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			char *p = aligned_alloc(align, sizes[i]);

			ASSERT_NOT_NULL(p);
			EXPECT_EQ((uintptr_t)p % align, 0);
			memset(p, 1, sizes[i]);
			free(p);
		}
		void *q = NULL;

		if (align >= sizeof(void *)) {
			EXPECT_EQ(posix_memalign(&q, align, 100), 0);
			EXPECT_EQ((uintptr_t)q % align, 0);
			free(q);
		}
	}
	void *q;

	EXPECT_EQ(posix_memalign(&q, 3, 100), EINVAL);
	EXPECT_EQ(posix_memalign(&q, 4, 100), EINVAL);	/* < sizeof(void *) */
	volatile size_t not_power_of_two = 48;
	void *volatile odd;

	errno = 0;
	odd = aligned_alloc(not_power_of_two, 100);
	EXPECT_NULL(odd);
	EXPECT_EQ(errno, EINVAL);
}

/* A small xorshift generator, so the stress pattern is reproducible. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define SLOTS 256

/* Random malloc/realloc/free with every byte checked: a block's contents
 * name its slot, so overlap or corruption shows. */
static void stress(uint64_t seed, int ops, size_t big, int *errors)
{
	unsigned char *slot[SLOTS] = { 0 };
	size_t len[SLOTS] = { 0 };

	for (int op = 0; op < ops; op++) {
		unsigned i = next_rand(&seed) % SLOTS;

		if (slot[i]) {
			for (size_t k = 0; k < len[i]; k++)
				if (slot[i][k] != (unsigned char)i) {
					(*errors)++;
					break;
				}
			free(slot[i]);
			slot[i] = NULL;
			continue;
		}
		uint64_t r = next_rand(&seed);

		len[i] = r % 16 == 0 ? r % big : r % 600;
		slot[i] = malloc(len[i]);
		if (!slot[i]) {
			(*errors)++;
			continue;
		}
		memset(slot[i], i, len[i]);
	}
	for (unsigned i = 0; i < SLOTS; i++)
		free(slot[i]);
}

TEST(heap, stress_one_cpu)
{
	size_t base = in_use(), base_pages = settled_pages_free();
	int errors = 0;

	stress(0x1234, 20000, budget(32, 70000), &errors);
	EXPECT_EQ(errors, 0);
	EXPECT_EQ(in_use(), base);
	EXPECT_EQ(settled_pages_free(), base_pages);
}

struct batch {
	void *p[512];
	int n;
};

static void alloc_batch(void *arg)
{
	struct batch *b = arg;

	for (b->n = 0; b->n < 512; b->n++) {
		b->p[b->n] = malloc(16 + b->n % 300);
		memset(b->p[b->n], 0x5a, 16);
	}
}

TEST(heap, free_on_another_cpu_returns_home)
{
	if (cpu_count() < 2)
		return;	/* one CPU: covered by stress_one_cpu */
	static struct batch b;
	size_t base_use = in_use(), base_pages = settled_pages_free();

	ASSERT_EQ(smp_call(1, alloc_batch, &b), 0);
	EXPECT_GT(in_use(), base_use);
	for (int i = 0; i < b.n; i++)
		free(b.p[i]);	/* CPU 0 frees CPU 1's blocks */
	EXPECT_EQ(in_use(), base_use);
	/* Back home, the spans empty out and their pages return. */
	EXPECT_EQ(settled_pages_free(), base_pages);
}

#define POOL_SLOTS 1024

struct shared_pool {
	void *slot[POOL_SLOTS];	/* blocks handed between CPUs */
	unsigned nslots;	/* how many are used, by memory size */
	int errors[64];
	int done;
};

static struct shared_pool pool;

/* Each CPU allocates into random shared slots and frees whatever it finds
 * there, which was usually allocated by another CPU. */
static void pool_worker(void *arg)
{
	unsigned me = cpu_id();
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (me + 1);
	int ops = (int)(uintptr_t)arg;

	for (int op = 0; op < ops; op++) {
		unsigned i = next_rand(&seed) % pool.nslots;
		void *mine = malloc(next_rand(&seed) % 2000);

		if (!mine) {
			pool.errors[me]++;
			continue;
		}
		memset(mine, me, 8);
		void *old = __atomic_exchange_n(&pool.slot[i], mine,
						__ATOMIC_ACQ_REL);

		free(old);
	}
	__atomic_fetch_add(&pool.done, 1, __ATOMIC_RELEASE);
}

TEST(heap, every_cpu_allocates_and_frees_each_others_blocks)
{
	static struct smp_call calls[64];
	size_t base = in_use(), base_pages = settled_pages_free();
	unsigned n = cpu_count();
	int ops = 3000;

	memset(&pool, 0, sizeof(pool));
	/* Live blocks average 1000 bytes, plus one in flight per CPU. */
	pool.nslots = budget(16 * 1000, POOL_SLOTS);
	for (unsigned c = 1; c < n; c++) {
		calls[c] = (struct smp_call){ .fn = pool_worker,
					      .arg = (void *)(uintptr_t)ops };
		ASSERT_EQ(smp_call_async(c, &calls[c]), 0);
	}
	pool_worker((void *)(uintptr_t)ops);
	while (__atomic_load_n(&pool.done, __ATOMIC_ACQUIRE) < (int)n)
		cpu_relax();
	for (unsigned i = 0; i < pool.nslots; i++)
		free(pool.slot[i]);
	for (unsigned c = 0; c < n; c++)
		EXPECT_EQ(pool.errors[c], 0);
	/* Each smp_call_async() ran in a thread of its own, whose struct is
	 * freed once it has switched away for the last time: a moment
	 * after it said (done), later if the host runs its vCPU late. */
	for (int i = 0; i < 1000 && in_use() != base; i++)
		thread_sleep_ns(1000000);
	EXPECT_EQ(in_use(), base);
	EXPECT_EQ(settled_pages_free(), base_pages);
}

TEST(heap, out_of_memory_is_null_and_recoverable)
{
	size_t base_pages = settled_pages_free();
	void **blocks = malloc(sizeof(void *) * 65536);
	int n = 0;

	ASSERT_NOT_NULL(blocks);
	/* Exhaust memory in 256 KiB blocks, then in small ones. */
	for (;;) {
		errno = 0;
		void *p = malloc(256 * 1024);

		if (!p) {
			EXPECT_EQ(errno, ENOMEM);
			break;
		}
		ASSERT_TRUE(n < 65536);
		blocks[n++] = p;
	}
	for (;;) {
		errno = 0;
		void *p = malloc(1000);

		if (!p) {
			EXPECT_EQ(errno, ENOMEM);
			break;
		}
		ASSERT_TRUE(n < 65536);
		blocks[n++] = p;
	}
	volatile size_t huge = SIZE_MAX;
	void *volatile none;

	none = malloc(huge);
	EXPECT_NULL(none);
	none = malloc(huge - 4095);
	EXPECT_NULL(none);
	while (n > 0)
		free(blocks[--n]);
	free(blocks);
	/* Everything is usable again. */
	void *p = malloc(256 * 1024);

	EXPECT_NOT_NULL(p);
	free(p);
	EXPECT_EQ(settled_pages_free(), base_pages);
}
