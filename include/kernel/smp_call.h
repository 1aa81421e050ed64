/* SPDX-License-Identifier: MIT */
/*
 * Running a function on a given CPU: it runs there in a thread of its own
 * (so it may block and use the FPU), created through that CPU's inbox.
 */
#ifndef KERNEL_SMP_CALL_H
#define KERNEL_SMP_CALL_H

#include <stdbool.h>

struct smp_call {
	void (*fn)(void *arg);
	void *arg;
	int done;	/* set to 1 after fn returns */
};

/* Starts (call) on CPU (cpu); it must live until its done flag is set.
 * Returns 0, -EINVAL for a CPU that does not exist, or -EAGAIN. */
int smp_call_async(unsigned cpu, struct smp_call *call);

/* Runs (fn)(arg) on CPU (cpu) and waits (parked) until it has returned. */
int smp_call(unsigned cpu, void (*fn)(void *), void *arg);

bool smp_call_done(const struct smp_call *call);

/*
 * Runs (fn)(arg) on CPU (cpu) in interrupt context (from its inbox, as soon
 * as it has interrupts on), and parks the calling thread until it has run.
 * (fn) must be short and must not block. For kernel housekeeping that has
 * to happen on a given CPU without disturbing its threads.
 */
int smp_call_irq(unsigned cpu, void (*fn)(void *), void *arg);

#endif /* KERNEL_SMP_CALL_H */
