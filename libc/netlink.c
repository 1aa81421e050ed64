// SPDX-License-Identifier: MIT
/*
 * __rtnetlink_enumerate() (replaces musl's network/netlink.c), the one
 * way musl learns the network interfaces: getifaddrs() and
 * if_nameindex() hand it a callback for each message of a route-netlink
 * dump, links (RTM_NEWLINK) then addresses (RTM_NEWADDR). Linux answers
 * those over an AF_NETLINK socket; here the same messages, with the
 * attributes musl reads and in the order Linux sends them, are built from
 * the kernel's description of each interface (netif_info()) and passed
 * to the callback directly: no socket, and nothing of this linked into a
 * program that does not ask.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <kernel/netif_info.h>

#include "../network/netlink.h"	/* musl's: the messages' layout */

#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772
#define RT_SCOPE_UNIVERSE	0
#define RT_SCOPE_LINK	253
#define RT_SCOPE_HOST	254

/* One message: big enough for a link's or an address's attributes. */
union message {
	struct nlmsghdr h;
	unsigned char bytes[256];
};

static void start(union message *m, int type, const void *head, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_type = type;
	m->h.nlmsg_flags = NLM_F_MULTI;
	m->h.nlmsg_len = sizeof(m->h) + NETLINK_ALIGN(len);
	memcpy(NLMSG_DATA(&m->h), head, len);
}

static void attribute(union message *m, int type, const void *data,
		      size_t len)
{
	struct rtattr *rta = (void *)(m->bytes + m->h.nlmsg_len);

	rta->rta_type = type;
	rta->rta_len = sizeof(*rta) + len;
	memcpy(RTA_DATA(rta), data, len);
	m->h.nlmsg_len += NETLINK_ALIGN(rta->rta_len);
}

static int links(const struct netif_info *i,
		 int (*cb)(void *, struct nlmsghdr *), void *ctx)
{
	/* Linux gives lo a zero hardware address and broadcast. */
	static const unsigned char broadcast[2][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0 }
	};
	bool lo = i->flags & NETIF_INFO_LOOPBACK;
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_type = lo ? ARPHRD_LOOPBACK : ARPHRD_ETHER,
		.ifi_index = (int)i->index,
		.ifi_flags = i->flags,
	};
	union message m;

	start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	attribute(&m, IFLA_IFNAME, i->name, strlen(i->name) + 1);
	attribute(&m, IFLA_ADDRESS, i->hwaddr, sizeof(i->hwaddr));
	attribute(&m, IFLA_BROADCAST, broadcast[lo], sizeof(broadcast[lo]));
	return cb(ctx, &m.h);
}

static int address(const struct netif_info *i, int family, const void *a,
		   unsigned prefix, int (*cb)(void *, struct nlmsghdr *),
		   void *ctx)
{
	const unsigned char *b = a;
	struct ifaddrmsg ifa = {
		.ifa_family = family,
		.ifa_prefixlen = prefix,
		.ifa_index = i->index,
		.ifa_scope = i->flags & NETIF_INFO_LOOPBACK ? RT_SCOPE_HOST :
			     family == AF_INET6 && b[0] == 0xfe &&
					     (b[1] & 0xc0) == 0x80 ?
			     RT_SCOPE_LINK : RT_SCOPE_UNIVERSE,
	};
	union message m;

	start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	attribute(&m, IFA_ADDRESS, a, family == AF_INET ? 4 : 16);
	if (family == AF_INET) {
		attribute(&m, IFA_LABEL, i->name, strlen(i->name) + 1);
		if (i->flags & NETIF_INFO_BROADCAST)
			attribute(&m, IFA_BROADCAST, i->ip4_broadcast, 4);
	}
	return cb(ctx, &m.h);
}

static int addresses(const struct netif_info *i, int af,
		     int (*cb)(void *, struct nlmsghdr *), void *ctx)
{
	static const uint8_t none[4];
	int r = 0;

	if ((af == AF_UNSPEC || af == AF_INET) && memcmp(i->ip4, none, 4))
		r = address(i, AF_INET, i->ip4, i->ip4_prefix, cb, ctx);
	for (unsigned k = 0; !r && k < i->nr_ip6; k++)
		if (af == AF_UNSPEC || af == AF_INET6)
			r = address(i, AF_INET6, i->ip6[k].addr,
				    i->ip6[k].prefix, cb, ctx);
	return r;
}

/* The links (all when link_af is AF_UNSPEC, as musl always asks), then
 * the addresses of family addr_af (AF_UNSPEC: all). Returns 0, or the
 * first non-zero the callback returned (-1 when it ran out of memory). */
int __rtnetlink_enumerate(int link_af, int addr_af,
			  int (*cb)(void *ctx, struct nlmsghdr *h), void *ctx)
{
	struct netif_info i;
	int r = 0;

	for (unsigned pos = 0; !r && netif_info(pos, &i) == 0; pos++)
		if (link_af == AF_UNSPEC)
			r = links(&i, cb, ctx);
	for (unsigned pos = 0; !r && netif_info(pos, &i) == 0; pos++)
		r = addresses(&i, addr_af, cb, ctx);
	return r;
}
