/* SPDX-License-Identifier: MIT */
/*
 * Small compiler helpers used everywhere in the kernel. Everything here is
 * plain C that also compiles on the host, so pure modules can be unit-tested.
 */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#define __packed	__attribute__((packed))
#define __aligned(n)	__attribute__((aligned(n)))
#define __noreturn	__attribute__((noreturn))
#define __used		__attribute__((used))
#define __section(s)	__attribute__((section(s)))
#define __printf(f, a)	__attribute__((format(printf, f, a)))
#define __weak		__attribute__((weak))
/* Run once or rarely (boot-time set-up): compiled for size, kept apart. */
#define __cold		__attribute__((cold))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Round (x) to a multiple of (a), which must be a power of two. */
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a)		ALIGN_DOWN((x) + (a) - 1, (a))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)

#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member)                                        \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Single loads and stores the compiler may not tear, merge or elide. */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

/* Compiler-only barrier: x86 keeps stores ordered with stores and loads
 * with loads, so most cross-CPU protocols need no more than this. */
#define barrier()	__asm__ volatile("" ::: "memory")

#define STATIC_ASSERT(c, msg)	_Static_assert(c, msg)

#endif /* KERNEL_COMPILER_H */
