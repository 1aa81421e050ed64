/* SPDX-License-Identifier: MIT */
/* CPUs as the application sees them: dense ids from 0, CPU 0 runs main(). */
#ifndef TORO_CPU_H
#define TORO_CPU_H

/* Number of CPUs that came up. */
unsigned cpu_count(void);

/* Id of the CPU running the caller, 0 .. cpu_count() - 1. */
unsigned cpu_id(void);

#endif /* TORO_CPU_H */
