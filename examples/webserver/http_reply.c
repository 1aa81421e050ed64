// SPDX-License-Identifier: MIT
/*
 * Responses: status lines, the headers every response carries, complete
 * error responses, and sending that copes with slow and vanished clients.
 * Every response says how long its body is (Content-Length), so a
 * keep-alive client always knows where the next response starts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "web.h"

const char *web_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

int web_send_all(int fd, const void *buf, size_t n, int flags)
{
	const char *p = buf;

	while (n) {
		ssize_t k = send(fd, p, n, flags);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;	/* reset, or SO_SNDTIMEO ran out */
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* (v) in decimal, ending at (end): returns where its digits start. */
static char *decimal(char *end, unsigned long long v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* By hand rather than with snprintf(): this runs for every response, and
 * snprintf() was 8% of the busy time in a profile of the server. */
int web_format_head(char *buf, size_t size, int status, const char *ctype,
		    long long length, int keep_alive, const char *extra)
{
	char code[8], len[24];
	const char *part[] = {
		"HTTP/1.1 ", decimal(code + sizeof(code), (unsigned)status),
		" ", web_status_text(status),
		"\r\nServer: toro-webserver\r\nContent-Type: ", ctype,
		"\r\nContent-Length: ",
		decimal(len + sizeof(len), (unsigned long long)length),
		keep_alive ? "\r\nConnection: keep-alive\r\n"
			   : "\r\nConnection: close\r\n",
		extra, "\r\n",
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		size_t k = strlen(part[i]);

		if (k >= size - n)
			return -1;	/* no room for it and the NUL */
		memcpy(buf + n, part[i], k);
		n += k;
	}
	buf[n] = '\0';
	return (int)n;
}

int web_send_error(int fd, int status, int keep_alive, int head_only,
		   const char *extra)
{
	char body[128], msg[512 + WEB_URI_MAX];
	int blen, hlen;

	blen = snprintf(body, sizeof(body),
			"<html><body><h1>%d %s</h1></body></html>\n", status,
			web_status_text(status));
	hlen = web_format_head(msg, sizeof(msg) - (size_t)blen, status,
			       "text/html", blen, keep_alive, extra);
	if (hlen < 0)
		return -1;
	if (!head_only) {
		memcpy(msg + hlen, body, (size_t)blen);
		hlen += blen;
	}
	return web_send_all(fd, msg, (size_t)hlen, 0);
}
