/* SPDX-License-Identifier: MIT */
/*
 * Bringing one CPU into Toro's state: its own GDT and TSS (with interrupt
 * stacks for double fault and NMI), the shared IDT, FPU/SSE/AVX enabled for
 * application code, the GS base pointing at its struct cpu, and its local
 * APIC. Run by each CPU on itself: the boot CPU from kernel_start(), the
 * others from the SMP start-up path.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>

struct cpu;

/* Sets up the calling CPU as (c). Interrupts stay disabled. */
void cpu_arch_init(struct cpu *c);

#endif /* ARCH_CPU_H */
