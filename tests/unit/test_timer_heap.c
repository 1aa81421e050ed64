// SPDX-License-Identifier: MIT
/* The timer pairing heap against a plain sorted reference, under random
 * inserts, removals of arbitrary timers and pops of the earliest. */
#include <stdlib.h>

#include <kernel/timer_heap.h>

#include "unit.h"

#define N 2000

/* Checks the heap property and the links below (t); counts nodes. */
static int check(const struct timer *t, const struct timer *parent, int *bad)
{
	int n = 0;

	for (const struct timer *c = t; c; c = c->sibling) {
		n++;
		if (parent && c->deadline < parent->deadline)
			(*bad)++;
		if (c->child && c->child->prev != c)
			(*bad)++;
		if (c->sibling && c->sibling->prev != c)
			(*bad)++;
		n += check(c->child, c, bad);
	}
	return n;
}

UNIT_TEST(timer_heap_random_operations)
{
	static struct timer t[N];
	static bool in[N];
	struct timer *root = NULL;
	int count = 0, bad = 0;

	unit_seed(11);
	for (int op = 0; op < 200000; op++) {
		int i = unit_rand_below(N);
		unsigned what = unit_rand_below(3);

		if (!in[i] && what != 2) {
			t[i].deadline = unit_rand_below(1000);	/* many ties */
			timer_heap_insert(&root, &t[i]);
			in[i] = true;
			count++;
		} else if (in[i] && what == 1) {
			timer_heap_remove(&root, &t[i]);
			in[i] = false;
			count--;
		} else if (root) {
			/* Pop the earliest: nothing still in may be earlier. */
			struct timer *min = root;

			for (int k = 0; k < N; k++)
				if (in[k] && t[k].deadline < min->deadline)
					bad++;
			timer_heap_remove(&root, min);
			in[min - t] = false;
			count--;
		}
		if (op % 997 == 0) {
			CHECK_EQ(check(root, NULL, &bad), count);
			CHECK(!root || !root->prev);
		}
	}
	CHECK_EQ(bad, 0);
}
