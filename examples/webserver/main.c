// SPDX-License-Identifier: MIT
/*
 * A static web server: HTTP/1.1 GET and HEAD with keep-alive, files from
 * a document root, over TCP, AF_VSOCK or both. One accepting worker per
 * CPU and listening socket; each connection gets a thread of its own on
 * its worker's CPU, so a slow or stalled client holds only its own
 * thread.
 *
 *   webserver [--root DIR] [--port N] [--vsock PORT] [--timeout SECONDS]
 *             [--workers N] [--quit-path PATH]
 *
 * Defaults: root "/", TCP port 80 (--port 0: no TCP), no vsock port,
 * timeout 10 s, a worker on every CPU. --vsock PORT serves on that
 * AF_VSOCK port too, where the host reaches it (toro run --vsock-port).
 * --workers N (1 to 4096): workers on N CPUs only, main's first, leaving
 * the others to other work; more than there are CPUs means all.
 * --quit-path is for tests: a GET or HEAD of exactly PATH is answered
 * "bye" and then the server exits with status 0, so a test guest ends by
 * itself.
 *
 * Plain POSIX: the same files build and run on a Linux host
 * (gcc -O2 -pthread -o web examples/webserver/[a-z]*.c).
 */
#define _GNU_SOURCE		/* pthread_attr_setaffinity_np on the host */
#include <errno.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "web.h"

#define LISTEN_BACKLOG	511

struct web_config web_config = {
	.root = "",
	.port = 80,
	.vsock_port = -1,
	.timeout_s = 10,
	.quit_path = NULL,
	.workers = 0,
};

static int usage(void)
{
	fprintf(stderr, "usage: webserver [--root DIR] [--port N] "
		"[--vsock PORT] [--timeout SECONDS] [--workers N] "
		"[--quit-path PATH]\n");
	return 2;
}

/* A whole decimal number in [min, max], or -1. Digits only (no sign, no
 * spaces): strtol() would bring 1.5 KiB of general number scanning into
 * an image that must stay within 256 KiB. */
static long number(const char *s, long min, long max)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v < min ? -1 : v;
}

static int parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return usage();
		i++;
		if (strcmp(opt, "--root") == 0) {
			char *root = strdup(val);
			size_t n = strlen(root);

			/* Kept without its trailing '/': "/" becomes "". */
			while (n && root[n - 1] == '/')
				root[--n] = '\0';
			web_config.root = root;
		} else if (strcmp(opt, "--port") == 0) {
			web_config.port = (int)number(val, 0, 65535);
			if (web_config.port < 0)
				return usage();
		} else if (strcmp(opt, "--vsock") == 0) {
			web_config.vsock_port = number(val, 0, 0xfffffffe);
			if (web_config.vsock_port < 0)
				return usage();
		} else if (strcmp(opt, "--timeout") == 0) {
			web_config.timeout_s = (int)number(val, 1, 3600);
			if (web_config.timeout_s < 0)
				return usage();
		} else if (strcmp(opt, "--workers") == 0) {
			web_config.workers = number(val, 1, 4096);
			if (web_config.workers < 0)
				return usage();
		} else if (strcmp(opt, "--quit-path") == 0 && val[0] == '/') {
			web_config.quit_path = val;
		} else {
			return usage();
		}
	}
	return 0;
}

/* A listening socket of (family) at (addr), or -1 with a message about
 * (what). */
static int listen_on(int family, const void *addr, socklen_t len,
		     const char *what)
{
	int one = 1;
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* nginx's backlog, not SOMAXCONN's 128: hundreds of clients that
	 * connect at once would have their SYNs past the backlog ignored,
	 * and try again only a second later (the kernel takes 255). */
	if (fd < 0 || bind(fd, addr, len) < 0 ||
	    listen(fd, LISTEN_BACKLOG) < 0) {
		fprintf(stderr, "webserver: %s: %s\n", what, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* On [::], which takes IPv4 clients too; on 0.0.0.0 when the program is
 * linked with Toro's IPv4-only stack (no AF_INET6 sockets). The two
 * addresses have their family and port in the same place. */
static int listen_tcp(int port)
{
	union {
		struct sockaddr_in6 in6;
		struct sockaddr_in in;
	} addr = { .in6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons((unsigned short)port),
	} };
	socklen_t len = sizeof(addr.in6);
	char what[32];
	int probe = socket(AF_INET6, SOCK_STREAM, 0);

	if (probe < 0) {
		addr.in.sin_family = AF_INET;
		len = sizeof(addr.in);
	}
	close(probe);
	snprintf(what, sizeof(what), "port %d", port);
	return listen_on(addr.in.sin_family, &addr, len, what);
}

static int listen_vsock(long port)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_ANY,
		.svm_port = (unsigned)port,
	};
	char what[32];

	snprintf(what, sizeof(what), "vsock port %ld", port);
	return listen_on(AF_VSOCK, &addr, sizeof(addr), what);
}

static void *worker(void *arg)
{
	int lfd = (int)(long)arg;

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd >= 0) {
			web_conn_start(fd);
		} else if (errno == EMFILE || errno == ENFILE ||
			   errno == ENOMEM || errno == ENOBUFS) {
			usleep(10000);	/* let connections end first */
		} else if (errno != EINTR && errno != ECONNABORTED &&
			   errno != EAGAIN) {
			perror("webserver: accept");
			usleep(10000);
		}
	}
	return NULL;
}

/* The CPUs this program may run on: all of the machine's on Toro.
 * (sysconf() would say the same at the cost of its whole table.) */
static long online_cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) ? 1 : CPU_COUNT(&set);
}

/* A worker on CPU (cpu); main's thread is the worker of its own CPU. */
static int start_worker(int cpu, int lfd)
{
	pthread_attr_t attr;
	pthread_t t;
	cpu_set_t set;
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	rc = pthread_create(&t, &attr, worker, (void *)(long)lfd);
	pthread_attr_destroy(&attr);
	return rc;
}

/* Workers for (lfd) on every CPU, or on --workers of them: main's CPU
 * first if (skip_here) (main's thread is its worker), then the lowest
 * others (on Toro main runs on CPU 0); says so. */
static void serve(int lfd, const char *where, int here, long ncpus,
		  bool skip_here)
{
	long most = web_config.workers ? web_config.workers : ncpus;
	int workers = skip_here;

	for (int cpu = 0; cpu < ncpus && workers < most; cpu++) {
		if (cpu == here && skip_here)
			continue;
		if (start_worker(cpu, lfd) == 0)
			workers++;
	}
	printf("webserver: serving %s on %s (%d workers)\n",
	       web_config.root[0] ? web_config.root : "/", where, workers);
}

int main(int argc, char **argv)
{
	long ncpus = online_cpus();
	int here = sched_getcpu(), tcp = -1, vsock = -1;
	char where[40];

	if (parse_args(argc, argv))
		return 2;
	if (!web_config.port && web_config.vsock_port < 0) {
		fprintf(stderr, "webserver: --port 0 and no --vsock: nothing "
			"to serve on\n");
		return 2;
	}
	/* A client gone mid-answer is an error of that connection's send
	 * or sendfile(), not a SIGPIPE that ends the server. */
	signal(SIGPIPE, SIG_IGN);
	if (web_config.port) {
		tcp = listen_tcp(web_config.port);
		if (tcp < 0)
			return 1;
	}
	if (web_config.vsock_port >= 0) {
		vsock = listen_vsock(web_config.vsock_port);
		if (vsock < 0)
			return 1;
	}
	if (ncpus < 1)
		ncpus = 1;
	/* main's thread works for TCP if there is TCP, else for vsock. */
	if (vsock >= 0) {
		snprintf(where, sizeof(where), "vsock port %ld",
			 web_config.vsock_port);
		serve(vsock, where, here, ncpus, tcp < 0);
	}
	if (tcp >= 0) {
		snprintf(where, sizeof(where), "port %d", web_config.port);
		serve(tcp, where, here, ncpus, true);
	}
	fflush(stdout);
	worker((void *)(long)(tcp >= 0 ? tcp : vsock));
	return 0;
}
