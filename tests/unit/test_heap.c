// SPDX-License-Identifier: MIT
/*
 * The per-CPU heap on the host: threads play CPUs (host_set_cpu), so
 * blocks freed by one "CPU" and owned by another take the remote-free path
 * for real, concurrently, under ASan.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

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
