// SPDX-License-Identifier: MIT
/* <errno.h>, strerror(), strerror_r() (both), strsignal(), perror(): the
 * texts of every error and signal number. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

int test_strerror(void)
{
	char buf[128];

	for (int e = 0; e < 140; e++)
		printf("%d %s\n", e, strerror(e));
	printf("-1 %s\n", strerror(-1));
	CHECK(strerror_r(EINVAL, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "Invalid argument");
	CHECK(strerror_r(EINVAL, buf, 4) == ERANGE);
	printf("short strerror_r <%s>\n", buf);
	for (int s = 0; s < 66; s++)
		printf("sig %d %s\n", s, strsignal(s));
	printf("EAGAIN==EWOULDBLOCK %d ENOTSUP==EOPNOTSUPP %d "
	       "EDEADLK==EDEADLOCK %d\n",
	       EAGAIN == EWOULDBLOCK, ENOTSUP == EOPNOTSUPP,
	       EDEADLK == EDEADLOCK);
	errno = ENOENT;
	fflush(stdout);
	perror("perror");
	errno = 0;
	perror(NULL);
	fflush(stderr);
	printf("program_invocation_short_name %s\n",
	       program_invocation_short_name);
	return 0;
}
