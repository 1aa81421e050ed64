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

int web_format_head(char *buf, size_t size, int status, const char *ctype,
		    long long length, int keep_alive, const char *extra)
{
	int n = snprintf(buf, size,
			 "HTTP/1.1 %d %s\r\n"
			 "Server: toro-webserver\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %lld\r\n"
			 "Connection: %s\r\n"
			 "%s\r\n",
			 status, web_status_text(status), ctype, length,
			 keep_alive ? "keep-alive" : "close", extra);

	return n < 0 || (size_t)n >= size ? -1 : n;
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
