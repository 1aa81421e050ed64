/* SPDX-License-Identifier: MIT */
/*
 * What the boot protocol hands the kernel, in a form that does not depend on
 * the protocol: usable RAM, the command line, the ACPI RSDP and the initrd.
 * arch code fills it in (boot_pvh.c, boot_mb2.c) and calls kernel_start().
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stdint.h>

#define BOOT_MAX_RANGES	64
#define BOOT_CMDLINE_MAX 4096

struct mem_range {
	uint64_t start;	/* inclusive, page-aligned */
	uint64_t end;	/* exclusive, page-aligned */
};

struct boot_info {
	/* RAM as the firmware reports it, sorted and merged. */
	struct mem_range ram[BOOT_MAX_RANGES];
	unsigned nram;
	uint64_t rsdp;		/* ACPI RSDP physical address, 0 if unknown */
	uint64_t initrd_start;	/* first boot module, if any */
	uint64_t initrd_size;
	/* Memory of the boot loader's that the kernel reads after boot (the
	 * Multiboot2 information, with its RSDP copy), kept out of free RAM;
	 * empty under PVH. */
	struct mem_range loader_data;
	char cmdline[BOOT_CMDLINE_MAX];
	uint64_t tsc_entry;	/* TSC at the first instruction */
};

/* What kernel_start() was given, for the initrd (fs/initrd.c). */
extern const struct boot_info *kernel_boot_info;

/* Entered on the boot CPU with interrupts off and the boot page tables. */
void kernel_start(struct boot_info *bi) __attribute__((noreturn));

#endif /* KERNEL_BOOT_H */
