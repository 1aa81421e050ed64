// SPDX-License-Identifier: MIT
/*
 * virtio-net receive without a copy: a frame's buffers are lent to the
 * stack (netdev receive), which keeps the bytes where the device wrote
 * them until the application has read them, so a received byte is
 * copied once, into the application's buffer. The ring must not run
 * short meanwhile: each lent buffer's place is taken at once by a spare,
 * and a buffer the stack gives back becomes a spare. A frame is lent only
 * when there are spares for all its buffers; else (the stack holds them
 * all: an application that does not read) the stack copies it.
 *
 * The spares are taken only by the pair's receive thread and given back
 * from anywhere, under a lock of their own.
 */

#include "net_impl.h"

struct vnet_buf *vnet_spare_take(struct vnet *v)
{
	bool irq = spin_lock_irqsave(&v->spare_lock);
	/* vnet_can_lend() saw enough, and only this thread takes. */
	struct vnet_buf *b = v->spare[--v->nspare];

	spin_unlock_irqrestore(&v->spare_lock, irq);
	return b;
}

void vnet_rx_release(struct netdev *d, void *lent)
{
	struct vnet_buf *b = container_of(lent, struct vnet_buf, lent);
	struct vnet *v = b->v;
	bool irq = spin_lock_irqsave(&v->spare_lock);

	(void)d;
	v->spare[v->nspare++] = b;
	spin_unlock_irqrestore(&v->spare_lock, irq);
}

bool vnet_can_lend(struct vnet *v, unsigned nbufs)
{
	/* Only this thread takes spares: what it sees stays. */
	return v->spare_max && READ_ONCE(v->nspare) >= nbufs;
}
