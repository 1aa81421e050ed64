// SPDX-License-Identifier: MIT
/*
 * futex(), over the kernel's futexes (kernel/futex.c): the waits and
 * wakes musl builds its mutexes, condition variables, semaphores,
 * barriers and joins on, and the priority-inheritance lock and unlock
 * its PTHREAD_PRIO_INHERIT mutexes use. FUTEX_WAKE_OP and the PI requeues
 * are not here (-ENOSYS): musl does not use them.
 */
#include <time.h>

#include <kernel/futex.h>
#include <kernel/waitq.h>

#include "sys_impl.h"
#include "time_impl.h"

/* Linux's futex operations (uapi/linux/futex.h; musl ships no linux/
 * headers). */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_LOCK_PI		6
#define FUTEX_UNLOCK_PI		7
#define FUTEX_TRYLOCK_PI	8
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

SYSCALL_DEFINE6(futex, int *, word, int, op, int, val,
		const struct timespec *, timeout, int *, word2, int, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	uint64_t deadline = WAITQ_NO_DEADLINE;
	int rc;

	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (timeout) {
			/* FUTEX_WAIT's timeout is relative, on the monotonic
			 * clock; FUTEX_WAIT_BITSET's absolute, on the clock
			 * FUTEX_CLOCK_REALTIME chooses. */
			rc = cmd == FUTEX_WAIT ?
				     timespec_deadline(timeout, &deadline) :
				     abstime_deadline(op & FUTEX_CLOCK_REALTIME ?
							      CLOCK_REALTIME :
							      CLOCK_MONOTONIC,
						      timeout, &deadline);
			if (rc)
				return rc;
		}
		return futex_wait(word, val,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY :
						      (uint32_t)val3,
				  deadline);
	case FUTEX_WAKE:
		return futex_wake(word, val);
	case FUTEX_WAKE_BITSET:
		return val3 ? futex_wake_bitset(word, val, (uint32_t)val3) :
			      -EINVAL;
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		/* The fourth argument is a count here, not a time. */
		if (val < 0 || (long)timeout < 0)
			return -EINVAL;
		return futex_requeue(word, val, word2, (int)(long)timeout,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	case FUTEX_LOCK_PI:
		/* An absolute time on the real-time clock. */
		if (timeout) {
			rc = abstime_deadline(CLOCK_REALTIME, timeout,
					      &deadline);
			if (rc)
				return rc;
		}
		return futex_lock_pi(word, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(word, deadline, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(word);
	default:
		/* Wake-op, the PI requeues: not here. */
		return -ENOSYS;
	}
}
