/* SPDX-License-Identifier: MIT */
/*
 * musl's <sys/un.h>, and one thing more for Toro: a program that names
 * AF_UNIX addresses uses AF_UNIX sockets, so this refers to the family
 * (net/unix.c) and links it into the image. The kernel's socket() names
 * it only weakly, so that programs without AF_UNIX do not carry it
 * (socketpair() links it too).
 */
#include_next <sys/un.h>

/* Programs only: the kernel (freestanding) converts addresses without
 * needing the family. */
#if __STDC_HOSTED__ && !defined(TORO_SYS_UN_H)
#define TORO_SYS_UN_H
extern const char toro_unix_sockets;
static const char *const toro_use_unix_sockets
	__attribute__((__used__, __unused__)) = &toro_unix_sockets;
#endif
