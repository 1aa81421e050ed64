/* SPDX-License-Identifier: MIT */
/*
 * Private to arch/x86_64/mptable.c and its unit tests: the structures of the
 * Intel MultiProcessor Specification 1.4 (chapter 4) that firmware such as
 * SeaBIOS and qboot still builds. Packed and size-checked because firmware
 * lays them out byte by byte.
 */
#ifndef ARCH_MPTABLE_H
#define ARCH_MPTABLE_H

#include <kernel/compiler.h>
#include <stdint.h>

/* MP floating pointer structure (4.1). */
struct mp_fp {
	char signature[4];	/* "_MP_" */
	uint32_t config_addr;	/* physical; 0 when there is no table */
	uint8_t length;		/* in 16-byte units: 1 */
	uint8_t spec_rev;	/* 1 or 4 */
	uint8_t checksum;	/* over length * 16 bytes */
	uint8_t feature[5];
} __packed;
STATIC_ASSERT(sizeof(struct mp_fp) == 16, "MP floating pointer is 16 bytes");

/* feature[0]: non-zero selects a default configuration (chapter 5). */
#define MP_FEATURE2_IMCRP	(1u << 7)	/* in feature[1] */

/* MP configuration table header (4.2). */
struct mp_config {
	char signature[4];	/* "PCMP" */
	uint16_t base_len;	/* header and base entries */
	uint8_t spec_rev;
	uint8_t checksum;	/* over base_len bytes */
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entry_count;	/* unreliable: qboot leaves it 0 */
	uint32_t lapic_addr;
	uint16_t ext_len;
	uint8_t ext_checksum;
	uint8_t reserved;
} __packed;
STATIC_ASSERT(sizeof(struct mp_config) == 44, "MP config header is 44 bytes");

enum mp_entry_type {
	MP_PROCESSOR = 0,
	MP_BUS = 1,
	MP_IOAPIC = 2,
	MP_IOINTR = 3,
	MP_LINTR = 4,
};

#define MP_CPU_ENABLED		(1u << 0)
#define MP_CPU_BSP		(1u << 1)

struct mp_processor {
	uint8_t type;
	uint8_t lapic_id;
	uint8_t lapic_version;
	uint8_t flags;
	uint32_t signature;	/* CPUID stepping, model, family */
	uint32_t features;	/* CPUID.1:EDX */
	uint32_t reserved[2];
} __packed;
STATIC_ASSERT(sizeof(struct mp_processor) == 20, "MP processor is 20 bytes");

struct mp_bus {
	uint8_t type;
	uint8_t bus_id;
	char bus_type[6];	/* "ISA   ", "PCI   ", space padded */
} __packed;
STATIC_ASSERT(sizeof(struct mp_bus) == 8, "MP bus is 8 bytes");

#define MP_IOAPIC_ENABLED	(1u << 0)

struct mp_ioapic {
	uint8_t type;
	uint8_t id;
	uint8_t version;
	uint8_t flags;
	uint32_t addr;
} __packed;
STATIC_ASSERT(sizeof(struct mp_ioapic) == 8, "MP I/O APIC is 8 bytes");

/* Interrupt types of I/O and local interrupt entries (table 4-9). */
#define MP_INT_VECTORED		0
#define MP_INT_NMI		1
#define MP_INT_SMI		2
#define MP_INT_EXTINT		3

/* Destination I/O APIC ID meaning "every I/O APIC". */
#define MP_IOAPIC_ALL		0xff

/* I/O (type 3) and local (type 4) interrupt assignment entries. */
struct mp_intr {
	uint8_t type;
	uint8_t irq_type;
	uint16_t flags;		/* MPS INTI flags */
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_id;		/* I/O APIC ID, or local APIC ID */
	uint8_t dst_pin;	/* INTIN#, or LINTIN# */
} __packed;
STATIC_ASSERT(sizeof(struct mp_intr) == 8, "MP interrupt entry is 8 bytes");

#endif /* ARCH_MPTABLE_H */
