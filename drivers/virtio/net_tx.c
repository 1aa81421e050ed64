// SPDX-License-Identifier: MIT
/*
 * virtio-net transmit: each frame is copied, behind its header, into a
 * buffer of the device's pool and submitted; the device's completion puts
 * the buffer back. The device does not interrupt for these (vnet_up()
 * turns the queue's interrupts off: they were most of the guest's, one
 * per frame): used buffers are reaped by polling, by a sender when a
 * quarter of the pool is left or the ring is full, in the receive
 * thread's every turn and while a sender waits for one.
 *
 * Frames to segment (TSO) take a large buffer of their own instead, made
 * the first time one is needed (a guest that never sends in bulk never
 * pays for them); with none free such a frame is refused at once and the
 * stack sends its segments one by one (net/netif_tso.c).
 *
 * With the pool empty, or every descriptor of the ring with the device
 * (frames sent in place, net_sg.c, take them too), a sender waits a
 * little (VNET_TX_WAIT_NS), looking at the ring itself, then the frame is
 * dropped (-ENOBUFS), as a full transmit queue drops on Linux: TCP sends
 * it again. It must not wait longer, nor for an interrupt: with the
 * queue's off, only senders and the receive thread reap it. The stack
 * sends with its core lock held, which the receive thread needs to hand
 * frames up and give their buffers back to the device (a sender that
 * waited for descriptors until an interrupt stopped the web server for
 * good under the stress test's load); QEMU, for one, stops taking our
 * frames while it cannot deliver its own to us, so a sender waiting for
 * the device here would wait for itself: the web server on one CPU under
 * load stopped for good that way. A device that keeps every buffer past
 * the virtio deadline is taken for dead.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/page_alloc.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "net_impl.h"
#include "virtio_impl.h"

#define VNET_TX_WAIT_NS		(2 * 1000 * 1000ULL)
#define VNET_TX_POLL_NS		(50 * 1000ULL)

void vnet_tx_done(struct virtq_req *req)
{
	struct vnet_buf *b = container_of(req, struct vnet_buf, req);
	struct vnet *v = b->v;
	bool irq = spin_lock_irqsave(&v->tx_lock);

	v->tx_free[v->ntx_free++] = b;
	spin_unlock_irqrestore(&v->tx_lock, irq);
}

static void tso_done(struct virtq_req *req)
{
	struct vnet_buf *b = container_of(req, struct vnet_buf, req);
	struct vnet *v = b->v;
	bool irq = spin_lock_irqsave(&v->tx_lock);

	v->tso_free[v->ntso_free++] = b;
	spin_unlock_irqrestore(&v->tx_lock, irq);
}

/* A free large buffer, made if there are fewer than (tso_max); NULL
 * when they are all with the device or memory is short. One sender at a
 * time makes one, outside the lock (page_alloc() may take a while). */
static struct vnet_buf *tso_get(struct vnet *v)
{
	struct vnet_buf *b = NULL;
	bool make = false, irq;

	virtq_poll(v->txq);	/* completions not yet reaped */
	irq = spin_lock_irqsave(&v->tx_lock);

	if (v->ntso_free)
		b = v->tso_free[--v->ntso_free];
	else if (v->ntso < v->tso_max && !v->tso_making)
		make = v->tso_making = true;
	spin_unlock_irqrestore(&v->tx_lock, irq);
	if (!make)
		return b;

	uint8_t *mem = page_alloc(VNET_TSO_PAGES);

	irq = spin_lock_irqsave(&v->tx_lock);
	if (mem) {
		b = &v->tso[v->ntso++];
		b->v = v;
		b->data = mem;
	}
	v->tso_making = false;
	spin_unlock_irqrestore(&v->tx_lock, irq);
	return b;
}

/* Another look for room on the device, for a sender that found none:
 * false once it has waited VNET_TX_WAIT_NS since (*give_up) was set (0
 * at first), and the frame is dropped. */
static bool tx_wait(struct vnet *v, uint64_t *give_up)
{
	if (!*give_up) {
		*give_up = clock_ns() + VNET_TX_WAIT_NS;
		/* The device has all the room, so it has work: in case it
		 * missed being told (virtq.c), tell it now. */
		virtq_kick(v->txq);
	}
	if (clock_ns() >= *give_up) {
		v->tx_dropped++;
		return false;
	}
	thread_sleep_ns(VNET_TX_POLL_NS);	/* no interrupt comes */
	virtq_poll(v->txq);
	return true;
}

/* Reaps the queue once a quarter of the pool is left: each reap then
 * takes many completions. One per frame sent was the queue's lock, a
 * fence and a look at the used ring for a frame or two, a twentieth of
 * the web server's time. */
static void reap_if_low(struct vnet *v)
{
	if (READ_ONCE(v->ntx_free) < v->ntx / 4)
		virtq_poll(v->txq);
}

/* A free buffer in (*out): 0, -ENOBUFS (none came in time: the frame is
 * dropped) or -EIO (the device is broken). */
static int tx_get(struct vnet *v, struct vnet_buf **out)
{
	uint64_t give_up = 0;

	reap_if_low(v);
	for (;;) {
		if (READ_ONCE(v->vdev->broken))
			return -EIO;
		bool irq = spin_lock_irqsave(&v->tx_lock);
		struct vnet_buf *b = v->ntx_free ?
				     v->tx_free[--v->ntx_free] : NULL;

		if (b)
			v->tx_stuck_deadline = 0;
		else if (!v->tx_stuck_deadline)
			v->tx_stuck_deadline = virtio_deadline();
		uint64_t stuck = v->tx_stuck_deadline;

		spin_unlock_irqrestore(&v->tx_lock, irq);
		if (b) {
			*out = b;
			return 0;
		}
		if (clock_ns() >= stuck) {
			virtio_break(v->vdev);
			return -EIO;
		}
		if (!tx_wait(v, &give_up))
			return -ENOBUFS;
	}
}

/* The transmit queues hold their notifications (net_mq.c): the stack
 * sends under its core lock, and a notification is a VM exit, under TCG
 * a wait for QEMU's big lock, which every other sender would then wait
 * out too. Here they go, after the lock, one for all the frames sent
 * while it was held: on the queue of this CPU, as they were. */
void vnet_tx_flush(struct netdev *d)
{
	virtq_flush(vnet_tx_pair(d)->txq);
}

int vnet_xmit(struct netdev *d, const struct netdev_frag *frags, unsigned n,
	      const struct netdev_offload *off)
{
	struct vnet *v = vnet_tx_pair(d);
	bool tso = off && off->mss;
	size_t len = 0;

	if (n == 0 || n > NETDEV_FRAGS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		len += frags[i].len;
	if (len < VNET_ETH_HLEN)
		return -EINVAL;
	if (len > (tso ? NETDEV_TSO_MAX : v->frame_max))
		return -EMSGSIZE;
	if (off && (size_t)off->start + off->offset + 2 > len)
		return -EINVAL;
	if (tso && (!(d->features & (off->ipv6 ? NETDEV_F_TSO6 :
						       NETDEV_F_TSO4)) ||
		    off->hdr_len >= len ||
		    off->start + off->offset + 2 > off->hdr_len))
		return -EINVAL;
	if (READ_ONCE(v->vdev->broken))
		return -EIO;

	struct vnet_buf *b;
	int rc = 0;

	if (tso)
		b = tso_get(v);
	else
		rc = tx_get(v, &b);
	if (tso && !b)
		return -ENOBUFS;
	if (rc)
		return rc;
	struct vnet_hdr *h = (struct vnet_hdr *)b->data;
	uint8_t *frame = b->data + VNET_HDR_LEN;
	size_t at = 0;

	memset(h, 0, VNET_HDR_LEN);
	for (unsigned i = 0; i < n; i++) {
		memcpy(frame + at, frags[i].data, frags[i].len);
		at += frags[i].len;
	}
	if (off) {	/* only with NETDEV_F_TX_CSUM (netdev.h) */
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = off->start;
		h->csum_offset = off->offset;
	}
	if (tso) {
		h->gso_type = off->ipv6 ? VNET_HDR_GSO_TCPV6 :
					  VNET_HDR_GSO_TCPV4;
		h->gso_size = off->mss;
		h->hdr_len = off->hdr_len;
	}
	/* A frame's buffer is from the pool pool_init() checked; a large
	 * buffer is checked as it goes (a walk per 64 KiB). */
	b->req = (struct virtq_req){ .complete = tso ? tso_done : vnet_tx_done,
				     .dma_checked = !tso };

	struct virtq_buf out = { b->data, VNET_HDR_LEN + len };
	uint64_t give_up = 0;
	bool reaped = false;

	/* Not virtq_submit(), which would wait for descriptors until an
	 * interrupt that never comes (see the top). A full ring may hold
	 * completions not yet reaped (reap_if_low()): they go first. A
	 * frame to segment is refused at once, as without a large buffer. */
	while ((rc = virtq_submit_nowait(v->txq, &b->req, &out, 1, NULL,
					 0)) == -ENOSPC) {
		if (!reaped)
			virtq_poll(v->txq);
		else if (tso || !tx_wait(v, &give_up))
			break;
		reaped = true;
	}
	if (rc == -ENOSPC)
		rc = -ENOBUFS;
	if (rc)
		b->req.complete(&b->req);
	else	/* two CPUs share a pair when there are fewer pairs */
		__atomic_fetch_add(&v->tx_frames, 1, __ATOMIC_RELAXED);
	return rc;
}
