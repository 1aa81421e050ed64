// SPDX-License-Identifier: MIT
/*
 * virtio-net receive. Completions only queue the used buffer on the ready
 * ring (in used order) and wake the receive thread; the thread checks
 * every length, count and flag the device wrote before it believes it. A
 * header the spec forbids (a used length shorter than the header, flags
 * or GSO we did not negotiate, a checksum position outside the frame, a
 * merged frame of no buffers or of more than are in flight) breaks the
 * device with a warning: nothing it says afterwards can be trusted, and
 * nothing is ever read past a buffer. A frame longer than a frame can be
 * is dropped. Good frames go to the stack in the buffers the device wrote
 * (one, or several merged): lent, so it keeps them without a copy, while
 * spare buffers can take their places on the ring (net_rx_lend.c), else
 * for it to copy before they are posted again.
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

	b->req = (struct virtq_req){ .complete = vnet_rx_done,
				     .dma_checked = true };
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

/* A whole frame's checks before the stack sees it: 0 and (*csum_ok)
 * set, 1 to drop it, or -EIO when its header broke the device. The
 * Ethernet header must be in the first buffer (netdev.h). */
static int frame_check(struct vnet *v, const struct vnet_hdr *h,
		       uint32_t len, bool *csum_ok)
{
	if (v->held[0].len < VNET_ETH_HLEN || len > v->rx_frame_max ||
	    (len > v->frame_max && !h->gso_type)) {
		log_warn("%s: dropped a frame of %u bytes\n", v->nd.name, len);
		return 1;
	}
	if (h->flags & VNET_HDR_F_NEEDS_CSUM) {
		/* Partial: it comes from the host and was never on a
		 * wire. Like Linux, take it as sound without summing it:
		 * the bytes are not read here at all. */
		if ((size_t)h->csum_start + h->csum_offset + 2 > len) {
			log_warn("%s: checksum at %u+%u of a %u-byte frame\n",
				 v->nd.name, h->csum_start, h->csum_offset,
				 len);
			return garbage(v);
		}
		*csum_ok = true;
	} else {
		*csum_ok = h->flags & VNET_HDR_F_DATA_VALID;
	}
	return 0;
}

/* The frame's last buffer came: to the stack unless it is dropped. Lent
 * buffers' places on the ring were taken already; the others go back on
 * it, the stack having copied what it keeps. */
static int frame_end(struct vnet *v)
{
	bool ok, lent = v->asm_lend;
	int rc = frame_check(v, &v->asm_hdr, v->asm_len, &ok);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		v->rx_frames++;
		v->dev->receive(v->dev, v->held, v->nheld, ok, lent);
	}
	for (unsigned i = 0; i < v->nheld; i++) {
		void *buf = v->held[i].lent;

		if (lent && rc)
			vnet_rx_release(v->dev, buf);
		else if (!lent && rx_post(v, container_of(buf, struct vnet_buf,
							  lent)))
			return -EIO;
	}
	return 0;
}

/* Buffer (b) is the frame's next piece, (used) bytes from (off). */
static int rx_piece(struct vnet *v, struct vnet_buf *b, uint32_t off,
		    uint32_t used)
{
	v->held[v->nheld++] = (struct netdev_rx_piece){
		.data = b->data + off, .len = used, .lent = b->lent };
	v->asm_len += used;
	if (v->asm_lend && rx_post(v, vnet_spare_take(v)))
		return -EIO;
	return --v->asm_left ? 0 : frame_end(v);
}

/* One used buffer, (used) bytes written (already checked <= buf_len).
 * Returns 0, or -EIO when it broke the device. */
static int rx_one(struct vnet *v, struct vnet_buf *b, uint32_t used)
{
	if (v->asm_left)	/* the rest of a merged frame */
		return rx_piece(v, b, 0, used);
	if (used < VNET_HDR_LEN) {
		log_warn("%s: used length %u is shorter than the header\n",
			 v->nd.name, used);
		return garbage(v);
	}
	memcpy(&v->asm_hdr, b->data, sizeof(v->asm_hdr));
	if (check_hdr(v, &v->asm_hdr))
		return -EIO;
	v->asm_left = v->mrg ? v->asm_hdr.num_buffers : 1;
	v->asm_len = 0;
	v->asm_lend = vnet_can_lend(v, v->asm_left);
	v->nheld = 0;
	return rx_piece(v, b, VNET_HDR_LEN, used - VNET_HDR_LEN);
}

/* Processes what is ready; returns how many buffers, or -EIO once the
 * device is broken. Each buffer taken puts one back on the ring; the
 * device hears of them together (pair_up() holds the queue's
 * notifications), a VM exit each time, every VNET_RX_NOTIFY_EVERY
 * buffers and at the end, as Linux's driver refills. */
#define VNET_RX_NOTIFY_EVERY	32

static int rx_batch(struct vnet *v)
{
	struct vnet_buf *b;
	int n = 0;

	while ((b = ready_take(v))) {
		if (b->req.error || READ_ONCE(v->vdev->broken))
			return -EIO;
		/* The core has checked used_len against the buffer. */
		if (rx_one(v, b, b->req.used_len))
			return -EIO;
		if (++n % VNET_RX_NOTIFY_EVERY == 0)
			virtq_flush(v->rxq);
	}
	virtq_flush(v->rxq);
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
	v->rxq->hold_notify = true;	/* rx_batch() sends them */
	for (unsigned i = 0; i < v->nrx; i++) {
		int rc = rx_post(v, &v->rx[i]);

		if (rc)
			return rc;
	}
	virtq_flush(v->rxq);
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
