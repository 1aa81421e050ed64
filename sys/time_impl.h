/* SPDX-License-Identifier: MIT */
/* Private to sys/: turning the C library's times into clock_ns()
 * deadlines (sys/time.c). */
#ifndef SYS_TIME_IMPL_H
#define SYS_TIME_IMPL_H

#include <stdint.h>
#include <time.h>

/* The clock_ns() deadline (*deadline) that is (ts) from now (relative):
 * 0, -EFAULT, or -EINVAL for a negative or malformed time. Far futures
 * saturate. */
int timespec_deadline(const struct timespec *ts, uint64_t *deadline);

/* The clock_ns() deadline at which clock (clk) reads (ts) (absolute): 0,
 * -EFAULT, -EINVAL (a malformed time, a clock that cannot be waited on).
 * A time already past gives a deadline already past. */
int abstime_deadline(clockid_t clk, const struct timespec *ts,
		     uint64_t *deadline);

#endif /* SYS_TIME_IMPL_H */
