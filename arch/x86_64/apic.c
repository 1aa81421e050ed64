// SPDX-License-Identifier: MIT
/*
 * Local APIC access in x2APIC or xAPIC mode. The mode is chosen once for
 * all CPUs: x2APIC whenever CPUID offers it, since it is required for APIC
 * ids above 255 and avoids MMIO exits under a hypervisor.
 */
#include <arch/apic.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/log.h>
#include <toro/panic.h>

#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_X2APIC	(1ULL << 10)
#define SVR_ENABLE		(1U << 8)
#define ICR_INIT		(5U << 8)
#define ICR_STARTUP		(6U << 8)
#define ICR_NMI			(4U << 8)
#define ICR_PENDING		(1U << 12)
#define ICR_ASSERT		(1U << 14)
#define ICR_LEVEL		(1U << 15)
#define X2APIC_MSR(reg)		(0x800 + ((reg) >> 4))

static bool x2apic;
static uintptr_t xapic_base = 0xfee00000;

bool lapic_is_x2apic(void)
{
	return x2apic;
}

uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return rdmsr(X2APIC_MSR(reg));
	return mmio_read32(xapic_base + reg);
}

void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(reg), v);
	else
		mmio_write32(xapic_base + reg, v);
}

void lapic_setup(uint64_t base)
{
	x2apic = cpu_has(1, CPUID_ECX, CPUID1_ECX_X2APIC);
	if (!x2apic) {
		if (base)
			xapic_base = base;
		if (vm_map(xapic_base, 4096, VM_WRITE | VM_DEVICE))
			panic("cannot map the local APIC");
	}
}

void lapic_init(void)
{
	uint64_t msr = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	/* x2APIC may only be entered from the enabled xAPIC state. */
	wrmsr(MSR_APIC_BASE, msr);
	if (x2apic)
		wrmsr(MSR_APIC_BASE, msr | APIC_BASE_X2APIC);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, ICR_NMI);
	lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	if (x2apic)
		return lapic_read(LAPIC_ID);
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* In xAPIC mode an IPI is two register writes, the destination and then
 * the command that sends it. An interrupt in between whose handler sends
 * an IPI of its own (a wake-up from a device's completion) would leave its
 * destination in place, and ours would go to the wrong CPU: the writes
 * happen with interrupts off. */
static void send_icr(uint32_t apic_id, uint32_t low)
{
	if (x2apic) {
		wrmsr(X2APIC_MSR(LAPIC_ICR_LO), (uint64_t)apic_id << 32 | low);
		return;
	}
	bool irq = irq_save();

	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, low);
	for (int spin = 0; spin < 1000000; spin++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_PENDING)) {
			irq_restore(irq);
			return;
		}
		cpu_relax();
	}
	irq_restore(irq);
	log_warn("IPI to APIC %u not accepted\n", apic_id);
}

void lapic_send_ipi(uint32_t apic_id, unsigned vector)
{
	send_icr(apic_id, vector | ICR_ASSERT);
}

void lapic_send_init(uint32_t apic_id)
{
	send_icr(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
}

void lapic_send_sipi(uint32_t apic_id, uint32_t page)
{
	send_icr(apic_id, ICR_STARTUP | ICR_ASSERT | (page >> 12));
}
