// SPDX-License-Identifier: MIT
/*
 * The monotonic and wall clocks. With kvmclock, time is the hypervisor's
 * system time; otherwise it is the TSC scaled by a multiplier fixed at boot
 * (ns = ticks * mult >> 32). Both count from clock_init(). The wall clock
 * is an offset added to the monotonic one, from kvmclock's wall clock at
 * boot or, lazily on first use, from the CMOS RTC.
 */
#include <arch/clock.h>
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/log.h>
#include <toro/panic.h>
#include <toro/time.h>

uint64_t tsc_hz;

static struct {
	bool kvmclock;
	bool kvm_unstable;	/* per-CPU kvmclocks may disagree slightly */
	uint64_t tsc_mult;	/* ns per TSC tick, 32.32 fixed point */
	uint64_t tsc_base;	/* TSC at clock 0 */
	uint64_t kvm_base;	/* kvmclock ns at clock 0 */
	const char *freq_source;
	uint64_t last;		/* highest value returned (unstable kvmclock) */
	int64_t wall_offset;	/* wall clock - monotonic clock, ns */
	bool wall_known;
} clk;

uint64_t tsc_ticks_to_ns(uint64_t ticks)
{
	return ((unsigned __int128)ticks * clk.tsc_mult) >> 32;
}

__cold void clock_init(void)
{
	if (kvmclock_available() && !kopt("toro.calibrate") &&
	    !kopt_flag("toro.no_kvmclock")) {
		clk.kvmclock = true;
		kvmclock_init_cpu();
		tsc_hz = kvmclock_tsc_hz();
		clk.freq_source = "from kvmclock";
		clk.kvm_unstable = !kvmclock_stable();
		clk.kvm_base = kvmclock_ns();
		/* wall(t) = wall clock at kvmclock 0 + kvmclock(t) */
		clk.wall_offset = kvmclock_wall_ns() + clk.kvm_base;
		clk.wall_known = true;
	} else {
		tsc_hz = tsc_find_hz(&clk.freq_source);
		if (!tsc_hz) {
			log_warn("cannot tell the TSC frequency; assuming 1 GHz\n");
			tsc_hz = 1000000000;
		}
	}
	clk.tsc_mult = (1000000000ULL << 32) / tsc_hz;
	clk.tsc_base = rdtsc();
}

__cold void clock_init_cpu(void)
{
	if (clk.kvmclock)
		kvmclock_init_cpu();
}

uint64_t clock_ns(void)
{
	if (!clk.kvmclock)
		return tsc_ticks_to_ns(rdtsc_ordered() - clk.tsc_base);
	uint64_t ns = kvmclock_ns() - clk.kvm_base;

	if (!clk.kvm_unstable)
		return ns;
	/* Never let a reading on one CPU go back behind another's. */
	uint64_t last = __atomic_load_n(&clk.last, __ATOMIC_RELAXED);

	do {
		if (ns <= last)
			return last;
	} while (!__atomic_compare_exchange_n(&clk.last, &last, ns, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return ns;
}

/* At boot only (arch/clock.h): built for size. */
__cold void clock_delay_ns(uint64_t ns)
{
	uint64_t end = clock_ns() + ns;

	while (clock_ns() < end)
		cpu_relax();
}

uint64_t wallclock_ns(void)
{
	if (!READ_ONCE(clk.wall_known)) {
		uint64_t now = clock_ns();
		uint64_t rtc = rtc_cmos_read() * 1000000000ULL;

		clk.wall_offset = rtc - now;
		WRITE_ONCE(clk.wall_known, true);
	}
	return clock_ns() + clk.wall_offset;
}

void wallclock_set(uint64_t ns)
{
	clk.wall_offset = ns - clock_ns();
	WRITE_ONCE(clk.wall_known, true);
}

const char *clock_source_name(void)
{
	return clk.kvmclock ? "kvmclock" : "tsc";
}

const char *tsc_freq_source(void)
{
	return clk.freq_source;
}
