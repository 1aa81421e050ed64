/* SPDX-License-Identifier: MIT */
/*
 * Private to the ACPI parsers (arch/x86_64/acpi_*.c) and their unit tests:
 * the layouts of the tables we read, as ACPI 6.4 chapter 5 gives them, and
 * the functions the table walker hands each table to. Firmware writes these
 * structures, so they are packed, little-endian and size-checked; fields are
 * read through these structs (which tolerates any alignment) and never past
 * the length the table declares.
 */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <arch/platform.h>
#include <kernel/compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Root System Description Pointer (5.2.5.3). Revision 0 ends at length. */
struct acpi_rsdp {
	char signature[8];	/* "RSD PTR " */
	uint8_t checksum;	/* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;	/* 0 for ACPI 1.0, 2 from ACPI 2.0 on */
	uint32_t rsdt_address;
	/* Revision 2 and later: */
	uint32_t length;	/* of this structure, 36 */
	uint64_t xsdt_address;
	uint8_t ext_checksum;	/* over length bytes */
	uint8_t reserved[3];
} __packed;
STATIC_ASSERT(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes");

#define ACPI_RSDP_V1_LEN	20

/* System description table header (5.2.6), shared by every table. */
struct acpi_header {
	char signature[4];
	uint32_t length;	/* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;	/* all length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_header) == 36, "ACPI header is 36 bytes");

/*
 * No table we read comes near this; a larger length is corruption, and
 * refusing it keeps a bad length from asking the mapper for gigabytes.
 */
#define ACPI_MAX_TABLE_LEN	(16u << 20)

/* Multiple APIC Description Table (5.2.12); entries follow the header. */
struct acpi_madt {
	struct acpi_header hdr;	/* "APIC" */
	uint32_t lapic_address;
	uint32_t flags;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_madt) == 44, "MADT header is 44 bytes");

#define ACPI_MADT_PCAT_COMPAT	(1u << 0)

struct acpi_madt_entry {
	uint8_t type;
	uint8_t length;		/* of the entry, these two bytes included */
} __packed;

enum acpi_madt_type {
	ACPI_MADT_LAPIC = 0,
	ACPI_MADT_IOAPIC = 1,
	ACPI_MADT_ISO = 2,
	ACPI_MADT_LAPIC_OVERRIDE = 5,
	ACPI_MADT_X2APIC = 9,
};

/* Processor local APIC and local x2APIC flags (5.2.12.2). */
#define ACPI_MADT_ENABLED		(1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE	(1u << 1)

struct acpi_madt_lapic {
	struct acpi_madt_entry e;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC is 8 bytes");

struct acpi_madt_ioapic {
	struct acpi_madt_entry e;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC is 12");

struct acpi_madt_iso {
	struct acpi_madt_entry e;
	uint8_t bus;		/* 0: ISA */
	uint8_t source;		/* ISA IRQ */
	uint32_t gsi;
	uint16_t flags;		/* MPS INTI flags */
} __packed;
STATIC_ASSERT(sizeof(struct acpi_madt_iso) == 10, "MADT ISO is 10 bytes");

struct acpi_madt_lapic_override {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint64_t address;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_madt_lapic_override) == 12,
	      "MADT LAPIC address override is 12 bytes");

struct acpi_madt_x2apic {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_madt_x2apic) == 16, "MADT x2APIC is 16");

/*
 * Fixed ACPI Description Table (5.2.9), revision 6 layout. Older revisions
 * are shorter: the parser copies the table's own length into a zeroed
 * struct, so fields the firmware did not provide read as 0 (absent).
 */
struct acpi_fadt {
	struct acpi_header hdr;		/* "FACP" */
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;			/* offset 112 */
	struct acpi_gas reset_reg;	/* offset 116, ACPI 2.0 */
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;		/* offset 140 */
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;	/* offset 172 */
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;	/* offset 208 */
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control;	/* offset 244, ACPI 5.0 */
	struct acpi_gas sleep_status;
	uint64_t hypervisor_id;		/* ACPI 6.0 */
} __packed;
STATIC_ASSERT(offsetof(struct acpi_fadt, flags) == 112, "FADT flags at 112");
STATIC_ASSERT(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT at 140");
STATIC_ASSERT(offsetof(struct acpi_fadt, sleep_control) == 244,
	      "FADT SLEEP_CONTROL_REG at 244");
STATIC_ASSERT(sizeof(struct acpi_fadt) == 276, "FADT (rev 6) is 276 bytes");

/* FADT flags (table 5.10). */
#define ACPI_FADT_TMR_VAL_EXT		(1u << 8)
#define ACPI_FADT_RESET_REG_SUP		(1u << 10)
#define ACPI_FADT_HW_REDUCED_ACPI	(1u << 20)

/* IA-PC HPET Description Table (HPET spec 1.0a, 3.2.4). */
struct acpi_hpet {
	struct acpi_header hdr;	/* "HPET" */
	uint32_t event_timer_block_id;
	struct acpi_gas base;
	uint8_t hpet_number;
	uint16_t min_tick;
	uint8_t page_protection;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_hpet) == 56, "HPET table is 56 bytes");

/* PCI Express memory-mapped configuration table (PCI Firmware spec 4.1.2). */
struct acpi_mcfg {
	struct acpi_header hdr;	/* "MCFG" */
	uint8_t reserved[8];
} __packed;
STATIC_ASSERT(sizeof(struct acpi_mcfg) == 44, "MCFG header is 44 bytes");

struct acpi_mcfg_entry {
	uint64_t base;		/* ECAM base for bus 0 of the segment */
	uint16_t segment;
	uint8_t bus_start;
	uint8_t bus_end;
	uint32_t reserved;
} __packed;
STATIC_ASSERT(sizeof(struct acpi_mcfg_entry) == 16, "MCFG entry is 16 bytes");

/* acpi_tables.c: walk and validation */

/*
 * Maps the table at (phys) and checks its length (at least a header, at most
 * ACPI_MAX_TABLE_LEN), checksum and, if (sig) is not NULL, its signature.
 * Returns the whole table mapped, or NULL.
 */
const struct acpi_header *acpi_map_table(uint64_t phys, const char *sig,
					 phys_map_fn map);

/* acpi_madt.c: CPUs and interrupt controllers */

/*
 * Adds the CPUs, I/O APICs, ISA overrides and local APIC address of the
 * MADT (madt), whose length the caller has checked, to (out). Returns 0, or
 * -EINVAL if the table is too short to hold its own header.
 */
int acpi_parse_madt(const struct acpi_header *madt, struct platform_info *out);

/* acpi_fadt.c: timers, power-off, reset */

/*
 * Fills the PM timer, PM1a control, sleep control, reset register and \_S5
 * fields of (out) from the FADT (fadt), mapping the DSDT through (map).
 * Returns 0, or -EINVAL if the table is too short for its fixed fields.
 */
int acpi_parse_fadt(const struct acpi_header *fadt, phys_map_fn map,
		    struct platform_info *out);

/*
 * Looks in the AML byte stream (aml, len) for the definition
 * Name (_S5, Package () { SLP_TYPa, ... }) and stores SLP_TYPa in
 * (*slp_typ). Returns true when found.
 */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ);

/*
 * Reads the AML PkgLength at (p) (ACPI 6.4, 20.2.4) into (*len), which
 * counts from its lead byte. Returns the encoding's size, or 0 if it does
 * not fit in (avail) bytes.
 */
size_t acpi_aml_pkg_length(const uint8_t *p, size_t avail, uint32_t *len);

/* acpi_devices.c: devices the DSDT lists, by _HID */

struct acpi_dev {
	uint64_t base;		/* its registers */
	uint32_t size;
	uint32_t gsi;		/* its interrupt */
	bool has_irq;
};

/*
 * Finds the devices whose _HID is the string (hid) (8 characters) in the
 * AML byte stream (aml, len) and stores up to (max) of them in (out):
 * the register window and the interrupt their _CRS buffer names. There
 * is no AML interpreter: QEMU declares them as plain Name()s, so a
 * bounded byte-level match is enough. Devices with either are stored
 * (size 0: no window; !has_irq: no interrupt): the caller takes those
 * with what it needs. Returns how many.
 */
unsigned acpi_find_devices(const uint8_t *aml, size_t len, const char *hid,
			   struct acpi_dev *out, unsigned max);

/* The OperationRegion in SystemMemory named (name) (a 4-character
 * NameSeg) in (aml, len), wherever it is declared: its address and
 * length into (out)'s base and size. False if there is none. */
bool acpi_find_region(const uint8_t *aml, size_t len, const char *name,
		      struct acpi_dev *out);

/* What the callers look for: virtio-mmio transports, as QEMU microvm
 * lists them, and the Generic Event Device, how a hardware-reduced
 * machine (microvm, Cloud Hypervisor) signals its power button. */
#define ACPI_HID_VIRTIO_MMIO	"LNRO0005"
#define ACPI_HID_GED		"ACPI0013"

/* platform.c: the AML of the DSDT the platform was read from (it stays
 * mapped), for acpi_find_devices() and acpi_find_region(); false
 * without one. */
bool platform_dsdt(const uint8_t **aml, size_t *len);

#endif /* ARCH_ACPI_H */
