/* SPDX-License-Identifier: MIT */
/* The 16550 UART at 0x3f8 (COM1): the console on QEMU and Firecracker. */
#ifndef ARCH_UART_H
#define ARCH_UART_H

#include <stdbool.h>
#include <stddef.h>

/* Sets 115200 8N1. Writing works even before this is called. */
void uart_init(void);

/* Sends (n) bytes, turning "\n" into "\r\n" as serial terminals expect. */
void uart_write(const char *s, size_t n);

/*
 * Input (arch/x86_64/uart_input.c): from now on every byte the host sends
 * is given to (fn), one at a time, in the UART's interrupt handler on the
 * boot CPU (so (fn) must not block); (fn) may call uart_input_hold(true)
 * when it has no room for more. Returns 0, -EBUSY if
 * input already has a handler, -ENODEV without an I/O APIC to route the
 * UART through.
 */
int uart_input_start(void (*fn)(unsigned char c));

/* Stops (hold) or restarts the input: while held, the bytes wait in the
 * UART and, behind it, in the host (QEMU stops reading its side). */
void uart_input_hold(bool hold);

#endif /* ARCH_UART_H */
