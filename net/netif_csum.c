// SPDX-License-Identifier: MIT
/*
 * Checksum offload between lwIP and a netdev (lwipopts.h says why this
 * much). lwIP 2.1 decides per interface (LWIP_CHECKSUM_CTRL_PER_NETIF,
 * netif->chksum_flags), virtio per frame, so:
 *
 * Transmit: with NETDEV_F_TX_CSUM lwIP leaves TCP checksums to the
 * device (GEN_TCP off) and link_output asks for one per TCP segment,
 * after putting the pseudo-header sum in the checksum field as virtio's
 * NEEDS_CSUM wants. UDP stays in software: lwIP may fragment a datagram,
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
#define TCP_CSUM_OFF	16	/* the checksum field in the TCP header */

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

/* Whether (frame) is an IPv4 fragment (its L4 header is not all there). */
static bool is_fragment(const uint8_t *f, size_t len)
{
	if (len < ETH_HLEN + 20 || be16(f + 12) != ETHTYPE_IP)
		return false;
	return be16(f + ETH_HLEN + 6) & (IP_MF | IP_OFFMASK);
}

u16_t netif_csum_rx_flags(u16_t dflt, const void *frame, size_t len,
			  bool csum_ok)
{
	if (csum_ok && !is_fragment(frame, len))
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

unsigned netif_ip_hdr_csum(const uint8_t *ip, unsigned ihl)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < ihl; i += 2)
		sum += be16(ip + i);
	return ~fold(sum) & 0xffff;
}

bool netif_csum_tx(const struct netdev *d, struct pbuf *p,
		   struct netdev_offload *c)
{
	uint8_t h[ETH_HLEN + 20];
	unsigned ihl, tot, l4, sum;

	if (!(d->features & NETDEV_F_TX_CSUM))
		return false;
	if (pbuf_copy_partial(p, h, sizeof(h), 0) != sizeof(h) ||
	    be16(h + 12) != ETHTYPE_IP || h[ETH_HLEN + 9] != IP_PROTO_TCP)
		return false;
	ihl = (h[ETH_HLEN] & 0xf) * 4;
	tot = be16(h + ETH_HLEN + 2);
	/* lwIP never fragments TCP (segments fit the MTU); anything odd is
	 * left as lwIP made it. */
	if ((h[ETH_HLEN] >> 4) != 4 || ihl < 20 || tot < ihl + 20 ||
	    ETH_HLEN + tot > p->tot_len ||
	    (be16(h + ETH_HLEN + 6) & (IP_MF | IP_OFFMASK)))
		return false;
	l4 = tot - ihl;
	sum = netif_tcp_pseudo_sum(h + ETH_HLEN, l4);
	c->start = ETH_HLEN + ihl;
	c->offset = TCP_CSUM_OFF;
	/* Not complemented: the device sums it with the segment. */
	pbuf_put_at(p, c->start + c->offset, sum >> 8);
	pbuf_put_at(p, c->start + c->offset + 1, sum & 0xff);
	return true;
}
