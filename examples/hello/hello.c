// SPDX-License-Identifier: MIT
/* The smallest Toro application: an ordinary C program. */
#include <stdio.h>

#include <toro/cpu.h>

int main(void)
{
	printf("Hello from Toro on %u CPUs\n", cpu_count());
	return 0;
}
