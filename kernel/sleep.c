// SPDX-License-Identifier: MIT
/*
 * Waiting for a moment in time. A thread parks on a timer; before threads
 * exist, the CPU arms its one-shot timer and halts, so an idle wait costs
 * the host nothing either way.
 */
#include <arch/irq.h>
#include <arch/timer.h>
#include <kernel/sched.h>
#include <toro/thread.h>
#include <toro/time.h>

void sleep_until_ns(uint64_t deadline)
{
	if (sched_running() && sched_current()->fn) {
		thread_sleep_until(deadline);
		return;
	}
	bool irq = irq_save();

	while (clock_ns() < deadline) {
		timer_arm(deadline);
		cpu_idle_wait();	/* returns with interrupts on */
		irq_disable();
	}
	irq_restore(irq);
}
