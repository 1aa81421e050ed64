// SPDX-License-Identifier: MIT
/*
 * The network interfaces described for a program (include/kernel/
 * netif_info.h), from lwIP's netifs under the core lock: names as Linux
 * gives them rather than lwIP's ("lo0", "en1"), flags, hardware address,
 * and the addresses in use.
 */
#include <kernel/kerrno.h>
#include <string.h>

#include <kernel/log.h>
#include <kernel/netif_info.h>

#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "net_impl.h"
#include "netif_impl.h"

static bool is_loopback(const struct netif *n)
{
	return n->name[0] == 'l' && n->name[1] == 'o';
}

static void describe(const struct netif *n, unsigned eth,
		     struct netif_info *out)
{
	memset(out, 0, sizeof(*out));
	out->index = netif_get_index(n);
	out->mtu = n->mtu;
	if (is_loopback(n)) {
		memcpy(out->name, "lo", 3);
		out->flags = NETIF_INFO_LOOPBACK;
	} else {
		ksnprintf(out->name, sizeof(out->name), "eth%u", eth);
		memcpy(out->hwaddr, n->hwaddr, sizeof(out->hwaddr));
		out->flags = NETIF_INFO_MULTICAST;
	}
	if (netif_is_up(n))
		out->flags |= NETIF_INFO_UP;
	if (netif_is_link_up(n))
		out->flags |= NETIF_INFO_RUNNING | NETIF_INFO_LOWER_UP;
#if LWIP_IPV4
	uint32_t addr = ip4_addr_get_u32(netif_ip4_addr(n));
	uint32_t mask = ip4_addr_get_u32(netif_ip4_netmask(n));

	memcpy(out->ip4, &addr, 4);
	out->ip4_prefix = netif_prefix_len(netif_ip4_netmask(n));
	if (n->flags & NETIF_FLAG_BROADCAST) {
		uint32_t bcast = addr | ~mask;

		out->flags |= NETIF_INFO_BROADCAST;
		memcpy(out->ip4_broadcast, &bcast, 4);
	}
#endif
#if LWIP_IPV6
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		const ip6_addr_t *a = netif_ip6_addr(n, i);

		if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i)))
			continue;
		memcpy(out->ip6[out->nr_ip6].addr, a->addr, 16);
		out->ip6[out->nr_ip6++].prefix =
			ip6_addr_isloopback(a) ? 128 : 64;
	}
#endif
}

int netif_info_find(const char *name, unsigned index, struct netif_info *out)
{
	for (unsigned pos = 0; netif_info(pos, out) == 0; pos++)
		if (name ? strncmp(out->name, name, NETIF_INFO_NAME_MAX) == 0
			 : out->index == index)
			return 0;
	return -ENODEV;
}

int netif_info(unsigned pos, struct netif_info *out)
{
	unsigned eth = 0, seen = 0;
	int rc = -ENODEV;

	net_start_stack();	/* lo, when no device started it at boot */
	LOCK_TCPIP_CORE();
	/* lwIP's list is newest first; indexes count up from 1. */
	for (unsigned i = 1; i <= 255 && rc; i++) {
		struct netif *n = netif_get_by_index((u8_t)i);

		if (!n)
			continue;
		if (seen++ == pos) {
			describe(n, eth, out);
			rc = 0;
		}
		eth += !is_loopback(n);
	}
	UNLOCK_TCPIP_CORE();
	return rc;
}
