/* SPDX-License-Identifier: MIT */
/* Time for applications in nanoseconds; <time.h> is built on these. */
#ifndef TORO_TIME_H
#define TORO_TIME_H

#include <stdint.h>

/* Monotonic time since boot, the same on every CPU. */
uint64_t clock_ns(void);

/* Wall-clock time since 1970-01-01 UTC. */
uint64_t wallclock_ns(void);

/* Sets the wall clock to (ns) since the epoch. */
void wallclock_set(uint64_t ns);

/* Halts the calling CPU until clock_ns() >= (deadline). */
void sleep_until_ns(uint64_t deadline);

#endif /* TORO_TIME_H */
