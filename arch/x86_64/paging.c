// SPDX-License-Identifier: MIT
/*
 * Four-level x86-64 page tables, identity-mapped. RAM is mapped with 2 MiB
 * pages where it can be; a large page is split into 4 KiB pages the first
 * time something inside it needs its own protection (the image, a guard
 * page, page 0). Changes are made under one lock and flushed from the local
 * TLB; only ever removing a mapping from memory that is not in use makes a
 * cross-CPU flush unnecessary here.
 *
 * One exception to the identity: the lazily mapped region (.lazy, above
 * all RAM), for tables sized for the most a guest could ever use but
 * touched a little at a time (lwIP's socket array). Its pages are backed
 * on first touch (vm_fault_in()), from the page fault handler, and kept.
 */
#include <errno.h>
#include <string.h>

#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/x86.h>
#include <kernel/boot.h>
#include <kernel/compiler.h>
#include <kernel/page_alloc.h>
#include <kernel/spinlock.h>
#include <toro/panic.h>

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_A		(1ULL << 5)	/* set by the CPU on access */
#define PTE_D		(1ULL << 6)	/* set by the CPU on write */
#define PTE_AD		(PTE_A | PTE_D)
#define PTE_PS		(1ULL << 7)
#define PTE_NX		(1ULL << 63)
#define PTE_GUARD	(1ULL << 9)	/* software bit, in a non-present PTE */
#define PTE_ADDR	0x000ffffffffff000ULL

#define LEVEL_SHIFT(l)	(PAGE_SHIFT + 9 * (l))
#define LEVEL_SIZE(l)	(1ULL << LEVEL_SHIFT(l))
#define INDEX(va, l)	(((va) >> LEVEL_SHIFT(l)) & 511)

extern char __text_start[], __text_end[], __rodata_start[], __data_start[];
extern char __image_end[], boot_stack_guard[];
extern uint8_t boot_has_nx;

static uint64_t *root;
static bool live;	/* root is loaded: changes need TLB flushes */
static struct spinlock lock;
/* How many times set_range() changed the tables (vm_dma_ok_memo()). */
static unsigned long changes;

static void flush(uintptr_t va)
{
	if (live)
		invlpg(va);
}

bool mmu_has_nx(void)
{
	return boot_has_nx;
}

/* Pages from the page allocator since it started, kept for good. */
static size_t tables_since_boot;
static size_t lazy_pages;

static uint64_t *table_alloc(void)
{
	void *t;

	if (page_alloc_ready()) {
		t = page_alloc(1);
		if (t)
			tables_since_boot++;
	} else {
		t = bootmem_alloc();
	}
	if (!t)
		return NULL;
	return memset(t, 0, PAGE_SIZE);
}

size_t mmu_kept_pages(void)
{
	return READ_ONCE(tables_since_boot) + READ_ONCE(lazy_pages);
}

static uint64_t leaf_flags(unsigned prot)
{
	uint64_t f = PTE_P;

	if (prot & VM_WRITE)
		f |= PTE_W;
	if (!(prot & VM_EXEC) && boot_has_nx)
		f |= PTE_NX;
	if (prot & VM_DEVICE)
		f |= PTE_PCD | PTE_PWT;
	return f;
}

/*
 * Returns the entry that maps (va) at (level) (0: 4 KiB, 1: 2 MiB),
 * allocating tables and splitting larger pages on the way when (create).
 * Without (create), stops early at a large page or a hole: the returned
 * entry may then be at a higher level, or NULL.
 */
static uint64_t *walk(uintptr_t va, int level, bool create)
{
	uint64_t *t = root;

	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[INDEX(va, l)];

		if (!(*e & PTE_P)) {
			if (!create)
				return *e ? e : NULL;
			uint64_t *nt = table_alloc();

			if (!nt)
				return NULL;
			*e = (uintptr_t)nt | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			if (!create)
				return e;
			/* Split: same mappings, one level finer. */
			uint64_t *nt = table_alloc();

			if (!nt)
				return NULL;
			uint64_t base = *e & PTE_ADDR & ~(LEVEL_SIZE(l) - 1);
			uint64_t flags = *e & ~PTE_ADDR & ~(l - 1 ? 0 : PTE_PS);

			for (int i = 0; i < 512; i++)
				nt[i] = (base + i * LEVEL_SIZE(l - 1)) | flags;
			*e = (uintptr_t)nt | PTE_P | PTE_W;
		}
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	return &t[INDEX(va, level)];
}

/* Sets the entries for [va, end) to (flags | address), 2 MiB at a time
 * where the range allows and nothing finer is mapped there. */
static int set_range(uintptr_t va, uintptr_t end, uint64_t flags)
{
	int rc = 0;

	while (va < end) {
		uint64_t *pde = walk(va, 1, true);

		if (!pde) {
			rc = -ENOMEM;
			break;
		}
		bool big_ok = IS_ALIGNED(va, LEVEL_SIZE(1)) &&
			      end - va >= LEVEL_SIZE(1) &&
			      (!(*pde & PTE_P) || (*pde & PTE_PS));

		if (big_ok && (flags & PTE_P)) {
			*pde = va | flags | PTE_PS;
			flush(va);
			va += LEVEL_SIZE(1);
			continue;
		}
		uint64_t *pte = walk(va, 0, true);

		if (!pte) {
			rc = -ENOMEM;
			break;
		}
		uint64_t old = *pte, pte_new = (flags & PTE_P) ? (va | flags) :
							      flags;

		/* mmap() and mprotect() change pages by the dozen (a
		 * thread's stack): an entry that stays as it is needs no
		 * write, and one that was not present cannot be in a TLB,
		 * so neither needs the flush, costly under emulation. */
		if ((old & ~PTE_AD) != pte_new) {
			*pte = pte_new;
			if (old & PTE_P)
				flush(va);
		}
		va += PAGE_SIZE;
	}
	/* After the entries, even when out of memory half-way: whoever
	 * reads the new count walks the new tables (vm_dma_ok_memo()). */
	__atomic_fetch_add(&changes, 1, __ATOMIC_RELEASE);
	return rc;
}

/* Once the image is mapped, nothing may change how: a stray mapping call
 * over it would make code non-executable or data read-only far from the
 * bug that did it. */
static void check_not_image(uintptr_t va, uintptr_t end)
{
	if (live && va < (uintptr_t)__image_end && end > (uintptr_t)__text_start)
		panic("page table change %#lx-%#lx overlaps the kernel image",
		      va, end);
}

int vm_map(uint64_t pa, size_t len, unsigned prot)
{
	uintptr_t va = ALIGN_DOWN(pa, PAGE_SIZE);
	uintptr_t end = ALIGN_UP(pa + len, PAGE_SIZE);

	check_not_image(va, end);
	bool irq = spin_lock_irqsave(&lock);
	int rc = set_range(va, end, leaf_flags(prot));

	spin_unlock_irqrestore(&lock, irq);
	return rc;
}

int vm_unmap(uintptr_t va, size_t len)
{
	uintptr_t start = ALIGN_DOWN(va, PAGE_SIZE);
	uintptr_t end = ALIGN_UP(va + len, PAGE_SIZE);

	check_not_image(start, end);
	bool irq = spin_lock_irqsave(&lock);
	int rc = set_range(start, end, 0);

	spin_unlock_irqrestore(&lock, irq);
	return rc;
}

int vm_set_guards(uintptr_t va, size_t len)
{
	uintptr_t start = ALIGN_DOWN(va, PAGE_SIZE);
	uintptr_t end = ALIGN_UP(va + len, PAGE_SIZE);

	check_not_image(start, end);
	bool irq = spin_lock_irqsave(&lock);
	int rc = set_range(start, end, PTE_GUARD);

	spin_unlock_irqrestore(&lock, irq);
	return rc;
}

int vm_set_guard(uintptr_t va)
{
	return vm_set_guards(va, PAGE_SIZE);
}

bool vm_is_guard(uintptr_t va)
{
	uint64_t *e = walk(va, 0, false);

	return e && !(*e & PTE_P) && (*e & PTE_GUARD);
}

bool vm_is_mapped(uintptr_t va, size_t len)
{
	uintptr_t end = va + len;

	if (end < va)
		return false;
	for (uintptr_t p = ALIGN_DOWN(va, PAGE_SIZE); p < end; p += PAGE_SIZE) {
		uint64_t *e = walk(p, 0, false);

		if (!e || !(*e & PTE_P))
			return false;
	}
	return true;
}

/* The present entry mapping (va), at whatever level, and the size it
 * maps; NULL for a hole. */
static const uint64_t *leaf(uintptr_t va, uintptr_t *size)
{
	const uint64_t *t = root;

	for (int l = 3; l >= 0; l--) {
		const uint64_t *e = &t[INDEX(va, l)];

		if (!(*e & PTE_P))
			return NULL;
		if (l == 0 || (*e & PTE_PS)) {
			*size = LEVEL_SIZE(l);
			return e;
		}
		t = (const uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	return NULL;
}

/* Whether [va, end) and the lazily mapped region share a byte. The
 * region's bounds (kernel.ld) lie beyond the 2 GiB that this file's
 * 32-bit addresses reach: they are loaded as 64-bit immediates. */
static bool meets_lazy_region(uintptr_t va, uintptr_t end)
{
	uintptr_t start, stop;

	__asm__("movabs $__lazy_start, %0" : "=r"(start));
	__asm__("movabs $__lazy_end, %0" : "=r"(stop));
	return va < stop && end > start;
}

bool vm_fault_in(uintptr_t va)
{
	if (!meets_lazy_region(va, va + 1) || !live)
		return false;
	void *page = page_alloc(1);
	bool irq = spin_lock_irqsave(&lock);
	uint64_t *pte = page ? walk(ALIGN_DOWN(va, PAGE_SIZE), 0, true) : NULL;

	if (!pte)
		panic("out of memory mapping %#lx in the lazily mapped tables",
		      va);
	if (*pte & PTE_P) {
		/* Another CPU touched the same page first. */
		spin_unlock_irqrestore(&lock, irq);
		page_free(page, 1);
		return true;
	}
	*pte = (uintptr_t)memset(page, 0, PAGE_SIZE) | leaf_flags(VM_WRITE);
	lazy_pages++;
	spin_unlock_irqrestore(&lock, irq);
	return true;
}

bool vm_dma_ok(uintptr_t va, size_t len, bool device_writes)
{
	uintptr_t end = va + len, size;

	/* Not identity-mapped: a device would get the wrong address. */
	if (end < va || meets_lazy_region(va, end))
		return false;
	for (uintptr_t p = va; p < end; p = ALIGN_DOWN(p, size) + size) {
		const uint64_t *e = leaf(p, &size);

		if (!e || (*e & PTE_PCD) || (device_writes && !(*e & PTE_W)))
			return false;
		if (ALIGN_DOWN(p, size) + size < p)	/* the last page */
			break;
	}
	return true;
}

void vm_copy_over_readonly(void *dst, const void *src, size_t n)
{
	/* With CR0.WP clear, writes from ring 0 ignore the read-only bit.
	 * Interrupts stay off meanwhile, so nothing else runs on this CPU
	 * without that protection. */
	bool irq = irq_save();
	uint64_t cr0 = read_cr0();

	write_cr0(cr0 & ~X86_CR0_WP);
	if (src)
		memcpy(dst, src, n);
	else
		memset(dst, 0, n);
	write_cr0(cr0);
	irq_restore(irq);
}

bool vm_dma_ok_memo(struct vm_memo *m, uintptr_t va, size_t len,
		    bool device_writes)
{
	/* Read before a walk: a change during it leaves what the walk
	 * found under the old count, stale at the next look. */
	unsigned long now = __atomic_load_n(&changes, __ATOMIC_ACQUIRE);

	if (m->changes != now)
		*m = (struct vm_memo){ .changes = now };
	for (unsigned i = 0; i < VM_MEMO_RANGES; i++)
		if (va >= m->start[i] && va < m->end[i] &&
		    len <= m->end[i] - va &&
		    (!device_writes || m->writable[i]))
			return true;
	if (!vm_dma_ok(va, len, device_writes))
		return false;
	unsigned i = m->next;

	m->next = (uint8_t)((i + 1) % VM_MEMO_RANGES);
	m->start[i] = va;
	m->end[i] = va + len;
	m->writable[i] = device_writes;
	return true;
}

uint64_t mmu_root(void)
{
	return (uintptr_t)root;
}

void mmu_load(void)
{
	write_cr3((uintptr_t)root);
}

static void map_or_panic(uint64_t start, uint64_t end, unsigned prot)
{
	if (vm_map(start, end - start, prot))
		panic("out of memory for page tables mapping %#lx-%#lx", start,
		      end);
}

void mmu_init(const struct boot_info *bi)
{
	root = table_alloc();
	if (!root)
		panic("no memory for the first page table");
	for (unsigned i = 0; i < bi->nram; i++)
		map_or_panic(bi->ram[i].start, bi->ram[i].end, VM_WRITE);

	/* The image, whatever the memory map says about it. */
	map_or_panic((uintptr_t)__text_start,
		     ALIGN_UP((uintptr_t)__text_end, PAGE_SIZE), VM_EXEC);
	map_or_panic((uintptr_t)__rodata_start, (uintptr_t)__data_start, 0);
	map_or_panic((uintptr_t)__data_start, (uintptr_t)__image_end,
		     VM_WRITE);
	vm_unmap(0, PAGE_SIZE);
	vm_set_guard((uintptr_t)boot_stack_guard);
	mmu_load();
	live = true;
}
