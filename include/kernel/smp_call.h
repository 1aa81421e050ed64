/* SPDX-License-Identifier: MIT */
/*
 * Running a function on another CPU: the call goes into the target's
 * lock-free inbox and an IPI wakes it; the target runs its inbox when it is
 * idle, in order. This is how work reaches a CPU that has nothing to do.
 */
#ifndef KERNEL_SMP_CALL_H
#define KERNEL_SMP_CALL_H

#include <stdbool.h>

#include <kernel/mpsc.h>

struct smp_call {
	struct mpsc_node node;
	void (*fn)(void *arg);
	void *arg;
	int done;	/* set to 1 after fn returns */
};

/*
 * Queues (call) for CPU (cpu) and wakes it. (call) must live until its
 * done flag is set. Returns 0, or -EINVAL for a CPU that does not exist.
 */
int smp_call_async(unsigned cpu, struct smp_call *call);

/* Runs (fn)(arg) on CPU (cpu) and waits until it has returned. */
int smp_call(unsigned cpu, void (*fn)(void *), void *arg);

bool smp_call_done(const struct smp_call *call);

/* Claims the IPI vector; once, on the boot CPU, before APs start. */
void smp_call_init(void);

/* Runs the calling CPU's queued calls; the idle loop's job. */
void smp_call_run(void);

/* The idle loop of a CPU with nothing else to do. */
void cpu_idle_loop(void) __attribute__((noreturn));

#endif /* KERNEL_SMP_CALL_H */
