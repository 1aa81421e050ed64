// SPDX-License-Identifier: MIT
/*
 * Binary buddy allocator over the identity-mapped RAM, plus the bump
 * allocator that serves boot before it exists.
 *
 * A descriptor per page (struct page, 16 bytes: 0.4% of RAM) says whether
 * the page heads a free block, of which order, and links it into the free
 * list of that order. Keeping the links there rather than in the free
 * memory, and zeroing descriptors 256 at a time when first used, means
 * boot touches almost no fresh RAM: a VM pays dearly for that (the host
 * backs each first touch, often with a whole zeroed 2 MiB page), and most
 * RAM is not needed yet. Blocks are handed out lowest address first after
 * boot, which keeps a small program's footprint on the host small too. Requests for a count that is not a
 * power of two take the next power and give the tail back at once, so
 * large allocations cost what they use.
 */
#include <errno.h>
#include <string.h>

#include <kernel/boot.h>
#include <kernel/compiler.h>
#include <kernel/page_alloc.h>
#include <kernel/spinlock.h>
#include <toro/panic.h>

#define MAX_ORDER 20		/* 4 GiB blocks */
#define CHUNK_SHIFT 8		/* descriptors zeroed together: 4 KiB of them */
#define NO_PAGE UINT32_MAX	/* end of a free list */

/* Free RAM before the buddy allocator exists. */
static struct {
	struct mem_range r[BOOT_MAX_RANGES];
	unsigned n;
	uint64_t lowest, highest;	/* bounds of all RAM ever added */
} boot;

static struct {
	struct spinlock lock;
	struct page *pages;	/* descriptor of pfn is pages[pfn - base] */
	uint64_t *zeroed;	/* bitmap: chunks of pages[] initialised */
	uint64_t base, end;	/* managed pfns: [base, end) */
	uint32_t free[MAX_ORDER + 1];	/* first descriptor of each list */
	size_t nfree;	/* in pages */
	bool ready;
} pa;

size_t page_total;

__cold static void boot_remove_at(unsigned i)
{
	memmove(&boot.r[i], &boot.r[i + 1], (boot.n - i - 1) * sizeof(boot.r[0]));
	boot.n--;
}

__cold static void boot_insert_at(unsigned i, uint64_t start, uint64_t end)
{
	if (boot.n == BOOT_MAX_RANGES)
		return; /* a lost fragment of RAM, not a correctness problem */
	memmove(&boot.r[i + 1], &boot.r[i], (boot.n - i) * sizeof(boot.r[0]));
	boot.r[i] = (struct mem_range){ start, end };
	boot.n++;
}

__cold void bootmem_add(uint64_t start, uint64_t end)
{
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (start >= end)
		return;
	if (!boot.highest || start < boot.lowest)	/* the first, or lower */
		boot.lowest = start;
	boot.highest = MAX(boot.highest, end);
	unsigned i = 0;

	while (i < boot.n && boot.r[i].start < start)
		i++;
	boot_insert_at(i, start, end);
}

__cold void bootmem_reserve(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	for (unsigned i = 0; i < boot.n; i++) {
		struct mem_range *r = &boot.r[i];

		if (end <= r->start || start >= r->end)
			continue;
		if (start <= r->start && end >= r->end) {
			boot_remove_at(i--);
		} else if (start <= r->start) {
			r->start = end;
		} else if (end >= r->end) {
			r->end = start;
		} else {
			uint64_t tail = r->end;

			r->end = start;
			boot_insert_at(i + 1, end, tail);
			i++;
		}
	}
}

__cold void *bootmem_alloc(void)
{
	if (pa.ready || boot.n == 0)
		return NULL;
	void *p = (void *)(uintptr_t)boot.r[0].start;

	boot.r[0].start += PAGE_SIZE;
	if (boot.r[0].start == boot.r[0].end)
		boot_remove_at(0);
	return memset(p, 0, PAGE_SIZE);
}

__cold uint64_t bootmem_take_below(uint64_t limit)
{
	if (boot.n == 0 || boot.r[0].start + PAGE_SIZE > limit)
		return 0;
	uint64_t page = boot.r[0].start;

	bootmem_reserve(page, page + PAGE_SIZE);
	return page;
}

static bool chunk_ready(uint64_t chunk)
{
	return __atomic_load_n(&pa.zeroed[chunk / 64], __ATOMIC_ACQUIRE) &
	       (1ULL << (chunk % 64));
}

/* Descriptor of (pfn), zeroing its chunk on first use. Under pa.lock. */
static struct page *desc(uint64_t pfn)
{
	uint64_t i = pfn - pa.base, chunk = i >> CHUNK_SHIFT;

	if (unlikely(!chunk_ready(chunk))) {
		uint64_t first = chunk << CHUNK_SHIFT;
		uint64_t n = MIN(1ULL << CHUNK_SHIFT, pa.end - pa.base - first);

		memset(&pa.pages[first], 0, n * sizeof(struct page));
		__atomic_fetch_or(&pa.zeroed[chunk / 64], 1ULL << (chunk % 64),
				  __ATOMIC_RELEASE);
	}
	return &pa.pages[i];
}

static uint64_t pfn_of(const void *p)
{
	return (uintptr_t)p >> PAGE_SHIFT;
}

static void list_add(unsigned order, uint64_t pfn)
{
	struct page *b = desc(pfn);
	uint32_t i = pfn - pa.base;

	b->prev = NO_PAGE;
	b->next = pa.free[order];
	if (b->next != NO_PAGE)
		pa.pages[b->next].prev = i;
	pa.free[order] = i;
	b->flags = PAGE_FREE;
	b->order = order;
}

static void list_del(unsigned order, uint64_t pfn)
{
	struct page *b = desc(pfn);

	if (b->prev != NO_PAGE)
		pa.pages[b->prev].next = b->next;
	else
		pa.free[order] = b->next;
	if (b->next != NO_PAGE)
		pa.pages[b->next].prev = b->prev;
	b->flags = 0;
}

/* Boot adds blocks in address order, each at the head: reversed, the
 * lowest comes first. */
__cold static void list_reverse(unsigned order)
{
	uint32_t i = pa.free[order], last = NO_PAGE;

	while (i != NO_PAGE) {
		struct page *b = &pa.pages[i];
		uint32_t next = b->next;

		b->next = b->prev;
		b->prev = next;
		last = i;
		i = next;
	}
	pa.free[order] = last;
}

/* Frees the naturally aligned block of 2^order pages at (pfn), merging it
 * with its buddy as long as the buddy is free and whole. */
static void free_block(uint64_t pfn, unsigned order)
{
	while (order < MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ULL << order);

		if (buddy < pa.base || buddy + (1ULL << order) > pa.end)
			break;
		struct page *b = desc(buddy);

		if (!(b->flags & PAGE_FREE) || b->order != order)
			break;
		list_del(order, buddy);
		pfn &= ~(1ULL << order);
		order++;
	}
	list_add(order, pfn);
}

/* Frees the pages [pfn, end) as the largest aligned blocks that fit. */
__cold static void free_run(uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		unsigned order = 0;

		while (order < MAX_ORDER && !(pfn & (1ULL << order)) &&
		       pfn + (2ULL << order) <= end)
			order++;
		free_block(pfn, order);
		pa.nfree += 1ULL << order;
		pfn += 1ULL << order;
	}
}

__cold int page_alloc_init(void)
{
	if (boot.n == 0)
		return -ENOMEM;
	/* Descriptors cover reserved RAM too, so pages set aside at boot
	 * (like the AP start-up page) can be freed later. */
	pa.base = boot.lowest >> PAGE_SHIFT;
	pa.end = boot.highest >> PAGE_SHIFT;

	/* Descriptors, then the bitmap of zeroed chunks, go at the start of
	 * the first range big enough. */
	size_t npages = pa.end - pa.base;
	size_t desc_bytes = npages * sizeof(struct page);
	size_t map_bytes = ALIGN_UP((npages >> CHUNK_SHIFT) + 1, 64) / 8;
	size_t bytes = ALIGN_UP(desc_bytes + map_bytes, PAGE_SIZE);
	unsigned i;

	for (i = 0; i < boot.n; i++)
		if (boot.r[i].end - boot.r[i].start >= bytes)
			break;
	if (i == boot.n)
		return -ENOMEM;
	pa.pages = (struct page *)(uintptr_t)boot.r[i].start;
	pa.zeroed = (uint64_t *)((char *)pa.pages + ALIGN_UP(desc_bytes, 8));
	bootmem_reserve(boot.r[i].start, boot.r[i].start + bytes);
	memset(pa.zeroed, 0, map_bytes);
	for (unsigned k = 0; k <= MAX_ORDER; k++)
		pa.free[k] = NO_PAGE;

	for (i = 0; i < boot.n; i++)
		free_run(boot.r[i].start >> PAGE_SHIFT,
			 boot.r[i].end >> PAGE_SHIFT);
	for (unsigned k = 0; k <= MAX_ORDER; k++)
		list_reverse(k);
	page_total = pa.nfree;
	boot.n = 0;
	pa.ready = true;
	return 0;
}

bool page_alloc_ready(void)
{
	return pa.ready;
}

static unsigned order_for(size_t npages)
{
	unsigned order = 0;

	while ((1ULL << order) < npages)
		order++;
	return order;
}

/*
 * Finds [*start, *end), a run of at least (npages) free pages made of
 * neighbouring free blocks, each smaller than the power-of-two block the
 * buddy lists would want (17 pages want a free 32-page block; a free
 * 16-page block next to a free page will do). A walk over RAM, lowest
 * address first, only once the lists have failed: stepping over free
 * blocks whole, and over any chunk of descriptors never written, whose
 * pages can only be in use. Under pa.lock.
 */
__cold static bool find_scattered_run(size_t npages, uint64_t *start,
				      uint64_t *end)
{
	uint64_t first = pa.base, pfn = pa.base;

	if (pa.nfree < npages)	/* out of memory: no walk for nothing */
		return false;
	while (pfn - first < npages) {
		uint64_t chunk = (pfn - pa.base) >> CHUNK_SHIFT;
		struct page *b;

		if (pfn >= pa.end)
			return false;
		if (!chunk_ready(chunk))
			pfn = first = pa.base + ((chunk + 1) << CHUNK_SHIFT);
		else if ((b = desc(pfn))->flags & PAGE_FREE)
			pfn += 1ULL << b->order;
		else
			first = ++pfn;
	}
	*start = first;
	*end = pfn;
	return true;
}

void *page_alloc_aligned(size_t npages, size_t align)
{
	if (npages == 0 || npages > (1ULL << MAX_ORDER))
		return NULL;
	unsigned order = order_for(npages);
	unsigned align_order = order_for(MAX(align, PAGE_SIZE) / PAGE_SIZE);

	/* Blocks are aligned to their size, so alignment is a bigger order. */
	if (align_order > order)
		order = align_order;
	if (order > MAX_ORDER)
		return NULL;

	bool irq = spin_lock_irqsave(&pa.lock);
	unsigned k = order;
	uint64_t start, end;

	while (k <= MAX_ORDER && pa.free[k] == NO_PAGE)
		k++;
	if (k <= MAX_ORDER) {
		start = pa.base + pa.free[k];
		end = start + (1ULL << k);
	} else if (align_order || !find_scattered_run(npages, &start, &end)) {
		spin_unlock_irqrestore(&pa.lock, irq);
		return NULL;
	}
	/* Take the run's blocks off their lists, and give back the tail
	 * beyond what was asked for (as the halves a split would leave). */
	for (uint64_t pfn = start; pfn < end; pfn += 1ULL << k) {
		k = desc(pfn)->order;
		list_del(k, pfn);
		pa.nfree -= 1ULL << k;
	}
	free_run(start + npages, end);
	spin_unlock_irqrestore(&pa.lock, irq);
	return (void *)(uintptr_t)(start << PAGE_SHIFT);
}

void *page_alloc(size_t npages)
{
	return page_alloc_aligned(npages, PAGE_SIZE);
}

void page_free(void *p, size_t npages)
{
	uint64_t pfn = pfn_of(p);

	if (!p || npages == 0)
		return;
	if (pfn < pa.base || pfn + npages > pa.end || pfn + npages < pfn)
		panic("page_free: %p (+%zu pages) is outside RAM", p, npages);
	bool irq = spin_lock_irqsave(&pa.lock);

	free_run(pfn, pfn + npages);
	spin_unlock_irqrestore(&pa.lock, irq);
}

struct page *page_meta(const void *p)
{
	uint64_t pfn = pfn_of(p);

	if (!pa.ready || pfn < pa.base || pfn >= pa.end)
		return NULL;
	/* Pages handed out have their chunk zeroed already; only a stray
	 * pointer (a bad free) can find one that is not. */
	if (likely(chunk_ready((pfn - pa.base) >> CHUNK_SHIFT)))
		return &pa.pages[pfn - pa.base];
	bool irq = spin_lock_irqsave(&pa.lock);
	struct page *pg = desc(pfn);

	spin_unlock_irqrestore(&pa.lock, irq);
	return pg;
}

void *page_address(const struct page *pg)
{
	return (void *)(uintptr_t)((pa.base + (pg - pa.pages)) << PAGE_SHIFT);
}

uint32_t page_index(const struct page *pg)
{
	return pg - pa.pages;
}

struct page *page_at_index(uint32_t index)
{
	return &pa.pages[index];
}

void page_alloc_span(uintptr_t *lo, uintptr_t *hi)
{
	*lo = pa.base << PAGE_SHIFT;
	*hi = pa.end << PAGE_SHIFT;
}

void page_alloc_stats(struct page_stats *st)
{
	bool irq = spin_lock_irqsave(&pa.lock);

	st->total_pages = page_total;
	st->free_pages = pa.nfree;
	spin_unlock_irqrestore(&pa.lock, irq);
}
