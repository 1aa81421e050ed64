// SPDX-License-Identifier: MIT
/*
 * I/O APIC redirection (82093AA datasheet, 3.2): two 32-bit registers
 * (select, window) per chip; each pin has a 64-bit redirection entry.
 * Only what drivers route is touched: the firmware leaves every pin masked
 * at reset and Toro needs no legacy device.
 */
#include <errno.h>

#include <arch/ioapic.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/trap.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>

#define IOAPIC_SELECT	0x00
#define IOAPIC_WINDOW	0x10
#define IOAPIC_VER	0x01
#define IOAPIC_REDIR(pin)	(0x10 + 2 * (pin))

#define REDIR_MASKED	(1U << 16)
#define REDIR_LEVEL	(1U << 15)

static struct spinlock ioapic_lock = SPINLOCK_INIT;

static uint32_t ioapic_read(uintptr_t base, uint32_t reg)
{
	*(volatile uint32_t *)(base + IOAPIC_SELECT) = reg;
	return *(volatile uint32_t *)(base + IOAPIC_WINDOW);
}

static void ioapic_write(uintptr_t base, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(base + IOAPIC_SELECT) = reg;
	*(volatile uint32_t *)(base + IOAPIC_WINDOW) = v;
}

/* The chip serving (gsi) and the pin on it; its registers mapped. */
static int ioapic_find(uint32_t gsi, uintptr_t *base, unsigned *pin)
{
	/* With no table naming one, the one every PC has at its usual
	 * address (a PVH guest without ACPI or MP table). */
	static const struct ioapic_info fallback = { 0, 0xfec00000, 0 };
	unsigned n = platform.nioapics ? platform.nioapics : 1;

	for (unsigned i = 0; i < n; i++) {
		const struct ioapic_info *io = platform.nioapics ?
					       &platform.ioapics[i] : &fallback;

		if (gsi < io->gsi_base)
			continue;
		if (!vm_is_mapped(io->addr, 4096) &&
		    vm_map(io->addr, 4096, VM_WRITE | VM_DEVICE))
			return -ENOMEM;
		unsigned npins = ((ioapic_read(io->addr, IOAPIC_VER) >> 16) &
				  0xff) + 1;

		if (gsi - io->gsi_base < npins) {
			*base = io->addr;
			*pin = gsi - io->gsi_base;
			return 0;
		}
	}
	return -ENODEV;
}

uint32_t ioapic_isa_gsi(unsigned isa, bool *level)
{
	*level = false;
	for (unsigned i = 0; i < platform.noverrides; i++) {
		const struct irq_override *o = &platform.overrides[i];

		if (o->isa_irq != isa)
			continue;
		*level = (o->flags & MPS_INTI_TRIGGER_MASK) == MPS_INTI_LEVEL;
		return o->gsi;
	}
	return isa;
}

int ioapic_route_handler(uint32_t gsi, bool level, irq_handler_fn fn)
{
	int vec = irq_alloc_vector();

	if (vec < 0)
		return vec;
	int rc = irq_set_handler((unsigned)vec, fn, NULL);

	return rc ? rc : ioapic_route(gsi, (unsigned)vec, cpus[0]->apic_id,
				      level);
}

int ioapic_route(uint32_t gsi, unsigned vector, uint32_t apic_id, bool level)
{
	uintptr_t base;
	unsigned pin;

	if (apic_id > 0xff)
		return -EINVAL;
	bool irq = spin_lock_irqsave(&ioapic_lock);
	int rc = ioapic_find(gsi, &base, &pin);

	if (rc == 0) {
		/* Fixed delivery, physical destination, active high. */
		uint32_t lo = vector | (level ? REDIR_LEVEL : 0);

		ioapic_write(base, IOAPIC_REDIR(pin), lo | REDIR_MASKED);
		ioapic_write(base, IOAPIC_REDIR(pin) + 1, apic_id << 24);
		ioapic_write(base, IOAPIC_REDIR(pin), lo);
	}
	spin_unlock_irqrestore(&ioapic_lock, irq);
	if (rc)
		log_warn("ioapic: cannot route GSI %u (error %d)\n", gsi, -rc);
	return rc;
}

void ioapic_mask(uint32_t gsi)
{
	uintptr_t base;
	unsigned pin;
	bool irq = spin_lock_irqsave(&ioapic_lock);

	if (ioapic_find(gsi, &base, &pin) == 0)
		ioapic_write(base, IOAPIC_REDIR(pin),
			     ioapic_read(base, IOAPIC_REDIR(pin)) |
			     REDIR_MASKED);
	spin_unlock_irqrestore(&ioapic_lock, irq);
}
