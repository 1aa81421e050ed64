/* SPDX-License-Identifier: MIT */
/*
 * What the firmware tables (ACPI, else the Intel MP table) tell us about the
 * machine: CPUs, interrupt controllers, timers usable for calibration and the
 * ways to power off. The parsers are pure functions over table memory that
 * the caller maps, so they are unit-tested on the host against tables
 * captured from QEMU and real hypervisors (tests/unit/data/).
 */
#ifndef ARCH_PLATFORM_H
#define ARCH_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS		64
#define MAX_IOAPICS		8
#define MAX_IRQ_OVERRIDES	16

/* ACPI generic address structure (ACPI 6.4, 5.2.3.2). */
struct acpi_gas {
	uint8_t space;		/* ACPI_GAS_MEMORY or ACPI_GAS_IO */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI GAS is 12 bytes");

#define ACPI_GAS_MEMORY	0
#define ACPI_GAS_IO	1

/*
 * The MP table gives no GSI bases: they are numbered as if every I/O APIC
 * had 24 pins (true of QEMU's and of the 82093AA's descendants). Code that
 * routes through a second I/O APIC should check its pin count in IOAPICVER.
 */
#define MPTABLE_IOAPIC_PINS	24

struct ioapic_info {
	uint8_t id;
	uint32_t addr;		/* MMIO base */
	uint32_t gsi_base;	/* first global system interrupt it serves */
};

/*
 * An ISA IRQ wired to a different GSI or polarity (MADT type 2, or an MP
 * table I/O interrupt entry from the ISA bus that is not identity-mapped).
 */
struct irq_override {
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags;		/* MPS INTI flags: polarity and trigger */
};

/* MPS INTI flags (MP spec 1.4 table 4-10; ACPI reuses them in the MADT). */
#define MPS_INTI_POLARITY_MASK	0x3
#define MPS_INTI_ACTIVE_HIGH	0x1
#define MPS_INTI_ACTIVE_LOW	0x3
#define MPS_INTI_TRIGGER_MASK	0xc
#define MPS_INTI_EDGE		0x4
#define MPS_INTI_LEVEL		0xc

enum platform_source { PLATFORM_NONE, PLATFORM_ACPI, PLATFORM_MPTABLE };

struct platform_info {
	enum platform_source source;

	/* CPUs, in table order, each APIC ID once; the boot CPU is among
	 * them. ACPI "online capable" CPUs count, so a CPU listed here may
	 * be absent and never answer its startup IPI. */
	unsigned ncpus;
	uint32_t apic_ids[MAX_CPUS];
	unsigned ncpus_dropped;	/* usable CPUs beyond MAX_CPUS */
	uint64_t lapic_base;	/* physical; 0xfee00000 unless overridden */

	/* Legacy interrupt routing to switch off before using the APICs. */
	bool has_pic;		/* MADT PCAT_COMPAT: 8259s present, mask them */
	bool imcr_present;	/* MP: an IMCR may route INTR via the 8259 */

	unsigned nioapics;
	struct ioapic_info ioapics[MAX_IOAPICS];
	unsigned noverrides;
	struct irq_override overrides[MAX_IRQ_OVERRIDES];

	/* Calibration references; 0 when absent. */
	uint16_t pm_timer_port;	/* ACPI PM timer, 3.579545 MHz */
	bool pm_timer_32bit;
	uint64_t hpet_base;	/* physical address of the HPET registers */

	/* Power-off: hardware-reduced ACPI sleep control register, else the
	 * PM1a control block; both written with SLP_TYP from \_S5 (the low
	 * 3 bits of s5_slp_typ) and SLP_EN. Zeroed fields mean absent. */
	bool hw_reduced;	/* FADT HW_REDUCED_ACPI: no PM1/PM timer */
	struct acpi_gas sleep_control;
	uint16_t pm1a_cnt_port;
	/* The fixed power button (not hardware-reduced): the PM1a event
	 * block (status, then enable, each half its length) and the ISA
	 * IRQ of the SCI that reports it. */
	uint16_t pm1a_evt_port;
	uint8_t pm1_evt_len;
	uint16_t sci_irq;
	bool has_s5;
	uint8_t s5_slp_typ;	/* SLP_TYPa: first element of \_S5 */

	/* Reset register from the FADT, when it says it has one. */
	bool has_reset_reg;
	struct acpi_gas reset_reg;
	uint8_t reset_value;

	/* The DSDT (physical address and length, header included; 0 when
	 * absent), for drivers that look up their devices in it: the
	 * virtio-mmio transport does on microvm with ACPI. */
	uint64_t dsdt;
	uint32_t dsdt_len;

	/* PCI Express enhanced configuration (MCFG, segment 0). */
	uint64_t ecam_base;
	uint8_t ecam_bus_start, ecam_bus_end;
};

/*
 * Maps (len) bytes of physical memory at (phys) for reading and returns a
 * pointer to them, or NULL if that memory cannot be mapped. The parsers
 * call it for every structure they read, often twice (header, then the
 * length it declares), and use the pointer only until they return.
 */
typedef const void *(*phys_map_fn)(uint64_t phys, size_t len);

/*
 * Looks for the ACPI RSDP in the BIOS areas (the first KiB of the EBDA, then
 * 0xe0000-0xfffff), on 16-byte boundaries, and returns the physical address
 * of the first candidate whose checksums hold, or 0. A PVH boot is handed
 * the RSDP in start_info and needs this only when that field is 0.
 */
uint64_t acpi_find_rsdp(phys_map_fn map);

/*
 * Reads the ACPI tables reachable from the RSDP at (rsdp), through the XSDT
 * when the RSDP has one and it is valid, else the RSDT: MADT, FADT (with
 * \_S5 from the DSDT), HPET and MCFG. Tables with a bad signature, checksum
 * or length are skipped; of each kind the first good one counts. (out) is
 * overwritten in full. Returns 0, with source PLATFORM_ACPI, when a MADT
 * listing at least one CPU was found; -ENOENT when there is none (source
 * stays PLATFORM_NONE but the FADT, HPET and MCFG fields are filled);
 * -EINVAL when the RSDP or both root tables are invalid.
 */
int acpi_parse(uint64_t rsdp, phys_map_fn map, struct platform_info *out);

/*
 * Looks for the MP floating pointer structure where MP spec 1.4 (4.1) puts
 * it, on 16-byte boundaries: the first KiB of the EBDA, the last KiB of
 * base memory as the BDA gives it, the KiB at 639 KiB (where qboot puts it
 * without filling the BDA), then 0xf0000-0xfffff. Returns the physical
 * address of the first one whose checksum holds, or 0.
 */
uint64_t mptable_find(phys_map_fn map);

/*
 * Reads the processors, I/O APICs and ISA interrupt routing of the MP
 * configuration table that the floating pointer at (mpfp) names. (out) is
 * overwritten in full; the ACPI-only fields stay 0. An entry of unknown
 * type ends the walk, keeping what came before. Returns 0, with source
 * PLATFORM_MPTABLE, when at least one enabled processor was found; -ENOENT
 * when the floating pointer selects a default configuration (no table);
 * -EINVAL when a structure is malformed or lists no processor.
 */
int mptable_parse(uint64_t mpfp, phys_map_fn map, struct platform_info *out);

#endif /* ARCH_PLATFORM_H */
