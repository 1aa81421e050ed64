// SPDX-License-Identifier: MIT
/*
 * Packets from a virtio-vsock device, the way they come in the kernel:
 * the driver's receive thread (drivers/virtio/vsock.c: the used length
 * against the header's, the event queue's transport resets, the tick)
 * hands each to the sockets' receive path (net/vsock_rx.c: the
 * connection table, REQUEST to a listener, RESPONSE, RW within the
 * credit given, SHUTDOWN, RST, credit updates) and their state machine
 * (net/vsock.c, vsock_io.c), compiled as for the kernel, over the device
 * and threads of host_virtio.c and host_threads.c. An application plays
 * the other side of the sockets with non-blocking calls: a listener on
 * port 1234 whose connections it accepts, reads, answers and closes,
 * and connections of its own to the host. What the guest sends is
 * checked to be a packet a device may be given.
 *
 * Input: records of an op byte and a 16-bit word.
 *   op 0: a packet of (word) bytes follows (the 44-byte header, then
 *         the payload), written into a receive buffer as the device
 *         would; with op bit 4 (FIX) its length field is set to the
 *         payload's and its CIDs to the host's (2) and ours, so that
 *         the driver and the table take it, and ports left 0 are those
 *         of the last packet the guest sent (the connection it
 *         speaks of: the guest's ports are its own to choose).
 *   op 1: (word & 255) ticks of 250 ms (the driver's tick: connect and
 *         close deadlines, probes).
 *   op 2: an event of id (word) on the event queue (0: transport
 *         reset, the guest CID read again).
 *   op 3: the application: (word & 7) says what, (word >> 8) to which of
 *         its sockets: accept, read, write, MSG_MORE write, shutdown,
 *         close, connect to host port 5000 + (word >> 8), setsockopt.
 * At the end every socket is closed and the device resets the
 * transport, so no connection outlives its input.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>

#include <kernel/log.h>
#include <kernel/socket.h>
#include <kernel/vfs.h>
#include <kernel/vsock.h>
#include <kernel/waitq.h>

#include "fuzz.h"
#include "host_threads.h"
#include "host_virtio.h"

#define RXQ		0
#define TXQ		1
#define EVQ		2
#define GUEST_CID	3
#define PORT		1234
#define OP_FIX		0x10
#define SOCKS		8
#define TICK_MS		250

static struct vsock_hdr last;	/* the last packet the guest sent */
static struct vfs_file *socks[SOCKS];
static unsigned nsocks;
static uint8_t buf[VSOCK_HDR_LEN + 0x10000];

/* ------------------------------------------------------------------------
 * What the sockets call in the VFS and the wait queues: files are
 * reference-counted and closed by their last put, as fs/vfs_file.c does
 * (which needs more of the VFS than this); the application never blocks (its sockets are non-blocking), the
 * receive thread never sleeps on a socket.
 */

struct vfs_file *vfs_file_new(const struct vfs_file_ops *ops, void *priv,
			      int flags)
{
	struct vfs_file *f = calloc(1, sizeof(*f));

	if (f) {
		f->ops = ops;
		f->priv = priv;
		f->flags = flags;
		f->refs = 1;
	}
	return f;
}

void vfs_file_get(struct vfs_file *f)
{
	f->refs++;
}

void vfs_file_put(struct vfs_file *f)
{
	FUZZ_CHECK(f->refs > 0);
	if (--f->refs)
		return;
	if (f->ops->close)
		f->ops->close(f);
	free(f);
}

void vfs_file_notify(struct vfs_file *f, unsigned events)
{
	FUZZ_CHECK(f->refs > 0);
	(void)events;
}

int waitq_sleep(struct waitq *q, struct waiter *w, uint64_t deadline,
		bool irq)
{
	(void)q;
	(void)w;
	(void)deadline;
	(void)irq;
	FUZZ_CHECK(!"a non-blocking socket call would sleep");
	return 0;
}

int waitq_sleep_intr(struct waitq *q, struct waiter *w, uint64_t deadline,
		     bool irq)
{
	return waitq_sleep(q, w, deadline, irq);
}

int waitq_wake_one(struct waitq *q)
{
	(void)q;
	return 0;
}

int waitq_wake_all(struct waitq *q)
{
	(void)q;
	return 0;
}

/* ------------------------------------------------------------------------
 * The device's side.
 */

/* What the guest sends: a header and exactly its payload, from us. */
static void sent(const uint8_t *bytes, size_t len)
{
	struct vsock_hdr h;

	FUZZ_CHECK(len >= VSOCK_HDR_LEN);
	memcpy(&h, bytes, sizeof(h));
	log_printf(LOG_DEBUG, "device: sent op %u %u -> %u, %u bytes\n", h.op,
		   h.src_port, h.dst_port, h.len);
	FUZZ_CHECK(h.len == len - VSOCK_HDR_LEN && h.len <= VSOCK_PKT_MAX);
	FUZZ_CHECK(h.src_cid == GUEST_CID && h.type == VSOCK_TYPE_STREAM);
	FUZZ_CHECK(h.op >= VSOCK_OP_REQUEST && h.op <= VSOCK_OP_CREDIT_REQUEST);
	FUZZ_CHECK(h.op == VSOCK_OP_RW || h.len == 0);
	last = h;
}

static void packet(const uint8_t *p, size_t n, bool fix)
{
	struct vsock_hdr h;

	memcpy(buf, p, n);
	if (fix && n >= VSOCK_HDR_LEN) {
		memcpy(&h, buf, sizeof(h));
		h.len = (uint32_t)(n - VSOCK_HDR_LEN);
		h.src_cid = VSOCK_CID_HOST;
		h.dst_cid = GUEST_CID;
		if (!h.src_port)
			h.src_port = last.dst_port;
		if (!h.dst_port)
			h.dst_port = last.src_port;
		memcpy(buf, &h, sizeof(h));
	}
	host_virtio_fill(RXQ, buf, n, false);
	fuzz_run();
}

static void event(uint32_t id)
{
	uint8_t b[4];

	memcpy(b, &id, 4);
	host_virtio_fill(EVQ, b, sizeof(b), false);
	fuzz_run();
}

/* ------------------------------------------------------------------------
 * The application.
 */

static void add(struct vfs_file *f)
{
	if (nsocks < SOCKS)
		socks[nsocks++] = f;
	else
		vfs_file_put(f);
}

static void drop(unsigned i)
{
	vfs_file_put(socks[i]);
	socks[i] = socks[--nsocks];
}

static void listener(void)
{
	struct vfs_file *f;
	struct sock_addr a = { .family = SOCK_FAMILY_VSOCK,
			       .cid = VSOCK_CID_ANY, .vport = PORT };

	FUZZ_CHECK(vsock_socket(SOCK_TYPE_STREAM, 0, true, &f) == 0);
	FUZZ_CHECK(f->ops->socket->bind(f, &a) == 0);
	FUZZ_CHECK(f->ops->socket->listen(f, 4) == 0);
	add(f);
}

static void app(unsigned word)
{
	unsigned what = word & 7, which = word >> 8;
	struct vfs_file *f = nsocks ? socks[which % nsocks] : NULL;
	const struct socket_ops *ops = f ? f->ops->socket : NULL;
	char data[512] = "hello";
	struct iovec iov = { data, 1 + which % sizeof(data) };
	struct vfs_file *c;
	int flags = 0;

	switch (what) {
	case 0:
		if (f && ops->accept(f, NULL, true, &c) == 0)
			add(c);
		break;
	case 1:
		if (f)
			ops->recvmsg(f, &iov, 1, &flags, NULL);
		break;
	case 2:
	case 3:
		if (f)
			ops->sendmsg(f, &iov, 1, what == 3 ? SOCK_MORE : 0,
				     NULL);
		break;
	case 4:
		if (f)
			ops->shutdown(f, (enum sock_how)(which % 3));
		break;
	case 5:
		if (f)
			drop(which % nsocks);
		break;
	case 6: {
		struct sock_addr a = { .family = SOCK_FAMILY_VSOCK,
				       .cid = VSOCK_CID_HOST,
				       .vport = 5000 + which };

		if (vsock_socket(SOCK_TYPE_STREAM, 0, true, &c) == 0) {
			c->ops->socket->connect(c, &a);
			add(c);
		}
		break;
	}
	case 7:
		if (f)
			ops->setopt(f, SOCKOPT_RCVBUF, 1024 << (which & 15));
		break;
	}
	fuzz_run();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool up;

	if (!up) {	/* the VM's one device, probed once */
		host_virtio_offer = VIRTIO_BIT(VIRTIO_F_VERSION_1);
		host_virtio_config[0] = GUEST_CID;
		host_virtio_out[TXQ] = sent;
		FUZZ_CHECK(host_virtio_probe(VIRTIO_ID_VSOCK) == 0);
		up = true;
	}
	listener();	/* the device starts with the first socket */
	fuzz_run();
	while (size >= 3 && !host_virtio_dev.broken) {
		unsigned op = data[0], word = data[1] | data[2] << 8;
		size_t n;

		data += 3;
		size -= 3;
		switch (op & 3) {
		case 0:
			n = word < size ? word : size;
			packet(data, n, op & OP_FIX);
			data += n;
			size -= n;
			break;
		case 1:
			for (unsigned i = 0; i < (word & 255); i++)
				fuzz_advance(TICK_MS);
			break;
		case 2:
			event(word);
			break;
		case 3:
			app(word);
			break;
		}
	}
	FUZZ_CHECK(!host_virtio_dev.broken);
	while (nsocks)
		drop(nsocks - 1);
	event(0);	/* every connection goes */
	fuzz_advance(TICK_MS);
	fuzz_threads_idle();
	return 0;
}
