// SPDX-License-Identifier: MIT
/*
 * Cross-CPU function calls through per-CPU MPSC inboxes and an IPI, and the
 * idle loop that serves them: it halts with interrupts enabled whenever
 * there is nothing to run, so an idle CPU costs the host nothing.
 */
#include <errno.h>

#include <arch/apic.h>
#include <arch/irq.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/heap.h>
#include <kernel/percpu.h>
#include <kernel/smp_call.h>
#include <toro/cpu.h>

static DEFINE_PERCPU(struct mpsc_stack, inbox);

int smp_call_async(unsigned cpu, struct smp_call *call)
{
	if (cpu >= cpu_count())
		return -EINVAL;
	call->done = 0;
	if (mpsc_push(&per_cpu_var(inbox, cpu), &call->node) ||
	    cpu == this_cpu_id())
		lapic_send_ipi(cpus[cpu]->apic_id, VEC_IPI_CALL);
	return 0;
}

bool smp_call_done(const struct smp_call *call)
{
	return __atomic_load_n(&call->done, __ATOMIC_ACQUIRE);
}

int smp_call(unsigned cpu, void (*fn)(void *), void *arg)
{
	struct smp_call call = { .fn = fn, .arg = arg };

	if (cpu == this_cpu_id()) {
		fn(arg);
		return 0;
	}
	int rc = smp_call_async(cpu, &call);

	if (rc)
		return rc;
	while (!smp_call_done(&call))
		cpu_relax();
	return 0;
}

void smp_call_run(void)
{
	struct mpsc_node *n = mpsc_take_all_fifo(&this_cpu_var(inbox));

	while (n) {
		struct smp_call *call = (struct smp_call *)n;

		n = n->next;	/* the call may be gone once done is set */
		call->fn(call->arg);
		__atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
	}
}

static void on_call_ipi(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;	/* waking the CPU from hlt is all it takes */
}

void smp_call_init(void)
{
	irq_set_handler(VEC_IPI_CALL, on_call_ipi, NULL);
}

void cpu_idle_loop(void)
{
	for (;;) {
		irq_enable();
		smp_call_run();
		heap_drain_remote();
		irq_disable();
		/* Anything queued after this check still wakes the hlt:
		 * the IPI stays pending until sti takes effect. */
		if (mpsc_is_empty(&this_cpu_var(inbox)))
			cpu_idle_wait();
	}
}
