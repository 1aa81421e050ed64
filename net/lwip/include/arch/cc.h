/* SPDX-License-Identifier: MIT */
/*
 * lwIP's compiler and platform glue: the C library's headers, x86-64
 * byte order, diagnostics through the kernel console and asserts through
 * panic(), errno in Linux numbers (<errno.h>).
 */
#ifndef TORO_LWIP_ARCH_CC_H
#define TORO_LWIP_ARCH_CC_H

#include <endian.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>

/* <sys/time.h> brings musl's fd_set, whose FD_SETSIZE (1024) lwIP's
 * headers refuse as smaller than its socket array. It does not matter
 * here: select() is the VFS's and lwip_select() is never called (only
 * the readiness counts LWIP_SOCKET_SELECT keeps are used). */
#undef FD_SETSIZE
#define FD_SETSIZE		(LWIP_SOCKET_OFFSET + MEMP_NUM_NETCONN)

#include <kernel/heap.h>
#include <kernel/log.h>
#include <toro/panic.h>

#define LWIP_NO_UNISTD_H	1
#define LWIP_RAND()		((u32_t)toro_lwip_rand())

/* The byte swaps are single instructions. */
#define lwip_htons(x)		((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x)		((u32_t)__builtin_bswap32((u32_t)(x)))

#define LWIP_PLATFORM_DIAG(x)	do { kprintf x; } while (0)
/* A failed assertion names its place in lwIP's source, not its message:
 * lwIP's several hundred messages took 10 KiB of every network
 * application's image (the web server's budget is 256 KiB), and the
 * place says which one it was. */
#define LWIP_PLATFORM_ASSERT(x)	\
	panic("lwip: assertion failed at %s:%d", __FILE__, __LINE__)

typedef unsigned long sys_prot_t;

/* struct iovec is the C library's (<sys/uio.h>), which the kernel's
 * socket interface shares: lwIP's sockets.h skips its own when this is
 * defined. */
#define iovec iovec

unsigned toro_lwip_rand(void);

#endif /* TORO_LWIP_ARCH_CC_H */
