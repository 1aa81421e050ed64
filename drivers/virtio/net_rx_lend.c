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
 * The spares are taken only by the pair's receive thread, from a list of
 * its own, and given back from anywhere onto a lock-free stack, which the
 * thread takes whole when its list runs out; a count says how many are
 * free on both.
 */

#include "net_impl.h"

bool vnet_can_lend(struct vnet *v, unsigned nbufs)
{
	/* Only this thread takes spares: what it sees stays. Acquire: a
	 * spare counted is on the stack by now (vnet_rx_release). */
	return v->spare_max &&
	       __atomic_load_n(&v->nspare, __ATOMIC_ACQUIRE) >= nbufs;
}

struct vnet_buf *vnet_spare_take(struct vnet *v)
{
	struct mpsc_node *n = v->spare_here;

	/* vnet_can_lend() saw one at least, here or given back. */
	if (!n)
		n = mpsc_take_all(&v->spare_back);
	v->spare_here = n->next;
	__atomic_sub_fetch(&v->nspare, 1, __ATOMIC_RELAXED);
	return container_of(n, struct vnet_buf, spare);
}

void vnet_rx_release(struct netdev *d, void *lent)
{
	struct vnet_buf *b = container_of(lent, struct vnet_buf, lent);
	struct vnet *v = b->v;

	(void)d;
	mpsc_push(&v->spare_back, &b->spare);
	__atomic_add_fetch(&v->nspare, 1, __ATOMIC_RELEASE);
}
