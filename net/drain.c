// SPDX-License-Identifier: MIT
/*
 * At exit, let the network deliver what the application sent. A socket's
 * close() returns while its last data and FIN are still queued in lwIP,
 * a datagram may still sit in the device's queue, and on a unikernel
 * exit() powers the VM off at once: a server that answers and then exits
 * would cut its own answer short. So exit waits, at most NET_DRAIN_NS in
 * all, until no TCP connection has unsent or unacknowledged data and no
 * ARP request of ours is unanswered (lwIP holds back the packets for
 * that peer), then until the device has taken every frame (net/socket.c registers this, so
 * every application with sockets has it).
 */
#include <stdbool.h>

#include <kernel/netdev.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"

#include "net_impl.h"

#define NET_DRAIN_NS	(2 * 1000000000ULL)
#define NET_DRAIN_POLL_NS	(1 * 1000000ULL)

static bool tcp_pending(void)
{
	bool pending = false;

	LOCK_TCPIP_CORE();
	for (struct tcp_pcb *p = tcp_active_pcbs; p && !pending; p = p->next)
		pending = p->unsent || p->unacked;
	UNLOCK_TCPIP_CORE();
	return pending;
}

void net_drain(void)
{
	uint64_t deadline = clock_ns() + NET_DRAIN_NS;

	if (!net_netif())
		return;
	struct netdev *d = netdev_get(0);

	while ((tcp_pending() || net_arp_pending()) && clock_ns() < deadline)
		thread_sleep_ns(NET_DRAIN_POLL_NS);
	if (d && d->drain)
		d->drain(d, deadline);
}
