// SPDX-License-Identifier: MIT
/* Every CPU the machine has comes up, runs code, and knows who it is. */
#include <errno.h>
#include <stdlib.h>

#include <arch/x86.h>
#include <kernel/percpu.h>
#include <kernel/smp_call.h>
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
