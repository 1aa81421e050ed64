// SPDX-License-Identifier: MIT
/*
 * Memory calls: mmap, munmap, mprotect, mremap, madvise, brk, msync and
 * the locking calls, over the kernel's page mappings (kernel/mmap.c).
 * RAM is identity-mapped and never paged, which shapes what works:
 *
 *  - anonymous private mappings, zero-filled, of any protection;
 *  - private file mappings: the file's bytes are read in at mmap() time
 *    (later writes to the file do not show, as the mapping is private);
 *  - MAP_FIXED only over pages the program already has mapped (a region
 *    it reserved first, the usual way); elsewhere -ENOMEM;
 *  - shared file mappings: -ENODEV (nothing would write them back);
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

/* Reads (len) bytes of (fd) at (off) into the new mapping (p); bytes past
 * the end of the file stay zero. */
static long fill_from_file(int fd, void *p, size_t len, int64_t off)
{
	struct vfs_file *f = fd_get(fd);
	long rc = 0;

	if (!f)
		return -EBADF;
	if ((f->flags & VFS_ACCMODE) == O_WRONLY) {
		rc = -EACCES;
		goto out;
	}
	for (size_t done = 0; done < len;) {
		ssize_t got = vfs_pread(f, (char *)p + done, len - done,
					off + (int64_t)done);

		if (got < 0) {
			/* A stream or a directory cannot be mapped. */
			rc = got == -ESPIPE || got == -EISDIR ? -ENODEV : got;
			break;
		}
		if (got == 0)
			break;
		done += got;
	}
out:
	vfs_file_put(f);
	return rc;
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
	/* A shared anonymous mapping is private to the one process anyway;
	 * a shared file mapping would need writing back. */
	if (!anon && type != MAP_PRIVATE)
		return -ENODEV;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((uintptr_t)addr & PAGE_MASK)
			return -EINVAL;
		if (!mm_is_mapped(addr, len))
			return flags & MAP_FIXED_NOREPLACE ? -EEXIST : -ENOMEM;
		if (flags & MAP_FIXED_NOREPLACE)
			return -EEXIST;
		/* New contents over pages the program has: writable while
		 * they are filled, then as asked. */
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
	if (!anon) {
		rc = fill_from_file(fd, p, len, off);
		if (rc) {
			if (!(flags & MAP_FIXED))
				mm_unmap(p, len);
			return rc;
		}
	}
	if (mm_prot(prot) != (MM_READ | MM_WRITE)) {
		rc = mm_protect(p, len, mm_prot(prot));
		if (rc) {
			if (!(flags & MAP_FIXED))
				mm_unmap(p, len);
			return rc;
		}
	}
	return (long)p;
}

SYSCALL_DEFINE2(munmap, void *, addr, size_t, len)
{
	if ((uintptr_t)addr & PAGE_MASK || len == 0)
		return -EINVAL;
	return mm_unmap(addr, len);
}

SYSCALL_DEFINE3(mprotect, void *, addr, size_t, len, int, prot)
{
	if ((uintptr_t)addr & PAGE_MASK)
		return -EINVAL;
	if (len == 0)
		return 0;
	/* Linux says ENOMEM for memory that is not mapped. */
	return mm_is_mapped(addr, len) ? mm_protect(addr, len, mm_prot(prot)) :
					 -ENOMEM;
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
			mm_unmap((char *)old + new_pages,
				 old_pages - new_pages);
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;	/* the pages after it are not ours */
	void *p = mm_map(new_len, MM_READ | MM_WRITE);

	if (!p)
		return -ENOMEM;
	memcpy(p, old, old_pages);
	mm_unmap(old, old_len);
	return (long)p;
}

SYSCALL_DEFINE3(madvise, void *, addr, size_t, len, int, advice)
{
	if ((uintptr_t)addr & PAGE_MASK)
		return -EINVAL;
	if (len == 0)
		return 0;
	switch (advice) {
	case MADV_DONTNEED:
		/* Private anonymous pages read back as zeros afterwards. */
		if (!mm_is_mapped(addr, len))
			return -ENOMEM;
		memset(addr, 0, (len + PAGE_MASK) & ~PAGE_MASK);
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
	    (flags & MS_SYNC && flags & MS_ASYNC))
		return -EINVAL;
	return 0;	/* nothing is shared with a file */
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
