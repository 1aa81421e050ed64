// SPDX-License-Identifier: MIT
/*
 * if_nametoindex() and if_indextoname() (replace musl's, which ask
 * through an ioctl on a socket): looked up in the kernel's description of
 * the interfaces, the one getifaddrs() reads (libc/netlink.c).
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <kernel/netif_info.h>

unsigned if_nametoindex(const char *name)
{
	struct netif_info i;

	if (netif_info_find(name, 0, &i) == 0)
		return i.index;
	errno = ENODEV;
	return 0;
}

char *if_indextoname(unsigned index, char *name)
{
	struct netif_info i;

	if (index && netif_info_find(NULL, index, &i) == 0)
		return strcpy(name, i.name);
	errno = ENXIO;
	return NULL;
}
