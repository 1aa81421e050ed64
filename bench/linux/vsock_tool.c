// SPDX-License-Identifier: MIT
/*
 * vsock_tool: the guest's end of the vsock checks and benchmarks, for the
 * Linux reference guest (built static with musl-gcc by vsock_guest.sh).
 *
 *   vsock_tool listen PORT ACTION [CONNECTIONS]
 *   vsock_tool connect CID PORT ACTION
 *
 * ACTION is "recv" (read to EOF, check the bytes against the pattern),
 * "send N" (write N bytes of the pattern, shut the sending side, read to
 * EOF), "echo" (write back what comes, until EOF) or "stall" (read
 * nothing for 60 s, then to EOF). listen serves
 * CONNECTIONS connections (default 1), each in its own process, and waits
 * for them all. Each connection prints one line: "vsock: recv N bytes in
 * S s, X MiB/s, pattern ok" and the like, or "vsock: error ..." with
 * errno's name. The pattern is a 65521-byte block of an LCG repeated, so
 * a lost or repeated chunk shows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* <linux/vm_sockets.h>, which musl-gcc's include path lacks */
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#define VMADDR_CID_ANY 0xffffffffu
struct sockaddr_vm {
	unsigned short svm_family;
	unsigned short svm_reserved1;
	unsigned int svm_port;
	unsigned int svm_cid;
	unsigned char svm_flags;
	unsigned char svm_zero[3];
};

#define BLOCK 65521
static unsigned char pattern[2 * BLOCK];
static char buf[1 << 20];

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *what)
{
	printf("vsock: error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static void report(const char *what, unsigned long long n, double t0,
		   const char *extra)
{
	double s = now() - t0;
	printf("vsock: %s %llu bytes in %.3f s, %.1f MiB/s%s\n", what, n, s,
	       s > 0 ? n / s / 1048576 : 0.0, extra);
	fflush(stdout);
}

static int do_recv(int fd)
{
	unsigned long long n = 0, bad = ~0ull;
	double t0 = now();
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail("read");
		if (r == 0)
			break;
		for (ssize_t i = 0; i < r && bad == ~0ull; i++)
			if ((unsigned char)buf[i] != pattern[(n + i) % BLOCK])
				bad = n + i;
		n += r;
	}
	char extra[64] = ", pattern ok";
	if (bad != ~0ull)
		snprintf(extra, sizeof(extra), ", pattern BAD at %llu", bad);
	report("recv", n, t0, extra);
	return bad == ~0ull ? 0 : 1;
}

static int do_send(int fd, unsigned long long total)
{
	unsigned long long n = 0;
	double t0 = now();
	while (n < total) {
		size_t want = total - n < BLOCK ? total - n : BLOCK;
		ssize_t w = write(fd, pattern + n % BLOCK, want);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			fail("write");
		n += w;
	}
	if (shutdown(fd, SHUT_WR))
		fail("shutdown");
	/* the peer's EOF says it has everything */
	ssize_t r;
	unsigned long long back = 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		back += r;
	if (r < 0)
		fail("read after shutdown");
	char extra[48];
	snprintf(extra, sizeof(extra), ", %llu bytes back", back);
	report("send", n, t0, extra);
	return 0;
}

static int do_echo(int fd)
{
	unsigned long long n = 0;
	double t0 = now();
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail("read");
		if (r == 0)
			break;
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(fd, buf + off, r - off);
			if (w < 0)
				fail("write");
			off += w;
		}
		n += r;
	}
	shutdown(fd, SHUT_WR);
	report("echo", n, t0, "");
	return 0;
}

static int act(int fd, char **action)
{
	if (!strcmp(action[0], "recv"))
		return do_recv(fd);
	if (!strcmp(action[0], "send") && action[1])
		return do_send(fd, strtoull(action[1], NULL, 0));
	if (!strcmp(action[0], "echo"))
		return do_echo(fd);
	if (!strcmp(action[0], "stall")) {
		printf("vsock: stalling\n");
		sleep(60);
		return do_recv(fd);
	}
	fprintf(stderr, "vsock_tool: unknown action %s\n", action[0]);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned int x = 12345;
	for (int i = 0; i < BLOCK; i++) {
		x = x * 1103515245 + 12345;
		pattern[i] = pattern[i + BLOCK] = x >> 16;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (fd < 0)
		fail("socket");
	if (argc >= 4 && !strcmp(argv[1], "listen")) {
		struct sockaddr_vm a = {
			.svm_family = AF_VSOCK,
			.svm_cid = VMADDR_CID_ANY,
			.svm_port = strtoul(argv[2], NULL, 0),
		};
		int count = 1;
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    listen(fd, 128))
			fail("bind/listen");
		char **action = argv + 3;
		if (!strcmp(action[0], "send") ? argc >= 6 : argc >= 5)
			count = atoi(argv[argc - 1]);
		printf("vsock: listening on %u\n", a.svm_port);
		int status = 0;
		for (int i = 0; i < count; i++) {
			int c = accept(fd, NULL, NULL);
			if (c < 0)
				fail("accept");
			if (fork() == 0)
				exit(act(c, action));
			close(c);
		}
		int st;
		while (wait(&st) > 0)
			status |= WEXITSTATUS(st);
		return status;
	}
	if (argc >= 5 && !strcmp(argv[1], "connect")) {
		struct sockaddr_vm a = {
			.svm_family = AF_VSOCK,
			.svm_cid = strtoul(argv[2], NULL, 0),
			.svm_port = strtoul(argv[3], NULL, 0),
		};
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			fail("connect");
		return act(fd, argv + 4);
	}
	fprintf(stderr, "usage: vsock_tool listen PORT ACTION [N] | "
			"connect CID PORT ACTION\n");
	return 2;
}
