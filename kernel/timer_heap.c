// SPDX-License-Identifier: MIT
/*
 * Pairing heap of timers (see include/kernel/timer_heap.h). A node's
 * children hang off (child) as a list linked by (sibling); (prev) points to
 * the parent for a first child, else to the left sibling, so any node can
 * be cut out.
 */
#include <stddef.h>

#include <kernel/timer_heap.h>

/* Joins two heaps; the later root becomes the first child of the other. */
static struct timer *meld(struct timer *a, struct timer *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (b->deadline < a->deadline) {
		struct timer *t = a;

		a = b;
		b = t;
	}
	b->prev = a;
	b->sibling = a->child;
	if (b->sibling)
		b->sibling->prev = b;
	a->child = b;
	a->sibling = NULL;
	a->prev = NULL;
	return a;
}

/* Two-pass pairing of a list of siblings into one heap. */
static struct timer *merge_pairs(struct timer *first)
{
	struct timer *pairs = NULL;

	/* Left to right: meld neighbours, collecting the results. */
	while (first) {
		struct timer *a = first, *b = a->sibling;

		first = b ? b->sibling : NULL;
		a->sibling = a->prev = NULL;
		if (b)
			b->sibling = b->prev = NULL;
		struct timer *m = meld(a, b);

		m->sibling = pairs;
		pairs = m;
	}
	/* Right to left: meld them all. */
	struct timer *heap = NULL;

	while (pairs) {
		struct timer *next = pairs->sibling;

		pairs->sibling = NULL;
		heap = meld(heap, pairs);
		pairs = next;
	}
	return heap;
}

void timer_heap_remove(struct timer **root, struct timer *t)
{
	struct timer *sub = merge_pairs(t->child);

	if (t == *root) {
		*root = sub;
	} else {
		/* Unlink t: prev is its parent (t is the first child) or its
		 * left sibling. */
		if (t->prev->child == t)
			t->prev->child = t->sibling;
		else
			t->prev->sibling = t->sibling;
		if (t->sibling)
			t->sibling->prev = t->prev;
		*root = meld(*root, sub);
	}
	t->child = t->sibling = t->prev = NULL;
}

void timer_heap_insert(struct timer **root, struct timer *t)
{
	t->child = t->sibling = t->prev = NULL;
	*root = meld(*root, t);
}
