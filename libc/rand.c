// SPDX-License-Identifier: MIT
/*
 * rand(), srand() and rand_r() producing the same sequences as glibc, so a
 * program seeded the same way behaves the same on Toro as on Linux. rand()
 * is glibc's default random(): an additive feedback generator
 * r[i] = r[i-3] + r[i-31] over 31 words, seeded by a Lehmer generator and
 * run 310 steps before use. rand_r() is glibc's three-step LCG.
 */
#include <stdint.h>
#include <stdlib.h>

#include <kernel/spinlock.h>

#define DEG 31
#define SEP 3

static struct {
	struct spinlock lock;
	int32_t r[DEG];
	int front, rear;	/* r[front] += r[rear], both step around */
	int seeded;
} g;

static int32_t step(void)
{
	uint32_t v = (uint32_t)g.r[g.front] + (uint32_t)g.r[g.rear];

	g.r[g.front] = (int32_t)v;
	g.front = (g.front + 1) % DEG;
	g.rear = (g.rear + 1) % DEG;
	return (int32_t)(v >> 1);
}

static void seed(unsigned int s)
{
	int32_t word = s ? (int32_t)s : 1;

	g.r[0] = word;
	for (int i = 1; i < DEG; i++) {
		/* 16807 * word % (2^31 - 1), without overflow (Schrage). */
		int32_t hi = word / 127773, lo = word % 127773;

		word = 16807 * lo - 2836 * hi;
		if (word < 0)
			word += 2147483647;
		g.r[i] = word;
	}
	g.front = SEP;
	g.rear = 0;
	for (int i = 0; i < 10 * DEG; i++)
		step();
	g.seeded = 1;
}

void srand(unsigned int s)
{
	bool irq = spin_lock_irqsave(&g.lock);

	seed(s);
	spin_unlock_irqrestore(&g.lock, irq);
}

int rand(void)
{
	bool irq = spin_lock_irqsave(&g.lock);

	if (!g.seeded)
		seed(1);
	int v = step();

	spin_unlock_irqrestore(&g.lock, irq);
	return v;
}

int rand_r(unsigned int *state)
{
	unsigned int next = *state;
	int result;

	next = next * 1103515245 + 12345;
	result = (next / 65536) % 2048;
	next = next * 1103515245 + 12345;
	result = (result << 10) ^ (next / 65536) % 1024;
	next = next * 1103515245 + 12345;
	result = (result << 10) ^ (next / 65536) % 1024;
	*state = next;
	return result;
}
