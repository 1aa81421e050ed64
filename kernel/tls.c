// SPDX-License-Identifier: MIT
/*
 * Thread-local storage (C11 _Thread_local, GNU __thread) for application
 * threads, in the x86-64 "variant II" layout the compiler assumes for a
 * static executable: the variables sit just below the address in FS, and
 * the word at FS:0 points to itself. The linker script gathers the
 * initialised (.tdata) and zeroed (.tbss) templates.
 */
#include <errno.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/sched.h>
#include <kernel/thread_impl.h>

extern char __tdata_start[], __tdata_end[];
extern char __tbss_size[], __tls_align[];	/* absolute symbols */

int tls_setup(struct thread *t)
{
	size_t tdata = __tdata_end - __tdata_start;
	size_t tbss = (uintptr_t)__tbss_size;
	size_t align = MAX((uintptr_t)__tls_align, 16);

	if (tdata + tbss == 0)
		return 0;	/* the image has no thread-local variables */
	size_t size = ALIGN_UP(tdata + tbss, align);
	char *block = heap_alloc_aligned(align, size + 16);

	if (!block)
		return -ENOMEM;
	memcpy(block, __tdata_start, tdata);
	memset(block + tdata, 0, size - tdata + 16);
	uintptr_t tcb = (uintptr_t)block + size;

	*(uintptr_t *)tcb = tcb;	/* %fs:0 reads its own address */
	t->tls = block;
	t->tls_base = tcb;
	return 0;
}
