// SPDX-License-Identifier: MIT
/*
 * Every CPU prints lines as fast as it can, all at once; the runner checks
 * that every one of them arrived whole (no line mixed into another).
 */
#include <stdio.h>

#include <arch/x86.h>
#include <kernel/smp_call.h>
#include <toro/cpu.h>

#define LINES 200

static int go, done;

static void chatter(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		cpu_relax();
	for (int i = 0; i < LINES; i++)
		printf("line cpu=%u n=%03d %s end\n", cpu_id(), i,
		       "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

int main(void)
{
	static struct smp_call calls[64];

	for (unsigned c = 1; c < cpu_count(); c++) {
		calls[c] = (struct smp_call){ .fn = chatter };
		smp_call_async(c, &calls[c]);
	}
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	chatter(NULL);
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < (int)cpu_count())
		cpu_relax();
	printf("lines expected %u\n", cpu_count() * LINES);
	return 0;
}
