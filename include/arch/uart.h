/* SPDX-License-Identifier: MIT */
/* The 16550 UART at 0x3f8 (COM1): the console on QEMU and Firecracker. */
#ifndef ARCH_UART_H
#define ARCH_UART_H

#include <stddef.h>

/* Sets 115200 8N1 with FIFOs. Writing works even before this is called. */
void uart_init(void);

/* Sends (n) bytes, turning "\n" into "\r\n" as serial terminals expect. */
void uart_write(const char *s, size_t n);

/*
 * Input (arch/x86_64/uart_input.c): from now on every byte the host sends
 * is given to (fn), one at a time, in the UART's interrupt handler on the
 * boot CPU (so (fn) must not block). Returns 0, -EBUSY if input already
 * has a handler, -ENODEV without an I/O APIC to route the UART through.
 */
int uart_input_start(void (*fn)(unsigned char c));

#endif /* ARCH_UART_H */
