/* SPDX-License-Identifier: MIT */
/*
 * Local interrupt flag. Kept apart from x86.h because the allocator and
 * other pure modules need only these, and the host unit tests replace this
 * header with no-op versions (tests/unit/include/arch/irq.h).
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define X86_RFLAGS_IF_BIT	9

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

static inline bool irq_enabled(void)
{
	return read_rflags() & (1UL << X86_RFLAGS_IF_BIT);
}

/* Disable interrupts and return whether they were on, for irq_restore(). */
static inline bool irq_save(void)
{
	bool was = irq_enabled();

	irq_disable();
	return was;
}

static inline void irq_restore(bool was_enabled)
{
	if (was_enabled)
		irq_enable();
}

/*
 * Wait for an interrupt with interrupts enabled. `sti; hlt` is atomic: sti
 * takes effect after the next instruction, so a wake-up that arrives after
 * the caller's last check cannot slip in before the hlt.
 */
static inline void cpu_idle_wait(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

#endif /* ARCH_IRQ_H */
