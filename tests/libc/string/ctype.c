// SPDX-License-Identifier: MIT
/* <ctype.h>: every class of every byte and EOF in the C locale, and the
 * same in C.UTF-8 (musl: bytes above 0x7f are in no class either way). */
#include <ctype.h>
#include <locale.h>
#include <stdio.h>

#include "check.h"

static void table(void)
{
	for (int c = -1; c < 256; c += 16) {
		printf("%4d:", c);
		for (int i = c; i < c + 16 && i < 256; i++)
			printf(" %c%c%c%c%c%c%c%c%c%c%c%c%02x%02x",
			       isalnum(i) ? 'n' : '-', isalpha(i) ? 'a' : '-',
			       isblank(i) ? 'b' : '-', iscntrl(i) ? 'c' : '-',
			       isdigit(i) ? 'd' : '-', isgraph(i) ? 'g' : '-',
			       islower(i) ? 'l' : '-', isprint(i) ? 'p' : '-',
			       ispunct(i) ? 'u' : '-', isspace(i) ? 's' : '-',
			       isupper(i) ? 'U' : '-', isxdigit(i) ? 'x' : '-',
			       toupper(i) & 0xff, tolower(i) & 0xff);
		printf("\n");
		if (c == -1)
			c = -16;
	}
	printf("isascii %d %d toascii %d\n", isascii(0x7f), isascii(0x80),
	       toascii(0xc1));
}

int test_ctype(void)
{
	table();
	CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	table();
	locale_t l = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	CHECK(l != (locale_t)0);
	CHECK(isalpha_l('q', l) && !isalpha_l(0xe9, l) &&
	      toupper_l('q', l) == 'Q');
	freelocale(l);
	setlocale(LC_ALL, "C");
	return 0;
}
