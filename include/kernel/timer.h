/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU one-shot timers. Each CPU keeps its pending timers in a heap
 * ordered by deadline and arms its local APIC timer for the earliest one
 * only: there is no periodic tick. A timer's function runs on the CPU that
 * started it, from the timer interrupt, with interrupts off; it must be
 * short and must not block (waking a thread is the usual job).
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct timer {
	uint64_t deadline;		/* clock_ns() at which it fires */
	void (*fn)(struct timer *t);
	/* Pairing-heap links; child == sibling == NULL and !armed when idle. */
	struct timer *child, *sibling, *prev;
	bool armed;
};

/* Installs the interrupt side; once, on the boot CPU. */
void timer_init(void);

/* Arms (t) on the calling CPU to call (fn)(t) at (deadline). (t) must not
 * be armed already. Interrupt-safe. */
void timer_start(struct timer *t, uint64_t deadline, void (*fn)(struct timer *));

/* Disarms (t), which must have been started on the calling CPU. Returns
 * true if it had not fired yet. */
bool timer_cancel(struct timer *t);

/* Deadline of the calling CPU's next timer, or UINT64_MAX. */
uint64_t timer_next_deadline(void);

#endif /* KERNEL_TIMER_H */
