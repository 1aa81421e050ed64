/* SPDX-License-Identifier: MIT */
/*
 * The network interfaces as a program sees them (getifaddrs(),
 * if_nameindex(), if_nametoindex(), if_indextoname(): libc/netlink.c and
 * libc/if_name.c). Named as Linux names them: "lo", then "eth0", "eth1"...
 * in the order the devices came up; numbered by lwIP's index (1 for lo,
 * as on Linux), which is also an IPv6 link-local address's scope id.
 */
#ifndef KERNEL_NETIF_INFO_H
#define KERNEL_NETIF_INFO_H

#include <stdint.h>

#define NETIF_INFO_NAME_MAX	16	/* with its NUL: Linux's IFNAMSIZ */
#define NETIF_INFO_ADDRS6	3	/* lwIP's LWIP_IPV6_NUM_ADDRESSES */

/* Flags, with Linux's values (IFF_*). */
#define NETIF_INFO_UP		0x1
#define NETIF_INFO_BROADCAST	0x2
#define NETIF_INFO_LOOPBACK	0x8
#define NETIF_INFO_RUNNING	0x40
#define NETIF_INFO_MULTICAST	0x1000
#define NETIF_INFO_LOWER_UP	0x10000

struct netif_info {
	char name[NETIF_INFO_NAME_MAX];
	unsigned index;
	unsigned flags;
	unsigned mtu;
	uint8_t hwaddr[6];	/* zeros for lo, as Linux has it */
	uint8_t ip4[4];		/* 0.0.0.0: none (yet) */
	uint8_t ip4_prefix;	/* bits of its netmask */
	uint8_t ip4_broadcast[4];	/* with NETIF_INFO_BROADCAST */
	uint8_t nr_ip6;		/* valid IPv6 addresses, in ip6[] */
	struct {
		uint8_t addr[16];
		uint8_t prefix;	/* 128 for ::1, else 64 */
	} ip6[NETIF_INFO_ADDRS6];
};

/* The interface at position (pos), counting from 0 in index order, into
 * (out): 0, or -ENODEV past the last one. */
int netif_info(unsigned pos, struct netif_info *out);

/* The interface named (name) (at most NETIF_INFO_NAME_MAX bytes, a NUL
 * not needed), or numbered (index) when (name) is NULL, into (out): 0,
 * or -ENODEV. */
int netif_info_find(const char *name, unsigned index, struct netif_info *out);

#endif /* KERNEL_NETIF_INFO_H */
