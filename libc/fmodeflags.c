// SPDX-License-Identifier: MIT
/*
 * __fmodeflags() (replaces musl's): fopen()'s and freopen()'s mode string
 * as open() flags. Ours also names vfs_tmp_wanted, so that a program
 * opening files with stdio, which may create them, has a writable /tmp
 * (fs/tmp_auto.c).
 */
#include <fcntl.h>
#include <string.h>

#include "stdio_impl.h"

#include <kernel/vfs.h>

static const char *const wants_tmp __attribute__((used)) = &vfs_tmp_wanted;

int __fmodeflags(const char *mode)
{
	int flags = strchr(mode, '+') ? O_RDWR
		    : *mode == 'r' ? O_RDONLY : O_WRONLY;

	if (*mode != 'r')	/* "w" and "a" make the file */
		flags |= O_CREAT;
	if (*mode == 'w')
		flags |= O_TRUNC;
	if (*mode == 'a')
		flags |= O_APPEND;
	if (strchr(mode, 'x'))
		flags |= O_EXCL;
	if (strchr(mode, 'e'))
		flags |= O_CLOEXEC;
	return flags;
}
