// SPDX-License-Identifier: MIT
/* Every CPU the machine has comes up, runs code, and knows who it is. */
#include <errno.h>
#include <stdlib.h>

#include <arch/apic.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/percpu.h>
#include <kernel/smp_call.h>
#include <kernel/timer.h>
#include <toro/time.h>
#include <toro/cpu.h>
#include <toro/test.h>
#include <toro/thread.h>

struct probe {
	unsigned id;
	uint32_t apic_id;
	uint32_t cpuid_apic_id;	/* what the hardware says */
};

static void probe_cpu(void *arg)
{
	struct probe *p = arg;

	p->id = cpu_id();
	p->apic_id = this_cpu()->apic_id;
	/* CPUID leaf 1: initial xAPIC id; leaf 0xb: x2APIC id. */
	p->cpuid_apic_id = cpuid_max_leaf() >= 0xb ? cpuid(0xb, 0).edx :
						     cpuid(1, 0).ebx >> 24;
}

TEST(cpu, count_matches_machine)
{
	const char *want = getenv("TEST_NCPUS");

	ASSERT_NOT_NULL(want);
	EXPECT_EQ(cpu_count(), atoi(want));
}

TEST(cpu, every_cpu_runs_code)
{
	struct probe p[MAX_CPUS];

	for (unsigned i = 0; i < cpu_count(); i++) {
		p[i].id = ~0U;
		ASSERT_EQ(smp_call(i, probe_cpu, &p[i]), 0);
		EXPECT_EQ(p[i].id, i);
		/* The code really ran on the CPU with that APIC id. */
		EXPECT_EQ(p[i].apic_id & 0xff, p[i].cpuid_apic_id & 0xff);
		for (unsigned j = 0; j < i; j++)
			EXPECT_NE(p[i].apic_id, p[j].apic_id);
	}
}

TEST(cpu, main_runs_on_cpu0)
{
	EXPECT_EQ(cpu_id(), 0);
}

TEST(cpu, call_to_missing_cpu_fails)
{
	struct probe p;

	EXPECT_EQ(smp_call(cpu_count(), probe_cpu, &p), -22 /* -EINVAL */);
}

static void add_one(void *arg)
{
	__atomic_fetch_add((int *)arg, 1, __ATOMIC_RELAXED);
}

/* Waits for every call issued so far: (issued[c]) per CPU. */
static void wait_calls(struct smp_call calls[][64], const int *issued)
{
	for (unsigned c = 1; c < cpu_count(); c++)
		for (int k = 0; k < issued[c]; k++)
			while (!smp_call_done(&calls[c][k]))
				cpu_relax();
}

TEST(cpu, many_async_calls_all_run)
{
	/* Static: a failed check returns while calls may still be running. */
	static struct smp_call calls[MAX_CPUS][64];
	static int counter;
	int issued[MAX_CPUS] = { 0 };

	counter = 0;
	for (unsigned c = 1; c < cpu_count(); c++)
		for (int k = 0; k < 64; k++) {
			calls[c][k] = (struct smp_call){ .fn = add_one,
							 .arg = &counter };
			int rc = smp_call_async(c, &calls[c][k]);

			/* Each call holds a thread stack until it ends: in a
			 * small machine the pages run out first, and come
			 * back once the calls already issued are done. */
			if (rc == -EAGAIN)
				wait_calls(calls, issued);
			/* A finished call's thread frees its stack soon after:
			 * a few retries, bounded. */
			for (int tries = 0; rc == -EAGAIN && tries < 100; tries++) {
				thread_sleep_ns(1000000);
				rc = smp_call_async(c, &calls[c][k]);
			}
			ASSERT_EQ(rc, 0);
			issued[c]++;
		}
	wait_calls(calls, issued);
	EXPECT_EQ(counter, 64 * (int)(cpu_count() - 1));
}

/* An interrupt whose handler sends an IPI of its own (a device completion
 * waking a thread on another CPU) must not steal the destination of an IPI
 * being sent when it came: in xAPIC mode sending is two register writes.
 * The IPIs under test go to a vector of the test's own, whose handler
 * counts them per CPU, so one that goes astray fails the test, never
 * leaves a CPU asleep with work in its inbox. */
static struct timer storm;
static volatile bool storming;
static unsigned long hits[MAX_CPUS];

static void storm_tick(struct timer *t)
{
	lapic_send_ipi(this_cpu()->apic_id, VEC_IPI_CALL);	/* to itself */
	if (storming)
		timer_start(t, clock_ns() + 20000, storm_tick);
}

static void count_hit(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;
	__atomic_fetch_add(&hits[cpu_id()], 1, __ATOMIC_RELAXED);
}

TEST(cpu, ipis_arrive_while_interrupts_send_ipis)
{
	static int vector = -1;
	int sent = 0;

	if (cpu_count() < 2)
		return;		/* no other CPU to send to */
	if (vector < 0) {
		vector = irq_alloc_vector();
		ASSERT_TRUE(vector > 0);
		ASSERT_EQ(irq_set_handler(vector, count_hit, NULL), 0);
	}
	storming = true;
	timer_start(&storm, clock_ns() + 20000, storm_tick);
	for (; sent < 2000; sent++) {
		unsigned target = 1 + sent % (cpu_count() - 1);
		unsigned long before = __atomic_load_n(&hits[target],
						       __ATOMIC_RELAXED);
		uint64_t deadline = clock_ns() + 1000000000ULL;

		lapic_send_ipi(cpus[target]->apic_id, vector);
		while (__atomic_load_n(&hits[target], __ATOMIC_RELAXED) ==
			       before && clock_ns() < deadline)
			cpu_relax();
		if (__atomic_load_n(&hits[target], __ATOMIC_RELAXED) == before)
			break;	/* it went elsewhere */
	}
	storming = false;
	timer_cancel(&storm);
	EXPECT_EQ(sent, 2000);
}
