// SPDX-License-Identifier: MIT
/*
 * Line-buffered console over the UART. Output is collected per CPU and each
 * complete line is sent under a spinlock, so concurrent printf()s from
 * different CPUs produce whole lines. Interrupts are held off while a CPU
 * touches its own buffer, so an interrupt handler that logs cannot tear it.
 */
#include <stdbool.h>

#include <arch/uart.h>
#include <kernel/compiler.h>
#include <kernel/console.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>

#define LINE_BYTES 256

struct line_buf {
	unsigned len;
	char buf[LINE_BYTES];
};

static DEFINE_PERCPU(struct line_buf, line);
static struct spinlock lock;
static int emergency_cpu = -1;	/* CPU that owns the console after panic */

static void send(const char *s, size_t n)
{
	int owner = READ_ONCE(emergency_cpu);

	if (owner >= 0) {
		if ((unsigned)owner == this_cpu_id())
			uart_write(s, n);
		return;
	}
	bool irq = spin_lock_irqsave(&lock);

	uart_write(s, n);
	spin_unlock_irqrestore(&lock, irq);
}

void console_write(const char *s, size_t n)
{
	bool irq = irq_save();
	struct line_buf *l = &this_cpu_var(line);

	for (size_t i = 0; i < n; i++) {
		l->buf[l->len++] = s[i];
		if (s[i] == '\n' || l->len == LINE_BYTES) {
			send(l->buf, l->len);
			l->len = 0;
		}
	}
	irq_restore(irq);
}

void console_flush(void)
{
	bool irq = irq_save();
	struct line_buf *l = &this_cpu_var(line);

	if (l->len) {
		send(l->buf, l->len);
		l->len = 0;
	}
	irq_restore(irq);
}

void console_emergency(void)
{
	/* Let a CPU that is in the middle of a line finish it, briefly. */
	for (int spin = 0; spin < 1000000 && spin_is_locked(&lock); spin++)
		spin_relax();
	WRITE_ONCE(emergency_cpu, (int)this_cpu_id());
}
