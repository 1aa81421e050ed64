// SPDX-License-Identifier: MIT
/* <spawn.h>, popen() and system(): there are no processes to start on
 * Toro, so each must fail cleanly there; on the host they run /bin/sh,
 * and nothing is printed either way. (Here because musl's posix_spawn
 * sets signal actions in the child.) */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"

extern char **environ;

int test_spawn(void)
{
	char *argv[] = {"sh", "-c", "exit 3", NULL};
	pid_t child;
	int rc = posix_spawn(&child, "/bin/sh", NULL, NULL, argv, environ);
	int st = 0;

	/* Is there a shell? Yes on the host, no on Toro. */
	CHECK(system(NULL) == !ON_TORO);
	if (ON_TORO) {
		CHECK(rc == ENOSYS);
		CHECK(popen("true", "r") == NULL);
		CHECK_ERR(system("true"), ENOSYS);
		return 0;
	}
	CHECK(rc == 0 && waitpid(child, &st, 0) == child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	FILE *p = popen("echo piped", "r");
	char line[32] = "";
	CHECK(p && fgets(line, sizeof(line), p) && pclose(p) == 0);
	CHECK(strcmp(line, "piped\n") == 0);
	CHECK(WEXITSTATUS(system("exit 5")) == 5);
	return 0;
}
