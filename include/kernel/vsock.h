/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock between the driver (drivers/virtio/vsock.c) and the
 * AF_VSOCK sockets (net/vsock*.c). The packet is the device's (virtio 1.2,
 * 5.10.6): a 44-byte little-endian header, then (len) payload bytes. The
 * driver moves packets; what they mean (connections, credit, shutdown) is
 * the socket layer's. There is at most one device: a VM has one CID.
 *
 * The driver registers its device at probe; the sockets find it with
 * vsock_device() and set the callbacks before vsock_dev_start().
 */
#ifndef KERNEL_VSOCK_H
#define KERNEL_VSOCK_H

#include <stdbool.h>
#include <stdint.h>

#define VSOCK_CID_HYPERVISOR	0
#define VSOCK_CID_LOCAL		1
#define VSOCK_CID_HOST		2
#define VSOCK_CID_ANY		0xffffffffu
#define VSOCK_PORT_ANY		0xffffffffu

/* Header fields (5.10.6). */
#define VSOCK_TYPE_STREAM	1

#define VSOCK_OP_REQUEST	1
#define VSOCK_OP_RESPONSE	2
#define VSOCK_OP_RST		3
#define VSOCK_OP_SHUTDOWN	4
#define VSOCK_OP_RW		5
#define VSOCK_OP_CREDIT_UPDATE	6
#define VSOCK_OP_CREDIT_REQUEST	7

#define VSOCK_SHUTDOWN_RCV	1	/* the sender will receive no more */
#define VSOCK_SHUTDOWN_SEND	2	/* the sender will send no more */

struct vsock_hdr {
	uint64_t src_cid;
	uint64_t dst_cid;
	uint32_t src_port;
	uint32_t dst_port;
	uint32_t len;
	uint16_t type;
	uint16_t op;
	uint32_t flags;
	uint32_t buf_alloc;
	uint32_t fwd_cnt;
} __attribute__((packed));

#define VSOCK_HDR_LEN		44
_Static_assert(sizeof(struct vsock_hdr) == VSOCK_HDR_LEN, "vsock header");

/* The most payload we put in one packet (Linux's too): a peer's receive
 * buffers may be no larger. */
#define VSOCK_PKT_MAX		(64 * 1024)

/*
 * A packet to send: vsock_pkt_alloc() gives one with room for (len)
 * payload bytes after the header; the caller fills both and hands it to
 * vsock_dev_send(), which owns it from then on.
 */
struct vsock_pkt {
	uint64_t driver[12];	/* the driver's, while the device has it */
	struct vsock_hdr hdr;
	uint8_t data[];
};

struct vsock_dev;

struct vsock_callbacks {
	/* One packet the device received, (h->len) payload bytes at
	 * (payload): the length is checked against what the device wrote,
	 * nothing else is. Called in the driver's receive thread; the
	 * bytes are the driver's again when it returns. */
	void (*receive)(const struct vsock_hdr *h, const void *payload);
	/* The device dropped every connection (the event queue's
	 * TRANSPORT_RESET, or the device broke): connections are gone,
	 * listeners may stay. The guest's CID may have changed. Same
	 * thread. */
	void (*reset)(void);
	/* Called every VSOCK_TICK_MS or so in the same thread, for the
	 * sockets' timeouts. (idle_ms): how long the device has been
	 * silent (nothing received, nothing sent taken). */
	void (*tick)(uint64_t idle_ms);
};

#define VSOCK_TICK_MS		250

/* The device, or NULL when the VM has none. */
struct vsock_dev *vsock_device(void);
/* Its CID now (it can change at a transport reset). */
uint64_t vsock_dev_cid(struct vsock_dev *d);
/* Starts delivering to (cb). Once; 0 or -EBUSY, -ENOMEM. */
int vsock_dev_start(struct vsock_dev *d, const struct vsock_callbacks *cb);

/* A packet with room for (len) <= VSOCK_PKT_MAX payload bytes, its
 * header zeroed, or NULL without memory. vsock_pkt_free() for one never
 * sent. */
struct vsock_pkt *vsock_pkt_alloc(uint32_t len);
void vsock_pkt_free(struct vsock_pkt *p);

/* Queues (p) (its header's len bytes of payload) for the device, which
 * owns it from now. Never waits: any thread, any CPU, the receive
 * thread's callbacks included. 0, or -EIO when the device is broken (the
 * packet is freed). A packet the device never takes is caught by the
 * driver: once nothing has moved for the virtio timeout
 * (toro.virtio_timeout_ms) the device is broken and reset() runs. */
int vsock_dev_send(struct vsock_dev *d, struct vsock_pkt *p);

#endif /* KERNEL_VSOCK_H */
