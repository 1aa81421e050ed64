// SPDX-License-Identifier: MIT
/*
 * Signals into a thread that makes no system call: a loop that only
 * computes takes SIGALRM, SIGPROF, SIGTERM, pthread_kill() or an
 * asynchronous cancellation the way it would on Linux, at the next
 * instruction, instead of at its next blocking call.
 *
 * Sending a signal interrupts its taker (sched_interrupt()); a taker
 * running on another CPU gets an interrupt for it (the scheduler's IPI),
 * one on this CPU was sent from an interrupt (a timer's) or is the sender.
 * At the end of that interrupt, if it arrived in the program's code, the
 * handlers run right there, on the thread's stack above the interrupted
 * frame, and the program goes on where it was when they return, its
 * registers (general, FPU and SSE) as they were. An interrupt that
 * arrived in the kernel's code (a system call, or a string function the
 * kernel shares) leaves the signal to the call's return or to a look
 * again shortly after (RETRY_NS): the kernel may be holding a lock, or
 * halfway through a change, that a handler's own calls would meet.
 */
#include <arch/trap.h>
#include <kernel/compiler.h>
#include <kernel/init.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/timer.h>
#include <toro/time.h>

#include "signal_impl.h"

/* How soon to look again at a signal that met a thread in the kernel. */
#define RETRY_NS (1000 * 1000)

const char signal_async_wanted;

static DEFINE_PERCPU(struct timer, retry);

/* The interrupt is what was wanted: its end looks again. */
static void retry_fired(struct timer *t)
{
	(void)t;
}

static bool deliver(const void *unused)
{
	(void)unused;
	signal_deliver();
	return true;
}

/* trap_return_hook: interrupts off. */
static void on_interrupt_return(uintptr_t rip)
{
	struct thread *self = sched_current();

	/* No thread yet: a CPU still starting. */
	if (!self || !sched_interrupted(self))
		return;
	if (!kernel_text_has(rip)) {
		trap_as_thread(deliver, NULL);
		return;
	}
	struct timer *t = &this_cpu_var(retry);

	if (!t->armed)
		timer_start(t, clock_ns() + RETRY_NS, retry_fired);
}

static __cold int signal_async_start(void)
{
	trap_return_hook = on_interrupt_return;
	return 0;
}
INIT_CALL(INIT_BUS, signal_async_start);
