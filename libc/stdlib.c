// SPDX-License-Identifier: MIT
/* Small <stdlib.h> functions: integer helpers, atoi family, getenv. */
#include <stdlib.h>
#include <string.h>

#include <kernel/cmdline.h>

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}

long long llabs(long long x)
{
	return x < 0 ? -x : x;
}

div_t div(int num, int den)
{
	return (div_t){ num / den, num % den };
}

ldiv_t ldiv(long num, long den)
{
	return (ldiv_t){ num / den, num % den };
}

lldiv_t lldiv(long long num, long long den)
{
	return (lldiv_t){ num / den, num % den };
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
	return strtoll(s, NULL, 10);
}

/* The environment is the kernel options of the form KEY=value. */
char *getenv(const char *name)
{
	const struct cmdline *cl = &kernel_cmdline;

	for (unsigned i = cl->noptions; i-- > 0;)
		if (strcmp(cl->key[i], name) == 0)
			return cl->value[i];
	return NULL;
}
