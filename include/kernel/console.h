/* SPDX-License-Identifier: MIT */
/*
 * The console: where the kernel log and the application's stdout and stderr
 * go. Each CPU collects output in its own line buffer and sends whole lines
 * under one lock, so lines from different CPUs never mix. Usable from the
 * first instruction of C code on the boot CPU.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

/* Appends (n) bytes to this CPU's line; complete lines go out at once. */
void console_write(const char *s, size_t n);

/* Sends this CPU's unfinished line, if any. */
void console_flush(void);

/*
 * For panic: from now on only the calling CPU's output is printed, and it
 * no longer waits for a console lock that a stopped CPU may hold.
 */
void console_emergency(void);

#endif /* KERNEL_CONSOLE_H */
