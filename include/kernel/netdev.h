/* SPDX-License-Identifier: MIT */
/*
 * Network devices, between a driver (virtio-net) and the TCP/IP stack
 * (net/). A driver fills in a struct netdev and registers it at probe; the
 * stack finds devices with netdev_get() and sets (receive) before it calls
 * netdev_up(). Frames are whole Ethernet frames without the FCS.
 *
 * Link state: (link_up) is the driver's, kept current from the device;
 * the stack reads it when it sets the interface up and is told of every
 * change afterwards through (link_changed).
 */
#ifndef KERNEL_NETDEV_H
#define KERNEL_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX		16
#define NETDEV_FRAGS_MAX	128	/* a 64 KiB TSO frame of pbuf pieces */

/* What the device does for the stack. */
#define NETDEV_F_TX_CSUM	0x1	/* fills TCP/UDP checksums (see xmit) */
#define NETDEV_F_RX_CSUM	0x2	/* says when a frame's are verified */
#define NETDEV_F_TSO4		0x4	/* cuts TCP/IPv4 frames of up to
					 * NETDEV_TSO_MAX bytes (see xmit) */
#define NETDEV_F_SG		0x8	/* has xmit_ref */
#define NETDEV_F_LRO		0x10	/* may receive TCP segments the host
					 * put together: frames of up to
					 * NETDEV_LRO_MAX bytes (receive) */
#define NETDEV_F_TSO6		0x20	/* as TSO4, for TCP/IPv6 frames
					 * without extension headers */

/* The largest frame xmit takes for segmentation: a 64 KiB IP packet. */
#define NETDEV_TSO_MAX		(14 + 0xffff)
/* The largest frame receive gets with NETDEV_F_LRO: the same, with a
 * VLAN tag. */
#define NETDEV_LRO_MAX		(18 + 0xffff)

/* One piece of an outgoing frame. */
struct netdev_frag {
	const void *data;
	size_t len;
};

/* Bytes of a lent receive buffer's own that the stack may use while it
 * holds the buffer (its pbuf header, say). */
#define NETDEV_RX_LENT_SIZE	48

/* One piece of a received frame. (lent) is NETDEV_RX_LENT_SIZE bytes,
 * 8-aligned, of the piece's own, the stack's until receive returns or,
 * when the frame is lent, until it gives the piece back with
 * rx_release(d, lent). */
struct netdev_rx_piece {
	void *data;
	uint32_t len;
	void *lent;
};

/* What the device should do to an outgoing frame. Checksum: the 16-bit
 * ones' complement sum from (start) to the end, stored at start + offset
 * (the stack has put the pseudo-header sum there, over the whole frame's
 * length). Segmentation (NETDEV_F_TSO4, or NETDEV_F_TSO6 with (ipv6)), when
 * (mss) is not 0: the frame is a TCP packet whose first (hdr_len) bytes
 * are its Ethernet, IP and TCP headers, to be sent as segments of (mss) payload bytes, each
 * with those headers fixed up (lengths, IP ID, sequence numbers, flags,
 * checksums) as a TSO-capable card does; it also wants the checksum. */
struct netdev_offload {
	uint16_t start;
	uint16_t offset;
	uint16_t mss;
	uint16_t hdr_len;
	bool ipv6;
};

struct netdev {
	char name[16];			/* "virtio-net0" */
	uint8_t mac[6];
	uint16_t mtu;			/* IP MTU, 1500 unless the device says */
	unsigned features;		/* NETDEV_F_* */
	bool link_up;			/* written by the driver at any time:
					 * read it with READ_ONCE */

	/* Sends one frame of (n) pieces (at most NETDEV_FRAGS_MAX). The
	 * driver is done with the pieces when it returns (it copies or
	 * waits), so they may be on the caller's stack. (off) is NULL when
	 * the frame is complete, and only given to a device with
	 * NETDEV_F_TX_CSUM. Any thread on any CPU may call it. Returns
	 * 0 or -errno (-EIO for a broken device, -EMSGSIZE, -ENOBUFS when
	 * the device's queue stayed full: the frame is dropped; for a frame
	 * to segment, also at once when no large buffer is free: the caller
	 * may send its segments one by one instead). */
	int (*xmit)(struct netdev *d, const struct netdev_frag *frags,
		    unsigned n, const struct netdev_offload *off);
	/* Optional (NETDEV_F_SG, with NETDEV_F_TSO4/6): xmit for a frame to
	 * segment (off->mss set) without copying its payload: only frags[0],
	 * the headers (off->hdr_len bytes), is copied; the device reads the
	 * other pieces where they are, so they must stay unchanged until the
	 * driver hands (cookie) back to (tx_release). -ENOBUFS at once when
	 * the device has no room for it: then nothing is kept. */
	int (*xmit_ref)(struct netdev *d, const struct netdev_frag *frags,
			unsigned n, const struct netdev_offload *off,
			void *cookie);
	/* Optional: tells the device of the frames xmit and xmit_ref left
	 * unannounced on this CPU. A driver that has it may leave them so
	 * (a notification is a VM exit: the stack's sends under its lock go
	 * cheaper without one each); the stack calls it after each batch of
	 * sends, once it has let go of that lock. */
	void (*tx_flush)(struct netdev *d);
	/* Set by the stack before it calls xmit_ref: called in a thread
	 * (never an interrupt handler), on any CPU, maybe inside a later
	 * xmit or xmit_ref, once for each frame xmit_ref took. */
	void (*tx_release)(struct netdev *d, void *cookie);

	/* Set by the stack before netdev_up(): called for each frame
	 * received, in (n) pieces (the buffers the device wrote, the first
	 * with the whole Ethernet header), in a thread (never an interrupt
	 * handler). (lent): the stack keeps the
	 * pieces' bytes, without a copy, and may write them, until it gives
	 * each piece back to (rx_release), dropped frames' too, in any
	 * order, from any thread on any CPU, maybe inside this call. Else
	 * they are the driver's again when it returns, so the stack copies
	 * what it keeps (the driver lends while it has buffers to spare).
	 * (csum_ok): the device verified its TCP/UDP checksum. At most the
	 * MTU and an Ethernet header (and a VLAN tag) long, or
	 * NETDEV_LRO_MAX for a TCP segment with NETDEV_F_LRO. */
	void (*receive)(struct netdev *d, const struct netdev_rx_piece *pieces,
			unsigned n, bool csum_ok, bool lent);
	/* The driver's: takes back a piece (receive) lent. */
	void (*rx_release)(struct netdev *d, void *lent);
	/* Optional, set by the stack before up(): called with the new
	 * state after (link_up) changed, in the same thread as (receive).
	 * Changes may be merged: a quick down-up can arrive as one "up"
	 * call, or as a call with the state the stack already knows. */
	void (*link_changed)(struct netdev *d, bool up);
	void *stack_data;

	/* The driver's: starts delivering frames to (receive). */
	int (*up)(struct netdev *d);
	/* Optional: waits until the device has taken every frame sent so
	 * far, or until (deadline) (clock_ns()). For exit(): a frame still
	 * queued when the VM powers off is never sent. 0 or -ETIMEDOUT. */
	int (*drain)(struct netdev *d, uint64_t deadline);
	void *driver_data;
};

/* For drivers: makes (d) visible to the stack. Returns 0 or -ENOSPC. */
int netdev_register(struct netdev *d);

/* For the stack: the devices, in the order they were found. Linking
 * these links the network drivers. */
unsigned netdev_count(void);
struct netdev *netdev_get(unsigned index);

#endif /* KERNEL_NETDEV_H */
