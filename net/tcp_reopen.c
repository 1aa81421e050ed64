// SPDX-License-Identifier: MIT
/*
 * A new connection from a peer whose previous one, between the same two
 * addresses and ports, is still in TIME-WAIT here. The side that closes
 * first keeps the connection for 2 MSL (two minutes in lwIP) to catch its
 * stray segments. lwIP answers a SYN for it with an ACK of the old
 * connection, the peer answers that with a reset, which lwIP ignores (RFC
 * 1337), and the peer tries again until TIME-WAIT ends. A server closes
 * first all the time, and clients behind QEMU's user network or a NAT
 * come back from the same port: such a client hung for two minutes.
 *
 * Linux and the BSDs take a SYN whose sequence number is beyond the old
 * connection's as a new connection (RFC 1122 4.2.2.13; RFC 6191 without
 * timestamps), and so do we. lwIP has no path for it, so the hook that
 * sees each segment before lwIP does ends the TIME-WAIT and feeds the SYN
 * back into IP through the tcpip thread, where the listener takes it. The
 * new connection's first sequence number is beyond anything the old one
 * sent, as Linux chooses it, so the peer cannot take the old connection's
 * stray segments for new ones.
 *
 * Sequence numbers start where RFC 6528 says, not at lwIP's counter that
 * anyone can predict.
 */
#include <stdbool.h>
#include <string.h>

#include <kernel/random.h>
#include <toro/time.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip4.h"
#if LWIP_IPV6
#include "lwip/prot/ip6.h"
#endif
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#include "toro_lwip_hooks.h"

/* Sequence numbers promised to reopened connections until their SYN comes
 * back through the tcpip thread's queue (at once, unless the listener is
 * gone). Under lwIP's core lock, as both hooks run. */
#define PROMISES 4

static struct promise {
	ip_addr_t local_ip, remote_ip;
	u16_t local_port, remote_port;
	u32_t isn;
	bool valid;
} promised[PROMISES];
static unsigned next_promise;

/* An address as 32 bits for the function below: IPv4's, or IPv6's
 * folded. */
static u32_t addr_key(const ip_addr_t *a)
{
#if LWIP_IPV6
	if (IP_IS_V6(a)) {
		const u32_t *w = ip_2_ip6(a)->addr;

		return w[0] ^ w[1] ^ w[2] ^ w[3];
	}
#endif
	return ip4_addr_get_u32(ip_2_ip4(a));
}

/* RFC 6528: a clock ticking every 4 us plus a secret function of the
 * connection's addresses and ports. Nobody outside can guess it, and the
 * next connection between the same two ends starts further on, which is
 * what lets a peer's TIME-WAIT take our new SYN as above. */
static u32_t isn_of(const ip_addr_t *local_ip, u16_t local_port,
		    const ip_addr_t *remote_ip, u16_t remote_port)
{
	static uint32_t secret[8];
	static bool keyed;

	if (!keyed) {
		random_bytes(secret, sizeof(secret));
		keyed = true;
	}
	return (u32_t)(clock_ns() / 4000) +
	       random_prf(secret,
			  (uint64_t)addr_key(local_ip) << 32 |
				  addr_key(remote_ip),
			  (uint64_t)local_port << 16 | remote_port);
}

u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
		  const ip_addr_t *remote_ip, u16_t remote_port)
{
	for (unsigned i = 0; i < PROMISES; i++) {
		struct promise *p = &promised[i];

		if (p->valid && p->local_port == local_port &&
		    p->remote_port == remote_port &&
		    ip_addr_cmp(&p->local_ip, local_ip) &&
		    ip_addr_cmp(&p->remote_ip, remote_ip)) {
			p->valid = false;
			return p->isn;
		}
	}
	return isn_of(local_ip, local_port, remote_ip, remote_port);
}

/* The IP packet being input, as it arrived, from the TCP header lwIP has
 * taken apart (it turned some fields to host order in place). The TCP
 * checksum is summed again: with checksum offload the device may have left
 * a partial one in it, and the copy is input where nobody vouches for it. */
static struct pbuf *rebuild(const struct tcp_hdr *hdr, u16_t optlen,
			    u16_t opt1len, const u8_t *opt2,
			    struct pbuf *data)
{
	const void *iph;
	u16_t iphl, tcphl = TCP_HLEN + optlen;
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
	q = pbuf_alloc(PBUF_RAW, iphl + tcphl + data->tot_len, PBUF_RAM);
	if (!q)
		return NULL;
	memcpy(q->payload, iph, iphl);
#if LWIP_IPV6
	if (ip_current_is_v6()) {
		struct ip6_hdr *h6 = q->payload;

		IP6H_NEXTH_SET(h6, IP6_NEXTH_TCP);
		IP6H_PLEN_SET(h6, tcphl + data->tot_len);
	}
#endif
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
	pbuf_copy_partial(data, (u8_t *)th + tcphl, data->tot_len, 0);
	pbuf_remove_header(q, iphl);
	th->chksum = ip_chksum_pseudo(q, IP_PROTO_TCP, q->tot_len,
				      ip_current_src_addr(),
				      ip_current_dest_addr());
	pbuf_add_header(q, iphl);
	q->if_idx = netif_get_index(ip_current_input_netif());
	return q;
}

/* In the tcpip thread, core lock held: the SYN again, from the top. */
static void reinput(void *arg)
{
	struct pbuf *q = arg;
	struct netif *n = netif_get_by_index(q->if_idx);

	if (n)
		ip_input(q, n);
	else
		pbuf_free(q);
}

err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr,
		       u16_t optlen, u16_t opt1len, u8_t *opt2,
		       struct pbuf *p)
{
	struct promise *promise;
	struct pbuf *q;

	/* Anything else, an old duplicate SYN included, goes lwIP's way. */
	if (pcb->state != TIME_WAIT ||
	    (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) !=
		    TCP_SYN ||
	    !TCP_SEQ_GT(hdr->seqno, pcb->rcv_nxt))
		return ERR_OK;
	q = rebuild(hdr, optlen, opt1len, opt2, p);
	if (!q)
		return ERR_OK;
	if (tcpip_try_callback(reinput, q) != ERR_OK) {
		pbuf_free(q);
		return ERR_OK;	/* the peer sends its SYN again */
	}
	promise = &promised[next_promise++ % PROMISES];
	*promise = (struct promise){
		.local_ip = pcb->local_ip, .remote_ip = pcb->remote_ip,
		.local_port = pcb->local_port, .remote_port = pcb->remote_port,
		/* Linux's choice: past a whole unscaled window more. */
		.isn = pcb->snd_nxt + 65535 + 2, .valid = true,
	};
	/* Off the TIME-WAIT list and freed, without a reset. lwIP's input
	 * drops this segment and returns as soon as we do (tcp_in.c), so it
	 * does not look at the pcb again. A socket may still hold it (shut
	 * down for writing, not yet closed: a server's lingering close);
	 * lwIP does not tell it of a pcb freed in TIME-WAIT, so we do, as
	 * lwIP tells of any pcb it frees under a socket. The socket reads
	 * the end of the stream, which it had anyway. */
	tcp_err_fn errf = pcb->errf;
	void *arg = pcb->callback_arg;

	tcp_abandon(pcb, 0);
	if (errf)
		errf(arg, ERR_CLSD);
	return ERR_ABRT;
}
