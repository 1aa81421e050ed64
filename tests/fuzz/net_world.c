// SPDX-License-Identifier: MIT
/*
 * The network fuzz targets' world (net_world.h): a virtio-net device
 * (host_virtio.c) under our driver, lwIP's interface over it, and what
 * else the port calls, on host_threads.c's threads.
 */
#include <stdlib.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/netdev.h>
#include <kernel/page_alloc.h>

#include "lwip/dhcp.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6_frag.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"

#include "../../drivers/virtio/net_impl.h"
#include "../../net/netif_impl.h"
#include "fuzz.h"
#include "host_threads.h"
#include "host_virtio.h"
#include "net_world.h"

#define RXQ	0
#define TXQ	1
/* Longer than IPv4 and IPv6 reassembly keep fragments (lwIP's
 * IP_REASS_MAXAGE, IPV6_REASS_MAXAGE seconds). */
#define REASS_SECONDS	MAX(IP_REASS_MAXAGE, IPV6_REASS_MAXAGE)
/* virtio_net_config (5.1.4) */
#define CFG_MAC		0
#define CFG_STATUS	6
#define CFG_MTU		10

const uint8_t net_world_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
void (*net_world_sent)(const uint8_t *frame, size_t len);

/* The /etc/resolv.conf of fs/etc_files.c: DHCP's DNS servers. */
void etc_set_nameservers(const uint32_t *ip, unsigned n)
{
	FUZZ_CHECK(n >= 1 && n <= 3);
	(void)ip[n - 1];
}

/* A frame the driver sends: checked to be one a device may be given,
 * then the target's. */
static void transmit(const uint8_t *bytes, size_t len)
{
	const struct vnet *v = host_virtio_dev.driver_data;
	struct vnet_hdr h;

	FUZZ_CHECK(len >= VNET_HDR_LEN + VNET_ETH_HLEN);
	memcpy(&h, bytes, sizeof(h));
	len -= VNET_HDR_LEN;
	FUZZ_CHECK(h.gso_type ? len <= NETDEV_TSO_MAX : len <= v->frame_max);
	log_printf(LOG_DEBUG, "device: sent %zu bytes: %02x%02x, %02x\n",
		   len, bytes[VNET_HDR_LEN + 12], bytes[VNET_HDR_LEN + 13],
		   len > 23 ? bytes[VNET_HDR_LEN + 23] : 0);
	if (net_world_sent)
		net_world_sent(bytes + VNET_HDR_LEN, len);
}

bool net_world_receive(const uint8_t *bytes, size_t len)
{
	bool merge = host_virtio_dev.features &
		     VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);

	if (!host_virtio_fill(RXQ, bytes, len, merge))
		return false;
	fuzz_run();
	return true;
}

void net_world_link(bool up)
{
	host_virtio_config[CFG_STATUS] = up;
	if (host_virtio_dev.config_changed)	/* the config interrupt */
		host_virtio_dev.config_changed(&host_virtio_dev);
	fuzz_run();
}

bool net_world_broken(void)
{
	return host_virtio_dev.broken;
}

/* ------------------------------------------------------------------------
 * The registry of kernel/netdev.h, for one device at a time.
 */

static struct netdev *device;

int netdev_register(struct netdev *d)
{
	FUZZ_CHECK(!device);
	device = d;
	return 0;
}

unsigned netdev_count(void)
{
	return device != NULL;
}

struct netdev *netdev_get(unsigned index)
{
	return index == 0 ? device : NULL;
}

/* ------------------------------------------------------------------------
 * Start and stop.
 */

static struct netif *nif;
static unsigned stack_threads;

struct netif *net_world_start(const struct net_world_config *c)
{
	static bool stack;
	ip4_addr_t ip, mask, gw;

	if (!stack) {	/* lwIP and its tcpip thread, once */
		tcpip_init(NULL, NULL);
		fuzz_run();
		stack_threads = fuzz_threads_mark();
		stack = true;
	}
	host_virtio_offer = c->features;
	memcpy(host_virtio_config + CFG_MAC, net_world_mac, 6);
	host_virtio_config[CFG_STATUS] = c->link_up;
	host_virtio_config[CFG_MTU] = c->mtu & 0xff;
	host_virtio_config[CFG_MTU + 1] = c->mtu >> 8;
	host_virtio_out[TXQ] = transmit;
	if (host_virtio_probe(VIRTIO_ID_NET)) {
		net_world_stop();
		return NULL;
	}
	FUZZ_CHECK(device);
	ip4_addr_set_u32(&ip, c->dhcp ? 0 : lwip_htonl(NET_WORLD_IP));
	ip4_addr_set_u32(&mask, c->dhcp ? 0 : lwip_htonl(0xffffff00));
	ip4_addr_set_u32(&gw, c->dhcp ? 0 : lwip_htonl(NET_WORLD_PEER));
	nif = netif_attach(device, &ip, &mask, &gw);
	FUZZ_CHECK(nif);
	LOCK_TCPIP_CORE();
	FUZZ_CHECK(netif_ip6_start(nif) == 0);
	UNLOCK_TCPIP_CORE();
	FUZZ_CHECK(device->up(device) == 0);
	if (c->dhcp) {
		LOCK_TCPIP_CORE();
		FUZZ_CHECK(dhcp_start(nif) == ERR_OK);
		UNLOCK_TCPIP_CORE();
	}
	fuzz_run();
	return nif;
}

static void free_pool(struct vnet_buf *b, unsigned n)
{
	if (b && n)
		page_free(b[0].data, 0);
	heap_free(b);
}

void net_world_stop(void)
{
	struct vnet *v = host_virtio_dev.driver_data;

	if (nif) {
		LOCK_TCPIP_CORE();
		while (tcp_active_pcbs)
			tcp_abort(tcp_active_pcbs);
		while (tcp_tw_pcbs)
			tcp_abort(tcp_tw_pcbs);
		UNLOCK_TCPIP_CORE();
		/* Fragments waiting to be put together, from this input's
		 * frames, are given up as time passes, as in the kernel: the
		 * next input starts without them. */
		for (unsigned i = 0; i <= REASS_SECONDS; i++)
			fuzz_advance(1000);
		LOCK_TCPIP_CORE();
		dhcp_release_and_stop(nif);	/* before its cleanup */
		dhcp_cleanup(nif);
		netif_remove(nif);
		UNLOCK_TCPIP_CORE();
		nif = NULL;
	}
	if (v) {
		/* The driver keeps its buffers for the device's life
		 * (drivers/virtio/net.c): the device goes here. */
		free_pool(v->rx, v->nrx);
		free_pool(v->tx, v->ntx);
		for (unsigned i = 0; i < v->ntso; i++)
			page_free(v->tso[i].data, 0);
		heap_free(v->sg);
		heap_free(v->ready);
		heap_free(v->tx_free);
		free_pool(v->spare_bufs, v->spare_max);
		heap_free(v->held);
		heap_free(v);
	}
	host_virtio_reset();
	device = NULL;
	fuzz_threads_forget(stack_threads);	/* the receive thread */
}

/* ------------------------------------------------------------------------
 * Checksums for the targets.
 */

uint32_t net_world_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

uint16_t net_world_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
