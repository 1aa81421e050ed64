// SPDX-License-Identifier: MIT
/*
 * Checks on the memory an application hands a system call. There is no
 * user/kernel split: a bad pointer dereferenced here would fault in the
 * kernel, so each adapter asks first and answers -EFAULT, as Linux does.
 * The page tables say what is RAM and what is writable (the image's text
 * and rodata are not; unmapped page 0 and guard pages are nothing).
 */
#include <arch/mmu.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/vfs_path.h>

#include "sys_impl.h"

/* Most buffers a program hands over are on the calling thread's own
 * stack, which is mapped and writable through and through: no need to
 * walk the page tables for them (a walk costs more than the rest of a
 * clock_gettime()). The scheduler keeps the bounds in struct cpu, so the
 * answer takes no call into it. */
static bool on_own_stack(const void *p, size_t n)
{
	const struct cpu *c = this_cpu();
	uintptr_t a = (uintptr_t)p;

	return a >= c->run_stack_lo && a < c->run_stack_hi &&
	       n <= c->run_stack_hi - a;
}

/* Others (the heap) are walked once per thread and buffer: a thread
 * hands the same ones over call after call. */
static bool user_memory(const void *p, size_t n, bool write)
{
	return n == 0 || on_own_stack(p, n) ||
	       vm_dma_ok_memo(&sched_current()->user_memo, (uintptr_t)p,
				      n, write);
}

bool user_readable(const void *p, size_t n)
{
	return user_memory(p, n, false);
}

bool user_writable(void *p, size_t n)
{
	return user_memory(p, n, true);
}

int user_path(const char *path)
{
	uintptr_t checked = 0;	/* readable up to here */

	for (size_t i = 0; i < VFS_PATH_MAX; i++) {
		uintptr_t a = (uintptr_t)(path + i);

		if (a >= checked) {
			/* One page at a time: the string may end before a
			 * page that is not mapped. */
			if (!vm_dma_ok(a, 1, false))
				return -EFAULT;
			checked = (a & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
		}
		if (path[i] == '\0')
			return i == 0 ? -ENOENT : 0;
	}
	return -ENAMETOOLONG;
}
