/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own errno, for code that calls lwIP's socket layer, which
 * reports errors through errno. The C library's errno is a thread-local
 * variable of the application's threads, which kernel code never touches
 * (a kernel thread has no thread-local storage); this one lives in the
 * kernel's thread (kernel/cpu.c). Include it instead of <errno.h>.
 */
#ifndef KERNEL_KERRNO_H
#define KERNEL_KERRNO_H

#include <errno.h>

#undef errno
int *kernel_errno_location(void);
#define errno (*kernel_errno_location())

#endif /* KERNEL_KERRNO_H */
