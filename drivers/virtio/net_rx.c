// SPDX-License-Identifier: MIT
/*
 * virtio-net receive. Completions only queue the used buffer on the ready
 * ring (in used order) and wake the receive thread; the thread checks
 * every length, count and flag the device wrote before it believes it. A
 * header the spec forbids (a used length shorter than the header, flags
 * or GSO we did not negotiate, a checksum position outside the frame, a
 * merged frame of no buffers or of more than are in flight) breaks the
 * device with a warning: nothing it says afterwards can be trusted, and
 * nothing is ever copied past a buffer. A merged frame longer than a
 * frame can be is dropped. Good frames go to the stack and the buffer is
 * posted again.
 *
 * Interrupt-driven with a polled fast path under load: while the thread
 * keeps finding buffers it turns the queue's interrupts off and polls,
 * yielding between batches so the CPU's other threads still run; when a
 * look finds nothing it turns them back on (which also takes what came
 * meanwhile) and sleeps.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/thread_impl.h>
#include <kernel/log.h>
#include <toro/thread.h>

#include "net_impl.h"
#include "virtio_impl.h"

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

/* The device broke the protocol: it is reset and fails from now on. */
static int garbage(struct vnet *v)
{
	virtio_break(v->vdev);
	return -EIO;
}

/* Whether GSO type (t) may come: a TCP segment, with large receive, to
 * be finished by its checksum (5.1.6.4: GSO comes with NEEDS_CSUM). */
static bool gso_ok(const struct vnet *v, const struct vnet_hdr *h)
{
	uint8_t t = h->gso_type;

	if (t == 0)
		return true;
	if (!v->guest_tso || !(h->flags & VNET_HDR_F_NEEDS_CSUM))
		return false;
	if (t == VNET_HDR_GSO_TCPV4)
		return v->vdev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4);
	if (t == VNET_HDR_GSO_TCPV6)
		return v->vdev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6);
	return false;	/* UDP, ECN: not negotiated */
}

/* A header the device may send (5.1.6.4): flags only with GUEST_CSUM, GSO
 * only as negotiated, a buffer count only with merged buffers. */
static int check_hdr(struct vnet *v, const struct vnet_hdr *h)
{
	uint8_t known = VNET_HDR_F_NEEDS_CSUM | VNET_HDR_F_DATA_VALID;

	if ((h->flags & ~known) || (h->flags && !v->guest_csum)) {
		log_warn("%s: header flags %#x not negotiated\n", v->nd.name,
			 h->flags);
		return garbage(v);
	}
	if (!gso_ok(v, h)) {
		log_warn("%s: GSO type %u (flags %#x) not negotiated\n",
			 v->nd.name, h->gso_type, h->flags);
		return garbage(v);
	}
	if (v->mrg && (h->num_buffers == 0 || h->num_buffers > v->nrx)) {
		log_warn("%s: frame in %u buffers, %u in flight\n",
			 v->nd.name, h->num_buffers, v->nrx);
		return garbage(v);
	}
	return 0;
}

/* Gives a whole frame to the stack. */
static int deliver(struct vnet *v, const struct vnet_hdr *h, uint8_t *frame,
		   uint32_t len)
{
	bool ok = false;

	if (len < VNET_ETH_HLEN || len > v->rx_frame_max ||
	    (len > v->frame_max && !h->gso_type)) {
		log_warn("%s: dropped a frame of %u bytes\n", v->nd.name, len);
		return 0;
	}
	if (h->flags & VNET_HDR_F_NEEDS_CSUM) {
		/* Partial (from another guest on the host): finish it. */
		if (vnet_csum_fill(frame, len, h->csum_start,
				   h->csum_offset)) {
			log_warn("%s: checksum at %u+%u of a %u-byte frame\n",
				 v->nd.name, h->csum_start, h->csum_offset,
				 len);
			return garbage(v);
		}
		ok = true;
	} else {
		ok = h->flags & VNET_HDR_F_DATA_VALID;
	}
	v->rx_frames++;
	v->dev->receive(v->dev, frame, len, ok);
	return 0;
}

/* One used buffer, (used) bytes written (already checked <= buf_len).
 * Returns 0, or -EIO when it broke the device. */
static int rx_one(struct vnet *v, struct vnet_buf *b, uint32_t used)
{
	if (v->asm_left) {	/* the rest of a merged frame */
		if (!v->asm_drop && v->asm_len + used > v->rx_frame_max) {
			log_warn("%s: merged frame longer than %u bytes: "
				 "dropped\n", v->nd.name, v->rx_frame_max);
			v->asm_drop = true;
		}
		if (!v->asm_drop) {
			memcpy(v->frame + v->asm_len, b->data, used);
			v->asm_len += used;
		}
		if (--v->asm_left == 0 && !v->asm_drop)
			return deliver(v, &v->asm_hdr, v->frame, v->asm_len);
		return 0;
	}
	if (used < VNET_HDR_LEN) {
		log_warn("%s: used length %u is shorter than the header\n",
			 v->nd.name, used);
		return garbage(v);
	}
	struct vnet_hdr h;

	memcpy(&h, b->data, sizeof(h));
	if (check_hdr(v, &h))
		return -EIO;
	used -= VNET_HDR_LEN;
	if (!v->mrg || h.num_buffers == 1)
		return deliver(v, &h, b->data + VNET_HDR_LEN, used);
	v->asm_hdr = h;
	v->asm_left = h.num_buffers - 1;
	v->asm_drop = used > v->rx_frame_max;
	v->asm_len = 0;
	if (v->asm_drop)
		log_warn("%s: merged frame longer than %u bytes: dropped\n",
			 v->nd.name, v->rx_frame_max);
	else
		memcpy(v->frame, b->data + VNET_HDR_LEN, used);
	v->asm_len = used;
	return 0;
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
		if (rx_one(v, b, b->req.used_len) || rx_post(v, b))
			return -EIO;
		n++;
	}
	return n;
}

/* Tells the stack the link state, if it changed since it last heard. */
static void link_report(struct vnet *v)
{
	if (!__atomic_exchange_n(&v->link_dirty, false, __ATOMIC_ACQ_REL))
		return;
	if (v->nd.link_changed)
		v->nd.link_changed(&v->nd, READ_ONCE(v->nd.link_up));
}

static void *rx_thread(void *arg)
{
	struct vnet *v = arg;
	bool polling = false;	/* the queue's interrupts are off */

	for (;;) {
		link_report(v);
		/* Sent frames' pieces go back to the stack from here too:
		 * their completions wake this thread (net_sg.c). */
		virtq_poll(v->txq);
		vnet_sg_reap(v);
		virtq_poll(v->rxq);
		int n = rx_batch(v);

		if (n < 0)
			break;
		if (n > 0) {
			/* Busy: more will come before an interrupt could
			 * be taken; look again after the others ran. */
			if (!polling)
				virtq_set_interrupts(v->rxq, false);
			polling = true;
			thread_yield();
			continue;
		}
		if (polling) {
			/* Idle: re-arm; what came meanwhile is on the
			 * ready ring now, so look once more. */
			virtq_set_interrupts(v->rxq, true);
			polling = false;
			continue;
		}
		event_wait(&v->rx_event);
	}
	log_info("%s: device broken: receive stops\n", v->nd.name);
	return NULL;
}

/* Posts pair (v)'s receive buffers and starts its thread on its CPU. */
static __cold int pair_up(struct vnet *v)
{
	for (unsigned i = 0; i < v->nrx; i++) {
		int rc = rx_post(v, &v->rx[i]);

		if (rc)
			return rc;
	}
	/* Sent buffers are reaped by polling (net_tx.c). */
	virtq_set_interrupts(v->txq, false);
	struct thread_params p = { .cpu = v->cpu, .fn = rx_thread, .arg = v };
	int rc = kthread_spawn(&p, NULL);

	return rc < 0 ? rc : 0;
}

/* Once, when the stack attaches: every pair starts receiving. */
__cold int vnet_up(struct netdev *d)
{
	struct vnet *v = d->driver_data;
	int rc = 0;

	if (!d->receive)
		return -EINVAL;
	if (__atomic_exchange_n(&v->running, true, __ATOMIC_ACQ_REL))
		return -EBUSY;
	for (unsigned k = 0; k < v->npairs && !rc; k++)
		rc = pair_up(vnet_pair(v, k));
	return rc;
}
