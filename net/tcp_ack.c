// SPDX-License-Identifier: MIT
/*
 * When to acknowledge a segment larger than the connection's MSS, as the
 * host hands them over with large receive (NETDEV_F_LRO): RFC 5681 wants
 * an ACK for at least every second full-sized segment, and a segment of
 * two or more is that. lwIP counts segments, not bytes: it would hold the
 * ACK of one such segment for up to a timer tick (250 ms) while the
 * sender, its window used, waits for it. Linux acknowledges such
 * segments at once too.
 */
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "toro_lwip_hooks.h"

void net_tcp_ack_large(struct tcp_pcb *pcb, const struct pbuf *p)
{
	/* A listener's pcb is a struct tcp_pcb_listen, shorter: it has no
	 * mss nor flags. */
	if (pcb->state == LISTEN || pcb->mss == 0)
		return;
	/* A delayed ACK already due makes lwIP's next one go now. */
	if (p->tot_len >= 2 * pcb->mss)
		tcp_set_flags(pcb, TF_ACK_DELAY);
}
