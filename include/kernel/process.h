/* SPDX-License-Identifier: MIT */
/*
 * The program as a whole: one process per VM, started once and ended
 * once. Started by the kernel in main's thread; ended by the C library's
 * exit_group (sys/process.c), a fatal signal, or a panic.
 */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <stddef.h>

/* kernel/process_start.c: lays out argv, the environment and the
 * auxiliary vector at the top of main's stack and enters the C library
 * (__program_start, which the linker script names). In main's thread;
 * never returns. */
void process_start(void) __attribute__((noreturn));

/* kernel/main.c: the size of main's stack (RLIMIT_STACK). */
size_t process_main_stack(void);

/*
 * kernel/exit.c: ends the program with status (code): runs the exit hooks
 * (include/kernel/exit.h), flushes the console and powers the VM off,
 * which `toro run` turns into its exit status. From any thread on any
 * CPU; a second caller meanwhile just waits for the power to go.
 */
void process_exit(int code) __attribute__((noreturn));

#endif /* KERNEL_PROCESS_H */
