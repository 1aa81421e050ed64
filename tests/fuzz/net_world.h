/* SPDX-License-Identifier: MIT */
/*
 * The world of the network fuzz targets (fuzz_vnet.c, fuzz_dhcp.c): our
 * virtio-net driver and lwIP port, compiled as for the kernel, over a
 * virtio-net device the target plays (host_virtio.h), on the threads of
 * host_threads.h: the driver's receive thread and lwIP's tcpip thread.
 */
#ifndef FUZZ_NET_WORLD_H
#define FUZZ_NET_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netif;

/* Our addresses, and the peer the seeds speak as. */
#define NET_WORLD_IP		0x0a00020fu	/* 10.0.2.15 */
#define NET_WORLD_PEER		0x0a000202u	/* 10.0.2.2 */
extern const uint8_t net_world_mac[6];

/* The device's side of the feature negotiation (virtio-net feature
 * bits, spec 5.1.3), and its configuration space. */
struct net_world_config {
	uint64_t features;	/* what the device offers */
	uint16_t mtu;		/* with VIRTIO_NET_F_MTU */
	bool link_up;		/* with VIRTIO_NET_F_STATUS */
	bool dhcp;		/* no static address: the target runs DHCP */
};

/* Probes a device, attaches lwIP's interface to it and starts it, as
 * net_start() does: returns the interface, or NULL when the driver
 * refused the device (a configuration it must refuse, e.g. MTU < 68). */
struct netif *net_world_start(const struct net_world_config *c);

/* Ends the interface and frees the device: every TCP connection is
 * aborted and the clock moves past the reassembly of fragments, so
 * nothing of one input stays for the next. */
void net_world_stop(void);

/* The device writes (len) bytes (virtio-net header, then the frame)
 * into the receive buffers the driver posted, one buffer after another
 * as a device with merged buffers does (or one, truncated, without),
 * and the receive thread runs. False when no buffer was posted. */
bool net_world_receive(const uint8_t *bytes, size_t len);

/* The device's link goes up or down (VIRTIO_NET_F_STATUS): its
 * configuration changed, and the threads run. */
void net_world_link(bool up);

/* Each frame the driver hands the device to send, in order, is passed
 * to this, past its virtio-net header (which is just before it); NULL:
 * dropped. */
extern void (*net_world_sent)(const uint8_t *frame, size_t len);

/* Whether the device was broken by the driver (a protocol violation). */
bool net_world_broken(void);

/* The Internet checksum's sum of (len) bytes added to (sum), and that
 * sum folded and complemented: for targets that fix up the frames they
 * make. */
uint32_t net_world_sum(const uint8_t *p, size_t len, uint32_t sum);
uint16_t net_world_fold(uint32_t sum);

/* Big-endian fields of the frames. */
static inline unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static inline void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

#endif /* FUZZ_NET_WORLD_H */
