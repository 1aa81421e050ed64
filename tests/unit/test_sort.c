// SPDX-License-Identifier: MIT
/*
 * Host tests for the kernel's sort (lib/sort.c): random arrays of every
 * length up to 300 and of a few element sizes, many with equal keys, come
 * out in the host's qsort() order of keys, and as a permutation of what
 * went in (each element carries its first position).
 */
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/sort.h"

struct wide {
	uint32_t key;
	uint32_t from;		/* where it was before the sort */
	char pad[5];		/* an odd size: byte-wise swaps */
};

static int by_key(const void *pa, const void *pb)
{
	const struct wide *a = pa, *b = pb;

	return a->key < b->key ? -1 : a->key > b->key;
}

static int by_int(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;

	return a < b ? -1 : a > b;
}

UNIT_TEST(sort_ints_as_qsort)
{
	int a[300], b[300];

	unit_seed(77);
	for (size_t n = 0; n <= 300; n++) {
		unsigned range = n % 3 == 0 ? 4 : 1000;	/* duplicates */

		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = (int)unit_rand_below(range) - 2;
		ksort(a, n, sizeof(a[0]), by_int);
		qsort(b, n, sizeof(b[0]), by_int);
		CHECK(n == 0 || memcmp(a, b, n * sizeof(a[0])) == 0);
	}
}

UNIT_TEST(sort_structs_is_a_permutation_in_order)
{
	struct wide w[257];
	bool seen[257];

	unit_seed(78);
	for (size_t n = 1; n <= 257; n += 8) {
		for (size_t i = 0; i < n; i++) {
			memset(&w[i], 0, sizeof(w[i]));
			w[i].key = (uint32_t)unit_rand_below(n / 2 + 1);
			w[i].from = (uint32_t)i;
			seen[i] = false;
		}
		ksort(w, n, sizeof(w[0]), by_key);
		for (size_t i = 0; i < n; i++) {
			CHECK(w[i].from < n && !seen[w[i].from]);
			if (w[i].from < n)
				seen[w[i].from] = true;
			CHECK(i == 0 || w[i - 1].key <= w[i].key);
		}
	}
}
