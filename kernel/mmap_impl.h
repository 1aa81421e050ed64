/* SPDX-License-Identifier: MIT */
/* Shared by the mapping files (see include/kernel/mmap.h). */
#ifndef KERNEL_MMAP_IMPL_H
#define KERNEL_MMAP_IMPL_H

#include <stddef.h>

/* mmap_cache.c: zeroed runs of unmapped pages, per CPU */

/* A zeroed run of exactly (n) pages, plain RAM, from this CPU's cache;
 * NULL if it holds none. */
void *mm_cache_take(size_t n);

/* Takes (n) pages at (p), plain RAM no longer mapped by anyone: zeroes
 * and keeps them, or gives them to the page allocator. */
void mm_cache_put(void *p, size_t n);

/* Gives this CPU's cached runs back to the page allocator. */
void mm_cache_drain(void);

#endif /* KERNEL_MMAP_IMPL_H */
