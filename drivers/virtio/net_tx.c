// SPDX-License-Identifier: MIT
/*
 * virtio-net transmit: each frame is copied, behind its header, into a
 * buffer of the device's pool and submitted; the device's completion puts
 * the buffer back. Used buffers are reaped on every send as well as from
 * the interrupt.
 *
 * With the pool empty a sender waits a little (VNET_TX_WAIT_NS), then the
 * frame is dropped (-ENOBUFS), as a full transmit queue drops on Linux:
 * TCP sends it again. It must not wait longer. The stack sends with its
 * core lock held, which the receive thread needs to hand frames up and
 * give their buffers back to the device; QEMU, for one, stops taking our
 * frames while it cannot deliver its own to us, so a sender waiting for
 * the device here would wait for itself: the web server on one CPU under
 * load stopped for good that way. A device that keeps every buffer past
 * the virtio deadline is taken for dead.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "net_impl.h"
#include "virtio_impl.h"

#define VNET_DRAIN_POLL_NS	(100 * 1000ULL)
#define VNET_TX_WAIT_NS		(2 * 1000 * 1000ULL)

void vnet_tx_done(struct virtq_req *req)
{
	struct vnet_buf *b = container_of(req, struct vnet_buf, req);
	struct vnet *v = b->v;
	bool irq = spin_lock_irqsave(&v->tx_lock);

	v->tx_free[v->ntx_free++] = b;
	spin_unlock_irqrestore(&v->tx_lock, irq);
	event_signal(&v->tx_event);
}

/* A free buffer in (*out): 0, -ENOBUFS (none came in time: the frame is
 * dropped) or -EIO (the device is broken). */
static int tx_get(struct vnet *v, struct vnet_buf **out)
{
	uint64_t give_up = 0;

	for (;;) {
		virtq_poll(v->txq);
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
		if (!give_up) {
			give_up = clock_ns() + VNET_TX_WAIT_NS;
			/* The device holds every buffer, so it has work: in
			 * case it missed being told (virtq.c), tell it now. */
			virtq_kick(v->txq);
		}
		/* A completion between the look and the wait leaves the
		 * event set, so it is not missed. */
		if (event_wait_until(&v->tx_event, give_up) == -ETIMEDOUT &&
		    !READ_ONCE(v->ntx_free)) {
			v->tx_dropped++;
			return -ENOBUFS;
		}
	}
}

int vnet_xmit(struct netdev *d, const struct netdev_frag *frags, unsigned n,
	      const struct netdev_csum *csum)
{
	struct vnet *v = d->driver_data;
	size_t len = 0;

	if (n == 0 || n > NETDEV_FRAGS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		len += frags[i].len;
	if (len < VNET_ETH_HLEN)
		return -EINVAL;
	if (len > v->frame_max)
		return -EMSGSIZE;
	if (csum && (size_t)csum->start + csum->offset + 2 > len)
		return -EINVAL;
	if (READ_ONCE(v->vdev->broken))
		return -EIO;

	struct vnet_buf *b;
	int rc = tx_get(v, &b);

	if (rc)
		return rc;
	struct vnet_hdr *h = (struct vnet_hdr *)b->data;
	uint8_t *frame = b->data + VNET_HDR_LEN;
	size_t off = 0;

	memset(h, 0, VNET_HDR_LEN);
	for (unsigned i = 0; i < n; i++) {
		memcpy(frame + off, frags[i].data, frags[i].len);
		off += frags[i].len;
	}
	if (csum && (d->features & NETDEV_F_TX_CSUM)) {
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = csum->start;
		h->csum_offset = csum->offset;
	} else if (csum) {
		vnet_csum_fill(frame, len, csum->start, csum->offset);
	}
	b->req = (struct virtq_req){ .complete = vnet_tx_done };

	struct virtq_buf out = { b->data, VNET_HDR_LEN + len };
	rc = virtq_submit(v->txq, &b->req, &out, 1, NULL, 0);

	if (rc)
		vnet_tx_done(&b->req);
	return rc;
}

/* Every TX buffer back in the pool means the device has taken every frame
 * (QEMU, for one, transmits from a later main-loop turn than the notify).
 * Polls: the completions may be waiting for an interrupt not yet taken. */
int vnet_drain(struct netdev *d, uint64_t deadline)
{
	struct vnet *v = d->driver_data;

	for (;;) {
		virtq_poll(v->txq);
		if (READ_ONCE(v->ntx_free) == v->ntx ||
		    READ_ONCE(v->vdev->broken))
			return 0;
		if (clock_ns() >= deadline)
			return -ETIMEDOUT;
		thread_sleep_ns(VNET_DRAIN_POLL_NS);
	}
}
