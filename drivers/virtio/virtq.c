// SPDX-License-Identifier: MIT
/*
 * Split virtqueues (virtio 1.2, 2.7). The driver owns the descriptor table
 * and the available ring; the device owns the used ring, and everything it
 * writes there is checked before it is believed: an id that is not a chain
 * we handed out, a length beyond the buffers, or a used index that jumps
 * further than the queue is long marks the device broken (virtio.c resets
 * it and fails its requests), never a write through a bad pointer.
 */
#include <errno.h>
#include <string.h>

#include <arch/mmu.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "virtio_impl.h"

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4

/* Ring layouts (spec 2.7.5-2.7.8). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];	/* then avail_event */
};

#define VIRTQ_USED_F_NO_NOTIFY	1
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1

#define VIRTQ_MAX_SIZE	256

/* How long buffers may wait for a device that was not notified of them
 * before it is notified anyway (see virtq_submit()). */
#define VIRTQ_REKICK_NS	(10 * 1000 * 1000ULL)

static size_t avail_bytes(unsigned size)
{
	return sizeof(struct virtq_avail) + 2 * size + 2;
}

static size_t used_bytes(unsigned size)
{
	return sizeof(struct virtq_used) +
	       sizeof(struct virtq_used_elem) * size + 2;
}

/* The used ring gets pages of its own: the device writes them, and
 * keeping them apart from what the driver writes avoids false sharing. */
static size_t used_offset(unsigned size)
{
	return ALIGN_UP(16 * size + avail_bytes(size), PAGE_SIZE);
}

static size_t ring_pages(unsigned size)
{
	return (used_offset(size) + ALIGN_UP(used_bytes(size), PAGE_SIZE)) /
	       PAGE_SIZE;
}

static volatile uint16_t *used_event(struct virtq *q)
{
	return &q->avail->ring[q->size];
}

static volatile uint16_t *avail_event(struct virtq *q)
{
	return (volatile uint16_t *)&q->used->ring[q->size];
}

__cold int virtq_create(struct virtio_dev *dev, unsigned index,
			unsigned size, struct virtq **out)
{
	unsigned max = dev->ops->queue_max(dev, index);

	*out = NULL;
	if (max == 0)
		return -ENODEV;
	if (size == 0 || size > max)
		size = max;
	if (size > VIRTQ_MAX_SIZE)
		size = VIRTQ_MAX_SIZE;
	/* Split queues need not be a power of two in 1.x, but ours are: it
	 * keeps ring arithmetic to a mask. */
	while (size & (size - 1))
		size &= size - 1;

	struct virtq *q = heap_alloc(sizeof(*q));
	struct virtq_req **reqs = heap_alloc(size * sizeof(*reqs));
	char *ring = page_alloc(ring_pages(size));

	if (!q || !reqs || !ring) {
		heap_free(q);
		heap_free(reqs);
		if (ring)
			page_free(ring, ring_pages(size));
		return -ENOMEM;
	}
	memset(q, 0, sizeof(*q));
	memset(reqs, 0, size * sizeof(*reqs));
	memset(ring, 0, ring_pages(size) * PAGE_SIZE);
	q->dev = dev;
	q->index = index;
	q->size = size;
	q->reqs = reqs;
	q->desc = (struct virtq_desc *)ring;
	q->avail = (struct virtq_avail *)(ring + 16 * size);
	q->used = (struct virtq_used *)(ring + used_offset(size));
	q->desc_pa = (uintptr_t)q->desc;
	q->avail_pa = (uintptr_t)q->avail;
	q->used_pa = (uintptr_t)q->used;
	q->event_idx = dev->features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	for (unsigned i = 0; i < size; i++)
		q->desc[i].next = i + 1;
	q->free_head = 0;
	q->nfree = size;

	int rc = dev->ops->queue_enable(dev, q);

	if (rc) {
		page_free(ring, ring_pages(size));
		heap_free(reqs);
		heap_free(q);
		return rc;
	}
	/* Interrupts may walk the list meanwhile: publish q whole. */
	q->next = dev->queues;
	__atomic_store_n(&dev->queues, q, __ATOMIC_RELEASE);
	*out = q;
	return 0;
}

/* Whether the device asked to be told about new buffers (2.7.10). */
static bool needs_notify(struct virtq *q, uint16_t old_idx, uint16_t new_idx)
{
	/* The index store must be visible before we read what the device
	 * last asked for; a full fence orders the store before the load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx) {
		uint16_t event = *avail_event(q);

		return (uint16_t)(new_idx - event - 1) <
		       (uint16_t)(new_idx - old_idx);
	}
	return !(READ_ONCE(q->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
}

/*
 * Skipping a notification the device did not ask for relies on a fence
 * between our index store and our read of what it asked for (and one on
 * its side). Under QEMU's TCG with one vCPU the guest's fences emit
 * nothing on the host, so the store can still sit in the host CPU's store
 * buffer while the device, in another host thread, sets avail_event,
 * looks at the index, finds nothing new and waits for a notification we
 * decided it did not need: the web server on one CPU stopped for good
 * under load that way (the device held every transmit buffer unseen).
 * So buffers added without a notification are notified anyway within
 * VIRTQ_REKICK_NS, unless one went out meanwhile: under load that is a
 * hundred spare notifications a second at most, idle none.
 */
static void on_rekick(struct timer *t)
{
	struct virtq *q = container_of(t, struct virtq, rekick_timer);

	spin_lock(&q->lock);	/* a timer runs with interrupts off */
	bool kick = q->unkicked && !q->dev->broken;

	q->unkicked = false;
	q->notify_owed = false;
	q->rekick_armed = false;
	if (kick)
		q->rekicks++;
	spin_unlock(&q->lock);
	if (kick)
		q->dev->ops->notify(q->dev, q);
}

/* Under q->lock, interrupts off. */
static void rekick_later(struct virtq *q)
{
	q->unkicked = true;
	if (q->rekick_armed)
		return;
	q->rekick_armed = true;
	timer_start(&q->rekick_timer, clock_ns() + VIRTQ_REKICK_NS, on_rekick);
}

static void publish(struct virtq *q, struct virtq_req *req, uint16_t head,
		    bool irq);

int virtq_submit_nowait(struct virtq *q, struct virtq_req *req,
			const struct virtq_buf *out, unsigned nout,
			const struct virtq_buf *in, unsigned nin)
{
	unsigned n = nout + nin;
	uint32_t in_len = 0;
	bool irq;

	if (n == 0 || n > q->size)
		return -EINVAL;
	for (unsigned i = 0; i < n && !req->dma_checked; i++) {
		const struct virtq_buf *b = i < nout ? &out[i] : &in[i - nout];

		if (!vm_dma_ok((uintptr_t)b->addr, b->len, i >= nout))
			return -EFAULT;
	}
	for (unsigned i = 0; i < nin; i++)
		in_len += in[i].len;
	sema_init(&req->done, 0);
	req->used_len = 0;
	req->error = 0;
	req->ndesc = n;
	req->in_len = in_len;
	irq = spin_lock_irqsave(&q->lock);
	if (q->dev->broken || q->nfree < n) {
		int rc = q->dev->broken ? -EIO : -ENOSPC;

		spin_unlock_irqrestore(&q->lock, irq);
		return rc;
	}

	uint16_t head = q->free_head, i = head, last = head;

	for (unsigned k = 0; k < n; k++) {
		const struct virtq_buf *b = k < nout ? &out[k] : &in[k - nout];
		struct virtq_desc *d = &q->desc[i];

		d->addr = (uintptr_t)b->addr;
		d->len = b->len;
		d->flags = (k < nout ? 0 : VIRTQ_DESC_F_WRITE) |
			   (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		last = i;
		i = d->next;
	}
	q->free_head = q->desc[last].next;
	q->nfree -= n;
	publish(q, req, head, irq);
	return 0;
}

int virtq_submit(struct virtq *q, struct virtq_req *req,
		 const struct virtq_buf *out, unsigned nout,
		 const struct virtq_buf *in, unsigned nin)
{
	int rc;

	/* A signal with nobody waiting stays set, so one that comes
	 * between the look and the wait is not lost. */
	while ((rc = virtq_submit_nowait(q, req, out, nout, in, nin)) ==
	       -ENOSPC)
		event_wait(&q->slots);
	return rc;
}

/* Makes the chain at (head) available and notifies the device if it asks
 * to be; called with q->lock held (irq: what spin_lock_irqsave() said),
 * which it lets go. */
static void publish(struct virtq *q, struct virtq_req *req, uint16_t head,
		    bool irq)
{
	req->head = head;
	q->reqs[head] = req;

	uint16_t old = q->avail_idx;

	q->avail->ring[old & (q->size - 1)] = head;
	q->avail_idx = old + 1;
	/* Descriptors and ring entry before the index the device polls. */
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
	bool kick = needs_notify(q, old, q->avail_idx);

	if (kick && q->hold_notify) {	/* virtq_flush() sends it */
		q->notify_owed = true;
		kick = false;
	}
	if (kick)
		q->unkicked = false;
	else
		rekick_later(q);
	spin_unlock_irqrestore(&q->lock, irq);
	if (kick)
		q->dev->ops->notify(q->dev, q);
}

int virtq_submit_indirect(struct virtq *q, struct virtq_req *req,
			  void *table, const struct virtq_buf *out,
			  unsigned nout)
{
	struct virtq_desc *t = table;
	bool irq;

	if (!(q->dev->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)) ||
	    nout == 0 || nout > q->size ||
	    !vm_dma_ok((uintptr_t)table, nout * sizeof(*t), false))
		return -EINVAL;
	for (unsigned i = 0; i < nout; i++) {
		if (!vm_dma_ok((uintptr_t)out[i].addr, out[i].len, false))
			return -EFAULT;
		t[i] = (struct virtq_desc){
			.addr = (uintptr_t)out[i].addr, .len = out[i].len,
			.flags = i + 1 < nout ? VIRTQ_DESC_F_NEXT : 0,
			.next = (uint16_t)(i + 1) };
	}
	sema_init(&req->done, 0);
	req->used_len = 0;
	req->error = 0;
	req->ndesc = 1;
	req->in_len = 0;
	irq = spin_lock_irqsave(&q->lock);
	if (q->dev->broken || !q->nfree) {
		int rc = q->dev->broken ? -EIO : -ENOSPC;

		spin_unlock_irqrestore(&q->lock, irq);
		return rc;
	}
	uint16_t head = q->free_head;

	q->desc[head] = (struct virtq_desc){
		.addr = (uintptr_t)table, .len = nout * sizeof(*t),
		.flags = VIRTQ_DESC_F_INDIRECT, .next = q->desc[head].next };
	q->free_head = q->desc[head].next;
	q->nfree--;
	publish(q, req, head, irq);
	return 0;
}

void virtq_kick(struct virtq *q)
{
	bool irq = spin_lock_irqsave(&q->lock);

	q->unkicked = false;
	q->notify_owed = false;
	spin_unlock_irqrestore(&q->lock, irq);
	if (!READ_ONCE(q->dev->broken))
		q->dev->ops->notify(q->dev, q);
}

void virtq_flush(struct virtq *q)
{
	/* Unlocked: the publisher that owes one reads its own store.
	 * Another's flush or the timer may send it first: one spare. */
	if (READ_ONCE(q->notify_owed))
		virtq_kick(q);
}

/* Returns the chain at (head) of (n) descriptors to the free list. */
static void free_chain(struct virtq *q, uint16_t head, unsigned n)
{
	uint16_t last = head;

	for (unsigned k = 1; k < n; k++)
		last = q->desc[last].next;
	q->desc[last].next = q->free_head;
	q->free_head = head;
	q->nfree += n;
}

static void finish(struct virtq_req *req)
{
	if (req->complete)
		req->complete(req);
	else
		sema_post(&req->done);	/* last touch: req may be on a stack */
}

/* Takes what the device has used; (*n) counts the completions run.
 * Returns false if it answered garbage (the caller then breaks the
 * device, outside the queue lock). */
static bool reap_locked(struct virtq *q, unsigned *n)
{
	bool freed = false, good = true;
	uint16_t used_idx;

	if (q->dev->broken)	/* reset: its rings mean nothing now */
		return true;
again:
	used_idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);

	if ((uint16_t)(used_idx - q->last_used) > q->size) {
		log_warn("%s: queue %u: used index jumped from %u to %u\n",
			 q->dev->name, q->index, q->last_used, used_idx);
		return false;
	}
	while (q->last_used != used_idx) {
		struct virtq_used_elem e =
			q->used->ring[q->last_used & (q->size - 1)];
		struct virtq_req *req = e.id < q->size ? q->reqs[e.id] : NULL;

		q->last_used++;
		if (!req) {
			log_warn("%s: queue %u: used id %u was not in flight\n",
				 q->dev->name, q->index, e.id);
			good = false;
			continue;
		}
		q->reqs[e.id] = NULL;
		free_chain(q, e.id, req->ndesc);
		freed = true;
		if (e.len > req->in_len) {
			log_warn("%s: queue %u: device wrote %u bytes into "
				 "%u\n", q->dev->name, q->index, e.len,
				 req->in_len);
			req->error = -EIO;
			good = false;
		} else {
			req->used_len = e.len;
		}
		finish(req);
		(*n)++;
	}
	if (q->event_idx && !q->irq_off) {
		/* Interrupt us at the next completion. One the device made
		 * before it could see this got no interrupt: look again. */
		*used_event(q) = q->last_used;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) !=
		    q->last_used && good)
			goto again;
	}
	if (freed)
		event_signal(&q->slots);
	return good;
}

void virtq_poll(struct virtq *q)
{
	bool irq = spin_lock_irqsave(&q->lock);
	unsigned n = 0;
	bool good = reap_locked(q, &n);

	spin_unlock_irqrestore(&q->lock, irq);
	if (!good)
		virtio_break(q->dev);
}

unsigned virtq_set_interrupts(struct virtq *q, bool on)
{
	bool irq = spin_lock_irqsave(&q->lock);
	unsigned n = 0;
	bool good = true;

	q->irq_off = !on;
	if (!on) {
		/* The device interrupts when its used index steps past
		 * used_event; one just behind where it is now is passed
		 * only after 65536 more buffers. reap_locked() leaves it. */
		if (q->event_idx)
			*used_event(q) = q->last_used - 1;
		else
			q->avail->flags |= VIRTQ_AVAIL_F_NO_INTERRUPT;
	} else {
		if (!q->event_idx)
			q->avail->flags &= ~VIRTQ_AVAIL_F_NO_INTERRUPT;
		/* With event index the reap below re-arms used_event and
		 * looks again after the fence. Without it, the flag store
		 * must be visible before we look at the used index: a
		 * buffer used before the device saw it got no interrupt,
		 * so it is found here. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		good = reap_locked(q, &n);
	}
	spin_unlock_irqrestore(&q->lock, irq);
	if (!good)
		virtio_break(q->dev);
	return n;
}

__cold void virtq_fail_all(struct virtq *q)
{
	bool irq = spin_lock_irqsave(&q->lock);

	for (unsigned i = 0; i < q->size; i++) {
		struct virtq_req *req = q->reqs[i];

		if (!req)
			continue;
		q->reqs[i] = NULL;
		free_chain(q, i, req->ndesc);
		req->error = -EIO;
		finish(req);
	}
	spin_unlock_irqrestore(&q->lock, irq);
	event_signal(&q->slots);	/* waiters see the device broken */
}

int virtq_wait(struct virtq *q, struct virtq_req *req, uint64_t deadline)
{
	int rc = 0;

	if (q->polled) {
		while (!sema_trywait(&req->done)) {
			if (deadline && clock_ns() >= deadline) {
				rc = -ETIMEDOUT;
				break;
			}
			virtq_poll(q);
			thread_yield();	/* others on this CPU keep running */
		}
	} else if (deadline) {
		rc = sema_wait_until(&req->done, deadline);
	} else {
		sema_wait(&req->done);
	}
	if (rc == -ETIMEDOUT && sema_trywait(&req->done))
		rc = 0;		/* the answer came as the time ran out */
	if (rc == -ETIMEDOUT) {
		log_warn("%s: queue %u: no answer in time\n", q->dev->name,
			 q->index);
		/* Reset it so it lets go of our buffers; that fails every
		 * request in flight, this one included. */
		virtio_break(q->dev);
		sema_wait(&req->done);
		return -ETIMEDOUT;
	}
	return req->error ? req->error : (int)req->used_len;
}

__cold int virtq_call(struct virtq *q, const struct virtq_buf *out,
		      unsigned nout, const struct virtq_buf *in, unsigned nin,
		      uint64_t deadline)
{
	struct virtq_req req = { 0 };
	int rc = virtq_submit(q, &req, out, nout, in, nin);

	return rc ? rc : virtq_wait(q, &req, deadline);
}
