// SPDX-License-Identifier: MIT
/* The table of CPUs, and the boot CPU's struct cpu, which exists from the
 * first instruction (entry_pvh.S points GS at it). */
#include <errno.h>

#include <kernel/percpu.h>
#include <toro/cpu.h>

extern char boot_stack_bottom[], boot_stack_top[];

struct cpu cpu0 = {
	.self = &cpu0,
	.stack_bottom = (uintptr_t)boot_stack_bottom,
	.stack_top = (uintptr_t)boot_stack_top,
};
struct cpu *cpus[MAX_CPUS] = { &cpu0 };
unsigned ncpus_online = 1;

unsigned cpu_count(void)
{
	return __atomic_load_n(&ncpus_online, __ATOMIC_ACQUIRE);
}

unsigned cpu_id(void)
{
	return this_cpu_id();
}

int *__errno_location(void)
{
	return &this_cpu()->errno_value;
}
