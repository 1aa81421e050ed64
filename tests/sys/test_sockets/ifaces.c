// SPDX-License-Identifier: MIT
/* The network interfaces as a program lists them: getifaddrs(),
 * if_nameindex(), if_nametoindex(), if_indextoname(), with the names,
 * indexes, flags and addresses Linux would give (this suite runs with
 * QEMU's user network: one virtio-net device, 10.0.2.15/24). */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <string.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

/* The entry of (name) and (family) in (list), or NULL. */
static struct ifaddrs *entry(struct ifaddrs *list, const char *name,
			     int family)
{
	for (struct ifaddrs *i = list; i; i = i->ifa_next)
		if (!strcmp(i->ifa_name, name) && i->ifa_addr &&
		    i->ifa_addr->sa_family == family)
			return i;
	return NULL;
}

static uint32_t v4(const struct sockaddr *sa)
{
	return ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
}

TEST(ifaces, getifaddrs_lists_lo_and_eth0_as_linux_does)
{
	struct ifaddrs *list, *lo, *eth, *i;
	unsigned up = IFF_UP | IFF_RUNNING;

	ASSERT_EQ(getifaddrs(&list), 0);
	/* The links, with their hardware addresses. */
	lo = entry(list, "lo", AF_PACKET);
	eth = entry(list, "eth0", AF_PACKET);
	ASSERT_NOT_NULL(lo);
	ASSERT_NOT_NULL(eth);
	EXPECT_EQ(lo->ifa_flags & (up | IFF_LOOPBACK), up | IFF_LOOPBACK);
	EXPECT_EQ(eth->ifa_flags & (up | IFF_BROADCAST | IFF_MULTICAST |
				    IFF_LOOPBACK),
		  up | IFF_BROADCAST | IFF_MULTICAST);
	struct sockaddr_ll *ll = (struct sockaddr_ll *)eth->ifa_addr;
	unsigned char mac[6];

	EXPECT_EQ(ll->sll_ifindex, 2);
	EXPECT_EQ(ll->sll_halen, 6);
	memcpy(mac, ll->sll_addr, 6);
	EXPECT_EQ(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5] ? 1 : 0,
		  1);
	EXPECT_EQ(((struct sockaddr_ll *)lo->ifa_addr)->sll_ifindex, 1);

	/* IPv4: 127.0.0.1/8; eth0's address, mask and broadcast agree. */
	i = entry(list, "lo", AF_INET);
	ASSERT_NOT_NULL(i);
	EXPECT_EQ(v4(i->ifa_addr), INADDR_LOOPBACK);
	EXPECT_EQ(v4(i->ifa_netmask), 0xff000000u);
	i = entry(list, "eth0", AF_INET);
	ASSERT_NOT_NULL(i);
	uint32_t addr = v4(i->ifa_addr), mask = v4(i->ifa_netmask);

	EXPECT_EQ(addr, 0x0a00020fu);	/* 10.0.2.15, QEMU's user net */
	EXPECT_EQ(mask, 0xffffff00u);
	ASSERT_NOT_NULL(i->ifa_broadaddr);
	EXPECT_EQ(v4(i->ifa_broadaddr), addr | ~mask);

	/* The address listed is one a socket can bind to. */
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	EXPECT_EQ(bind(s, i->ifa_addr, sizeof(struct sockaddr_in)), 0);
	close(s);

	/* IPv6: ::1/128 on lo; eth0's link-local address is made from its
	 * MAC (EUI-64) and scoped to eth0's index. */
	i = entry(list, "lo", AF_INET6);
	ASSERT_NOT_NULL(i);
	EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(
		&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr));
	i = entry(list, "eth0", AF_INET6);
	ASSERT_NOT_NULL(i);
	struct sockaddr_in6 *ll6 = (struct sockaddr_in6 *)i->ifa_addr;
	unsigned char want[16] = { 0xfe, 0x80, [8] = mac[0] ^ 2, mac[1],
				   mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5] };

	EXPECT_EQ(memcmp(ll6->sin6_addr.s6_addr, want, 16), 0);
	EXPECT_EQ(ll6->sin6_scope_id, 2);
	EXPECT_EQ(((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr[7],
		  0xff);
	EXPECT_EQ(((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr[8],
		  0);
	freeifaddrs(list);
}

TEST(ifaces, names_and_indexes_both_ways)
{
	char name[IF_NAMESIZE];
	struct if_nameindex *all = if_nameindex();

	ASSERT_NOT_NULL(all);
	EXPECT_EQ(all[0].if_index, 1);
	EXPECT_STREQ(all[0].if_name, "lo");
	EXPECT_EQ(all[1].if_index, 2);
	EXPECT_STREQ(all[1].if_name, "eth0");
	EXPECT_EQ(all[2].if_index, 0);	/* the end */
	if_freenameindex(all);

	EXPECT_EQ(if_nametoindex("lo"), 1);
	EXPECT_EQ(if_nametoindex("eth0"), 2);
	errno = 0;
	EXPECT_EQ(if_nametoindex("eth1"), 0);
	EXPECT_EQ(errno, ENODEV);
	EXPECT_EQ(if_nametoindex(""), 0);
	EXPECT_STREQ(if_indextoname(2, name), "eth0");
	EXPECT_STREQ(if_indextoname(1, name), "lo");
	errno = 0;
	EXPECT_NULL(if_indextoname(3, name));
	EXPECT_EQ(errno, ENXIO);
	EXPECT_NULL(if_indextoname(0, name));
}
