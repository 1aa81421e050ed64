/* SPDX-License-Identifier: MIT */
/*
 * The pieces panic() is made of, for code that reports a fatal error in its
 * own words (the CPU exception handler): claim the console, print, show a
 * backtrace, stop the machine.
 */
#ifndef KERNEL_PANIC_IMPL_H
#define KERNEL_PANIC_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/compiler.h>

/*
 * Starts a fatal report on this CPU: interrupts off, the console reserved
 * for this CPU, other CPUs asked to stop. If another CPU is already
 * reporting, this CPU halts here; if this CPU faults again while reporting,
 * the machine stops at once.
 */
void panic_begin(void);

/*
 * Prints the frame-pointer chain that starts at (rip, rbp), with names.
 * (rip_is_return) says (rip) is a return address rather than the address
 * of a faulting instruction, so it is looked up one byte back: after a call
 * to a noreturn function it may already point into the next function.
 * (rsp), when not 0, is the stack pointer at a fault, where a caller the
 * frame chain misses may still be found.
 */
void backtrace_print(uintptr_t rip, uintptr_t rbp, bool rip_is_return,
		     uintptr_t rsp);

/* Ends the report and powers off with TORO_EXIT_PANIC. */
__noreturn void panic_end(void);

#endif /* KERNEL_PANIC_IMPL_H */
