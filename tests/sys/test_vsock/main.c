// SPDX-License-Identifier: MIT
/*
 * AF_VSOCK end to end: the guest's side of each case in TEST, the host's
 * being vsock_host.py behind `toro run --vsock PATH` (our vhost-user
 * backend, Firecracker's convention: the host reaches guest port P by
 * "CONNECT P" on PATH, the guest reaches host port P at PATH_P).
 *
 *   echo PORT N     listen on PORT; echo each connection's bytes back
 *                   until it ends, each in a thread of its own, spread
 *                   over the CPUs; exit after N connections
 *   send PORT N     connect to the host's PORT, send N bytes (a
 *                   generated stream, hashed with SHA-256) while reading
 *                   the host's echo back and hashing it; the two hashes
 *                   must match
 *   refused PORT    connect to a host port nobody listens on: ECONNRESET
 *   peek PORT       MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, poll, select and
 *                   epoll, SO_RCVTIMEO, names, then half-close both ways
 *   stall PORT      accept a connection and never read it, then echo a
 *                   second one to its end: a stalled reader must not
 *                   stall the others
 *   dead PORT       receive from the host until toro kills the backend:
 *                   the call must fail (ECONNRESET, EIO) rather than hang
 *
 * Prints "PASS what" or "FAIL what: why" lines; exits 1 on a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../test_virtiofs/sha256.h"

static int failures;

static void check(int ok, const char *what, const char *why)
{
	if (ok) {
		printf("PASS %s\n", what);
	} else {
		printf("FAIL %s: %s (errno %s)\n", what, why, strerror(errno));
		failures++;
	}
}

static struct sockaddr_vm vm_addr(unsigned cid, unsigned port)
{
	return (struct sockaddr_vm){ .svm_family = AF_VSOCK, .svm_cid = cid,
				     .svm_port = port };
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A connection to the host's (port); the host may not listen yet, so
 * refusals are retried for a while. -1 on failure. */
static int connect_host(unsigned port, int patience_ms)
{
	struct sockaddr_vm a = vm_addr(VMADDR_CID_HOST, port);
	long long until = now_ms() + patience_ms;

	for (;;) {
		int fd = socket(AF_VSOCK, SOCK_STREAM, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		int err = errno;

		close(fd);
		errno = err;
		if (err != ECONNRESET || now_ms() > until)
			return -1;
		usleep(100000);
	}
}

static int send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* --- echo ---------------------------------------------------------------- */

static void *echo_conn(void *arg)
{
	int fd = (int)(long)arg;
	size_t size = 65536;
	char *buf = malloc(size);
	ssize_t n = -1;

	while (buf && (n = recv(fd, buf, size, 0)) > 0)
		if (send_all(fd, buf, (size_t)n))
			break;
	if (n < 0)
		printf("FAIL echo: recv: %s\n", strerror(errno));
	free(buf);
	close(fd);
	return NULL;
}

static int run_echo(unsigned port, int conns)
{
	struct sockaddr_vm a = vm_addr(VMADDR_CID_ANY, port);
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t *t = calloc((size_t)conns, sizeof(*t));
	int l = socket(AF_VSOCK, SOCK_STREAM, 0);

	check(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		      listen(l, 128) == 0, "echo listens", "socket/bind/listen");
	printf("vsock: listening on %u\n", port);
	fflush(stdout);
	for (int i = 0; i < conns; i++) {
		int fd = accept(l, NULL, NULL);
		pthread_attr_t attr;
		cpu_set_t set;

		if (fd < 0) {
			check(0, "echo accepts", "accept");
			conns = i;
			break;
		}
		CPU_ZERO(&set);
		CPU_SET((int)(i % ncpus), &set);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		pthread_attr_setstacksize(&attr, 128 * 1024);
		if (pthread_create(&t[i], &attr, echo_conn, (void *)(long)fd)) {
			check(0, "echo thread", "pthread_create");
			close(fd);
			conns = i;
			break;
		}
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < conns; i++)
		pthread_join(t[i], NULL);
	close(l);
	printf("vsock: served %d connections\n", conns);
	return failures ? 1 : 0;
}

static int run_stall(unsigned port)
{
	struct sockaddr_vm a = vm_addr(VMADDR_CID_ANY, port);
	int l = socket(AF_VSOCK, SOCK_STREAM, 0);

	check(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		      listen(l, 4) == 0, "stall listens", "socket/bind/listen");
	printf("vsock: listening on %u\n", port);
	fflush(stdout);
	int stalled = accept(l, NULL, NULL);

	check(stalled >= 0, "stall: the connection nobody reads", "accept");
	int fd = accept(l, NULL, NULL);

	check(fd >= 0, "stall: the one echoed", "accept");
	echo_conn((void *)(long)fd);	/* to its end, then closes it */
	close(stalled);
	close(l);
	printf("vsock: echoed beside a stalled connection\n");
	return failures ? 1 : 0;
}

/* --- send ---------------------------------------------------------------- */

/* The stream sent: xorshift64, 8 bytes a step. */
static void generate(uint64_t *state, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t x = *state;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*state = x;
		memcpy(buf + i, &x, 8);
	}
}

struct reader {
	int fd;
	size_t got;
	struct sha256 hash;
	int err;
};

static void *read_echo(void *arg)
{
	struct reader *r = arg;
	static char buf[65536];
	ssize_t n;

	sha256_init(&r->hash);
	while ((n = recv(r->fd, buf, sizeof(buf), 0)) > 0) {
		sha256_update(&r->hash, buf, (size_t)n);
		r->got += (size_t)n;
	}
	r->err = n < 0 ? errno : 0;
	return NULL;
}

static int run_send(unsigned port, size_t total)
{
	static uint8_t buf[65536];
	uint64_t state = 0x9e3779b97f4a7c15ULL;
	struct reader r = { 0 };
	struct sha256 sent;
	char sent_hex[65], got_hex[65];
	pthread_t t;
	size_t done = 0;
	int fd = connect_host(port, 30000);

	check(fd >= 0, "send connects to the host", "connect");
	if (fd < 0)
		return 1;
	r.fd = fd;
	pthread_create(&t, NULL, read_echo, &r);
	sha256_init(&sent);
	while (done < total) {
		size_t n = total - done < sizeof(buf) ? total - done :
							sizeof(buf);

		generate(&state, buf, sizeof(buf));
		sha256_update(&sent, buf, n);
		if (send_all(fd, buf, n)) {
			check(0, "send", "send");
			break;
		}
		done += n;
	}
	shutdown(fd, SHUT_WR);	/* the host's echo ends when it sees this */
	pthread_join(t, NULL);
	close(fd);
	sha256_final_hex(&sent, sent_hex);
	sha256_final_hex(&r.hash, got_hex);
	check(r.err == 0 && r.got == total && strcmp(sent_hex, got_hex) == 0,
	      "echo matches", "bytes or hash differ");
	printf("vsock: echo of %zu bytes %s (sha256 %s)\n", r.got,
	       strcmp(sent_hex, got_hex) == 0 ? "matches" : "differs",
	       got_hex);
	return failures ? 1 : 0;
}

/* --- refused, peek, dead ------------------------------------------------- */

static int run_refused(unsigned port)
{
	struct sockaddr_vm a = vm_addr(VMADDR_CID_HOST, port);
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	int rc = connect(fd, (struct sockaddr *)&a, sizeof(a));

	check(rc == -1 && errno == ECONNRESET, "refused: ECONNRESET",
	      "connect did not fail with ECONNRESET");
	close(fd);
	/* Non-blocking: in progress, then the error through SO_ERROR. */
	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK, 0);
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	check(rc == -1 && errno == EINPROGRESS, "non-blocking connect",
	      "not EINPROGRESS");
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);

	check(poll(&p, 1, 10000) == 1 && (p.revents & (POLLERR | POLLHUP)) &&
		      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
		      err == ECONNRESET,
	      "non-blocking refusal through SO_ERROR", "no ECONNRESET");
	close(fd);
	printf("vsock: refused ECONNRESET\n");
	return failures ? 1 : 0;
}

static int run_peek(unsigned port)
{
	char buf[64] = { 0 };
	struct sockaddr_vm me, peer;
	socklen_t len = sizeof(me);
	int fd = connect_host(port, 30000);

	check(fd >= 0, "peek connects", "connect");
	if (fd < 0)
		return 1;
	check(getsockname(fd, (struct sockaddr *)&me, &len) == 0 &&
		      me.svm_family == AF_VSOCK && me.svm_cid > 2 &&
		      me.svm_port != VMADDR_PORT_ANY,
	      "getsockname", "bad local address");
	len = sizeof(peer);
	check(getpeername(fd, (struct sockaddr *)&peer, &len) == 0 &&
		      peer.svm_cid == VMADDR_CID_HOST && peer.svm_port == port,
	      "getpeername", "bad peer address");
	/* Nothing yet: MSG_DONTWAIT says so, SO_RCVTIMEO gives up. */
	check(recv(fd, buf, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	      "MSG_DONTWAIT", "not EAGAIN");
	struct timeval tv = { 0, 200000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	check(recv(fd, buf, 1, 0) == -1 && errno == EAGAIN, "SO_RCVTIMEO",
	      "not EAGAIN");
	tv.tv_sec = 60;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* Ask the host for its greeting; wait with select, then epoll. */
	send_all(fd, "go\n", 3);
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	struct timeval wait = { 30, 0 };

	check(select(fd + 1, &rd, NULL, NULL, &wait) == 1, "select readable",
	      "select");
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, out;

	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	check(epoll_wait(ep, &out, 1, 30000) == 1, "epoll readable", "epoll");
	close(ep);
	/* "hello, peek" arrives; peeking leaves it. */
	check(recv(fd, buf, 5, MSG_PEEK) == 5 && memcmp(buf, "hello", 5) == 0,
	      "MSG_PEEK", "wrong bytes");
	memset(buf, 0, sizeof(buf));
	check(recv(fd, buf, 11, MSG_WAITALL) == 11 &&
		      memcmp(buf, "hello, peek", 11) == 0,
	      "MSG_WAITALL after MSG_PEEK", "wrong bytes");
	/* We stop sending; the host answers what it got, then ends. */
	send_all(fd, "bytes after go", 14);
	check(shutdown(fd, SHUT_WR) == 0, "shutdown(SHUT_WR)", "shutdown");
	check(send(fd, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE,
	      "send after SHUT_WR", "not EPIPE");
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_WAITALL);

	check(n == 17 && memcmp(buf, "got 14 bytes, bye", 17) == 0,
	      "the host read to our end", "wrong answer");
	check(recv(fd, buf, sizeof(buf), 0) == 0, "end of file after the host's",
	      "no end of file");
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };

	check(poll(&p, 1, 1000) == 1 && (p.revents & POLLRDHUP),
	      "POLLRDHUP", "not reported");
	close(fd);
	printf("vsock: peek and half-close done\n");
	return failures ? 1 : 0;
}

static int run_dead(unsigned port)
{
	char buf[4096];
	struct timeval tv = { 120, 0 };
	int fd = connect_host(port, 30000);
	ssize_t n;

	check(fd >= 0, "dead: connects", "connect");
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf), 0);
	check(n > 0, "dead: first bytes", "recv");
	printf("vsock: receiving\n");
	fflush(stdout);
	long long start = now_ms();

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		;
	int err = errno;

	check(n < 0 && (err == ECONNRESET || err == EIO),
	      "dead: the receive fails", "it did not fail as it should");
	printf("vsock: dead host: %s after %lld ms\n",
	       n == 0 ? "end of file" : strerror(err), now_ms() - start);
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && strcmp(argv[1], "echo") == 0)
		return run_echo((unsigned)atoi(argv[2]), atoi(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "send") == 0)
		return run_send((unsigned)atoi(argv[2]),
				(size_t)atoll(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "refused") == 0)
		return run_refused((unsigned)atoi(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "peek") == 0)
		return run_peek((unsigned)atoi(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "stall") == 0)
		return run_stall((unsigned)atoi(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "dead") == 0)
		return run_dead((unsigned)atoi(argv[2]));
	fprintf(stderr, "usage: test_vsock echo PORT N | send PORT BYTES | "
		"refused PORT | peek PORT | stall PORT | dead PORT\n");
	return 2;
}
