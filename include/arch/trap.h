/* SPDX-License-Identifier: MIT */
/*
 * Interrupts and exceptions: the register frame every vector saves, the
 * vector numbers Toro assigns, and how a driver claims a vector.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Saved by traps.S in this order (lowest address first), then the CPU's
 * own frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* CPU exceptions. */
#define VEC_DIVIDE		0
#define VEC_DEBUG		1
#define VEC_NMI			2
#define VEC_BREAKPOINT		3
#define VEC_OVERFLOW		4
#define VEC_BOUND		5
#define VEC_INVALID_OPCODE	6
#define VEC_NO_FPU		7
#define VEC_DOUBLE_FAULT	8
#define VEC_STACK_FAULT		12
#define VEC_GP			13
#define VEC_PAGE_FAULT		14
#define VEC_X87_FP		16
#define VEC_ALIGNMENT		17
#define VEC_MACHINE_CHECK	18
#define VEC_SIMD_FP		19
#define VEC_EXCEPTIONS		32

/* Device interrupts are allocated from this range. */
#define VEC_DEVICE_FIRST	48
#define VEC_DEVICE_LAST		223
/* Local: timer, inter-processor calls, spurious. */
#define VEC_TIMER		0xef
#define VEC_IPI_CALL		0xf0
#define VEC_IPI_PANIC		0xf1
#define VEC_SPURIOUS		0xff

/* Interrupt stacks (TSS IST slots) for faults that must not trust %rsp. */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2

/* A CPU exception the running thread's code raised: its vector, the
 * address (a page fault's, else the instruction's) and, for a page fault,
 * whether the page was there (a protection violation). */
struct trap_fault {
	unsigned vector;
	uintptr_t addr;
	bool present;
	uintptr_t sp;	/* an overflow's (trap_set_overflow_stack()) */
};

/*
 * Set by the signal code once a program handles a signal that faults
 * raise; called (interrupts on) for an exception taken with interrupts
 * on. True when it was handled: the faulting instruction then runs
 * again, as on Linux after a handler returns (but for a stack overflow,
 * which is then reported).
 */
extern bool (*trap_fault_hook)(const struct trap_fault *f);

/* Set by the signal code once a thread has an alternate signal stack. For
 * a stack overflow of the program's (the page fault on the guard page at
 * (addr), (sp) the stack pointer at it) taken with interrupts on, (stack)
 * is asked, interrupts still off, where a handler could take it: 0
 * declines (the overflow is reported), else the top of a stack, where
 * the CPU goes on to give the fault to trap_fault_hook. The instruction
 * cannot run again (the stack is full): if the hook returns, the
 * overflow is reported. */
void trap_set_overflow_stack(uintptr_t (*stack)(const struct trap_fault *f));

/*
 * Set by the signal code once a program can be sent a signal: called at
 * the end of an interrupt that arrived with interrupts on (acknowledged,
 * interrupts still off), with the address it arrived at: in the
 * program's code rather than the kernel's (kernel_text_has()), the
 * program's signal handlers may run there (trap_as_thread()), as they
 * would on Linux.
 */
extern void (*trap_return_hook)(uintptr_t rip);

/* From an interrupt or exception: runs (fn)(arg) as thread code, with
 * interrupts on and every FPU and SSE register kept around it (the
 * interrupted code's are live; a handler of the program's may use them).
 * Returns what (fn) does. */
bool trap_as_thread(bool (*fn)(const void *arg), const void *arg);

/* Whether (addr) is in the kernel's text (with the C library functions it
 * calls and Toro's own C library files: arch/x86_64/kernel.ld), not the program's. */
static inline bool kernel_text_has(uintptr_t addr)
{
	extern const char __kernel_text_start[], __kernel_text_end[];

	return addr >= (uintptr_t)__kernel_text_start &&
	       addr < (uintptr_t)__kernel_text_end;
}

typedef void (*irq_handler_fn)(struct trap_frame *tf, void *arg);

/*
 * Routes (vector) to (fn) on every CPU. The handler runs with interrupts
 * disabled; the local APIC is acknowledged after it returns. Returns 0, or
 * -EINVAL for an exception vector or -EBUSY if the vector is taken.
 */
int irq_set_handler(unsigned vector, irq_handler_fn fn, void *arg);

/* Reserves a free device vector; returns it or -ENOSPC. */
int irq_alloc_vector(void);

/* Loads the shared IDT on the calling CPU (built once by the boot CPU). */
void idt_load(void);
void idt_init(void);

#endif /* ARCH_TRAP_H */
