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

extern char __tdata_start[], __tdata_end[], __tbss_start[];
extern char __tbss_size[], __tls_align[];	/* absolute symbols */

int tls_setup(struct thread *t)
{
	size_t tdata = __tdata_end - __tdata_start;
	size_t tbss = (uintptr_t)__tbss_size;
	size_t align = MAX((uintptr_t)__tls_align, 1);

	if (tdata + tbss == 0)
		return 0;	/* the image has no thread-local variables */
	/*
	 * The linker puts each variable at FS minus the segment's size (gap
	 * before .tbss included; an empty .tbss has no meaningful address)
	 * rounded up to the segment's own alignment, and nothing more: the
	 * block must be laid out the same way. Padding in front keeps FS,
	 * and so the TCB, 16-byte aligned.
	 */
	size_t memsz = tbss ? (size_t)(__tbss_start - __tdata_start) + tbss :
			      tdata;
	size_t size = ALIGN_UP(memsz, align);
	size_t pad = ALIGN_UP(size, 16) - size;
	char *block = heap_alloc_aligned(MAX(align, 16), pad + size + 16);

	if (!block)
		return -ENOMEM;
	char *image = block + pad;

	memcpy(image, __tdata_start, tdata);
	memset(image + tdata, 0, size - tdata + 16);
	uintptr_t tcb = (uintptr_t)image + size;

	*(uintptr_t *)tcb = tcb;	/* %fs:0 reads its own address */
	t->tls = block;
	t->tls_base = tcb;
	return 0;
}
