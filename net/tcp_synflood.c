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
 * makes room for the new SYN, once it has waited about a second for the
 * peer's ACK (a round trip: no real handshake takes that long where a
 * unikernel serves, and TCP's first SYN retransmission comes after one).
 * Younger half-open connections keep their place, so a burst of real
 * clients beyond the backlog is held off as lwIP would (their SYNs
 * unanswered, retried), not refused. Under a flood, a client gets in
 * with its first SYN retransmission. Connections that are established
 * and wait for accept() are never dropped: that backlog is the
 * application's, and full means full.
 */
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

#include "toro_lwip_hooks.h"

/* lwIP's slow timer ticks every TCP_SLOW_INTERVAL (500 ms). */
#define HALF_OPEN_MIN_TICKS	(1000 / TCP_SLOW_INTERVAL)

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
	if (oldest &&
	    (u32_t)(tcp_ticks - oldest->tmr) >= HALF_OPEN_MIN_TICKS)
		tcp_abandon(oldest, 0);
}
