// SPDX-License-Identifier: MIT
/*
 * The network's start-up at INIT_NET, so main() starts with it
 * configured: the stack, then the interface over the first
 * kernel/netdev.h device (netif.c). The IPv4 address comes from the
 * kernel options "ip=ADDR/PREFIX" and "gw=ADDR", else from DHCP, waited
 * for at most NET_DHCP_WAIT_NS. IPv6 (netif_ip6.c): the link-local
 * address at once, "ip6=ADDR[/64]", and SLAAC from the routers'
 * advertisements later. Runs once: built for size (net/Makefile.inc).
 */
#include <kernel/kerrno.h>
#include <string.h>

#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/netdev.h>
#include <kernel/strtox.h>
#include <toro/sync.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "net_impl.h"
#include "netif_impl.h"

#define NET_DHCP_WAIT_NS	(5 * 1000000000ULL)

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

static void tcpip_ready(void *arg)
{
	sys_sem_signal(arg);
}

static bool have_address(struct netif *nif)
{
	bool ok;

	LOCK_TCPIP_CORE();
	/* lwIP binds what an ACK names, 0.0.0.0 too (fuzz_dhcp's seed
	 * ack-yiaddr-zero): that is no address to go on with. */
	ok = dhcp_supplied_address(nif) &&
	     !ip4_addr_isany_val(*netif_ip4_addr(nif));
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
	struct netdev *dev;
	struct netif *nif;
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
	nif = netif_attach(dev, &ip, &mask, &gw);
	if (!nif) {
		log_error("net: %s: cannot add interface\n", dev->name);
		return -ENOMEM;
	}
	LOCK_TCPIP_CORE();
	rc = netif_ip6_start(nif);
	UNLOCK_TCPIP_CORE();
	if (rc < 0)
		return rc;
	rc = dev->up(dev);
	if (rc < 0) {
		log_error("net: %s: cannot start (%d)\n", dev->name, rc);
		return rc;
	}

	if (!fixed) {
		LOCK_TCPIP_CORE();
		dhcp_start(nif);
		UNLOCK_TCPIP_CORE();
		deadline = clock_ns() + NET_DHCP_WAIT_NS;
		while (!have_address(nif) && clock_ns() < deadline)
			thread_sleep_ns(10 * 1000000ULL);
		if (!have_address(nif)) {
			log_warn("net: %s: no usable DHCP answer in 5 s, going on "
				 "without an address\n", dev->name);
			return 0;
		}
	}
	ip4addr_ntoa_r(netif_ip4_addr(nif), a, sizeof(a));
	log_info("net: %s: %s/%d gw %s (%s)%s%s\n", dev->name, a,
		 netif_prefix_len(netif_ip4_netmask(nif)),
		 ip4addr_ntoa(netif_ip4_gw(nif)), fixed ? "static" : "DHCP",
		 (dev->features & NETDEV_F_TX_CSUM) ? ", tx csum offload" : "",
		 (dev->features & NETDEV_F_RX_CSUM) ? ", rx csum offload" : "");
	netif_ip6_report(nif, dev->name);
	return 0;
}
INIT_CALL(INIT_NET, net_start);
