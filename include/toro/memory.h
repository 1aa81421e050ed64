/* SPDX-License-Identifier: MIT */
/* Memory accounting for applications and tests: live heap bytes and free
 * pages, to see that a piece of code gives back what it takes. */
#ifndef TORO_MEMORY_H
#define TORO_MEMORY_H

#include <stddef.h>

struct mem_stats {
	size_t heap_in_use;	/* bytes in live malloc() blocks */
	size_t heap_allocs;	/* malloc-family calls that succeeded */
	size_t heap_frees;
	size_t pages_total;	/* RAM pages the allocator manages */
	size_t pages_free;
	size_t pages_tables;	/* taken since boot for page tables and
				 * lazily mapped tables, kept */
};

/* Fills (st). Exact when no other CPU is allocating at the same time. */
void mem_stats(struct mem_stats *st);

/* On every CPU: takes back the blocks other CPUs freed into its heap and
 * returns the pages of its empty spans, and of the unmapped runs it kept
 * zeroed for reuse, so that mem_stats() page counts settle. Call from a
 * thread. */
void mem_reclaim(void);

#endif /* TORO_MEMORY_H */
