/* SPDX-License-Identifier: MIT */
/*
 * Where boot time goes: boot_mark() stamps the TSC at each step of boot;
 * with the toro.boottime option the steps are printed in microseconds from
 * the first instruction before main() runs.
 */
#ifndef KERNEL_BOOTTIME_H
#define KERNEL_BOOTTIME_H

#include <stdint.h>

/* Records that step (what) has just finished. (what) must stay valid. */
void boot_mark(const char *what);

/* Prints the steps if asked to (toro.boottime), given the TSC at entry. */
void boot_report(uint64_t tsc_entry);

#endif /* KERNEL_BOOTTIME_H */
