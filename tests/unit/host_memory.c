// SPDX-License-Identifier: MIT
/* The host "RAM" for the page allocator and heap unit tests. */
#include <stdlib.h>

#include <kernel/heap.h>
#include <kernel/page_alloc.h>

#include "host_memory.h"

void *host_memory_init(void)
{
	static void *ram;

	if (ram)
		return ram;
	/* 2 MiB aligned, as a VM's RAM would be: big blocks can form. */
	ram = aligned_alloc(2UL << 20, HOST_RAM_BYTES);
	if (!ram)
		abort();
	bootmem_add((uintptr_t)ram, (uintptr_t)ram + HOST_RAM_BYTES);
	/* A hole, like the ones firmware leaves in the memory map. */
	bootmem_reserve((uintptr_t)ram + (20UL << 20),
			(uintptr_t)ram + (21UL << 20));
	if (page_alloc_init())
		abort();
	heap_init();
	return ram;
}
