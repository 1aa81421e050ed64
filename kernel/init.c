// SPDX-License-Identifier: MIT
/* Runs the start-up hooks of the subsystems linked in (kernel/init.h). */
#include <kernel/boottime.h>
#include <kernel/init.h>
#include <kernel/log.h>

/* The linker script gathers toro_init.N sections sorted by name. */
extern const struct init_call __init_calls_start[], __init_calls_end[];

void init_calls_run(void)
{
	for (const struct init_call *c = __init_calls_start;
	     c < __init_calls_end; c++) {
		int rc = c->fn();

		boot_mark(c->name);	/* toro.boottime: a line per init call */
		if (rc)
			log_warn("%s: failed (error %d)\n", c->name, -rc);
	}
}
