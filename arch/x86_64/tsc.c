// SPDX-License-Identifier: MIT
/*
 * Finding the TSC frequency without kvmclock. Exact sources first (what the
 * launcher passed, CPUID leaves), then a measurement against a timer of
 * known frequency: HPET, ACPI PM timer, or the PIT as the last resort. A
 * measurement costs toro.calibrate_ms (default 10 ms) of boot time, which
 * is why `toro run` passes toro.tsc_khz under TCG, where the guest TSC is
 * the host's.
 */
#include <string.h>

#include <arch/clock.h>
#include <arch/machine.h>
#include <arch/mmu.h>
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/log.h>

#define PM_TIMER_HZ	3579545
#define PIT_HZ		1193182
#define HPET_CAP	0x000	/* capabilities; period in fs in 63:32 */
#define HPET_CONFIG	0x010
#define HPET_COUNTER	0x0f0
#define HPET_ENABLE	1

/* A free-running counter of known frequency to measure the TSC against. */
struct reference {
	const char *name;
	uint64_t hz;
	uint64_t mask;		/* counter width */
	uint64_t (*read)(void);
};

static uint64_t hpet_base;

static uint64_t hpet_read(void)
{
	return mmio_read64(hpet_base + HPET_COUNTER);
}

static uint64_t pm_timer_read(void)
{
	return inl(platform.pm_timer_port);
}

static bool hpet_setup(struct reference *ref)
{
	if (!platform.hpet_base || vm_map(platform.hpet_base, 1024,
					   VM_WRITE | VM_DEVICE))
		return false;
	hpet_base = platform.hpet_base;
	uint64_t period_fs = mmio_read64(hpet_base + HPET_CAP) >> 32;

	if (period_fs == 0 || period_fs > 100000000)	/* spec: <= 100 ns */
		return false;
	mmio_write64(hpet_base + HPET_CONFIG,
		     mmio_read64(hpet_base + HPET_CONFIG) | HPET_ENABLE);
	*ref = (struct reference){ "HPET", 1000000000000000ULL / period_fs,
				   ~0ULL, hpet_read };
	return true;
}

/* TSC ticks per second, measured against (ref) over about (ms) ms; 0 if
 * the reference stops moving. The counter is read often enough that it
 * cannot wrap between two reads, unless the host deschedules the vCPU for
 * longer than a wrap (55 ms for the PIT): then the reference loses time
 * and the TSC does not. The TSC is read first and last, so any such
 * pause only makes the result too high. */
static uint64_t measure_once(const struct reference *ref, unsigned ms)
{
	uint64_t t0 = rdtsc_ordered();
	uint64_t want = ref->hz * ms / 1000, elapsed = 0, still = 0;
	uint64_t last = ref->read() & ref->mask;

	while (elapsed < want) {
		uint64_t now = ref->read() & ref->mask;

		if (now == last && ++still > 10000000)
			return 0;
		elapsed += (now - last) & ref->mask;
		last = now;
	}
	uint64_t ticks = rdtsc_ordered() - t0;

	return mul_div_u64(ticks, ref->hz, elapsed);
}

/* The lowest of three measurements over a third of (ms) each: a pause
 * spoils one, only ever upwards (see above). */
static uint64_t measure(const struct reference *ref, unsigned ms)
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 3; i++) {
		uint64_t hz = measure_once(ref, ms / 3 ? ms / 3 : 1);

		if (hz < best)
			best = hz;
	}
	return best;
}

/* PIT channel 0 as a free-running 16-bit down-counter, read by latching.
 * (Channel 2, the classic choice, needs port 0x61, which microvm lacks.) */
static uint64_t pit_read(void)
{
	outb(0x43, 0x00);	/* latch channel 0 */
	uint8_t lo = inb(0x40), hi = inb(0x40);

	return 0xffff - (hi << 8 | lo);	/* counting up */
}

static bool pit_setup(struct reference *ref)
{
	outb(0x43, 0x34);	/* channel 0, lobyte/hibyte, rate generator */
	outb(0x40, 0);
	outb(0x40, 0);		/* reload 65536 */
	*ref = (struct reference){ "PIT", PIT_HZ, 0xffff, pit_read };
	/* An absent PIT reads 0xffff forever: it must move. */
	uint64_t first = pit_read();

	for (int i = 0; i < 1000; i++)
		if (pit_read() != first)
			return true;
	return false;
}

static uint64_t calibrate(const char **how)
{
	unsigned ms = kopt_u64("toro.calibrate_ms", 10);
	const char *force = kopt("toro.calibrate");	/* hpet|pmtimer|pit */
	struct reference ref;
	bool want_any = !force;

	if ((want_any || !strcmp(force, "hpet")) && hpet_setup(&ref)) {
		*how = "calibrated against the HPET";
		return measure(&ref, ms);
	}
	if ((want_any || !strcmp(force, "pmtimer")) && platform.pm_timer_port) {
		ref = (struct reference){ "PM timer", PM_TIMER_HZ,
					  platform.pm_timer_32bit ? 0xffffffff :
								    0xffffff,
					  pm_timer_read };
		*how = "calibrated against the ACPI PM timer";
		return measure(&ref, ms);
	}
	if ((want_any || !strcmp(force, "pit")) && pit_setup(&ref)) {
		*how = "calibrated against the PIT";
		return measure(&ref, ms);
	}
	return 0;
}

uint64_t tsc_find_hz(const char **how)
{
	uint64_t khz = kopt_u64("toro.tsc_khz", 0);

	if (khz && !kopt("toro.calibrate")) {
		*how = "given by toro.tsc_khz";
		return khz * 1000;
	}
	uint32_t max = cpuid_max_leaf();

	if (max >= 0x15 && !kopt("toro.calibrate")) {
		struct cpuid_regs r = cpuid(0x15, 0);

		if (r.eax && r.ebx && r.ecx) {
			*how = "from CPUID leaf 0x15";
			return (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	if (cpuid(0x40000000, 0).eax >= 0x40000010 && !kopt("toro.calibrate")) {
		uint32_t k = cpuid(0x40000010, 0).eax;

		if (k) {
			*how = "from the hypervisor CPUID leaf";
			return (uint64_t)k * 1000;
		}
	}
	uint64_t hz = calibrate(how);

	if (hz > 10000000ULL)	/* anything below 10 MHz is a failed measure */
		return hz;
	if (max >= 0x16 && (cpuid(0x16, 0).eax & 0xffff)) {
		*how = "from CPUID leaf 0x16 (base frequency)";
		return (uint64_t)(cpuid(0x16, 0).eax & 0xffff) * 1000000;
	}
	*how = "unknown";
	return 0;
}
