// SPDX-License-Identifier: MIT
/*
 * The sampler: a per-CPU timer at toro.profile=HZ whose expiry records the
 * frame the timer interrupt interrupted. The timer interrupt hands that
 * frame over through timer_set_sampler(), which is only installed when the
 * profiler runs, so an image without it (or with it off) pays nothing but
 * one untaken branch per timer interrupt. Samples are recorded with
 * interrupts off by the CPU that owns the buffer, so no locks are taken;
 * a dump on another CPU waits out a record being written (see writing).
 */
#include <errno.h>
#include <stdlib.h>

#include <arch/irq.h>
#include <arch/timer.h>
#include <arch/x86.h>
#include <arch/trap.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/exit.h>
#include <kernel/heap.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/profile.h>
#include <kernel/sched.h>
#include <kernel/smp_call.h>
#include <toro/cpu.h>
#include <toro/time.h>

#include "profile_impl.h"

#define HLT_OPCODE	0xf4
#define DEFAULT_KB	1024

DEFINE_PERCPU(struct profile_cpu, profile_cpus);
unsigned profile_hz;
int profile_paused;
static uint64_t period_ns;

bool profile_enabled(void)
{
	return profile_hz != 0;
}


/* Interrupted RIP, then return addresses from the frame-pointer chain:
 * each frame is [saved rbp][return address], and frames grow upward. A
 * sample taken inside a prologue, before rbp is set, misses its caller. */
static unsigned walk(const struct trap_frame *tf, const struct thread *t,
		     uint32_t *out)
{
	uintptr_t lo, hi, fp = tf->rbp;
	unsigned n = 0;

	out[n++] = (uint32_t)tf->rip;
	thread_stack_bounds(t, &lo, &hi);
	while (n < PROFILE_MAX_DEPTH && fp >= lo && fp + 16 <= hi &&
	       IS_ALIGNED(fp, 8)) {
		const uint64_t *frame = (const uint64_t *)fp;
		uint64_t ret = frame[1];

		/* The image, all code included, lies below 4 GiB. */
		if (ret == 0 || ret > UINT32_MAX)
			break;
		out[n++] = (uint32_t)ret;
		if (frame[0] <= fp)	/* a chain must go up the stack */
			break;
		fp = frame[0];
	}
	return n;
}

/* The word at the interrupted %rsp (see include/kernel/profile.h). */
static uint32_t stack_top(const struct trap_frame *tf, const struct thread *t)
{
	uintptr_t lo, hi;

	thread_stack_bounds(t, &lo, &hi);
	if (tf->rsp < lo || tf->rsp + 8 > hi || !IS_ALIGNED(tf->rsp, 8))
		return 0;
	uint64_t w = *(const uint64_t *)tf->rsp;

	return w <= UINT32_MAX ? (uint32_t)w : 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void record(struct profile_cpu *pc, const struct trap_frame *tf)
{
	struct thread *t = sched_current();
	uint32_t stack[PROFILE_MAX_DEPTH];
	uint8_t flags = 0;

	if (t && t->state == THREAD_IDLE &&
	    ((tf->rip > 0 && *(const uint8_t *)(tf->rip - 1) == HLT_OPCODE) ||
	     sched_idle_watching()))
		flags |= PROFILE_FLAG_IDLE;
	unsigned depth = walk(tf, t, stack);
	size_t need = PROFILE_HEADER + 4 * depth;

	pc->samples++;
	if (pc->len + need > pc->cap) {
		pc->dropped++;
		return;
	}
	uint8_t *p = pc->buf + pc->len;

	p[0] = flags;
	p[1] = (uint8_t)this_cpu_id();
	p[2] = (uint8_t)depth;
	p[3] = 0;
	put32(p + 4, t ? (uint32_t)t->id : 0);
	put32(p + 8, stack_top(tf, t));
	for (unsigned i = 0; i < depth; i++)
		put32(p + PROFILE_HEADER + 4 * i, stack[i]);
	barrier();	/* the record before the length that publishes it */
	WRITE_ONCE(pc->len, pc->len + need);
}

static void see_frame(const struct trap_frame *tf)
{
	this_cpu_var(profile_cpus).frame = tf;
}

static void tick(struct timer *tm)
{
	struct profile_cpu *pc = container_of(tm, struct profile_cpu, timer);
	uint64_t t0 = rdtsc(), now = clock_ns();

	/* A dump on another CPU reads (len) only once (writing) is 0 after
	 * it set (paused): the full fence orders our store before our load. */
	__atomic_store_n(&pc->writing, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&profile_paused, __ATOMIC_SEQ_CST) && pc->frame)
		record(pc, pc->frame);
	__atomic_store_n(&pc->writing, 0, __ATOMIC_RELEASE);
	pc->frame = NULL;
	/* Keep the rate without bursts: after a long interrupts-off stretch
	 * the missed samples are lost, not taken at once. */
	pc->due += period_ns;
	if (pc->due <= now)
		pc->due = now + period_ns;
	timer_start(tm, pc->due, tick);
	pc->ticks += rdtsc() - t0;
}

static void start_here(void *arg)
{
	struct profile_cpu *pc = &this_cpu_var(profile_cpus);

	(void)arg;
	pc->due = clock_ns() + period_ns;
	timer_start(&pc->timer, pc->due, tick);
}

static void dump_at_exit(void)
{
	if (!profile_hz)
		return;		/* not profiling */
	__atomic_store_n(&profile_paused, 1, __ATOMIC_SEQ_CST);
	profile_dump();
}

/* The rate from toro.profile; 0 (off) when absent or wrong, with a log
 * line saying why. */
static unsigned wanted_hz(void)
{
	const char *v = kopt("toro.profile");
	uint64_t hz;

	if (!v)
		return 0;
	hz = kopt_u64("toro.profile", 0);
	if (hz == 0 || hz > PROFILE_MAX_HZ) {
		log_error("toro.profile=%s: want a rate from 1 to %u Hz; "
			  "profiler off\n", v, PROFILE_MAX_HZ);
		return 0;
	}
	return (unsigned)hz;
}

static int profile_start(void)
{
	unsigned hz = wanted_hz(), n = cpu_count();
	uint64_t kb = kopt_u64("toro.profile_kb", DEFAULT_KB);

	if (!hz)
		return 0;
	if (kb == 0 || kb > (1u << 20)) {
		log_error("toro.profile_kb: want 1 to 1048576; profiler off\n");
		return -EINVAL;
	}
	for (unsigned c = 0; c < n; c++) {
		struct profile_cpu *pc = &per_cpu_var(profile_cpus, c);

		pc->cap = kb * 1024;
		pc->buf = heap_alloc(pc->cap);
		if (!pc->buf) {
			log_error("profiler: no memory for %lu KiB per CPU "
				  "(toro.profile_kb); profiler off\n", kb);
			while (c--)
				heap_free(per_cpu_var(profile_cpus, c).buf);
			return -ENOMEM;
		}
	}
	period_ns = 1000000000ULL / hz;
	profile_hz = hz;
	timer_set_sampler(see_frame);
	for (unsigned c = 0; c < n; c++)
		smp_call_irq(c, start_here, NULL);
	profile_key_start();
	return 0;
}
INIT_CALL(INIT_BUS, profile_start);
EXIT_CALL(dump_at_exit);
