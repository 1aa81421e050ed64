/* SPDX-License-Identifier: MIT */
/* Declarations shared between the files of net/. */
#ifndef NET_IMPL_H
#define NET_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/vfs.h>

struct netif;

/* netif.c: the interface, or NULL when there is no network device. */
struct netif *net_netif(void);

/* netif_arp.c: whether an ARP request of ours (under a second old) is
 * unanswered: lwIP holds back the packets for that peer. Takes lwIP's
 * core lock. */
bool net_arp_pending(void);

/* drain.c: waits (bounded) for TCP to deliver what was written; an
 * exit hook. */
void net_drain(void);

/* socket.c: an lwIP socket call's result as ours: (rc), or -errno when
 * it is -1 (lwIP's errno values are ours). */
long lwip_result(long rc);

/* socket.c: the socket file behind descriptor (fd) with a reference for
 * the caller (vfs_file_put() it), or NULL with (*err) -EBADF (not open)
 * or -ENOTSOCK (not a socket). */
struct vfs_file *sock_file(int fd, int *err);

/* The lwIP socket number of a socket file. */
static inline int lwip_of(struct vfs_file *f)
{
	return (int)(intptr_t)f->priv;
}

#endif /* NET_IMPL_H */
