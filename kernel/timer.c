// SPDX-License-Identifier: MIT
/*
 * Per-CPU timers in a pairing heap (intrusive, so arming never allocates,
 * and any timer can be removed in logarithmic amortised time), driving the
 * one-shot local APIC timer: it is armed for the earliest deadline, and
 * re-armed only when that changes.
 */
#include <arch/irq.h>
#include <arch/timer.h>
#include <kernel/compiler.h>
#include <kernel/percpu.h>
#include <kernel/timer.h>
#include <toro/time.h>

struct timer_cpu {
	struct timer *root;	/* earliest deadline */
	uint64_t armed_for;	/* what the hardware is set to, or 0 */
};

static DEFINE_PERCPU(struct timer_cpu, timers);

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

/* Takes (t) out of the heap rooted at (*root). */
static void heap_remove(struct timer **root, struct timer *t)
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

static void rearm(struct timer_cpu *tc)
{
	uint64_t want = tc->root ? tc->root->deadline : 0;

	if (want == tc->armed_for)
		return;
	tc->armed_for = want;
	if (want)
		timer_arm(want);
	else
		timer_disarm();
}

static void expire(void)
{
	struct timer_cpu *tc = &this_cpu_var(timers);
	uint64_t now = clock_ns();

	tc->armed_for = 0;	/* the hardware timer has fired */
	while (tc->root && tc->root->deadline <= now) {
		struct timer *t = tc->root;

		heap_remove(&tc->root, t);
		t->armed = false;
		t->fn(t);
		now = clock_ns();
	}
	rearm(tc);
}

void timer_init(void)
{
	timer_set_handler(expire);
}

void timer_start(struct timer *t, uint64_t deadline, void (*fn)(struct timer *))
{
	bool irq = irq_save();
	struct timer_cpu *tc = &this_cpu_var(timers);

	t->deadline = deadline;
	t->fn = fn;
	t->child = t->sibling = t->prev = NULL;
	t->armed = true;
	tc->root = meld(tc->root, t);
	rearm(tc);
	irq_restore(irq);
}

bool timer_cancel(struct timer *t)
{
	bool irq = irq_save();
	bool pending = t->armed;

	if (pending) {
		struct timer_cpu *tc = &this_cpu_var(timers);

		heap_remove(&tc->root, t);
		t->armed = false;
		rearm(tc);
	}
	irq_restore(irq);
	return pending;
}

uint64_t timer_next_deadline(void)
{
	struct timer *root = READ_ONCE(this_cpu_var(timers).root);

	return root ? root->deadline : UINT64_MAX;
}
