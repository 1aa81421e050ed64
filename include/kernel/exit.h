/* SPDX-License-Identifier: MIT */
/* Ending the program: exit() and atexit() live in the kernel, since
 * stopping the application means powering off the VM. */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

/* Runs the atexit() handlers, flushes the console and powers off with
 * (code). Declared for applications in <stdlib.h> as exit(). */
void exit(int code) __attribute__((noreturn));

#endif /* KERNEL_EXIT_H */
