// SPDX-License-Identifier: MIT
/*
 * Reads the PVH hvm_start_info (Xen public/arch-x86/hvm/start_info.h) into a
 * struct boot_info: the memory map, command line, RSDP and first module. All
 * of it is copied, because the pages it lives in become free memory. Then it
 * hands over to kernel_start().
 */
#include <string.h>

#include <arch/pvh.h>
#include <kernel/boot.h>
#include <kernel/compiler.h>
#include <kernel/log.h>
#include <toro/panic.h>

extern uint64_t boot_tsc_entry;

static struct boot_info boot_info;

/* Adds [start, end) of RAM, trimmed to whole pages, keeping the list sorted
 * and merging neighbours (firmware lists are not always sorted). */
static void add_ram(struct boot_info *bi, uint64_t start, uint64_t end)
{
	start = ALIGN_UP(start, 4096);
	end = ALIGN_DOWN(end, 4096);
	if (start >= end)
		return;
	if (bi->nram == BOOT_MAX_RANGES) {
		log_warn("memory map has more than %d RAM ranges; ignoring "
			 "%#lx-%#lx\n", BOOT_MAX_RANGES, start, end);
		return;
	}
	unsigned i = bi->nram;

	while (i > 0 && bi->ram[i - 1].start > start) {
		bi->ram[i] = bi->ram[i - 1];
		i--;
	}
	bi->ram[i] = (struct mem_range){ start, end };
	bi->nram++;

	/* Merge overlapping or touching ranges. */
	unsigned out = 0;

	for (unsigned j = 1; j < bi->nram; j++) {
		if (bi->ram[j].start <= bi->ram[out].end)
			bi->ram[out].end = MAX(bi->ram[out].end, bi->ram[j].end);
		else
			bi->ram[++out] = bi->ram[j];
	}
	bi->nram = out + 1;
}

struct boot_info *pvh_read_start_info(const struct hvm_start_info *si)
{
	struct boot_info *bi = &boot_info;

	bi->tsc_entry = boot_tsc_entry;
	if (si->magic != PVH_START_MAGIC)
		panic("not started through PVH: start_info magic %#x",
		      si->magic);
	if (si->version < 1 || si->memmap_entries == 0)
		panic("PVH start_info version %u has no memory map",
		      si->version);

	const struct hvm_memmap_entry *mm =
		(const void *)(uintptr_t)si->memmap_paddr;

	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (mm[i].type == PVH_MEMMAP_RAM)
			add_ram(bi, mm[i].addr, mm[i].addr + mm[i].size);

	if (si->cmdline_paddr) {
		const char *cl = (const char *)(uintptr_t)si->cmdline_paddr;
		size_t len = strnlen(cl, sizeof(bi->cmdline));

		if (len == sizeof(bi->cmdline)) {
			log_warn("command line longer than %d bytes, cut\n",
				 BOOT_CMDLINE_MAX - 1);
			len--;
		}
		memcpy(bi->cmdline, cl, len);
		bi->cmdline[len] = '\0';
	}
	bi->rsdp = si->rsdp_paddr;
	if (si->nr_modules > 0 && si->modlist_paddr) {
		const struct hvm_modlist_entry *mod =
			(const void *)(uintptr_t)si->modlist_paddr;

		bi->initrd_start = mod->paddr;
		bi->initrd_size = mod->size;
	}
	return bi;
}

void pvh_boot(uint32_t start_info_paddr)
{
	kernel_start(pvh_read_start_info(
		(const struct hvm_start_info *)(uintptr_t)start_info_paddr));
}
