// SPDX-License-Identifier: MIT
// run: solo
/* exit(): atexit handlers in reverse order (one registering another),
 * destructors, stdio flushed, the status; constructors ran before
 * main. */
#include <stdlib.h>

#include "check.h"

static int constructed;

__attribute__((constructor)) static void ctor(void)
{
	constructed = 1;
}

__attribute__((destructor)) static void dtor(void)
{
	printf("destructor\n");
}

static void third(void)
{
	printf("registered during exit\n");
}

static void first(void)
{
	printf("atexit first (runs last)\n");
}

static void second(void)
{
	printf("atexit second\n");
	atexit(third);
}

int test_exit(void)
{
	printf("constructor ran: %d\n", constructed);
	CHECK(atexit(first) == 0 && atexit(second) == 0);
	setvbuf(stdout, NULL, _IOFBF, 4096);
	printf("buffered until exit\n");
	exit(3);
}
