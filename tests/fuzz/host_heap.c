// SPDX-License-Identifier: MIT
/*
 * The kernel heap as the fuzz targets see it: the host's malloc. The
 * kernel's allocator rounds blocks up to size classes, where ASan would
 * not notice a parser overrunning what it asked for; malloc's blocks are
 * exactly the size asked for, so it does.
 */
#include <stdlib.h>

#include <kernel/heap.h>

void *heap_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

void *heap_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void heap_free(void *p)
{
	free(p);
}
