// SPDX-License-Identifier: MIT
/*
 * The interface ioctls on a socket, over include/kernel/netif_info.h, as
 * Linux answers them: older code finds its address or its MAC this way
 * rather than with getifaddrs(). SIOCGIFCONF lists the interfaces with
 * an IPv4 address; of one interface, named in a struct ifreq,
 * SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFBRDADDR,
 * SIOCGIFMTU, SIOCGIFHWADDR and SIOCGIFINDEX, and SIOCGIFNAME by index;
 * all read from netif_info(). The interfaces are not changed from here:
 * the SIOCSIF* requests stay ENOTTY.
 *
 * Linked by <net/if.h>, which such a program includes (libc/include/net/
 * if.h names toro_if_ioctls); fd.c asks weakly, on sockets, so that
 * programs without it carry none of this.
 */
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kernel/netif_info.h>

#include "sys_impl.h"

const char toro_if_ioctls;

static void put_v4(struct sockaddr *sa, const uint8_t ip[4])
{
	struct sockaddr_in *in = (struct sockaddr_in *)sa;

	memset(in, 0, sizeof(*in));
	in->sin_family = AF_INET;
	memcpy(&in->sin_addr, ip, 4);
}

static bool has_v4(const struct netif_info *i)
{
	return i->ip4[0] | i->ip4[1] | i->ip4[2] | i->ip4[3];
}

/* SIOCGIFCONF: a struct ifreq (name, IPv4 address) for each interface
 * that has one, as many as (ifc_len) bytes hold; ifc_len becomes the
 * bytes used, or those needed when there is no buffer. */
static int list_v4(struct ifconf *ifc)
{
	struct netif_info i;
	size_t room = ifc->ifc_len > 0 ? (size_t)ifc->ifc_len : 0, used = 0;
	struct ifreq *out = ifc->ifc_req;

	if (out && !user_writable(out, room))
		return -EFAULT;
	for (unsigned pos = 0; netif_info(pos, &i) == 0; pos++) {
		if (!has_v4(&i))
			continue;
		if (out) {
			if (room - used < sizeof(*out))
				break;
			memset(out, 0, sizeof(*out));
			memcpy(out->ifr_name, i.name, IFNAMSIZ);
			put_v4(&out->ifr_addr, i.ip4);
			out++;
		}
		used += sizeof(*out);
	}
	ifc->ifc_len = (int)used;
	return 0;
}

int netif_ioctl(unsigned long req, void *arg)
{
	struct ifreq *r = arg;
	struct netif_info i;
	int rc;

	if (req == SIOCGIFCONF) {
		if (!user_writable(arg, sizeof(struct ifconf)))
			return -EFAULT;
		return list_v4(arg);
	}
	if (req != SIOCGIFFLAGS && req != SIOCGIFADDR &&
	    req != SIOCGIFNETMASK && req != SIOCGIFBRDADDR &&
	    req != SIOCGIFMTU && req != SIOCGIFHWADDR &&
	    req != SIOCGIFINDEX && req != SIOCGIFNAME)
		return -ENOTTY;
	if (!user_writable(r, sizeof(*r)))
		return -EFAULT;
	if (req == SIOCGIFNAME) {
		if (r->ifr_ifindex <= 0 ||
		    (rc = netif_info_find(NULL, (unsigned)r->ifr_ifindex, &i)))
			return -ENODEV;
		memcpy(r->ifr_name, i.name, IFNAMSIZ);
		return 0;
	}
	if ((rc = netif_info_find(r->ifr_name, 0, &i)))
		return rc;
	switch (req) {
	case SIOCGIFFLAGS:
		/* The flags past 16 bits (IFF_LOWER_UP) only netlink says. */
		r->ifr_flags = (short)(i.flags & 0xffff);
		return 0;
	case SIOCGIFMTU:
		r->ifr_mtu = (int)i.mtu;
		return 0;
	case SIOCGIFINDEX:
		r->ifr_ifindex = (int)i.index;
		return 0;
	case SIOCGIFHWADDR:
		memset(&r->ifr_hwaddr, 0, sizeof(r->ifr_hwaddr));
		r->ifr_hwaddr.sa_family = i.flags & NETIF_INFO_LOOPBACK ?
						  ARPHRD_LOOPBACK : ARPHRD_ETHER;
		memcpy(r->ifr_hwaddr.sa_data, i.hwaddr, sizeof(i.hwaddr));
		return 0;
	}
	/* The IPv4 ones: none yet (DHCP still asking) is Linux's
	 * EADDRNOTAVAIL. */
	if (!has_v4(&i))
		return -EADDRNOTAVAIL;
	if (req == SIOCGIFADDR) {
		put_v4(&r->ifr_addr, i.ip4);
	} else if (req == SIOCGIFBRDADDR) {
		put_v4(&r->ifr_broadaddr, i.ip4_broadcast);
	} else {
		/* In network order (big-endian; x86 is little-endian). */
		uint32_t mask = i.ip4_prefix ? __builtin_bswap32(
						       ~0u << (32 - i.ip4_prefix))
					     : 0;

		put_v4(&r->ifr_netmask, (const uint8_t *)&mask);
	}
	return 0;
}
