/* SPDX-License-Identifier: MIT */
/* Host stand-in for arch/irq.h: a unit-test thread has no interrupts. */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdbool.h>

static inline void irq_enable(void)
{
}

static inline void irq_disable(void)
{
}

static inline bool irq_enabled(void)
{
	return false;
}

static inline bool irq_save(void)
{
	return false;
}

static inline void irq_restore(bool was_enabled)
{
	(void)was_enabled;
}

static inline void cpu_idle_wait(void)
{
}

#endif /* ARCH_IRQ_H */
