// SPDX-License-Identifier: MIT
/* <search.h>: the hash table (hcreate/hsearch and the _r forms), binary
 * trees (tsearch/tfind/tdelete/twalk/tdestroy), linear search
 * (lsearch/lfind) and queues (insque/remque). */
#define _GNU_SOURCE
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int icmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void walk(const void *node, VISIT v, int depth)
{
	if (v == postorder || v == leaf)
		printf(" %s", *(char *const *)node);
	(void)depth;
}

static int nodes;

static void count(const void *node, VISIT v, int depth)
{
	(void)node;
	(void)depth;
	nodes += v == preorder || v == leaf;
}

struct q {
	struct q *next, *prev;
	int v;
};

int test_search(void)
{
	static char keys[100][8];

	CHECK(hcreate(50) != 0);
	for (int i = 0; i < 100; i++) {
		snprintf(keys[i], 8, "k%d", i * 7);
		ENTRY e = {keys[i], (void *)(long)i};
		CHECK(hsearch(e, ENTER) != NULL);
	}
	ENTRY q = {"k210", NULL}, *f = hsearch(q, FIND);
	printf("hsearch k210 -> %ld\n", f ? (long)f->data : -1);
	q.key = "k211";
	CHECK(hsearch(q, FIND) == NULL);
	hdestroy();
	struct hsearch_data h;
	memset(&h, 0, sizeof(h));
	CHECK(hcreate_r(10, &h) != 0);
	ENTRY e = {"one", (void *)1L}, *r;
	CHECK(hsearch_r(e, ENTER, &r, &h) && r->data == (void *)1L);
	e.data = (void *)2L;
	CHECK(hsearch_r(e, ENTER, &r, &h) && r->data == (void *)1L);
	hdestroy_r(&h);
	void *root = NULL;
	const char *words[] = {"m", "c", "x", "a", "e", "z", "b", "m"};
	for (int i = 0; i < 8; i++) {
		void *n = tsearch(words[i], &root, cmp);
		CHECK(n && strcmp(*(char **)n, words[i]) == 0);
	}
	printf("twalk:");
	twalk(root, walk);
	printf("\n");
	CHECK(tfind("e", &root, cmp) != NULL && tfind("q", &root, cmp) == NULL);
	CHECK(tdelete("c", &root, cmp) != NULL);
	CHECK(tdelete("q", &root, cmp) == NULL);
	printf("after delete:");
	twalk(root, walk);
	nodes = 0;
	twalk(root, count);
	printf(" (%d nodes)\n", nodes);
	tdestroy(root, NULL);
	root = NULL;
	for (int i = 0; i < 1000; i++) {
		static int v[1000];
		v[i] = (i * 389) % 1000;
		tsearch(&v[i], &root, icmp);
	}
	nodes = 0;
	twalk(root, count);
	printf("1000 keys: %d nodes\n", nodes);
	tdestroy(root, NULL);
	int arr[10] = {5, 3, 9};
	size_t n = 3;
	int k = 7;
	int *p = lsearch(&k, arr, &n, sizeof(int), icmp);
	printf("lsearch added at %td, n %zu\n", p - arr, n);
	k = 3;
	p = lfind(&k, arr, &n, sizeof(int), icmp);
	printf("lfind %td\n", p ? p - arr : -1);
	k = 4;
	CHECK(lfind(&k, arr, &n, sizeof(int), icmp) == NULL);
	struct q a = {.v = 1}, b = {.v = 2}, c = {.v = 3};
	insque(&a, NULL);
	insque(&c, &a);
	insque(&b, &a);
	printf("queue:");
	for (struct q *x = &a; x; x = x->next)
		printf(" %d", x->v);
	remque(&b);
	printf(" | after remque:");
	for (struct q *x = &a; x; x = x->next)
		printf(" %d", x->v);
	printf("\n");
	return 0;
}
