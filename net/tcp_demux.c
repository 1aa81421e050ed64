// SPDX-License-Identifier: MIT
/*
 * Finding a received segment's connection by hash. lwIP 2.1.3 walks its
 * list of connections (tcp_active_pcbs) for every segment, moving the
 * one it finds to the front. Under many clients taking turns the wanted
 * one is near the tail: at 512 keep-alive connections the walk was 9 to
 * 15% of the receiving CPU's time, at 10,000 it compares 10,000 pcbs a
 * segment. lwIP has no hook for the lookup, and we do not edit its code.
 *
 * So before a frame from the device goes into lwIP (net/netif.c), its
 * addresses and ports are looked up in a hash of connections. When the
 * one found is one lwIP's walk would find (on tcp_active_pcbs: in a
 * state from SYN_SENT to LAST_ACK; not bound to another interface), it
 * becomes the list's head for the length of the walk: the walk matches at
 * its first step and, the match being the head, leaves the list as it
 * is (lwIP's "cache hit"). The first thing lwIP does after its walk is
 * call LWIP_HOOK_TCP_INPACKET_PCB, whose first act puts the real head
 * back (net_tcp_demux_found()); a frame dropped before TCP gets it back
 * from net_tcp_demux_end(). Both under the core lock, which the whole
 * frame holds.
 *
 * The table is a cache, two connections a bucket, filled with what
 * lwIP's walk finds (the same hook): a third connection that hashes to a
 * bucket takes the place of its older one, which the walk finds next
 * time, and so on. A connection leaves the
 * table as lwIP frees it: tcp_free() runs its extension argument's
 * destroy callback. So the table never holds freed memory, and a
 * connection in it that lwIP took off tcp_active_pcbs has the state that
 * says so (TIME_WAIT, CLOSED) by the time the next frame comes: lwIP only
 * unlinks a pcb to free it or to change its state (tcp.c, tcp_in.c).
 * Handing the walk a pcb that is not on the list would make it skip
 * every connection before it; this file's checks keep that from
 * happening.
 *
 * As many buckets as lwIP may have connections (net/lwip/memp.c), taken
 * from the heap at the first connection: a third connection in a bucket
 * is rare, and consecutive ports (one client's connections) hash to
 * buckets apart.
 */
#include <stdbool.h>

#include <kernel/heap.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#if LWIP_IPV6
#include "lwip/prot/ip6.h"
#endif
#include "lwip/tcp.h"

#include "net_impl.h"
#include "netif_impl.h"
#include "toro_lwip_hooks.h"
#include "toro_memp.h"

struct bucket {
	struct tcp_pcb *pcb[2];	/* the newer first; NULL: free */
};

static struct bucket *buckets;	/* NULL: none yet */
static unsigned shift;		/* 32 - log2(buckets) */
static bool no_memory;		/* the table could not be had: no hash */
static u8_t ext_id = LWIP_TCP_PCB_NUM_EXT_ARG_ID_INVALID;

/* The real head of tcp_active_pcbs while the walk is handed another. */
static struct tcp_pcb *real_head;
static bool head_lent;

/* A connection's bucket, by its remote address's last word and port:
 * what stays as lwIP frees it (tcp_pcb_remove() zeroes the local port
 * first), and what tells a server's clients apart. */
static unsigned home(const ip_addr_t *remote, u16_t remote_port)
{
	u32_t word;

#if LWIP_IPV6
	word = IP_IS_V6(remote) ? ip_2_ip6(remote)->addr[3]
				: ip_2_ip4(remote)->addr;
#else
	word = ip_2_ip4(remote)->addr;
#endif
	word ^= remote_port;
	return (word * 0x9e3779b1u) >> shift;	/* Fibonacci hashing */
}

static unsigned home_of(const struct tcp_pcb *pcb)
{
	return home(&pcb->remote_ip, pcb->remote_port);
}

/* Whether (pcb) is on tcp_active_pcbs (tcp_priv.h), not freed memory. */
static bool active(const struct tcp_pcb *pcb)
{
	return pcb->state >= SYN_SENT && pcb->state <= LAST_ACK;
}

/* Whether lwIP's walk, for a segment that came in on (inp), would stop at
 * (pcb): it is on tcp_active_pcbs and bound to no other interface. */
static bool walk_stops_at(const struct tcp_pcb *pcb, struct netif *inp)
{
	return active(pcb) &&
	       (pcb->netif_idx == NETIF_NO_INDEX ||
		pcb->netif_idx == netif_get_index(inp));
}

/* The segment's addresses as lwIP's IP layer sets them (ip4.c, ip6.c:
 * ip_current_src_addr() ...) and its ports, from (frame), an Ethernet
 * frame whose first (len) bytes are at hand. False for anything but an
 * unfragmented TCP packet over IPv4 or IPv6 without extension headers. */
static bool tuple_of(const uint8_t *frame, size_t len, struct netif *inp,
		     ip_addr_t *src, ip_addr_t *dst, u16_t *sport,
		     u16_t *dport)
{
	const uint8_t *ip = frame + SIZEOF_ETH_HDR, *tcp;
	unsigned type;

	(void)inp;	/* (IPv6's zones) */
	if (len < SIZEOF_ETH_HDR + IP_HLEN + 4)
		return false;
	type = (unsigned)frame[12] << 8 | frame[13];
	if (type == ETHTYPE_IP) {
		const struct ip_hdr *h = (const struct ip_hdr *)ip;
		unsigned hlen = IPH_HL_BYTES(h);

		if (IPH_V(h) != 4 || IPH_PROTO(h) != IP_PROTO_TCP ||
		    (IPH_OFFSET(h) & PP_HTONS(IP_OFFMASK | IP_MF)) ||
		    hlen < IP_HLEN || len < SIZEOF_ETH_HDR + hlen + 4)
			return false;
		ip_addr_copy_from_ip4(*src, h->src);
		ip_addr_copy_from_ip4(*dst, h->dest);
		tcp = ip + hlen;
#if LWIP_IPV6
	} else if (type == ETHTYPE_IPV6) {
		const struct ip6_hdr *h = (const struct ip6_hdr *)ip;

		if (len < SIZEOF_ETH_HDR + IP6_HLEN + 4 || IP6H_V(h) != 6 ||
		    IP6H_NEXTH(h) != IP6_NEXTH_TCP)
			return false;
		ip_addr_copy_from_ip6_packed(*src, h->src);
		ip_addr_copy_from_ip6_packed(*dst, h->dest);
		ip6_addr_assign_zone(ip_2_ip6(dst), IP6_UNKNOWN, inp);
		ip6_addr_assign_zone(ip_2_ip6(src), IP6_UNICAST, inp);
		tcp = ip + IP6_HLEN;
#endif
	} else {
		return false;
	}
	*sport = (u16_t)(tcp[0] << 8 | tcp[1]);
	*dport = (u16_t)(tcp[2] << 8 | tcp[3]);
	return true;
}

void net_tcp_demux_begin(struct netif *inp, const void *frame, size_t len)
{
	ip_addr_t src, dst;
	u16_t sport, dport;
	struct bucket *b;

	if (!buckets ||
	    !tuple_of(frame, len, inp, &src, &dst, &sport, &dport))
		return;
	b = &buckets[home(&src, sport)];
	for (unsigned i = 0; i < 2; i++) {
		struct tcp_pcb *pcb = b->pcb[i];

		if (pcb && pcb->remote_port == sport &&
		    pcb->local_port == dport &&
		    ip_addr_cmp(&pcb->remote_ip, &src) &&
		    ip_addr_cmp(&pcb->local_ip, &dst) &&
		    walk_stops_at(pcb, inp)) {
			real_head = tcp_active_pcbs;
			head_lent = true;
			tcp_active_pcbs = pcb;
			return;
		}
	}
}

void net_tcp_demux_end(void)
{
	if (head_lent) {
		tcp_active_pcbs = real_head;
		head_lent = false;
	}
}

static void forget(u8_t id, void *data);
static const struct tcp_ext_arg_callbacks callbacks = { .destroy = forget };

static __cold bool make_table(void)
{
	unsigned n = 16;

	for (shift = 28; n < net_conn_limit(); shift--)
		n *= 2;
	buckets = heap_zalloc(n * sizeof(*buckets));
	if (!buckets) {
		no_memory = true;
		return false;
	}
	ext_id = tcp_ext_arg_alloc_id();
	return true;
}

static void insert(struct tcp_pcb *pcb)
{
	struct bucket *b;

	if (!buckets && (no_memory || !make_table()))
		return;
	b = &buckets[home_of(pcb)];
	if (b->pcb[0] == pcb || b->pcb[1] == pcb)
		return;
	if (b->pcb[0] && active(b->pcb[0]))	/* else it goes */
		b->pcb[1] = b->pcb[0];
	b->pcb[0] = pcb;
	tcp_ext_arg_set_callbacks(pcb, ext_id, &callbacks);
	tcp_ext_arg_set(pcb, ext_id, pcb);
}

void net_tcp_demux_found(struct tcp_pcb *pcb)
{
	if (head_lent) {	/* found by hash: the walk is over */
		net_tcp_demux_end();
		net_count(NET_TCP_BY_HASH, 1);
	} else if (active(pcb)) {
		net_count(NET_TCP_BY_WALK, 1);
		insert(pcb);
	}
}

/* lwIP frees (data), a connection that was in the table. */
static void forget(u8_t id, void *data)
{
	struct bucket *b = &buckets[home_of(data)];

	(void)id;
	for (unsigned i = 0; i < 2; i++)
		if (b->pcb[i] == data)
			b->pcb[i] = NULL;
}
