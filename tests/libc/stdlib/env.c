// SPDX-License-Identifier: MIT
/* <stdlib.h>'s environment: getenv, setenv, unsetenv, putenv, clearenv,
 * secure_getenv, and environ itself. Only variables of its own are
 * printed: the two sides start with different environments. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static int count_mine(void)
{
	int n = 0;

	for (char **e = environ; e && *e; e++)
		n += strncmp(*e, "LT_", 3) == 0;
	return n;
}

int test_env(void)
{
	static char put[] = "LT_PUT=first";

	CHECK(getenv("LT_A") == NULL);
	CHECK(setenv("LT_A", "1", 0) == 0);
	CHECK_STR(getenv("LT_A"), "1");
	CHECK(setenv("LT_A", "2", 0) == 0);
	CHECK_STR(getenv("LT_A"), "1");
	CHECK(setenv("LT_A", "3", 1) == 0);
	CHECK_STR(getenv("LT_A"), "3");
	CHECK_ERR(setenv("LT=B", "x", 1), EINVAL);
	CHECK_ERR(setenv("", "x", 1), EINVAL);
	CHECK_ERR(unsetenv("LT=B"), EINVAL);
	CHECK(putenv(put) == 0);
	CHECK_STR(getenv("LT_PUT"), "first");
	/* putenv's string is the variable: changing one changes the other. */
	memcpy(put + 7, "later", 6);
	CHECK_STR(getenv("LT_PUT"), "later");
	CHECK(setenv("LT_EMPTY", "", 1) == 0);
	CHECK_STR(getenv("LT_EMPTY"), "");
	CHECK_STR(secure_getenv("LT_A"), "3");
	printf("mine: %d\n", count_mine());
	for (int i = 0; i < 200; i++) {
		char name[16], val[16];

		snprintf(name, sizeof(name), "LT_N%d", i);
		snprintf(val, sizeof(val), "v%d", i * i);
		CHECK(setenv(name, val, 1) == 0);
	}
	CHECK_STR(getenv("LT_N199"), "v39601");
	printf("mine: %d\n", count_mine());
	for (int i = 0; i < 200; i += 2) {
		char name[16];

		snprintf(name, sizeof(name), "LT_N%d", i);
		CHECK(unsetenv(name) == 0);
	}
	CHECK(getenv("LT_N100") == NULL && getenv("LT_N101") != NULL);
	CHECK(unsetenv("LT_NEVER") == 0);
	printf("mine: %d\n", count_mine());
	/* A copy of everything, then a clean slate, then back. */
	int n = 0;
	while (environ[n])
		n++;
	char **saved = malloc((n + 1) * sizeof(*saved));
	for (int i = 0; i <= n; i++)
		saved[i] = environ[i] ? strdup(environ[i]) : NULL;
	CHECK(clearenv() == 0);
	CHECK(environ == NULL || environ[0] == NULL);
	CHECK(getenv("LT_A") == NULL);
	CHECK(setenv("LT_ONLY", "yes", 1) == 0);
	CHECK(environ[0] && strcmp(environ[0], "LT_ONLY=yes") == 0 &&
	      environ[1] == NULL);
	clearenv();
	for (int i = 0; i < n; i++)
		if (strncmp(saved[i], "LT_", 3) != 0)
			CHECK(putenv(saved[i]) == 0);
	free(saved);
	printf("mine after restore: %d\n", count_mine());
	return 0;
}
