// SPDX-License-Identifier: MIT
/*
 * One connection, in a thread of its own: read a request head, answer it,
 * and go on while the client keeps the connection alive. What a waiting
 * connection holds is small, so that ten thousand of them fit in 512 MiB:
 * a 16 KiB stack, struct conn and its head buffer.
 * An answer the open-file cache holds whole goes as it is; any other's
 * head (and small body) is put together in a buffer allocated for that
 * answer alone; file bytes go by sendfile(), so a 64 MiB file costs what
 * a 1 KiB one does.
 *
 * Timeouts: the socket's SO_RCVTIMEO and SO_SNDTIMEO are the configured
 * timeout, and a request head must also be complete within it counted from
 * the first of its bytes, so a client trickling a byte now and then is cut
 * off too (after at most twice the timeout). An idle keep-alive connection
 * is closed quietly, a stalled partial request gets a 408.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "web.h"

#define CONN_STACK	(16 * 1024)
#define LINGER_BYTES	(256 * 1024)	/* read at most this before closing */
#define LINGER_S	2
/* A reply's head takes at most WEB_REPLY_HEAD_MAX bytes, and a file of
 * at most WEB_BODY_INLINE goes right after it in the same buffer
 * (send_file): on the heap (a connection's stack is 16 KiB), small enough
 * for the heap's size classes, so no request takes whole pages. */
#define REPLY_OUT	(WEB_REPLY_HEAD_MAX + WEB_BODY_INLINE)
_Static_assert(REPLY_OUT <= 3584, "a reply's buffer fits a small block");

struct conn {
	int fd;
	size_t have;			/* bytes in head[] */
	char *head;			/* WEB_HEAD_MAX bytes: an allocation
					 * of its own, whole pages */
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void set_timeouts(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Closing with unread request bytes makes TCP send a reset, which can
 * destroy the response before the client reads it (a 413 to a huge
 * header, say). So: send FIN, read and drop what still comes for a
 * while (into the head buffer, done with), then close.
 */
static void linger_close(struct conn *c)
{
	size_t total = 0;

	shutdown(c->fd, SHUT_WR);
	set_timeouts(c->fd, LINGER_S);
	while (total < LINGER_BYTES) {
		ssize_t n = recv(c->fd, c->head, WEB_HEAD_MAX, 0);

		if (n <= 0)
			break;
		total += (size_t)n;
	}
	close(c->fd);
}

/* Empty lines before a request line are allowed (RFC 9112 section 2.2). */
static void skip_empty_lines(struct conn *c)
{
	size_t skip = 0;

	while (skip + 1 < c->have && c->head[skip] == '\r' &&
	       c->head[skip + 1] == '\n')
		skip += 2;
	if (skip) {
		memmove(c->head, c->head + skip, c->have - skip);
		c->have -= skip;
	}
}

/*
 * Reads until c->head holds a whole request head; its length goes to
 * (*hlen). Returns 0, -1 to close quietly (client gone or idle too long),
 * or the error status to answer before closing.
 */
static int read_head(struct conn *c, size_t *hlen)
{
	/* Set once part of a head is in: a head that comes whole (most)
	 * reads no clock. */
	time_t deadline = 0;

	for (;;) {
		skip_empty_lines(c);
		long end = web_head_end(c->head, c->have);

		if (end < 0)
			return 400;
		if (end > 0) {
			*hlen = (size_t)end;
			return 0;
		}
		/* No line end yet: all of it is the request line. */
		if (c->have > WEB_URI_MAX + 64 &&
		    !memchr(c->head, '\n', c->have))
			return 414;
		if (c->have == WEB_HEAD_MAX)
			return 413;
		if (c->have && !deadline)
			deadline = now_s() + web_config.timeout_s;
		else if (c->have && now_s() >= deadline)
			return 408;

		ssize_t n = recv(c->fd, c->head + c->have,
				 WEB_HEAD_MAX - c->have, 0);

		if (n > 0) {
			c->have += (size_t)n;
		} else if (n == 0) {
			return c->have ? 400 : -1;	/* EOF mid-request */
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return c->have ? 408 : -1;	/* SO_RCVTIMEO */
		} else if (errno != EINTR) {
			return -1;
		}
	}
}

/* Reads and drops (len) body bytes, the first of which may already be in
 * c->head after the head; returns how many of c->head they used, or -1. */
static long drop_body(struct conn *c, size_t hlen, long long len)
{
	size_t in_head = c->have - hlen;
	size_t take = (long long)in_head < len ? in_head : (size_t)len;
	char sink[1024];

	len -= (long long)take;
	while (len > 0) {
		size_t want = len < (long long)sizeof(sink) ? (size_t)len
							   : sizeof(sink);
		ssize_t n = recv(c->fd, sink, want, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		len -= n;
	}
	return (long)take;
}

/* Puts all of (f), of at most WEB_BODY_INLINE bytes, at (to): from the
 * open-file cache's answer, after its head, else read in. Whether it
 * could. */
static int small_body(const struct web_file *f, char *to)
{
	if (f->reply) {
		memcpy(to, f->reply + f->reply_head, (size_t)f->size);
		return 1;
	}
	return read(f->fd, to, (size_t)f->size) == f->size;
}

/* The head, then the file by sendfile(): from the initrd its bytes are
 * copied once, into TCP's buffers. The head goes with MSG_MORE, so TCP
 * sends it with the first bytes of the body: a small page is one
 * segment. A file of at most WEB_BODY_INLINE bytes is read in after the
 * head instead and sent with it in one call: copied twice, but each call
 * through TCP costs more than copying a few hundred bytes (over a tap, 2
 * CPUs, a 612-byte page: 7%, 9% and 3% more requests/s at 8, 64 and 512
 * connections). (out) holds REPLY_OUT bytes. */
static int send_built(struct conn *c, const struct web_file *f, char *out,
		      int keep_alive, int head_only)
{
	off_t off = 0;
	int h = web_format_head(out, WEB_REPLY_HEAD_MAX, 200, f->ctype,
				f->size, keep_alive, "");

	if (h < 0)
		return -1;
	if (!head_only && f->size <= WEB_BODY_INLINE &&
	    small_body(f, out + h))
		return web_send_all(c->fd, out, (size_t)h + (size_t)f->size,
				    0);
	if (web_send_all(c->fd, out, (size_t)h,
			 head_only || !f->size ? 0 : MSG_MORE))
		return -1;
	while (!head_only && off < f->size) {
		ssize_t n = sendfile(c->fd, f->fd, &off,
				     (size_t)(f->size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;	/* gone, too slow, or the file shrank:
					 * the length we sent is a lie */
	}
	return 0;
}

/* Answers with (f): the open-file cache's whole answer to a keep-alive
 * request as it is, else one put together for this request. */
static int send_file(struct conn *c, const struct web_file *f,
		     int keep_alive, int head_only)
{
	if (f->reply && keep_alive)
		return web_send_all(c->fd, f->reply, f->reply_head +
				    (head_only ? 0 : (size_t)f->size), 0);

	char *out = malloc(REPLY_OUT);
	int rc;

	if (!out) {
		/* Out of memory: say so, and close. */
		web_send_error(c->fd, 503, 0, 0, "");
		return -1;
	}
	rc = send_built(c, f, out, keep_alive, head_only);
	free(out);
	return rc;
}

/* Test-only (--quit-path): answer, let the client read it, exit(0). */
static void quit(struct conn *c)
{
	static const char bye[] = "bye\n";
	char buf[256];
	int h = web_format_head(buf, sizeof(buf), 200, "text/plain",
				sizeof(bye) - 1, 0, "");

	memcpy(buf + h, bye, sizeof(bye) - 1);
	web_send_all(c->fd, buf, (size_t)h + sizeof(bye) - 1, 0);
	linger_close(c);
	printf("webserver: %s requested, exiting\n", web_config.quit_path);
	fflush(stdout);
	exit(0);
}

/* Answers one parsed request; 0 to go on, -1 to close. */
static int respond(struct conn *c, struct web_request *req, int keep)
{
	int head_only = req->method == WEB_HEAD;
	struct web_file f;
	int status, rc;

	if (req->method == WEB_OTHER)
		return web_send_error(c->fd, 405, keep, 0,
				      "Allow: GET, HEAD\r\n");
	if (web_config.quit_path && strcmp(req->target,
					   web_config.quit_path) == 0)
		quit(c);
	status = web_file_open(req->target, &f);
	if (status == 301) {
		rc = web_send_error(c->fd, 301, keep, head_only, f.location);
		free(f.location);
		return rc;
	}
	if (status != 200)
		return web_send_error(c->fd, status, keep, head_only, "");
	rc = send_file(c, &f, keep, head_only);
	if (!f.cached)
		close(f.fd);
	return rc;
}

/* The keep-alive loop. Returns 1 when the connection should be closed
 * gracefully (after a response), 0 when it can just be closed. */
static int serve(struct conn *c)
{
	for (;;) {
		struct web_request req;
		size_t hlen;
		long used;
		int status = read_head(c, &hlen);

		if (status < 0)
			return 0;
		if (status == 0)
			status = web_parse(c->head, hlen, &req);
		if (status == 0 && req.chunked)
			status = 501;	/* no request bodies in pieces */
		if (status == 0 && req.body_len > WEB_BODY_MAX)
			status = 413;
		if (status) {
			web_send_error(c->fd, status, 0, 0, "");
			return 1;
		}
		used = drop_body(c, hlen, req.body_len);
		if (used < 0)
			return 0;
		if (respond(c, &req, req.keep_alive))
			return 0;
		if (!req.keep_alive)
			return 1;
		used += (long)hlen;
		memmove(c->head, c->head + used, c->have - (size_t)used);
		c->have -= (size_t)used;
	}
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;

	if (serve(c))
		linger_close(c);
	else
		close(c->fd);
	free(c->head);
	free(c);
	return NULL;
}

void web_conn_start(int fd)
{
	struct conn *c = malloc(sizeof(*c));
	pthread_attr_t attr;
	pthread_t t;
	int one = 1, rc = -1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_timeouts(fd, web_config.timeout_s);
	if (c && !(c->head = malloc(WEB_HEAD_MAX))) {
		free(c);
		c = NULL;
	}
	if (c) {
		c->fd = fd;
		c->have = 0;
		/* Default attributes put the thread on this CPU: each
		 * worker's connections stay on the worker's CPU. */
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, CONN_STACK);
		rc = pthread_create(&t, &attr, conn_main, c);
		pthread_attr_destroy(&attr);
	}
	if (rc) {
		/* Out of memory: say so rather than drop the client. */
		web_send_error(fd, 503, 0, 0, "");
		close(fd);
		if (c)
			free(c->head);
		free(c);
	}
}
