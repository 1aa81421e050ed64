/* SPDX-License-Identifier: MIT */
/*
 * Where boot time goes: boot_mark() stamps the TSC at each step of boot
 * (one rdtsc and a store: it costs nothing worth measuring when nobody
 * asks); with the toro.boottime option the steps are printed, in TSC
 * order, in microseconds from the first instruction, before main() runs.
 */
#ifndef KERNEL_BOOTTIME_H
#define KERNEL_BOOTTIME_H

#include <stdint.h>

/* Records that step (what) has just finished. (what) must stay valid.
 * Any CPU may call it, at any time during boot. */
void boot_mark(const char *what);

/* boot_mark() for a step of one CPU among several: printed as
 * "(what) (id)", e.g. one line per AP with its APIC id. */
void boot_mark_id(const char *what, unsigned id);

/* In main()'s thread just before main(): stamps "main" and, if asked to
 * (toro.boottime), waits for the APs (so each has its line) and prints
 * every step, given the TSC at entry. */
void boot_report(uint64_t tsc_entry);

#endif /* KERNEL_BOOTTIME_H */
