// SPDX-License-Identifier: MIT
/*
 * The console's input (include/kernel/console.h): bytes from the UART's
 * interrupt (arch/x86_64/uart_input.c, on the boot CPU) into a ring that
 * readers on any CPU take from. A full ring holds the input back in the
 * UART and the host rather than dropping it. The UART is only asked for
 * input at the first read, so a program that never reads leaves the
 * serial line (and the profiler's dump key) alone.
 */
#include <errno.h>

#include <arch/uart.h>
#include <kernel/console.h>
#include <kernel/spinlock.h>
#include <toro/sync.h>

#define RING		4096	/* a power of two */
#define CTRL_D		0x04	/* end of input, as a terminal's */

static struct {
	struct spinlock lock;
	unsigned char ring[RING];
	unsigned head, tail;	/* read at head, written at tail */
	bool ended;		/* Ctrl-D came: nothing more */
	bool held;		/* the ring was full: input held back */
	bool after_cr;		/* an LF next is the same line end */
} in;

static struct event arrived;
static struct mutex starting;
static int started;		/* 1, or -errno: no input */

/* The UART interrupt's handler: holds the input when the ring is full. */
static void take(unsigned char c)
{
	spin_lock(&in.lock);
	if (c == CTRL_D)
		in.ended = true;
	else if (!in.ended && !(c == '\n' && in.after_cr))
		in.ring[in.tail++ % RING] = c == '\r' ? '\n' : c;
	in.after_cr = c == '\r';
	if (in.tail - in.head == RING) {
		in.held = true;
		uart_input_hold(true);
	}
	spin_unlock(&in.lock);
	event_signal(&arrived);
}

static int start(void)
{
	if (__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		return started;
	mutex_lock(&starting);
	if (!started)
		__atomic_store_n(&started, uart_input_start(take) ?: 1,
				 __ATOMIC_RELEASE);
	mutex_unlock(&starting);
	return started;
}

long console_input_read(void *buf, size_t n, bool nonblock)
{
	unsigned char *out = buf;
	size_t got = 0;

	if (n == 0 || start() < 0)
		return 0;
	for (;;) {
		bool irq = spin_lock_irqsave(&in.lock), ended = in.ended;

		while (got < n && in.head != in.tail)
			if ((out[got++] = in.ring[in.head++ % RING]) == '\n')
				break;
		if (in.held && got) {
			in.held = false;
			uart_input_hold(false);
		}
		spin_unlock_irqrestore(&in.lock, irq);
		if (got || ended)
			return (long)got;
		if (nonblock)
			return -EAGAIN;
		event_wait(&arrived);
	}
}
