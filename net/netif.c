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
#include <kernel/sched.h>

#include "lwip/etharp.h"
#include "lwip/ip.h"
#include "lwip/ip4_frag.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "net_impl.h"
#include "netif_impl.h"

#define NET_FRAME_MAX		1536
#define LINK_FRAGS		16
#define NETIF_BIG_MTU		0xffff	/* the largest IPv4 packet */

static struct netif nif;
static struct netdev *dev;
static u16_t csum_flags;	/* nif's, outside receive() */
static u16_t link_mtu;		/* the device's; nif.mtu may be larger */
bool netif_big_segments;	/* big segments (net/tcp_big.c) */

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

	if (p->tot_len > SIZEOF_ETH_HDR + link_mtu &&
	    netif_tso_cut(dev, p, link_mtu))
		return ERR_OK;
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

void netif_tx_flush(void)
{
	struct netdev *d = READ_ONCE(dev);

	if (d && d->tx_flush)
		d->tx_flush(d);
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

/* IP -> Ethernet. With big segments IP takes the interface's MTU to be
 * the largest packet, so as not to fragment them: any other packet over
 * the link's MTU is fragmented here, at the link's. (DHCP also offers
 * the server that size as its largest message: answers are far
 * smaller.) */
static err_t output4(struct netif *n, struct pbuf *p, const ip4_addr_t *to)
{
	err_t err;

	if (p->tot_len <= link_mtu ||
	    IPH_PROTO((struct ip_hdr *)p->payload) == IP_PROTO_TCP)
		return etharp_output(n, p, to);
	n->mtu = link_mtu;
	err = ip4_frag(p, n, to);	/* each piece back through here */
	n->mtu = NETIF_BIG_MTU;
	return err;
}

/* IPv6 keeps the link's MTU (lwIP sets it from nif.mtu now and then). */
static void keep_mtu6(void)
{
#if LWIP_IPV6
	nif.mtu6 = link_mtu;
#endif
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

/* Frame (p), whose first (len) bytes are at (frame), into lwIP: at its
 * IP header when (skip) (ip_only). In the driver's receive thread. IP
 * runs here, under the core lock, rather than in the tcpip thread (what
 * tcpip_input() does with core locking for input); holding the lock
 * ourselves lets the checksum checks be set for this one frame. */
static void input(struct pbuf *p, const void *frame, size_t len, size_t skip,
		  bool csum_ok)
{
	LOCK_TCPIP_CORE();
	netif_arp_received(frame, len);
	NETIF_SET_CHECKSUM_CTRL(&nif, netif_csum_rx_flags(csum_flags, frame,
							  len, csum_ok));
	net_tcp_demux_begin(&nif, frame, len);
	if (skip) {
		p->if_idx = netif_get_index(&nif);
		ip_input(p, &nif);	/* takes p, as from ethernet_input */
	} else {
		ethernet_input(p, &nif);	/* takes p, even on error */
	}
	net_tcp_demux_end();
	NETIF_SET_CHECKSUM_CTRL(&nif, csum_flags);
	UNLOCK_TCPIP_CORE();
}

/* A piece as a pbuf: its header in the piece's own (lent) bytes; a lent
 * piece goes back to the driver when lwIP frees it. */
struct piece_pbuf {
	struct pbuf_custom pc;
	struct netdev *d;
};
_Static_assert(sizeof(struct piece_pbuf) <= NETDEV_RX_LENT_SIZE,
	       "a piece's own bytes hold its pbuf");

static void lent_free(struct pbuf *p)
{
	struct piece_pbuf *pp = (struct piece_pbuf *)p;

	pp->d->rx_release(pp->d, pp);
}

/* A copied frame's pieces stay the driver's. */
static void kept_free(struct pbuf *p)
{
	(void)p;
}

/* The frame from (skip) on as a chain of pbufs over its pieces. */
static struct pbuf *chain(struct netdev *d, const struct netdev_rx_piece *pc,
			  unsigned n, size_t skip, bool lent)
{
	struct pbuf *head = NULL;

	for (unsigned i = 0; i < n; i++) {
		struct piece_pbuf *pp = pc[i].lent;
		struct pbuf *p;

		pp->d = d;
		pp->pc.custom_free_function = lent ? lent_free : kept_free;
		p = pbuf_alloced_custom(PBUF_RAW, (u16_t)pc[i].len, PBUF_REF,
					&pp->pc, pc[i].data, (u16_t)pc[i].len);
		if (head) {
			pbuf_cat(head, p);
		} else {
			/* First: so the chain's length fits its u16_t. */
			pbuf_remove_header(p, skip);
			head = p;
		}
	}
	return head;
}

/* Device -> lwIP: a lent frame is kept where it is, so its bytes are
 * copied once, when the application reads them; else it is copied into
 * pool buffers, as many as memory allows (net/lwip/memp.c). Frames wait
 * unread in every connection whose thread has yet to run: on one CPU
 * under 512 connections, more than the device has spares to lend, and a
 * frame dropped for want of a buffer waits out the peer's retransmission
 * timer (200 ms and more). */
static void receive(struct netdev *d, const struct netdev_rx_piece *pc,
		    unsigned n, bool csum_ok, bool lent)
{
	struct pbuf *p, *copy;
	size_t len = 0, skip;

	for (unsigned i = 0; i < n; i++)
		len += pc[i].len;
	skip = ip_only(pc[0].data, len);
	if (len - skip > 0xffff) {
		for (unsigned i = 0; lent && i < n; i++)
			d->rx_release(d, pc[i].lent);
		return;
	}
	p = chain(d, pc, n, skip, lent);
	if (!lent) {
		copy = pbuf_clone(PBUF_RAW, PBUF_POOL, p);
		pbuf_free(p);
		if (!copy) {	/* out of buffers: dropped, TCP resends */
			net_count(NET_RX_DROPPED, 1);
			return;
		}
		p = copy;
	}
	net_count(lent ? NET_RX_LENT : NET_RX_COPIED, len);
	input(p, pc[0].data, pc[0].len, skip, csum_ok);
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
	keep_mtu6();
	UNLOCK_TCPIP_CORE();
}

static __cold err_t netif_setup(struct netif *n)
{
	n->name[0] = 'e';
	n->name[1] = 'n';
	n->output = output4;
	n->linkoutput = link_output;
	link_mtu = dev->mtu ? dev->mtu : 1500;
	netif_big_segments = (dev->features & NETDEV_F_TSO4) &&
			     (dev->features & NETDEV_F_TX_CSUM) &&
			     link_mtu >= TCP_MSS + IP_HLEN + TCP_HLEN;
	n->mtu = netif_big_segments ? NETIF_BIG_MTU : link_mtu;
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
	keep_mtu6();
	netif_set_default(&nif);
	netif_set_up(&nif);
	UNLOCK_TCPIP_CORE();
	d->stack_data = &nif;
	d->receive = receive;
	d->link_changed = link_changed;
	sched_set_idle_hook(netif_tx_flush);
	return &nif;
}

struct netif *net_netif(void)
{
	return dev ? &nif : NULL;
}
