// SPDX-License-Identifier: MIT
/*
 * Connections: each pairs a guest (port) with a host socket (a Unix
 * socket from PATH or to PATH_<port>, or an accepted TCP connection).
 * Host sockets are non-blocking and registered edge-triggered once, so a
 * connection that cannot move (no credit, a full host socket, no rx
 * buffers) costs nothing until its edge or the guest's kick comes.
 * Everything owed to the guest's rx ring (control packets, bytes read
 * from host sockets) is served round robin from a send list, one packet
 * or one batch of buffers per connection per turn, so one busy
 * connection cannot starve the others.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vsock.h"

#define HASH_SIZE	   4096
#define CLOSE_TIMEOUT_MS   10000 /* waiting for the guest's RST */
#define REQUEST_TIMEOUT_MS 10000 /* waiting for its RESPONSE */
#define MAX_BATCH	   32	 /* rx chains filled by one readv */
#define MAX_UNKNOWN_RST	   256

static struct conn *table[HASH_SIZE];
static struct conn *send_head, *send_tail;
static struct conn *all;
static struct conn *dead; /* freed at the end of the loop's turn */
uint32_t conn_live;

/* RSTs for packets that belong to no connection. */
static struct {
	uint32_t src_port, dst_port; /* as the RST carries them */
} unknown_rst[MAX_UNKNOWN_RST];
static unsigned int n_unknown_rst;

static unsigned int hash(uint32_t host_port, uint32_t guest_port)
{
	return (host_port * 2654435761u ^ guest_port) % HASH_SIZE;
}

struct conn *conn_find(uint32_t host_port, uint32_t guest_port)
{
	struct conn *c = table[hash(host_port, guest_port)];
	while (c && (c->host_port != host_port || c->guest_port != guest_port))
		c = c->hnext;
	return c;
}

struct conn *conn_new(int fd, uint32_t host_port, uint32_t guest_port,
		      enum conn_state state)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->ev.kind = EV_CONN;
	c->ev.fd = fd;
	c->host_port = host_port;
	c->guest_port = guest_port;
	c->state = state;
	if (fd >= 0 &&
	    ev_add(&c->ev, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)) {
		free(c);
		return NULL;
	}
	unsigned int h = hash(host_port, guest_port);
	c->hnext = table[h];
	table[h] = c;
	c->anext = all;
	if (all)
		all->aprev = c;
	all = c;
	conn_live++;
	return c;
}

static void unqueue(struct conn *c)
{
	if (!c->queued)
		return;
	if (c->sprev)
		c->sprev->snext = c->snext;
	else
		send_head = c->snext;
	if (c->snext)
		c->snext->sprev = c->sprev;
	else
		send_tail = c->sprev;
	c->snext = c->sprev = NULL;
	c->queued = false;
}

void conn_close_host(struct conn *c)
{
	if (c->ev.fd < 0)
		return;

	ev_del(&c->ev);
	close(c->ev.fd);
	c->ev.fd = -1;
	c->readable = false;
}

static void unhash(struct conn *c)
{
	struct conn **p = &table[hash(c->host_port, c->guest_port)];
	while (*p != c)
		p = &(*p)->hnext;
	*p = c->hnext;
}

void conn_free(struct conn *c)
{
	conn_close_host(c);
	unqueue(c);
	unhash(c);
	if (c->aprev)
		c->aprev->anext = c->anext;
	else
		all = c->anext;
	if (c->anext)
		c->anext->aprev = c->aprev;
	free(c->buf);
	c->buf = NULL;
	/* The loop's current batch of events may still point at it: it
	 * is freed (and its memory reused) only after the batch. */
	c->ev.kind = EV_DEAD;
	c->anext = dead;
	dead = c;
	conn_live--;
}

void conn_reap(void)
{
	while (dead) {
		struct conn *c = dead;
		dead = c->anext;
		free(c);
	}
}

static uint32_t credit(const struct conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;
	return in_flight < c->peer_buf_alloc ? c->peer_buf_alloc - in_flight
					     : 0;
}

/* Has bytes to read for the guest and may send them now. */
static bool can_send_data(const struct conn *c)
{
	return c->state == CONN_OPEN && c->readable && !c->host_eof &&
	       !c->guest_no_recv && c->ev.fd >= 0 && credit(c) > 0;
}

void conn_wake(struct conn *c)
{
	if (c->queued || !(c->pending || can_send_data(c)))
		return;
	c->queued = true;
	c->snext = NULL;
	c->sprev = send_tail;
	if (send_tail)
		send_tail->snext = c;
	else
		send_head = c;
	send_tail = c;
}

/* Reset: the host socket goes now, the RST when the ring has room. */
void conn_rst(struct conn *c)
{
	if (vsock_debug)
		fprintf(stderr,
			"toro-vsock: %u:%u: reset in state %d, errno %d, "
			"guest sent %u, host took %u, held %u, fd %d\n",
			c->host_port, c->guest_port, c->state, errno, c->rx_cnt,
			c->fwd_cnt, c->buf_used, c->ev.fd);
	conn_close_host(c);
	c->state = CONN_CLOSING;
	c->pending = CONN_P_RST;
	conn_wake(c);
}

void conn_rst_unknown(const struct vsock_hdr *h)
{
	if (le16toh(h->op) == VSOCK_OP_RST)
		return; /* never answer a reset with one */
	if (n_unknown_rst == MAX_UNKNOWN_RST) {
		warnx_rl("too many resets owed to the guest; dropping one");
		return;
	}
	unknown_rst[n_unknown_rst].src_port = le32toh(h->dst_port);
	unknown_rst[n_unknown_rst].dst_port = le32toh(h->src_port);
	n_unknown_rst++;
}

/* Ask for a CREDIT_UPDATE when the guest's view of our free space has
 * fallen under half and we have freed some since we last told it. */
void conn_check_credit(struct conn *c)
{
	if (c->rx_cnt - c->fwd_sent > VSOCK_BUF_ALLOC / 2 &&
	    c->fwd_cnt != c->fwd_sent) {
		c->pending |= CONN_P_CREDIT_UPDATE;
		conn_wake(c);
	}
}

static void fill_hdr(struct vsock_hdr *h, struct conn *c, uint16_t op,
		     uint32_t flags, uint32_t len)
{
	h->src_cid = htole64(VSOCK_HOST_CID);
	h->dst_cid = htole64(vsock_guest_cid);
	h->src_port = htole32(c->host_port);
	h->dst_port = htole32(c->guest_port);
	h->len = htole32(len);
	h->type = htole16(VSOCK_TYPE_STREAM);
	h->op = htole16(op);
	h->flags = htole32(flags);
	h->buf_alloc = htole32(VSOCK_BUF_ALLOC);
	h->fwd_cnt = htole32(c->fwd_cnt);
	c->fwd_sent = c->fwd_cnt;
	c->pending &= ~CONN_P_CREDIT_UPDATE;
	if (vsock_debug)
		vsock_trace("host", h);
}

static struct vring_chain chains[MAX_BATCH];

/* A chain too short for a header: give it back empty and warn. */
static bool header_fits(struct vring_chain *ch)
{
	if (ch->len >= sizeof(struct vsock_hdr))
		return true;
	warnx_rl("rx buffer of %zu bytes: too small for a header", ch->len);
	vring_push(&vsock_vq[VSOCK_RX], ch->head, 0);
	return false;
}

/* Send one control packet; -1 when the ring has no buffer, 1 when it was
 * the RST and (c) is freed. */
static int send_control(struct conn *c)
{
	struct vring *rx = &vsock_vq[VSOCK_RX];
	struct vring_chain *ch = &chains[0];
	struct vsock_hdr h;
	int rc;

	do {
		rc = vring_pop(rx, ch, true);
		if (rc <= 0)
			return -1;
	} while (!header_fits(ch));

	unsigned int p = c->pending;
	if (p & CONN_P_RST) {
		fill_hdr(&h, c, VSOCK_OP_RST, 0, 0);
		c->pending = 0;
	} else if (p & CONN_P_REQUEST) {
		fill_hdr(&h, c, VSOCK_OP_REQUEST, 0, 0);
		c->pending &= ~CONN_P_REQUEST;
		c->deadline = now_ms() + REQUEST_TIMEOUT_MS;
	} else if (p & CONN_P_RESPONSE) {
		fill_hdr(&h, c, VSOCK_OP_RESPONSE, 0, 0);
		c->pending &= ~CONN_P_RESPONSE;
	} else if (p & CONN_P_SHUTDOWN) {
		fill_hdr(&h, c, VSOCK_OP_SHUTDOWN, c->shutdown_flags, 0);
		c->pending &= ~CONN_P_SHUTDOWN;
	} else if (p & CONN_P_CREDIT_REQUEST) {
		fill_hdr(&h, c, VSOCK_OP_CREDIT_REQUEST, 0, 0);
		c->pending &= ~CONN_P_CREDIT_REQUEST;
	} else {
		fill_hdr(&h, c, VSOCK_OP_CREDIT_UPDATE, 0, 0);
	}
	iov_copy_to(ch->iov, ch->niov, 0, &h, sizeof(h));
	vring_push(rx, ch->head, sizeof(h));
	if (le16toh(h.op) == VSOCK_OP_RST) {
		conn_free(c);
		return 1;
	}
	return 0;
}

/* Read from the host socket straight into up to MAX_BATCH rx buffers,
 * one readv, each buffer a packet. -1 when the ring has no buffer. */
static int send_data(struct conn *c)
{
	struct vring *rx = &vsock_vq[VSOCK_RX];
	static struct iovec iov[1024];
	size_t cap[MAX_BATCH];
	unsigned int n = 0, niov = 0;
	uint32_t want = credit(c);
	size_t total = 0;
	const size_t hl = sizeof(struct vsock_hdr);

	while (n < MAX_BATCH && total < want) {
		struct vring_chain *ch = &chains[n];
		int rc = vring_pop(rx, ch, true);
		if (rc <= 0)
			break;
		if (ch->len <= hl) {
			/* too small for data: consumed alone at the head, so
			 * the unpop below never reaches across it */
			if (n) {
				vring_unpop(rx, 1);
				break;
			}
			warnx_rl("rx buffer of %zu bytes: no room for data",
				 ch->len);
			vring_push(rx, ch->head, 0);
			continue;
		}
		size_t room = ch->len - hl;
		if (room > want - total)
			room = want - total;
		unsigned int k = iov_slice(ch->iov, ch->niov, hl, room,
					   iov + niov, 1024 - niov);
		if (niov + k >= 1024) {
			vring_unpop(rx, 1);
			break;
		}
		niov += k;
		cap[n++] = room;
		total += room;
	}
	if (!n)
		return -1;

	ssize_t got = readv(c->ev.fd, iov, niov);
	if (got <= 0) {
		vring_unpop(rx, n);
		if (got == 0) {
			/* the peer shut its sending side, or closed */
			c->host_eof = true;
			c->readable = false;
			c->shutdown_flags = VSOCK_SHUTDOWN_SEND;
			if (c->host_hup)
				c->shutdown_flags |= VSOCK_SHUTDOWN_RCV;
			c->pending |= CONN_P_SHUTDOWN;
			if (c->host_hup) {
				conn_close_host(c);
				c->state = CONN_CLOSING;
				c->deadline = now_ms() + CLOSE_TIMEOUT_MS;
			}
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			c->readable = false;
		} else if (errno != EINTR) {
			conn_rst(c); /* ECONNRESET and friends */
		}
		return 0;
	}
	/* A short read emptied the socket: the next byte brings an edge.
	 * Not so the end of the stream: its edge may have come with the
	 * bytes we just read, so after one we read on until 0. */
	if ((size_t)got < total && !c->host_rdhup)
		c->readable = false;
	size_t left = got;
	unsigned int used = 0;
	for (; used < n && left; used++) {
		struct vring_chain *ch = &chains[used];
		size_t len = left < cap[used] ? left : cap[used];
		struct vsock_hdr h;
		fill_hdr(&h, c, VSOCK_OP_RW, 0, len);
		iov_copy_to(ch->iov, ch->niov, 0, &h, hl);
		vring_push(rx, ch->head, hl + len);
		left -= len;
	}
	vring_unpop(rx, n - used);
	c->tx_cnt += got;
	if (!credit(c) && c->readable && !c->credit_requested) {
		/* the guest should update us on its own; ask once anyway */
		c->credit_requested = true;
		c->pending |= CONN_P_CREDIT_REQUEST;
	}
	return 0;
}

/* Serve the send list until it is empty or the rx ring is. */
static void serve(void)
{
	struct vring *rx = &vsock_vq[VSOCK_RX];

	for (;;) {
		while (n_unknown_rst) {
			struct vring_chain *ch = &chains[0];
			if (vring_pop(rx, ch, true) <= 0)
				goto starved;
			if (!header_fits(ch))
				continue;
			n_unknown_rst--;
			struct conn fake = {
				.host_port =
					unknown_rst[n_unknown_rst].src_port,
				.guest_port =
					unknown_rst[n_unknown_rst].dst_port,
			};
			struct vsock_hdr h;
			fill_hdr(&h, &fake, VSOCK_OP_RST, 0, 0);
			iov_copy_to(ch->iov, ch->niov, 0, &h, sizeof(h));
			vring_push(rx, ch->head, sizeof(h));
		}
		struct conn *c = send_head;
		if (!c)
			return;
		unqueue(c);
		if (!c->pending && !can_send_data(c))
			continue; /* things changed since it was queued */
		int rc = c->pending ? send_control(c) : send_data(c);
		if (rc == 1)
			continue; /* sent its RST and freed */
		conn_wake(c);	  /* to the tail, if it still owes */
		if (rc < 0)
			goto starved;
		continue;
	starved:
		/* No buffers: host sockets wait for the guest's kick. If
		 * some came while we asked for it, go on instead. */
		if (!vring_enable_kicks(rx))
			return;
	}
}

void conn_guest_rx(void)
{
	if (!vring_ready(&vsock_vq[VSOCK_RX]))
		return;
	if (send_head || n_unknown_rst)
		serve();
	vring_notify(&vsock_vq[VSOCK_RX]);
}

/* Write what the guest sent and we hold (greeting first) to the host. */
void conn_flush(struct conn *c)
{
	while (c->ev.fd >= 0 && c->greeting_off < c->greeting_len) {
		ssize_t n =
			send(c->ev.fd, c->greeting + c->greeting_off,
			     c->greeting_len - c->greeting_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			conn_rst(c);
			return;
		}
		c->greeting_off += n;
	}
	while (c->ev.fd >= 0 && c->buf_used) {
		struct iovec v[2];
		uint32_t first = VSOCK_BUF_ALLOC - c->buf_head;
		if (first > c->buf_used)
			first = c->buf_used;
		v[0].iov_base = c->buf + c->buf_head;
		v[0].iov_len = first;
		v[1].iov_base = c->buf;
		v[1].iov_len = c->buf_used - first;
		ssize_t n = writev(c->ev.fd, v, v[1].iov_len ? 2 : 1);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			conn_rst(c); /* the host peer vanished */
			return;
		}
		c->buf_head = (c->buf_head + n) % VSOCK_BUF_ALLOC;
		c->buf_used -= n;
		c->fwd_cnt += n;
	}
	if (c->ev.fd < 0)
		return;
	if (!c->buf_used && c->buf) {
		free(c->buf); /* most connections never need one again */
		c->buf = NULL;
		c->buf_head = 0;
	}
	if (!c->buf_used && c->guest_no_send && !c->host_shut_wr) {
		shutdown(c->ev.fd, SHUT_WR);
		c->host_shut_wr = true;
	}
	if (!c->buf_used && c->guest_no_send && c->guest_no_recv) {
		/* both ways shut and all delivered: done (5.10.6.5) */
		conn_rst(c);
		return;
	}
	conn_check_credit(c);
}

/* A host-side connection to guest port (port): pick our port from
 * Firecracker's range for it, and ask the guest. */
static void request(struct conn *c, uint32_t port)
{
	static uint32_t next = 1u << 30;
	uint32_t hp;
	do {
		hp = next;
		next = next + 1 < (1u << 31) ? next + 1 : 1u << 30;
	} while (conn_find(hp, port));
	unhash(c);
	c->host_port = hp;
	c->guest_port = port;
	unsigned int h = hash(hp, port);
	c->hnext = table[h];
	table[h] = c;
	c->state = CONN_REQUEST;
	c->pending = CONN_P_REQUEST;
	conn_wake(c);
}

void conn_host_event(struct ev *e, uint32_t events)
{
	struct conn *c = (struct conn *)((char *)e - offsetof(struct conn, ev));

	if (c->state == CONN_HANDSHAKE) {
		int port = uds_read_connect(c->ev.fd);
		if (port == -EAGAIN)
			return;
		if (port < 0) {
			conn_free(c);
			return;
		}
		request(c, port);
		c->greeting_len = snprintf(c->greeting, sizeof(c->greeting),
					   "OK %u\n", c->host_port);
		/* on: bytes after the line came with this edge */
	}
	if (c->state == CONN_CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(c->ev.fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			conn_rst(c);
			return;
		}
		c->state = CONN_OPEN;
		c->pending |= CONN_P_RESPONSE;
	}
	if (events & EPOLLHUP)
		c->host_hup = true;
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->host_rdhup = true;
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->readable = true;
	if (c->state == CONN_OPEN && (events & (EPOLLOUT | EPOLLERR)))
		conn_flush(c);
	if (c->state != CONN_CLOSING || c->pending)
		conn_wake(c);
}

/* A host program or TCP client for guest port (guest_port); with
 * (handshake) it first says which port on PATH. */
int conn_from_host(int fd, bool handshake, uint32_t guest_port)
{
	/* with a handshake, a key outside the ports we allocate until the
	 * CONNECT line names the guest port */
	static uint32_t tmp;
	tmp = tmp + 1 < (1u << 30) ? tmp + 1 : 1;
	struct conn *c = conn_new(fd, handshake ? 0xffffffffu : tmp, tmp,
				  CONN_HANDSHAKE);
	if (!c)
		return -ENOMEM;
	if (!handshake)
		request(c, guest_port);
	return 0;
}

/* The device went away: every connection goes, host sockets closed. */
void conn_reset_all(void)
{
	while (all)
		conn_free(all);
	n_unknown_rst = 0;
}

void conn_timers(void)
{
	uint64_t now = now_ms();
	struct conn *next;
	for (struct conn *c = all; c; c = next) {
		next = c->anext;
		if (c->retry_connect) {
			int fd, rc = uds_connect_port(c->host_port, &fd);
			if (rc == -EAGAIN && now < c->deadline)
				continue;
			c->retry_connect = false;
			c->deadline = 0;
			if (rc < 0 && rc != -EINPROGRESS) {
				conn_rst(c);
				continue;
			}
			c->ev.fd = fd;
			if (ev_add(&c->ev,
				   EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)) {
				close(fd);
				c->ev.fd = -1;
				conn_rst(c);
				continue;
			}
			if (rc == 0) {
				c->state = CONN_OPEN;
				c->pending |= CONN_P_RESPONSE;
				conn_wake(c);
			}
			continue;
		}
		if (!c->deadline || now < c->deadline)
			continue;
		c->deadline = 0;
		if (c->state == CONN_REQUEST || c->state == CONN_CLOSING) {
			if (c->state == CONN_REQUEST)
				warnx_rl("guest port %u: no answer to a "
					 "connection "
					 "request",
					 c->guest_port);
			conn_rst(c);
		}
	}
}

/* Milliseconds until conn_timers has work, or -1. */
int conn_next_timeout(void)
{
	uint64_t now = now_ms(), first = 0;
	for (struct conn *c = all; c; c = c->anext) {
		uint64_t d = c->retry_connect ? now + 5 : c->deadline;
		if (d && (!first || d < first))
			first = d;
	}
	if (!first)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

/* Every connection's state on stderr (SIGUSR2): who waits for what. */
void conn_dump(void)
{
	vring_dump(&vsock_vq[VSOCK_RX], "rx");
	vring_dump(&vsock_vq[VSOCK_TX], "tx");
	fprintf(stderr, "toro-vsock: %u connections, %u resets owed\n",
		conn_live, n_unknown_rst);
	for (struct conn *c = all; c; c = c->anext)
		fprintf(stderr,
			"toro-vsock: %u:%u state %d pending %#x fd %d "
			"queued %d readable %d eof %d; guest sent %u, host "
			"took "
			"%u, held %u; sent %u, credit %u\n",
			c->host_port, c->guest_port, c->state, c->pending,
			c->ev.fd, c->queued, c->readable, c->host_eof,
			c->rx_cnt, c->fwd_cnt, c->buf_used, c->tx_cnt,
			credit(c));
}
