// SPDX-License-Identifier: MIT
/* daemon(): on Toro the program goes on as the daemon (there is no
 * parent to leave): daemon(0, 0) moves it to "/" and points stdin,
 * stdout and stderr at /dev/null, daemon(1, 1) changes nothing. On the
 * host it forks, so only Toro's side runs it; nothing is printed either
 * way (stdout is put back afterwards). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* Whether descriptor (fd) is /dev/null. */
static int is_null(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 &&
	       S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev;
}

int test_daemon(void)
{
	char cwd[256], was[256];
	int saved[3];

	if (!ON_TORO)
		return 0;
	CHECK(getcwd(was, sizeof(was)) != NULL);
	CHECK(mkdir("daemon_dir", 0755) == 0 || errno == EEXIST);
	CHECK(chdir("daemon_dir") == 0);
	fflush(stdout);
	for (int i = 0; i < 3; i++)
		CHECK((saved[i] = dup(i)) > 2);

	CHECK(daemon(1, 1) == 0);
	CHECK(!is_null(1));
	CHECK(getcwd(cwd, sizeof(cwd)) && strstr(cwd, "daemon_dir"));

	CHECK(daemon(0, 0) == 0);
	int all_null = is_null(0) && is_null(1) && is_null(2);
	int at_root = getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0;

	for (int i = 0; i < 3; i++) {
		CHECK(dup2(saved[i], i) == i);
		close(saved[i]);
	}
	CHECK(all_null);
	CHECK(at_root);
	CHECK(chdir(was) == 0);
	CHECK(rmdir("daemon_dir") == 0);
	return 0;
}
