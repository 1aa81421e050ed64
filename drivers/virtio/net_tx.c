// SPDX-License-Identifier: MIT
/*
 * virtio-net transmit: each frame is copied, behind its header, into a
 * buffer of the device's pool and submitted; the device's completion puts
 * the buffer back. Used buffers are reaped on every send as well as from
 * the interrupt. With the pool empty a sender waits, up to the virtio
 * deadline: a device that holds every buffer longer is taken for dead.
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

void vnet_tx_done(struct virtq_req *req)
{
	struct vnet_buf *b = container_of(req, struct vnet_buf, req);
	struct vnet *v = b->v;
	bool irq = spin_lock_irqsave(&v->tx_lock);

	v->tx_free[v->ntx_free++] = b;
	spin_unlock_irqrestore(&v->tx_lock, irq);
	event_signal(&v->tx_event);
}

static struct vnet_buf *tx_get(struct vnet *v)
{
	uint64_t deadline = 0;

	for (;;) {
		virtq_poll(v->txq);
		if (READ_ONCE(v->vdev->broken))
			return NULL;
		bool irq = spin_lock_irqsave(&v->tx_lock);
		struct vnet_buf *b = v->ntx_free ?
				     v->tx_free[--v->ntx_free] : NULL;

		spin_unlock_irqrestore(&v->tx_lock, irq);
		if (b)
			return b;
		if (!deadline)
			deadline = virtio_deadline();
		/* A completion between the look and the wait leaves the
		 * event set, so it is not missed. */
		if (event_wait_until(&v->tx_event, deadline) == -ETIMEDOUT &&
		    !v->ntx_free) {
			virtio_break(v->vdev);
			return NULL;
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

	struct vnet_buf *b = tx_get(v);

	if (!b)
		return -EIO;
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
	int rc = virtq_submit(v->txq, &b->req, &out, 1, NULL, 0);

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
