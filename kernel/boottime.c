// SPDX-License-Identifier: MIT
/* Boot-time breakdown: TSC stamps per step, printed on request. */
#include <arch/clock.h>
#include <arch/x86.h>
#include <kernel/boottime.h>
#include <kernel/cmdline.h>
#include <kernel/log.h>

#define MAX_MARKS 16

static struct {
	const char *what;
	uint64_t tsc;
} marks[MAX_MARKS];
static unsigned nmarks;

void boot_mark(const char *what)
{
	if (nmarks < MAX_MARKS)
		marks[nmarks++] = (typeof(marks[0])){ what, rdtsc() };
}

static uint64_t us(uint64_t from, uint64_t to)
{
	return tsc_ticks_to_ns(to - from) / 1000;
}

void boot_report(uint64_t tsc_entry)
{
	if (!kopt_flag("toro.boottime"))
		return;
	uint64_t prev = tsc_entry, now = rdtsc();

	for (unsigned i = 0; i < nmarks; i++) {
		kprintf("toro: boot: %-16s %6lu us (+%lu)\n", marks[i].what,
			us(tsc_entry, marks[i].tsc), us(prev, marks[i].tsc));
		prev = marks[i].tsc;
	}
	kprintf("toro: boot: entry to main %lu us (clock %s, TSC %lu kHz %s)\n",
		us(tsc_entry, now), clock_source_name(), tsc_hz / 1000,
		tsc_freq_source());
}
