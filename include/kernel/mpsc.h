/* SPDX-License-Identifier: MIT */
/*
 * Lock-free multi-producer, single-consumer stack of intrusive nodes: how
 * one CPU hands items to another without a shared lock (memory freed on the
 * wrong CPU, work for another CPU). Producers push with compare-and-swap;
 * the one consumer takes the whole stack at once with an exchange, so there
 * is no ABA problem: a node is never popped alone while others push.
 */
#ifndef KERNEL_MPSC_H
#define KERNEL_MPSC_H

#include <stdbool.h>
#include <stddef.h>

struct mpsc_node {
	struct mpsc_node *next;
};

struct mpsc_stack {
	struct mpsc_node *head;
};

/* Pushes (n); returns true if the stack was empty before, so the caller
 * knows whether the consumer may need waking. */
static inline bool mpsc_push(struct mpsc_stack *s, struct mpsc_node *n)
{
	struct mpsc_node *head = __atomic_load_n(&s->head, __ATOMIC_RELAXED);

	do {
		n->next = head;
	} while (!__atomic_compare_exchange_n(&s->head, &head, n, true,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	return head == NULL;
}

/* Takes every node, newest first; NULL if there were none. */
static inline struct mpsc_node *mpsc_take_all(struct mpsc_stack *s)
{
	if (!__atomic_load_n(&s->head, __ATOMIC_RELAXED))
		return NULL;
	return __atomic_exchange_n(&s->head, NULL, __ATOMIC_ACQUIRE);
}

/* Takes every node in the order they were pushed. */
static inline struct mpsc_node *mpsc_take_all_fifo(struct mpsc_stack *s)
{
	struct mpsc_node *n = mpsc_take_all(s), *rev = NULL;

	while (n) {
		struct mpsc_node *next = n->next;

		n->next = rev;
		rev = n;
		n = next;
	}
	return rev;
}

static inline bool mpsc_is_empty(const struct mpsc_stack *s)
{
	return __atomic_load_n(&s->head, __ATOMIC_RELAXED) == NULL;
}

#endif /* KERNEL_MPSC_H */
