/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU one-shot timer: the local APIC timer, in TSC-deadline mode
 * when the CPU has it, else in one-shot mode with its rate measured once
 * against the clock. There is no periodic tick: the timer is armed only
 * for the next thing that has to happen.
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* Sets up the calling CPU's timer (masked until armed). */
void timer_init_cpu(void);

/* Interrupts the calling CPU once, at or soon after clock_ns() == (deadline).
 * A deadline in the past fires at once. Replaces an earlier arming. */
void timer_arm(uint64_t deadline);

/* Cancels the calling CPU's pending timer, if any. */
void timer_disarm(void);

/* (fn) runs, with interrupts off, on the CPU whose timer expired. */
void timer_set_handler(void (*fn)(void));

bool timer_uses_tsc_deadline(void);

/* (fn), if set, sees the interrupted frame of every timer interrupt before
 * the handler runs: the profiler's hook (kernel/profile.c). */
struct trap_frame;
void timer_set_sampler(void (*fn)(const struct trap_frame *tf));

#endif /* ARCH_TIMER_H */
