// SPDX-License-Identifier: MIT
/*
 * What the peer's packets do to AF_VSOCK sockets (vsock.c), in the
 * device's receive thread: a REQUEST to a listening port makes a
 * connection for accept(); the other ops act on the connection they name
 * (RW queues data within the credit we gave, SHUTDOWN ends a direction,
 * RST ends it all, CREDIT_* keep credit current). Anything else earns an
 * RST, as the spec says for a packet naming no connection or an op or a
 * type it does not know, and a warning when the peer broke the protocol;
 * it never costs more than that connection. Also the device's tick:
 * deadlines of connects and closes, and a probe of a silent device.
 */
#include <errno.h>
#include <string.h>

#include <kernel/heap.h>
#include <kernel/log.h>

#include "vsock_impl.h"

/* Probe a device silent this long while a thread waits to receive: a
 * packet for it to take shows a dead host side within the virtio
 * timeout. */
#define PROBE_IDLE_MS	5000

/* A connection for a REQUEST to the listener (l); RST if it has no room
 * or there is no memory. */
static void incoming(struct vsock_sock *l, const struct vsock_hdr *h)
{
	bool irq = waitq_lock(&l->wq);
	bool room = l->state == VS_LISTEN && l->npending < l->backlog;

	waitq_unlock(&l->wq, irq);
	struct vsock_sock *c = room ? vs_new(false) : NULL;

	if (!c) {
		vs_reply(h, VSOCK_OP_RST);
		return;
	}
	c->state = VS_CONNECTED;
	c->local_cid = (uint32_t)h->dst_cid;
	c->local_port = h->dst_port;
	c->peer_cid = (uint32_t)h->src_cid;
	c->peer_port = h->src_port;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	vs_conn_add(c);
	vs_send_ctl(c, VSOCK_OP_RESPONSE, 0);
	irq = waitq_lock(&l->wq);
	if (l->state == VS_LISTEN && l->npending < l->backlog) {
		if (l->pending_tail)
			l->pending_tail->pnext = c;
		else
			l->pending = c;
		l->pending_tail = c;
		l->npending++;
		waitq_wake_all(&l->wq);
		if (l->file)
			vfs_file_notify(l->file, VFS_POLL_IN | VFS_POLL_RDNORM);
		waitq_unlock(&l->wq, irq);
		return;
	}
	waitq_unlock(&l->wq, irq);
	vs_send_ctl(c, VSOCK_OP_RST, 0);
	irq = waitq_lock(&c->wq);
	vs_end_locked(c, ECONNRESET);
	waitq_unlock(&c->wq, irq);
	vfs_file_put(c->file);
}

/* The peer broke the protocol on (s): it is reset. (s) locked. */
static unsigned broken(struct vsock_sock *s, const struct vsock_hdr *h,
		       const char *why, uint16_t *reply)
{
	log_warn("vsock: %u:%u -> port %u: %s (op %u, %u bytes): reset\n",
		 (uint32_t)h->src_cid, h->src_port, h->dst_port, why, h->op,
		 h->len);
	*reply = VSOCK_OP_RST;
	return vs_end_locked(s, ECONNRESET);
}

/* Queues RW data; (c) holds a copy of it, or is NULL without memory. */
static unsigned take_data(struct vsock_sock *s, const struct vsock_hdr *h,
			  struct vsock_chunk **c, uint16_t *reply)
{
	if (!h->len)
		return 0;
	if (!*c)
		return broken(s, h, "no memory for the data", reply);
	if (s->rx_cnt - s->fwd_cnt + h->len > s->buf_alloc)
		return broken(s, h, "data beyond the credit given", reply);
	if (s->rx_tail)
		s->rx_tail->next = *c;
	else
		s->rx_head = *c;
	s->rx_tail = *c;
	*c = NULL;
	s->rx_cnt += h->len;
	WRITE_ONCE(s->rx_bytes, s->rx_bytes + h->len);
	waitq_wake_all(&s->wq);
	return VFS_POLL_IN | VFS_POLL_RDNORM;
}

/* A packet on an established connection. (s) locked. */
static unsigned on_connected(struct vsock_sock *s, const struct vsock_hdr *h,
			     struct vsock_chunk **c, uint16_t *reply)
{
	switch (h->op) {
	case VSOCK_OP_RW:
		return take_data(s, h, c, reply);
	case VSOCK_OP_CREDIT_UPDATE:
		return 0;	/* the credit is taken from every packet */
	case VSOCK_OP_CREDIT_REQUEST:
		*reply = VSOCK_OP_CREDIT_UPDATE;
		return 0;
	case VSOCK_OP_SHUTDOWN:
		WRITE_ONCE(s->peer_shut, s->peer_shut |
			   (h->flags & (VSOCK_SHUTDOWN_RCV |
					VSOCK_SHUTDOWN_SEND)));
		waitq_wake_all(&s->wq);
		if (s->peer_shut == (VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND)) {
			/* The peer is done both ways: it waits for our RST
			 * to forget the connection. What it sent stays. */
			*reply = VSOCK_OP_RST;
			return vs_end_locked(s, 0);
		}
		return VFS_POLL_IN | VFS_POLL_RDNORM | VFS_POLL_RDHUP |
		       VFS_POLL_OUT;
	case VSOCK_OP_RST:
		/* After the peer's full shutdown, a clean end. */
		return vs_end_locked(s, s->peer_shut == (VSOCK_SHUTDOWN_RCV |
							  VSOCK_SHUTDOWN_SEND) ?
					       0 : ECONNRESET);
	default:
		return broken(s, h, "unexpected op", reply);
	}
}

/* A packet for (s), found in the connection table. (s) locked; returns
 * what to notify; (*reply) an op to answer with, (*finish) when a closed
 * socket is done with. */
static unsigned on_packet(struct vsock_sock *s, const struct vsock_hdr *h,
			  struct vsock_chunk **c, uint16_t *reply,
			  bool *finish)
{
	uint32_t credit = vs_credit(s);
	unsigned ev = 0;

	s->peer_buf_alloc = h->buf_alloc;
	s->peer_fwd_cnt = h->fwd_cnt;
	if (vs_credit(s) > credit) {
		waitq_wake_all(&s->wq);
		ev |= VFS_POLL_OUT | VFS_POLL_WRNORM;
	}
	switch (s->state) {
	case VS_CONNECTING:
		if (h->op == VSOCK_OP_RESPONSE) {
			WRITE_ONCE(s->state, VS_CONNECTED);
			waitq_wake_all(&s->wq);
			return ev | VFS_POLL_OUT | VFS_POLL_WRNORM;
		}
		if (h->op != VSOCK_OP_RST)
			return broken(s, h, "not an answer to REQUEST", reply);
		return vs_end_locked(s, ECONNRESET);	/* Linux's refusal */
	case VS_CONNECTED:
		return ev | on_connected(s, h, c, reply);
	case VS_CLOSING:
		/* Nobody reads: data is dropped, the peer's end awaited. */
		if (h->op == VSOCK_OP_SHUTDOWN &&
		    (h->flags & VSOCK_SHUTDOWN_SEND) &&
		    (h->flags & VSOCK_SHUTDOWN_RCV))
			*reply = VSOCK_OP_RST;
		if (h->op == VSOCK_OP_RST || *reply == VSOCK_OP_RST) {
			WRITE_ONCE(s->state, VS_CLOSED);
			*finish = true;
		} else if (h->op == VSOCK_OP_CREDIT_REQUEST) {
			*reply = VSOCK_OP_CREDIT_UPDATE;
		} else if (h->op == VSOCK_OP_RW) {
			s->fwd_cnt += h->len;
		}
		return 0;
	default:
		if (h->op != VSOCK_OP_RST)
			*reply = VSOCK_OP_RST;
		return 0;
	}
}

void vsock_on_receive(const struct vsock_hdr *h, const void *payload)
{
	uint64_t me = vsock_dev_cid(vsock_dev);
	struct vsock_sock *s;

	if (h->dst_cid != me || h->src_cid >= VSOCK_CID_ANY) {
		log_warn("vsock: packet from CID %lu to CID %lu (we are %lu): "
			 "dropped\n", h->src_cid, h->dst_cid, me);
		return;
	}
	if (h->type != VSOCK_TYPE_STREAM) {
		log_warn("vsock: packet of unknown type %u from %u:%u\n",
			 h->type, (uint32_t)h->src_cid, h->src_port);
		if (h->op != VSOCK_OP_RST)
			vs_reply(h, VSOCK_OP_RST);
		return;
	}
	s = vs_find_conn(h->dst_port, (uint32_t)h->src_cid, h->src_port);
	if (!s) {
		struct vsock_sock *l = h->op == VSOCK_OP_REQUEST ?
				       vs_find_listener(h->dst_port) : NULL;

		if (l) {
			incoming(l, h);
			vs_put(l);
		} else if (h->op != VSOCK_OP_RST) {
			vs_reply(h, VSOCK_OP_RST);	/* no such connection */
		}
		return;
	}
	struct vsock_chunk *c = NULL;

	if (h->op == VSOCK_OP_RW && h->len) {
		c = heap_alloc(sizeof(*c) + h->len);
		if (c) {
			c->next = NULL;
			c->len = h->len;
			c->off = 0;
			memcpy(c->data, payload, h->len);
		}
	}
	uint16_t reply = 0;
	bool finish = false;
	bool irq = waitq_lock(&s->wq);
	unsigned ev = on_packet(s, h, &c, &reply, &finish);

	if (ev && s->file)
		vfs_file_notify(s->file, ev);
	waitq_unlock(&s->wq, irq);
	heap_free(c);
	if (reply)
		vs_send_ctl(s, reply, 0);
	if (finish)
		vs_finish(s);
	vs_put(s);
}

void vsock_on_reset(void)
{
	vsock_reset_all();
}

void vsock_on_tick(uint64_t idle_ms)
{
	static uint64_t last_probe;
	uint64_t now = clock_ns();

	vsock_expire(now);
	if (idle_ms < PROBE_IDLE_MS ||
	    now - last_probe < PROBE_IDLE_MS * 1000000ULL)
		return;
	struct vsock_sock *s = vsock_find_waiting();

	if (s) {
		last_probe = now;
		vs_send_ctl(s, VSOCK_OP_CREDIT_UPDATE, 0);
		vs_put(s);
	}
}
