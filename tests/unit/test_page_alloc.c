// SPDX-License-Identifier: MIT
/* The buddy page allocator and the boot-time allocator before it. */
#include <stdint.h>
#include <string.h>

#include <kernel/page_alloc.h>

#include "host_memory.h"
#include "unit.h"

static size_t free_pages(void)
{
	struct page_stats st;

	page_alloc_stats(&st);
	return st.free_pages;
}

UNIT_TEST(page_alloc_counts_and_aligns)
{
	host_memory_init();
	size_t base = free_pages();
	struct page_stats st;

	page_alloc_stats(&st);
	/* All of RAM but the 1 MiB hole and the descriptors (and their
	 * small bitmap, which rounds up to one more page). */
	size_t ram = HOST_RAM_BYTES >> PAGE_SHIFT;
	size_t descs = ram * sizeof(struct page) / PAGE_SIZE + 1;

	CHECK_EQ(st.total_pages, ram - 256 - descs);

	for (size_t n = 1; n <= 600; n += 37) {
		char *p = page_alloc(n);

		REQUIRE(p);
		CHECK_EQ((uintptr_t)p % PAGE_SIZE, 0);
		CHECK_EQ(free_pages(), base - n);	/* exactly n, no rounding */
		memset(p, 0xee, n * PAGE_SIZE);		/* ASan: all of it ours */
		page_free(p, n);
		CHECK_EQ(free_pages(), base);
	}
	for (size_t align = PAGE_SIZE; align <= (4UL << 20); align *= 2) {
		void *p = page_alloc_aligned(3, align);

		REQUIRE(p);
		CHECK_EQ((uintptr_t)p % align, 0);
		page_free(p, 3);
	}
	CHECK_EQ(free_pages(), base);
}

UNIT_TEST(page_alloc_merges_buddies_back)
{
	host_memory_init();
	size_t base = free_pages();
	void *pages[4096];
	int n = 0;

	/* Chop memory into single pages, free them in a scattered order,
	 * and a large block must be available again. */
	while (n < 4096 && (pages[n] = page_alloc(1)))
		n++;
	for (int i = 0; i < n; i += 2)
		page_free(pages[i], 1);
	for (int i = 1; i < n; i += 2)
		page_free(pages[i], 1);
	CHECK_EQ(free_pages(), base);
	void *big = page_alloc(4096);

	CHECK(big != NULL);
	page_free(big, 4096);
	CHECK_EQ(free_pages(), base);
}

/* Takes every free page, the biggest blocks first; returns how many
 * blocks, their addresses and sizes in (blocks, sizes). */
static int take_all(void **blocks, size_t *sizes, int max)
{
	int n = 0;
	size_t chunk = 1 << 12;

	while (chunk && n < max) {
		void *b = page_alloc(chunk);

		if (b) {
			blocks[n] = b;
			sizes[n++] = chunk;
		} else {
			chunk /= 2;
		}
	}
	return n;
}

UNIT_TEST(page_alloc_exhaustion_and_partial_free)
{
	host_memory_init();
	size_t base = free_pages();

	/* Larger than all of RAM: NULL, nothing changes. */
	CHECK(page_alloc(HOST_RAM_BYTES / PAGE_SIZE + 1) == NULL);
	CHECK(page_alloc(0) == NULL);
	CHECK_EQ(free_pages(), base);

	/* A sub-run of an allocation can be freed on its own. */
	char *p = page_alloc(10);

	REQUIRE(p);
	page_free(p + 4 * PAGE_SIZE, 6);
	CHECK_EQ(free_pages(), base - 4);
	page_free(p, 4);
	CHECK_EQ(free_pages(), base);

	/* Take everything, one big block at a time. */
	void *blocks[256];
	size_t sizes[256];
	int n = take_all(blocks, sizes, 256);

	CHECK_EQ(free_pages(), 0);
	CHECK(page_alloc(1) == NULL);
	while (n-- > 0)
		page_free(blocks[n], sizes[n]);
	CHECK_EQ(free_pages(), base);
}

UNIT_TEST(page_alloc_finds_a_run_across_smaller_blocks)
{
	host_memory_init();
	size_t base = free_pages();
	void *blocks[256];
	size_t sizes[256];
	int n = take_all(blocks, sizes, 256);

	REQUIRE(free_pages() == 0);
	/* In one taken 32-page block, free pages 8..24: three free blocks
	 * (8 pages, 8 pages, 1 page) that are not buddies, and no free block
	 * of 32 pages anywhere. A thread's 17-page stack must still fit. */
	char *big = NULL;

	for (int i = 0; i < n && !big; i++)
		if (sizes[i] >= 32)
			big = blocks[i];
	REQUIRE(big);
	page_free(big + 8 * PAGE_SIZE, 17);
	CHECK_EQ(free_pages(), 17);
	CHECK(page_alloc(18) == NULL);		/* no run that long */
	CHECK_EQ(free_pages(), 17);
	char *run = page_alloc(17);

	CHECK(run == big + 8 * PAGE_SIZE);
	CHECK_EQ(free_pages(), 0);
	/* A shorter request takes the run's start and leaves its tail. */
	page_free(run, 17);
	char *part = page_alloc(11);

	CHECK(part == big + 8 * PAGE_SIZE);
	CHECK_EQ(free_pages(), 6);
	page_free(part, 11);
	/* Alignment beyond a page is the buddy lists' alone: refused. */
	CHECK(page_alloc_aligned(17, 64 * PAGE_SIZE) == NULL);
	REQUIRE(page_alloc(17) == run);		/* whole again, then all back */
	for (int i = 0; i < n; i++)
		page_free(blocks[i], sizes[i]);
	CHECK_EQ(free_pages(), base);
}
