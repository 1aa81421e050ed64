// SPDX-License-Identifier: MIT
/* argv from the command line after "--", the environment from kernel
 * options, and main()'s return value as the VM's exit status. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=<%s>\n", i, argv[i]);
	printf("GREETING=<%s>\n", getenv("GREETING") ? getenv("GREETING") :
						      "(none)");
	printf("argv[argc]=%s\n", argv[argc] ? "set" : "NULL");
	return argc > 1 ? atoi(argv[1]) : 0;
}
