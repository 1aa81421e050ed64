/* SPDX-License-Identifier: MIT */
/*
 * Stopping on a fatal error. panic() prints the message, the CPU and a
 * backtrace with function names, then powers the VM off with exit code
 * TORO_EXIT_PANIC, which `toro run` passes on. CPU exceptions (page fault,
 * divide error, stack overflow...) and failed ASSERT()s end the same way.
 */
#ifndef TORO_PANIC_H
#define TORO_PANIC_H

/* Exit code of a VM stopped by panic, a fault, abort() or assert(). */
#define TORO_EXIT_PANIC 125

void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

void assert_fail(const char *expr, const char *file, int line)
	__attribute__((noreturn));

/* For programmer errors only: the expression must have no side effects. */
#define ASSERT(e) ((e) ? (void)0 : assert_fail(#e, __FILE__, __LINE__))

#endif /* TORO_PANIC_H */
