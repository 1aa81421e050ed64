// SPDX-License-Identifier: MIT
/*
 * Big segments: with a device that segments TCP/IPv4 itself (TSO), each
 * connection's segments are made TCP_BIG_SEGS times the peer's MSS, so
 * lwIP allocates, queues, sends, frees and acknowledges one segment
 * where it did TCP_BIG_SEGS: per byte, that was most of its work in
 * bulk sends (4x the bulk throughput over a tap). The device cuts them
 * to the peer's MSS, which each big segment carries to the interface in
 * its urgent-pointer field (lwIP sends no urgent data: the field is 0,
 * and netif_tso.c zeroes it again before the frame leaves).
 *
 * lwIP sizes its congestion window in MSS units, so once raised it
 * counts in big segments too: the window starts at one big segment
 * (at least: a segment larger than the window would never go) and grows
 * by one per round trip in congestion avoidance. lwIP also re-announces
 * a connection's receive window once it has opened by min(TCP_WND / 2,
 * MSS): 23 KiB steps once raised (upload into the guest measured the
 * same over IPv4, bench/offload.sh). The interface lets IP
 * send these (net/netif.c: its MTU for IPv4 is the largest IP packet,
 * anything but TCP is still fragmented at the link's; loopback has no
 * MTU). Connections are raised on the first segment they receive once
 * established, over IPv4; IPv6 keeps segments of the path's MSS.
 */
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

#include "net_impl.h"
#include "netif_impl.h"
#include "toro_lwip_hooks.h"

/* Peer's segments a big one: 16 x 1,460 B = 23,360 B, which a peer's
 * usual first window (64 KiB; lwIP sends at most half the largest one
 * seen) takes whole. */
#define TCP_BIG_SEGS	16

_Static_assert(TCP_MSS * TCP_BIG_SEGS + 20 + 60 <= 0xffff,
	       "a big segment must fit an IPv4 packet");

void net_tcp_big(struct tcp_pcb *pcb)
{
	/* A listener's pcb is a struct tcp_pcb_listen, shorter: it has no
	 * mss; (state) is in the part both share. */
	if ((pcb->state != ESTABLISHED && pcb->state != CLOSE_WAIT) ||
	    pcb->mss > TCP_MSS || !netif_big_segments ||
	    !IP_IS_V4(&pcb->remote_ip))
		return;
	pcb->mss = (u16_t)(pcb->mss * TCP_BIG_SEGS);
	if (pcb->cwnd < pcb->mss)
		pcb->cwnd = pcb->mss;
}

u32_t *net_tcp_mark_big(const struct pbuf *p, struct tcp_hdr *hdr,
			const struct tcp_pcb *pcb, u32_t *opts)
{
	unsigned len = p->tot_len - TCPH_HDRLEN_BYTES(hdr);

	/* Segments with data come with their connection's pcb; others may
	 * come with none or a listener's (a struct tcp_pcb_listen, which
	 * has no mss). */
	if (len > 0 && pcb->mss > TCP_MSS && len > pcb->mss / TCP_BIG_SEGS) {
		hdr->urgp = lwip_htons(pcb->mss / TCP_BIG_SEGS);
		net_count(NET_TX_BIG_SEGS, 1);
	}
	return opts;
}
