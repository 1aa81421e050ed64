// SPDX-License-Identifier: MIT
/*
 * The per-CPU heap on the host: threads play CPUs (host_set_cpu), so
 * blocks freed by one "CPU" and owned by another take the remote-free path
 * for real, concurrently, under ASan.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>

#include "host_memory.h"
#include "unit.h"

#define NCPUS 4

static size_t in_use(void)
{
	struct heap_stats st;

	heap_stats(&st);
	return st.in_use_bytes;
}

UNIT_TEST(heap_sizes_alignment_and_reuse)
{
	host_memory_init();
	host_ncpus = NCPUS;
	host_set_cpu(0);
	size_t base = in_use();

	for (size_t n = 0; n < 20000; n += n < 300 ? 1 : 211) {
		unsigned char *p = heap_alloc(n);

		REQUIRE(p);
		CHECK_EQ((uintptr_t)p % 16, 0);
		CHECK(heap_usable_size(p) >= n);
		memset(p, 0x11, n);
		heap_free(p);
	}
	CHECK_EQ(in_use(), base);
	/* A freed small block is handed out again first. */
	void *a = heap_alloc(40);

	heap_free(a);
	CHECK(heap_alloc(40) == a);
	heap_free(a);
	for (size_t align = 32; align <= 65536; align *= 2) {
		void *p = heap_alloc_aligned(align, 50);

		REQUIRE(p);
		CHECK_EQ((uintptr_t)p % align, 0);
		heap_free(p);
	}
	CHECK(heap_alloc_aligned(24, 10) == NULL);
	CHECK_EQ(in_use(), base);
}

/* One block of a large class taken and given back again and again, with
 * other classes' empty spans already kept (the web server's reply per
 * request): its span stays, rather than coming from the page allocator
 * each time. 64 MiB of host RAM: a cache of 63 pages a CPU. */
UNIT_TEST(heap_churn_of_a_large_class_keeps_its_span)
{
	host_memory_init();
	/* A CPU of its own: other tests leave blocks in CPU 0's spans. */
	host_ncpus = NCPUS;
	host_set_cpu(NCPUS - 1);
	heap_trim();
	/* Three 8-page spans of other classes, empty and kept: 24 pages,
	 * more than the 16 the cache held before it was sized from
	 * memory. */
	for (size_t n = 2000; n <= 3000; n += 500)
		heap_free(heap_alloc(n));

	struct heap_stats held, freed;

	for (int i = 0; i < 100; i++) {
		void *p = heap_alloc(3500);

		REQUIRE(p);
		heap_stats(&held);
		heap_free(p);
		heap_stats(&freed);
		CHECK_EQ(freed.span_pages, held.span_pages);
	}
	heap_trim();
	host_set_cpu(0);
}

/* Empty spans are kept up to the cache's size and no further: 20 spans'
 * worth of blocks freed leave at most 63 pages kept, and at least the 7
 * spans of 8 pages that fit. (A span counted as empty only once it had
 * been used, and not when made, once let every one go.) */
UNIT_TEST(heap_empty_spans_kept_up_to_the_cache)
{
	static void *blocks[20 * 9];	/* 9 blocks of 3.5 KiB a span */
	struct heap_stats before, after;

	host_memory_init();
	host_ncpus = NCPUS;
	host_set_cpu(NCPUS - 1);
	heap_trim();
	heap_stats(&before);
	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++)
		REQUIRE(blocks[i] = heap_alloc(3500));
	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++)
		heap_free(blocks[i]);
	heap_stats(&after);
	CHECK(after.span_pages - before.span_pages <= 63);
	CHECK(after.span_pages - before.span_pages >= 56);
	heap_trim();
	heap_stats(&after);
	CHECK_EQ(after.span_pages, before.span_pages);
	host_set_cpu(0);
}

static void *volatile shared[512];
static int errors;

/* Each thread is a CPU: it allocates into shared slots and frees what it
 * displaces, usually another CPU's block, checking contents on the way. */
static void *cpu_thread(void *arg)
{
	unsigned cpu = (uintptr_t)arg;
	host_set_cpu(cpu);
	unit_seed(cpu + 1);
	for (int op = 0; op < 40000; op++) {
		size_t n = 16 + unit_rand() % 5000;
		unsigned char *p = heap_alloc(n);

		if (!p) {
			__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		memset(p, (unsigned char)n, n);
		p[0] = n & 0xff;
		p[1] = n >> 8;
		void *old = __atomic_exchange_n(&shared[unit_rand() % 512], p,
						__ATOMIC_ACQ_REL);

		if (old) {
			unsigned char *o = old;
			size_t on = o[0] | (size_t)o[1] << 8;

			if (on < 16 || o[on - 1] != (unsigned char)on)
				__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
			heap_free(old);
		}
	}
	heap_drain_remote();
	return NULL;
}

UNIT_TEST(heap_cross_cpu_frees_under_concurrency)
{
	host_memory_init();
	host_ncpus = NCPUS;
	host_set_cpu(0);
	size_t base = in_use();
	pthread_t t[NCPUS];

	for (uintptr_t c = 0; c < NCPUS; c++)
		pthread_create(&t[c], NULL, cpu_thread, (void *)c);
	for (int c = 0; c < NCPUS; c++)
		pthread_join(t[c], NULL);
	CHECK_EQ(errors, 0);
	for (int i = 0; i < 512; i++) {
		heap_free(shared[i]);
		shared[i] = NULL;
	}
	CHECK_EQ(in_use(), base);
	/* The owners take their blocks back; spans empty and pages return. */
	struct heap_stats st;

	for (unsigned c = 0; c < NCPUS; c++) {
		host_set_cpu(c);
		heap_trim();
	}
	host_set_cpu(0);
	heap_stats(&st);
	CHECK_EQ(st.span_pages, 0);
	CHECK_EQ(st.large_pages, 0);
}

UNIT_TEST(heap_exhaustion_returns_null_and_recovers)
{
	host_memory_init();
	host_set_cpu(0);
	struct page_stats before, after;
	static void *blocks[1 << 16];
	int n = 0;

	heap_trim();
	page_alloc_stats(&before);
	while (n < (1 << 16) && (blocks[n] = heap_alloc(100000)))
		n++;
	while (n < (1 << 16) && (blocks[n] = heap_alloc(700)))
		n++;
	CHECK(n < (1 << 16));
	while (n > 0)
		heap_free(blocks[--n]);
	heap_trim();
	page_alloc_stats(&after);
	CHECK_EQ(after.free_pages, before.free_pages);
	void *p = heap_alloc(100000);

	CHECK(p != NULL);
	heap_free(p);
}
