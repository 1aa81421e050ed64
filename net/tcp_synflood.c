// SPDX-License-Identifier: MIT
/*
 * Segments for a listener whose backlog is full. lwIP counts a connection
 * against its listener's backlog from its SYN (SYN_RCVD) until the
 * application accepts it, and drops every SYN past the backlog. A SYN
 * flood from addresses that never answer (forged, or gone) fills the
 * backlog with half-open connections that lwIP keeps for 20 seconds
 * (TCP_SYN_RCVD_TIMEOUT): for that long, and as long as the flood lasts,
 * no real client would get in.
 *
 * When at least COOKIE_HALF_OPEN of the backlog is half-open, a SYN is
 * answered with a SYN cookie (net/tcp_syncookie.c): a real client's ACK
 * then makes its connection, and the oldest half-open one makes room for
 * it. Below that (a listener with a tiny backlog), as the BSDs' syncache
 * does when full, the oldest half-open connection makes room for a new
 * SYN once it has waited about a second for its peer's ACK (a round trip:
 * no real handshake takes that long where a unikernel serves, and TCP's
 * first SYN retransmission comes after one); younger ones keep their
 * place, so a burst of real clients beyond the backlog is held off as
 * lwIP would (their SYNs unanswered, retried), not refused. Connections
 * that are established and wait for accept() are never dropped, and while
 * they alone fill the backlog SYNs go unanswered, as on Linux: that
 * backlog is the application's, and full means full.
 */
#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

#include "tcp_inject.h"
#include "tcp_syncookie.h"
#include "toro_lwip_hooks.h"

/* lwIP's slow timer ticks every TCP_SLOW_INTERVAL (500 ms). */
#define HALF_OPEN_MIN_TICKS	(1000 / TCP_SLOW_INTERVAL)
/* Half-open connections of one listener from which SYNs get cookies. */
#define COOKIE_HALF_OPEN	8

/* (lpcb)'s half-open connections: how many, and the oldest. */
static unsigned half_open(struct tcp_pcb_listen *lpcb, struct tcp_pcb **oldest)
{
	unsigned n = 0;

	*oldest = NULL;
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
		if (p->state == SYN_RCVD && p->listener == lpcb) {
			n++;
			if (!*oldest || (u32_t)(tcp_ticks - p->tmr) >
					(u32_t)(tcp_ticks - (*oldest)->tmr))
				*oldest = p;
		}
	return n;
}

/* No reset: its peer is most likely forged. The backlog place is given
 * back by lwIP as the pcb goes (tcp_backlog_accepted). */
static void make_room(struct tcp_pcb *oldest)
{
	tcp_abandon(oldest, 0);
}

err_t net_tcp_syn_room(struct tcp_pcb *pcb, struct tcp_hdr *hdr,
		       u16_t optlen, u16_t opt1len, u8_t *opt2,
		       struct pbuf *p)
{
	struct tcp_pcb_listen *lpcb = (struct tcp_pcb_listen *)pcb;
	u8_t flags = TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST);
	struct tcp_pcb *oldest;
	unsigned n;
	u32_t unused;

	if (pcb->state != LISTEN || (flags != TCP_SYN && flags != TCP_ACK))
		return ERR_OK;
	bool full = lpcb->accepts_pending >= lpcb->backlog;

	/* A cookie comes back whether or not the backlog is still full.
	 * Room: a place free, or a half-open connection to take it from. */
	if (flags == TCP_ACK)
		return net_tcp_cookie_ack(hdr, optlen, opt1len, opt2, p,
					  !full || half_open(lpcb, &oldest))
			       ? ERR_ABRT : ERR_OK;
	if (!full)
		return ERR_OK;
	n = half_open(lpcb, &oldest);
	if (!oldest)
		return ERR_OK;	/* accept queue full: lwIP drops the SYN */
	/* A cookie's client, its SYN rebuilt from its ACK. */
	if (net_tcp_promised(ip_current_dest_addr(), hdr->dest,
			     ip_current_src_addr(), hdr->src, false, &unused)) {
		make_room(oldest);
		return ERR_OK;
	}
	if (n >= COOKIE_HALF_OPEN) {
		net_tcp_cookie_answer(hdr, optlen, opt1len, opt2);
		return ERR_ABRT;
	}
	if ((u32_t)(tcp_ticks - oldest->tmr) >= HALF_OPEN_MIN_TICKS)
		make_room(oldest);
	return ERR_OK;
}
