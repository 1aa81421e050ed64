// SPDX-License-Identifier: MIT
/*
 * Request parsing: finds where a request head ends and splits it into the
 * request line and the few headers the server acts on (Connection,
 * Content-Length, Transfer-Encoding, Host). Strict where being lenient
 * would let a request mean two things (RFC 9112): bare LF line ends,
 * whitespace before a header's colon, folded lines and conflicting lengths
 * are all 400.
 *
 * One pass over the head: each field is scanned up to the byte that ends
 * it, which must then be the one expected there. Every scan stops at a
 * control character at the latest, so the head's final CRLF bounds them
 * all, and a NUL (which RFC 9110, 5.5 lets a server refuse) always ends a
 * field where it may not: 400.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "web.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "next_lf() takes a word's first byte as its lowest");

/* The index of the first '\n' in (buf)[i..len), or (len). Eight bytes at
 * a time (the "has a zero byte" test on the word XOR eight LFs, whose
 * lowest flagged byte is exact): a byte loop cost 6 instructions a byte,
 * and memchr()'s setup more than that for a 20-byte line. */
static size_t next_lf(const char *buf, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, buf + i, sizeof(w));
		w ^= ones * '\n';
		w = (w - ones) & ~w & ones * 0x80;
		if (w)
			return i + (size_t)__builtin_ctzll(w) / 8;
	}
	while (i < len && buf[i] != '\n')
		i++;
	return i;
}

long web_head_end(const char *buf, size_t len)
{
	for (size_t i = 0;; i++) {
		i = next_lf(buf, i, len);
		if (i == len)
			return 0;
		if (i == 0 || buf[i - 1] != '\r')
			return -1;
		if (i >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return (long)(i + 1);
	}
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

static int is_crlf(const char *p)
{
	return p[0] == '\r' && p[1] == '\n';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether (s) starts with (prefix), read no further than a byte that
 * differs (not so memcmp()). */
static int starts_with(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix)
		s++, prefix++;
	return !*prefix;
}

/* The request line at (*p); (*p) moves past its CRLF. */
static int parse_request_line(char **p, struct web_request *req)
{
	char *s = *p, *method = s, *target;

	while (is_tchar((unsigned char)*s))
		s++;
	if (s == method || *s != ' ')
		return 400;
	*s++ = '\0';
	target = s;
	while ((unsigned char)*s > 0x20 && (unsigned char)*s < 0x7f)
		s++;
	if (s == target || *s != ' ')
		return 400;
	*s++ = '\0';
	if (s - target > WEB_URI_MAX + 1)
		return 414;
	/* "HTTP/d.d" and the line's end, a byte at a time in order: the
	 * first that differs (at the latest a CR) ends the comparison. */
	if (!starts_with(s, "HTTP/") || !is_digit(s[5]) || s[6] != '.' ||
	    !is_digit(s[7]) || !is_crlf(s + 8))
		return 400;
	if (s[5] != '1')
		return 505;
	req->target = target;
	req->minor = s[7] - '0';
	req->keep_alive = req->minor >= 1;
	if (strcmp(method, "GET") == 0)
		req->method = WEB_GET;
	else if (strcmp(method, "HEAD") == 0)
		req->method = WEB_HEAD;
	else
		req->method = WEB_OTHER;
	*p = s + 10;
	return 0;
}

#define NAME_IS(name, n, lit) \
	((n) == sizeof(lit) - 1 && strncasecmp(name, lit, n) == 0)

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Connection is a comma-separated list of options. */
static void parse_connection(const char *v, struct web_request *req)
{
	while (*v) {
		const char *t = v;
		size_t n;

		while (*v && *v != ',')
			v++;
		for (n = (size_t)(v - t); n && is_blank(*t); n--)
			t++;
		while (n && is_blank(t[n - 1]))
			n--;
		if (NAME_IS(t, n, "close"))
			req->keep_alive = 0;
		else if (NAME_IS(t, n, "keep-alive"))
			req->keep_alive = 1;
		if (*v)
			v++;
	}
}

/* Digits only: no sign, no spaces inside, no list. */
static int parse_length(const char *v, long long *out)
{
	long long n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (!is_digit(*v) || n > (1LL << 50))
			return -1;
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return 0;
}

/* A field value's byte: visible, space, tab or obs-text; not DEL. */
static int is_field_byte(unsigned char c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

/* The header line at (*p); (*p) moves past its CRLF. */
static int parse_header(char **p, struct web_request *req, int *has_host,
			int *has_length)
{
	char *name = *p, *s = name, *value, *v_end;
	size_t n;

	while (is_tchar((unsigned char)*s))
		s++;
	if (s == name || *s != ':')
		return 400;	/* also folded lines and space before ':' */
	n = (size_t)(s - name);
	s++;
	while (is_blank(*s))
		s++;
	value = s;
	while (is_field_byte((unsigned char)*s))
		s++;
	if (!is_crlf(s))
		return 400;
	*p = s + 2;
	for (v_end = s; v_end > value && is_blank(v_end[-1]);)
		v_end--;
	*v_end = '\0';

	if (NAME_IS(name, n, "Host")) {
		if ((*has_host)++)
			return 400;
	} else if (NAME_IS(name, n, "Connection")) {
		parse_connection(value, req);
	} else if (NAME_IS(name, n, "Content-Length")) {
		long long len;

		if (parse_length(value, &len) ||
		    (*has_length && len != req->body_len))
			return 400;
		*has_length = 1;
		req->body_len = len;
	} else if (NAME_IS(name, n, "Transfer-Encoding")) {
		req->chunked = 1;
	}
	return 0;
}

int web_parse(char *head, size_t len, struct web_request *req)
{
	char *p = head;
	int has_host = 0, has_length = 0;
	int rc;

	memset(req, 0, sizeof(*req));
	/* What bounds every scan below: web_head_end()'s end. */
	if (len < 4 || !starts_with(head + len - 4, "\r\n\r\n"))
		return 400;
	rc = parse_request_line(&p, req);
	while (!rc && !is_crlf(p))
		rc = parse_header(&p, req, &has_host, &has_length);
	if (rc)
		return rc;
	/* HTTP/1.1 requests must name the host (RFC 9112 section 3.2). */
	if (req->minor >= 1 && !has_host)
		return 400;
	/* Both framings at once is how requests get smuggled. */
	if (req->chunked && has_length)
		return 400;
	return 0;
}
