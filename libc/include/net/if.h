/* SPDX-License-Identifier: MIT */
/*
 * musl's <net/if.h>, and one thing more for Toro: a program that uses
 * struct ifreq asks the interfaces with ioctl() (SIOCGIFADDR,
 * SIOCGIFHWADDR, ...), so this refers to those requests' answers
 * (sys/netif_ioctl.c) and links them into the image; the kernel's
 * ioctl() names them only weakly.
 */
#include_next <net/if.h>

/* Programs only: the kernel (freestanding) has its own ways. */
#if __STDC_HOSTED__ && !defined(TORO_NET_IF_H)
#define TORO_NET_IF_H
extern const char toro_if_ioctls;
static const char *const toro_use_if_ioctls
	__attribute__((__used__, __unused__)) = &toro_if_ioctls;
#endif
