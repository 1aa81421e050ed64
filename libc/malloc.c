// SPDX-License-Identifier: MIT
/* The malloc family over the per-CPU heap (kernel/heap.c), with the C and
 * POSIX argument checks and errno conventions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <malloc.h>

#include <kernel/heap.h>

void *malloc(size_t size)
{
	return heap_alloc(size);
}

void free(void *p)
{
	heap_free(p);
}

void *calloc(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = heap_alloc(bytes);

	return p ? memset(p, 0, bytes) : NULL;
}

void *realloc(void *p, size_t size)
{
	if (!p)
		return heap_alloc(size);
	if (size == 0) {	/* glibc: free and return NULL */
		heap_free(p);
		return NULL;
	}
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

void *reallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, bytes);
}

void *aligned_alloc(size_t align, size_t size)
{
	return heap_alloc_aligned(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	int saved = errno;
	void *p = heap_alloc_aligned(align, size);

	errno = saved;	/* reports through the return value only */
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t malloc_usable_size(void *p)
{
	return heap_usable_size(p);
}
