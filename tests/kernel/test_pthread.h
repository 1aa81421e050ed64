/* SPDX-License-Identifier: MIT */
/* Helpers shared by the POSIX thread tests (test_pthread*.c). */
#ifndef TEST_PTHREAD_H
#define TEST_PTHREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/* Toro starts at most 64 CPUs. */
#define MAX_TEST_CPUS 64

/* Initialises (attr) for a thread on CPU (cpu). */
int attr_on_cpu(pthread_attr_t *attr, unsigned cpu);

/* pthread_create() of (fn)(arg) on CPU (cpu). */
int spawn_on(pthread_t *t, unsigned cpu, void *(*fn)(void *), void *arg);

/* Runs (fn)(arg) in a thread on CPU (cpu) and returns its value. */
void *run_on(unsigned cpu, void *(*fn)(void *), void *arg);

/* The last CPU: another than main's, when there is another. */
unsigned other_cpu(void);

/* Clock (clk) (ms) milliseconds from now, and whether it reads (t) yet. */
struct timespec time_in_ms(clockid_t clk, long ms);
bool time_reached(clockid_t clk, const struct timespec *t);

#endif /* TEST_PTHREAD_H */
