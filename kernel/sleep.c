// SPDX-License-Identifier: MIT
/*
 * Waiting for a moment in time: arm the one-shot timer and halt, so an idle
 * wait costs the host nothing. Wakes early for any interrupt and goes back
 * to sleep until the deadline has passed.
 */
#include <arch/irq.h>
#include <arch/timer.h>
#include <toro/time.h>

void sleep_until_ns(uint64_t deadline)
{
	bool irq = irq_save();

	while (clock_ns() < deadline) {
		timer_arm(deadline);
		cpu_idle_wait();	/* returns with interrupts on */
		irq_disable();
	}
	irq_restore(irq);
}
