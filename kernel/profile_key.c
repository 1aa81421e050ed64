// SPDX-License-Identifier: MIT
/*
 * Dumping samples on demand from the host: the byte PROFILE_DUMP_KEY
 * (Ctrl-P) on the serial console makes a thread write every sample so
 * far, as profile_dump() does. `toro profile` sends it when it is
 * interrupted (Ctrl-C), so a program that never exits, a server, can be
 * profiled. The UART interrupt only wakes the thread: a dump is long
 * and prints.
 */
#include <arch/uart.h>
#include <kernel/log.h>
#include <kernel/thread_impl.h>
#include <kernel/profile.h>
#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/thread.h>

#include "profile_impl.h"

static struct event dump_wanted;

static void on_byte(unsigned char c)
{
	if (c == PROFILE_DUMP_KEY)
		event_signal(&dump_wanted);
}

static void *dumper(void *arg)
{
	(void)arg;
	for (;;) {
		event_wait(&dump_wanted);
		profile_dump();
	}
	return NULL;
}

void profile_key_start(void)
{
	/* The last CPU: the one least likely to be kept busy by main(), and
	 * threads are cooperative, so a CPU that never yields would hold the
	 * dump back. */
	struct thread_params p = { .cpu = cpu_count() - 1, .fn = dumper };
	int rc = kthread_spawn(&p, NULL);

	if (rc < 0) {
		log_warn("profiler: no thread for the dump key\n");
		return;
	}
	rc = uart_input_start(on_byte);
	if (rc)
		log_warn("profiler: no console input (%d): dumps at exit "
			 "only\n", rc);
}
