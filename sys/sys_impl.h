/* SPDX-License-Identifier: MIT */
/*
 * Private to sys/, the system-call layer: the Linux x86-64 calls musl
 * makes, each an adapter over the kernel's own interfaces (VFS and
 * descriptor table, sockets, threads, futexes, timers, page allocator).
 * musl calls an adapter directly (libc/arch/syscall_arch.h); the set of
 * adapters is whatever SYSCALL_DEFINEn() lines the files of sys/ hold
 * (tools/gen_syscalls.py collects them). Every adapter returns a result
 * >= 0 or -errno, as Linux does; musl sets errno.
 *
 * Adapters check what the application hands them: a pointer to memory
 * that is not mapped (or not writable, for output) is -EFAULT, never a
 * fault in the kernel.
 */
#ifndef SYS_IMPL_H
#define SYS_IMPL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <toro_syscalls.h>

/* An adapter need not use every argument its Linux signature has. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define SYS_ARGS long a1, long a2, long a3, long a4, long a5, long a6
#define SYS_UNUSED(n) (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, \
	(void)a6

/*
 * SYSCALL_DEFINEn(name, type1, arg1, ...) { body }: defines the adapter
 * sys_name(), called with six longs, whose body sees its (n) arguments
 * with their types, as Linux's own SYSCALL_DEFINE does.
 */
#define SYSCALL_DEFINE0(name)                                                  \
	static long __do_sys_##name(void);                                           \
	long sys_##name(SYS_ARGS);                                             \
	long sys_##name(SYS_ARGS)                                              \
	{                                                                      \
		SYS_UNUSED();                                                  \
		return __do_sys_##name();                                            \
	}                                                                      \
	static long __do_sys_##name(void)

#define SYSCALL_DEFINE1(name, t1, n1)                                          \
	static long __do_sys_##name(t1 n1);                                          \
	long sys_##name(SYS_ARGS);                                             \
	long sys_##name(SYS_ARGS)                                              \
	{                                                                      \
		SYS_UNUSED();                                                  \
		return __do_sys_##name((t1)a1);                                      \
	}                                                                      \
	static long __do_sys_##name(t1 n1)

#define SYSCALL_DEFINE2(name, t1, n1, t2, n2)                                  \
	static long __do_sys_##name(t1 n1, t2 n2);                                   \
	long sys_##name(SYS_ARGS);                                             \
	long sys_##name(SYS_ARGS)                                              \
	{                                                                      \
		SYS_UNUSED();                                                  \
		return __do_sys_##name((t1)a1, (t2)a2);                              \
	}                                                                      \
	static long __do_sys_##name(t1 n1, t2 n2)

#define SYSCALL_DEFINE3(name, t1, n1, t2, n2, t3, n3)                          \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3);                            \
	long sys_##name(SYS_ARGS);                                             \
	long sys_##name(SYS_ARGS)                                              \
	{                                                                      \
		SYS_UNUSED();                                                  \
		return __do_sys_##name((t1)a1, (t2)a2, (t3)a3);                      \
	}                                                                      \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3)

#define SYSCALL_DEFINE4(name, t1, n1, t2, n2, t3, n3, t4, n4)                  \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3, t4 n4);                     \
	long sys_##name(SYS_ARGS);                                             \
	long sys_##name(SYS_ARGS)                                              \
	{                                                                      \
		SYS_UNUSED();                                                  \
		return __do_sys_##name((t1)a1, (t2)a2, (t3)a3, (t4)a4);              \
	}                                                                      \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3, t4 n4)

#define SYSCALL_DEFINE5(name, t1, n1, t2, n2, t3, n3, t4, n4, t5, n5)          \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3, t4 n4, t5 n5);              \
	long sys_##name(SYS_ARGS);                                             \
	long sys_##name(SYS_ARGS)                                              \
	{                                                                      \
		SYS_UNUSED();                                                  \
		return __do_sys_##name((t1)a1, (t2)a2, (t3)a3, (t4)a4, (t5)a5);      \
	}                                                                      \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3, t4 n4, t5 n5)

#define SYSCALL_DEFINE6(name, t1, n1, t2, n2, t3, n3, t4, n4, t5, n5, t6, n6)  \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3, t4 n4, t5 n5, t6 n6);       \
	long sys_##name(SYS_ARGS);                                             \
	long sys_##name(SYS_ARGS)                                              \
	{                                                                      \
		return __do_sys_##name((t1)a1, (t2)a2, (t3)a3, (t4)a4, (t5)a5,       \
				 (t6)a6);                                      \
	}                                                                      \
	static long __do_sys_##name(t1 n1, t2 n2, t3 n3, t4 n4, t5 n5, t6 n6)

/* user.c: whether the application may hand the kernel [p, p + n) to read
 * (user_readable) or to write (user_writable). n == 0 is always fine. */
bool user_readable(const void *p, size_t n);
bool user_writable(void *p, size_t n);

/* Whether (path) is a string the kernel may read: 0, -EFAULT,
 * -ENAMETOOLONG (VFS_PATH_MAX bytes or more), or -ENOENT for "". */
int user_path(const char *path);

/* netif_ioctl.c, where <net/if.h> links it: the interface requests
 * (SIOCGIF*) on a socket, -ENOTTY for the others. */
int netif_ioctl(unsigned long req, void *arg) __attribute__((__weak__));

/* path.c: the file creation mask umask() set. */
mode_t sys_file_umask(void);

/* fd_io.c: (rc) of a write to (fd), after raising SIGPIPE in the caller
 * if it is -EPIPE (a pipe or stream socket whose other end is gone). */
long sys_epipe(int fd, long rc);

/* socket.c: whether (fd) is a datagram socket, whose EPIPE comes without
 * SIGPIPE, as on Linux. */
bool socket_fd_is_datagram(int fd);

/* Runs (expr) with (f) the file behind (fd), holding a reference; -EBADF
 * when (fd) is not open. */
#define ON_FD(fd, f, expr)                                                     \
	({                                                                     \
		struct vfs_file *f = fd_get(fd);                               \
		long rc_ = -EBADF;                                             \
		if (f) {                                                       \
			rc_ = (expr);                                          \
			vfs_file_put(f);                                       \
		}                                                              \
		rc_;                                                           \
	})

#endif /* SYS_IMPL_H */
