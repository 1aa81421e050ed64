// SPDX-License-Identifier: MIT
/*
 * FPU/SSE/AVX state of application threads: XSAVE when the CPU has it (all
 * enabled components), FXSAVE otherwise. The clean state every new thread
 * starts from is captured once from a freshly initialised FPU.
 */
#include <string.h>

#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/x86.h>
#include <kernel/compiler.h>

static bool use_xsave(void)
{
	return read_cr4() & X86_CR4_OSXSAVE;
}

size_t fpu_state_size(void)
{
	return ALIGN_UP(cpu_fpu_state_size(), 64);
}

void fpu_save(void *area)
{
	if (use_xsave())
		__asm__ volatile("xsave64 %0"
				 : "=m"(*(char *)area)
				 : "a"(~0U), "d"(~0U)
				 : "memory");
	else
		__asm__ volatile("fxsave64 %0" : "=m"(*(char *)area) : : "memory");
}

void fpu_restore(const void *area)
{
	if (use_xsave())
		__asm__ volatile("xrstor64 %0"
				 :
				 : "m"(*(const char *)area), "a"(~0U), "d"(~0U)
				 : "memory");
	else
		__asm__ volatile("fxrstor64 %0" : : "m"(*(const char *)area));
}

/* Big enough for every XSAVE component there is (AVX-512 included). */
static char clean[4096] __aligned(64);

void fpu_capture_clean(void)
{
	uint32_t mxcsr = 0x1f80;	/* all exceptions masked */

	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	fpu_save(clean);
}

void fpu_state_init(void *area)
{
	memcpy(area, clean, fpu_state_size());
}

void arch_set_tls(uintptr_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

uintptr_t arch_thread_stack(uintptr_t top)
{
	extern char thread_trampoline[];
	/* arch_switch pops six registers, then returns into the trampoline,
	 * which must find the stack 16-byte aligned for its call. */
	uint64_t *sp = (uint64_t *)(ALIGN_DOWN(top, 16) - 16) - 7;

	memset(sp, 0, 6 * sizeof(uint64_t));
	sp[6] = (uintptr_t)thread_trampoline;
	return (uintptr_t)sp;
}
