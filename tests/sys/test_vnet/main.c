// SPDX-License-Identifier: MIT
/*
 * The virtio-net driver through struct netdev, without a TCP/IP stack: on
 * QEMU's user networking (slirp, gateway 10.0.2.2) the test builds raw
 * frames itself. An ARP request for the gateway must get its reply, an
 * ICMP echo request its echo reply; threads on every CPU send bursts of
 * echo requests at once and every reply must come back; the MAC must be
 * the one QEMU was given (argv[1]).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/netdev.h>
#include <toro/cpu.h>
#include <toro/sync.h>
#include <toro/thread.h>
#include <toro/time.h>

#define BURST		50	/* echo requests per CPU */
#define WAIT_NS		(20ULL * 1000000000)

static const uint8_t my_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };
static const uint8_t gw_mac_want[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static struct netdev *nd;
static uint8_t gw_mac[6];
static int arp_replies;
static int echo_replies[64][BURST + 1];	/* [cpu][seq] */
static int echo_total;
static struct event got;

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += p[i] << 8 | p[i + 1];
	if (len & 1)
		s += p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void receive_frame(struct netdev *d, const uint8_t *f, size_t len)
{
	if (len < 14 || memcmp(f, d->mac, 6))
		return;
	if (f[12] == 0x08 && f[13] == 0x06 && len >= 42 && f[21] == 2 &&
	    !memcmp(f + 28, gw_ip, 4) && !memcmp(f + 38, my_ip, 4)) {
		memcpy(gw_mac, f + 22, 6);
		__atomic_fetch_add(&arp_replies, 1, __ATOMIC_RELAXED);
		event_signal(&got);
	}
	if (f[12] == 0x08 && f[13] == 0x00 && len >= 42 && f[23] == 1 &&
	    f[34] == 0 && !memcmp(f + 26, gw_ip, 4)) {
		unsigned id = f[38] << 8 | f[39], seq = f[40] << 8 | f[41];

		if (csum(f + 34, len - 34) != 0) {
			printf("FAIL echo reply with a bad checksum\n");
			return;
		}
		if (id < 64 && seq <= BURST) {
			__atomic_fetch_add(&echo_replies[id][seq], 1,
					   __ATOMIC_RELAXED);
			__atomic_fetch_add(&echo_total, 1, __ATOMIC_RELAXED);
			event_signal(&got);
		}
	}
}

/* What this test looks at is in a frame's first piece; lent pieces go
 * back at once. */
static void receive(struct netdev *d, const struct netdev_rx_piece *pc,
		    unsigned n, bool csum_ok, bool lent)
{
	(void)csum_ok;
	receive_frame(d, pc[0].data, pc[0].len);
	for (unsigned i = 0; lent && i < n; i++)
		d->rx_release(d, pc[i].lent);
}

/* Sends a frame and tells the device at once, as the stack does after
 * each batch (netdev.h, tx_flush). */
static int send_frame(const struct netdev_frag *frags, unsigned n)
{
	int rc = nd->xmit(nd, frags, n, NULL);

	if (nd->tx_flush)
		nd->tx_flush(nd);
	return rc;
}

static int send_arp(void)
{
	uint8_t f[42];

	memset(f, 0xff, 6);
	memcpy(f + 6, nd->mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, nd->mac, 6);
	memcpy(f + 28, my_ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, gw_ip, 4);
	struct netdev_frag frag = { f, sizeof(f) };

	return send_frame(&frag, 1);
}

/* An echo request in two pieces (headers, payload), as a stack sends. */
static int send_echo(unsigned id, unsigned seq)
{
	uint8_t h[42], payload[56];

	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = i + seq;
	memcpy(h, gw_mac, 6);
	memcpy(h + 6, nd->mac, 6);
	put16(h + 12, 0x0800);
	h[14] = 0x45;
	h[15] = 0;
	put16(h + 16, 20 + 8 + sizeof(payload));
	put16(h + 18, id << 8 | seq);
	put16(h + 20, 0);
	h[22] = 64;
	h[23] = 1;
	put16(h + 24, 0);
	memcpy(h + 26, my_ip, 4);
	memcpy(h + 30, gw_ip, 4);
	put16(h + 24, csum(h + 14, 20));
	h[34] = 8;
	h[35] = 0;
	put16(h + 36, 0);
	put16(h + 38, id);
	put16(h + 40, seq);
	uint8_t all[8 + sizeof(payload)];

	memcpy(all, h + 34, 8);
	memcpy(all + 8, payload, sizeof(payload));
	put16(h + 36, csum(all, sizeof(all)));
	struct netdev_frag frags[2] = { { h, sizeof(h) },
					{ payload, sizeof(payload) } };

	return send_frame(frags, 2);
}

static bool wait_for(int *counter, int want)
{
	uint64_t deadline = clock_ns() + WAIT_NS;

	while (__atomic_load_n(counter, __ATOMIC_RELAXED) < want)
		if (event_wait_until(&got, deadline) == -ETIMEDOUT)
			return __atomic_load_n(counter, __ATOMIC_RELAXED) >=
			       want;
	return true;
}

static void *burst(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg;

	for (unsigned seq = 1; seq <= BURST; seq++) {
		int rc = send_echo(cpu, seq);

		/* A full transmit queue drops the frame (-ENOBUFS) when the
		 * device is slow to take frames, as QEMU is on a loaded host:
		 * the sender sends it again, as TCP would. */
		for (int again = 0; rc == -ENOBUFS && again < 100; again++) {
			thread_sleep_ns(10 * 1000000ULL);
			rc = send_echo(cpu, seq);
		}
		if (rc) {
			printf("FAIL xmit on cpu %u: %d\n", cpu, rc);
			return (void *)1;
		}
	}
	return NULL;
}

static bool parse_mac(const char *s, unsigned mac[6])
{
	for (int i = 0; i < 6; i++) {
		char *end;

		mac[i] = strtoul(s, &end, 16);
		if (end == s || (i < 5 && *end != ':') || (i == 5 && *end))
			return false;
		s = end + 1;
	}
	return true;
}

static int fail(const char *what)
{
	printf("FAIL %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned mac[6];

	if (netdev_count() != 1)
		return fail("expected one network device");
	nd = netdev_get(0);
	printf("netdev %s mtu %u features %#x\n", nd->name, nd->mtu,
	       nd->features);
	if (argc > 1 && parse_mac(argv[1], mac)) {
		for (int i = 0; i < 6; i++)
			if (nd->mac[i] != mac[i])
				return fail("MAC is not the one from config");
		printf("PASS mac %s\n", argv[1]);
	}
	/* Up without a receive function, bad frames. */
	if (nd->up(nd) != -EINVAL)
		return fail("up() without receive");
	uint8_t big[9100] = { 0 };
	struct netdev_frag frag = { big, nd->mtu + 19u };

	if (nd->xmit(nd, &frag, 1, NULL) != -EMSGSIZE ||
	    nd->xmit(nd, &frag, 0, NULL) != -EINVAL)
		return fail("bad frames are not refused");
	frag.len = 8;
	if (nd->xmit(nd, &frag, 1, NULL) != -EINVAL)
		return fail("runt frame is not refused");
	nd->receive = receive;
	if (nd->up(nd) != 0 || nd->up(nd) != -EBUSY)
		return fail("up()");
	printf("PASS bad requests\n");

	/* Slirp may miss the first frames while its link comes up: retry. */
	for (int i = 0; i < 5 && !arp_replies; i++) {
		if (send_arp())
			return fail("xmit ARP");
		wait_for(&arp_replies, 1);
	}
	if (!arp_replies)
		return fail("no ARP reply");
	if (memcmp(gw_mac, gw_mac_want, 6))
		return fail("ARP reply from an unexpected MAC");
	printf("PASS arp 10.0.2.2 is 52:55:0a:00:02:02\n");

	if (send_echo(63, 0) || !wait_for(&echo_replies[63][0], 1))
		return fail("no echo reply");
	printf("PASS ping 10.0.2.2\n");

	unsigned ncpu = cpu_count();
	struct thread *t[64];
	int base = __atomic_load_n(&echo_total, __ATOMIC_RELAXED);

	for (unsigned c = 0; c < ncpu && c < 63; c++)
		t[c] = thread_create(c, 0, burst, (void *)(uintptr_t)c);
	for (unsigned c = 0; c < ncpu && c < 63; c++) {
		void *rv;

		if (!t[c] || thread_join(t[c], &rv) || rv)
			return fail("burst thread");
	}
	int want = base + (int)(ncpu * BURST);

	wait_for(&echo_total, want);
	for (unsigned c = 0; c < ncpu && c < 63; c++)
		for (unsigned s = 1; s <= BURST; s++)
			if (echo_replies[c][s] != 1) {
				printf("FAIL cpu %u seq %u: %d replies "
				       "(%d of %d in all)\n", c, s,
				       echo_replies[c][s], echo_total, want);
				return 1;
			}
	printf("PASS burst of %u frames from %u CPUs\n", ncpu * BURST, ncpu);
	return 0;
}
