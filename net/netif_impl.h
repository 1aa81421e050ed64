/* SPDX-License-Identifier: MIT */
/* Private to the interface glue (netif*.c). */
#ifndef NET_NETIF_IMPL_H
#define NET_NETIF_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/netdev.h>

#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"

/* netif_csum.c: checksum offload (see there for what is offloaded). */

/* 255.255.255.0 -> 24 (a contiguous mask, as DHCP, ip= and lwIP give). */
static inline int netif_prefix_len(const ip4_addr_t *mask)
{
	u32_t m = lwip_ntohl(ip4_addr_get_u32(mask));

	return m ? 32 - __builtin_ctz(m) : 0;
}

/* The interface's checksum flags (NETIF_CHECKSUM_*) for device (d),
 * outside the receive path. */
u16_t netif_csum_flags(const struct netdev *d);

/* The flags for one received frame: (dflt) with the TCP/UDP checks off
 * when the device verified them, on otherwise. */
u16_t netif_csum_rx_flags(u16_t dflt, const void *frame, size_t len,
			  bool csum_ok);

/* For an outgoing frame (p) on device (d): when the device is to fill
 * its checksum, writes the pseudo-header sum into (p), sets (c) and
 * returns true. */
bool netif_csum_tx(const struct netdev *d, struct pbuf *p,
		   struct netdev_offload *c);

/* Sums over an IPv4 header at (ip): the TCP pseudo-header's for a TCP
 * segment of (l4_len) bytes, folded, not complemented (what a device
 * completing a partial checksum wants in the field); the header
 * checksum of its (ihl) bytes with the checksum field 0. */
unsigned netif_tcp_pseudo_sum(const uint8_t *ip, unsigned l4_len);
/* The same over an IPv6 header (with IPv6 only). */
unsigned netif_tcp6_pseudo_sum(const uint8_t *ip, unsigned l4_len);
unsigned netif_ip_hdr_csum(const uint8_t *ip, unsigned ihl);

/* netif_tso.c: segmentation offload (see there). Under the core lock:
 * netif_tso_take() keeps (p) (a reference) to send with the segments
 * after it and returns true, or returns false for the caller to send it
 * now; netif_tso_flush() sends what it keeps. net_core_unlock() is
 * UNLOCK_TCPIP_CORE (lwipopts.h). */
bool netif_tso_take(struct netdev *d, struct pbuf *p);
void netif_tso_flush(void);
/* A TCP segment (p) the device cannot take whole, cut into frames and
 * copied to the device one by one: a big one at its MSS, any other at
 * what the link's (mtu) leaves. Any other frame is left alone: false. */
bool netif_tso_cut(struct netdev *d, struct pbuf *p, unsigned mtu);

/* netif.c: sends (p) to the device as it is (netif_tso_cut() for a TCP
 * segment over the link's MTU). */
err_t netif_send(struct pbuf *p);
/* netif.c: after the core lock is let go, tells the device of the frames
 * this CPU sent while it was held (netdev.h, tx_flush). */
void netif_tx_flush(void);

/* netif.c: whether TCP/IPv4 may send big segments (net/tcp_big.c): the
 * device cuts them (TSO4 with checksum offload) and the link's MTU takes
 * the stack's full-sized segments. */
extern bool netif_big_segments;

/* netif.c: lwIP's interface over device (d), up, the default route, with
 * those IPv4 addresses (zero: none yet), (d)'s frames going to it; NULL
 * if lwIP refuses it. */
struct netif *netif_attach(struct netdev *d, const ip4_addr_t *ip,
			   const ip4_addr_t *mask, const ip4_addr_t *gw);

/* tcp_demux.c: around each frame from the device into lwIP (input
 * (inp)), under the core lock: begin() looks its TCP connection up in a
 * hash, from the (len) bytes at (frame), its Ethernet header on, so that
 * lwIP need not walk all of them; end() after lwIP is done with it. */
void net_tcp_demux_begin(struct netif *inp, const void *frame, size_t len);
void net_tcp_demux_end(void);

/* netif_arp.c: our ARP requests still unanswered, for exit (drain.c).
 * Every frame sent and received is shown to it, under the core lock. */
void netif_arp_sent(const void *frame, size_t len);
void netif_arp_received(const void *frame, size_t len);

/* netif_ip6.c: IPv6 on the interface. netif_ip6_setup() from the
 * netif's init; netif_ip6_start() under the core lock once it is up: 0 or
 * -EINVAL for a bad "ip6=" option; netif_ip6_report() logs the addresses.
 * The IPv4-only stack has none of it ("ip6=" is an option it does not
 * know, passed on to the program as any other). */
struct netif;
#if LWIP_IPV6
void netif_ip6_setup(struct netif *n);
int netif_ip6_start(struct netif *n);
void netif_ip6_report(struct netif *n, const char *dev_name);
#else
static inline void netif_ip6_setup(struct netif *n)
{
	(void)n;
}

static inline int netif_ip6_start(struct netif *n)
{
	(void)n;
	return 0;
}

static inline void netif_ip6_report(struct netif *n, const char *dev_name)
{
	(void)n;
	(void)dev_name;
}
#endif

#endif /* NET_NETIF_IMPL_H */
