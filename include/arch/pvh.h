/* SPDX-License-Identifier: MIT */
/*
 * The PVH boot protocol's start_info (Xen public/arch-x86/hvm/start_info.h),
 * which a VMM hands to pvh_start, and which boot_mb2.c builds from what a
 * Multiboot2 loader hands over, so both boots share one reader.
 */
#ifndef ARCH_PVH_H
#define ARCH_PVH_H

#include <stdint.h>

#include <kernel/compiler.h>

#define PVH_START_MAGIC 0x336ec578
#define PVH_MEMMAP_RAM	1

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;	/* 1 adds the memory map */
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
} __packed;
STATIC_ASSERT(sizeof(struct hvm_start_info) == 56, "start_info layout");

/* E820's layout, which Multiboot2's memory map shares. */
struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
} __packed;

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
} __packed;

struct boot_info;

/* boot_pvh.c: copies what (si) points to into the kernel's boot_info and
 * returns it; panics on a start_info without a memory map. Nothing (si)
 * points to is read afterwards. */
struct boot_info *pvh_read_start_info(const struct hvm_start_info *si);

#endif /* ARCH_PVH_H */
