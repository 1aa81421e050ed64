// SPDX-License-Identifier: MIT
/* Cancellation of threads blocked in I/O system calls: read on an empty
 * pipe, poll, accept on a loopback socket, connect-less recv on a
 * socketpair. Kept apart from cancel.c: it needs pipes and sockets. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static sem_t ready;
static int fd;

static void say(void *what)
{
	printf("  cleanup: %s\n", (const char *)what);
}

static void *in_read(void *arg)
{
	char b;

	pthread_cleanup_push(say, arg);
	sem_post(&ready);
	if (*(const char *)arg == 'r')
		read(fd, &b, 1);
	else if (*(const char *)arg == 'p') {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		poll(&p, 1, -1);
	} else if (*(const char *)arg == 'a')
		accept(fd, NULL, NULL);
	else
		recv(fd, &b, 1, 0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel(const char *what)
{
	pthread_t t;
	void *r;

	CHECK(pthread_create(&t, NULL, in_read, (void *)what) == 0);
	CHECK(sem_wait(&ready) == 0);
	usleep(20000);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &r) == 0);
	printf("%s: %s\n", what,
	       r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "a value");
}

int test_cancel_io(void)
{
	int p[2];

	sem_init(&ready, 0, 0);
	CHECK_OK(pipe(p));
	fd = p[0];
	cancel("read on a pipe");
	cancel("poll on a pipe");
	close(p[0]);
	close(p[1]);
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fd = sv[0];
	cancel("recv on a socketpair");
	close(sv[0]);
	close(sv[1]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(listen(fd, 1));
	cancel("accept on loopback");
	close(fd);
	return 0;
}
