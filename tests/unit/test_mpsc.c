// SPDX-License-Identifier: MIT
/* The lock-free MPSC stack: many producers, one consumer, nothing lost or
 * duplicated, FIFO order per producer when taken with take_all_fifo. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <kernel/mpsc.h>

#include "unit.h"

#define PRODUCERS 4
#define PER_PRODUCER 50000

struct item {
	struct mpsc_node node;
	int producer, seq;
};

static struct mpsc_stack stack;
static struct item items[PRODUCERS][PER_PRODUCER];
static int producers_done;

static void *producer(void *arg)
{
	int p = (intptr_t)arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		items[p][i] = (struct item){ .producer = p, .seq = i };
		mpsc_push(&stack, &items[p][i].node);
	}
	__atomic_fetch_add(&producers_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

UNIT_TEST(mpsc_concurrent_push_take)
{
	pthread_t t[PRODUCERS];
	int next[PRODUCERS] = { 0 };
	long total = 0;
	int order_errors = 0;

	for (intptr_t p = 0; p < PRODUCERS; p++)
		pthread_create(&t[p], NULL, producer, (void *)p);
	for (;;) {
		int done = __atomic_load_n(&producers_done, __ATOMIC_ACQUIRE);

		for (struct mpsc_node *n = mpsc_take_all_fifo(&stack); n;
		     n = n->next) {
			struct item *it = (struct item *)n;

			/* Each producer's items arrive in the order pushed. */
			if (it->seq != next[it->producer])
				order_errors++;
			next[it->producer] = it->seq + 1;
			total++;
		}
		if (done == PRODUCERS && mpsc_is_empty(&stack))
			break;
	}
	for (int p = 0; p < PRODUCERS; p++)
		pthread_join(t[p], NULL);
	CHECK_EQ(total, (long)PRODUCERS * PER_PRODUCER);
	CHECK_EQ(order_errors, 0);
	CHECK(mpsc_take_all(&stack) == NULL);
}

UNIT_TEST(mpsc_push_reports_empty)
{
	struct mpsc_stack s = { 0 };
	struct mpsc_node a, b;

	CHECK(mpsc_push(&s, &a));	/* was empty: wake the consumer */
	CHECK(!mpsc_push(&s, &b));
	CHECK(mpsc_take_all(&s) == &b);	/* newest first */
	CHECK(b.next == &a);
	CHECK(mpsc_is_empty(&s));
}
