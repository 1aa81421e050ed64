// SPDX-License-Identifier: MIT
/* The network interfaces as a program lists them: getifaddrs(),
 * if_nameindex(), if_nametoindex(), if_indextoname(), and the SIOCGIF*
 * ioctls on a socket, with the names, indexes, flags and addresses Linux
 * would give (this suite runs with QEMU's user network: one virtio-net
 * device, 10.0.2.15/24). */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/un.h>
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

/* One SIOCGIF* request about (name) on socket (s): 0 or -errno. */
static int ask(int s, unsigned long req, const char *name, struct ifreq *r)
{
	memset(r, 0, sizeof(*r));
	strncpy(r->ifr_name, name, IFNAMSIZ);
	return ioctl(s, req, r) ? -errno : 0;
}

TEST(ifaces, interface_ioctls_answer_as_linux_does)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r, all[8];
	struct ifconf ifc = { .ifc_len = 0, .ifc_req = NULL };
	struct ifaddrs *list, *ll;

	ASSERT_GE(s, 0);
	/* SIOCGIFCONF: lo and eth0, their IPv4 addresses; no buffer says
	 * how much room they need, a short one takes what fits. */
	ASSERT_EQ(ioctl(s, SIOCGIFCONF, &ifc), 0);
	EXPECT_EQ(ifc.ifc_len, 2 * (int)sizeof(struct ifreq));
	ifc.ifc_len = sizeof(all);
	ifc.ifc_req = all;
	ASSERT_EQ(ioctl(s, SIOCGIFCONF, &ifc), 0);
	ASSERT_EQ(ifc.ifc_len, 2 * (int)sizeof(struct ifreq));
	EXPECT_STREQ(all[0].ifr_name, "lo");
	EXPECT_EQ(all[0].ifr_addr.sa_family, AF_INET);
	EXPECT_EQ(v4(&all[0].ifr_addr), INADDR_LOOPBACK);
	EXPECT_STREQ(all[1].ifr_name, "eth0");
	EXPECT_EQ(v4(&all[1].ifr_addr), 0x0a00020fu);
	ifc.ifc_len = sizeof(all[0]) + 3;
	ASSERT_EQ(ioctl(s, SIOCGIFCONF, &ifc), 0);
	EXPECT_EQ(ifc.ifc_len, (int)sizeof(struct ifreq));

	/* One interface's flags, addresses, MTU, index, MAC. */
	ASSERT_EQ(ask(s, SIOCGIFFLAGS, "eth0", &r), 0);
	EXPECT_EQ(r.ifr_flags & (IFF_UP | IFF_RUNNING | IFF_BROADCAST |
				 IFF_MULTICAST | IFF_LOOPBACK),
		  IFF_UP | IFF_RUNNING | IFF_BROADCAST | IFF_MULTICAST);
	ASSERT_EQ(ask(s, SIOCGIFFLAGS, "lo", &r), 0);
	EXPECT_EQ(r.ifr_flags & (IFF_UP | IFF_LOOPBACK),
		  IFF_UP | IFF_LOOPBACK);
	ASSERT_EQ(ask(s, SIOCGIFADDR, "eth0", &r), 0);
	EXPECT_EQ(r.ifr_addr.sa_family, AF_INET);
	EXPECT_EQ(v4(&r.ifr_addr), 0x0a00020fu);
	ASSERT_EQ(ask(s, SIOCGIFNETMASK, "eth0", &r), 0);
	EXPECT_EQ(v4(&r.ifr_netmask), 0xffffff00u);
	ASSERT_EQ(ask(s, SIOCGIFBRDADDR, "eth0", &r), 0);
	EXPECT_EQ(v4(&r.ifr_broadaddr), 0x0a0002ffu);
	ASSERT_EQ(ask(s, SIOCGIFADDR, "lo", &r), 0);
	EXPECT_EQ(v4(&r.ifr_addr), INADDR_LOOPBACK);
	ASSERT_EQ(ask(s, SIOCGIFNETMASK, "lo", &r), 0);
	EXPECT_EQ(v4(&r.ifr_netmask), 0xff000000u);
	ASSERT_EQ(ask(s, SIOCGIFMTU, "eth0", &r), 0);
	EXPECT_EQ(r.ifr_mtu, 1500);
	ASSERT_EQ(ask(s, SIOCGIFINDEX, "eth0", &r), 0);
	EXPECT_EQ(r.ifr_ifindex, 2);
	ASSERT_EQ(ask(s, SIOCGIFHWADDR, "eth0", &r), 0);
	EXPECT_EQ(r.ifr_hwaddr.sa_family, ARPHRD_ETHER);
	ASSERT_EQ(getifaddrs(&list), 0);
	ll = entry(list, "eth0", AF_PACKET);
	ASSERT_NOT_NULL(ll);
	EXPECT_EQ(memcmp(r.ifr_hwaddr.sa_data,
			 ((struct sockaddr_ll *)ll->ifa_addr)->sll_addr, 6), 0);
	freeifaddrs(list);
	ASSERT_EQ(ask(s, SIOCGIFHWADDR, "lo", &r), 0);
	EXPECT_EQ(r.ifr_hwaddr.sa_family, ARPHRD_LOOPBACK);

	/* By index, the other way. */
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = 1;
	ASSERT_EQ(ioctl(s, SIOCGIFNAME, &r), 0);
	EXPECT_STREQ(r.ifr_name, "lo");
	r.ifr_ifindex = 9;
	EXPECT_ERR(ioctl(s, SIOCGIFNAME, &r), ENODEV);

	/* No such interface; a bad pointer; not a socket. */
	EXPECT_EQ(ask(s, SIOCGIFADDR, "eth7", &r), -ENODEV);
	EXPECT_EQ(ask(s, SIOCGIFINDEX, "", &r), -ENODEV);
	EXPECT_ERR(ioctl(s, SIOCGIFFLAGS, (void *)8), EFAULT);
	EXPECT_ERR(ioctl(s, SIOCGIFCONF, (void *)8), EFAULT);
	ifc.ifc_len = sizeof(all);
	ifc.ifc_req = (struct ifreq *)8;
	EXPECT_ERR(ioctl(s, SIOCGIFCONF, &ifc), EFAULT);
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	strcpy(r.ifr_name, "eth0");
	EXPECT_ERR(ioctl(p[0], SIOCGIFINDEX, &r), ENOTTY);
	close(p[0]);
	close(p[1]);
	close(s);

	/* Any socket will do, as on Linux: an AF_UNIX one here. */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_GE(s, 0);
	ASSERT_EQ(ask(s, SIOCGIFINDEX, "eth0", &r), 0);
	EXPECT_EQ(r.ifr_ifindex, 2);
	close(s);
}
