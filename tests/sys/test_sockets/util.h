/* SPDX-License-Identifier: MIT */
/* Helpers shared by the socket test cases. */
#ifndef SOCKETS_UTIL_H
#define SOCKETS_UTIL_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

/* 127.0.0.1:(port), port in host order. */
struct sockaddr_in loopback(uint16_t port);

/* A TCP socket listening on 127.0.0.1, its port in (*port) (host order). */
int listener(uint16_t *port);

/* A connected pair over loopback: (*client) and (*server). 0 or -1. */
int tcp_pair(int *client, int *server);

/* A UDP socket bound to 127.0.0.1, its port in (*port). */
int udp_bound(uint16_t *port);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

#endif
