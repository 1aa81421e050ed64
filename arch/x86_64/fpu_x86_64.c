// SPDX-License-Identifier: MIT
/*
 * What of the FPU/SSE/AVX registers a thread keeps across a switch.
 * Threads switch only inside a call of their own into the scheduler
 * (sched.c: blocking, yielding, moving, exiting; signal handlers run as
 * calls too, at a system call's return, or at an interrupt's end after
 * trap_as_thread() has kept the x87 and SSE registers of the code it
 * interrupted), and the kernel itself uses no FPU registers
 * (-mgeneral-regs-only). At a call the x86-64 System V ABI leaves every
 * x87, MMX, SSE and AVX register to the caller (saved if it needs it,
 * the x87 stack empty), except the control bits of MXCSR and the x87
 * control word. So a switch keeps the floating-point environment: MXCSR
 * and the x87 environment (control, status and tag words), rounding and
 * masks with the exception flags raised so far, which POSIX makes per
 * thread. XSAVE of every register was a microsecond per switch under
 * TCG, a twentieth of the web server's request; this is a few
 * instructions.
 */
#include <stdint.h>
#include <string.h>

#include <arch/context.h>
#include <arch/x86.h>
#include <kernel/compiler.h>

struct fpu_env {
	uint8_t x87[28];	/* fnstenv's 32-bit-format environment */
	uint32_t mxcsr;
};

size_t fpu_state_size(void)
{
	return sizeof(struct fpu_env);
}

void fpu_save(void *area)
{
	struct fpu_env *e = area;

	/* fnstenv also masks every x87 exception: the next thread's
	 * fpu_restore() loads its own control word. */
	__asm__ volatile("fnstenv %0\n\tstmxcsr %1"
			 : "=m"(e->x87), "=m"(e->mxcsr));
}

void fpu_restore(const void *area)
{
	const struct fpu_env *e = area;

	__asm__ volatile("fldenv %0\n\tldmxcsr %1"
			 : : "m"(e->x87), "m"(e->mxcsr));
}

static struct fpu_env clean;

void fpu_capture_clean(void)
{
	uint32_t mxcsr = 0x1f80;	/* all exceptions masked */

	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	fpu_save(&clean);
	fpu_restore(&clean);	/* fnstenv masked the x87 exceptions */
}

void fpu_state_init(void *area)
{
	memcpy(area, &clean, sizeof(clean));
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
