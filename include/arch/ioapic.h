/* SPDX-License-Identifier: MIT */
/*
 * I/O APICs: route a global system interrupt (a device's pin) to a vector
 * on one CPU. Devices on virtio-mmio (microvm, Firecracker) interrupt
 * through them; PCI devices use MSI-X instead.
 */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/trap.h>

/*
 * Routes (gsi) to (vector) on the CPU with (apic_id), level-triggered and
 * active-high when (level), else edge and active-high, and unmasks it.
 * Returns 0, -ENODEV if no I/O APIC serves (gsi), or -EINVAL for an APIC
 * id the I/O APIC cannot address (above 255).
 */
int ioapic_route(uint32_t gsi, unsigned vector, uint32_t apic_id,
		 bool level);

/* ISA IRQ (isa)'s GSI and whether it is level-triggered: identity and
 * edge unless the firmware's interrupt source overrides say otherwise. */
uint32_t ioapic_isa_gsi(unsigned isa, bool *level);

/* A new vector with handler (fn) (no argument), and (gsi) routed to it on
 * the boot CPU: 0, or an error (no vector free, no I/O APIC has (gsi)). */
int ioapic_route_handler(uint32_t gsi, bool level, irq_handler_fn fn);

/* Masks (gsi). */
void ioapic_mask(uint32_t gsi);

#endif /* ARCH_IOAPIC_H */
