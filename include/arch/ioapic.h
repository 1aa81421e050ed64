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

/* Masks (gsi). */
void ioapic_mask(uint32_t gsi);

#endif /* ARCH_IOAPIC_H */
