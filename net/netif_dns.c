// SPDX-License-Identifier: MIT
/*
 * The DNS servers a DHCP answer names (option 6): lwIP (built without its
 * own resolver) passes the option here from its parser, and they become
 * the nameserver lines of the built-in /etc/resolv.conf (fs/etc_files.c),
 * which musl's resolver reads.
 */
#include <kernel/etc_files.h>

#include "lwip/pbuf.h"

#define DHCP_OPTION_DNS_SERVER	6
#define MAX_SERVERS		3

void net_dhcp_option(unsigned char option, unsigned char len,
		     struct pbuf *p, unsigned short offset)
{
	uint32_t ip[MAX_SERVERS];
	unsigned n = len / 4 < MAX_SERVERS ? len / 4 : MAX_SERVERS;

	if (option != DHCP_OPTION_DNS_SERVER || n == 0)
		return;
	if (pbuf_copy_partial(p, ip, (u16_t)(n * 4), offset) != n * 4)
		return;		/* a short option: nothing believable */
	etc_set_nameservers(ip, n);
}
