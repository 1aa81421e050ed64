/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks, for the few places where CPUs share state (the page allocator,
 * the console, page tables, wait queues). Toro's cores otherwise talk
 * through lock-free queues. The _irqsave forms also keep interrupt handlers
 * on the same CPU out, for state they share with thread code.
 *
 * Test-and-test-and-set, not tickets: a ticket lock hands the lock to the
 * next in line even if its virtual CPU is not running at the moment (the
 * host descheduled it), and then every other waiter spins until the host
 * runs that one again. With more vCPUs than host cores that turned a busy
 * lock into a crawl. Here whoever runs when the lock frees takes it.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/irq.h>

struct spinlock {
	uint32_t locked;
	uint32_t pad;	/* keeps the size other structures were laid out for */
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_lock(struct spinlock *l)
{
	while (!spin_trylock(l)) {
		/* Wait reading, not writing, so the line is not bounced. */
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			spin_relax();
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
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
