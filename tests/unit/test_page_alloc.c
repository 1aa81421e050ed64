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
	int n = 0;
	size_t chunk = 1 << 10;

	while (chunk && n < 256) {
		void *b = page_alloc(chunk);

		if (b) {
			blocks[n] = b;
			sizes[n++] = chunk;
		} else {
			chunk /= 2;
		}
	}
	CHECK_EQ(free_pages(), 0);
	CHECK(page_alloc(1) == NULL);
	while (n-- > 0)
		page_free(blocks[n], sizes[n]);
	CHECK_EQ(free_pages(), base);
}
