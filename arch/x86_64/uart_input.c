// SPDX-License-Identifier: MIT
/*
 * Input on COM1: the bytes the host writes to the guest's serial console,
 * each handed to one handler from the UART's interrupt (ISA IRQ 4 through
 * the I/O APIC, to the boot CPU). The console is otherwise output only;
 * only what asks for input links this file (the profiler's dump key, a
 * program reading its standard input: kernel/console_input.c).
 */
#include <errno.h>

#include <arch/ioapic.h>
#include <arch/trap.h>
#include <arch/uart.h>
#include <arch/x86.h>

#define COM1		0x3f8
#define UART_RBR	0	/* receive buffer (r, DLAB=0) */
#define UART_IER	1
#define UART_MCR	4
#define UART_LSR	5
#define IER_RX_DATA	0x01
#define MCR_DTR_RTS_OUT2 0x0b	/* OUT2 gates the IRQ line on a PC */
#define LSR_DATA_READY	0x01
#define COM1_ISA_IRQ	4
/* Bytes taken per interrupt at most: a stuck "data ready" cannot hold the
 * CPU in the handler for ever. */
#define RX_BATCH	64

static void (*on_byte)(unsigned char c);
static bool holding;

static void uart_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;
	/* Held: not a byte more, even from an interrupt raised before. */
	for (int i = 0; i < RX_BATCH && !holding; i++) {
		if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
			break;
		on_byte(inb(COM1 + UART_RBR));
	}
}

void uart_input_hold(bool hold)
{
	__atomic_store_n(&holding, hold, __ATOMIC_RELEASE);
	outb(COM1 + UART_IER, hold ? 0 : IER_RX_DATA);
}

int uart_input_start(void (*fn)(unsigned char c))
{
	bool level;
	uint32_t gsi = ioapic_isa_gsi(COM1_ISA_IRQ, &level);
	int rc;

	if (on_byte)
		return -EBUSY;
	on_byte = fn;
	rc = ioapic_route_handler(gsi, level, uart_irq);
	if (rc) {
		on_byte = NULL;
		return rc;
	}
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	outb(COM1 + UART_IER, IER_RX_DATA);
	return 0;
}
