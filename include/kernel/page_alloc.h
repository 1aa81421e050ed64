/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator. RAM is identity-mapped, so a page's physical
 * address is also its pointer.
 *
 * Boot goes in two steps. First bootmem_*: the free RAM ranges are recorded,
 * reserved areas (the image, the initrd, page 0) are cut out, and single
 * pages for the kernel page tables are taken from the bottom. Then
 * page_alloc_init() turns everything still free into a buddy allocator
 * shared by all CPUs behind one lock; per-CPU caching is the job of the
 * heap above it (kernel/heap.c).
 */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

/* Adds free RAM [start, end); the bounds are rounded inwards to pages. */
void bootmem_add(uint64_t start, uint64_t end);

/* Removes [start, end), rounded outwards to pages, from the free RAM. */
void bootmem_reserve(uint64_t start, uint64_t end);

/* Takes one zeroed page from the lowest free RAM; NULL if there is none.
 * Only before page_alloc_init(). */
void *bootmem_alloc(void);

/* Lowest free page below (limit), removed from the free RAM; 0 if none.
 * For things that must sit in low memory, like the AP start-up code. */
uint64_t bootmem_take_below(uint64_t limit);

/*
 * Builds the buddy allocator over the RAM bootmem still holds, placing its
 * page descriptors in that RAM. Every page must be mapped. Returns 0, or
 * -ENOMEM if not even the descriptors fit.
 */
int page_alloc_init(void);
bool page_alloc_ready(void);
/* Pages the allocator manages, from page_alloc_init() on. */
extern size_t page_total;

/*
 * Allocates (npages) contiguous pages, aligned to (align) bytes (a power of
 * two; at least PAGE_SIZE is implied). The memory is not zeroed. Returns
 * NULL when no such run is free.
 */
void *page_alloc(size_t npages);
void *page_alloc_aligned(size_t npages, size_t align);

/* Returns (npages) pages at (p) obtained from page_alloc*(). Any page-aligned
 * sub-run of an allocation may be freed separately. */
void page_free(void *p, size_t npages);

/*
 * Descriptor of one page, for the heap: which allocation a page belongs to.
 * The page allocator owns only PAGE_FREE and order; the heap (or mmap)
 * owns the rest while it holds the page.
 */
struct page {
	uint32_t next, prev; /* free list of its order (page allocator) */
	uint8_t order;	/* log2 size of the free block this page heads */
	uint8_t flags;
	uint16_t owner;	/* heap: CPU that owns the span */
	uint32_t data;	/* heap: span head index or large-block page count */
};

#define PAGE_FREE	0x01	/* heads a free block (page allocator) */
#define PAGE_SPAN	0x02	/* part of a heap span (data = head pfn index) */
#define PAGE_LARGE	0x04	/* heads a large heap block (data = npages) */
#define PAGE_MAPPED	0x08	/* an mmap()ed page (kernel/mmap.c) */

/* Descriptor of the page holding (p), or NULL outside managed RAM. */
struct page *page_meta(const void *p);

/* Managed RAM, [*lo, *hi): where page_meta() finds pages (none before
 * the allocator starts). */
void page_alloc_span(uintptr_t *lo, uintptr_t *hi);

/* Address of the page a descriptor stands for, and back to its index. */
void *page_address(const struct page *pg);
uint32_t page_index(const struct page *pg);
struct page *page_at_index(uint32_t index);

struct page_stats {
	size_t total_pages;	/* managed by the buddy allocator */
	size_t free_pages;
};
void page_alloc_stats(struct page_stats *st);

/* (pages) in KiB, as getrusage() and /proc report memory. Memory is never
 * paged out, so what is in use (total - free) is all resident. */
static inline size_t pages_kib(size_t pages)
{
	return pages * (PAGE_SIZE / 1024);
}

#endif /* KERNEL_PAGE_ALLOC_H */
