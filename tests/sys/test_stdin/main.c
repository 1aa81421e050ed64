// SPDX-License-Identifier: MIT
/*
 * Standard input from the host: `toro run` forwards its own (here the
 * TEST file's stdin:), the kernel's console input hands it over a line at
 * a time, CR LF read as one line end, and the Ctrl-D `toro run` sends
 * after the last byte ends it, for good.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char line[128];
	unsigned lines = 0, blank = 0, cr = 0, v;
	unsigned long sum = 0;

	if (!fgets(line, sizeof(line), stdin)) {
		/* The end of the input, not an error reading it. */
		printf("no input: end %d, error %d\n", feof(stdin) != 0,
		       ferror(stdin) != 0);
		return 1;
	}
	printf("first: %s", line);
	/* The rest piles up meanwhile, past the kernel's ring (4 KiB),
	 * which must hold it back in the host rather than drop any. */
	usleep(300 * 1000);
	while (fgets(line, sizeof(line), stdin)) {
		lines++;
		cr += strchr(line, '\r') != NULL;
		blank += line[0] == '\n';
		if (sscanf(line, "n=%u", &v) == 1)
			sum += v;
	}
	printf("lines %u blank %u cr %u sum %lu\n", lines, blank, cr, sum);
	clearerr(stdin);
	printf("after the end: %d %zd\n", fgetc(stdin), read(0, line, 1));
	return 0;
}
