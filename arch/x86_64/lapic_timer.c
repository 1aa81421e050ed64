// SPDX-License-Identifier: MIT
/*
 * Local APIC timer as a one-shot deadline timer. TSC-deadline mode takes an
 * absolute TSC value, so no rate is needed; one-shot mode counts down a
 * 32-bit register at the APIC bus rate, measured once against the clock on
 * first use (1 ms). Long waits are cut to what the counter can hold; the
 * caller re-arms when it wakes early.
 */
#include <arch/apic.h>
#include <arch/clock.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/compiler.h>
#include <toro/time.h>

#define DIVIDE_BY_1	0x0b

static bool tsc_deadline;
static uint64_t apic_hz;	/* one-shot mode count rate */
static void (*expired)(void);
static void (*sampler)(const struct trap_frame *tf);

static void on_timer(struct trap_frame *tf, void *arg)
{
	(void)arg;
	void (*see)(const struct trap_frame *) = READ_ONCE(sampler);
	void (*fn)(void);

	/* The profiler, when linked and on, needs the interrupted frame;
	 * otherwise this is one never-taken branch per timer interrupt. */
	if (unlikely(see))
		see(tf);
	fn = READ_ONCE(expired);
	if (fn)
		fn();
}

void timer_set_sampler(void (*fn)(const struct trap_frame *tf))
{
	WRITE_ONCE(sampler, fn);
}

void timer_set_handler(void (*fn)(void))
{
	WRITE_ONCE(expired, fn);
}

bool timer_uses_tsc_deadline(void)
{
	return tsc_deadline;
}

__cold void timer_init_cpu(void)
{
	static bool vector_set;

	if (!vector_set) {	/* the boot CPU comes first, alone */
		vector_set = true;
		tsc_deadline = cpu_has(1, CPUID_ECX, CPUID1_ECX_TSC_DEADLINE);
		irq_set_handler(VEC_TIMER, on_timer, NULL);
	}
	lapic_write(LAPIC_TIMER_DIV, DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER,
		    VEC_TIMER | (tsc_deadline ? LAPIC_TIMER_TSC_DEADLINE :
						LAPIC_TIMER_ONESHOT));
}

static void measure_apic_rate(void)
{
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	uint64_t t0 = clock_ns();

	while (clock_ns() - t0 < 1000000)
		cpu_relax();
	uint32_t left = lapic_read(LAPIC_TIMER_CUR);
	uint64_t ns = clock_ns() - t0;

	lapic_write(LAPIC_TIMER_INIT, 0);
	apic_hz = mul_div_u64(0xffffffffULL - left, 1000000000ULL, ns);
	if (apic_hz == 0)
		apic_hz = 1000000000ULL;
}

void timer_arm(uint64_t deadline)
{
	uint64_t now = clock_ns();
	uint64_t delta = deadline > now ? deadline - now : 0;

	if (tsc_deadline) {
		uint64_t ticks = mul_div_u64(delta, tsc_hz, 1000000000ULL);

		wrmsr(MSR_TSC_DEADLINE, rdtsc() + (ticks ? ticks : 1));
		return;
	}
	if (!READ_ONCE(apic_hz))
		measure_apic_rate();
	uint64_t count = mul_div_u64(delta, apic_hz, 1000000000ULL);

	if (count == 0)
		count = 1;
	if (count > 0xffffffff)
		count = 0xffffffff;
	lapic_write(LAPIC_TIMER_INIT, count);
}

void timer_disarm(void)
{
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		lapic_write(LAPIC_TIMER_INIT, 0);
}
