// SPDX-License-Identifier: MIT
/*
 * SYN cookies (RFC 4987, section 3.6), for a listener whose backlog is
 * full of half-open connections: a SYN flood from forged addresses. The
 * SYN is answered with a SYN-ACK and nothing is kept: its sequence number
 * is the cookie, a keyed hash of the connection's ends, the peer's first
 * sequence number and the minute, with the peer's MSS in its low three
 * bits. A real peer's ACK brings it back; a forged one never comes. An
 * ACK for a listener that carries a good cookie (this minute's or the
 * last) is a real client: lwIP is given the connection through the only
 * door it has, a SYN meeting the listener (rebuilt from the ACK, with the
 * cookie promised as the connection's first sequence number and room made
 * for it in the backlog: net/tcp_synflood.c), then the ACK itself. lwIP
 * answers that SYN with a SYN-ACK the peer already has, which the peer
 * acknowledges again and otherwise ignores.
 *
 * What a cookie cannot carry is lost, as with every stateless cookie
 * without TCP timestamps: window scaling and SACK (neither side offers
 * them: the SYN-ACK does not). Such a connection is slower for bulk data,
 * and it only exists during a flood. An ACK that comes while the accept
 * queue is full is dropped, as Linux does; the peer sends again.
 *
 * A cookie costs a SYN-ACK, and to forged addresses on the link an ARP
 * request too: under a burst faster than the guest can answer, at most
 * COOKIE_BURST are sent in each COOKIE_WINDOW_NS and the rest of the SYNs
 * dropped as lwIP would, so the device's queue drains quickly and the
 * next real client is answered (it retries a dropped SYN anyway).
 */
#include <stdbool.h>

#include <kernel/random.h>
#include <toro/time.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

#include "tcp_inject.h"
#include "tcp_syncookie.h"

/* MSS values a cookie can say (RFC 879's default first); the peer gets
 * the largest that is not above what it offered. */
static const u16_t cookie_mss[8] = {
	536, 1200, 1220, 1280, 1380, 1400, 1440, 1460,
};
#define MSS_BITS	7u

#define COOKIE_WINDOW_NS	10000000ULL	/* 10 ms */
#define COOKIE_BURST		16		/* 1,600 a second */

/* A cookie's clock: about a minute a step (2^36 ns). */
static u32_t period_now(void)
{
	return (u32_t)(clock_ns() >> 36);
}

static u32_t cookie_hash(const ip_addr_t *local_ip, u16_t local_port,
			 const ip_addr_t *remote_ip, u16_t remote_port,
			 u32_t peer_isn, u32_t period)
{
	static uint32_t secret[8];
	static bool keyed;

	if (!keyed) {
		random_bytes(secret, sizeof(secret));
		keyed = true;
	}
	return random_prf(secret,
			  (uint64_t)net_tcp_addr_key(local_ip) << 32 |
				  net_tcp_addr_key(remote_ip),
			  ((uint64_t)local_port << 48 |
			   (uint64_t)remote_port << 32 | peer_isn) ^
				  ((uint64_t)period << 16));
}

/* The MSS option of the segment being input, or RFC 879's 536. */
static u16_t peer_mss(const struct tcp_hdr *hdr, u16_t optlen,
		      u16_t opt1len, const u8_t *opt2)
{
	u16_t i = 0;

	while (i < optlen) {
#define OPT(k) ((k) < opt1len ? ((const u8_t *)(hdr + 1))[k] : \
				opt2[(k) - opt1len])
		u8_t kind = OPT(i);

		if (kind == LWIP_TCP_OPT_EOL)
			break;
		if (kind == LWIP_TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || OPT(i + 1) < 2)
			break;
		if (kind == LWIP_TCP_OPT_MSS && OPT(i + 1) == 4 &&
		    i + 3 < optlen)
			return (u16_t)(OPT(i + 2) << 8 | OPT(i + 3));
		i += OPT(i + 1);
#undef OPT
	}
	return 536;
}

/* Another cookie may go now (see the top). Under the core lock. */
static bool cookie_budget(void)
{
	static uint64_t window_end;
	static unsigned sent;
	uint64_t now = clock_ns();

	if (now >= window_end) {
		window_end = now + COOKIE_WINDOW_NS;
		sent = 0;
	}
	return sent++ < COOKIE_BURST;
}

void net_tcp_cookie_answer(const struct tcp_hdr *hdr, u16_t optlen,
			   u16_t opt1len, const u8_t *opt2)
{
	const ip_addr_t *src = ip_current_dest_addr();
	const ip_addr_t *dst = ip_current_src_addr();
	u16_t mss = peer_mss(hdr, optlen, opt1len, opt2);
	u32_t idx = MSS_BITS, cookie;
	struct netif *netif;
	struct tcp_hdr *th;
	struct pbuf *p;
	u8_t *opt;

	if (!cookie_budget())
		return;
	while (idx > 0 && cookie_mss[idx] > mss)
		idx--;
	cookie = (cookie_hash(src, hdr->dest, dst, hdr->src, hdr->seqno,
			      period_now()) & ~MSS_BITS) | idx;
	netif = ip_route(src, dst);
	if (!netif)
		return;
	p = pbuf_alloc(PBUF_IP, TCP_HLEN + LWIP_TCP_OPT_LEN_MSS, PBUF_RAM);
	if (!p)
		return;
	th = p->payload;
	th->src = lwip_htons(hdr->dest);
	th->dest = lwip_htons(hdr->src);
	th->seqno = lwip_htonl(cookie);
	th->ackno = lwip_htonl(hdr->seqno + 1);
	TCPH_HDRLEN_FLAGS_SET(th, (TCP_HLEN + LWIP_TCP_OPT_LEN_MSS) / 4,
			      TCP_SYN | TCP_ACK);
	th->wnd = lwip_htons(TCP_WND > 0xffff ? 0xffff : TCP_WND);
	th->chksum = 0;
	th->urgp = 0;
	opt = (u8_t *)(th + 1);
	opt[0] = LWIP_TCP_OPT_MSS;
	opt[1] = LWIP_TCP_OPT_LEN_MSS;
	opt[2] = TCP_MSS >> 8;
	opt[3] = TCP_MSS & 0xff;
#if CHECKSUM_GEN_TCP
	IF__NETIF_CHECKSUM_ENABLED(netif, NETIF_CHECKSUM_GEN_TCP) {
		th->chksum = ip_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len,
					      src, dst);
	}
#endif
	ip_output_if(p, src, dst, TCP_TTL, 0, IP_PROTO_TCP, netif);
	pbuf_free(p);
}

/* The MSS a good cookie in the ACK being input says, or 0. */
static u16_t cookie_check(const struct tcp_hdr *hdr)
{
	const ip_addr_t *local = ip_current_dest_addr();
	const ip_addr_t *remote = ip_current_src_addr();
	u32_t cookie = hdr->ackno - 1, period = period_now();

	for (u32_t age = 0; age < 2; age++)
		if (((cookie_hash(local, hdr->dest, remote, hdr->src,
				  hdr->seqno - 1, period - age) ^ cookie) &
		     ~MSS_BITS) == 0)
			return cookie_mss[cookie & MSS_BITS];
	return 0;
}

bool net_tcp_cookie_ack(const struct tcp_hdr *hdr, u16_t optlen,
			u16_t opt1len, const u8_t *opt2, struct pbuf *data,
			bool room)
{
	const ip_addr_t *local = ip_current_dest_addr();
	const ip_addr_t *remote = ip_current_src_addr();
	u16_t mss = cookie_check(hdr);
	/* The SYN the peer sent, as far as the cookie knows it. */
	union {
		struct tcp_hdr h;
		u8_t bytes[TCP_HLEN + LWIP_TCP_OPT_LEN_MSS];
	} syn;
	struct pbuf *q, *ack;
	u32_t unused;

	if (!mss)
		return false;
	if (!room)
		return true;	/* accept queue full: the peer sends again */
	/* Its SYN is on its way already: this is the ACK sent again. */
	if (net_tcp_promised(local, hdr->dest, remote, hdr->src, false,
			     &unused))
		return true;
	syn.h = *hdr;
	syn.h.seqno = hdr->seqno - 1;
	syn.h.ackno = 0;
	syn.h.urgp = 0;
	TCPH_HDRLEN_FLAGS_SET(&syn.h, sizeof(syn) / 4, TCP_SYN);
	syn.bytes[TCP_HLEN] = LWIP_TCP_OPT_MSS;
	syn.bytes[TCP_HLEN + 1] = LWIP_TCP_OPT_LEN_MSS;
	syn.bytes[TCP_HLEN + 2] = mss >> 8;
	syn.bytes[TCP_HLEN + 3] = mss & 0xff;
	q = net_tcp_copy_segment(&syn.h, LWIP_TCP_OPT_LEN_MSS,
				 LWIP_TCP_OPT_LEN_MSS, NULL, NULL);
	ack = net_tcp_copy_segment(hdr, optlen, opt1len, opt2, data);
	if (!q || !ack) {
		if (q)
			pbuf_free(q);
		if (ack)
			pbuf_free(ack);
		return true;	/* no memory: the peer sends again */
	}
	if (!net_tcp_reinput(q)) {
		pbuf_free(ack);
		return true;
	}
	net_tcp_promise_isn(local, hdr->dest, remote, hdr->src,
			    hdr->ackno - 1);
	/* If this one does not fit in the queue, the connection waits in
	 * SYN_RCVD for the peer's next segment or lwIP's SYN-ACK again. */
	net_tcp_reinput(ack);
	return true;
}
