// SPDX-License-Identifier: MIT
/*
 * Anonymous page mappings (include/kernel/mmap.h) over the page allocator
 * and the identity page tables. A PAGE_MAPPED flag on each page's
 * descriptor marks it as such while it is mapped, which is what lets
 * munmap() pass over addresses it did not hand out, and mprotect()
 * refuse them, instead of freeing or changing somebody else's memory.
 * Unmapped runs wait zeroed, a few per CPU, for the next mapping of their
 * size (mmap_cache.c).
 */
#include <errno.h>
#include <string.h>

#include <arch/mmu.h>
#include <kernel/compiler.h>
#include <kernel/mmap.h>
#include <kernel/page_alloc.h>

#include "mmap_impl.h"

static bool range_ok(const void *p, size_t len, size_t *npages)
{
	uintptr_t a = (uintptr_t)p;

	/* Rounded up to pages, the range must not wrap. */
	if (a & (PAGE_SIZE - 1) || len == 0 || a > UINTPTR_MAX - PAGE_SIZE ||
	    len > UINTPTR_MAX - PAGE_SIZE - a)
		return false;
	*npages = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE;
	return true;
}

int mm_is_mapped(const void *p, size_t len)
{
	size_t n;

	if (!range_ok(p, len, &n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct page *pg = page_meta((const char *)p + i * PAGE_SIZE);

		if (!pg || !(pg->flags & PAGE_MAPPED))
			return 0;
	}
	return 1;
}

static int set_prot(void *p, size_t n, unsigned prot)
{
	uintptr_t a = (uintptr_t)p;

	if (!(prot & MM_READ))
		return vm_set_guards(a, n * PAGE_SIZE);
	return vm_map(a, n * PAGE_SIZE, (prot & MM_WRITE ? VM_WRITE : 0) |
					(prot & MM_EXEC ? VM_EXEC : 0));
}

void *mm_map(size_t len, unsigned prot)
{
	size_t n = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE;

	if (len == 0 || n == 0)
		return NULL;
	char *p = mm_cache_take(n);

	if (!p) {
		p = page_alloc(n);
		if (!p) {
			mm_cache_drain();	/* what it holds may join up */
			p = page_alloc(n);
		}
		if (!p)
			return NULL;
		memset(p, 0, n * PAGE_SIZE);
	}
	for (size_t i = 0; i < n; i++)
		page_meta(p + i * PAGE_SIZE)->flags |= PAGE_MAPPED;
	if (prot != (MM_READ | MM_WRITE) && set_prot(p, n, prot)) {
		mm_unmap(p, len);
		return NULL;
	}
	return p;
}

/* Back to plain RAM (guards and read-only pages included), then to the
 * cache: the (n) mapped pages at (p). */
static int unmap_run(char *p, size_t n)
{
	if (vm_map((uintptr_t)p, n * PAGE_SIZE, VM_WRITE))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		page_meta(p + i * PAGE_SIZE)->flags &= ~PAGE_MAPPED;
	mm_cache_put(p, n);
	return 0;
}

int mm_unmap(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, end, lo, hi;
	size_t n, run = 0;

	if (!range_ok(p, len, &n))
		return -EINVAL;
	/* As Linux does, pages of the range that are not mapped (never
	 * were, or no longer) are passed over: not ours to free. Only
	 * managed RAM holds mappings: the walk keeps to it, however long
	 * the range. */
	page_alloc_span(&lo, &hi);
	end = MIN(a + n * PAGE_SIZE, hi);
	for (a = MAX(a, lo); a <= end; a += PAGE_SIZE) {
		if (a < end && mm_is_mapped((void *)a, PAGE_SIZE)) {
			run++;
			continue;
		}
		if (run && unmap_run((char *)a - run * PAGE_SIZE, run))
			return -ENOMEM;
		run = 0;
	}
	return 0;
}

void mm_trim(void)
{
	mm_cache_drain();
}

int mm_protect(void *p, size_t len, unsigned prot)
{
	size_t n;

	if (!range_ok(p, len, &n) || !mm_is_mapped(p, len))
		return -EINVAL;
	return set_prot(p, n, prot);
}
