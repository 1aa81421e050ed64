/* SPDX-License-Identifier: MIT */
/* The kernel's side of memory accounting (the application's is
 * <toro/memory.h>). */
#ifndef KERNEL_MEM_STATS_H
#define KERNEL_MEM_STATS_H

/* With the toro.memstats option, prints on the console the memory in use
 * (pages taken from the allocator, live heap bytes and blocks), "(when)"
 * saying at which moment; without it, nothing. */
void mem_report(const char *when);

#endif /* KERNEL_MEM_STATS_H */
