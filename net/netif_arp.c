// SPDX-License-Identifier: MIT
/*
 * ARP requests of ours still unanswered. lwIP holds back a packet for an
 * address it is resolving and sends it from the answer's processing, so
 * a program that answers a new peer and exits at once would lose the
 * answer with the VM: exit waits for these (net/drain.c). The glue sees
 * every frame both ways (netif.c); lwIP's own table is private to it.
 * All calls run under lwIP's core lock.
 */
#include <stdint.h>
#include <string.h>

#include <toro/time.h>

#include "lwip/tcpip.h"

#include "net_impl.h"
#include "netif_impl.h"

#define ARP_WATCHED		8
/* A request older than this is no longer waited for (lwIP asks again,
 * and a peer that is not there never answers). */
#define ARP_ANSWER_WAIT_NS	(1000 * 1000000ULL)

#define ETH_TYPE_ARP		0x0806
#define ARP_OP_REQUEST		1
#define ARP_FRAME_LEN		42	/* Ethernet header + ARP for IPv4 */

static struct {
	uint32_t ip;		/* as in the frame; 0: a free slot */
	uint64_t sent_ns;
} asked[ARP_WATCHED];

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The ARP frame's opcode, sender and target IPv4 addresses; false for
 * anything else. */
static bool parse(const unsigned char *f, size_t len, unsigned *op,
		  uint32_t *sender, uint32_t *target)
{
	if (len < ARP_FRAME_LEN || be16(f + 12) != ETH_TYPE_ARP)
		return false;
	*op = be16(f + 20);
	memcpy(sender, f + 28, 4);
	memcpy(target, f + 38, 4);
	return true;
}

void netif_arp_sent(const void *frame, size_t len)
{
	uint32_t sender, target;
	unsigned op, slot = 0;
	uint64_t now;

	if (!parse(frame, len, &op, &sender, &target) || op != ARP_OP_REQUEST)
		return;
	now = clock_ns();
	for (unsigned i = 0; i < ARP_WATCHED; i++) {
		if (asked[i].ip == target) {
			slot = i;
			break;
		}
		if (asked[i].sent_ns < asked[slot].sent_ns)
			slot = i;	/* else the oldest gives way */
	}
	asked[slot].ip = target;
	asked[slot].sent_ns = now;
}

void netif_arp_received(const void *frame, size_t len)
{
	uint32_t sender, target;
	unsigned op;

	/* lwIP learns the sender's address from requests and replies. */
	if (!parse(frame, len, &op, &sender, &target))
		return;
	for (unsigned i = 0; i < ARP_WATCHED; i++)
		if (asked[i].ip == sender)
			asked[i].ip = 0;
}

bool net_arp_pending(void)
{
	uint64_t now = clock_ns();
	bool pending = false;

	LOCK_TCPIP_CORE();
	for (unsigned i = 0; i < ARP_WATCHED && !pending; i++)
		pending = asked[i].ip &&
			  now - asked[i].sent_ns < ARP_ANSWER_WAIT_NS;
	UNLOCK_TCPIP_CORE();
	return pending;
}
