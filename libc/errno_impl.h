/* SPDX-License-Identifier: MIT */
/* Private to libc: the POSIX surface over the kernel's -errno results. */
#ifndef LIBC_ERRNO_IMPL_H
#define LIBC_ERRNO_IMPL_H

#include <errno.h>

/* (rc) as a POSIX call returns it: -errno becomes errno and -1. */
static inline long errno_result(long rc)
{
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

#endif /* LIBC_ERRNO_IMPL_H */
