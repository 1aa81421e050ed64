// SPDX-License-Identifier: MIT
/*
 * __randname() (replaces musl's): fills the six X's of a temporary
 * file's name for tmpfile(), mkstemp(), mkdtemp(), tmpnam() and the
 * others, which try again on a name taken. Ours also names
 * vfs_tmp_wanted: those files go in /tmp, which the program then has
 * (fs/tmp_auto.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <kernel/vfs.h>

static const char *const wants_tmp __attribute__((used)) = &vfs_tmp_wanted;

char *__randname(char *template)
{
	struct timespec ts;
	unsigned long r;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* The time, and where the caller's buffer is, as a seed; letters
	 * of both cases, five bits each. */
	r = (unsigned long)ts.tv_nsec * 65537 ^ (uintptr_t)template ^
	    (uintptr_t)&ts >> 4;
	for (int i = 0; i < 6; i++, r >>= 5)
		template[i] = (char)('A' + (r & 15) + (r & 16) * 2);
	return template;
}
