/* SPDX-License-Identifier: MIT */
/* <netinet/tcp.h>: TCP socket options (level IPPROTO_TCP). */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#define TCP_NODELAY	1	/* send at once, no Nagle */
#define TCP_MAXSEG	2
#define TCP_KEEPIDLE	4	/* seconds idle before the first probe */
#define TCP_KEEPINTVL	5	/* seconds between probes */
#define TCP_KEEPCNT	6	/* probes before giving up */

#endif /* _NETINET_TCP_H */
