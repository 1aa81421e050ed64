// SPDX-License-Identifier: MIT
/* Never stops: for the runner's check that --timeout stops a guest. */
#include <stdio.h>

int main(void)
{
	puts("spinning");
	for (;;)
		__asm__ volatile("pause");
}
