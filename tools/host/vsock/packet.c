// SPDX-License-Identifier: MIT
/*
 * Packets from the guest (its tx ring): the virtio-vsock stream protocol
 * (virtio 1.2 section 5.10.6) from the host's side. Each packet is taken,
 * acted on and its buffer returned at once: data goes straight from the
 * guest's buffers to the host socket (writev), and only what the socket
 * does not take now is copied, into the connection's buffer, which the
 * guest's credit bounds. So the tx ring never waits for a slow host peer
 * and one connection cannot hold up another. Whatever the guest sends is
 * checked; a packet that breaks the protocol gets RST or a warning.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vsock.h"

#define HL sizeof(struct vsock_hdr)

/* Keep (len) bytes of the payload in (c)'s buffer, from (skip) on. */
static void keep(struct conn *c, struct vring_chain *ch, size_t skip,
		 size_t len)
{
	if (!c->buf && !(c->buf = malloc(VSOCK_BUF_ALLOC))) {
		warnx_rl("out of memory for a connection's buffer");
		conn_rst(c);
		return;
	}
	uint32_t tail = (c->buf_head + c->buf_used) % VSOCK_BUF_ALLOC;
	uint32_t first = VSOCK_BUF_ALLOC - tail;
	if (first > len)
		first = len;
	iov_copy_from(ch->iov, ch->niov, skip, c->buf + tail, first);
	iov_copy_from(ch->iov, ch->niov, skip + first, c->buf, len - first);
	c->buf_used += len;
}

/* RW: the bytes to the host socket, or kept. */
static void rw(struct conn *c, struct vring_chain *ch, uint32_t len)
{
	if (c->state != CONN_OPEN || c->guest_no_send) {
		conn_rst(c);
		return;
	}
	if (len > VSOCK_BUF_ALLOC - c->buf_used) {
		warnx_rl("guest port %u sent %u bytes past our credit; reset",
			 c->guest_port, len - (VSOCK_BUF_ALLOC - c->buf_used));
		conn_rst(c);
		return;
	}
	c->rx_cnt += len;
	size_t done = 0;
	if (!c->buf_used && c->greeting_off == c->greeting_len &&
	    c->ev.fd >= 0 && len) {
		struct iovec v[VRING_MAX_IOV];
		unsigned int k =
			iov_slice(ch->iov, ch->niov, HL, len, v, VRING_MAX_IOV);
		ssize_t n;
		do
			n = writev(c->ev.fd, v, k);
		while (n < 0 && errno == EINTR);
		if (n < 0 && errno != EAGAIN) {
			conn_rst(c); /* EPIPE, ECONNRESET: the peer is gone */
			return;
		}
		if (n > 0) {
			done = n;
			c->fwd_cnt += n;
		}
	}
	if (done < len)
		keep(c, ch, HL + done, len - done);
	conn_check_credit(c);
}

static void shutdown_from_guest(struct conn *c, uint32_t flags)
{
	if (c->state == CONN_CLOSING) {
		/* we shut both ways already: this closes it */
		conn_rst(c);
		return;
	}
	if (flags & VSOCK_SHUTDOWN_RCV)
		c->guest_no_recv = true;
	if (flags & VSOCK_SHUTDOWN_SEND)
		c->guest_no_send = true;
	/* shuts the host's writing side, or ends the connection, once all
	 * held bytes are out */
	conn_flush(c);
}

/* REQUEST: the guest connects to host port (port): PATH_<port>. */
static void request(const struct vsock_hdr *h)
{
	uint32_t host_port = le32toh(h->dst_port);
	uint32_t guest_port = le32toh(h->src_port);
	struct conn *c = conn_find(host_port, guest_port);

	if (host_port == 0xffffffffu) {
		conn_rst_unknown(h); /* VMADDR_PORT_ANY is no port */
		return;
	}
	if (c) {
		warnx_rl("guest port %u: REQUEST on an open connection; reset",
			 guest_port);
		conn_rst(c);
		return;
	}
	int fd = -1;
	int rc = uds_path ? uds_connect_port(host_port, &fd) : -ENOENT;
	if (rc < 0 && rc != -EINPROGRESS && rc != -EAGAIN) {
		conn_rst_unknown(h); /* nobody listens there */
		return;
	}
	c = conn_new(fd, host_port, guest_port,
		     rc == 0 ? CONN_OPEN : CONN_CONNECTING);
	if (!c) {
		if (fd >= 0)
			close(fd);
		conn_rst_unknown(h);
		return;
	}
	c->peer_buf_alloc = le32toh(h->buf_alloc);
	c->peer_fwd_cnt = le32toh(h->fwd_cnt);
	if (rc == -EAGAIN) {
		/* its backlog is full: try again for a while */
		c->retry_connect = true;
		c->deadline = now_ms() + 2000;
	} else if (rc == 0) {
		c->pending |= CONN_P_RESPONSE;
		conn_wake(c);
	}
}

static void packet(struct vring_chain *ch)
{
	struct vsock_hdr h;

	if (iov_copy_from(ch->iov, ch->niov, 0, &h, HL) < HL) {
		warnx_rl("tx packet of %zu bytes: shorter than a header",
			 ch->len);
		return;
	}
	if (vsock_debug)
		vsock_trace("guest", &h);
	uint32_t len = le32toh(h.len);
	uint16_t op = le16toh(h.op);
	if (le64toh(h.src_cid) != vsock_guest_cid ||
	    le64toh(h.dst_cid) != VSOCK_HOST_CID) {
		warnx_rl("tx packet from cid %llu to cid %llu: dropped",
			 (unsigned long long)le64toh(h.src_cid),
			 (unsigned long long)le64toh(h.dst_cid));
		return;
	}
	if (le16toh(h.type) != VSOCK_TYPE_STREAM) {
		warnx_rl("tx packet of type %u: not a stream; reset",
			 le16toh(h.type));
		conn_rst_unknown(&h);
		return;
	}
	struct conn *c = conn_find(le32toh(h.dst_port), le32toh(h.src_port));
	if (len > ch->len - HL || (len && op != VSOCK_OP_RW)) {
		warnx_rl("tx packet op %u claims %u bytes in a %zu-byte "
			 "buffer; reset",
			 op, len, ch->len);
		if (c)
			conn_rst(c);
		else
			conn_rst_unknown(&h);
		return;
	}
	if (op == VSOCK_OP_REQUEST) {
		request(&h);
		return;
	}
	if (!c) {
		conn_rst_unknown(&h);
		return;
	}
	/* every header carries the guest's credit */
	uint32_t old = c->peer_buf_alloc - (c->tx_cnt - c->peer_fwd_cnt);
	c->peer_buf_alloc = le32toh(h.buf_alloc);
	c->peer_fwd_cnt = le32toh(h.fwd_cnt);
	if (c->peer_buf_alloc - (c->tx_cnt - c->peer_fwd_cnt) != old)
		c->credit_requested = false;

	switch (op) {
	case VSOCK_OP_RESPONSE:
		if (c->state != CONN_REQUEST) {
			conn_rst(c);
			break;
		}
		c->state = CONN_OPEN;
		c->deadline = 0;
		conn_flush(c); /* the greeting */
		break;
	case VSOCK_OP_RST:
		conn_free(c);
		return;
	case VSOCK_OP_SHUTDOWN:
		shutdown_from_guest(c, le32toh(h.flags));
		break;
	case VSOCK_OP_RW:
		rw(c, ch, len);
		break;
	case VSOCK_OP_CREDIT_UPDATE:
		break;
	case VSOCK_OP_CREDIT_REQUEST:
		c->pending |= CONN_P_CREDIT_UPDATE;
		break;
	default:
		warnx_rl("tx packet with unknown op %u; reset", op);
		conn_rst(c);
	}
	conn_wake(c);
}

void conn_guest_tx(void)
{
	struct vring *tx = &vsock_vq[VSOCK_TX];
	static struct vring_chain ch;
	unsigned int n = 0;

	for (;;) {
		int rc = vring_pop(tx, &ch, false);
		if (rc < 0)
			break;
		if (rc == 0) {
			if (!vring_enable_kicks(tx))
				break;
			continue;
		}
		packet(&ch);
		vring_push(tx, ch.head, 0);
		/* give buffers back now and then, not only at the end */
		if (++n % 64 == 0)
			vring_notify(tx);
	}
	vring_notify(tx);
	/* what the packets made owed (responses, credit) goes out now */
	conn_guest_rx();
}
