/* SPDX-License-Identifier: MIT */
/* Starting the application processors (INIT-SIPI-SIPI). */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdint.h>

/*
 * Starts every CPU the firmware listed besides the boot CPU, using the page
 * (trampoline_page, below 1 MiB, or 0 if there is none) for their
 * real-mode start-up code. Does not wait: the APs come up while the boot
 * CPU goes on, and hold until smp_finish().
 */
void smp_start(uint64_t trampoline_page, void (*ap_main)(void));

/*
 * Waits for the APs (up to a second after smp_start), reports and leaves
 * out those that did not answer, numbers the others 1.. in cpus[] and lets
 * each run (ap_main). Returns the number of CPUs, the boot CPU included.
 * Once, on the boot CPU; it frees the start-up page.
 */
unsigned smp_finish(void);

#endif /* ARCH_SMP_H */
