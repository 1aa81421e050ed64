// SPDX-License-Identifier: MIT
/* <wchar.h>, <wctype.h>, <uchar.h>: multibyte conversions in C and
 * C.UTF-8 (valid, invalid, truncated and overlong sequences), the wide
 * string functions, classes and case maps over code-point ranges, widths,
 * and the char16_t/char32_t conversions. */
#define _GNU_SOURCE
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>
#include <wchar.h>
#include <wctype.h>

#include "check.h"

static const char *const seqs[] = {
	"A",
	"\xc3\xa9",
	"\xe2\x82\xac",
	"\xf0\x9f\x98\x80",
	"\xc3",
	"\xe2\x82",
	"\x80",
	"\xc0\xaf",
	"\xe0\x80\xaf",
	"\xed\xa0\x80",
	"\xf4\x90\x80\x80",
	"\xff",
	"\xef\xbb\xbf",
	"",
};

static void multibyte(void)
{
	for (unsigned i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		mbstate_t st;
		wchar_t wc = 0;
		size_t len = strlen(seqs[i]);

		memset(&st, 0, sizeof(st));
		errno = 0;
		size_t r = mbrtowc(&wc, seqs[i], len + (len == 0), &st);
		printf(" [%zd %x %d %d]", (ssize_t)r, (unsigned)wc,
		       errno == EILSEQ, mbsinit(&st));
	}
	printf("\n");
	/* Byte by byte, through the state. */
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	const char *s = "\xf0\x9f\x98\x80";
	wchar_t wc;
	for (int i = 0; i < 4; i++)
		printf(" %zd", (ssize_t)mbrtowc(&wc, s + i, 1, &st));
	printf(" -> %x\n", (unsigned)wc);
	wchar_t w[32];
	size_t n = mbstowcs(w, "h\xc3\xa9llo \xe2\x82\xac", 32);
	printf("mbstowcs %zd:", (ssize_t)n);
	for (size_t i = 0; i < n && n != (size_t)-1; i++)
		printf(" %x", (unsigned)w[i]);
	printf("\n");
	char b[64];
	n = wcstombs(b, L"\u00e9\u20ac\U0001F600!", sizeof(b));
	printf("wcstombs %zd ", (ssize_t)n);
	print_hex("", b, n == (size_t)-1 ? 0 : n);
	printf("wcstombs(NULL) %zd\n", (ssize_t)wcstombs(NULL, L"\u00e9x", 0));
	const wchar_t bad[] = {0xd800, 0};
	errno = 0;
	printf("wcstombs surrogate %zd %d\n", (ssize_t)wcstombs(b, bad, 64),
	       errno == EILSEQ);
	const wchar_t wcs[] = {0x41,	 0xe9,	   0x20ac, 0x1f600,
			       0x10ffff, 0x110000, 0xd800, 0x7fffffff};
	for (unsigned i = 0; i < sizeof(wcs) / sizeof(wcs[0]); i++) {
		mbstate_t z;
		memset(&z, 0, sizeof(z));
		n = wcrtomb(b, wcs[i], &z);
		printf(" %zd", (ssize_t)n);
	}
	printf(" wctob %d %d btowc %x %x\n", wctob(L'A'), wctob(0xe9),
	       (unsigned)btowc('b'), (unsigned)btowc(0xe9));
	printf("mblen %d %d MB_CUR_MAX %zu\n", mblen("\xe2\x82\xac", 3),
	       mblen("\xe2\x82", 2), MB_CUR_MAX);
	const char *src = "ab\xc3\xa9\xe2";
	memset(&st, 0, sizeof(st));
	const char *p = src;
	n = mbsrtowcs(w, &p, 32, &st);
	printf("mbsrtowcs %zd stop %td\n", (ssize_t)n, p ? p - src : -1);
	p = src;
	n = mbsnrtowcs(w, &p, 4, 32, &st);
	printf("mbsnrtowcs %zd stop %td\n", (ssize_t)n, p ? p - src : -1);
}

static void classes(void)
{
	const wint_t start[] = {0x0,	0x80,	0xc0,	0x370,	 0x400,
				0x5d0,	0x660,	0x2000, 0x3000,	 0x3040,
				0x4e00, 0xac00, 0xff00, 0x1f600, 0xe0000};
	const char *names[] = {"alnum", "alpha", "blank", "cntrl",
			       "digit", "graph", "lower", "print",
			       "punct", "space", "upper", "xdigit"};

	for (unsigned s = 0; s < sizeof(start) / sizeof(start[0]); s++) {
		unsigned h = 0, w = 0;

		for (wint_t c = start[s]; c < start[s] + 256; c++) {
			for (unsigned k = 0; k < 12; k++)
				h = h * 3 +
				    (iswctype(c, wctype(names[k])) != 0);
			h = h * 7 + towupper(c) * 3 + towlower(c);
			w = w * 5 + (unsigned)(wcwidth(c) + 1);
		}
		printf("U+%05x: classes %08x width %08x\n", (unsigned)start[s],
		       h, w);
	}
	printf("wcswidth %d %d\n", wcswidth(L"a\u00e9\u4e00\u0301", 10),
	       wcswidth(L"a\x07", 2));
	printf("towctrans %x %x wctype(bad) %lu\n",
	       (unsigned)towctrans(L'a', wctrans("toupper")),
	       (unsigned)towctrans(0x3a3, wctrans("tolower")),
	       (unsigned long)wctype("bogus"));
}

static void strings(void)
{
	wchar_t a[32] = L"hello", b[32];

	wcscpy(b, a);
	wcscat(b, L" world");
	printf("%ls %zu %d %d\n", b, wcslen(b), wcscmp(a, b) < 0,
	       wcsncmp(a, b, 5));
	printf("wcschr %td wcsrchr %td wcsstr %td wcsspn %zu wcscspn %zu "
	       "wcspbrk %td\n",
	       wcschr(b, L'o') - b, wcsrchr(b, L'o') - b, wcsstr(b, L"wor") - b,
	       wcsspn(b, L"leh"), wcscspn(b, L" "), wcspbrk(b, L"dw") - b);
	wchar_t t[] = L"a,b;;c", *save;
	for (wchar_t *tok = wcstok(t, L",;", &save); tok;
	     tok = wcstok(NULL, L",;", &save))
		printf("tok %ls ", tok);
	printf("\n");
	wchar_t *e;
	printf("wcstol %ld wcstoul %lu wcstod %a wcstold %La\n",
	       wcstol(L" -0x1f", &e, 0), wcstoul(L"777", NULL, 8),
	       wcstod(L"1.5e3x", &e), wcstold(L"0x1p-3", NULL));
	printf("stop %ls\n", e);
	wmemset(a, L'z', 3);
	wmemmove(a + 1, a, 4);
	printf("wmem %ls %d %td\n", a, wmemcmp(a, L"zzz", 3),
	       wmemchr(a, L'l', 8) - a);
	printf("wcsdup %ls wcscasecmp %d wcsncasecmp %d wcsnlen %zu\n",
	       wcsdup(L"dup"), wcscasecmp(L"ABC", L"abc"),
	       wcsncasecmp(L"ABx", L"aby", 2), wcsnlen(L"abcdef", 3));
	printf("wcscoll %d wcsxfrm %zu\n", wcscoll(L"a", L"b") < 0,
	       wcsxfrm(b, L"xfrm", 32));
}

static void uchar(void)
{
	char b[8];
	mbstate_t st;
	char16_t c16;
	char32_t c32;

	memset(&st, 0, sizeof(st));
	size_t n = c32rtomb(b, 0x1f600, &st);
	print_hex("c32rtomb", b, n);
	n = mbrtoc16(&c16, "\xf0\x9f\x98\x80", 4, &st);
	printf("mbrtoc16 %zd %x", (ssize_t)n, (unsigned)c16);
	n = mbrtoc16(&c16, "", 0, &st);
	printf(" then %zd %x\n", (ssize_t)n, (unsigned)c16);
	n = c16rtomb(b, 0xd83d, &st);
	printf("c16rtomb high %zd ", (ssize_t)n);
	n = c16rtomb(b, 0xde00, &st);
	print_hex("low", b, n);
	n = mbrtoc32(&c32, "\xe2\x82\xac", 3, &st);
	printf("mbrtoc32 %zd %x\n", (ssize_t)n, (unsigned)c32);
}

int test_wchar(void)
{
	printf("C:");
	multibyte();
	CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL);
	printf("C.UTF-8:");
	multibyte();
	classes();
	strings();
	uchar();
	setlocale(LC_ALL, "C");
	return 0;
}
