// SPDX-License-Identifier: MIT
/*
 * getaddrinfo() and friends without a resolver (<netdb.h>): hosts are
 * numeric IPv4 addresses (in any form inet_aton takes) or "localhost",
 * services decimal port numbers. Pure: the host unit tests run it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AI_KNOWN (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | \
		  AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV)

/* One answer: the addrinfo, its address and its name in one block, so
 * freeaddrinfo frees each with one free(). */
struct answer {
	struct addrinfo ai;
	struct sockaddr_in sin;
	char name[];
};

static int host_address(const char *node, int flags, struct in_addr *a)
{
	if (!node) {
		a->s_addr = htonl((flags & AI_PASSIVE) ? INADDR_ANY
						       : INADDR_LOOPBACK);
		return 0;
	}
	if (inet_aton(node, a))
		return 0;
	if (!(flags & AI_NUMERICHOST) && !strcmp(node, "localhost")) {
		a->s_addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	return EAI_NONAME;
}

static int service_port(const char *service, in_port_t *port)
{
	char *end;
	unsigned long v;

	*port = 0;
	if (!service)
		return 0;
	if (*service < '0' || *service > '9')
		return EAI_SERVICE;	/* no services database */
	v = strtoul(service, &end, 10);
	if (*end || v > 65535)
		return EAI_SERVICE;
	*port = htons((in_port_t)v);
	return 0;
}

static struct addrinfo *answer(int socktype, int protocol,
			       const struct in_addr *a, in_port_t port,
			       const char *canon)
{
	size_t len = canon ? strlen(canon) + 1 : 0;
	struct answer *r = calloc(1, sizeof(*r) + len);

	if (!r)
		return NULL;
	r->sin.sin_family = AF_INET;
	r->sin.sin_port = port;
	r->sin.sin_addr = *a;
	r->ai.ai_family = AF_INET;
	r->ai.ai_socktype = socktype;
	r->ai.ai_protocol = protocol;
	r->ai.ai_addrlen = sizeof(r->sin);
	r->ai.ai_addr = (struct sockaddr *)&r->sin;
	if (canon)
		r->ai.ai_canonname = memcpy(r->name, canon, len);
	return &r->ai;
}

int getaddrinfo(const char *restrict node, const char *restrict service,
		const struct addrinfo *restrict hints,
		struct addrinfo **restrict res)
{
	static const struct { int type, protocol; } kinds[] = {
		{ SOCK_STREAM, IPPROTO_TCP },
		{ SOCK_DGRAM, IPPROTO_UDP },
	};
	int flags = hints ? hints->ai_flags : 0;
	int family = hints ? hints->ai_family : AF_UNSPEC;
	int type = hints ? hints->ai_socktype : 0;
	int protocol = hints ? hints->ai_protocol : 0;
	struct addrinfo *head = NULL, **tail = &head;
	struct in_addr addr;
	in_port_t port;
	int rc;

	if (!res)
		return EAI_SYSTEM;
	*res = NULL;
	if (flags & ~AI_KNOWN || ((flags & AI_CANONNAME) && !node))
		return EAI_BADFLAGS;
	if (!node && !service)
		return EAI_NONAME;
	if (family != AF_UNSPEC && family != AF_INET)
		return EAI_FAMILY;
	if (type && type != SOCK_STREAM && type != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	rc = host_address(node, flags, &addr);
	if (!rc)
		rc = service_port(service, &port);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if ((type && type != kinds[i].type) ||
		    (protocol && protocol != kinds[i].protocol))
			continue;
		*tail = answer(kinds[i].type, kinds[i].protocol, &addr, port,
			       head || !(flags & AI_CANONNAME) ? NULL : node);
		if (!*tail) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
		tail = &(*tail)->ai_next;
	}
	if (!head)
		return EAI_SOCKTYPE;	/* a protocol no kind has */
	*res = head;
	return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;

		free(res);	/* the answer block starts with it */
		res = next;
	}
}

const char *gai_strerror(int err)
{
	switch (err) {
	case 0: return "Success";
	case EAI_BADFLAGS: return "Bad value for ai_flags";
	case EAI_NONAME: return "Name or service not known";
	case EAI_AGAIN: return "Temporary failure in name resolution";
	case EAI_FAIL: return "Non-recoverable failure in name resolution";
	case EAI_FAMILY: return "ai_family not supported";
	case EAI_SOCKTYPE: return "ai_socktype not supported";
	case EAI_SERVICE: return "Servname not supported for ai_socktype";
	case EAI_MEMORY: return "Memory allocation failure";
	case EAI_SYSTEM: return "System error";
	case EAI_OVERFLOW: return "Argument buffer overflow";
	default: return "Unknown error";
	}
}

int getnameinfo(const struct sockaddr *restrict addr, socklen_t addrlen,
		char *restrict host, socklen_t hostlen, char *restrict serv,
		socklen_t servlen, int flags)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	if (!addr || addrlen < sizeof(*sin))
		return EAI_FAMILY;
	if (sin->sin_family != AF_INET)
		return EAI_FAMILY;
	if (flags & NI_NAMEREQD)
		return EAI_NONAME;	/* no names, only numbers */
	if (host && hostlen &&
	    !inet_ntop(AF_INET, &sin->sin_addr, host, hostlen))
		return EAI_OVERFLOW;
	if (serv && servlen &&
	    snprintf(serv, servlen, "%u", ntohs(sin->sin_port)) >=
		    (int)servlen)
		return EAI_OVERFLOW;
	return 0;
}
