// SPDX-License-Identifier: MIT
/*
 * virtio-net receive. Completions only queue the used buffer on the ready
 * ring (in used order) and wake the receive thread; the thread checks
 * every length and count the device wrote before it believes it: a used
 * length shorter than the header or a merged frame of more buffers than
 * are in flight, or longer than a frame can be, is dropped with a
 * warning, never copied past a buffer. Then it hands the frame to the
 * stack and posts the buffer again. It processes while there is work and
 * yields between batches, so the CPU's other threads still run.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/log.h>
#include <toro/thread.h>

#include "net_impl.h"

void vnet_rx_done(struct virtq_req *req)
{
	struct vnet_buf *b = container_of(req, struct vnet_buf, req);
	struct vnet *v = b->v;
	bool irq = spin_lock_irqsave(&v->ready_lock);

	/* Never overflows: each buffer is at most once in flight. */
	v->ready[v->ready_tail++ % v->nrx] = b;
	spin_unlock_irqrestore(&v->ready_lock, irq);
	event_signal(&v->rx_event);
}

static struct vnet_buf *ready_take(struct vnet *v)
{
	struct vnet_buf *b = NULL;
	bool irq = spin_lock_irqsave(&v->ready_lock);

	if (v->ready_head != v->ready_tail)
		b = v->ready[v->ready_head++ % v->nrx];
	spin_unlock_irqrestore(&v->ready_lock, irq);
	return b;
}

static int rx_post(struct vnet *v, struct vnet_buf *b)
{
	struct virtq_buf in = { b->data, v->buf_len };

	b->req = (struct virtq_req){ .complete = vnet_rx_done };
	return virtq_submit(v->rxq, &b->req, NULL, 0, &in, 1);
}

/* Gives a whole frame to the stack. */
static void deliver(struct vnet *v, const struct vnet_hdr *h, uint8_t *frame,
		    uint32_t len)
{
	bool ok = false;

	if (len < VNET_ETH_HLEN || len > v->frame_max) {
		log_warn("%s: dropped a frame of %u bytes\n", v->nd.name, len);
		return;
	}
	if (h->flags & VNET_HDR_F_NEEDS_CSUM) {
		/* Partial (from another guest on the host): finish it. */
		if (vnet_csum_fill(frame, len, h->csum_start,
				   h->csum_offset)) {
			log_warn("%s: dropped a frame with checksum at "
				 "%u+%u of %u bytes\n", v->nd.name,
				 h->csum_start, h->csum_offset, len);
			return;
		}
		ok = true;
	} else if (v->nd.features & NETDEV_F_RX_CSUM) {
		ok = h->flags & VNET_HDR_F_DATA_VALID;
	}
	v->nd.receive(&v->nd, frame, len, ok);
}

/* One used buffer, (used) bytes written (already checked <= buf_len). */
static void rx_one(struct vnet *v, struct vnet_buf *b, uint32_t used)
{
	if (v->asm_left) {	/* the rest of a merged frame */
		if (!v->asm_drop && v->asm_len + used > v->frame_max) {
			log_warn("%s: merged frame longer than %u bytes: "
				 "dropped\n", v->nd.name, v->frame_max);
			v->asm_drop = true;
		}
		if (!v->asm_drop) {
			memcpy(v->frame + v->asm_len, b->data, used);
			v->asm_len += used;
		}
		if (--v->asm_left == 0 && !v->asm_drop)
			deliver(v, &v->asm_hdr, v->frame, v->asm_len);
		return;
	}
	if (used < VNET_HDR_LEN) {
		log_warn("%s: used length %u is shorter than the header: "
			 "dropped\n", v->nd.name, used);
		return;
	}
	struct vnet_hdr h;

	memcpy(&h, b->data, sizeof(h));
	used -= VNET_HDR_LEN;
	if (!v->mrg || h.num_buffers == 1) {
		deliver(v, &h, b->data + VNET_HDR_LEN, used);
		return;
	}
	if (h.num_buffers == 0 || h.num_buffers > v->nrx) {
		log_warn("%s: frame in %u buffers, %u in flight: dropped\n",
			 v->nd.name, h.num_buffers, v->nrx);
		/* Where the next frame starts is unknown: take every
		 * buffer as a frame of its own, checked as such. */
		return;
	}
	v->asm_hdr = h;
	v->asm_left = h.num_buffers - 1;
	v->asm_drop = used > v->frame_max;
	v->asm_len = 0;
	if (v->asm_drop)
		log_warn("%s: merged frame longer than %u bytes: dropped\n",
			 v->nd.name, v->frame_max);
	else
		memcpy(v->frame, b->data + VNET_HDR_LEN, used);
	v->asm_len = used;
}

/* Processes what is ready; returns how many buffers, or -EIO once the
 * device is broken. */
static int rx_batch(struct vnet *v)
{
	struct vnet_buf *b;
	int n = 0;

	while ((b = ready_take(v))) {
		if (b->req.error || READ_ONCE(v->vdev->broken))
			return -EIO;
		/* The core has checked used_len against the buffer. */
		rx_one(v, b, b->req.used_len);
		if (rx_post(v, b))
			return -EIO;
		n++;
	}
	return n;
}

static void *rx_thread(void *arg)
{
	struct vnet *v = arg;

	for (;;) {
		virtq_poll(v->rxq);
		int n = rx_batch(v);

		if (n < 0)
			break;
		if (n > 0) {
			thread_yield();	/* busy: poll again, not sleep */
			continue;
		}
		event_wait(&v->rx_event);
	}
	log_info("%s: device broken: receive stops\n", v->nd.name);
	return NULL;
}

int vnet_up(struct netdev *d)
{
	struct vnet *v = d->driver_data;

	if (!d->receive)
		return -EINVAL;
	if (__atomic_exchange_n(&v->running, true, __ATOMIC_ACQ_REL))
		return -EBUSY;
	for (unsigned i = 0; i < v->nrx; i++) {
		int rc = rx_post(v, &v->rx[i]);

		if (rc)
			return rc;
	}
	struct thread *t = thread_create(v->vdev->irq_cpu, 0, rx_thread, v);

	if (!t)
		return -errno;
	thread_detach(t);
	return 0;
}
