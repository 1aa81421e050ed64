/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables. Everything is identity-mapped (virtual = physical):
 * RAM read/write and non-executable, the image's text read-only and
 * executable, its rodata read-only, page 0 unmapped to catch NULL, device
 * memory uncached on demand. Stack guard pages are unmapped and tagged, so
 * a fault on one is reported as a stack overflow. Above RAM, the lazily
 * mapped region: pages backed on first touch.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct boot_info;

/* Protection of a mapping: readable always, plus these. */
#define VM_WRITE	0x1
#define VM_EXEC		0x2
#define VM_DEVICE	0x4	/* uncached, for MMIO */

/* Builds the kernel page tables for the RAM in (bi) and switches to them.
 * Page-table pages come from bootmem. */
void mmu_init(const struct boot_info *bi);

/* Loads the kernel page tables on the calling CPU (APs). */
void mmu_load(void);

/* Physical address of the top-level table, for the AP start-up code. */
uint64_t mmu_root(void);

/*
 * Maps [pa, pa + len), widened to pages, at the same virtual address with
 * (prot). Replaces whatever was mapped there. Returns 0 or -ENOMEM.
 */
int vm_map(uint64_t pa, size_t len, unsigned prot);

/* Unmaps [va, va + len), widened to pages. */
int vm_unmap(uintptr_t va, size_t len);

/* Unmaps the page at (va) and tags it as a stack guard. */
int vm_set_guard(uintptr_t va);

/* The same for every page of [va, va + len), widened to pages, in one go
 * (PROT_NONE mappings). Returns 0 or -ENOMEM. */
int vm_set_guards(uintptr_t va, size_t len);

/* Whether (va) lies in a page tagged as a stack guard. */
bool vm_is_guard(uintptr_t va);

/* Whether every byte of [va, va + len) is mapped (for fault reports that
 * must not fault themselves). */
bool vm_is_mapped(uintptr_t va, size_t len);

/*
 * Whether a device may be handed [va, va + len) (identity-mapped, so the
 * address is the physical one): all of it mapped RAM, and writable when
 * (device_writes). DMA ignores page protections, so a stray pointer
 * would otherwise let a device write over unmapped page 0, the kernel's
 * code or a stack's guard page.
 */
bool vm_dma_ok(uintptr_t va, size_t len, bool device_writes);

/*
 * Copies (n) bytes to (dst), or zeros with (src) NULL, even where its
 * pages are mapped read-only (all of it must be mapped): the kernel
 * bringing a file's new bytes into a read-only shared mapping of it
 * (fs/vfs_map.c), or dropping a read-only page's contents
 * (madvise(MADV_DONTNEED)), where the program may only read.
 */
void vm_copy_over_readonly(void *dst, const void *src, size_t n);

/*
 * What vm_dma_ok() said of the last ranges one caller asked about, for a
 * caller that asks about the same buffers again and again (a thread's
 * system calls: its connection's buffer, a cached answer); a walk costs
 * about 60 instructions a page. Good while the page tables are unchanged.
 * Zeroed: empty.
 */
#define VM_MEMO_RANGES	2
struct vm_memo {
	uintptr_t start[VM_MEMO_RANGES], end[VM_MEMO_RANGES];
	unsigned long changes;	/* the tables' change count when filled */
	bool writable[VM_MEMO_RANGES];
	uint8_t next;		/* the range to replace next */
};

/* vm_dma_ok() through (memo). */
bool vm_dma_ok_memo(struct vm_memo *memo, uintptr_t va, size_t len,
		    bool device_writes);

/*
 * If (va) lies in the lazily mapped region (.lazy in the linker script)
 * and is not mapped yet, maps a zeroed page there and returns true: the
 * page fault handler then returns to the access. False for any other
 * address. Panics when no page is left, naming the address.
 */
bool vm_fault_in(uintptr_t va);

/* Pages taken from the page allocator since it started for page tables
 * (mapping devices, splitting large pages for guard pages) and for the
 * lazily mapped region. They are kept for good, so memory accounting
 * counts them apart. */
size_t mmu_kept_pages(void);

/* Whether the CPU enforces no-execute (EFER.NXE is set). */
bool mmu_has_nx(void);

#endif /* ARCH_MMU_H */
