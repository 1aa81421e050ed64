// SPDX-License-Identifier: MIT
/* Sockets from threads on every CPU: a server thread per CPU, clients
 * on every CPU, all through one descriptor table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <toro/cpu.h>
#include <toro/test.h>
#include <toro/thread.h>

#include "util.h"

struct later {
	int fd;
	unsigned delay_ms;
};

static void *sender(void *arg)
{
	struct later *l = arg;

	thread_sleep_ns(l->delay_ms * 1000000ULL);
	send(l->fd, "z", 1, 0);
	return NULL;
}

/* Sends one byte on (fd) from the last CPU after (delay_ms). */
void send_later(int fd, unsigned delay_ms)
{
	static struct later l;
	struct thread *t;

	l = (struct later){ fd, delay_ms };
	t = thread_create(cpu_count() - 1, 0, sender, &l);
	if (t)
		thread_detach(t);
}

#define ROUNDS 20

static uint16_t echo_port;
static int echo_listener;

/* Serves connections until it reads "bye": echoes what it reads. */
static void *echo_server(void *arg)
{
	(void)arg;
	for (;;) {
		char buf[256];
		ssize_t n;
		int s = accept(echo_listener, NULL, NULL);

		if (s < 0)
			return (void *)(long)errno;
		while ((n = recv(s, buf, sizeof(buf), 0)) > 0)
			if (send(s, buf, (size_t)n, 0) != n)
				break;
		close(s);
		if (n == 0 && buf[0] == 'b')
			break;
	}
	return NULL;
}

static void *echo_client(void *arg)
{
	struct sockaddr_in a = loopback(echo_port);
	long id = (long)arg, bad = 0;

	for (int r = 0; r < ROUNDS; r++) {
		char msg[32], back[32];
		int c = socket(AF_INET, SOCK_STREAM, 0);
		int len = snprintf(msg, sizeof(msg), "cpu %u client %ld round %d",
				   cpu_id(), id, r);

		const char *failed = NULL;

		if (c < 0)
			failed = "socket";
		else if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			failed = "connect";
		else if (send(c, msg, (size_t)len, 0) != len)
			failed = "send";
		else if (recv(c, back, (size_t)len, MSG_WAITALL) != len)
			failed = "recv";
		else if (memcmp(msg, back, (size_t)len))
			failed = "the echo";
		if (failed) {	/* say which, for a failure seen once */
			printf("    %s: check failed: %s (errno %d)\n", msg, failed,
			       errno);
			bad++;
		}
		close(c);
	}
	return (void *)bad;
}

TEST(threads, clients_and_servers_on_every_cpu)
{
	unsigned n = cpu_count(), ns, nc;
	struct thread *servers[8], *clients[8];
	struct sockaddr_in a;
	void *rv;

	if (n > 8)
		n = 8;
	echo_listener = listener(&echo_port);
	ASSERT_GE(echo_listener, 0);
	/* A thread that could not be made fails the test, and what was made
	 * is still ended: a server left in accept() would hold its memory
	 * and CPU through the tests after this one. */
	for (ns = 0; ns < n; ns++)
		if (!(servers[ns] = thread_create(ns, 0, echo_server, NULL)))
			break;
	EXPECT_EQ(ns, n);
	for (nc = 0; nc < n && ns; nc++)
		if (!(clients[nc] = thread_create((nc + 1) % n, 0, echo_client,
						  (void *)(long)nc)))
			break;
	EXPECT_EQ(nc, n);
	for (unsigned i = 0; i < nc; i++) {
		EXPECT_EQ(thread_join(clients[i], &rv), 0);
		EXPECT_EQ((long)rv, 0);
	}
	/* One "bye" connection per server ends it. */
	a = loopback(echo_port);
	for (unsigned i = 0; i < ns; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		EXPECT_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
		EXPECT_EQ(send(c, "b", 1, 0), 1);
		shutdown(c, SHUT_WR);
		char buf[4];
		EXPECT_EQ(recv(c, buf, sizeof(buf), MSG_WAITALL), 1);
		close(c);
	}
	for (unsigned i = 0; i < ns; i++) {
		EXPECT_EQ(thread_join(servers[i], &rv), 0);
		EXPECT_EQ((long)rv, 0);
	}
	close(echo_listener);
}
