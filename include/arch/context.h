/* SPDX-License-Identifier: MIT */
/*
 * What the scheduler needs from the CPU: switching stacks (switch.S),
 * preparing a new thread's stack, and saving the FPU/SSE/AVX state of
 * threads that use it (fpu_x86_64.c).
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

/* Saves the callee-saved registers and stack pointer into (*save_sp) and
 * continues on (next_sp), as saved before or made by arch_thread_stack(). */
void arch_switch(uintptr_t *save_sp, uintptr_t next_sp);

/* Lays out a fresh stack ending at (top) so that switching to the returned
 * stack pointer runs sched_thread_start() on it. */
uintptr_t arch_thread_stack(uintptr_t top);

/* Calls (fn)() with the stack pointer at (sp) (16-byte aligned) and a
 * fresh frame chain, leaving the current stack behind for good. */
void arch_run_on_stack(uintptr_t sp, void (*fn)(void)) __attribute__((noreturn));

/* Calls (fn)(arg) with the stack pointer at (sp) (rounded down to 16
 * bytes) and returns here, on the caller's stack, when it does. (fn)'s
 * frame links to the caller's (a backtrace, which follows only links
 * that go up, crosses when the new stack lies below the old). */
void arch_call_on_stack(uintptr_t sp, void (*fn)(void *), void *arg);

/* What a thread keeps of the FPU across a switch, which happens only in
 * its own call into the scheduler: the floating-point environment
 * (fpu_x86_64.c says why that is enough), in an area of fpu_state_size()
 * bytes. */
size_t fpu_state_size(void);
/* Resets the FPU and keeps its state as the one new threads start with.
 * Once, at boot, before any thread uses the FPU. */
void fpu_capture_clean(void);
/* Copies the clean state (as after reset, MXCSR 0x1f80) into (area). */
void fpu_state_init(void *area);
void fpu_save(void *area);
void fpu_restore(const void *area);

/* The base of the thread-local storage block for the running thread. */
void arch_set_tls(uintptr_t base);

#endif /* ARCH_CONTEXT_H */
