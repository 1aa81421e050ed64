// SPDX-License-Identifier: MIT
// run: solo
/* quick_exit(): at_quick_exit handlers run, atexit handlers do not. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static void not_run(void)
{
	printf("atexit handler (must not run)\n");
}

static void quick(void)
{
	printf("at_quick_exit handler\n");
	fflush(stdout);
}

int test_quick_exit(void)
{
	atexit(not_run);
	CHECK(at_quick_exit(quick) == 0);
	quick_exit(4);
}
