// SPDX-License-Identifier: MIT
/*
 * __mmap() (replaces musl's mmap.c with libc/mmap.c): the system call, as
 * musl makes it, for the C library's own mappings (thread stacks, TLS),
 * which are anonymous. Apart from mmap() so that those do not link the
 * file mappings (fs/vfs_map.c) into every program with threads.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "syscall.h"

static void dummy(void)
{
}
weak_alias(dummy, __vm_wait);

void *__mmap(void *start, size_t len, int prot, int flags, int fd, off_t off)
{
	if (off & (SYSCALL_MMAP2_UNIT - 1)) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (len >= PTRDIFF_MAX) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	if (flags & MAP_FIXED)
		__vm_wait();
	return (void *)__syscall_ret(__syscall(SYS_mmap, start, len, prot,
					       flags, fd, off));
}
