// SPDX-License-Identifier: MIT
/*
 * The end of the program (include/kernel/process.h): the C library's
 * exit() has run atexit handlers, destructors and flushed stdio; what is
 * left is the kernel's part, the exit hooks of optional subsystems (the
 * network finishing what was written), then power-off with the status.
 */
#include <arch/power.h>
#include <kernel/console.h>
#include <kernel/exit.h>
#include <kernel/mem_stats.h>
#include <kernel/process.h>
#include <toro/thread.h>

/* The exit hooks, in order (kernel.ld gathers the toro_exit.* sections). */
extern const struct exit_call __exit_calls_start[], __exit_calls_end[];

void process_exit(int code)
{
	static int exiting;

	/* A second exit (another thread) parks for good and leaves the
	 * first to finish, with the threads the exit hooks may need. */
	if (__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL))
		for (;;)
			thread_sleep_until(UINT64_MAX);
	mem_report("at exit");
	for (const struct exit_call *c = __exit_calls_start;
	     c < __exit_calls_end; c++)
		c->fn();
	console_flush();
	power_off(code);
}
