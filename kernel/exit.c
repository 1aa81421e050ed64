// SPDX-License-Identifier: MIT
/*
 * exit(), atexit(), _Exit() and abort(). Returning from main() or calling
 * exit() from any CPU runs the atexit handlers (last registered first) and
 * powers the VM off with the status, which `toro run` returns.
 */
#include <stdlib.h>
#include <unistd.h>

#include <arch/power.h>
#include <kernel/console.h>
#include <kernel/exit.h>
#include <kernel/spinlock.h>
#include <toro/panic.h>

#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int nhandlers;
static struct spinlock lock;

/* The exit hooks (kernel.ld gathers the toro_exit section). */
extern const struct exit_call __exit_calls_start[], __exit_calls_end[];

int atexit(void (*fn)(void))
{
	int rc = -1;
	bool irq = spin_lock_irqsave(&lock);

	if (nhandlers < ATEXIT_MAX) {
		handlers[nhandlers++] = fn;
		rc = 0;
	}
	spin_unlock_irqrestore(&lock, irq);
	return rc;
}

void _Exit(int code)
{
	console_flush();
	power_off(code);
}

void _exit(int code)
{
	_Exit(code);
}

void exit(int code)
{
	static int exiting;

	/* A second exit() (from a handler, or another CPU) just stops. */
	if (!__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL)) {
		while (nhandlers > 0)
			handlers[--nhandlers]();
		for (const struct exit_call *c = __exit_calls_start;
		     c < __exit_calls_end; c++)
			c->fn();
	}
	_Exit(code);
}

void abort(void)
{
	panic("abort() called");
}
