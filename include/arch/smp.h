/* SPDX-License-Identifier: MIT */
/* Starting the application processors (INIT-SIPI-SIPI). */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdint.h>

/*
 * Starts every CPU the firmware listed besides the boot CPU, using the page
 * (trampoline_page, below 1 MiB) for their real-mode start-up code, and
 * waits until they are up. CPUs that do not answer within a second are
 * reported and left out. Each AP that comes up calls (ap_main).
 */
void smp_start(uint64_t trampoline_page, void (*ap_main)(void));

#endif /* ARCH_SMP_H */
