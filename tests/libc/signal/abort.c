// SPDX-License-Identifier: MIT
// run: solo
/* abort() raises SIGABRT; a handler that ends the process with _exit
 * decides the exit status (the default action would differ between a
 * Linux process and Toro's report, status 125). */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static void on_abort(int sig)
{
	printf("SIGABRT handled (%d)\n", sig == SIGABRT);
	fflush(stdout);
	_exit(7);
}

int test_abort(void)
{
	signal(SIGABRT, on_abort);
	printf("calling abort\n");
	abort();
	return 1;
}
