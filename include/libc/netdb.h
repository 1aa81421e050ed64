/* SPDX-License-Identifier: MIT */
/*
 * <netdb.h>: names to addresses (libc/netdb.c). There is no resolver:
 * hosts are numeric (and "localhost"), services numeric ports; other
 * names fail with EAI_NONAME / EAI_SERVICE.
 */
#ifndef _NETDB_H
#define _NETDB_H

#include <netinet/in.h>
#include <sys/socket.h>

struct addrinfo {
	int ai_flags;
	int ai_family;
	int ai_socktype;
	int ai_protocol;
	socklen_t ai_addrlen;
	struct sockaddr *ai_addr;
	char *ai_canonname;
	struct addrinfo *ai_next;
};

#define AI_PASSIVE	0x01
#define AI_CANONNAME	0x02
#define AI_NUMERICHOST	0x04
#define AI_V4MAPPED	0x08
#define AI_ALL		0x10
#define AI_ADDRCONFIG	0x20
#define AI_NUMERICSERV	0x400

#define EAI_BADFLAGS	-1
#define EAI_NONAME	-2
#define EAI_AGAIN	-3
#define EAI_FAIL	-4
#define EAI_FAMILY	-6
#define EAI_SOCKTYPE	-7
#define EAI_SERVICE	-8
#define EAI_MEMORY	-10
#define EAI_SYSTEM	-11
#define EAI_OVERFLOW	-12

#define NI_NUMERICHOST	1
#define NI_NUMERICSERV	2
#define NI_NOFQDN	4
#define NI_NAMEREQD	8
#define NI_DGRAM	16
#define NI_MAXHOST	1025
#define NI_MAXSERV	32

int getaddrinfo(const char *restrict node, const char *restrict service,
		const struct addrinfo *restrict hints,
		struct addrinfo **restrict res);
void freeaddrinfo(struct addrinfo *res);
const char *gai_strerror(int err);
int getnameinfo(const struct sockaddr *restrict addr, socklen_t addrlen,
		char *restrict host, socklen_t hostlen, char *restrict serv,
		socklen_t servlen, int flags);

#endif /* _NETDB_H */
