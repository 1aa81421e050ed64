/* SPDX-License-Identifier: MIT */
/*
 * Local APIC: interrupt acknowledgement, inter-processor interrupts, the
 * per-CPU timer. x2APIC (MSR access, 32-bit ids) when the CPU offers it,
 * else xAPIC through its MMIO page.
 */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* Selects the mode from CPUID and maps the xAPIC page at (base) if needed.
 * Once, on the boot CPU, before lapic_init(). */
void lapic_setup(uint64_t base);

/* Enables the calling CPU's local APIC (spurious vector, LVTs masked). */
void lapic_init(void);

bool lapic_is_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);

/* Sends (vector) to the CPU with (apic_id). */
void lapic_send_ipi(uint32_t apic_id, unsigned vector);

/* INIT and STARTUP (SIPI at physical page (page)) for AP start-up. */
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint32_t page);

/* Raw register access for the timer (lapic_timer.c). Offsets are the xAPIC
 * MMIO offsets; x2APIC maps them to MSRs. */
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);

#define LAPIC_ID		0x020
#define LAPIC_VERSION		0x030
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_ESR		0x280
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3e0

#define LAPIC_LVT_MASKED	(1U << 16)
#define LAPIC_TIMER_ONESHOT	(0U << 17)
#define LAPIC_TIMER_TSC_DEADLINE (2U << 17)

#endif /* ARCH_APIC_H */
