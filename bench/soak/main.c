// SPDX-License-Identifier: MIT
/*
 * The guest of bench/soak.py's long runs besides the web server:
 *
 *   soakguest echo PORT          TCP echo server, a thread per connection,
 *                                forever (the host sends 16 MiB at a time)
 *   soakguest churn DIR N        N rounds of create, write, read back and
 *                                check, unlink, in DIR; prints a line
 *                                every 1000 rounds and exits 0, or 1 at
 *                                the first wrong byte or failed call
 *
 * Memory is read from outside (gdb's toro-mem), so these loops do only
 * their work.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ECHO_BUF	(64 * 1024)
#define CHURN_MAX	(64 * 1024)

static int fail(const char *what)
{
	printf("soakguest: FAIL %s: %s\n", what, strerror(errno));
	return 1;
}

static void *echo_conn(void *arg)
{
	int fd = (int)(long)arg;
	char *buf = malloc(ECHO_BUF);

	while (buf) {
		ssize_t n = recv(fd, buf, ECHO_BUF, 0), off = 0;

		if (n <= 0)
			break;
		while (off < n) {
			ssize_t w = send(fd, buf + off, (size_t)(n - off), 0);

			if (w <= 0)
				goto out;
			off += w;
		}
	}
out:
	free(buf);
	close(fd);
	return NULL;
}

static int echo(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		return fail("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 16))
		return fail("bind/listen");
	printf("soakguest: echo on port %d\n", port);
	fflush(stdout);
	for (;;) {
		pthread_t t;
		int fd = accept(s, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return fail("accept");
		}
		if (pthread_create(&t, NULL, echo_conn, (void *)(long)fd)) {
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
}

/* The byte at (i) of round (r): every round's file differs. */
static unsigned char pattern(unsigned long r, size_t i)
{
	return (unsigned char)(r * 131 + i * 7 + (i >> 9));
}

static int churn_round(const char *dir, unsigned long r, unsigned char *w,
		       unsigned char *rd)
{
	char path[256];
	size_t len = 1 + (r * 2654435761u) % CHURN_MAX;
	int fd;

	snprintf(path, sizeof(path), "%s/churn-%lu", dir, r % 64);
	for (size_t i = 0; i < len; i++)
		w[i] = pattern(r, i);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		return fail("create");
	if (write(fd, w, len) != (ssize_t)len || close(fd))
		return fail("write");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open for reading");
	ssize_t n = read(fd, rd, CHURN_MAX + 1);

	close(fd);
	if (n != (ssize_t)len || memcmp(w, rd, len)) {
		printf("soakguest: FAIL round %lu: read %zd of %zu bytes, "
		       "%s\n", r, n, len, n == (ssize_t)len ? "differ" : "");
		return 1;
	}
	if (unlink(path))
		return fail("unlink");
	return 0;
}

static int churn(const char *dir, unsigned long rounds)
{
	unsigned char *w = malloc(CHURN_MAX), *rd = malloc(CHURN_MAX + 1);

	if (!w || !rd)
		return fail("malloc");
	for (unsigned long r = 0; r < rounds; r++) {
		if (churn_round(dir, r, w, rd))
			return 1;
		if ((r + 1) % 1000 == 0) {
			printf("soakguest: churn %lu\n", r + 1);
			fflush(stdout);
		}
	}
	printf("soakguest: churn done, %lu rounds\n", rounds);
	free(w);
	free(rd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "echo") == 0)
		return echo(atoi(argv[2]));
	if (argc == 4 && strcmp(argv[1], "churn") == 0)
		return churn(argv[2], strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: soakguest echo PORT | churn DIR ROUNDS\n");
	return 2;
}
