/* SPDX-License-Identifier: MIT */
/*
 * One page allocator per test process (its state is global, as in the
 * kernel): host_memory_init() gives it a block of host memory as "RAM" the
 * first time it is called; later calls reuse it.
 */
#ifndef HOST_MEMORY_H
#define HOST_MEMORY_H

#include <stddef.h>

#define HOST_RAM_BYTES (64UL << 20)

/* Start of the host "RAM" handed to the page allocator. */
void *host_memory_init(void);

#endif /* HOST_MEMORY_H */
