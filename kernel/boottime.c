// SPDX-License-Identifier: MIT
/*
 * Boot-time breakdown: TSC stamps per step, printed on request. Stamps
 * come from the boot CPU and, in parallel, from the APs as they come up,
 * so a slot is claimed atomically and the report sorts by TSC (the TSCs of
 * a virtual machine's CPUs run together).
 */
#include <arch/clock.h>
#include <arch/x86.h>
#include <kernel/boottime.h>
#include <kernel/cmdline.h>
#include <kernel/log.h>
#include <toro/cpu.h>

#define MAX_MARKS 128	/* ~12 boot steps, the init calls, 64 CPUs */
#define NO_ID (~0u)

struct mark {
	const char *what;
	uint64_t tsc;
	unsigned id;	/* NO_ID, or a CPU's number to print */
};

static struct mark marks[MAX_MARKS];
static unsigned nmarks;
static unsigned ndone;	/* marks fully written; the report reads these */

void boot_mark_id(const char *what, unsigned id)
{
	uint64_t tsc = rdtsc();
	unsigned i = __atomic_fetch_add(&nmarks, 1, __ATOMIC_RELAXED);

	if (i >= MAX_MARKS)
		return;
	marks[i] = (struct mark){ what, tsc, id };
	__atomic_fetch_add(&ndone, 1, __ATOMIC_RELEASE);
}

void boot_mark(const char *what)
{
	boot_mark_id(what, NO_ID);
}

static uint64_t us(uint64_t from, uint64_t to)
{
	return to > from ? tsc_ticks_to_ns(to - from) / 1000 : 0;
}

/* Insertion sort by TSC: a few dozen entries, mostly in order already. */
static void sort_marks(unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct mark m = marks[i];
		unsigned j = i;

		for (; j > 0 && marks[j - 1].tsc > m.tsc; j--)
			marks[j] = marks[j - 1];
		marks[j] = m;
	}
}

void boot_report(uint64_t tsc_entry)
{
	uint64_t main_tsc = rdtsc();

	boot_mark("main");
	if (!kopt_flag("toro.boottime"))
		return;

	/* Counting the CPUs waits for every AP to be up (or given up on):
	 * each has stamped its line by then. Only with the option on. */
	cpu_count();
	unsigned n = __atomic_load_n(&ndone, __ATOMIC_ACQUIRE);

	if (n > MAX_MARKS)
		n = MAX_MARKS;
	sort_marks(n);
	uint64_t prev = tsc_entry;

	kprintf("toro: boot: entry 0 us (+0)\n");
	for (unsigned i = 0; i < n; i++) {
		const struct mark *m = &marks[i];

		kprintf("toro: boot: %s", m->what);
		if (m->id != NO_ID)
			kprintf(" %u", m->id);
		kprintf(" %lu us (+%lu)\n", us(tsc_entry, m->tsc),
			us(prev, m->tsc));
		prev = m->tsc;
	}
	if (nmarks > MAX_MARKS)
		kprintf("toro: boot: %u later steps not recorded\n",
			nmarks - MAX_MARKS);
	kprintf("toro: boot: entry to main %lu us (clock %s, TSC %lu kHz %s)\n",
		us(tsc_entry, main_tsc), clock_source_name(), tsc_hz / 1000,
		tsc_freq_source());
}
