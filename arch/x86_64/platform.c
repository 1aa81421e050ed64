// SPDX-License-Identifier: MIT
/*
 * Platform discovery: ACPI tables when there are any (RSDP from start_info,
 * else the BIOS areas), else the MP table, else a lone boot CPU. Firmware
 * tables are mapped read-only as they are read.
 */
#include <string.h>

#include <arch/acpi.h>
#include <arch/apic.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <arch/x86.h>
#include <kernel/log.h>

struct platform_info platform;

extern char __image_start[], __image_end[];

/* Firmware tables are never inside our image; a pointer that says so is
 * garbage, and mapping it read-only would break the kernel. */
static const void *map_ro(uint64_t phys, size_t len)
{
	if (phys + len < phys || (phys < (uintptr_t)__image_end &&
				  phys + len > (uintptr_t)__image_start))
		return NULL;
	if (!vm_is_mapped(phys, len) && vm_map(phys, len, 0))
		return NULL;
	return (const void *)(uintptr_t)phys;
}

/* CPUs and I/O APICs from the MP table; whatever ACPI found besides a
 * MADT (power-off, timers) stays. */
static void use_mptable(void)
{
	static struct platform_info mp_info;
	uint64_t mp = mptable_find(map_ro);

	if (!mp || mptable_parse(mp, map_ro, &mp_info) != 0)
		return;
	platform.source = PLATFORM_MPTABLE;
	platform.ncpus = mp_info.ncpus;
	memcpy(platform.apic_ids, mp_info.apic_ids, sizeof(platform.apic_ids));
	platform.ncpus_dropped = mp_info.ncpus_dropped;
	platform.lapic_base = mp_info.lapic_base;
	platform.nioapics = mp_info.nioapics;
	memcpy(platform.ioapics, mp_info.ioapics, sizeof(platform.ioapics));
	platform.noverrides = mp_info.noverrides;
	memcpy(platform.overrides, mp_info.overrides,
	       sizeof(platform.overrides));
	platform.imcr_present = mp_info.imcr_present;
}

void platform_init(uint64_t rsdp)
{
	memset(&platform, 0, sizeof(platform));
	platform.lapic_base = 0xfee00000;
	if (!rsdp)
		rsdp = acpi_find_rsdp(map_ro);
	if (rsdp && acpi_parse(rsdp, map_ro, &platform) == 0)
		platform.source = PLATFORM_ACPI;
	else
		use_mptable();
	/* The searches read the BIOS data area in page 0, which stays
	 * unmapped so that NULL pointers fault. */
	vm_unmap(0, 4096);
	if (platform.source == PLATFORM_NONE || platform.ncpus == 0) {
		log_warn("no ACPI MADT or MP table: using the boot CPU only\n");
		platform.ncpus = 0;
	}
	if (platform.ncpus_dropped)
		log_warn("%u CPUs beyond the limit of %d are not used\n",
			 platform.ncpus_dropped, MAX_CPUS);
	/* Interrupts come through the APICs only: silence the 8259s if any
	 * (the ports are simply absent on microvm), and where the MP table
	 * says an IMCR exists, switch it from PIC to APIC routing. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	if (platform.imcr_present) {
		outb(0x22, 0x70);
		outb(0x23, 0x01);
	}
	/* Mapped now: power-off must not need to allocate page tables. */
	if (platform.sleep_control.space == ACPI_GAS_MEMORY &&
	    platform.sleep_control.address)
		vm_map(platform.sleep_control.address, 1, VM_WRITE | VM_DEVICE);
}

bool platform_dsdt(const uint8_t **aml, size_t *len)
{
	unsigned hdr = sizeof(struct acpi_header);

	/* The DSDT stayed mapped (read-only) since the platform was read. */
	if (!platform.dsdt || !vm_is_mapped(platform.dsdt, platform.dsdt_len))
		return false;
	*aml = (const uint8_t *)(uintptr_t)platform.dsdt + hdr;
	*len = platform.dsdt_len - hdr;
	return true;
}
