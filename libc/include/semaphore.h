/* SPDX-License-Identifier: MIT */
/* Toro's addition to musl's <semaphore.h>, with _GNU_SOURCE: glibc's
 * sem_clockwait() (libc/clockwait.c). */
#include_next <semaphore.h>

#ifndef TORO_SEMAPHORE_H
#define TORO_SEMAPHORE_H

#if defined(_GNU_SOURCE)
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

int sem_clockwait(sem_t *__restrict, clockid_t,
		  const struct timespec *__restrict);

#ifdef __cplusplus
}
#endif
#endif /* _GNU_SOURCE */

#endif /* TORO_SEMAPHORE_H */
