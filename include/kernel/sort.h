/* SPDX-License-Identifier: MIT */
/* The kernel's own sort (lib/sort.c). */
#ifndef KERNEL_SORT_H
#define KERNEL_SORT_H

#include <stddef.h>

/*
 * Sorts (n) elements of (size) bytes at (base) into the order (cmp) gives
 * (as qsort() does; <0, 0, >0), in O(n log n) at worst, without recursion
 * or memory. Not stable: elements (cmp) finds equal come in any order.
 */
void ksort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));

#endif /* KERNEL_SORT_H */
