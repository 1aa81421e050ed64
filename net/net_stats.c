// SPDX-License-Identifier: MIT
/*
 * What the network paths copy, for the toro.netstats option: counted per
 * CPU where each copy happens (socket calls, the interface), summed and
 * printed at exit as copies per byte an application sent or received.
 * A frame given to the device by xmit() is copied by its driver (the
 * netdev contract: it copies or waits); xmit_ref() leaves the payload in
 * the stack's buffers for the device to read.
 */
#include <stdint.h>

#include <kernel/cmdline.h>
#include <kernel/exit.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/time.h>

#include "lwip/tcpip.h"
#include "net_impl.h"

static DEFINE_PERCPU(uint64_t[NET_COUNTS], counts);

void net_count(enum net_count what, size_t bytes)
{
	__atomic_fetch_add(&this_cpu_var(counts)[what], bytes,
			   __ATOMIC_RELAXED);
}

/*
 * lwIP's core lock (LWIP_TCPIP_CORE_LOCKING) serializes all of lwIP: every
 * socket call that touches a connection, each received frame's way
 * through IP and TCP (the drivers' receive threads take it per frame),
 * the timers, and so transmission from TCP down to the driver's xmit().
 * With a queue pair per CPU the drivers' receive and send paths are per
 * CPU, but each frame still meets this one lock: the waits measure what
 * that costs.
 */
void net_core_lock(void)
{
	uint64_t t;

	net_count(NET_LOCK_TAKEN, 1);
	if (mutex_trylock(&lock_tcpip_core.m))
		return;
	t = clock_ns();
	sys_mutex_lock(&lock_tcpip_core);
	net_count(NET_LOCK_WAITS, 1);
	net_count(NET_LOCK_WAIT_NS, clock_ns() - t);
}

static uint64_t total(enum net_count what)
{
	uint64_t sum = 0;

	for (unsigned c = 0; c < cpu_count_started(); c++)
		sum += __atomic_load_n(&per_cpu_var(counts, c)[what],
				       __ATOMIC_RELAXED);
	return sum;
}

/* (part / whole) with two decimals, as "1.00". */
static void ratio(char *out, uint64_t part, uint64_t whole)
{
	uint64_t r = whole ? (part * 100 + whole / 2) / whole : 0;

	ksnprintf(out, 16, "%lu.%02lu", r / 100, r % 100);
}

static void net_report(void)
{
	uint64_t sent = total(NET_SENT), dev_copy = total(NET_TX_COPIED),
		 tso = total(NET_TX_TSO_FRAMES),
		 stack_copy = sent - total(NET_SENT_IN_PLACE);
	char a[16], b[16], c[16];

	if (!kopt_flag("toro.netstats"))
		return;
	ratio(a, stack_copy + dev_copy, sent);
	ratio(b, dev_copy, sent);
	ratio(c, stack_copy, sent);
	/* Received frames are mostly headers and acknowledgements on a
	 * server: their bytes are given apart rather than per byte. */
	kprintf("toro: net: TCP sent %lu B, %s copies a byte (%s into the "
		"stack, %s into device buffers; %lu B of frames read in "
		"place); %lu frames sent, %lu of them TSO of %lu B on average, "
		"%lu TCP segments big; "
		"received %lu B, each copied once to the application (%lu B of "
		"frames copied from device buffers, %lu B kept in them, %lu "
		"frames dropped); TCP segments' connections found by hash "
		"%lu times, by lwIP's walk %lu\n",
		sent, a, c, b,
		total(NET_TX_IN_PLACE), total(NET_TX_FRAMES), tso,
		tso ? total(NET_TX_TSO_BYTES) / tso : 0,
		total(NET_TX_BIG_SEGS), total(NET_RECEIVED),
		total(NET_RX_COPIED), total(NET_RX_LENT),
		total(NET_RX_DROPPED), total(NET_TCP_BY_HASH),
		total(NET_TCP_BY_WALK));
	kprintf("toro: net: core lock taken %lu times, waited %lu times, "
		"%lu us\n", total(NET_LOCK_TAKEN),
		total(NET_LOCK_WAITS), total(NET_LOCK_WAIT_NS) / 1000);
}

EXIT_CALL(net_report);
