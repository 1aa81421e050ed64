/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU heap behind malloc(). Small blocks come from spans (runs of
 * pages cut into equal objects) owned by one CPU; that CPU allocates and
 * frees them without locks. A block freed on another CPU is pushed onto its
 * owner's lock-free remote-free stack and goes back into the span when the
 * owner next allocates or idles. Large blocks are whole pages from the page
 * allocator. Callable with interrupts on or off, from threads and handlers.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>

/* Builds the size-class tables. Once, on the boot CPU, before any alloc. */
void heap_init(void);

/* (size) bytes aligned to 16; NULL when memory is exhausted. */
void *heap_alloc(size_t size);

/* heap_alloc(), zero-filled. */
void *heap_zalloc(size_t size);

/* Moves the block at (p) (NULL: none) to one of (size) bytes, keeping its
 * contents, as realloc() does; NULL (and (p) untouched) without memory. */
void *heap_realloc(void *p, size_t size);

/* (size) bytes aligned to (align), a power of two; NULL when memory is
 * exhausted or (align) is not a power of two. */
void *heap_alloc_aligned(size_t align, size_t size);

/* Frees a block from heap_alloc*(); NULL is ignored. A pointer that is not
 * the start of a live block stops the kernel with a report. */
void heap_free(void *p);

/* Bytes usable in the block at (p). */
size_t heap_usable_size(const void *p);

/* Takes back the blocks other CPUs freed into this CPU's spans. */
void heap_drain_remote(void);

/* Also returns the pages of this CPU's empty spans to the page allocator,
 * which otherwise keeps a few for reuse. */
void heap_trim(void);

struct heap_stats {
	size_t in_use_bytes;	/* usable bytes of live blocks */
	size_t allocs, frees;	/* calls since boot */
	size_t span_pages;	/* pages held in small-object spans */
	size_t large_pages;	/* pages in live large blocks */
};

/* Sums over all CPUs; a snapshot, exact when no CPU is allocating. */
void heap_stats(struct heap_stats *st);

#endif /* KERNEL_HEAP_H */
