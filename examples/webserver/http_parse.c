// SPDX-License-Identifier: MIT
/*
 * Request parsing: finds where a request head ends and splits it into the
 * request line and the few headers the server acts on (Connection,
 * Content-Length, Transfer-Encoding, Host). Strict where being lenient
 * would let a request mean two things (RFC 9112): bare LF line ends,
 * whitespace before a header's colon, folded lines and conflicting lengths
 * are all 400.
 */
#include <string.h>
#include <strings.h>

#include "web.h"

long web_head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == 0 || buf[i - 1] != '\r')
			return -1;
		if (i >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return (long)(i + 1);
	}
	return 0;
}

/* RFC 9110 tchar: what method and header names are made of. A bit per
 * byte value (ASCII only): every byte of every name is looked up. By
 * rows of 8: !#$%&'*+-. 0-9, then A-Z ^_, then `a-z |~. */
static const unsigned char tchars[16] = {
	[4] = 0xfa, [5] = 0x6c, [6] = 0xff, [7] = 0x03,
	[8] = 0xfe, [9] = 0xff, [10] = 0xff, [11] = 0xc7,
	[12] = 0xff, [13] = 0xff, [14] = 0xff, [15] = 0x57,
};

static int is_tchar(unsigned char c)
{
	return c < 128 && (tchars[c >> 3] >> (c & 7)) & 1;
}

/* Cuts the line starting at (*p) at its CRLF and moves (*p) past it;
 * returns the line, or NULL at the head's end. */
static char *next_line(char **p, char *end)
{
	char *line = *p;

	for (char *q = line; q + 1 < end; q++) {
		if (q[0] == '\r' && q[1] == '\n') {
			*q = '\0';
			*p = q + 2;
			return line;
		}
	}
	return NULL;
}

static int parse_request_line(char *line, struct web_request *req)
{
	char *p = line, *method = line;

	while (is_tchar((unsigned char)*p))
		p++;
	if (p == method || *p != ' ')
		return 400;
	*p++ = '\0';
	req->target = p;
	while ((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f)
		p++;
	if (p == req->target || *p != ' ')
		return 400;
	*p++ = '\0';
	if (strlen(req->target) > WEB_URI_MAX)
		return 414;
	if (strncmp(p, "HTTP/", 5) != 0 || p[5] < '0' || p[5] > '9' ||
	    p[6] != '.' || p[7] < '0' || p[7] > '9' || p[8] != '\0')
		return 400;
	if (p[5] != '1')
		return 505;
	req->minor = p[7] - '0';
	req->keep_alive = req->minor >= 1;
	if (strcmp(method, "GET") == 0)
		req->method = WEB_GET;
	else if (strcmp(method, "HEAD") == 0)
		req->method = WEB_HEAD;
	else
		req->method = WEB_OTHER;
	return 0;
}

/* Connection is a comma-separated list of options. */
static void parse_connection(char *value, struct web_request *req)
{
	char *save = NULL;

	for (char *t = strtok_r(value, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ' || *t == '\t')
			t++;
		size_t n = strlen(t);
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			t[--n] = '\0';
		if (strcasecmp(t, "close") == 0)
			req->keep_alive = 0;
		else if (strcasecmp(t, "keep-alive") == 0)
			req->keep_alive = 1;
	}
}

/* Digits only: no sign, no spaces inside, no list. */
static int parse_length(const char *v, long long *out)
{
	long long n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > (1LL << 50))
			return -1;
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return 0;
}

static int parse_header(char *line, struct web_request *req, int *has_host,
			int *has_length)
{
	char *p = line, *value;

	while (is_tchar((unsigned char)*p))
		p++;
	if (p == line || *p != ':')
		return 400;	/* also folded lines and space before ':' */
	*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	value = p;
	for (; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 400;
	while (p > value && (p[-1] == ' ' || p[-1] == '\t'))
		*--p = '\0';

	if (strcasecmp(line, "Host") == 0) {
		if ((*has_host)++)
			return 400;
	} else if (strcasecmp(line, "Connection") == 0) {
		parse_connection(value, req);
	} else if (strcasecmp(line, "Content-Length") == 0) {
		long long n;

		if (parse_length(value, &n) ||
		    (*has_length && n != req->body_len))
			return 400;
		*has_length = 1;
		req->body_len = n;
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		req->chunked = 1;
	}
	return 0;
}

int web_parse(char *head, size_t len, struct web_request *req)
{
	char *p = head, *end = head + len, *line;
	int has_host = 0, has_length = 0, rc;

	memset(req, 0, sizeof(*req));
	/* The head is parsed as C strings cut at its line ends: a NUL
	 * inside would end a line early and hide what follows it (after
	 * "HTTP/1.1", in a header's value). RFC 9110, 5.5 allows
	 * rejecting it. */
	if (memchr(head, '\0', len))
		return 400;
	line = next_line(&p, end);
	if (!line)
		return 400;
	rc = parse_request_line(line, req);
	if (rc)
		return rc;
	while ((line = next_line(&p, end)) && *line) {
		rc = parse_header(line, req, &has_host, &has_length);
		if (rc)
			return rc;
	}
	/* HTTP/1.1 requests must name the host (RFC 9112 section 3.2). */
	if (req->minor >= 1 && !has_host)
		return 400;
	/* Both framings at once is how requests get smuggled. */
	if (req->chunked && has_length)
		return 400;
	return 0;
}
