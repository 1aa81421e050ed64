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

	for (unsigned pos = 0; netif_info(pos, &i) == 0; pos++)
		if (!strncmp(i.name, name, IF_NAMESIZE))
			return i.index;
	errno = ENODEV;
	return 0;
}

char *if_indextoname(unsigned index, char *name)
{
	struct netif_info i;

	for (unsigned pos = 0; netif_info(pos, &i) == 0; pos++)
		if (i.index == index)
			return strcpy(name, i.name);
	errno = ENXIO;
	return NULL;
}
