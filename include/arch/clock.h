/* SPDX-License-Identifier: MIT */
/*
 * Clock sources behind clock_ns(): kvmclock (pvclock) when the hypervisor
 * offers it, else the TSC, whose frequency comes from, in order: the
 * toro.tsc_khz option (the launcher knows it), CPUID leaf 0x15 or the
 * hypervisor leaf 0x40000010, CPUID 0x16, or calibration against the HPET,
 * the ACPI PM timer or, last, the PIT.
 */
#ifndef ARCH_CLOCK_H
#define ARCH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Chooses and starts the clock source on the boot CPU. */
void clock_init(void);

/* Per-CPU part (kvmclock registers one area per CPU). */
void clock_init_cpu(void);

/* TSC ticks per second, known once clock_init() has run. */
extern uint64_t tsc_hz;

/* Nanoseconds in (ticks) TSC ticks. */
uint64_t tsc_ticks_to_ns(uint64_t ticks);

/* Busy-waits (ns); for hardware delays during boot only. */
void clock_delay_ns(uint64_t ns);

/* Name of the source in use and of where the TSC frequency came from. */
const char *clock_source_name(void);
const char *tsc_freq_source(void);

/* tsc.c: the TSC frequency; 0 if nothing could tell it. */
uint64_t tsc_find_hz(const char **how);

/* kvmclock.c */
bool kvmclock_available(void);
void kvmclock_init_cpu(void);
uint64_t kvmclock_ns(void);
uint64_t kvmclock_tsc_hz(void);
uint64_t kvmclock_wall_ns(void);	/* wall time at kvmclock 0 */
bool kvmclock_stable(void);

/* rtc_cmos.c: seconds since the epoch from the CMOS clock, 0 if absent. */
uint64_t rtc_cmos_read(void);

#endif /* ARCH_CLOCK_H */
