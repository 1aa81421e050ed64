// SPDX-License-Identifier: MIT
/* <wchar.h>'s stdio: orientation (fwide), wide output and input on a
 * file in C.UTF-8 and in C, swprintf/swscanf, ungetwc. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "check.h"

static void dump(const char *path)
{
	unsigned char buf[128];
	FILE *f = fopen(path, "rb");
	size_t n = fread(buf, 1, sizeof(buf), f);

	fclose(f);
	print_hex(path, buf, n);
}

int test_wide(void)
{
	CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL);
	FILE *f = fopen("w.txt", "w+");
	printf("fwide new %d\n", fwide(f, 0));
	CHECK(fputws(L"a\u00e9\u20ac\U0001F600", f) >= 0);
	printf("fwide after fputws %d, byte op %d\n", fwide(f, 0),
	       fputc('x', f));
	fwprintf(f, L"|%d|%ls|%lc|%5.2f", 7, L"\u03c0", (wint_t)L'\u00df', 2.5);
	rewind(f);
	wint_t c;
	printf("read:");
	while ((c = fgetwc(f)) != WEOF)
		printf(" %x", (unsigned)c);
	printf("\n");
	fclose(f);
	dump("w.txt");
	/* An invalid sequence: EILSEQ and the error flag. */
	f = fopen("bad.txt", "w+");
	fputs("ok\xff", f);
	rewind(f);
	CHECK(fgetwc(f) == L'o' && fgetwc(f) == L'k');
	errno = 0;
	c = fgetwc(f);
	printf("bad byte: %s errno %s\n", c == WEOF ? "WEOF" : "char",
	       errno == EILSEQ ? "EILSEQ" : "other");
	fclose(f);
	f = fopen("u.txt", "w+");
	fputws(L"xyz", f);
	rewind(f);
	CHECK(fgetwc(f) == L'x');
	CHECK(ungetwc(L'\u00e9', f) == L'\u00e9');
	CHECK(fgetwc(f) == L'\u00e9' && fgetwc(f) == L'y');
	wchar_t line[16];
	rewind(f);
	CHECK(fgetws(line, 16, f) != NULL);
	printf("fgetws %ls\n", line);
	fclose(f);
	wchar_t w[64];
	int n = swprintf(w, 64, L"%d %s %ls %#x %.3e", -5, "narrow", L"wide",
			 255, 1234.5);
	printf("swprintf %d <%ls>\n", n, w);
	printf("swprintf too small %d\n", swprintf(w, 4, L"%s", "toolong"));
	int a;
	wchar_t ws[16];
	double d;
	n = swscanf(L"12 w\u00f6rd 3.5", L"%d %ls %lf", &a, ws, &d);
	printf("swscanf %d %d %ls %a\n", n, a, ws, d);
	/* In the C locale bytes above 0x7f still map one to one (musl). */
	setlocale(LC_ALL, "C");
	f = fopen("c.txt", "w+");
	fputws(L"A\u00e9", f);
	rewind(f);
	printf("C locale:");
	while ((c = fgetwc(f)) != WEOF)
		printf(" %x", (unsigned)c);
	printf("\n");
	fclose(f);
	dump("c.txt");
	return 0;
}
