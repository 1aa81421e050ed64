// SPDX-License-Identifier: MIT
/*
 * Per-CPU heap: size-classed spans owned by one CPU each, a lock-free
 * remote-free stack per CPU, and page-granular large blocks.
 *
 * A span starts with its header; objects follow, handed out first from a
 * bump pointer (so a new span touches no more memory than it serves), then
 * from a free list. Every page of a span records the span's head in its
 * page descriptor, which is how heap_free() finds the span and its owner. Only
 * the owner CPU ever touches a span's lists, with local interrupts off, so
 * no lock is needed; other CPUs only push onto the owner's remote stack.
 *
 * A freed small block carries a mark in its second word (its first links
 * it into a free list or a remote stack), cleared when it is handed out
 * again: a second free() of it finds the mark and is reported instead of
 * putting the block on a list twice, where two later allocations would
 * share it. The mark is the block's own address mixed with a constant:
 * live data that happens to look like one is not to be expected.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <arch/irq.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/mpsc.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <toro/cpu.h>
#include <toro/panic.h>

#define SPAN_HEADER	64
#define SMALL_MAX	3584
#define MIN_OBJECTS	8	/* a span holds at least this many, if it can */
#define MAX_SPAN_PAGES	8
/* Empty spans a CPU keeps for reuse instead of returning their pages at
 * once: enough to absorb alloc/free churn, little enough that many CPUs
 * on a small machine do not sit on much of it: a 256th of memory per CPU
 * in multiples of 8 pages, at most EMPTY_CACHE_MAX. (The web server takes
 * and frees a 3.5 KiB reply per request, from a span of 8 pages: the
 * cache must hold that beside other classes' spans, or each request pays
 * for 8 pages from the page allocator and back.) None under 8 MiB: there
 * a few pages kept on each CPU split the runs a thread's stack needs, and
 * 4 CPUs in 4 MiB could not start a thread each. */
#define EMPTY_CACHE_MAX	128
static size_t empty_cache_pages;	/* set by heap_init() */

static const uint16_t class_size[] = {
	16,   32,   48,   64,   80,   96,   112,  128,  160,
	192,  224,  256,  320,  384,  448,  512,  640,  768,
	896,  1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584,
};
#define NCLASSES ARRAY_SIZE(class_size)
STATIC_ASSERT(NCLASSES < 256, "class index fits a byte");

static uint8_t class_by_16[SMALL_MAX / 16 + 1];	/* (size + 15) / 16 -> class */
#define FREE_MARK_KEY	0x9e3779b97f4a7c15ULL
static uint8_t span_pages[NCLASSES];

struct span {
	struct span *next, *prev; /* owner's spans with free objects */
	void *free;		  /* freed objects, linked by first word */
	char *bump;		  /* next never-used object */
	char *limit;		  /* end of the last whole object */
	uint32_t inuse;		  /* objects handed out */
	uint16_t cls;
	uint16_t owner;		  /* CPU id */
	uint16_t npages;
	bool listed;		  /* on the owner's partial list */
};
STATIC_ASSERT(sizeof(struct span) <= SPAN_HEADER, "span header fits");

struct heap_cpu {
	struct span *partial[NCLASSES];
	struct mpsc_stack remote;	/* blocks freed by other CPUs */
	/* Counters, written by this CPU only; summed by heap_stats(). They
	 * may wrap individually (a block freed on another CPU), the sum
	 * does not. */
	size_t alloc_bytes, free_bytes, allocs, frees;
	size_t span_pages, large_pages;
	size_t empty_pages;	/* in listed spans with no object in use */
};

static DEFINE_PERCPU(struct heap_cpu, heap);

__cold void heap_init(void)
{
	unsigned c = 0;

	empty_cache_pages = MIN(page_total / 256, EMPTY_CACHE_MAX) & ~7UL;

	for (unsigned i = 0; i < ARRAY_SIZE(class_by_16); i++) {
		while (class_size[c] < i * 16)
			c++;
		class_by_16[i] = c;
	}
	for (c = 0; c < NCLASSES; c++) {
		unsigned pages = 1;

		while (pages < MAX_SPAN_PAGES &&
		       (pages * PAGE_SIZE - SPAN_HEADER) / class_size[c] <
			       MIN_OBJECTS)
			pages *= 2;
		span_pages[c] = pages;
	}
}

/* The second word of a freed small block (see the top). */
static uintptr_t *free_mark(void *p)
{
	return (uintptr_t *)p + 1;
}

static uintptr_t free_mark_of(const void *p)
{
	return (uintptr_t)p ^ FREE_MARK_KEY;
}

static unsigned class_of(size_t size)
{
	return class_by_16[(size + 15) / 16];
}

static struct span *span_of(const void *p)
{
	struct page *pg = page_meta(p);

	if (!pg || !(pg->flags & PAGE_SPAN))
		return NULL;
	return page_address(page_at_index(pg->data));
}

static void list_add(struct heap_cpu *h, struct span *s)
{
	s->prev = NULL;
	s->next = h->partial[s->cls];
	if (s->next)
		s->next->prev = s;
	h->partial[s->cls] = s;
	s->listed = true;
}

static void list_del(struct heap_cpu *h, struct span *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		h->partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->listed = false;
}

static void span_release(struct heap_cpu *h, struct span *s);

/* Gives back every empty span this CPU keeps. */
static void trim(struct heap_cpu *h)
{
	for (unsigned c = 0; c < NCLASSES; c++) {
		struct span *s = h->partial[c], *next;

		for (; s; s = next) {
			next = s->next;
			if (s->inuse == 0) {
				h->empty_pages -= s->npages;
				span_release(h, s);
			}
		}
	}
}

static struct span *span_new(struct heap_cpu *h, unsigned cls)
{
	unsigned npages = span_pages[cls];
	char *mem = page_alloc(npages);

	if (!mem && h->empty_pages) {	/* short of memory: use our spare */
		trim(h);
		mem = page_alloc(npages);
	}
	if (!mem)
		return NULL;
	struct page *head = page_meta(mem);

	for (unsigned i = 0; i < npages; i++) {
		struct page *pg = head + i;

		pg->flags = PAGE_SPAN;
		pg->data = page_index(head);
	}
	struct span *s = (struct span *)mem;
	size_t capacity = (npages * PAGE_SIZE - SPAN_HEADER) / class_size[cls];

	*s = (struct span){
		.bump = mem + SPAN_HEADER,
		.limit = mem + SPAN_HEADER + capacity * class_size[cls],
		.cls = cls,
		.owner = this_cpu_id(),
		.npages = npages,
	};
	h->span_pages += npages;
	list_add(h, s);
	return s;
}

/* Cold: the empty-span cache makes giving pages back the rare case. */
static __cold void span_release(struct heap_cpu *h, struct span *s)
{
	struct page *head = page_meta(s);

	list_del(h, s);
	for (unsigned i = 0; i < s->npages; i++)
		head[i].flags = 0;
	h->span_pages -= s->npages;
	page_free(s, s->npages);
}

/* Returns a block to its span on the owner CPU. */
static void free_local(struct heap_cpu *h, struct span *s, void *p)
{
	*(void **)p = s->free;
	s->free = p;
	s->inuse--;
	if (!s->listed)
		list_add(h, s);
	if (s->inuse > 0)
		return;
	/* Keep an empty span while the cache has room: it absorbs alloc/free
	 * ping-pong. Not only the last of its class: a class whose blocks
	 * live in several spans (lwIP's buffers of 896 bytes under load)
	 * would otherwise have one made and unmade again and again. */
	if (h->empty_pages + s->npages <= empty_cache_pages)
		h->empty_pages += s->npages;
	else
		span_release(h, s);
}

static void drain(struct heap_cpu *h)
{
	struct mpsc_node *n = mpsc_take_all(&h->remote);

	while (n) {
		struct mpsc_node *next = n->next;

		free_local(h, span_of(n), n);
		n = next;
	}
}

void heap_drain_remote(void)
{
	bool irq = irq_save();

	drain(&this_cpu_var(heap));
	irq_restore(irq);
}

void heap_trim(void)
{
	bool irq = irq_save();
	struct heap_cpu *h = &this_cpu_var(heap);

	drain(h);
	trim(h);
	irq_restore(irq);
}

static void *alloc_small(unsigned cls)
{
	bool irq = irq_save();
	struct heap_cpu *h = &this_cpu_var(heap);

	if (!mpsc_is_empty(&h->remote))
		drain(h);
	struct span *s = h->partial[cls];

	/* An empty span leaves the cache. A new one was never in it: taking
	 * it off the count as well once let the count run below zero, and
	 * the cache then kept nothing. */
	if (s && s->inuse == 0)
		h->empty_pages -= s->npages;
	if (!s && !(s = span_new(h, cls))) {
		irq_restore(irq);
		return NULL;
	}
	void *p = s->free;

	if (p) {
		s->free = *(void **)p;
	} else {
		p = s->bump;
		s->bump += class_size[cls];
	}
	*free_mark(p) = 0;
	s->inuse++;
	if (!s->free && s->bump == s->limit)
		list_del(h, s);
	h->allocs++;
	h->alloc_bytes += class_size[cls];
	irq_restore(irq);
	return p;
}

static void *alloc_large(size_t size, size_t align)
{
	if (size > SIZE_MAX - PAGE_SIZE)
		return NULL;
	size_t npages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;

	if (npages > UINT32_MAX)
		return NULL;
	void *p = page_alloc_aligned(npages, align);

	if (!p)
		return NULL;
	struct page *pg = page_meta(p);

	pg->flags = PAGE_LARGE;
	pg->data = npages;
	bool irq = irq_save();
	struct heap_cpu *h = &this_cpu_var(heap);

	h->allocs++;
	h->alloc_bytes += npages * PAGE_SIZE;
	h->large_pages += npages;
	irq_restore(irq);
	return p;
}

void *heap_alloc(size_t size)
{
	void *p;

	if (size <= SMALL_MAX)
		p = alloc_small(class_of(size ? size : 1));
	else
		p = alloc_large(size, PAGE_SIZE);
	return p;
}

void *heap_zalloc(size_t size)
{
	void *p = heap_alloc(size);

	return p ? memset(p, 0, size) : NULL;
}

void *heap_realloc(void *p, size_t size)
{
	if (!p)
		return heap_alloc(size);
	size_t have = heap_usable_size(p);

	/* Keep the block unless it would waste more than half of itself. */
	if (size <= have && size >= have / 2)
		return p;
	void *q = heap_alloc(size);

	if (!q)
		return NULL;	/* the old block stays valid */
	memcpy(q, p, size < have ? size : have);
	heap_free(p);
	return q;
}

void *heap_alloc_aligned(size_t align, size_t size)
{
	if (align == 0 || (align & (align - 1)))
		return NULL;
	if (align <= 16)
		return heap_alloc(size);
	/* Objects sit at span + 64 + i * size, spans are page-aligned: an
	 * alignment up to 64 holds in any class whose size it divides. */
	if (align <= SPAN_HEADER && size <= SMALL_MAX) {
		for (unsigned c = class_of(size ? size : 1); c < NCLASSES; c++) {
			if (class_size[c] % align == 0)
				return alloc_small(c);
		}
	}
	return alloc_large(size ? size : 1, align);
}

/* Named for what a program calls (free() and heap_free() are the same
 * heap), with the two usual causes. */
static __noreturn void bad_free(const void *p)
{
	panic("free(%p): not a block of the heap (freed twice, or never "
	      "allocated)", p);
}

size_t heap_usable_size(const void *p)
{
	if (!p)
		return 0;
	struct span *s = span_of(p);

	if (s)
		return class_size[s->cls];
	struct page *pg = page_meta(p);

	if (!pg || !(pg->flags & PAGE_LARGE))
		bad_free(p);
	return (size_t)pg->data * PAGE_SIZE;
}

void heap_free(void *p)
{
	if (!p)
		return;
	struct span *s = span_of(p);

	if (!s) {
		struct page *pg = page_meta(p);

		if (!pg || !(pg->flags & PAGE_LARGE) ||
		    !IS_ALIGNED((uintptr_t)p, PAGE_SIZE))
			bad_free(p);
		size_t npages = pg->data;

		pg->flags = 0;
		page_free(p, npages);
		bool irq = irq_save();
		struct heap_cpu *h = &this_cpu_var(heap);

		h->frees++;
		h->free_bytes += npages * PAGE_SIZE;
		h->large_pages -= npages;
		irq_restore(irq);
		return;
	}
	uintptr_t first = (uintptr_t)s + SPAN_HEADER;

	if ((uintptr_t)p < first || (char *)p >= s->limit ||
	    ((uintptr_t)p - first) % class_size[s->cls] ||
	    *free_mark(p) == free_mark_of(p))
		bad_free(p);
	*free_mark(p) = free_mark_of(p);

	bool irq = irq_save();
	struct heap_cpu *h = &this_cpu_var(heap);

	h->frees++;
	h->free_bytes += class_size[s->cls];
	if (s->owner == this_cpu_id())
		free_local(h, s, p);
	else
		mpsc_push(&per_cpu_var(heap, s->owner).remote, p);
	irq_restore(irq);
}

__cold void heap_stats(struct heap_stats *st)
{
	*st = (struct heap_stats){ 0 };
	for (unsigned i = 0; i < cpu_count(); i++) {
		struct heap_cpu *h = &per_cpu_var(heap, i);

		st->in_use_bytes += READ_ONCE(h->alloc_bytes) -
				    READ_ONCE(h->free_bytes);
		st->allocs += READ_ONCE(h->allocs);
		st->frees += READ_ONCE(h->frees);
		st->span_pages += READ_ONCE(h->span_pages);
		st->large_pages += READ_ONCE(h->large_pages);
	}
}
