// SPDX-License-Identifier: MIT
/*
 * Channels between CPUs, and primitives signalled from interrupt context
 * (a timer callback stands in for a device's interrupt handler).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <kernel/timer.h>
#include <toro/channel.h>
#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/test.h>
#include <toro/thread.h>
#include <toro/time.h>

struct msg {
	uint32_t sender;
	uint32_t seq;
	char pad[24];	/* messages are copied whole */
};

#define PER_SENDER 3000

static struct channel *chan;

static void *sender(void *arg)
{
	struct msg m = { .sender = (uint32_t)(uintptr_t)arg };

	memset(m.pad, (int)m.sender, sizeof(m.pad));
	for (uint32_t i = 0; i < PER_SENDER; i++) {
		m.seq = i;
		channel_send(chan, &m);
		if (i % 500 == 0)
			thread_sleep_ns(100000);	/* let the queue drain */
	}
	return NULL;
}

TEST(channel, many_senders_one_receiver_across_cpus)
{
	/* A small channel, so senders also park while it is full. */
	chan = channel_create(sizeof(struct msg), 8);
	ASSERT_NOT_NULL(chan);
	unsigned nsenders = 2 * cpu_count();
	struct thread *t[128];
	uint32_t next[128] = { 0 };
	int bad = 0;

	for (unsigned i = 0; i < nsenders; i++) {
		t[i] = thread_create(i % cpu_count(), 0, sender,
				     (void *)(uintptr_t)i);
		ASSERT_NOT_NULL(t[i]);
	}
	for (unsigned n = 0; n < nsenders * PER_SENDER; n++) {
		struct msg m;

		channel_recv(chan, &m);
		/* Each sender's messages arrive whole and in order. */
		if (m.sender >= nsenders || m.seq != next[m.sender]++ ||
		    m.pad[23] != (char)m.sender)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	struct msg extra;

	EXPECT_EQ(channel_try_recv(chan, &extra), -EAGAIN);
	for (unsigned i = 0; i < nsenders; i++)
		thread_join(t[i], NULL);
	channel_destroy(chan);
}

TEST(channel, full_empty_and_timeouts)
{
	struct channel *ch = channel_create(sizeof(int), 3);	/* -> 4 */
	int v;

	ASSERT_NOT_NULL(ch);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(channel_try_send(ch, &i), 0);
	EXPECT_EQ(channel_try_send(ch, &v), -EAGAIN);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(channel_try_recv(ch, &v), 0);
		EXPECT_EQ(v, i);
	}
	uint64_t d = clock_ns() + 10000000;

	EXPECT_EQ(channel_recv_until(ch, &v, d), -ETIMEDOUT);
	EXPECT_GE(clock_ns(), d);
	channel_destroy(ch);
	errno = 0;
	EXPECT_NULL(channel_create(0, 4));
	EXPECT_EQ(errno, EINVAL);
}

struct irq_signal {
	struct timer timer;
	struct event *event;
	struct sema *sema;
	struct channel *chan;
};

/* Runs in the timer interrupt. */
static void fire(struct timer *tm)
{
	struct irq_signal *s = (struct irq_signal *)tm;
	int v = 77;

	sema_post(s->sema);
	channel_try_send(s->chan, &v);
	event_signal(s->event);
}

TEST(sync, interrupt_handlers_can_signal)
{
	struct event e = { 0 };
	struct sema s = { 0 };
	struct irq_signal sig = { .event = &e, .sema = &s };
	int v = 0;

	sig.chan = channel_create(sizeof(int), 4);
	ASSERT_NOT_NULL(sig.chan);
	uint64_t t0 = clock_ns();

	timer_start(&sig.timer, t0 + 5000000, fire);
	event_wait(&e);
	EXPECT_GE(clock_ns(), t0 + 5000000);
	EXPECT_TRUE(sema_trywait(&s));
	EXPECT_EQ(channel_try_recv(sig.chan, &v), 0);
	EXPECT_EQ(v, 77);
	/* Signalled with nobody waiting: the next wait returns at once. */
	event_signal(&e);
	EXPECT_EQ(event_wait_until(&e, clock_ns()), 0);
	EXPECT_EQ(event_wait_until(&e, clock_ns() + 1000000), -ETIMEDOUT);
	channel_destroy(sig.chan);
}

static void *wait_event(void *arg)
{
	event_wait(arg);
	return NULL;
}

TEST(sync, event_wakes_every_waiter_on_every_cpu)
{
	struct event e = { 0 };
	struct thread *t[64 * 2];
	unsigned n = 0;

	for (unsigned c = 0; c < cpu_count(); c++)
		for (int k = 0; k < 2; k++)
			t[n++] = thread_create(c, 0, wait_event, &e);
	/* Let them all park first. */
	thread_sleep_ns(10000000);
	event_signal(&e);
	for (unsigned i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t[i]);
		EXPECT_EQ(thread_join(t[i], NULL), 0);
	}
}
