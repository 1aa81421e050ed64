// SPDX-License-Identifier: MIT
/*
 * toro-vsock: a vhost-user backend for QEMU's vhost-user-vsock devices.
 *
 *   toro-vsock (--vhost-user SOCK | --vhost-user-fd N) [--uds-path PATH]
 *              [--guest-cid N] [--forward HOST:GUEST]...
 *
 * One thread and one epoll loop: the vhost-user socket, the rings' kick
 * eventfds and every host socket. After each batch of events whatever is
 * owed to the guest goes out in one pass over the rx ring, so the guest
 * gets one interrupt per batch, not one per packet. Silent unless
 * something is wrong; runs until SIGTERM (or its parent dies).
 *
 * Debugging: TORO_VSOCK_DEBUG=1 logs each connection's control packets,
 * 2 every packet, 3 also each interrupt decision; SIGUSR2 prints the
 * rings' indices and every connection's state (who waits for what).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "vsock.h"

int vsock_epfd = -1;
int vsock_debug;
static volatile sig_atomic_t stop, dump;

uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000ull + t.tv_nsec / 1000000;
}

/* A warning, at most 20 a second: a broken guest must not flood the log. */
void warnx_rl(const char *fmt, ...)
{
	static uint64_t second;
	static unsigned int count;
	uint64_t now = now_ms() / 1000;
	if (now != second) {
		second = now;
		count = 0;
	}
	if (++count > 20)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("toro-vsock: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void vsock_trace(const char *dir, const struct vsock_hdr *h)
{
	/* 1: connections' lives; 2: every packet */
	if (vsock_debug < 2 &&
	    (h->op == VSOCK_OP_RW || h->op == VSOCK_OP_CREDIT_UPDATE ||
	     h->op == VSOCK_OP_CREDIT_REQUEST))
		return;
	fprintf(stderr,
		"toro-vsock: %s op %u %u:%u -> %u:%u len %u flags %u "
		"buf_alloc %u fwd_cnt %u\n",
		dir, h->op, (unsigned int)h->src_cid, h->src_port,
		(unsigned int)h->dst_cid, h->dst_port, h->len, h->flags,
		h->buf_alloc, h->fwd_cnt);
}

int ev_add(struct ev *e, uint32_t events)
{
	struct epoll_event ee = {.events = events, .data.ptr = e};
	if (epoll_ctl(vsock_epfd, EPOLL_CTL_ADD, e->fd, &ee))
		return -errno;
	return 0;
}

void ev_del(struct ev *e)
{
	epoll_ctl(vsock_epfd, EPOLL_CTL_DEL, e->fd, NULL);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR2)
		dump = 1;
	else
		stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: toro-vsock (--vhost-user SOCK | --vhost-user-fd N) "
		"[--uds-path PATH]\n"
		"                  [--guest-cid N] [--forward "
		"HOST:GUEST]...\n");
	exit(2);
}

static void die(const char *what, const char *arg, int err)
{
	fprintf(stderr, "toro-vsock: %s %s: %s\n", what, arg, strerror(err));
	exit(1);
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *uds = NULL;
	int sock_fd = -1;
	char *end;

	/* die with whoever started us (toro run), however it ends */
	pid_t parent = getppid();
	if (getenv("TORO_VSOCK_DEBUG"))
		vsock_debug = atoi(getenv("TORO_VSOCK_DEBUG"));
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 0;

	vsock_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (vsock_epfd < 0)
		die("epoll", "", errno);
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val)
			usage();
		i++;
		if (!strcmp(opt, "--vhost-user")) {
			sock = val;
		} else if (!strcmp(opt, "--vhost-user-fd")) {
			sock_fd = strtol(val, &end, 10);
			if (*end || sock_fd < 0)
				usage();
		} else if (!strcmp(opt, "--uds-path")) {
			uds = val;
		} else if (!strcmp(opt, "--guest-cid")) {
			errno = 0;
			unsigned long long cid = strtoull(val, &end, 10);
			if (*end || errno || cid < 3 || cid >= 0xffffffffull) {
				fprintf(stderr,
					"toro-vsock: --guest-cid %s: "
					"expected 3 to 4294967294\n",
					val);
				exit(2);
			}
			vsock_guest_cid = cid;
		} else if (!strcmp(opt, "--forward")) {
			int rc = forward_add(val);
			if (rc == -EINVAL) {
				fprintf(stderr,
					"toro-vsock: --forward %s: "
					"expected HOST:GUEST\n",
					val);
				exit(2);
			}
			if (rc)
				die("--forward", val, -rc);
		} else {
			usage();
		}
	}
	if (!sock == (sock_fd < 0))
		usage();

	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL); /* a report of the state on stderr */

	int rc = vhost_user_listen(sock, sock_fd);
	if (rc)
		die("vhost-user socket", sock ? sock : "fd", -rc);
	if (uds && (rc = uds_listen(uds)))
		die("--uds-path", uds, -rc);

	while (!stop) {
		struct epoll_event evs[64];
		int n = epoll_wait(vsock_epfd, evs, 64, conn_next_timeout());
		if (dump) {
			dump = 0;
			conn_dump();
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait", "", errno);
		}
		for (int i = 0; i < n; i++) {
			struct ev *e = evs[i].data.ptr;
			switch (e->kind) {
			case EV_VHOST_LISTEN:
				vhost_user_accept();
				break;
			case EV_VHOST:
				vhost_user_readable();
				break;
			case EV_KICK:
				vhost_user_kicked(e);
				break;
			case EV_UDS_LISTEN:
				uds_accept(e);
				break;
			case EV_TCP_LISTEN:
				forward_accept(e);
				break;
			case EV_CONN:
				conn_host_event(e, evs[i].events);
				break;
			case EV_DEAD:
				break;
			}
		}
		conn_timers();
		conn_guest_rx();
		conn_reap();
	}
	if (uds)
		unlink_socket(uds);
	if (sock)
		unlink_socket(sock);
	return 0;
}
