// SPDX-License-Identifier: MIT
/*
 * What pure kernel modules call outside themselves, provided for the host
 * unit tests: the CPU identity of a test thread, and panic() as a test
 * failure that stops the binary with the message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kernel/percpu.h>
#include <toro/cpu.h>
#include <toro/panic.h>

__thread unsigned host_cpu_id;
unsigned host_ncpus = 1;

unsigned cpu_count(void)
{
	return host_ncpus;
}

unsigned cpu_count_started(void)
{
	return host_ncpus;
}

unsigned cpu_id(void)
{
	return host_cpu_id;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

void assert_fail(const char *expr, const char *file, int line)
{
	panic("assertion failed: %s (%s:%d)", expr, file, line);
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return rc;
}
