// SPDX-License-Identifier: MIT
/*
 * profile_dump(): the samples to the console, one checksummed base64 line
 * each (format in include/kernel/profile.h), so they pass through any
 * console and the host can drop a damaged line without losing the rest.
 * Sampling pauses while the buffers are read and emptied.
 */
#include <arch/clock.h>
#include <arch/x86.h>
#include <kernel/console.h>
#include <kernel/log.h>
#include <kernel/profile.h>
#include <kernel/spinlock.h>
#include <toro/cpu.h>

#include "profile_impl.h"

/* "@tp " + base64 of the largest record + " " + 8 hex digits + "\n". */
#define LINE_MAX (4 + 4 * ((PROFILE_HEADER + 4 * PROFILE_MAX_DEPTH + 2) / 3) \
		  + 10 + 1)

static struct spinlock dump_lock;

static void emit(const uint8_t *rec, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char line[LINE_MAX];
	size_t o = 4;
	uint32_t crc = profile_crc32(rec, n);

	line[0] = '@', line[1] = 't', line[2] = 'p', line[3] = ' ';
	o += profile_base64(rec, n, line + o);
	line[o++] = ' ';
	for (int i = 7; i >= 0; i--)
		line[o++] = hex[(crc >> (4 * i)) & 15];
	line[o++] = '\n';
	console_write(line, o);
}

static void dump_cpu(unsigned c)
{
	struct profile_cpu *pc = &per_cpu_var(profile_cpus, c);

	/* Wait out a record being written: short, interrupts off there. */
	while (__atomic_load_n(&pc->writing, __ATOMIC_SEQ_CST))
		cpu_relax();
	size_t len = READ_ONCE(pc->len);

	for (size_t at = 0; at + PROFILE_HEADER <= len;) {
		size_t n = PROFILE_HEADER + 4 * (size_t)pc->buf[at + 2];

		emit(pc->buf + at, n);
		at += n;
	}
	kprintf("@tp-cpu %u samples=%lu dropped=%lu sampler_ns=%lu\n", c,
		pc->samples, pc->dropped, tsc_ticks_to_ns(pc->ticks));
	pc->len = 0;
	pc->samples = 0;
	pc->dropped = 0;
	pc->ticks = 0;
}

void profile_dump(void)
{
	if (!profile_hz)
		return;
	/* Interrupts stay on: a long dump must not stall this CPU's
	 * devices, and the sampler never takes this lock. */
	spin_lock(&dump_lock);
	/* exit() leaves sampling paused for good; otherwise resume after. */
	int was = __atomic_exchange_n(&profile_paused, 1, __ATOMIC_SEQ_CST);
	unsigned n = cpu_count();

	kprintf("@tp-begin v1 hz=%u cpus=%u\n", profile_hz, n);
	for (unsigned c = 0; c < n; c++)
		dump_cpu(c);
	kprintf("@tp-end\n");
	console_flush();
	__atomic_store_n(&profile_paused, was, __ATOMIC_SEQ_CST);
	spin_unlock(&dump_lock);
}
