/* SPDX-License-Identifier: MIT */
/* <limits.h> for Toro (x86-64, LP64, signed char). */
#ifndef _LIMITS_H
#define _LIMITS_H

#define CHAR_BIT	8
#define SCHAR_MIN	(-128)
#define SCHAR_MAX	127
#define UCHAR_MAX	255
#define CHAR_MIN	SCHAR_MIN
#define CHAR_MAX	SCHAR_MAX
#define MB_LEN_MAX	16
#define SHRT_MIN	(-SHRT_MAX - 1)
#define SHRT_MAX	0x7fff
#define USHRT_MAX	0xffff
#define INT_MIN		(-INT_MAX - 1)
#define INT_MAX		0x7fffffff
#define UINT_MAX	0xffffffffU
#define LONG_MIN	(-LONG_MAX - 1L)
#define LONG_MAX	0x7fffffffffffffffL
#define ULONG_MAX	0xffffffffffffffffUL
#define LLONG_MIN	(-LLONG_MAX - 1LL)
#define LLONG_MAX	0x7fffffffffffffffLL
#define ULLONG_MAX	0xffffffffffffffffULL

#define SSIZE_MAX	LONG_MAX
#define PATH_MAX	4096
#define NAME_MAX	255
#define IOV_MAX		1024

/* Threads (<pthread.h>, <semaphore.h>). */
#define PTHREAD_KEYS_MAX		128
#define PTHREAD_DESTRUCTOR_ITERATIONS	4
#define PTHREAD_STACK_MIN		16384
#define SEM_VALUE_MAX			INT_MAX

#endif /* _LIMITS_H */
