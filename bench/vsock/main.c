// SPDX-License-Identifier: MIT
/*
 * The Toro guest of bench/vsock.sh: one bulk transfer between the guest
 * and the host, over AF_VSOCK or over TCP, so that the two transports are
 * measured with the same program. The bytes are those of the Linux
 * guest's bench/linux/vsock_tool.c (a 65521-byte LCG block repeated), so
 * the host checks and times both guests with the same code.
 *
 *   vsockbench recv vsock:PORT          listen on vsock PORT
 *   vsockbench recv tcp:PORT            listen on TCP PORT
 *   vsockbench sink vsock:PORT|tcp:PORT recv without checking the bytes
 *   vsockbench send vsock:CID:PORT N    connect to vsock CID:PORT
 *   vsockbench send tcp:ADDR:PORT N     connect to TCP ADDR:PORT
 *
 * recv accepts one connection, reads it to EOF checking the bytes, prints
 * "vsock: recv N bytes in S s, X MiB/s, pattern ok" (or "pattern BAD
 * near OFFSET") and closes it; sink does the same without the check, so
 * that the guest's CPU (emulated, under TCG) goes to the transfer alone.
 * send connects (retrying refusals for a while: the host may not listen
 * yet), writes N bytes, shuts its sending side, reads to EOF (the host's
 * close says it has everything) and prints
 * "vsock: send N bytes in ...". Errors print "vsock: error WHAT: ERRNO".
 * The host takes its own time; the guest's is only a cross-check.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BLOCK	   65521	/* vsock_tool.c's pattern period */
#define CHUNK	   (256 * 1024) /* bytes per read() or write() */
#define PATIENCE_S 60		/* how long send retries refusals */

static unsigned char pattern[2 * BLOCK];
static char buf[CHUNK];

union addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_vm vm;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	printf("vsock: error %s: %s\n", what, strerror(errno));
	return 1;
}

static void report(const char *what, unsigned long long n, double t0,
		   const char *extra)
{
	double s = now() - t0;

	printf("vsock: %s %llu bytes in %.3f s, %.1f MiB/s%s\n", what, n, s,
	       s > 0 ? n / s / 1048576 : 0.0, extra);
}

/* "vsock:[CID:]PORT" or "tcp:[ADDR:]PORT" into (a); its length, or 0 if
 * (spec) says neither. ADDR may be IPv6 (it holds colons); without one,
 * [::], which takes IPv4 too. */
static socklen_t parse(const char *spec, union addr *a)
{
	const char *rest = strchr(spec, ':');
	const char *last = strrchr(spec, ':');
	char host[64] = "";

	if (!rest)
		return 0;
	if (last != rest) {
		size_t n = (size_t)(last - rest - 1);

		if (n >= sizeof(host))
			return 0;
		memcpy(host, rest + 1, n);
		host[n] = '\0';
	}
	memset(a, 0, sizeof(*a));
	if (!strncmp(spec, "vsock:", 6)) {
		a->vm.svm_family = AF_VSOCK;
		a->vm.svm_cid =
			host[0] ? strtoul(host, NULL, 0) : VMADDR_CID_ANY;
		a->vm.svm_port = strtoul(last + 1, NULL, 0);
		return sizeof(a->vm);
	}
	if (!strncmp(spec, "tcp:", 4) && (!host[0] || strchr(host, ':'))) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons((unsigned short)atoi(last + 1));
		if (host[0] &&
		    inet_pton(AF_INET6, host, &a->in6.sin6_addr) != 1)
			return 0;
		return sizeof(a->in6);
	}
	if (!strncmp(spec, "tcp:", 4)) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons((unsigned short)atoi(last + 1));
		a->in.sin_addr.s_addr = htonl(INADDR_ANY);
		if (host[0] && inet_pton(AF_INET, host, &a->in.sin_addr) != 1)
			return 0;
		return sizeof(a->in);
	}
	return 0;
}

static int do_recv(const union addr *a, socklen_t len, bool check)
{
	unsigned long long n = 0, bad = ~0ull;
	int one = 1, fd, c;
	char extra[64] = ", pattern ok";

	if (!check)
		strcpy(extra, ", not checked");
	double t0;
	ssize_t r;

	fd = socket(a->sa.sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &a->sa, len) || listen(fd, 8))
		return fail("bind/listen");
	printf("vsock: listening\n");
	c = accept(fd, NULL, NULL);
	if (c < 0)
		return fail("accept");
	t0 = now();
	while ((r = read(c, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail("read");
		for (ssize_t i = 0; check && i < r && bad == ~0ull;
		     i += BLOCK) {
			size_t off = (n + i) % BLOCK;
			size_t k = r - i < BLOCK ? r - i : BLOCK;

			if (memcmp(buf + i, pattern + off, k))
				bad = n + i;
		}
		n += r;
	}
	if (bad != ~0ull)
		snprintf(extra, sizeof(extra), ", pattern BAD near %llu", bad);
	report("recv", n, t0, extra);
	close(c);
	close(fd);
	return bad != ~0ull;
}

/* A connection to (a); refusals are retried: the host may be about to
 * listen. */
static int connect_to(const union addr *a, socklen_t len)
{
	double until = now() + PATIENCE_S;

	for (;;) {
		int fd = socket(a->sa.sa_family, SOCK_STREAM, 0);
		int err;

		if (fd < 0)
			return -1;
		if (connect(fd, &a->sa, len) == 0)
			return fd;
		err = errno;
		close(fd);
		errno = err;
		if ((err != ECONNRESET && err != ECONNREFUSED) || now() > until)
			return -1;
		usleep(100000);
	}
}

static int do_send(const union addr *a, socklen_t len, unsigned long long total)
{
	unsigned long long n = 0, back = 0;
	char extra[48];
	double t0;
	ssize_t r;
	int fd = connect_to(a, len);

	if (fd < 0)
		return fail("connect");
	if (a->sa.sa_family == AF_INET) {
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	t0 = now();
	while (n < total) {
		/* CHUNK bytes of the pattern from offset n % BLOCK */
		size_t want = total - n < CHUNK ? total - n : CHUNK;
		size_t off = n % BLOCK;

		for (size_t i = 0; i < want; i += BLOCK) {
			size_t k = want - i < BLOCK ? want - i : BLOCK;

			memcpy(buf + i, pattern + (off + i) % BLOCK, k);
		}
		for (size_t done = 0; done < want;) {
			ssize_t w = write(fd, buf + done, want - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return fail("write");
			done += (size_t)w;
		}
		n += want;
	}
	if (shutdown(fd, SHUT_WR))
		return fail("shutdown");
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		back += (unsigned long long)r;
	if (r < 0)
		return fail("read after shutdown");
	snprintf(extra, sizeof(extra), ", %llu bytes back", back);
	report("send", n, t0, extra);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int x = 12345;
	union addr a;
	socklen_t len = argc >= 3 ? parse(argv[2], &a) : 0;
	int rc = 2;

	for (int i = 0; i < BLOCK; i++) {
		x = x * 1103515245 + 12345;
		pattern[i] = pattern[i + BLOCK] = x >> 16;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (len && argc == 3 && !strcmp(argv[1], "recv"))
		rc = do_recv(&a, len, true);
	else if (len && argc == 3 && !strcmp(argv[1], "sink"))
		rc = do_recv(&a, len, false);
	else if (len && argc == 4 && !strcmp(argv[1], "send"))
		rc = do_send(&a, len, strtoull(argv[3], NULL, 0));
	else
		fprintf(stderr,
			"usage: vsockbench recv|sink vsock:PORT|tcp:PORT "
			"| send vsock:CID:PORT|tcp:ADDR:PORT BYTES\n");
	printf("vsock: exit %d\n", rc);
	/* Let the last segments (our close) leave before the VM stops. */
	sleep(1);
	return rc;
}
