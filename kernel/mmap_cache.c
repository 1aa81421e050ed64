// SPDX-License-Identifier: MIT
/*
 * Unmapped runs of pages kept zeroed, per CPU, for the next mm_map() of
 * the same size there. A pthread's stack is the case it is for: musl maps
 * stack, guard and TLS in one run on every pthread_create() and unmaps it
 * when the thread is joined or, detached, has ended, and the zeroing an
 * anonymous mapping needs was most of what creating a thread cost (80 KiB
 * is 35 us of `rep stosq` under TCG). Zeroed when unmapped instead, by the
 * joiner or by the ended thread's own CPU, the pages wait here for the
 * next thread, which then starts without it.
 *
 * A run is zeroed once and handed out once: nothing may write memory it
 * has unmapped (a program that does would find its writes in somebody's
 * new mapping, as it would with any reuse). Runs are few and small: a CPU
 * keeps at most CACHE_PAGES, and no more than a 64th of RAM, and
 * mm_cache_drain() gives them back to the page allocator (mem_reclaim(),
 * or an mm_map() that found no free run).
 */
#include <string.h>

#include <arch/irq.h>
#include <kernel/compiler.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>

#include "mmap_impl.h"

#define CACHE_SLOTS	4
#define CACHE_PAGES	128	/* 512 KiB per CPU at most */
#define CACHE_SHARE	64	/* and no more than 1/64 of RAM */
#define RUN_PAGES	64	/* larger runs go back at once */

struct run {
	void *p;
	size_t n;		/* pages; 0: a free slot */
};

/* Touched only by its CPU, with interrupts off. Slot 0 is the oldest. */
struct mmap_cache {
	struct run run[CACHE_SLOTS];
	size_t pages;
};

static DEFINE_PERCPU(struct mmap_cache, cache);

void *mm_cache_take(size_t n)
{
	bool irq = irq_save();
	struct mmap_cache *c = &this_cpu_var(cache);
	void *p = NULL;

	for (int i = CACHE_SLOTS - 1; i >= 0; i--) {	/* newest first */
		if (c->run[i].n != n)
			continue;
		p = c->run[i].p;
		memmove(&c->run[i], &c->run[i + 1],
			(CACHE_SLOTS - 1 - i) * sizeof(c->run[0]));
		c->run[CACHE_SLOTS - 1] = (struct run){ 0 };
		c->pages -= n;
		break;
	}
	irq_restore(irq);
	return p;
}

/* Drops the oldest run of (c) to the page allocator. */
static void evict_oldest(struct mmap_cache *c)
{
	struct run old = c->run[0];

	memmove(&c->run[0], &c->run[1], (CACHE_SLOTS - 1) * sizeof(c->run[0]));
	c->run[CACHE_SLOTS - 1] = (struct run){ 0 };
	c->pages -= old.n;
	page_free(old.p, old.n);
}

/* Pages a CPU may keep: a guest of a few MiB keeps none worth having. */
static size_t cache_limit(void)
{
	static size_t limit;
	struct page_stats st;

	if (!READ_ONCE(limit)) {
		page_alloc_stats(&st);
		WRITE_ONCE(limit, MIN(CACHE_PAGES, st.total_pages / CACHE_SHARE));
	}
	return limit;
}

void mm_cache_put(void *p, size_t n)
{
	if (n > RUN_PAGES || n > cache_limit()) {
		page_free(p, n);
		return;
	}
	/* Zeroed before it is listed: a run in the cache is ready to go. */
	memset(p, 0, n * PAGE_SIZE);
	bool irq = irq_save();
	struct mmap_cache *c = &this_cpu_var(cache);

	while (c->run[CACHE_SLOTS - 1].n || c->pages + n > cache_limit())
		evict_oldest(c);	/* (n) alone fits: ends, if empty */
	int i = 0;

	while (c->run[i].n)
		i++;
	c->run[i] = (struct run){ p, n };
	c->pages += n;
	irq_restore(irq);
}

void mm_cache_drain(void)
{
	bool irq = irq_save();
	struct mmap_cache *c = &this_cpu_var(cache);

	while (c->run[0].n)
		evict_oldest(c);
	irq_restore(irq);
}
