/* SPDX-License-Identifier: MIT */
/*
 * Anonymous memory in whole pages, for mmap() and thread stacks (kernel/
 * mmap.c). RAM is identity-mapped and never paged, so a mapping is a run
 * of physical pages, zeroed, with the protection asked for: readable and
 * writable, read-only, or nothing at all (a guard: any access faults and
 * is reported as a stack overflow). Each page remembers it was mapped
 * this way, so only such pages can be unmapped or re-protected.
 */
#ifndef KERNEL_MMAP_H
#define KERNEL_MMAP_H

#include <stddef.h>

/* Protections: MM_READ alone, MM_READ | MM_WRITE (| MM_EXEC), or 0. */
#define MM_READ		0x1
#define MM_WRITE	0x2
#define MM_EXEC		0x4

/* (len) bytes (rounded up to pages) of zeroed memory with (prot); NULL
 * when no run of free pages is that long. */
void *mm_map(size_t len, unsigned prot);

/* Unmaps the pages of [p, p + len) that came from mm_map(), piecemeal
 * if need be, and passes over the rest (as Linux's munmap() does a range
 * with holes): 0, or -EINVAL for a range that is not page-aligned, is
 * empty or wraps, or -ENOMEM if the page tables could not be changed
 * (the runs before the one that failed are unmapped). */
int mm_unmap(void *p, size_t len);

/* Changes the protection of [p, p + len), all mm_map() pages: 0 or
 * -EINVAL (-ENOMEM if page tables could not be split). */
int mm_protect(void *p, size_t len, unsigned prot);

/* Whether every page of [p, p + len) came from mm_map(). */
int mm_is_mapped(const void *p, size_t len);

/* Gives the calling CPU's unmapped pages, kept zeroed for the next
 * mm_map() of their size, back to the page allocator (mem_reclaim()). */
void mm_trim(void);

#endif /* KERNEL_MMAP_H */
