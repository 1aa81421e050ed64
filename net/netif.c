// SPDX-License-Identifier: MIT
/*
 * The network interface: lwIP's netif over the first kernel/netdev.h
 * device, frames both ways (netif_start.c brings it up). Checksums are
 * left to the device where it offers it (netif_csum.c), and so is the
 * cutting of TCP runs into segments (netif_tso.c). The interface's link
 * follows the device's (netdev link_up and link_changed).
 */
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/netdev.h>

#include "lwip/etharp.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "net_impl.h"
#include "netif_impl.h"

#define NET_FRAME_MAX		1536
#define LINK_FRAGS		16

static struct netif nif;
static struct netdev *dev;
static u16_t csum_flags;	/* nif's, outside receive() */

/* One frame as the pbuf chain's pieces, copied into one buffer only
 * when the chain is longer than LINK_FRAGS. */
err_t netif_send(struct pbuf *p)
{
	struct netdev_frag frags[LINK_FRAGS];
	unsigned char flat[NET_FRAME_MAX];
	unsigned nf = 0;
	struct netdev_offload csum;
	bool offload;
	struct pbuf *q;
	int rc;

	/* Before the pieces are taken: it writes into the frame. */
	offload = netif_csum_tx(dev, p, &csum);
	for (q = p; q && nf < LINK_FRAGS; q = q->next) {
		if (!q->len)
			continue;
		frags[nf].data = q->payload;
		frags[nf++].len = q->len;
	}
	if (q) {
		if (p->tot_len > sizeof(flat))
			return ERR_BUF;
		pbuf_copy_partial(p, flat, p->tot_len, 0);
		frags[0].data = flat;
		frags[0].len = p->tot_len;
		nf = 1;
	}
	netif_arp_sent(frags[0].data, frags[0].len);
	rc = dev->xmit(dev, frags, nf, offload ? &csum : NULL);
	if (!rc) {
		net_count(NET_TX_COPIED, p->tot_len);
		net_count(NET_TX_FRAMES, 1);
	}
	return rc ? ERR_IF : ERR_OK;
}

/* lwIP -> device, under the core lock: TCP data may wait for the
 * segments after it (netif_tso.c), anything else goes now. */
static err_t link_output(struct netif *n, struct pbuf *p)
{
	(void)n;
	if (netif_tso_take(dev, p))
		return ERR_OK;
	return netif_send(p);
}

/* Where a received frame's IP packet starts: past its Ethernet header,
 * for a TCP segment the host put together (NETDEV_F_LRO), which may hold
 * 64 KiB of IP: more than a pbuf's 16-bit length takes with the header.
 * 0 for a frame that goes to ethernet_input() whole. */
static size_t ip_only(const uint8_t *frame, size_t len)
{
	unsigned type;

	if (len <= NET_FRAME_MAX)
		return 0;
	type = (unsigned)frame[12] << 8 | frame[13];
	return type == ETHTYPE_IP || type == ETHTYPE_IPV6 ? SIZEOF_ETH_HDR : 0;
}

/* Device -> lwIP, in the driver's receive thread. IP runs here, under
 * the core lock, rather than in the tcpip thread (what tcpip_input()
 * does with core locking for input); holding the lock ourselves lets the
 * checksum checks be set for this one frame. */
static void receive(struct netdev *d, const void *frame, size_t len,
		    bool csum_ok)
{
	size_t skip = ip_only(frame, len);
	struct pbuf *p;

	(void)d;
	if (len < SIZEOF_ETH_HDR || len - skip > 0xffff)
		return;
	p = pbuf_alloc(PBUF_RAW, (u16_t)(len - skip), PBUF_POOL);
	if (!p)
		return;		/* out of buffers: dropped, TCP resends */
	pbuf_take(p, (const uint8_t *)frame + skip, (u16_t)(len - skip));
	net_count(NET_RX_COPIED, len);
	LOCK_TCPIP_CORE();
	netif_arp_received(frame, len);
	NETIF_SET_CHECKSUM_CTRL(&nif, netif_csum_rx_flags(csum_flags, frame,
							  len, csum_ok));
	if (skip) {
		p->if_idx = netif_get_index(&nif);
		ip_input(p, &nif);	/* takes p, as from ethernet_input */
	} else {
		ethernet_input(p, &nif);	/* takes p, even on error */
	}
	NETIF_SET_CHECKSUM_CTRL(&nif, csum_flags);
	UNLOCK_TCPIP_CORE();
}

/* The device's link went up or down, from the driver's receive thread.
 * DHCP starts over when it comes back (lwIP does that). */
static void link_changed(struct netdev *d, bool up)
{
	(void)d;
	LOCK_TCPIP_CORE();
	if (up)
		netif_set_link_up(&nif);
	else
		netif_set_link_down(&nif);
	UNLOCK_TCPIP_CORE();
}

static __cold err_t netif_setup(struct netif *n)
{
	n->name[0] = 'e';
	n->name[1] = 'n';
	n->output = etharp_output;
	n->linkoutput = link_output;
	n->mtu = dev->mtu ? dev->mtu : 1500;
	n->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(n->hwaddr, dev->mac, ETH_HWADDR_LEN);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		   NETIF_FLAG_ETHERNET;
	if (__atomic_load_n(&dev->link_up, __ATOMIC_ACQUIRE))
		n->flags |= NETIF_FLAG_LINK_UP;
	csum_flags = netif_csum_flags(dev);
	NETIF_SET_CHECKSUM_CTRL(n, csum_flags);
	netif_ip6_setup(n);
	return ERR_OK;
}

__cold struct netif *netif_attach(struct netdev *d, const ip4_addr_t *ip,
			   const ip4_addr_t *mask, const ip4_addr_t *gw)
{
	dev = d;
	LOCK_TCPIP_CORE();
	if (!netif_add(&nif, ip, mask, gw, NULL, netif_setup, tcpip_input)) {
		UNLOCK_TCPIP_CORE();
		return NULL;
	}
	netif_set_default(&nif);
	netif_set_up(&nif);
	UNLOCK_TCPIP_CORE();
	d->stack_data = &nif;
	d->receive = receive;
	d->link_changed = link_changed;
	return &nif;
}

struct netif *net_netif(void)
{
	return dev ? &nif : NULL;
}
