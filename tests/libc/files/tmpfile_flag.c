// SPDX-License-Identifier: MIT
/* open() with O_TMPFILE: Linux's checks (write access, no O_CREAT, a
 * directory that exists), then an unnamed file where the file system can
 * make one, else EOPNOTSUPP, which is what Toro's say (so a program falls
 * back to a named temporary file, as it does on such a Linux). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void say(const char *what, int rc)
{
	printf("%s: %d %s\n", what, rc < 0 ? -1 : 0,
	       rc < 0 ? strerror(errno) : "");
	if (rc >= 0)
		close(rc);
}

int test_tmpfile_flag(void)
{
	int fd = open("plain", O_CREAT | O_WRONLY | O_TRUNC, 0600);

	CHECK(fd >= 0);
	close(fd);
	say("read-only", open(".", O_TMPFILE | O_RDONLY, 0600));
	say("with O_CREAT", open(".", O_TMPFILE | O_CREAT | O_RDWR, 0600));
	say("no such directory", open("none", O_TMPFILE | O_RDWR, 0600));
	say("a file", open("plain", O_TMPFILE | O_RDWR, 0600));
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	if (ON_TORO)
		CHECK(fd < 0 && errno == EOPNOTSUPP);
	else if (fd >= 0)
		close(fd);
	CHECK_OK(unlink("plain"));
	return 0;
}
