// SPDX-License-Identifier: MIT
/*
 * Multiboot2 hand-over (GRUB booting a `toro image` disk): turns the boot
 * information (Multiboot2 specification 1.0, section 3.6) into the PVH
 * start_info that pvh_read_start_info() reads, so the rest of the kernel
 * does not know which loader ran. The memory map entries have E820's
 * layout in both; the first module is the initrd, as in PVH. The RSDP is
 * a copy inside the information block (firmware under UEFI gives no
 * address to find the original), so the whole block stays out of free
 * memory: boot_info.loader_data.
 */
#include <string.h>

#include <arch/pvh.h>
#include <kernel/boot.h>
#include <kernel/compiler.h>
#include <toro/panic.h>

#define MB2_BOOTLOADER_MAGIC	0x36d76289

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_MODULE		3
#define MB2_TAG_MMAP		6
#define MB2_TAG_ACPI_OLD	14	/* RSDP of ACPI 1.0 */
#define MB2_TAG_ACPI_NEW	15	/* RSDP of ACPI 2.0 and later */

struct mb2_info {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;		/* with this header; tags start 8-aligned */
};

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start;
	uint32_t mod_end;	/* exclusive */
};

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;	/* a multiple of 8, at least 24 */
	uint32_t entry_version;
};

/* The memory map's entries, packed to the 24 bytes PVH wants (in place:
 * Multiboot2 allows larger entries, with E820's layout first). */
static void use_mmap(struct hvm_start_info *si, struct mb2_tag_mmap *t)
{
	struct hvm_memmap_entry *out = (void *)(t + 1);
	const char *in = (const char *)(t + 1);
	const char *end = (const char *)t + t->tag.size;

	if (t->entry_size < sizeof(*out))
		return;
	si->memmap_paddr = (uintptr_t)out;
	for (; in + t->entry_size <= end; in += t->entry_size)
		memmove(&out[si->memmap_entries++], in, sizeof(*out));
}

/* (magic) is 0 when the information lies beyond the first GiB, which is
 * all the boot page tables map (mb2_start checks, paging still off). */
void mb2_boot(uint32_t info_paddr, uint32_t magic)
{
	const struct mb2_info *info = (const void *)(uintptr_t)info_paddr;
	struct mb2_tag *t = (void *)(info + 1);
	/* On the boot stack: read before kernel_start() takes over. */
	struct hvm_start_info si = { .magic = PVH_START_MAGIC, .version = 1 };
	struct hvm_modlist_entry module = { 0 };
	const char *end;
	struct boot_info *bi;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("no Multiboot2 information below 1 GiB: magic %#x, at %#x",
		      magic, info_paddr);
	end = (const char *)info + info->total_size;
	for (; (char *)t + sizeof(*t) <= end && t->type != MB2_TAG_END &&
	       t->size >= sizeof(*t);
	     t = (void *)((char *)t + ALIGN_UP(t->size, 8))) {
		switch (t->type) {
		case MB2_TAG_CMDLINE:
			si.cmdline_paddr = (uintptr_t)(t + 1);
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const void *)t;

			if (si.nr_modules)
				break;
			module.paddr = m->mod_start;
			module.size = m->mod_end - m->mod_start;
			si.modlist_paddr = (uintptr_t)&module;
			si.nr_modules = 1;
			break;
		}
		case MB2_TAG_MMAP:
			use_mmap(&si, (void *)t);
			break;
		case MB2_TAG_ACPI_NEW:
		case MB2_TAG_ACPI_OLD:
			/* ACPI 2.0's, when both are there. */
			if (!si.rsdp_paddr || t->type == MB2_TAG_ACPI_NEW)
				si.rsdp_paddr = (uintptr_t)(t + 1);
			break;
		}
	}
	bi = pvh_read_start_info(&si);
	bi->loader_data = (struct mem_range){ info_paddr,
					      (uintptr_t)end };
	kernel_start(bi);
}
