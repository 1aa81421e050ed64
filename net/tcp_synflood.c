// SPDX-License-Identifier: MIT
/*
 * A SYN for a listener whose backlog is full of half-open connections.
 * lwIP counts a connection against its listener's backlog from its SYN
 * (SYN_RCVD) until the application accepts it, and drops every SYN past
 * the backlog. A SYN flood from addresses that never answer (forged, or
 * gone) fills the backlog with half-open connections that lwIP keeps for
 * 20 seconds (TCP_SYN_RCVD_TIMEOUT): for that long, and as long as the
 * flood lasts, no real client gets in. We have no SYN cookies; instead,
 * as the BSDs' syncache does when full, the oldest half-open connection
 * makes room for the new SYN. A real client's handshake takes a round
 * trip, so under a flood it completes unless the flood's own SYNs push it
 * out first, and once the flood stops every new client gets in at once.
 * Connections that are established and wait for accept() are never
 * dropped: that backlog is the application's, and full means full.
 */
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

#include "toro_lwip_hooks.h"

void net_tcp_syn_room(struct tcp_pcb *pcb, const struct tcp_hdr *hdr)
{
	struct tcp_pcb_listen *lpcb = (struct tcp_pcb_listen *)pcb;
	struct tcp_pcb *p, *oldest = NULL;

	if (pcb->state != LISTEN ||
	    (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK)) != TCP_SYN ||
	    lpcb->accepts_pending < lpcb->backlog)
		return;
	for (p = tcp_active_pcbs; p; p = p->next)
		if (p->state == SYN_RCVD && p->listener == lpcb &&
		    (!oldest || (u32_t)(tcp_ticks - p->tmr) >
					(u32_t)(tcp_ticks - oldest->tmr)))
			oldest = p;
	/* No reset: its peer is most likely forged. The backlog place is
	 * given back by lwIP as the pcb goes (tcp_backlog_accepted). */
	if (oldest)
		tcp_abandon(oldest, 0);
}
