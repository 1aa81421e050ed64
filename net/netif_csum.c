// SPDX-License-Identifier: MIT
/*
 * Checksum offload between lwIP and a netdev (lwipopts.h says why this
 * much). lwIP 2.1 decides per interface (LWIP_CHECKSUM_CTRL_PER_NETIF,
 * netif->chksum_flags), virtio per frame, so:
 *
 * Transmit: with NETDEV_F_TX_CSUM lwIP leaves TCP checksums to the
 * device (GEN_TCP off) and link_output asks for one per TCP segment, over
 * IPv4 or IPv6, after putting the pseudo-header sum in the checksum field
 * as virtio's NEEDS_CSUM wants. UDP stays in software: lwIP may fragment a datagram,
 * and a device sums one frame, not a datagram.
 *
 * Receive: the TCP/UDP checks are set for each frame under the core lock
 * (netif.c): off when the device says it verified the checksum, on
 * otherwise, so a frame nobody verified is still checked. A fragment is
 * never taken as verified: what lwIP reassembles from it is checked with
 * the flags of its last fragment. IP and ICMP are always checked here.
 * Outside the receive path the TCP check follows GEN_TCP: segments to our
 * own address loop back inside lwIP without a checksum, never on a wire.
 */
#include <string.h>

#include <kernel/netdev.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"

#include "netif_impl.h"

#define ETH_HLEN	SIZEOF_ETH_HDR	/* no VLAN tags: lwIP sends none */
#define IP6_HLEN	40	/* IPv6's fixed header */
#define TCP_CSUM_OFF	16	/* the checksum field in the TCP header */
#define ETHTYPE_IP6	0x86DD
#define IP6_NEXT_OFF	6	/* the next header field */

#define RX_L4_CHECKS	(NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP)

u16_t netif_csum_flags(const struct netdev *d)
{
	u16_t f = NETIF_CHECKSUM_ENABLE_ALL;

	if (d->features & NETDEV_F_TX_CSUM)
		f &= ~(NETIF_CHECKSUM_GEN_TCP | NETIF_CHECKSUM_CHECK_TCP);
	return f;
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Whether the device's word on (frame)'s TCP or UDP checksum holds for
 * what lwIP checks: not for an IPv4 fragment (its L4 header is not all
 * there), nor for IPv6 with other headers before TCP's or UDP's (a
 * fragment header among them). */
static bool l4_verifiable(const uint8_t *f, size_t len)
{
	if (len >= ETH_HLEN + 20 && be16(f + 12) == ETHTYPE_IP)
		return !(be16(f + ETH_HLEN + 6) & (IP_MF | IP_OFFMASK));
#if LWIP_IPV6
	if (len >= ETH_HLEN + IP6_HLEN && be16(f + 12) == ETHTYPE_IP6)
		return f[ETH_HLEN + IP6_NEXT_OFF] == IP_PROTO_TCP ||
		       f[ETH_HLEN + IP6_NEXT_OFF] == IP_PROTO_UDP;
#endif
	return true;	/* no TCP or UDP to check */
}

u16_t netif_csum_rx_flags(u16_t dflt, const void *frame, size_t len,
			  bool csum_ok)
{
	if (csum_ok && l4_verifiable(frame, len))
		return dflt & ~RX_L4_CHECKS;
	return dflt | RX_L4_CHECKS;
}

static unsigned fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

unsigned netif_tcp_pseudo_sum(const uint8_t *ip, unsigned l4_len)
{
	uint32_t sum = IP_PROTO_TCP + l4_len;

	for (unsigned i = 12; i < 20; i += 2)	/* source and destination */
		sum += be16(ip + i);
	return fold(sum);
}

#if LWIP_IPV6
unsigned netif_tcp6_pseudo_sum(const uint8_t *ip, unsigned l4_len)
{
	uint32_t sum = IP_PROTO_TCP + l4_len;

	for (unsigned i = 8; i < IP6_HLEN; i += 2)
		sum += be16(ip + i);
	return fold(sum);
}
#endif

unsigned netif_ip_hdr_csum(const uint8_t *ip, unsigned ihl)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < ihl; i += 2)
		sum += be16(ip + i);
	return ~fold(sum) & 0xffff;
}

/* Where the TCP header of IPv4 frame (h, (got) bytes read of (tot_len))
 * starts and its pseudo-header sum; false for anything but an unfragmented
 * TCP segment whose lengths agree. */
static bool tcp4_at(const uint8_t *h, unsigned got, unsigned tot_len,
		    unsigned *start, unsigned *sum)
{
	unsigned ihl, tot;

	if (got < ETH_HLEN + 20 || h[ETH_HLEN + 9] != IP_PROTO_TCP)
		return false;
	ihl = (h[ETH_HLEN] & 0xf) * 4;
	tot = be16(h + ETH_HLEN + 2);
	/* lwIP never fragments TCP (segments fit the MTU); anything odd is
	 * left as lwIP made it. */
	if ((h[ETH_HLEN] >> 4) != 4 || ihl < 20 || tot < ihl + 20 ||
	    ETH_HLEN + tot > tot_len ||
	    (be16(h + ETH_HLEN + 6) & (IP_MF | IP_OFFMASK)))
		return false;
	*start = ETH_HLEN + ihl;
	*sum = netif_tcp_pseudo_sum(h + ETH_HLEN, tot - ihl);
	return true;
}

#if LWIP_IPV6
/* The same for IPv6: TCP right after the fixed header (lwIP puts no
 * extension headers before TCP). */
static bool tcp6_at(const uint8_t *h, unsigned got, unsigned tot_len,
		    unsigned *start, unsigned *sum)
{
	unsigned l4;

	if (got < ETH_HLEN + IP6_HLEN || (h[ETH_HLEN] >> 4) != 6 ||
	    h[ETH_HLEN + IP6_NEXT_OFF] != IP_PROTO_TCP)
		return false;
	l4 = be16(h + ETH_HLEN + 4);
	if (l4 < 20 || ETH_HLEN + IP6_HLEN + l4 > tot_len)
		return false;
	*start = ETH_HLEN + IP6_HLEN;
	*sum = netif_tcp6_pseudo_sum(h + ETH_HLEN, l4);
	return true;
}
#endif

bool netif_csum_tx(const struct netdev *d, struct pbuf *p,
		   struct netdev_offload *c)
{
	uint8_t h[ETH_HLEN + IP6_HLEN];
	unsigned got, start, sum;
	bool tcp;

	if (!(d->features & NETDEV_F_TX_CSUM))
		return false;
	got = pbuf_copy_partial(p, h, sizeof(h), 0);
	if (got < ETH_HLEN)
		return false;
	switch (be16(h + 12)) {
	case ETHTYPE_IP:
		tcp = tcp4_at(h, got, p->tot_len, &start, &sum);
		break;
#if LWIP_IPV6
	case ETHTYPE_IP6:
		tcp = tcp6_at(h, got, p->tot_len, &start, &sum);
		break;
#endif
	default:
		tcp = false;
	}
	if (!tcp)
		return false;
	/* The whole of it: a stray mss would ask for segmentation. */
	*c = (struct netdev_offload){ .start = start, .offset = TCP_CSUM_OFF };
	/* Not complemented: the device sums it with the segment. */
	pbuf_put_at(p, c->start + c->offset, sum >> 8);
	pbuf_put_at(p, c->start + c->offset + 1, sum & 0xff);
	return true;
}
