// SPDX-License-Identifier: MIT
/*
 * Numeric Internet addresses to text and back (<arpa/inet.h>). Pure
 * functions: the host unit tests check them against glibc's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Strict dotted quad, as inet_pton wants it: four decimal parts of at
 * most 255, no leading zeros. */
static int pton4(const char *s, unsigned char out[4])
{
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;

		if (part && *s++ != '.')
			return 0;
		while (*s >= '0' && *s <= '9') {
			if (digits && v == 0)
				return 0;	/* a leading zero */
			v = v * 10 + (unsigned)(*s++ - '0');
			if (v > 255)
				return 0;
			digits++;
		}
		if (!digits)
			return 0;
		out[part] = (unsigned char)v;
	}
	return *s == '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 4291 text: eight groups of up to four hex digits, one "::" for a
 * run of zero groups, and a dotted quad in place of the last two. */
static int pton6(const char *s, unsigned char out[16])
{
	unsigned char a[16] = { 0 };
	int n = 0, gap = -1;

	if (s[0] == ':' && s[1] != ':')
		return 0;
	if (s[0] == ':') {
		gap = 0;
		s += 2;
	}
	while (*s) {
		unsigned v = 0;
		int digits = 0, h;
		const char *start = s;

		if (n == 16)
			return 0;
		while ((h = hexval(*s)) >= 0 && digits < 5) {
			v = v * 16 + (unsigned)h;
			digits++;
			s++;
		}
		if (*s == '.') {	/* the dotted quad at the end */
			if (n > 12 || pton4(start, a + n) != 1)
				return 0;
			n += 4;
			break;
		}
		if (!digits || digits > 4)
			return 0;
		a[n++] = (unsigned char)(v >> 8);
		a[n++] = (unsigned char)v;
		if (*s == '\0')
			break;
		if (*s++ != ':')
			return 0;
		if (*s == ':') {
			if (gap >= 0)
				return 0;	/* a second "::" */
			gap = n;
			s++;
		} else if (*s == '\0') {
			return 0;		/* a trailing single ':' */
		}
	}
	if (gap >= 0) {
		if (n == 16)
			return 0;	/* "::" must stand for something */
		memmove(a + 16 - (n - gap), a + gap, (size_t)(n - gap));
		memset(a + gap, 0, (size_t)(16 - n));
	} else if (n != 16) {
		return 0;
	}
	memcpy(out, a, 16);
	return 1;
}

int inet_pton(int af, const char *restrict src, void *restrict dst)
{
	if (af == AF_INET)
		return pton4(src, dst);
	if (af == AF_INET6)
		return pton6(src, dst);
	errno = EAFNOSUPPORT;
	return -1;
}

static const char *fits(const char *text, char *dst, socklen_t size)
{
	if (strlen(text) >= size) {
		errno = ENOSPC;
		return NULL;
	}
	return strcpy(dst, text);
}

/* The longest run of two or more zero groups, first of equals (RFC 5952);
 * (*len) 0 when there is none. */
static int zero_run(const unsigned char *a, int *len)
{
	int best = -1, best_len = 0;

	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && !a[2 * j] && !a[2 * j + 1])
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	*len = best_len;
	return best;
}

static void ntop6(const unsigned char *a, char *out)
{
	int len, gap = zero_run(a, &len);
	char *p = out;

	for (int i = 0; i < 8; i++) {
		if (i == gap) {
			p += sprintf(p, "::");
			i += len - 1;
			continue;
		}
		/* ::ffff:a.b.c.d and ::a.b.c.d keep the IPv4 form. */
		if (i == 6 && gap == 0 &&
		    (len == 6 || (len == 5 && a[10] == 0xff && a[11] == 0xff))) {
			if (p[-1] != ':')
				*p++ = ':';
			sprintf(p, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			return;
		}
		if (p != out && p[-1] != ':')
			*p++ = ':';
		p += sprintf(p, "%x", (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
	}
	*p = '\0';
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst,
		      socklen_t size)
{
	const unsigned char *a = src;
	char text[INET6_ADDRSTRLEN];

	if (af == AF_INET) {
		sprintf(text, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return fits(text, dst, size);
	}
	if (af == AF_INET6) {
		ntop6(a, text);
		return fits(text, dst, size);
	}
	errno = EAFNOSUPPORT;
	return NULL;
}

/* One part of a BSD address: decimal, 0x hex or 0 octal. */
static bool aton_part(const char **s, unsigned long *v)
{
	unsigned base = 10;
	const char *p = *s;
	bool any = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	for (*v = 0;; p++) {
		int d = hexval(*p);

		if (d < 0 || (unsigned)d >= base)
			break;
		*v = *v * base + (unsigned)d;
		if (*v > 0xffffffffUL)
			return false;
		any = true;
	}
	*s = p;
	return any;
}

int inet_aton(const char *src, struct in_addr *dst)
{
	unsigned long parts[4];
	int n = 0;
	uint32_t ip;

	for (;;) {
		if (!aton_part(&src, &parts[n++]))
			return 0;
		if (*src != '.' || n == 4)
			break;
		src++;
	}
	if (*src != '\0' && *src != ' ' && *src != '\t' && *src != '\n')
		return 0;
	/* a.b.c.d; a.b.c (c 16 bits); a.b (b 24 bits); a (32 bits). */
	for (int i = 0; i < n - 1; i++)
		if (parts[i] > 255)
			return 0;
	if (parts[n - 1] > (0xffffffffUL >> (8 * (n - 1))))
		return 0;
	ip = (uint32_t)parts[n - 1];
	for (int i = 0; i < n - 1; i++)
		ip |= (uint32_t)parts[i] << (24 - 8 * i);
	if (dst)
		dst->s_addr = htonl(ip);
	return 1;
}

in_addr_t inet_addr(const char *src)
{
	struct in_addr a;

	return inet_aton(src, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &in, text, sizeof(text));
	return text;
}
