// SPDX-License-Identifier: MIT
/*
 * system() (replaces musl's): there is no shell to run a command with,
 * the program being the only process. system(NULL) says so (0: no
 * command processor, which C allows and a careful caller checks), and a
 * command fails with ENOSYS, as posix_spawn() and popen() do.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

int system(const char *cmd)
{
	pthread_testcancel();	/* a cancellation point, as musl's */
	if (!cmd)
		return 0;
	errno = ENOSYS;
	return -1;
}
