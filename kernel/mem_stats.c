// SPDX-License-Identifier: MIT
/* mem_stats() and mem_reclaim(): the heap's and page allocator's counters
 * for applications and tests; mem_report() for the toro.memstats
 * option. */
#include <arch/mmu.h>
#include <kernel/cmdline.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/mem_stats.h>
#include <kernel/mmap.h>
#include <kernel/smp_call.h>
#include <toro/cpu.h>
#include <kernel/page_alloc.h>
#include <toro/memory.h>

void mem_stats(struct mem_stats *st)
{
	struct heap_stats h;
	struct page_stats p;

	heap_stats(&h);
	page_alloc_stats(&p);
	*st = (struct mem_stats){
		.heap_in_use = h.in_use_bytes,
		.heap_allocs = h.allocs,
		.heap_frees = h.frees,
		.pages_total = p.total_pages,
		.pages_free = p.free_pages,
		.pages_tables = mmu_kept_pages(),
	};
}

static void trim_here(void *arg)
{
	(void)arg;
	mm_trim();	/* unmapped runs kept zeroed for reuse */
	heap_trim();
}

void mem_reclaim(void)
{
	/* CPU 0 last: the others may hand blocks back to it as they trim. */
	for (unsigned c = cpu_count(); c-- > 0;)
		smp_call_irq(c, trim_here, NULL);
}

void mem_report(const char *when)
{
	struct mem_stats st;

	if (!kopt_flag("toro.memstats"))
		return;
	mem_stats(&st);
	kprintf("toro: memory %s: %zu KiB in use of %zu KiB (heap: %zu KiB "
		"in %zu blocks)\n", when,
		(st.pages_total - st.pages_free) * PAGE_SIZE / 1024,
		st.pages_total * PAGE_SIZE / 1024, st.heap_in_use / 1024,
		st.heap_allocs - st.heap_frees);
}
