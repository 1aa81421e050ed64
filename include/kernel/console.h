/* SPDX-License-Identifier: MIT */
/*
 * The console: where the kernel log and the application's stdout and stderr
 * go. Each CPU collects output in its own line buffer and sends whole lines
 * under one lock, so lines from different CPUs never mix. Usable from the
 * first instruction of C code on the boot CPU.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>
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

/*
 * Input (kernel/console_input.c): what the host writes to the serial
 * console, for descriptor 0; linked into programs that read standard
 * input through the C library (libc/stdin.c names it). Reads up to (n)
 * bytes into (buf): at least one, waiting for it (-EAGAIN if (nonblock)),
 * at most one line; Enter's CR, and CR LF, read as LF. Returns 0 once the
 * host has sent Ctrl-D, which `toro run` sends after a piped input's last
 * byte, and from then on; 0 at once without input (no UART interrupt).
 */
long console_input_read(void *buf, size_t n, bool nonblock);

#endif /* KERNEL_CONSOLE_H */
