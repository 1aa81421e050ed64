// SPDX-License-Identifier: MIT
/*
 * A thread on every CPU prints lines as fast as it can, all at once; the
 * runner checks that every one of them arrived whole (no line mixed into
 * another): stdout's lock and the console's together.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include <toro/cpu.h>

#define LINES 200

static pthread_barrier_t start;

static void *chatter(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	for (int i = 0; i < LINES; i++)
		printf("line cpu=%u n=%03d %s end\n", cpu_id(), i,
		       "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	return NULL;
}

int main(void)
{
	unsigned n = cpu_count();
	pthread_t t[64];

	pthread_barrier_init(&start, NULL, n);
	for (unsigned c = 1; c < n && c < 64; c++) {
		pthread_attr_t a;
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(c, &set);
		pthread_attr_init(&a);
		pthread_attr_setaffinity_np(&a, sizeof(set), &set);
		if (pthread_create(&t[c], &a, chatter, NULL)) {
			printf("pthread_create failed\n");
			return 1;
		}
		pthread_attr_destroy(&a);
	}
	chatter(NULL);
	for (unsigned c = 1; c < n && c < 64; c++)
		pthread_join(t[c], NULL);
	printf("lines expected %u\n", n * LINES);
	return 0;
}
