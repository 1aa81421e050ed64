// SPDX-License-Identifier: MIT
/*
 * Polled 16550 UART driver for COM1. Output only: the transmitter is fed by
 * busy-waiting on "transmit holding register empty", which a VMM reports at
 * once; the wait is bounded so a machine without a UART cannot hang us.
 */
#include <arch/uart.h>
#include <arch/x86.h>

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding register (w, DLAB=0) */
#define UART_DLL	0	/* divisor latch low (r/w, DLAB=1) */
#define UART_IER	1	/* interrupt enable (r/w, DLAB=0) */
#define UART_DLM	1	/* divisor latch high (r/w, DLAB=1) */
#define UART_LCR	3	/* line control (r/w) */
#define UART_MCR	4	/* modem control (r/w) */
#define UART_LSR	5	/* line status (r) */

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20

/* The FIFOs are left as they are: switching them on empties the receiver,
 * and the host may have sent the program's input already (QEMU's UART
 * holds a byte without them, and takes the next when it is read). An
 * emulated UART sends as fast either way. */
void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1);	/* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

static void put(char c)
{
	for (int spin = 0; spin < 100000; spin++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, c);
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}
