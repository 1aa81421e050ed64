/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks, for the few places where CPUs share state (the page
 * allocator, the console, page tables). Toro's cores otherwise talk through
 * lock-free queues. The _irqsave forms also keep interrupt handlers on the
 * same CPU out, for state they share with thread code.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/irq.h>

struct spinlock {
	uint32_t next;	/* ticket handed to the next arrival */
	uint32_t owner;	/* ticket now allowed in */
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void spin_lock(struct spinlock *l)
{
	uint32_t t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != t)
		spin_relax();
}

static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t t = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t expect = t;

	return __atomic_compare_exchange_n(&l->next, &expect, t + 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	/* Only the holder writes owner, so a plain increment is safe. */
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

static inline bool spin_lock_irqsave(struct spinlock *l)
{
	bool irq = irq_save();

	spin_lock(l);
	return irq;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, bool irq)
{
	spin_unlock(l);
	irq_restore(irq);
}

#endif /* KERNEL_SPINLOCK_H */
