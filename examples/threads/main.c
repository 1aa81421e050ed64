// SPDX-License-Identifier: MIT
/*
 * One worker thread per CPU, passing tokens around a ring over channels.
 * Each worker receives a token, counts it, sleeps now and then, and hands
 * it on to the next CPU's worker; after every token has gone around enough
 * times, main prints how many messages each CPU handled and the time.
 */
#include <stdio.h>
#include <stdlib.h>

#include <toro/channel.h>
#include <toro/cpu.h>
#include <toro/thread.h>
#include <toro/time.h>

#define ROUNDS 500		/* times each token goes around the ring */
#define SLEEP_EVERY 100		/* messages between two short sleeps */

struct token {
	unsigned id;
	unsigned hops;		/* left to go; 0 ends the token */
};

struct worker {
	struct channel *inbox;
	struct channel *next;	/* the next worker's inbox */
	struct channel *done;	/* where finished tokens go */
	unsigned long handled;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct token t;

	for (;;) {
		channel_recv(w->inbox, &t);
		if (t.id == ~0U)
			return NULL;	/* told to stop */
		w->handled++;
		if (w->handled % SLEEP_EVERY == 0)
			thread_sleep_ns(100000);
		if (--t.hops == 0)
			channel_send(w->done, &t);
		else
			channel_send(w->next, &t);
	}
}

int main(void)
{
	unsigned n = cpu_count();
	struct worker *w = calloc(n, sizeof(*w));
	struct thread **t = calloc(n, sizeof(*t));
	struct channel *done = channel_create(sizeof(struct token), n);

	if (!w || !t || !done) {
		fprintf(stderr, "threads: out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < n; i++) {
		w[i].inbox = channel_create(sizeof(struct token), 2 * n);
		w[i].done = done;
		if (!w[i].inbox) {
			fprintf(stderr, "threads: out of memory\n");
			return 1;
		}
	}
	for (unsigned i = 0; i < n; i++)
		w[i].next = w[(i + 1) % n].inbox;
	printf("threads: %u workers, one per CPU, %u tokens around a ring "
	       "%u times\n", n, n, ROUNDS);

	uint64_t start = clock_ns();

	for (unsigned i = 0; i < n; i++) {
		t[i] = thread_create(i, 0, work, &w[i]);
		if (!t[i]) {
			perror("threads: thread_create");
			return 1;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct token tok = { .id = i, .hops = ROUNDS * n };

		channel_send(w[i].inbox, &tok);
	}
	for (unsigned i = 0; i < n; i++) {
		struct token tok;

		channel_recv(done, &tok);
	}
	uint64_t ns = clock_ns() - start;
	unsigned long total = 0;

	for (unsigned i = 0; i < n; i++) {
		struct token stop = { .id = ~0U };

		channel_send(w[i].inbox, &stop);
		thread_join(t[i], NULL);
		printf("cpu %u: %lu messages\n", i, w[i].handled);
		total += w[i].handled;
	}
	printf("total: %lu messages in %.1f ms, %.2f us per message\n", total,
	       ns / 1e6, ns / 1e3 / total);
	return 0;
}
