/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU state. struct cpu holds what every CPU has (its ids, errno); a
 * subsystem keeps its own per-CPU data with DEFINE_PERCPU, which places one
 * zero-filled template in .bss.percpu: the boot CPU uses the template itself
 * and every other CPU gets a zeroed copy, reached through this_cpu_var().
 * Per-CPU variables therefore cannot have initializers.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/percpu.h>
#include <arch/platform.h>

struct cpu {
	struct cpu *self;	  /* first: %gs:0 reads it */
	uintptr_t percpu_offset;  /* this CPU's .bss.percpu copy - template */
	unsigned id;		  /* 0 .. cpu_count() - 1; 0 booted first */
	uint32_t apic_id;
	int errno_value;	  /* errno until threads carry their own */
	uintptr_t stack_bottom;	  /* boot/idle stack, above its guard page */
	uintptr_t stack_top;
	/* The running thread's stack, kept by the scheduler at each switch
	 * so that sys/user.c can tell a buffer on it without a call. */
	uintptr_t run_stack_lo, run_stack_hi;
};

/* Every CPU that came up, indexed by struct cpu.id; entries past the boot
 * CPU appear once cpu_count() has counted them. */
extern struct cpu *cpus[MAX_CPUS];

/* cpu_count() without waiting: 1 until the APs have been counted. For
 * paths that must not block, like a panic. */
unsigned cpu_count_started(void);

static inline struct cpu *this_cpu(void)
{
	return arch_this_cpu();
}

static inline unsigned this_cpu_id(void)
{
	return this_cpu()->id;
}

#define DEFINE_PERCPU(type, name)                                              \
	__attribute__((section(".bss.percpu"))) __typeof__(type) name
#define DECLARE_PERCPU(type, name) extern __typeof__(type) name

#define per_cpu_var(name, cpu_id)                                              \
	(*(__typeof__(&(name)))((char *)&(name) +                              \
				cpus[(cpu_id)]->percpu_offset))
#define this_cpu_var(name)                                                     \
	(*(__typeof__(&(name)))((char *)&(name) + this_cpu()->percpu_offset))

/* Size of the per-CPU area every CPU but the boot CPU allocates. */
extern char __percpu_start[], __percpu_end[];

#endif /* KERNEL_PERCPU_H */
