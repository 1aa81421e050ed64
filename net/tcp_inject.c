// SPDX-License-Identifier: MIT
/*
 * Segments put through IP again, and the sequence numbers promised to the
 * connections they make (tcp_inject.h). A copy, not the segment itself:
 * lwIP frees the one it is taking in when the hook returns.
 */
#include <string.h>

#include <toro/time.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/prot/ip4.h"
#if LWIP_IPV6
#include "lwip/prot/ip6.h"
#endif
#include "lwip/tcpip.h"

#include "tcp_inject.h"

/* Enough for the SYN cookies' ACKs of one batch of frames from the
 * device: each is taken as soon as its SYN comes back through the queue. */
#define PROMISES	32
#define PROMISE_NS	1000000000ULL

static struct promise {
	ip_addr_t local_ip, remote_ip;
	u16_t local_port, remote_port;
	u32_t isn;
	uint64_t until;		/* clock_ns(); 0: free */
} promised[PROMISES];
static unsigned next_promise;

void net_tcp_promise_isn(const ip_addr_t *local_ip, u16_t local_port,
			 const ip_addr_t *remote_ip, u16_t remote_port,
			 u32_t isn)
{
	promised[next_promise++ % PROMISES] = (struct promise){
		.local_ip = *local_ip, .remote_ip = *remote_ip,
		.local_port = local_port, .remote_port = remote_port,
		.isn = isn, .until = clock_ns() + PROMISE_NS,
	};
}

bool net_tcp_promised(const ip_addr_t *local_ip, u16_t local_port,
		      const ip_addr_t *remote_ip, u16_t remote_port,
		      bool take, u32_t *isn)
{
	uint64_t now = 0;

	for (unsigned i = 0; i < PROMISES; i++) {
		struct promise *p = &promised[i];

		if (!p->until || p->local_port != local_port ||
		    p->remote_port != remote_port ||
		    !ip_addr_cmp(&p->local_ip, local_ip) ||
		    !ip_addr_cmp(&p->remote_ip, remote_ip))
			continue;
		if (!now)
			now = clock_ns();
		if (now > p->until) {
			p->until = 0;
			continue;
		}
		if (take) {
			*isn = p->isn;
			p->until = 0;
		}
		return true;
	}
	return false;
}

u32_t net_tcp_addr_key(const ip_addr_t *a)
{
#if LWIP_IPV6
	if (IP_IS_V6(a)) {
		const u32_t *w = ip_2_ip6(a)->addr;

		return w[0] ^ w[1] ^ w[2] ^ w[3];
	}
#endif
	return ip4_addr_get_u32(ip_2_ip4(a));
}

/* The TCP checksum is summed again: with checksum offload the device may
 * have left a partial one in the original, and the copy is input where
 * nobody vouches for it. */
struct pbuf *net_tcp_copy_segment(const struct tcp_hdr *hdr, u16_t optlen,
				  u16_t opt1len, const u8_t *opt2,
				  struct pbuf *data)
{
	const void *iph;
	u16_t iphl, tcphl = TCP_HLEN + optlen, dlen = data ? data->tot_len : 0;
	struct pbuf *q;
	struct tcp_hdr *th;

#if LWIP_IPV6
	if (ip_current_is_v6()) {
		/* The fixed header only, TCP right after it. */
		iph = ip6_current_header();
		iphl = IP6_HLEN;
	} else
#endif
	{
		iph = ip4_current_header();
		iphl = IPH_HL_BYTES((const struct ip_hdr *)iph);
	}
	q = pbuf_alloc(PBUF_RAW, iphl + tcphl + dlen, PBUF_RAM);
	if (!q)
		return NULL;
	memcpy(q->payload, iph, iphl);
#if LWIP_IPV6
	if (ip_current_is_v6()) {
		struct ip6_hdr *h6 = q->payload;

		IP6H_NEXTH_SET(h6, IP6_NEXTH_TCP);
		IP6H_PLEN_SET(h6, tcphl + dlen);
	} else
#endif
	{
		struct ip_hdr *h4 = q->payload;

		IPH_LEN_SET(h4, lwip_htons(iphl + tcphl + dlen));
		IPH_CHKSUM_SET(h4, 0);
		IPH_CHKSUM_SET(h4, inet_chksum(h4, iphl));
	}
	th = (struct tcp_hdr *)((u8_t *)q->payload + iphl);
	*th = *hdr;
	th->src = lwip_htons(hdr->src);
	th->dest = lwip_htons(hdr->dest);
	th->seqno = lwip_htonl(hdr->seqno);
	th->ackno = lwip_htonl(hdr->ackno);
	th->wnd = lwip_htons(hdr->wnd);
	th->chksum = 0;
	memcpy(th + 1, hdr + 1, opt1len);
	if (opt2)
		memcpy((u8_t *)(th + 1) + opt1len, opt2, optlen - opt1len);
	if (data)
		pbuf_copy_partial(data, (u8_t *)th + tcphl, dlen, 0);
	pbuf_remove_header(q, iphl);
	th->chksum = ip_chksum_pseudo(q, IP_PROTO_TCP, q->tot_len,
				      ip_current_src_addr(),
				      ip_current_dest_addr());
	pbuf_add_header(q, iphl);
	q->if_idx = netif_get_index(ip_current_input_netif());
	return q;
}

/* In the tcpip thread, core lock held: the segment again, from the top. */
static void reinput(void *arg)
{
	struct pbuf *q = arg;
	struct netif *n = netif_get_by_index(q->if_idx);

	if (n)
		ip_input(q, n);
	else
		pbuf_free(q);
}

bool net_tcp_reinput(struct pbuf *q)
{
	if (tcpip_try_callback(reinput, q) == ERR_OK)
		return true;
	pbuf_free(q);
	return false;
}
