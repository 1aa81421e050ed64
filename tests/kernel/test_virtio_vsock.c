// SPDX-License-Identifier: MIT
/*
 * virtio-vsock and AF_VSOCK sockets against a device played by the test
 * (fake_virtio.h, three queues: receive, transmit, event), through the
 * socket calls a program makes: the guest CID from configuration space,
 * connect's REQUEST and the answer, data both ways with the credit the
 * peer gives and never past it, credit updates, MSG_PEEK, MSG_MORE,
 * listen and accept, SHUTDOWN both ways, RST for a packet no connection
 * owns, for an unknown op or type and for data past our credit, a
 * length the device got wrong dropped, and TRANSPORT_RESET resetting
 * connections while listeners stay. None of it may crash or hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <drivers/virtio.h>
#include <kernel/vsock.h>
#include <toro/test.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "fake_virtio.h"

#define RXQ		0
#define TXQ		1
#define EVQ		2
#define GUEST_CID	42
#define WAIT_NS		(10ULL * 1000000000)	/* only against hangs */

static struct fake fk;
static bool started;

/* The fake device, bound once: the VM's one vsock device. */
static bool dev_up(void)
{
	if (started)
		return vsock_device() != NULL;
	started = true;
	fake_init(&fk, VIRTIO_ID_VSOCK, 0);
	fk.nqueues = 3;
	uint64_t cid = GUEST_CID;

	memcpy(fk.config, &cid, sizeof(cid));
	return virtio_bind(&fk.dev) == 0 && vsock_device() != NULL;
}

static int take(unsigned qi)
{
	uint64_t deadline = clock_ns() + WAIT_NS;
	int head;

	while ((head = fake_take_q(&fk, qi)) < 0 && clock_ns() < deadline)
		thread_sleep_ns(200000);
	return head;
}

static void *buf_of(unsigned qi, int head)
{
	return (void *)(uintptr_t)fake_desc_q(&fk, qi, head)->addr;
}

/* The device delivers a packet: (h) as given, (len) payload bytes; the
 * used length is the header's plus (used_extra). */
static bool deliver_n(const struct vsock_hdr *h, const void *data,
		      uint32_t len, int used_extra)
{
	int head = take(RXQ);

	/* The buffers are sized from memory: 4 KiB of payload at least. */
	if (head < 0 || fake_desc_q(&fk, RXQ, head)->len < sizeof(*h) + len)
		return false;
	uint8_t *b = buf_of(RXQ, head);

	memcpy(b, h, sizeof(*h));
	memcpy(b + sizeof(*h), data, len);
	fake_use_q(&fk, RXQ, head, sizeof(*h) + len + used_extra);
	thread_sleep_ns(2000000);	/* the driver's thread takes it */
	return true;
}

static bool deliver(const struct vsock_hdr *h, const void *data)
{
	return deliver_n(h, data, h->len, 0);
}

/* The next packet the driver sent: its header in (h), payload in (data)
 * (up to (max) bytes); the device gives the buffer back. */
static bool sent(struct vsock_hdr *h, void *data, size_t max)
{
	int head = take(TXQ);

	if (head < 0)
		return false;
	const uint8_t *b = buf_of(TXQ, head);

	memcpy(h, b, sizeof(*h));
	if (data)
		memcpy(data, b + sizeof(*h), h->len < max ? h->len : max);
	fake_use_q(&fk, TXQ, head, 0);
	return true;
}

/* Nothing more was sent. */
static bool nothing_sent(void)
{
	thread_sleep_ns(5000000);
	return fake_take_q(&fk, TXQ) < 0;
}

/* A header from the host (CID 2, port (hport)) to the guest's (gport). */
static struct vsock_hdr from_host(uint32_t hport, uint32_t gport,
				  uint16_t op, uint32_t len)
{
	return (struct vsock_hdr){ .src_cid = VSOCK_CID_HOST,
				   .dst_cid = GUEST_CID, .src_port = hport,
				   .dst_port = gport, .len = len,
				   .type = VSOCK_TYPE_STREAM, .op = op,
				   .buf_alloc = 65536 };
}

static bool readable(int fd, short what)
{
	struct pollfd p = { .fd = fd, .events = what };

	return poll(&p, 1, 5000) == 1 && (p.revents & what);
}

/* A connected socket: guest port in (*gport), to host port (hport), the
 * host giving (credit) bytes of buffer. -1 if that failed. */
static int connected(uint32_t hport, uint32_t credit, uint32_t *gport)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_HOST,
				 .svm_port = hport };
	struct vsock_hdr h, r;
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != -1 ||
	    errno != EINPROGRESS || !sent(&h, NULL, 0) ||
	    h.op != VSOCK_OP_REQUEST || h.dst_port != hport) {
		close(fd);
		return -1;
	}
	*gport = h.src_port;
	r = from_host(hport, h.src_port, VSOCK_OP_RESPONSE, 0);
	r.buf_alloc = credit;
	if (!deliver(&r, NULL) || !readable(fd, POLLOUT)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Closes (fd) and plays the host's side of it: SHUTDOWN comes, RST goes. */
static void close_conn(int fd, uint32_t hport, uint32_t gport)
{
	struct vsock_hdr h, r = from_host(hport, gport, VSOCK_OP_RST, 0);

	close(fd);
	while (sent(&h, NULL, 0) && h.op != VSOCK_OP_SHUTDOWN &&
	       h.op != VSOCK_OP_RST)
		;
	deliver(&r, NULL);
}

TEST(virtio_vsock, guest_cid_and_receive_buffers)
{
	ASSERT_TRUE(dev_up());
	EXPECT_EQ(vsock_dev_cid(vsock_device()), GUEST_CID);
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);

	ASSERT_GE(fd, 0);
	struct sockaddr_vm a;
	socklen_t len = sizeof(a);

	struct sockaddr_vm b = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY, .svm_port = 7000 };

	EXPECT_EQ(bind(fd, (struct sockaddr *)&b, sizeof(b)), 0);
	EXPECT_EQ(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	EXPECT_EQ(a.svm_family, AF_VSOCK);
	EXPECT_EQ(a.svm_port, 7000u);
	EXPECT_EQ(len, sizeof(a));
	close(fd);
	EXPECT_EQ(socket(AF_VSOCK, SOCK_DGRAM, 0), -1);
	EXPECT_EQ(errno, ESOCKTNOSUPPORT);
}

TEST(virtio_vsock, connect_send_receive_within_credit)
{
	uint32_t gport;
	struct vsock_hdr h;
	char out[300], in[300];

	ASSERT_TRUE(dev_up());
	int fd = connected(5000, 100, &gport);

	ASSERT_GE(fd, 0);
	memset(out, 'x', sizeof(out));
	/* The host gave 100 bytes: no more go. */
	EXPECT_EQ(send(fd, out, sizeof(out), 0), 100);
	ASSERT_TRUE(sent(&h, in, sizeof(in)));
	EXPECT_EQ(h.op, VSOCK_OP_RW);
	EXPECT_EQ(h.len, 100u);
	EXPECT_EQ(h.src_cid, (uint64_t)GUEST_CID);
	EXPECT_EQ(h.dst_cid, (uint64_t)VSOCK_CID_HOST);
	EXPECT_EQ(memcmp(in, out, 100), 0);
	EXPECT_EQ(send(fd, out, 10, 0), -1);
	EXPECT_EQ(errno, EAGAIN);
	/* The host read them: 100 more may go. */
	struct vsock_hdr u = from_host(5000, gport, VSOCK_OP_CREDIT_UPDATE, 0);

	u.buf_alloc = 100;
	u.fwd_cnt = 100;
	ASSERT_TRUE(deliver(&u, NULL));
	EXPECT_TRUE(readable(fd, POLLOUT));
	EXPECT_EQ(send(fd, out, 150, 0), 100);
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.len, 100u);

	/* Host to guest, with MSG_PEEK first. */
	struct vsock_hdr d = from_host(5000, gport, VSOCK_OP_RW, 5);

	d.buf_alloc = 100;
	d.fwd_cnt = 200;
	ASSERT_TRUE(deliver(&d, "hello"));
	EXPECT_TRUE(readable(fd, POLLIN));
	memset(in, 0, sizeof(in));
	EXPECT_EQ(recv(fd, in, sizeof(in), MSG_PEEK), 5);
	EXPECT_EQ(recv(fd, in, 3, 0), 3);
	EXPECT_EQ(memcmp(in, "hel", 3), 0);
	EXPECT_EQ(recv(fd, in, sizeof(in), 0), 2);
	EXPECT_EQ(memcmp(in, "lo", 2), 0);
	EXPECT_EQ(recv(fd, in, sizeof(in), 0), -1);
	EXPECT_EQ(errno, EAGAIN);
	close_conn(fd, 5000, gport);
}

TEST(virtio_vsock, credit_update_after_a_quarter_is_read)
{
	uint32_t gport;
	static char big[20000];
	struct vsock_hdr h;

	ASSERT_TRUE(dev_up());
	int fd = connected(5001, 65536, &gport);

	ASSERT_GE(fd, 0);
	int rcvbuf = 65536;

	ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			     sizeof(rcvbuf)), 0);
	struct vsock_hdr d = from_host(5001, gport, VSOCK_OP_RW, 4000);

	for (int i = 0; i < 5; i++)
		ASSERT_TRUE(deliver_n(&d, big, 4000, 0));
	EXPECT_TRUE(nothing_sent());
	EXPECT_EQ(recv(fd, big, sizeof(big), 0), 20000);
	/* 20000 read of a 65536-byte buffer: the host hears of it. */
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_CREDIT_UPDATE);
	EXPECT_EQ(h.fwd_cnt, 20000u);
	EXPECT_EQ(h.buf_alloc, 65536u);
	/* Asked, it answers too. */
	struct vsock_hdr q = from_host(5001, gport, VSOCK_OP_CREDIT_REQUEST, 0);

	ASSERT_TRUE(deliver(&q, NULL));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_CREDIT_UPDATE);
	close_conn(fd, 5001, gport);
}

TEST(virtio_vsock, data_past_our_credit_resets)
{
	uint32_t gport;
	static char big[8192];
	struct vsock_hdr h;
	char c;

	ASSERT_TRUE(dev_up());
	int fd = connected(5002, 65536, &gport);

	ASSERT_GE(fd, 0);
	int rcvbuf = 4096;

	ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			     sizeof(rcvbuf)), 0);
	struct vsock_hdr d = from_host(5002, gport, VSOCK_OP_RW, 2000);

	/* 4000 bytes fit the 4096 given; 6000 do not. */
	ASSERT_TRUE(deliver_n(&d, big, 2000, 0));
	ASSERT_TRUE(deliver_n(&d, big, 2000, 0));
	EXPECT_TRUE(nothing_sent());
	ASSERT_TRUE(deliver_n(&d, big, 2000, 0));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RST);
	/* What was within the credit is not lost; then the reset. */
	EXPECT_EQ(recv(fd, big, sizeof(big), 0), 4000);
	EXPECT_EQ(recv(fd, &c, 1, 0), -1);
	EXPECT_EQ(errno, ECONNRESET);
	close(fd);
	EXPECT_TRUE(nothing_sent());
}

TEST(virtio_vsock, listen_accept_and_half_close_both_ways)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY, .svm_port = 6000 };
	struct sockaddr_vm peer;
	socklen_t len = sizeof(peer);
	struct vsock_hdr h;
	char buf[16];

	ASSERT_TRUE(dev_up());
	int l = socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK, 0);

	ASSERT_GE(l, 0);
	ASSERT_EQ(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ASSERT_EQ(listen(l, 4), 0);
	struct vsock_hdr r = from_host(1234, 6000, VSOCK_OP_REQUEST, 0);

	ASSERT_TRUE(deliver(&r, NULL));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RESPONSE);
	EXPECT_EQ(h.dst_port, 1234u);
	EXPECT_EQ(h.src_port, 6000u);
	ASSERT_TRUE(readable(l, POLLIN));
	int c = accept(l, (struct sockaddr *)&peer, &len);

	ASSERT_GE(c, 0);
	EXPECT_EQ(peer.svm_cid, (unsigned)VMADDR_CID_HOST);
	EXPECT_EQ(peer.svm_port, 1234u);
	/* The host stops sending: end of file, writing still works. */
	struct vsock_hdr s = from_host(1234, 6000, VSOCK_OP_SHUTDOWN, 0);

	s.flags = VSOCK_SHUTDOWN_SEND;
	ASSERT_TRUE(deliver(&s, NULL));
	EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(send(c, "ok", 2, 0), 2);
	ASSERT_TRUE(sent(&h, buf, sizeof(buf)));
	EXPECT_EQ(h.op, VSOCK_OP_RW);
	/* We stop sending: the host hears SHUTDOWN SEND. */
	EXPECT_EQ(shutdown(c, SHUT_WR), 0);
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_SHUTDOWN);
	EXPECT_TRUE(h.flags & VSOCK_SHUTDOWN_SEND);
	EXPECT_EQ(send(c, "x", 1, MSG_NOSIGNAL), -1);
	EXPECT_EQ(errno, EPIPE);
	/* The host closes: it is done both ways, and gets RST. */
	s.flags = VSOCK_SHUTDOWN_SEND | VSOCK_SHUTDOWN_RCV;
	ASSERT_TRUE(deliver(&s, NULL));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RST);
	close(c);
	EXPECT_TRUE(nothing_sent());
	close(l);
}

TEST(virtio_vsock, packets_nobody_owns_get_rst)
{
	struct vsock_hdr h;

	ASSERT_TRUE(dev_up());
	/* Data for no connection; a REQUEST to a port nobody listens on;
	 * a known op with an unknown type. */
	struct vsock_hdr d = from_host(99, 4444, VSOCK_OP_RW, 3);

	ASSERT_TRUE(deliver(&d, "abc"));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RST);
	EXPECT_EQ(h.dst_port, 99u);
	EXPECT_EQ(h.src_port, 4444u);
	d = from_host(98, 4445, VSOCK_OP_REQUEST, 0);
	ASSERT_TRUE(deliver(&d, NULL));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RST);
	d.type = 7;
	ASSERT_TRUE(deliver(&d, NULL));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RST);
	/* An RST for nobody is not answered. */
	d = from_host(97, 4446, VSOCK_OP_RST, 0);
	ASSERT_TRUE(deliver(&d, NULL));
	EXPECT_TRUE(nothing_sent());
}

TEST(virtio_vsock, garbage_lengths_and_ops_cost_one_connection_at_most)
{
	uint32_t gport;
	struct vsock_hdr h;
	char buf[8];

	ASSERT_TRUE(dev_up());
	int fd = connected(5003, 65536, &gport);

	ASSERT_GE(fd, 0);
	/* A header that says 8 bytes where the device wrote 3, one the
	 * device wrote too short to hold: dropped, nothing else. */
	struct vsock_hdr d = from_host(5003, gport, VSOCK_OP_RW, 8);

	ASSERT_TRUE(deliver_n(&d, "abc", 3, 0));
	ASSERT_TRUE(deliver_n(&d, "", 0, -40));
	EXPECT_TRUE(nothing_sent());
	EXPECT_EQ(recv(fd, buf, sizeof(buf), 0), -1);
	EXPECT_EQ(errno, EAGAIN);
	/* An op nobody knows resets the connection. */
	d = from_host(5003, gport, 42, 0);
	ASSERT_TRUE(deliver(&d, NULL));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RST);
	EXPECT_EQ(recv(fd, buf, sizeof(buf), 0), -1);
	EXPECT_EQ(errno, ECONNRESET);
	close(fd);
	EXPECT_TRUE(nothing_sent());
	EXPECT_FALSE(fk.dev.broken);
}

TEST(virtio_vsock, transport_reset_resets_connections_keeps_listeners)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY, .svm_port = 6001 };
	uint32_t gport;
	struct vsock_hdr h;
	char c;

	ASSERT_TRUE(dev_up());
	int fd = connected(5004, 65536, &gport);
	int l = socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK, 0);

	ASSERT_GE(fd, 0);
	ASSERT_GE(l, 0);
	ASSERT_EQ(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ASSERT_EQ(listen(l, 4), 0);
	int head = take(EVQ);

	ASSERT_GE(head, 0);
	*(uint32_t *)buf_of(EVQ, head) = 0;	/* TRANSPORT_RESET */
	fake_use_q(&fk, EVQ, head, 4);
	thread_sleep_ns(5000000);
	EXPECT_TRUE(readable(fd, POLLERR));
	EXPECT_EQ(recv(fd, &c, 1, 0), -1);
	EXPECT_EQ(errno, ECONNRESET);
	close(fd);
	/* The listener still takes connections. */
	struct vsock_hdr r = from_host(1235, 6001, VSOCK_OP_REQUEST, 0);

	ASSERT_TRUE(deliver(&r, NULL));
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_RESPONSE);
	int c2 = accept(l, NULL, NULL);

	EXPECT_GE(c2, 0);
	close_conn(c2, 1235, 6001);
	close(l);
}

TEST(virtio_vsock, msg_more_joins_the_next_send_or_goes_alone)
{
	uint32_t gport;
	struct vsock_hdr h;
	char in[32] = { 0 };

	ASSERT_TRUE(dev_up());
	int fd = connected(5005, 65536, &gport);

	ASSERT_GE(fd, 0);
	/* A reply's head with MSG_MORE, then its body: one packet. */
	EXPECT_EQ(send(fd, "head:", 5, MSG_MORE), 5);
	EXPECT_TRUE(nothing_sent());
	EXPECT_EQ(send(fd, "body", 4, 0), 4);
	ASSERT_TRUE(sent(&h, in, sizeof(in)));
	EXPECT_EQ(h.op, VSOCK_OP_RW);
	EXPECT_EQ(h.len, 9u);
	EXPECT_EQ(memcmp(in, "head:body", 9), 0);
	/* Held bytes with nothing after them still go, a moment later. */
	EXPECT_EQ(send(fd, "alone", 5, MSG_MORE), 5);
	ASSERT_TRUE(sent(&h, in, sizeof(in)));
	EXPECT_EQ(h.len, 5u);
	EXPECT_EQ(memcmp(in, "alone", 5), 0);
	/* And before a shutdown. */
	EXPECT_EQ(send(fd, "last", 4, MSG_MORE), 4);
	EXPECT_EQ(shutdown(fd, SHUT_WR), 0);
	ASSERT_TRUE(sent(&h, in, sizeof(in)));
	EXPECT_EQ(h.op, VSOCK_OP_RW);
	EXPECT_EQ(h.len, 4u);
	ASSERT_TRUE(sent(&h, NULL, 0));
	EXPECT_EQ(h.op, VSOCK_OP_SHUTDOWN);
	close_conn(fd, 5005, gport);
}
