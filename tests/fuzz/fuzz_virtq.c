// SPDX-License-Identifier: MIT
/*
 * The split virtqueue (drivers/virtio/virtq.c) against a device the fuzzer
 * plays. Input: a feature byte and a queue size, then commands: submit a
 * request (chain lengths and buffer size from the input), write a used
 * ring entry (id and length from the input) or a raw used index, reap the
 * ring, switch interrupts. Whatever the device writes, a request completes
 * once, with no more bytes than its buffers hold or -EIO; a device caught
 * lying is broken (virtio_break() here fails every request, as the core's
 * does); and once everything has completed, every descriptor is free.
 * What virtq.c calls outside itself is played here, single-threaded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arch/mmu.h>
#include <drivers/virtio.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/timer.h>
#include <toro/sync.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "../../drivers/virtio/virtio_impl.h"
#include "fuzz.h"

#define NREQS	16
#define BUF_LEN	64

/* The device's side of the rings, as virtq.c lays them out (2.7). */
struct used_elem {
	uint32_t id, len;
};

struct used {
	uint16_t flags, idx;
	struct used_elem ring[];
};

struct slot {
	struct virtq_req req;
	bool in_flight;
	unsigned submitted, done;	/* requests, completions */
	uint8_t buf[BUF_LEN];
};

static struct slot slots[NREQS];

/* ------------------------------------------------------------------------
 * What virtq.c calls outside itself.
 */

void *page_alloc(size_t npages)
{
	return aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
}

void page_free(void *p, size_t npages)
{
	(void)npages;
	free(p);
}

bool vm_dma_ok(uintptr_t va, size_t len, bool device_writes)
{
	(void)device_writes;
	return va && len;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

uint64_t clock_ns(void)
{
	return 0;
}

void timer_start(struct timer *t, uint64_t deadline, void (*fn)(struct timer *))
{
	(void)t;
	(void)deadline;
	(void)fn;
}

void thread_yield(void)
{
}

void event_signal(struct event *e)
{
	e->set = 1;
}

/* Never reached: the target submits only what fits. */
void event_wait(struct event *e)
{
	(void)e;
	FUZZ_CHECK(!"event_wait() would block");
}

void sema_init(struct sema *s, unsigned count)
{
	s->count = count;
}

void sema_post(struct sema *s)
{
	s->count++;
}

bool sema_trywait(struct sema *s)
{
	if (!s->count)
		return false;
	s->count--;
	return true;
}

void sema_wait(struct sema *s)
{
	FUZZ_CHECK(sema_trywait(s));
}

int sema_wait_until(struct sema *s, uint64_t deadline)
{
	(void)deadline;
	sema_wait(s);
	return 0;
}

/* As the core's: reset (nothing to do here) and fail what is in flight. */
void virtio_break(struct virtio_dev *dev)
{
	dev->broken = true;
	for (struct virtq *q = dev->queues; q; q = q->next)
		virtq_fail_all(q);
}

/* ------------------------------------------------------------------------
 * The device.
 */

static unsigned qmax;

static unsigned queue_max(struct virtio_dev *dev, unsigned index)
{
	(void)dev;
	return index == 0 ? qmax : 0;
}

static int queue_enable(struct virtio_dev *dev, struct virtq *q)
{
	(void)dev;
	(void)q;
	return 0;
}

static void notify(struct virtio_dev *dev, struct virtq *q)
{
	(void)dev;
	(void)q;
}

static const struct virtio_transport ops = {
	.queue_max = queue_max,
	.queue_enable = queue_enable,
	.notify = notify,
};

static void complete(struct virtq_req *req)
{
	struct slot *s = container_of(req, struct slot, req);

	FUZZ_CHECK(s->in_flight);
	s->in_flight = false;
	s->done++;
	FUZZ_CHECK(req->error == 0 || req->error == -EIO);
	FUZZ_CHECK(req->error || req->used_len <= req->in_len);
}

/* Free descriptors: as many as counted, each one once, all in range. */
static void check_free_list(const struct virtq *q)
{
	bool seen[256] = { 0 };
	unsigned i = q->free_head;

	FUZZ_CHECK(q->nfree <= q->size);
	for (unsigned k = 0; k < q->nfree; k++) {
		FUZZ_CHECK(i < q->size && !seen[i]);
		seen[i] = true;
		/* virtq_desc.next, at byte 14 of each 16-byte descriptor */
		uint16_t next;

		memcpy(&next, (const char *)q->desc + 16 * i + 14, 2);
		i = next;
	}
}

struct input {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct input *in, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint32_t)*in->p++ << (8 * i);
	return v;
}

static void submit(struct virtq *q, struct input *in)
{
	unsigned which = take(in, 1) % NREQS, shape = take(in, 1);
	unsigned nout = shape & 3, nin = (shape >> 2) & 3;
	struct slot *s = &slots[which];
	struct virtq_buf out[3], bufs[3];

	if (s->in_flight || nout + nin == 0 || nout + nin > q->nfree)
		return;
	for (unsigned i = 0; i < 3; i++) {
		out[i] = (struct virtq_buf){ s->buf, 1 + (shape >> 4) };
		bufs[i] = (struct virtq_buf){ s->buf, 1 + (shape >> 4) };
	}
	s->req.complete = complete;
	s->in_flight = true;
	if (virtq_submit(q, &s->req, out, nout, bufs, nin) == 0)
		s->submitted++;
	else
		s->in_flight = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_dev dev = { .ops = &ops, .name = "fuzz" };
	struct input in = { data, size };
	struct virtq *q;
	uint16_t dev_idx = 0;

	memset(slots, 0, sizeof(slots));
	uint32_t feat = take(&in, 1);

	dev.features = (feat & 1 ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0) |
		       (feat & 2 ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0);
	qmax = 1 + take(&in, 1) % 16;
	FUZZ_CHECK(virtq_create(&dev, 0, 0, &q) == 0);
	struct used *used = (struct used *)q->used;

	while (in.left && !dev.broken) {
		switch (take(&in, 1) % 5) {
		case 0:
			submit(q, &in);
			break;
		case 1: {	/* the device uses a chain, truthfully or not */
			struct used_elem e = { take(&in, 2), take(&in, 2) };

			used->ring[dev_idx++ & (q->size - 1)] = e;
			__atomic_store_n(&used->idx, dev_idx, __ATOMIC_RELEASE);
			break;
		}
		case 2:		/* or just moves its index */
			dev_idx = take(&in, 2);
			__atomic_store_n(&used->idx, dev_idx, __ATOMIC_RELEASE);
			break;
		case 3:
			virtq_poll(q);
			break;
		case 4:
			virtq_set_interrupts(q, take(&in, 1) & 1);
			break;
		}
		check_free_list(q);
	}
	/* However it went, failing what is left returns every descriptor. */
	virtq_fail_all(q);
	check_free_list(q);
	FUZZ_CHECK(q->nfree == q->size);
	for (unsigned i = 0; i < NREQS; i++)
		FUZZ_CHECK(!slots[i].in_flight &&
			   slots[i].done == slots[i].submitted);
	page_free(q->desc, 0);
	heap_free(q->reqs);
	heap_free(q);
	return 0;
}
