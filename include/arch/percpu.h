/* SPDX-License-Identifier: MIT */
/* The running CPU's struct cpu, reached through the GS base register. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <arch/x86.h>

struct cpu;

static inline struct cpu *arch_this_cpu(void)
{
	struct cpu *c;

	/* The first field of struct cpu points at itself. */
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

static inline void arch_set_this_cpu(struct cpu *c)
{
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
}

#endif /* ARCH_PERCPU_H */
