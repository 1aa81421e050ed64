/* SPDX-License-Identifier: MIT */
/*
 * How musl reaches the kernel: replaces musl's arch/x86_64/syscall_arch.h
 * (this directory comes first on musl's include path; musl's files are not
 * patched). Where musl would execute `syscall` with a Linux x86-64 number,
 * this calls the kernel's adapter for that number, sys_NAME() in sys/,
 * through a table indexed by the number (TORO_SYSCALL_TABLE, generated
 * from sys/ by tools/gen_syscalls.py).
 *
 * The table is a static const array in every file that includes this, and
 * musl passes the number as a constant, so once __syscallN() is inlined
 * the compiler folds table[N] into a direct call to sys_NAME() and drops
 * the table: a C library call into the kernel costs a function call, and
 * a program links only the adapters (and the kernel parts behind them)
 * that its C library calls reach. A number the kernel does not implement
 * folds to -ENOSYS. Only calls with a number known at run time (syscall())
 * index the table, which then names every adapter. In a file built with
 * TORO_SYSCALLS_WEAK the adapters are weak: linked only if needed
 * elsewhere, else the call says -ENOSYS.
 */
#ifndef TORO_SYSCALL_ARCH_H
#define TORO_SYSCALL_ARCH_H

#include <toro_syscalls.h>

#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

typedef long (*__toro_sys_fn)(long, long, long, long, long, long);

static __toro_sys_fn const __toro_sys[TORO_SYSCALLS_N] = TORO_SYSCALL_TABLE;

/* The adapter for (n), or NULL. */
static __inline __attribute__((__always_inline__)) __toro_sys_fn
__toro_sys_lookup(long n)
{
	return (unsigned long)n < TORO_SYSCALLS_N ? __toro_sys[n] : 0;
}

static __inline __attribute__((__always_inline__)) long
__toro_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	__toro_sys_fn fn = __toro_sys_lookup(n);

	return fn ? fn(a, b, c, d, e, f) : -38 /* -ENOSYS */;
}

static __inline __attribute__((__always_inline__)) long __syscall0(long n)
{
	return __toro_syscall(n, 0, 0, 0, 0, 0, 0);
}

static __inline __attribute__((__always_inline__)) long
__syscall1(long n, long a)
{
	return __toro_syscall(n, a, 0, 0, 0, 0, 0);
}

static __inline __attribute__((__always_inline__)) long
__syscall2(long n, long a, long b)
{
	return __toro_syscall(n, a, b, 0, 0, 0, 0);
}

static __inline __attribute__((__always_inline__)) long
__syscall3(long n, long a, long b, long c)
{
	return __toro_syscall(n, a, b, c, 0, 0, 0);
}

static __inline __attribute__((__always_inline__)) long
__syscall4(long n, long a, long b, long c, long d)
{
	return __toro_syscall(n, a, b, c, d, 0, 0);
}

static __inline __attribute__((__always_inline__)) long
__syscall5(long n, long a, long b, long c, long d, long e)
{
	return __toro_syscall(n, a, b, c, d, e, 0);
}

static __inline __attribute__((__always_inline__)) long
__syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	return __toro_syscall(n, a, b, c, d, e, f);
}

/*
 * Cancellation points (read, nanosleep, pthread_cond_wait's futex...):
 * musl calls __syscall_cp(), which it declares after this header; this
 * definition makes that declaration name it, so the adapter folds here
 * too. libc/cancel.c acts on a pending pthread_cancel() around the call.
 */
long __toro_syscall_cp(long n, __toro_sys_fn fn, long a, long b, long c,
		       long d, long e, long f);

static __inline __attribute__((__always_inline__)) long
__syscall_cp(long n, long a, long b, long c, long d, long e, long f)
{
	__toro_sys_fn fn = __toro_sys_lookup(n);

	return fn ? __toro_syscall_cp(n, fn, a, b, c, d, e, f) : -38;
}

#define IPC_64 0

#endif /* TORO_SYSCALL_ARCH_H */
