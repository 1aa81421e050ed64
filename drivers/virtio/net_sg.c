// SPDX-License-Identifier: MIT
/*
 * virtio-net transmit without a copy (NETDEV_F_SG): a frame to segment
 * goes to the device as one indirect descriptor (VIRTIO_F_INDIRECT_DESC)
 * whose table points at the virtio header with the frame's headers,
 * copied, then at the payload where the stack keeps it. A 64 KiB frame
 * takes one slot of the ring and no copy of its payload.
 *
 * The stack's pieces stay in use until the device says it read them, so
 * each frame carries the stack's cookie: the completion (which may come
 * in an interrupt handler) only queues its slot, and a thread hands the
 * cookie back to nd.tx_release - the next sender, the receive thread
 * (which the completion wakes), or the drain at exit.
 *
 * TX interrupts, off otherwise (net_tx.c), are on while any slot is out:
 * the stack cannot do without its pieces for long (lwIP, for one, does
 * not resend a segment whose pbuf is still referenced), and nothing else
 * may come to reap them if the peer goes quiet.
 *
 * The slots (a descriptor table and room for the headers each) are made
 * on first need; with none free a frame is refused at once, and the stack
 * sends it another way.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <toro/sync.h>

#include "net_impl.h"

enum { SG_NONE, SG_MAKING, SG_READY };

static void sg_done(struct virtq_req *req)
{
	struct vnet_sg *s = container_of(req, struct vnet_sg, req);
	struct vnet *v = s->v;
	bool irq = spin_lock_irqsave(&v->tx_lock);

	v->sg_done[v->nsg_done++] = s;
	spin_unlock_irqrestore(&v->tx_lock, irq);
	event_signal(&v->rx_event);
}

/* TX interrupts on while slots are out, off when all are back. In a
 * thread: the switch is a mutex, as virtq_set_interrupts() may run
 * completions, which take tx_lock. */
static void sg_irq_update(struct vnet *v)
{
	mutex_lock(&v->sg_irq_lock);
	bool out = READ_ONCE(v->nsg_free) != v->tso_max;

	if (out != v->sg_irq_on) {
		v->sg_irq_on = out;
		virtq_set_interrupts(v->txq, out);
	}
	mutex_unlock(&v->sg_irq_lock);
}

bool vnet_sg_reap(struct vnet *v)
{
	struct vnet_sg *done[VNET_TSO_BUFS];
	unsigned n;
	bool irq = spin_lock_irqsave(&v->tx_lock);

	n = v->nsg_done;
	memcpy(done, v->sg_done, n * sizeof(done[0]));
	v->nsg_done = 0;
	bool idle = v->sg_state != SG_READY || v->nsg_free == v->tso_max;

	spin_unlock_irqrestore(&v->tx_lock, irq);
	if (!n)
		return idle;
	for (unsigned i = 0; i < n; i++)
		v->dev->tx_release(v->dev, done[i]->cookie);

	irq = spin_lock_irqsave(&v->tx_lock);
	for (unsigned i = 0; i < n; i++)
		v->sg_free[v->nsg_free++] = done[i];
	idle = v->nsg_free == v->tso_max;

	spin_unlock_irqrestore(&v->tx_lock, irq);
	sg_irq_update(v);
	return idle;
}

/* The slots, made by the first sender that needs them; false while they
 * are being made or when memory is short. */
static bool sg_ready(struct vnet *v)
{
	int state = SG_NONE;

	if (__atomic_load_n(&v->sg_state, __ATOMIC_ACQUIRE) == SG_READY)
		return true;
	if (!__atomic_compare_exchange_n(&v->sg_state, &state, SG_MAKING,
					 false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;

	struct vnet_sg *s = heap_alloc(v->tso_max * sizeof(*s));

	if (!s) {
		__atomic_store_n(&v->sg_state, SG_NONE, __ATOMIC_RELEASE);
		return false;
	}
	bool irq = spin_lock_irqsave(&v->tx_lock);

	v->sg = s;
	for (unsigned i = 0; i < v->tso_max; i++) {
		s[i].v = v;
		v->sg_free[v->nsg_free++] = &s[i];
	}
	spin_unlock_irqrestore(&v->tx_lock, irq);
	__atomic_store_n(&v->sg_state, SG_READY, __ATOMIC_RELEASE);
	return true;
}

static struct vnet_sg *sg_get(struct vnet *v)
{
	struct vnet_sg *s = NULL;

	virtq_poll(v->txq);	/* completions not yet reaped */
	vnet_sg_reap(v);
	if (!sg_ready(v))
		return NULL;
	bool irq = spin_lock_irqsave(&v->tx_lock);

	if (v->nsg_free)
		s = v->sg_free[--v->nsg_free];
	spin_unlock_irqrestore(&v->tx_lock, irq);
	return s;
}

static void sg_put(struct vnet *v, struct vnet_sg *s)
{
	bool irq = spin_lock_irqsave(&v->tx_lock);

	v->sg_free[v->nsg_free++] = s;
	spin_unlock_irqrestore(&v->tx_lock, irq);
}

int vnet_xmit_ref(struct netdev *d, const struct netdev_frag *frags,
		  unsigned n, const struct netdev_offload *off, void *cookie)
{
	struct vnet *v = vnet_tx_pair(d);
	struct virtq_buf out[NETDEV_FRAGS_MAX];
	size_t len = 0;

	if (!(d->features & NETDEV_F_SG) || !d->tx_release || !off ||
	    !off->mss || n < 2 || n > NETDEV_FRAGS_MAX ||
	    !(d->features & (off->ipv6 ? NETDEV_F_TSO6 : NETDEV_F_TSO4)) ||
	    frags[0].len != off->hdr_len || off->hdr_len > VNET_SG_HDR_MAX ||
	    off->start + off->offset + 2 > off->hdr_len)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		len += frags[i].len;
	if (len > NETDEV_TSO_MAX)
		return -EMSGSIZE;
	if (READ_ONCE(v->vdev->broken))
		return -EIO;

	struct vnet_sg *s = sg_get(v);

	if (!s)
		return -ENOBUFS;
	struct vnet_hdr h = {
		.flags = VNET_HDR_F_NEEDS_CSUM,
		.gso_type = off->ipv6 ? VNET_HDR_GSO_TCPV6 : VNET_HDR_GSO_TCPV4,
		.hdr_len = off->hdr_len,
		.gso_size = off->mss,
		.csum_start = off->start,
		.csum_offset = off->offset,
	};

	memcpy(s->hdr, &h, VNET_HDR_LEN);
	memcpy(s->hdr + VNET_HDR_LEN, frags[0].data, frags[0].len);
	out[0] = (struct virtq_buf){ s->hdr, VNET_HDR_LEN + frags[0].len };
	for (unsigned i = 1; i < n; i++)
		out[i] = (struct virtq_buf){ (void *)frags[i].data,
					     frags[i].len };
	s->cookie = cookie;
	s->req = (struct virtq_req){ .complete = sg_done };

	int rc = virtq_submit_indirect(v->txq, &s->req, s->table, out, n);

	if (rc) {
		sg_put(v, s);
		return rc == -ENOSPC ? -ENOBUFS : rc;
	}
	__atomic_fetch_add(&v->tx_frames, 1, __ATOMIC_RELAXED);
	sg_irq_update(v);
	return 0;
}
