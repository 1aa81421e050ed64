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
#include <kernel/timer_heap.h>
#include <toro/time.h>

struct timer_cpu {
	struct timer *root;	/* earliest deadline */
	uint64_t armed_for;	/* what the hardware is set to, or 0 */
};

static DEFINE_PERCPU(struct timer_cpu, timers);

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

		timer_heap_remove(&tc->root, t);
		t->armed = false;
		t->fn(t);
		now = clock_ns();
	}
	rearm(tc);
}

__cold void timer_init(void)
{
	timer_set_handler(expire);
}

void timer_start(struct timer *t, uint64_t deadline, void (*fn)(struct timer *))
{
	bool irq = irq_save();
	struct timer_cpu *tc = &this_cpu_var(timers);

	t->deadline = deadline;
	t->fn = fn;
	t->armed = true;
	timer_heap_insert(&tc->root, t);
	rearm(tc);
	irq_restore(irq);
}

bool timer_cancel(struct timer *t)
{
	bool irq = irq_save();
	bool pending = t->armed;

	if (pending) {
		struct timer_cpu *tc = &this_cpu_var(timers);

		timer_heap_remove(&tc->root, t);
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
