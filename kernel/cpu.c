// SPDX-License-Identifier: MIT
/* The table of CPUs, and the boot CPU's struct cpu, which exists from the
 * first instruction (entry_pvh.S points GS at it). */
#include <errno.h>

#include <arch/smp.h>
#include <arch/x86.h>
#include <kernel/compiler.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <toro/cpu.h>

extern char boot_stack_bottom[], boot_stack_top[];

struct cpu cpu0 = {
	.self = &cpu0,
	.stack_bottom = (uintptr_t)boot_stack_bottom,
	.stack_top = (uintptr_t)boot_stack_top,
};
struct cpu *cpus[MAX_CPUS];	/* cpus[0] = &cpu0 first thing at boot */

/* 0 until the APs, started in the background at boot, have been counted:
 * the first question about the set of CPUs waits for them. */
static unsigned ncpus;

unsigned cpu_count(void)
{
	unsigned n = __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE);

	if (likely(n))
		return n;
	static int finishing;

	if (__atomic_exchange_n(&finishing, 1, __ATOMIC_ACQ_REL)) {
		while (!(n = __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE)))
			cpu_relax();
		return n;
	}
	n = smp_finish();
	__atomic_store_n(&ncpus, n, __ATOMIC_RELEASE);
	return n;
}

unsigned cpu_count_started(void)
{
	return __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE) ?: 1;
}

unsigned cpu_id(void)
{
	return this_cpu_id();
}

int *kernel_errno_location(void)
{
	struct thread *t = sched_running() ? sched_current() : NULL;

	return t ? &t->errno_value : &this_cpu()->errno_value;
}
