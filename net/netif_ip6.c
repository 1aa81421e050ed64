// SPDX-License-Identifier: MIT
/*
 * IPv6 on the interface (net/netif.c): the link-local address made from
 * the MAC, in use at once; "ip6=ADDR[/64]" as a static address; SLAAC
 * for the prefixes routers advertise (lwIP sends the solicitation and
 * keeps the addresses). lwIP takes a prefix as on-link when it is the
 * /64 of an address of ours or advertised so, hence /64 only here.
 * There is no DHCPv6 and no static router: off-link destinations need
 * a router's advertisement. Path MTUs are kept within bounds
 * (net_ip6_input()).
 *
 * Built empty into the IPv4-only stack (TORO_IPV6 0, lwipopts.h).
 */
#include <kernel/kerrno.h>
#include <string.h>

#include <kernel/cmdline.h>
#include <kernel/log.h>

#include "lwip/netif.h"
#include "netif/ethernet.h"
#if LWIP_IPV6
#include "lwip/ethip6.h"
#include "lwip/ip6_addr.h"
#include "lwip/priv/nd6_priv.h"
#endif

#include "netif_impl.h"

#if LWIP_IPV6

void netif_ip6_setup(struct netif *n)
{
	n->output_ip6 = ethip6_output;
	/* The device takes every multicast frame (QEMU's virtio-net does
	 * unless told otherwise); MLD tells the switches. */
	n->flags |= NETIF_FLAG_MLD6;
}

/* "ip6=ADDR[/64]": 1 with (*a) set, 0 if absent, -EINVAL. */
static int static_address(ip6_addr_t *a)
{
	const char *opt = kopt("ip6"), *slash;
	char addr[48];
	size_t n;

	if (!opt)
		return 0;
	slash = strchr(opt, '/');
	n = slash ? (size_t)(slash - opt) : strlen(opt);
	if (n >= sizeof(addr) || (slash && strcmp(slash, "/64")))
		goto bad;
	memcpy(addr, opt, n);
	addr[n] = '\0';
	if (!ip6addr_aton(addr, a) || ip6_addr_isany(a) ||
	    ip6_addr_ismulticast(a) || ip6_addr_isloopback(a))
		goto bad;
	return 1;
bad:
	log_error("net: bad option ip6=%s (want ip6=ADDR or ADDR/64)\n", opt);
	return -EINVAL;
}

int netif_ip6_start(struct netif *n)
{
	ip6_addr_t a;
	s8_t idx;
	int fixed = static_address(&a);

	if (fixed < 0)
		return fixed;
	netif_create_ip6_linklocal_address(n, 1);
	netif_ip6_addr_set_state(n, 0, IP6_ADDR_PREFERRED);
	if (fixed) {
		if (netif_add_ip6_address(n, &a, &idx) != ERR_OK) {
			log_error("net: ip6=%s: no room for the address\n",
				  kopt("ip6"));
			return -EINVAL;
		}
		netif_ip6_addr_set_state(n, idx, IP6_ADDR_PREFERRED);
	}
	netif_set_ip6_autoconfig_enabled(n, 1);
	return 0;
}

/*
 * lwIP 2.1.3 sets a destination's path MTU to whatever an ICMPv6 Packet
 * Too Big says (nd6.c), which anyone can send: 40 or less makes the MSS
 * of the next connection with that peer 0, and it never sends a byte of
 * data; above the link's MTU, segments the device cannot take
 * (netif_tso_cut() cuts those). RFC 8201 bounds it:
 * never below IPv6's minimum link MTU, never above what the link takes.
 * Put back in bounds before the packet after any that may have carried
 * one (anything but plain TCP or UDP): before the SYN from which a
 * connection's MSS is computed, in particular. Under the core lock.
 */
static bool pmtu_may_be_set = true;

int net_ip6_input(struct pbuf *p, struct netif *inp)
{
	u16_t most = netif_mtu6(inp);
	const u8_t *h = p->payload;

	for (int i = 0; pmtu_may_be_set && i < LWIP_ND6_NUM_DESTINATIONS;
	     i++) {
		u16_t *pmtu = &destination_cache[i].pmtu;

		if (*pmtu && *pmtu < IP6_MIN_MTU_LENGTH)
			*pmtu = IP6_MIN_MTU_LENGTH;
		if (*pmtu > most && most >= IP6_MIN_MTU_LENGTH)
			*pmtu = most;
	}
	pmtu_may_be_set = p->len < IP6_HLEN ||
			  (h[6] != IP6_NEXTH_TCP && h[6] != IP6_NEXTH_UDP);
	return 0;
}

void netif_ip6_report(struct netif *n, const char *dev_name)
{
	char a[IP6ADDR_STRLEN_MAX];

	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i)))
			continue;
		ip6addr_ntoa_r(netif_ip6_addr(n, i), a, sizeof(a));
		/* lwIP writes hex digits in capitals; RFC 5952 wants small. */
		for (char *c = a; *c; c++)
			if (*c >= 'A' && *c <= 'F')
				*c += 'a' - 'A';
		log_info("net: %s: %s/64\n", dev_name, a);
	}
}

#endif
