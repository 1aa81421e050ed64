// SPDX-License-Identifier: MIT
/*
 * The ceiling of bench/http.sh: the least a Toro guest can do to answer
 * HTTP, so that the web server's figures read as a fraction of what the
 * VMM path allows. lwIP's raw API in its own callbacks (no sockets, no
 * threads, no files per request): each request head is answered with a
 * fixed response from memory, the body handed to TCP without a copy.
 *
 *   ceiling FILE...
 *
 * Each FILE (from the initrd, read once at start) is served at
 * /BASENAME; any other path gets the first. "Connection: close" in a
 * request closes the connection after its answer, as the web server does.
 */
#define _GNU_SOURCE	/* memmem */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#define MAX_FILES	8
#define HEAD_MAX	1024	/* a request head longer than this: closed */

struct file {
	const char *path;	/* "/name" */
	char *data;
	size_t size;
	char head[2][160];	/* response heads: [0] keep-alive, [1] close */
};

struct conn {
	char req[HEAD_MAX];
	size_t have;
	const char *body;	/* what is left to send of the answer */
	size_t left;
	bool close_after;
};

static struct file files[MAX_FILES];
static int nfiles;

/* The network stack starts with the kernel (net/netif.c); referring to
 * it links it in. */
void net_start_stack(void);

static int load(const char *name)
{
	struct file *f = &files[nfiles];
	const char *base = strrchr(name, '/');
	struct stat st;
	int fd = open(name, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(name);
		return -1;
	}
	f->size = (size_t)st.st_size;
	f->data = malloc(f->size ? f->size : 1);
	if (!f->data || read(fd, f->data, f->size) != (ssize_t)f->size) {
		fprintf(stderr, "ceiling: cannot read %s\n", name);
		return -1;
	}
	close(fd);
	f->path = base ? base : name;
	for (int c = 0; c < 2; c++)
		snprintf(f->head[c], sizeof(f->head[c]),
			 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
			 "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
			 f->size, c ? "close" : "keep-alive");
	nfiles++;
	return 0;
}

static const struct file *lookup(const char *req, size_t len)
{
	const char *sp = memchr(req, ' ', len);

	for (int i = 0; sp && i < nfiles; i++) {
		size_t n = strlen(files[i].path);

		if ((size_t)(req + len - sp) > n + 1 &&
		    memcmp(sp + 1, files[i].path, n) == 0 && sp[1 + n] == ' ')
			return &files[i];
	}
	return &files[0];
}

/* Ends the connection; ERR_ABRT if that took an abort, which a callback
 * must then return to lwIP. */
static err_t drop(struct tcp_pcb *pcb, struct conn *c)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	tcp_err(pcb, NULL);
	free(c);
	if (tcp_close(pcb) == ERR_OK)
		return ERR_OK;
	tcp_abort(pcb);
	return ERR_ABRT;
}

/* Sends what the send buffer takes of the answer; ends the connection
 * after the last byte if asked to. Returns whether it is still open, and
 * in (*rc) what the callback returns. */
static bool push(struct tcp_pcb *pcb, struct conn *c, err_t *rc)
{
	while (c->left) {
		size_t n = tcp_sndbuf(pcb);

		if (n > c->left)
			n = c->left;
		if (n > 0xffff)
			n = 0xffff;
		if (!n || tcp_write(pcb, c->body, (u16_t)n,
				    c->left > n ? TCP_WRITE_FLAG_MORE : 0))
			break;
		c->body += n;
		c->left -= n;
	}
	tcp_output(pcb);
	if (!c->left && c->close_after) {
		*rc = drop(pcb, c);
		return false;
	}
	return true;
}

/* Whether request head [head, head + len) has a "Connection: close"
 * line. Only line starts are compared: a case-blind search through every
 * byte (strcasestr) was a fifth of this guest's time per request. */
static bool says_close(const char *head, size_t len)
{
	static const char want[] = "connection: close";
	const size_t n = sizeof(want) - 1;
	const char *p = head, *end = head + len;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p++;
		if ((size_t)(end - p) >= n && (*p | 0x20) == 'c' &&
		    strncasecmp(p, want, n) == 0)
			return true;
	}
	return false;
}

/* Answers every whole request head in c->req (one at a time: the next
 * waits until the answer before it is queued whole). Returns what the
 * callback returns. */
static err_t answer(struct tcp_pcb *pcb, struct conn *c)
{
	err_t rc = ERR_OK;
	char *end;

	while (!c->left &&
	       (end = memmem(c->req, c->have, "\r\n\r\n", 4)) != NULL) {
		size_t len = (size_t)(end + 4 - c->req);
		const struct file *f = lookup(c->req, len);

		c->close_after = says_close(c->req, len);
		const char *head = f->head[c->close_after];
		err_t err = tcp_write(pcb, head, (u16_t)strlen(head),
				      TCP_WRITE_FLAG_MORE);

		if (err == ERR_MEM)
			break;	/* TCP's queue is full: on_sent() or on_poll()
				 * comes back to it */
		if (err != ERR_OK)
			return drop(pcb, c);
		memmove(c->req, c->req + len, c->have - len);
		c->have -= len;
		c->body = f->data;
		c->left = f->size;
		if (!push(pcb, c, &rc))
			break;
	}
	return rc;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;
	err_t rc = ERR_OK;

	(void)len;
	if (c && push(pcb, c, &rc))
		rc = answer(pcb, c);
	return rc;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		     err_t err)
{
	struct conn *c = arg;

	if (!p || err != ERR_OK || c->have + p->tot_len > sizeof(c->req)) {
		if (p)
			pbuf_free(p);
		return drop(pcb, c);
	}
	pbuf_copy_partial(p, c->req + c->have, p->tot_len, 0);
	c->have += p->tot_len;
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return answer(pcb, c);
}

/* Every half second: goes on with an answer that found TCP's queue full
 * when nothing it had sent was left to acknowledge (no on_sent() to come:
 * the pbufs acknowledged were still the device's). */
static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	return on_sent(arg, pcb, 0);
}

static void on_err(void *arg, err_t err)
{
	(void)err;
	free(arg);	/* lwIP has freed the pcb */
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c;

	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	tcp_nagle_disable(pcb);
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_poll(pcb, on_poll, 1);
	tcp_err(pcb, on_err);
	return ERR_OK;
}

int main(int argc, char **argv)
{
	struct tcp_pcb *pcb;

	if (argc < 2 || argc - 1 > MAX_FILES) {
		fprintf(stderr, "usage: ceiling FILE... (at most %d)\n",
			MAX_FILES);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (load(argv[i]))
			return 1;
	net_start_stack();
	LOCK_TCPIP_CORE();
	pcb = tcp_new();
	if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, 80) != ERR_OK ||
	    !(pcb = tcp_listen_with_backlog(pcb, 255))) {
		UNLOCK_TCPIP_CORE();
		fprintf(stderr, "ceiling: cannot listen on port 80\n");
		return 1;
	}
	tcp_accept(pcb, on_accept);
	UNLOCK_TCPIP_CORE();
	printf("ceiling: serving %d files on port 80\n", nfiles);
	fflush(stdout);
	for (;;)
		sleep(3600);
}
