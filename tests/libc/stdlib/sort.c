// SPDX-License-Identifier: MIT
/* <stdlib.h>'s qsort, qsort_r, bsearch; <search.h>'s lsearch/lfind are in
 * text/search.c. Sorted results are checked and hashed. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_mod(const void *a, const void *b, void *arg)
{
	int m = *(int *)arg;
	int x = *(const int *)a % m, y = *(const int *)b % m;

	return (x > y) - (x < y);
}

struct rec {
	char key[12];
	int n;
};

static int cmp_rec(const void *a, const void *b)
{
	return strcmp(((const struct rec *)a)->key,
		      ((const struct rec *)b)->key);
}

int test_sort(void)
{
	static int v[5000];
	unsigned x = 12345;

	for (int len = 0; len <= 5000; len = len ? len * 3 : 1) {
		for (int i = 0; i < len; i++) {
			x = x * 1103515245 + 12345;
			v[i] = (int)(x >> 8) % 1000 - 500;
		}
		qsort(v, len, sizeof(int), cmp_int);
		unsigned h = 0;
		for (int i = 0; i < len; i++) {
			if (i)
				CHECK(v[i - 1] <= v[i]);
			h = h * 33 + (unsigned)v[i];
		}
		printf("qsort %d: %08x\n", len, h);
	}
	/* Already sorted, reversed, all equal. */
	for (int i = 0; i < 1000; i++)
		v[i] = 1000 - i;
	qsort(v, 1000, sizeof(int), cmp_int);
	CHECK(v[0] == 1 && v[999] == 1000);
	for (int i = 0; i < 1000; i++)
		v[i] = 7;
	qsort(v, 1000, sizeof(int), cmp_int);
	int m = 10;
	for (int i = 0; i < 100; i++)
		v[i] = i * 37 % 101;
	qsort_r(v, 100, sizeof(int), cmp_mod, &m);
	for (int i = 1; i < 100; i++)
		CHECK(v[i - 1] % 10 <= v[i] % 10);
	struct rec r[6] = {{"pear", 1}, {"apple", 2},  {"fig", 3},
			   {"kiwi", 4}, {"banana", 5}, {"cherry", 6}};
	qsort(r, 6, sizeof(r[0]), cmp_rec);
	for (int i = 0; i < 6; i++)
		printf("%s=%d ", r[i].key, r[i].n);
	printf("\n");
	struct rec k = {"kiwi", 0},
		   *f = bsearch(&k, r, 6, sizeof(r[0]), cmp_rec);
	CHECK(f && f->n == 4);
	strcpy(k.key, "grape");
	CHECK(bsearch(&k, r, 6, sizeof(r[0]), cmp_rec) == NULL);
	CHECK(bsearch(&k, r, 0, sizeof(r[0]), cmp_rec) == NULL);
	for (int i = 0; i < 1000; i++)
		v[i] = i * 2;
	for (int i = -1; i < 2001; i++) {
		int *p = bsearch(&i, v, 1000, sizeof(int), cmp_int);
		CHECK(i >= 0 && i < 2000 && i % 2 == 0 ? p && *p == i : !p);
	}
	return 0;
}
