/* SPDX-License-Identifier: MIT */
/*
 * <semaphore.h>: unnamed POSIX semaphores over Toro's counting semaphore
 * (struct sema, include/toro/sync.h), between threads on any CPUs. As
 * POSIX says, these return 0, or -1 with errno set. Named semaphores
 * (sem_open) are not provided: there is no file system to name them in.
 */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <limits.h>
#include <time.h>

typedef struct {
	unsigned long __native[4];	/* struct sema */
} sem_t;

/* EINVAL for a (value) above SEM_VALUE_MAX. (pshared) is ignored: every
 * thread shares the one address space. */
int sem_init(sem_t *sem, int pshared, unsigned int value);
int sem_destroy(sem_t *sem);
int sem_wait(sem_t *sem);
/* EAGAIN when the value is 0. */
int sem_trywait(sem_t *sem);
/* As sem_wait until (abstime) on CLOCK_REALTIME: ETIMEDOUT then; EINVAL for
 * a (tv_nsec) outside 0..999999999 when the value is 0. */
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
/* The same on clock (clk), CLOCK_REALTIME or CLOCK_MONOTONIC. */
int sem_clockwait(sem_t *sem, clockid_t clk, const struct timespec *abstime);
/* EOVERFLOW when the value is SEM_VALUE_MAX already. */
int sem_post(sem_t *sem);
/* The value; never negative (waiters are not counted). */
int sem_getvalue(sem_t *sem, int *value);

#endif /* _SEMAPHORE_H */
