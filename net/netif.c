// SPDX-License-Identifier: MIT
/*
 * The network interface: lwIP's netif over the first kernel/netdev.h device,
 * and the stack's start-up at INIT_NET, so main() starts with the network
 * configured. The IPv4 address comes from the kernel options
 * "ip=ADDR/PREFIX" and "gw=ADDR", else from DHCP, waited for at most
 * NET_DHCP_WAIT_NS. IPv6 (netif_ip6.c): the link-local address at once,
 * "ip6=ADDR[/64]", and SLAAC from the routers' advertisements later.
 *
 * Checksums are left to the device where it offers it (netif_csum.c).
 * The interface's link follows the device's (netdev link_up and
 * link_changed).
 */
#include <kernel/kerrno.h>
#include <string.h>

#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/strtox.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/netdev.h>
#include <toro/sync.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "net_impl.h"
#include "netif_impl.h"

#define NET_DHCP_WAIT_NS	(5 * 1000000000ULL)
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

/* Device -> lwIP, in the driver's receive thread. IP runs here, under
 * the core lock, rather than in the tcpip thread (what tcpip_input()
 * does with core locking for input); holding the lock ourselves lets the
 * checksum checks be set for this one frame. */
static void receive(struct netdev *d, const void *frame, size_t len,
		    bool csum_ok)
{
	struct pbuf *p;

	(void)d;
	if (len < SIZEOF_ETH_HDR || len > 0xffff)
		return;
	p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (!p)
		return;		/* out of buffers: dropped, TCP resends */
	pbuf_take(p, frame, (u16_t)len);
	net_count(NET_RX_COPIED, len);
	LOCK_TCPIP_CORE();
	netif_arp_received(frame, len);
	NETIF_SET_CHECKSUM_CTRL(&nif, netif_csum_rx_flags(csum_flags, frame,
							  len, csum_ok));
	ethernet_input(p, &nif);	/* takes p, even on error */
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

static err_t netif_setup(struct netif *n)
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

/* "ip=ADDR/PREFIX" and "gw=ADDR". 1 if set, 0 if absent, -EINVAL. */
static int static_address(ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
	const char *opt = kopt("ip"), *g = kopt("gw"), *slash;
	char addr[16];
	char *end;
	unsigned long prefix;

	ip4_addr_set_zero(gw);
	if (!opt)
		return 0;
	slash = strchr(opt, '/');
	if (!slash || (size_t)(slash - opt) >= sizeof(addr))
		goto bad;
	memcpy(addr, opt, (size_t)(slash - opt));
	addr[slash - opt] = '\0';
	prefix = kstrtou64(slash + 1, &end, 10, NULL);
	if (!ip4addr_aton(addr, ip) || end == slash + 1 || *end ||
	    prefix < 1 || prefix > 32)
		goto bad;
	ip4_addr_set_u32(mask, lwip_htonl(0xffffffffU << (32 - prefix)));
	if (g && !ip4addr_aton(g, gw)) {
		log_error("net: bad option gw=%s (want gw=ADDR)\n", g);
		return -EINVAL;
	}
	return 1;
bad:
	log_error("net: bad option ip=%s (want ip=ADDR/PREFIX)\n", opt);
	return -EINVAL;
}

/* 255.255.255.0 -> 24 (a contiguous mask, as both sources give). */
static int prefix_len(const ip4_addr_t *mask)
{
	u32_t m = lwip_ntohl(ip4_addr_get_u32(mask));

	return m ? 32 - __builtin_ctz(m) : 0;
}

static void tcpip_ready(void *arg)
{
	sys_sem_signal(arg);
}

static bool have_address(void)
{
	bool ok;

	LOCK_TCPIP_CORE();
	ok = dhcp_supplied_address(&nif);
	UNLOCK_TCPIP_CORE();
	return ok;
}

void net_start_stack(void)
{
	static struct mutex lock;
	static bool started;
	sys_sem_t ready;

	if (__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		return;
	mutex_lock(&lock);
	if (!started) {
		sock_table_init();
		sys_sem_new(&ready, 0);
		tcpip_init(tcpip_ready, &ready);
		sys_arch_sem_wait(&ready, 0);
		sys_sem_free(&ready);
		__atomic_store_n(&started, true, __ATOMIC_RELEASE);
	}
	mutex_unlock(&lock);
}

static __cold int net_start(void)
{
	ip4_addr_t ip, mask, gw;
	uint64_t deadline;
	int rc, fixed;
	char a[16];

	dev = netdev_get(0);
	if (!dev) {
		/* Sockets still work on 127.0.0.1: the stack starts with
		 * the first one (net_start_stack()). */
		log_info("net: no network device\n");
		return 0;
	}
	fixed = static_address(&ip, &mask, &gw);
	if (fixed < 0)
		return fixed;
	if (!fixed) {
		ip4_addr_set_zero(&ip);
		ip4_addr_set_zero(&mask);
	}

	net_start_stack();
	LOCK_TCPIP_CORE();
	if (!netif_add(&nif, &ip, &mask, &gw, NULL, netif_setup,
		       tcpip_input)) {
		UNLOCK_TCPIP_CORE();
		log_error("net: %s: cannot add interface\n", dev->name);
		return -ENOMEM;
	}
	netif_set_default(&nif);
	netif_set_up(&nif);
	rc = netif_ip6_start(&nif);
	UNLOCK_TCPIP_CORE();
	if (rc < 0)
		return rc;

	dev->stack_data = &nif;
	dev->receive = receive;
	dev->link_changed = link_changed;
	rc = dev->up(dev);
	if (rc < 0) {
		log_error("net: %s: cannot start (%d)\n", dev->name, rc);
		return rc;
	}

	if (!fixed) {
		LOCK_TCPIP_CORE();
		dhcp_start(&nif);
		UNLOCK_TCPIP_CORE();
		deadline = clock_ns() + NET_DHCP_WAIT_NS;
		while (!have_address() && clock_ns() < deadline)
			thread_sleep_ns(10 * 1000000ULL);
		if (!have_address()) {
			log_warn("net: %s: no DHCP answer in 5 s, going on "
				 "without an address\n", dev->name);
			return 0;
		}
	}
	ip4addr_ntoa_r(netif_ip4_addr(&nif), a, sizeof(a));
	log_info("net: %s: %s/%d gw %s (%s)%s%s\n", dev->name, a,
		 prefix_len(netif_ip4_netmask(&nif)),
		 ip4addr_ntoa(netif_ip4_gw(&nif)), fixed ? "static" : "DHCP",
		 (dev->features & NETDEV_F_TX_CSUM) ? ", tx csum offload" : "",
		 (dev->features & NETDEV_F_RX_CSUM) ? ", rx csum offload" : "");
	netif_ip6_report(&nif, dev->name);
	return 0;
}
INIT_CALL(INIT_NET, net_start);

/* Referenced by the socket layer so that using sockets links this file
 * (and with it the start-up above). */
struct netif *net_netif(void)
{
	return dev ? &nif : NULL;
}
