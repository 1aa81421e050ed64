/* SPDX-License-Identifier: MIT */
/* What Toro's lwIP pools (net/lwip/memp.c) add to lwip/memp.h: how many
 * connections the stack holds, from the guest's memory. */
#ifndef TORO_MEMP_H
#define TORO_MEMP_H

#include "lwip/memp.h"

/* TCP PCBs (and netconns, sockets) the stack holds at once. */
unsigned net_conn_limit(void);

#endif /* TORO_MEMP_H */
