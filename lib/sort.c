// SPDX-License-Identifier: MIT
/*
 * The kernel's sort (include/kernel/sort.h): heapsort, as Linux's
 * lib/sort.c is. The C library's qsort() is a smoothsort of over 2 KiB;
 * this is a few hundred bytes, with the same bound at worst, which is
 * what the kernel needs to sort the initrd's index once at boot.
 */
#include <kernel/sort.h>

static void swap(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Moves element (i) of the max-heap of (n) elements at (base) down until
 * neither child is larger. */
static void sift_down(char *base, size_t i, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + i * size, base + child * size) >= 0)
			return;
		swap(base + i * size, base + child * size, size);
		i = child;
	}
}

void ksort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(b, b + end * size, size);	/* the largest goes last */
		sift_down(b, 0, end, size, cmp);
	}
}
