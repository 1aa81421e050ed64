// SPDX-License-Identifier: MIT
/*
 * daemon() (replaces musl's, which forks twice and fails here, having
 * already sent stdout to /dev/null: the program then ended without a
 * word). The program is the machine's only process and already runs
 * detached from any terminal, so there is nothing to fork away from:
 * this does to the process what daemon() does to its child (the
 * working directory to "/" unless (nochdir); stdin, stdout and stderr to
 * /dev/null unless (noclose), as on Linux: a daemon that logs uses
 * syslog(), which reaches the console) and returns 0 in it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

int daemon(int nochdir, int noclose)
{
	int fd, failed = 0;

	if (!nochdir && chdir("/"))
		return -1;
	if (noclose)
		return 0;
	if ((fd = open("/dev/null", O_RDWR)) < 0)
		return -1;
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		failed = 1;
	if (fd > 2)
		close(fd);
	return failed ? -1 : 0;
}
