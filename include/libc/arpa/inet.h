/* SPDX-License-Identifier: MIT */
/* <arpa/inet.h>: numeric addresses to text and back (libc/inet.c). */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

/* 1 on success, 0 when (src) is not an address of (af), -1 with
 * EAFNOSUPPORT for an (af) other than AF_INET and AF_INET6. */
int inet_pton(int af, const char *restrict src, void *restrict dst);
/* (dst) or NULL with ENOSPC when (size) is too small. */
const char *inet_ntop(int af, const void *restrict src, char *restrict dst,
		      socklen_t size);
/* Dotted quad (BSD forms: a, a.b, a.b.c, hex and octal parts too). */
int inet_aton(const char *src, struct in_addr *dst);
in_addr_t inet_addr(const char *src);	/* INADDR_NONE on error */
char *inet_ntoa(struct in_addr in);	/* one static buffer for everyone */

#endif /* _ARPA_INET_H */
