// SPDX-License-Identifier: MIT
/*
 * The virtqueue core against a device played by the test
 * (fake_virtio.h), which answers well or with garbage (an id never handed
 * out, a length beyond the buffer, a used index that jumps, silence).
 * Garbage must end in -EIO or -ETIMEDOUT for the caller, a reset device,
 * and nothing written out of bounds.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <drivers/virtio.h>
#include <toro/test.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "fake_virtio.h"

static struct fake fk;
static struct virtq *q;

static void fake_setup(void)
{
	fake_init(&fk, 0xfff, 0);
	ASSERT_EQ(virtio_negotiate(&fk.dev, 0), 0);
	ASSERT_EQ(virtq_create(&fk.dev, 0, 0, &q), 0);
	virtio_ready(&fk.dev);
	EXPECT_EQ(q->size, 8);
}

static int device_take(uint16_t *head)
{
	int h = fake_take(&fk);

	*head = h;
	return h < 0 ? -1 : 0;
}

static void device_use(uint32_t id, uint32_t len)
{
	fake_use(&fk, id, len);
}

TEST(virtq, good_answers_complete_requests)
{
	fake_setup();
	char out[16] = "request", in[32];
	struct virtq_buf o = { out, sizeof(out) }, i = { in, sizeof(in) };
	struct virtq_req reqs[3];
	uint16_t head;

	memset(reqs, 0, sizeof(reqs));
	for (int k = 0; k < 3; k++)
		ASSERT_EQ(virtq_submit(q, &reqs[k], &o, 1, &i, 1), 0);
	EXPECT_GE(fk.notifies, 1);
	/* Completed out of order, as devices may. */
	uint16_t heads[3];

	for (int k = 0; k < 3; k++)
		ASSERT_EQ(device_take(&heads[k]), 0);
	EXPECT_NE(device_take(&head), 0);
	struct fake_desc *d = fake_desc(&fk, heads[0]);

	EXPECT_EQ(d->addr, (uintptr_t)out);
	EXPECT_EQ(d->len, 16);
	EXPECT_EQ(fake_desc(&fk, d->next)->addr, (uintptr_t)in);
	device_use(heads[2], 5);
	device_use(heads[0], 32);
	device_use(heads[1], 0);
	EXPECT_EQ(virtq_wait(q, &reqs[0], 0), 32);
	EXPECT_EQ(virtq_wait(q, &reqs[1], 0), 0);
	EXPECT_EQ(virtq_wait(q, &reqs[2], 0), 5);
	EXPECT_FALSE(fk.dev.broken);
	EXPECT_EQ(q->nfree, q->size);
}

TEST(virtq, chain_longer_than_the_queue_is_refused)
{
	fake_setup();
	char b[9][8];
	struct virtq_buf bufs[9];
	struct virtq_req req = { 0 };

	for (int k = 0; k < 9; k++)
		bufs[k] = (struct virtq_buf){ b[k], 8 };
	EXPECT_EQ(virtq_submit(q, &req, bufs, 9, NULL, 0), -EINVAL);
	EXPECT_EQ(virtq_submit(q, &req, NULL, 0, NULL, 0), -EINVAL);
}

TEST(virtq, indirect_chain_takes_one_slot_and_never_waits)
{
	static uint8_t tables[9][9 * VIRTQ_DESC_SIZE] __attribute__((aligned(16)));
	char b[5][8];
	struct virtq_buf bufs[9];
	struct virtq_req reqs[9];
	uint16_t head;

	fake_setup();	/* without the feature: refused */
	for (int k = 0; k < 9; k++)
		bufs[k] = (struct virtq_buf){ b[k % 5], 8 };
	memset(reqs, 0, sizeof(reqs));
	EXPECT_EQ(virtq_submit_indirect(q, &reqs[0], tables[0], bufs, 5),
		  -EINVAL);
	fake_init(&fk, 0xfff, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	ASSERT_EQ(virtio_negotiate(&fk.dev,
				   VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)), 0);
	ASSERT_EQ(virtq_create(&fk.dev, 0, 0, &q), 0);
	virtio_ready(&fk.dev);
	ASSERT_EQ(q->size, 8);
	EXPECT_EQ(virtq_submit_indirect(q, &reqs[0], tables[0], bufs, 9),
		  -EINVAL);	/* longer than the queue */
	/* Eight chains of five in a ring of eight; the ninth is refused at
	 * once rather than waited for. */
	for (int k = 0; k < 8; k++)
		ASSERT_EQ(virtq_submit_indirect(q, &reqs[k], tables[k], bufs,
						5), 0);
	EXPECT_EQ(q->nfree, 0);
	EXPECT_EQ(virtq_submit_indirect(q, &reqs[8], tables[8], bufs, 5),
		  -ENOSPC);
	ASSERT_EQ(device_take(&head), 0);
	struct fake_desc *d = fake_desc(&fk, head);
	const struct fake_desc *t = (const struct fake_desc *)(uintptr_t)d->addr;

	EXPECT_EQ(d->addr, (uintptr_t)tables[0]);
	EXPECT_EQ(d->len, 5 * VIRTQ_DESC_SIZE);
	EXPECT_EQ(d->flags, 4);		/* VIRTQ_DESC_F_INDIRECT alone */
	for (int k = 0; k < 5; k++) {
		EXPECT_EQ(t[k].addr, (uintptr_t)b[k]);
		EXPECT_EQ(t[k].len, 8);
		EXPECT_EQ(t[k].flags, k < 4 ? 1 : 0);	/* NEXT but the last */
		if (k < 4)
			EXPECT_EQ(t[k].next, k + 1);
	}
	device_use(head, 0);
	EXPECT_EQ(virtq_wait(q, &reqs[0], 0), 0);
	EXPECT_EQ(q->nfree, 1);
	EXPECT_EQ(virtq_submit_indirect(q, &reqs[8], tables[8], bufs, 5), 0);
	EXPECT_FALSE(fk.dev.broken);
}

TEST(virtq, buffers_that_are_not_ram_are_refused)
{
	fake_setup();
	static const char rodata[64] = "read-only";
	char ok[16];
	struct virtq_req req = { 0 };
	struct virtq_buf null = { NULL, 16 };
	struct virtq_buf ro = { (void *)rodata, sizeof(rodata) };
	struct virtq_buf rw = { ok, sizeof(ok) };

	/* The device may read read-only memory, never write it; page 0 and
	 * anything unmapped are out either way. */
	EXPECT_EQ(virtq_submit(q, &req, &null, 1, NULL, 0), -EFAULT);
	EXPECT_EQ(virtq_submit(q, &req, NULL, 0, &null, 1), -EFAULT);
	EXPECT_EQ(virtq_submit(q, &req, &rw, 1, &ro, 1), -EFAULT);
	EXPECT_EQ(q->nfree, q->size);	/* nothing was queued */
	EXPECT_EQ(virtq_submit(q, &req, &ro, 1, &rw, 1), 0);
	EXPECT_FALSE(fk.dev.broken);
}

TEST(virtq, unknown_id_breaks_the_device)
{
	fake_setup();
	char in[8];
	struct virtq_buf i = { in, sizeof(in) };
	struct virtq_req req = { 0 };
	uint16_t head;

	ASSERT_EQ(virtq_submit(q, &req, NULL, 0, &i, 1), 0);
	ASSERT_EQ(device_take(&head), 0);
	device_use((head + 1) % q->size, 4);	/* never handed out */
	EXPECT_EQ(virtq_wait(q, &req, 0), -EIO);
	EXPECT_TRUE(fk.dev.broken);
	EXPECT_EQ(fk.resets, 2);	/* one to start, one to stop it */
	device_use(1000, 4);		/* garbage after the reset: ignored */
	EXPECT_EQ(virtq_call(q, NULL, 0, &i, 1, 0), -EIO);
}

TEST(virtq, length_beyond_the_buffer_is_an_error)
{
	fake_setup();
	struct {
		char in[8];
		char guard[8];
	} b;
	struct virtq_buf i = { b.in, sizeof(b.in) };
	struct virtq_req req = { 0 };
	uint16_t head;

	memset(&b, 0x5a, sizeof(b));
	ASSERT_EQ(virtq_submit(q, &req, NULL, 0, &i, 1), 0);
	ASSERT_EQ(device_take(&head), 0);
	device_use(head, 9);
	EXPECT_EQ(virtq_wait(q, &req, 0), -EIO);
	EXPECT_EQ(req.used_len, 0);
	EXPECT_TRUE(fk.dev.broken);
	EXPECT_EQ(b.guard[0], 0x5a);
}

TEST(virtq, used_index_jump_breaks_the_device)
{
	fake_setup();
	char in[8];
	struct virtq_buf i = { in, sizeof(in) };
	struct virtq_req req = { 0 };
	uint16_t *used_idx = (uint16_t *)q->used + 1;

	ASSERT_EQ(virtq_submit(q, &req, NULL, 0, &i, 1), 0);
	__atomic_store_n(used_idx, 200, __ATOMIC_RELEASE);
	virtio_interrupt(&fk.dev, false);
	EXPECT_EQ(virtq_wait(q, &req, 0), -EIO);
	EXPECT_TRUE(fk.dev.broken);
}

TEST(virtq, silent_device_times_out_and_is_reset)
{
	fake_setup();
	char in[8];
	struct virtq_buf i = { in, sizeof(in) };
	uint64_t t0 = clock_ns();

	EXPECT_EQ(virtq_call(q, NULL, 0, &i, 1, t0 + 20000000), -ETIMEDOUT);
	EXPECT_GE(clock_ns() - t0, 20000000);
	EXPECT_TRUE(fk.dev.broken);
	EXPECT_EQ(fk.status, 0);	/* reset: it lets go of the buffers */
	EXPECT_EQ(q->nfree, q->size);
}

/* A full queue makes submitters wait for free descriptors, not fail. */
static void *completer(void *arg)
{
	uint16_t head;
	int done = 0;

	(void)arg;
	while (done < 32) {
		if (device_take(&head) == 0) {
			device_use(head, 0);
			done++;
		} else {
			thread_yield();
		}
	}
	return NULL;
}

TEST(virtq, full_queue_waits_for_room)
{
	fake_setup();
	static struct virtq_req reqs[32];
	char out[4];
	struct virtq_buf o = { out, sizeof(out) };
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, completer, NULL);

	memset(reqs, 0, sizeof(reqs));
	for (int k = 0; k < 32; k++)
		ASSERT_EQ(virtq_submit(q, &reqs[k], &o, 1, NULL, 0), 0);
	for (int k = 0; k < 32; k++)
		EXPECT_EQ(virtq_wait(q, &reqs[k], 0), 0);
	thread_join(t, NULL);
	EXPECT_FALSE(fk.dev.broken);
}

/* Buffers added while the device said it needs no notification (here
 * VIRTQ_USED_F_NO_NOTIFY; under TCG with one vCPU, an avail_event read
 * before our index store was seen: see virtq.c) are notified anyway,
 * once, within VIRTQ_REKICK_NS, unless a notification went out since. */
TEST(virtq, unnotified_buffers_are_notified_later)
{
	fake_setup();
	static struct virtq_req reqs[4];
	char out[4];
	struct virtq_buf o = { out, sizeof(out) };
	volatile uint16_t *used_flags = (volatile uint16_t *)q->used;

	memset(reqs, 0, sizeof(reqs));
	thread_sleep_ns(30 * 1000 * 1000);	/* earlier tests' queues: quiet */
	int before = fk.notifies;

	*used_flags = 1;	/* VIRTQ_USED_F_NO_NOTIFY */
	ASSERT_EQ(virtq_submit(q, &reqs[0], &o, 1, NULL, 0), 0);
	ASSERT_EQ(virtq_submit(q, &reqs[1], &o, 1, NULL, 0), 0);
	EXPECT_EQ(fk.notifies, before);
	thread_sleep_ns(50 * 1000 * 1000);
	EXPECT_EQ(fk.notifies, before + 1);	/* one for both */
	EXPECT_EQ(q->rekicks, 1);
	/* Unnotified, then a notified one: the timer finds nothing to do. */
	ASSERT_EQ(virtq_submit(q, &reqs[2], &o, 1, NULL, 0), 0);
	*used_flags = 0;
	ASSERT_EQ(virtq_submit(q, &reqs[3], &o, 1, NULL, 0), 0);
	EXPECT_EQ(fk.notifies, before + 2);
	thread_sleep_ns(50 * 1000 * 1000);
	EXPECT_EQ(fk.notifies, before + 2);
	EXPECT_EQ(q->rekicks, 1);
	for (int k = 0; k < 4; k++) {
		int head = fake_take(&fk);

		ASSERT_TRUE(head >= 0);
		fake_use(&fk, head, 0);
	}
	for (int k = 0; k < 4; k++)
		EXPECT_EQ(virtq_wait(q, &reqs[k], 0), 0);
}

/* A queue whose driver holds its notifications (hold_notify): those the
 * device asks for wait for virtq_flush(), one for all the buffers added
 * meanwhile; a flush with none owed sends none; one never flushed goes
 * out by the timer all the same. */
TEST(virtq, held_notifications_go_at_the_flush)
{
	fake_setup();
	static struct virtq_req reqs[4];
	char out[4];
	struct virtq_buf o = { out, sizeof(out) };

	memset(reqs, 0, sizeof(reqs));
	thread_sleep_ns(30 * 1000 * 1000);	/* earlier tests' queues: quiet */
	q->hold_notify = true;
	int before = fk.notifies;

	ASSERT_EQ(virtq_submit(q, &reqs[0], &o, 1, NULL, 0), 0);
	ASSERT_EQ(virtq_submit(q, &reqs[1], &o, 1, NULL, 0), 0);
	EXPECT_EQ(fk.notifies, before);
	virtq_flush(q);
	EXPECT_EQ(fk.notifies, before + 1);
	virtq_flush(q);
	EXPECT_EQ(fk.notifies, before + 1);
	/* Not flushed: the timer sends it. */
	ASSERT_EQ(virtq_submit(q, &reqs[2], &o, 1, NULL, 0), 0);
	EXPECT_EQ(fk.notifies, before + 1);
	thread_sleep_ns(50 * 1000 * 1000);
	EXPECT_EQ(fk.notifies, before + 2);
	virtq_flush(q);		/* nothing owed any more */
	EXPECT_EQ(fk.notifies, before + 2);
	q->hold_notify = false;
	for (int k = 0; k < 3; k++) {
		int head = fake_take(&fk);

		ASSERT_TRUE(head >= 0);
		fake_use(&fk, head, 0);
	}
	for (int k = 0; k < 3; k++)
		EXPECT_EQ(virtq_wait(q, &reqs[k], 0), 0);
}

/* Polled mode: no interrupt work at all, the waiter reaps the ring. */
static void *quiet_completer(void *arg)
{
	int head;

	(void)arg;
	while ((head = fake_take(&fk)) < 0)
		thread_yield();
	fake_use(&fk, head, 3);	/* its interrupt skips polled queues */
	return NULL;
}

TEST(virtq, polled_queue_completes_without_interrupts)
{
	fake_setup();
	q->polled = true;
	char in[8];
	struct virtq_buf i = { in, sizeof(in) };
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, quiet_completer,
					 NULL);

	/* The poller yields between looks, so the completer gets the CPU. */
	EXPECT_EQ(virtq_call(q, NULL, 0, &i, 1, clock_ns() + 5000000000ULL), 3);
	thread_join(t, NULL);
	EXPECT_FALSE(fk.dev.broken);
}

/* Interrupt suppression (virtq_set_interrupts) against a device that
 * honours it: (event_idx) picks used_event or the avail flag. */
static void irq_setup(bool event_idx)
{
	fake_init(&fk, 0xfff, event_idx ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0);
	ASSERT_EQ(virtio_negotiate(&fk.dev, 0), 0);
	ASSERT_EQ(virtq_create(&fk.dev, 0, 0, &q), 0);
	virtio_ready(&fk.dev);
	EXPECT_EQ(q->event_idx, event_idx);
}

static int completions;

static void count_completion(struct virtq_req *req)
{
	(void)req;
	completions++;
}

/* Submits (n) requests with (reqs) and lets the device take them. */
static void submit_taken(struct virtq_req *reqs, int n, uint16_t *heads)
{
	static char in[8][8];

	for (int k = 0; k < n; k++) {
		struct virtq_buf i = { in[k], 8 };

		reqs[k] = (struct virtq_req){ .complete = count_completion };
		ASSERT_EQ(virtq_submit(q, &reqs[k], NULL, 0, &i, 1), 0);
		ASSERT_EQ(device_take(&heads[k]), 0);
	}
}

static void suppression_case(bool event_idx)
{
	struct virtq_req reqs[4];
	uint16_t heads[4];

	irq_setup(event_idx);
	completions = 0;
	submit_taken(reqs, 4, heads);

	/* On (the default): every completion interrupts and is run. */
	device_use(heads[0], 1);
	EXPECT_EQ(fk.interrupts, 1);
	EXPECT_EQ(completions, 1);
	if (event_idx)
		EXPECT_EQ(fake_used_event(&fk, 0), 1);	/* re-armed */
	else
		EXPECT_EQ(fake_avail_flags(&fk, 0), 0);

	/* Off: the device is asked not to interrupt, and does not. */
	EXPECT_EQ(virtq_set_interrupts(q, false), 0);
	if (event_idx)
		EXPECT_EQ(fake_used_event(&fk, 0), 0);	/* left behind */
	else
		EXPECT_EQ(fake_avail_flags(&fk, 0), 1);	/* NO_INTERRUPT */
	device_use(heads[1], 1);
	EXPECT_EQ(fk.interrupts, 1);
	EXPECT_EQ(completions, 1);
	/* Polling takes it, and does not re-arm while off. */
	virtq_poll(q);
	EXPECT_EQ(completions, 2);
	if (event_idx)
		EXPECT_EQ(fake_used_event(&fk, 0), 0);
	device_use(heads[2], 1);
	EXPECT_EQ(fk.interrupts, 1);

	/* The race: used while off, never interrupted for; turning
	 * interrupts on must find it, not wait for an interrupt. */
	EXPECT_EQ(virtq_set_interrupts(q, true), 1);
	EXPECT_EQ(completions, 3);
	if (event_idx)
		EXPECT_EQ(fake_used_event(&fk, 0), 3);
	else
		EXPECT_EQ(fake_avail_flags(&fk, 0), 0);
	device_use(heads[3], 1);	/* on again: interrupts */
	EXPECT_EQ(fk.interrupts, 2);
	EXPECT_EQ(completions, 4);
	EXPECT_EQ(q->nfree, q->size);
	EXPECT_FALSE(fk.dev.broken);
}

TEST(virtq, interrupts_off_and_on_with_the_avail_flag)
{
	suppression_case(false);
}

TEST(virtq, interrupts_off_and_on_with_event_index)
{
	suppression_case(true);
}

/* Used entries racing with the re-enable from another thread: each
 * completion must run exactly once, none left behind. */

static void *racing_device(void *arg)
{
	int n = (int)(uintptr_t)arg, done = 0;
	uint16_t head;

	while (done < n) {
		if (device_take(&head) == 0) {
			device_use(head, 1);
			done++;
		}
		thread_yield();
	}
	return NULL;
}

TEST(virtq, no_completion_lost_across_re_enable)
{
	static struct virtq_req reqs[64];
	static char in[64][4];
	int n = 64;

	irq_setup(true);
	completions = 0;
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, racing_device,
					 (void *)(uintptr_t)n);

	ASSERT_NOT_NULL(t);
	for (int k = 0; k < n; k++) {
		struct virtq_buf i = { in[k], 4 };

		reqs[k] = (struct virtq_req){ .complete = count_completion };
		/* With interrupts off nothing frees descriptors but us. */
		while (q->nfree == 0) {
			virtq_poll(q);
			thread_yield();
		}
		ASSERT_EQ(virtq_submit(q, &reqs[k], NULL, 0, &i, 1), 0);
		/* Toggle as a busy driver does, around the device's work. */
		virtq_set_interrupts(q, k & 1);
		thread_yield();
	}
	thread_join(t, NULL);
	virtq_set_interrupts(q, true);
	EXPECT_EQ(completions, n);
	EXPECT_EQ(q->nfree, q->size);
	EXPECT_FALSE(fk.dev.broken);
}
