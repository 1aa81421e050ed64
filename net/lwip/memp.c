// SPDX-License-Identifier: MIT
/*
 * lwIP's memory pools (lwip/memp.h) over the kernel heap, in place of
 * lwIP's core/memp.c, whose pools are static arrays: fixed at build time,
 * in every network application's memory whether used or not. Here each
 * pool is a count against a limit, and its elements come from the
 * per-CPU heap. The limits of what grows with connections (TCP and UDP
 * PCBs, netconns, segments, the pbufs that point at the sender's memory
 * and the receive buffers) are set from the guest's memory at start-up;
 * the others stay as lwipopts.h says (timers, ...).
 *
 * A pool at its limit answers NULL, as lwIP's did, and lwIP copes as it
 * always has: tcp_alloc() reclaims the oldest TIME-WAIT and closing PCBs,
 * a socket call fails with ENOBUFS, a SYN goes unanswered.
 */
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>

#include "lwip/opt.h"
#include "lwip/memp.h"

/* What memp_std.h's element sizes are made of. */
#include "lwip/pbuf.h"
#include "lwip/raw.h"
#include "lwip/udp.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/ip4_frag.h"
#if LWIP_IPV6
#include "lwip/ip6_frag.h"
#include "lwip/mld6.h"
#include "lwip/priv/nd6_priv.h"
#endif
#include "lwip/netbuf.h"
#include "lwip/api.h"
#include "lwip/priv/tcpip_priv.h"
#include "lwip/priv/api_msg.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/etharp.h"
#include "lwip/timeouts.h"
#include "netif/ppp/ppp_opts.h"	/* for MEMP_NUM_SYS_TIMEOUT */

#include "toro_memp.h"

/* Memory one connection's state in the stack costs, about (a PCB, a
 * netconn and its receive mailbox, a socket, its file), and the share of
 * memory connections may take: a guest of 512 MiB holds 32,768
 * connections, one of 16 MiB 1,024. */
#define CONN_BYTES		2048
#define CONN_SHARE_DIVISOR	8

/* Connections kept in TIME-WAIT at most: past that, a new connection
 * takes the oldest one's place. lwIP finds each segment's connection by
 * walking its lists, TIME-WAIT's included: with the limit set from memory,
 * thousands piled up (two minutes at a thousand connections a second) and
 * halved the connections served per second. */
#define TIME_WAIT_MAX		MEMP_NUM_TCP_PCB

struct pool {
	size_t size;
	unsigned limit;
	unsigned in_use;	/* atomic */
};

static struct pool pools[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) \
	[MEMP_##name] = { LWIP_MEM_ALIGN_SIZE(size), (num), 0 },
#include "lwip/priv/memp_std.h"
};

static unsigned clamp(size_t v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : (unsigned)v;
}

/* The bytes the network stack's connections may take. */
static size_t net_mem_share(void)
{
	struct page_stats ps;

	page_alloc_stats(&ps);
	return ps.total_pages * PAGE_SIZE / CONN_SHARE_DIVISOR;
}

unsigned net_conn_limit(void)
{
	return clamp(net_mem_share() / CONN_BYTES, MEMP_NUM_TCP_PCB,
		     NUM_SOCKETS);
}

__cold void memp_init(void)
{
	unsigned conns = net_conn_limit();

	pools[MEMP_TCP_PCB].limit = conns;
	pools[MEMP_NETCONN].limit = conns;
	pools[MEMP_UDP_PCB].limit = conns;
	pools[MEMP_TCP_PCB_LISTEN].limit =
		clamp(conns / 16, MEMP_NUM_TCP_PCB_LISTEN, conns);
	/* Segments queued unacknowledged: two per connection on average,
	 * and never fewer than a single bulk sender's buffer needs. */
	pools[MEMP_TCP_SEG].limit = clamp(2 * (size_t)conns, MEMP_NUM_TCP_SEG,
					  4 * conns);
	/* pbufs that point at the sender's memory (tcp_write() without a
	 * copy, UDP's netbuf_ref()): one per such segment queued. */
	pools[MEMP_PBUF].limit = pools[MEMP_TCP_SEG].limit;
	/* Received frames the driver cannot lend (net/netif.c): they wait
	 * unread in every connection whose thread has not run yet, so as
	 * many as the connections' share of memory holds, not a fixed few
	 * (a peer filling windows nobody reads still meets a limit). */
	pools[MEMP_PBUF_POOL].limit =
		clamp(net_mem_share() / pools[MEMP_PBUF_POOL].size,
		      PBUF_POOL_SIZE, ~0u);
}

/* Frees the oldest connections in TIME-WAIT while there are
 * TIME_WAIT_MAX (tcp_abort() sends nothing for them). Under the core
 * lock, as every PCB allocation is. */
static void time_wait_trim(void)
{
	for (;;) {
		struct tcp_pcb *oldest = NULL;
		unsigned n = 0;

		for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next, n++)
			if (!oldest || (u32_t)(tcp_ticks - p->tmr) >=
					       (u32_t)(tcp_ticks - oldest->tmr))
				oldest = p;
		if (n < TIME_WAIT_MAX)
			return;
		tcp_abort(oldest);
	}
}

void *memp_malloc(memp_t type)
{
	struct pool *p;
	void *m;

	LWIP_ERROR("memp_malloc: type < MEMP_MAX", (type < MEMP_MAX),
		   return NULL;);
	if (type == MEMP_TCP_PCB)
		time_wait_trim();
	p = &pools[type];
	if (__atomic_add_fetch(&p->in_use, 1, __ATOMIC_RELAXED) > p->limit) {
		__atomic_sub_fetch(&p->in_use, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	m = heap_alloc(p->size);
	if (!m)
		__atomic_sub_fetch(&p->in_use, 1, __ATOMIC_RELAXED);
	return m;
}

void memp_free(memp_t type, void *mem)
{
	LWIP_ERROR("memp_free: type < MEMP_MAX", (type < MEMP_MAX), return;);
	if (!mem)
		return;
	heap_free(mem);
	__atomic_sub_fetch(&pools[type].in_use, 1, __ATOMIC_RELAXED);
}
