// SPDX-License-Identifier: MIT
/*
 * The smallest honest event-loop web server, for bench/event_loop.py: one
 * thread, non-blocking sockets, and either epoll (level-triggered) or
 * poll(), as argv[1] says; argv[2] is the port (default 80). It answers
 * GET and HEAD for files under / with keep-alive, the body sent with
 * sendfile() straight from the file, anything else with 400 or 404. What
 * it measures is the kernel's event path (readiness, wake-ups, accept,
 * non-blocking reads and sends), not a server's features.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define IN_SIZE 4096

struct conn {
	int fd;			/* -1: free */
	char in[IN_SIZE];
	size_t in_len;
	char head[256];		/* the response's header, being sent */
	size_t head_len, head_sent;
	int file;		/* the body's file, or -1 */
	off_t file_off, file_end;
	bool close_after;
	bool watching_out;	/* what it waits for: to write, else to read */
};

static struct conn conns[MAX_CONNS];
static bool use_epoll;
static int ep;
static struct pollfd pfds[MAX_CONNS + 1];
static int npfds;		/* poll() looks at pfds[0 .. npfds - 1] */

static void watch(int fd, bool out, bool add)
{
	if (use_epoll) {
		struct epoll_event e = { .events = out ? EPOLLOUT : EPOLLIN,
					 .data.fd = fd };

		epoll_ctl(ep, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &e);
	} else {
		pfds[fd].fd = fd;
		pfds[fd].events = out ? POLLOUT : POLLIN;
		if (fd >= npfds)
			npfds = fd + 1;
	}
}

/* Waits for (c) to be writable (out) or readable: one epoll_ctl() when
 * that changes, none per request. */
static void wait_for(struct conn *c, bool out)
{
	if (c->watching_out != out) {
		c->watching_out = out;
		watch(c->fd, out, false);
	}
}

static void drop(struct conn *c)
{
	if (c->file >= 0)
		close(c->file);
	if (!use_epoll)
		pfds[c->fd].fd = -1;
	close(c->fd);	/* epoll forgets it with its last reference */
	c->fd = -1;
}

static void reply(struct conn *c, int status, const char *reason, off_t len,
		  bool keep)
{
	c->head_len = snprintf(c->head, sizeof(c->head),
			       "HTTP/1.1 %d %s\r\nContent-Length: %lld\r\n"
			       "Connection: %s\r\n\r\n", status, reason,
			       (long long)len, keep ? "keep-alive" : "close");
	c->head_sent = 0;
	c->close_after = !keep;
}

/* One whole request in c->in (up to its blank line, at (end)). */
static void start_reply(struct conn *c, size_t end)
{
	struct stat st;
	bool keep;

	c->in[end] = '\0';
	keep = !strstr(c->in, "Connection: close");
	/* The request line: METHOD SP PATH SP VERSION. */
	char *method = c->in, *path = strchr(method, ' '), *stop;

	if (path) {
		*path++ = '\0';
		stop = path + strcspn(path, " \r\n");
		*stop = '\0';
	}
	if (!path || path[0] != '/' ||
	    (strcmp(method, "GET") && strcmp(method, "HEAD")) ||
	    strstr(path, "..")) {
		reply(c, 400, "Bad Request", 0, false);
		return;
	}
	c->file = open(path, O_RDONLY);
	if (c->file < 0 || fstat(c->file, &st) || !S_ISREG(st.st_mode)) {
		if (c->file >= 0)
			close(c->file);
		c->file = -1;
		reply(c, 404, "Not Found", 0, keep);
		return;
	}
	reply(c, 200, "OK", st.st_size, keep);
	c->file_off = 0;
	c->file_end = strcmp(method, "HEAD") ? st.st_size : 0;
}

/* Sends what is pending; false when the connection is done with. */
static bool send_pending(struct conn *c)
{
	while (c->head_sent < c->head_len) {
		ssize_t n = send(c->fd, c->head + c->head_sent,
				 c->head_len - c->head_sent,
				 MSG_NOSIGNAL | (c->file_end ? MSG_MORE : 0));
		if (n < 0)
			return errno == EAGAIN;
		c->head_sent += n;
	}
	while (c->file >= 0 && c->file_off < c->file_end) {
		ssize_t n = sendfile(c->fd, c->file, &c->file_off,
				     c->file_end - c->file_off);
		if (n < 0)
			return errno == EAGAIN;
		if (n == 0)
			return false;
	}
	return true;
}

static bool idle(const struct conn *c)
{
	return c->head_sent == c->head_len &&
	       (c->file < 0 || c->file_off >= c->file_end);
}

/* Ready to read or to write: as much as can be done now. */
static void serve(struct conn *c)
{
	for (;;) {
		if (!send_pending(c)) {
			drop(c);
			return;
		}
		if (!idle(c)) {
			wait_for(c, true);
			return;
		}
		if (c->file >= 0) {
			close(c->file);
			c->file = -1;
		}
		if (c->close_after) {
			drop(c);
			return;
		}
		char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);

		if (end) {	/* a request already in (pipelined) */
			size_t used = end - c->in + 4;

			start_reply(c, end - c->in);
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
			continue;
		}
		if (c->in_len == IN_SIZE - 1) {
			reply(c, 400, "Bad Request", 0, false);
			c->in_len = 0;
			continue;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len,
				 IN_SIZE - 1 - c->in_len, 0);

		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			drop(c);
			return;
		}
		if (n < 0) {
			wait_for(c, false);
			return;
		}
		c->in_len += n;
	}
}

static void accept_all(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);

		if (fd < 0)
			return;
		if (fd >= MAX_CONNS) {
			close(fd);
			continue;
		}
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		conns[fd] = (struct conn){ .fd = fd, .file = -1 };
		watch(fd, false, true);
	}
}

static void run_epoll(int lfd)
{
	struct epoll_event evs[64];

	ep = epoll_create1(0);
	watch(lfd, false, true);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd)
				accept_all(lfd);
			else if (conns[fd].fd == fd)
				serve(&conns[fd]);
		}
	}
}

static void run_poll(int lfd)
{
	for (int i = 0; i <= MAX_CONNS; i++)
		pfds[i].fd = -1;
	watch(lfd, false, true);
	for (;;) {
		if (poll(pfds, npfds, -1) < 0)
			continue;
		for (int fd = 0; fd < npfds; fd++) {
			if (pfds[fd].fd < 0 || !pfds[fd].revents)
				continue;
			if (fd == lfd)
				accept_all(lfd);
			else
				serve(&conns[fd]);
		}
	}
}

int main(int argc, char **argv)
{
	int port = argc > 2 ? atoi(argv[2]) : 80, one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	use_epoll = argc < 2 || strcmp(argv[1], "poll") != 0;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lfd, 128)) {
		perror("event_loop: listen");
		return 1;
	}
	printf("event_loop: serving / on port %d with %s\n", port,
	       use_epoll ? "epoll" : "poll");
	fflush(stdout);
	if (use_epoll)
		run_epoll(lfd);
	else
		run_poll(lfd);
	return 0;
}
