/* SPDX-License-Identifier: MIT */
/* Private to the interface glue (netif.c, netif_csum.c). */
#ifndef NET_NETIF_IMPL_H
#define NET_NETIF_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <kernel/netdev.h>

#include "lwip/pbuf.h"

/* netif_csum.c: checksum offload (see there for what is offloaded). */

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
		   struct netdev_csum *c);

/* netif_arp.c: our ARP requests still unanswered, for exit (drain.c).
 * Every frame sent and received is shown to it, under the core lock. */
void netif_arp_sent(const void *frame, size_t len);
void netif_arp_received(const void *frame, size_t len);

#endif /* NET_NETIF_IMPL_H */
