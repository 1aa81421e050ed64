// SPDX-License-Identifier: MIT
/*
 * Memory calls: mmap, munmap, mprotect, mremap, madvise, brk, msync and
 * the locking calls, over the kernel's page mappings (kernel/mmap.c).
 * RAM is identity-mapped and never paged, which shapes what works:
 *
 *  - anonymous private mappings, zero-filled, of any protection;
 *  - private file mappings: the file's bytes are read in at mmap() time
 *    (later writes to the file do not show, as the mapping is private);
 *  - shared file mappings: the same, and fs/vfs_map.c keeps the copy and
 *    the file alike (reads and writes of the file see it, it is written
 *    back at msync, munmap, fsync and exit);
 *  - MAP_FIXED only over pages the program already has mapped (a region
 *    it reserved first, the usual way); elsewhere -ENOMEM;
 *  - every mapping costs its size in physical memory at once.
 *
 * brk() never moves: there is no heap segment (malloc uses the kernel's
 * per-CPU heap), so it reports where the break is and refuses to move it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include <arch/mmu.h>
#include <kernel/fd.h>
#include <kernel/mmap.h>
#include <kernel/page_alloc.h>
#include <kernel/vfs.h>

#include "sys_impl.h"

#define PAGE_MASK (PAGE_SIZE - 1)

static unsigned mm_prot(int prot)
{
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return 0;
	return MM_READ | (prot & PROT_WRITE ? MM_WRITE : 0) |
	       (prot & PROT_EXEC ? MM_EXEC : 0);
}

SYSCALL_DEFINE6(mmap, void *, addr, size_t, len, int, prot, int, flags, int,
		fd, int64_t, off)
{
	int type = flags & MAP_TYPE;
	bool anon = flags & MAP_ANONYMOUS;
	void *p;
	long rc;

	if (len == 0 || (type != MAP_PRIVATE && type != MAP_SHARED &&
			 type != MAP_SHARED_VALIDATE))
		return -EINVAL;
	if (!anon && (off < 0 || off & PAGE_MASK))
		return -EINVAL;
	if (len > SIZE_MAX - PAGE_SIZE)
		return -ENOMEM;
	/* File mappings come with the C library's mmap(); the start-up
	 * code's anonymous ones do not need them. */
	if (!anon && !vfs_map_file)
		return -ENODEV;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((uintptr_t)addr & PAGE_MASK)
			return -EINVAL;
		if (!mm_is_mapped(addr, len))
			return flags & MAP_FIXED_NOREPLACE ? -EEXIST : -ENOMEM;
		if (flags & MAP_FIXED_NOREPLACE)
			return -EEXIST;
		/* What a shared mapping there held goes to its file first. */
		rc = vfs_map_forget ? vfs_map_forget(addr, len, true) : 0;
		/* New contents over pages the program has: writable while
		 * they are filled, then as asked. */
		if (!rc)
			rc = mm_protect(addr, len, MM_READ | MM_WRITE);
		if (rc)
			return rc;
		memset(addr, 0, (len + PAGE_MASK) & ~PAGE_MASK);
		p = addr;
	} else {
		p = mm_map(len, MM_READ | MM_WRITE);
		if (!p)
			return -ENOMEM;
	}
	/* A shared anonymous mapping is private to the one process anyway.
	 * A file's may turn out to be another mapping's memory (rc > 0). */
	rc = anon ? 0 : vfs_map_file(p, len, prot, flags, fd, off);
	if (!rc && mm_prot(prot) != (MM_READ | MM_WRITE))
		rc = mm_protect(p, len, mm_prot(prot));
	if (rc) {
		/* (Nothing for the file's part to forget if it failed before
		 * registering, or found another mapping.) */
		if (!anon)
			vfs_map_forget(p, len, false);
		if (!(flags & MAP_FIXED))
			mm_unmap(p, len);
		return rc;
	}
	return (long)p;
}

/* Unmaps [addr, addr + len), a shared mapping's bytes going to its file
 * first. Inlined in both callers: a function more is a name more in the
 * image's symbol table. */
__attribute__((always_inline))
static inline long unmap(void *addr, size_t len)
{
	long rc = vfs_map_forget ? vfs_map_forget(addr, len, false) : 0;

	/* 1: another view of a shared mapping still shows those pages. */
	return rc ? (rc < 0 ? rc : 0) : mm_unmap(addr, len);
}

SYSCALL_DEFINE2(munmap, void *, addr, size_t, len)
{
	if ((uintptr_t)addr & PAGE_MASK || len == 0)
		return -EINVAL;
	return unmap(addr, len);
}

SYSCALL_DEFINE3(mprotect, void *, addr, size_t, len, int, prot)
{
	if ((uintptr_t)addr & PAGE_MASK)
		return -EINVAL;
	if (len == 0)
		return 0;
	/* Linux says ENOMEM for memory that is not mapped. */
	if (!mm_is_mapped(addr, len))
		return -ENOMEM;
	long rc = vfs_map_protect ? vfs_map_protect(addr, len,
						    prot & PROT_WRITE) : 0;

	return rc ? rc : mm_protect(addr, len, mm_prot(prot));
}

SYSCALL_DEFINE5(mremap, void *, old, size_t, old_len, size_t, new_len, int,
		flags, void *, new_addr)
{
	size_t old_pages = (old_len + PAGE_MASK) & ~PAGE_MASK;
	size_t new_pages = (new_len + PAGE_MASK) & ~PAGE_MASK;

	if ((uintptr_t)old & PAGE_MASK || new_len == 0 ||
	    flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))
		return -EINVAL;
	if (flags & MREMAP_FIXED)
		return -EINVAL;	/* no placing at chosen addresses */
	if (old_len == 0)
		return -EFAULT;
	/* Memory that is not an mmap() mapping (a stack, the image) stays
	 * where it is: it cannot grow or move (ENOMEM, as a mapping hemmed
	 * in), while a range not mapped at all is EFAULT. musl finds the
	 * main thread's stack by that difference. */
	if (!mm_is_mapped(old, old_len))
		return vm_is_mapped((uintptr_t)old, old_len) ? -ENOMEM :
							       -EFAULT;
	if (new_pages <= old_pages) {
		if (new_pages < old_pages)
			unmap((char *)old + new_pages, old_pages - new_pages);
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;	/* the pages after it are not ours */
	void *p = mm_map(new_len, MM_READ | MM_WRITE);
	bool shared = vfs_map_holds && vfs_map_holds(old);

	if (!p)
		return -ENOMEM;
	/* A shared mapping's pages are up to date in its file first: the
	 * new ones come from there. */
	long rc = shared ? vfs_map_sync(old, old_len) : 0;

	memcpy(p, old, old_pages);
	if (!rc && shared)
		rc = vfs_map_move(old, old_len, p, new_len);
	if (rc) {
		mm_unmap(p, new_len);
		return rc;
	}
	mm_unmap(old, old_len);
	return (long)p;
}

/* A private page as MADV_DONTNEED leaves it: zeros, whatever the
 * program may do with it (its protection stays). */
static void drop_page(char *page)
{
	if (vm_dma_ok((uintptr_t)page, PAGE_SIZE, true)) {
		memset(page, 0, PAGE_SIZE);
	} else if (vm_is_mapped((uintptr_t)page, 1)) {
		vm_copy_over_readonly(page, NULL, PAGE_SIZE);	/* read-only */
	} else if (mm_protect(page, PAGE_SIZE, MM_READ | MM_WRITE) == 0) {
		memset(page, 0, PAGE_SIZE);	/* PROT_NONE, and again after */
		mm_protect(page, PAGE_SIZE, 0);
	}
}

SYSCALL_DEFINE3(madvise, void *, addr, size_t, len, int, advice)
{
	if ((uintptr_t)addr & PAGE_MASK)
		return -EINVAL;
	if (len == 0)
		return 0;
	switch (advice) {
	case MADV_DONTNEED:
		/* Private pages read back as zeros afterwards; a shared
		 * mapping's as the file has them, which they already are. */
		if (!mm_is_mapped(addr, len))
			return -ENOMEM;
		for (size_t at = 0; at < len; at += PAGE_SIZE)
			if (!vfs_map_holds || !vfs_map_holds((char *)addr + at))
				drop_page((char *)addr + at);
		return 0;
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_FREE:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(msync, void *, addr, size_t, len, int, flags)
{
	if ((uintptr_t)addr & PAGE_MASK ||
	    flags & ~(MS_SYNC | MS_ASYNC | MS_INVALIDATE) ||
	    (flags & MS_SYNC && flags & MS_ASYNC))
		return -EINVAL;
	/* MS_ASYNC writes back at once too: there is no later. */
	return vfs_map_sync ? vfs_map_sync(addr, len) : 0;
}

/* Every page mapped is resident: nothing is ever paged out. ENOMEM
 * where a page is not mapped (mmap()'s, even PROT_NONE, or the image's,
 * a stack's, the heap's). */
SYSCALL_DEFINE3(mincore, void *, addr, size_t, len, unsigned char *, vec)
{
	size_t pages = len / PAGE_SIZE + !!(len % PAGE_SIZE);

	if ((uintptr_t)addr & PAGE_MASK)
		return -EINVAL;
	if ((uintptr_t)addr + len < (uintptr_t)addr)
		return -ENOMEM;
	if (!user_writable(vec, pages))
		return -EFAULT;
	for (size_t i = 0; i < pages; i++) {
		const char *p = (const char *)addr + i * PAGE_SIZE;

		if (!mm_is_mapped(p, PAGE_SIZE) && !user_readable(p, 1))
			return -ENOMEM;
	}
	memset(vec, 1, pages);
	return 0;
}

SYSCALL_DEFINE2(mlock, const void *, addr, size_t, len)
{
	return 0;	/* nothing is ever paged out */
}

SYSCALL_DEFINE2(munlock, const void *, addr, size_t, len)
{
	return 0;
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
	return flags ? 0 : -EINVAL;
}

SYSCALL_DEFINE0(munlockall)
{
	return 0;
}

SYSCALL_DEFINE1(brk, void *, addr)
{
	extern char __image_end[];

	return (long)__image_end;	/* the break that never moves */
}
