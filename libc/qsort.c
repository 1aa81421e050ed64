// SPDX-License-Identifier: MIT
/*
 * qsort() and bsearch(). qsort is an introsort: quicksort with a
 * median-of-three pivot, insertion sort for short runs, and heapsort when
 * the recursion gets deeper than 2 log2(n), so no input is quadratic.
 * It needs no memory beyond the stack.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef int (*cmp_fn)(const void *, const void *, void *);

struct sort {
	size_t size;
	cmp_fn cmp;
	void *arg;
};

static void swap(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static int cmp(const struct sort *s, const char *a, const char *b)
{
	return s->cmp(a, b, s->arg);
}

static void insertion(const struct sort *s, char *base, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (char *p = base + i * s->size;
		     p > base && cmp(s, p - s->size, p) > 0; p -= s->size)
			swap(p - s->size, p, s->size);
}

static void sift_down(const struct sort *s, char *base, size_t root,
		      size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(s, base + child * s->size,
			base + (child + 1) * s->size) < 0)
			child++;
		if (cmp(s, base + root * s->size, base + child * s->size) >= 0)
			return;
		swap(base + root * s->size, base + child * s->size, s->size);
		root = child;
	}
}

static void heapsort(const struct sort *s, char *base, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(s, base, i, n);
	for (size_t end = n; end-- > 1;) {
		swap(base, base + end * s->size, s->size);
		sift_down(s, base, 0, end);
	}
}

static void introsort(const struct sort *s, char *base, size_t n, int depth)
{
	while (n > 16) {
		if (depth-- == 0) {
			heapsort(s, base, n);
			return;
		}
		size_t sz = s->size;
		char *lo = base, *mid = base + (n / 2) * sz;
		char *hi = base + (n - 1) * sz;

		/* Median of three, moved to lo as the pivot. */
		if (cmp(s, mid, lo) < 0)
			swap(mid, lo, sz);
		if (cmp(s, hi, lo) < 0)
			swap(hi, lo, sz);
		if (cmp(s, hi, mid) < 0)
			swap(hi, mid, sz);
		swap(lo, mid, sz);

		char *i = lo + sz, *j = hi;

		for (;;) {
			while (i <= j && cmp(s, i, lo) < 0)
				i += sz;
			while (i <= j && cmp(s, j, lo) > 0)
				j -= sz;
			if (i >= j)
				break;
			swap(i, j, sz);
			i += sz;
			j -= sz;
		}
		swap(lo, j, sz);
		size_t left = (j - base) / sz, right = n - left - 1;

		/* Recurse into the smaller side, loop on the larger. */
		if (left < right) {
			introsort(s, base, left, depth);
			base = j + sz;
			n = right;
		} else {
			introsort(s, j + sz, right, depth);
			n = left;
		}
	}
	insertion(s, base, n);
}

void qsort_r(void *base, size_t n, size_t size,
	     int (*compare)(const void *, const void *, void *), void *arg)
{
	struct sort s = { size, compare, arg };
	int depth = 0;

	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	if (n > 1 && size > 0)
		introsort(&s, base, n, depth);
}

static int plain_cmp(const void *a, const void *b, void *fn)
{
	return ((int (*)(const void *, const void *))fn)(a, b);
}

void qsort(void *base, size_t n, size_t size,
	   int (*compare)(const void *, const void *))
{
	qsort_r(base, n, size, plain_cmp, (void *)compare);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*compare)(const void *, const void *))
{
	const char *lo = base;

	while (n > 0) {
		const char *mid = lo + (n / 2) * size;
		int c = compare(key, mid);

		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			lo = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}
