/* SPDX-License-Identifier: MIT */
/*
 * The timer heap: a pairing heap of struct timer ordered by deadline,
 * intrusive (arming never allocates) and with removal of any timer in
 * logarithmic amortised time. Pure data structure code, unit-tested on
 * the host; kernel/timer.c keeps one per CPU.
 */
#ifndef KERNEL_TIMER_HEAP_H
#define KERNEL_TIMER_HEAP_H

#include <kernel/timer.h>

/* Adds (t) to the heap rooted at (*root). */
void timer_heap_insert(struct timer **root, struct timer *t);

/* Takes (t), which must be in the heap, out of it. */
void timer_heap_remove(struct timer **root, struct timer *t);

#endif /* KERNEL_TIMER_HEAP_H */
