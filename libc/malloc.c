// SPDX-License-Identifier: MIT
/*
 * The malloc family over the kernel's per-CPU heap (kernel/heap.c),
 * replacing musl's mallocng: each CPU allocates from its own spans
 * without locks, and a block freed on another CPU goes home through a
 * lock-free queue. musl's own allocations (__libc_malloc and friends, for
 * stdio buffers, locale data, atexit...) come from the same heap.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/heap.h>

static void *check(void *p)
{
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t size)
{
	return check(heap_alloc(size));
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
	void *p = malloc(bytes);

	return p ? memset(p, 0, bytes) : NULL;
}

void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	/* musl's choice for size 0: a new minimal block, the old one
	 * freed. */
	size_t have = heap_usable_size(p);

	/* Keep the block unless it would waste more than half of itself. */
	if (size <= have && size >= have / 2)
		return p;
	void *q = malloc(size);

	if (!q)
		return NULL;	/* the old block stays valid */
	memcpy(q, p, size < have ? size : have);
	heap_free(p);
	return q;
}

void *aligned_alloc(size_t align, size_t size)
{
	if (align == 0 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	return check(heap_alloc_aligned(align, size));
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = heap_alloc_aligned(align, size);

	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *memalign(size_t align, size_t size)
{
	return aligned_alloc(align, size);
}

size_t malloc_usable_size(void *p)
{
	return p ? heap_usable_size(p) : 0;
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

/* The names musl's own files call (src/include/stdlib.h). */
void *__libc_malloc(size_t size) __attribute__((alias("malloc")));
void *__libc_malloc_impl(size_t size) __attribute__((alias("malloc")));
void *__libc_calloc(size_t n, size_t size) __attribute__((alias("calloc")));
void *__libc_realloc(void *p, size_t size) __attribute__((alias("realloc")));
void __libc_free(void *p) __attribute__((alias("free")));
