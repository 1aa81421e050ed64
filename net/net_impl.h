/* SPDX-License-Identifier: MIT */
/* Declarations shared between the files of net/. */
#ifndef NET_IMPL_H
#define NET_IMPL_H

struct netif;

/* netif.c: the interface, or NULL when there is no network device. */
struct netif *net_netif(void);

#endif /* NET_IMPL_H */
