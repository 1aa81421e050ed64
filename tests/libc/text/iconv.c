// SPDX-License-Identifier: MIT
/* <iconv.h>: a text through every charset musl knows, both ways where it
 * can, with the errors POSIX names (EILSEQ, EINVAL for a truncated input,
 * E2BIG) and where each stops. */
#include <iconv.h>
#include <string.h>

#include "check.h"

static const char *const sets[] = {
	"UTF-8",       "UTF-16",       "UTF-16LE",    "UTF-16BE", "UTF-32",
	"UTF-32LE",    "UCS-2",	       "UCS-2BE",     "UCS-4",	  "WCHAR_T",
	"ASCII",       "US-ASCII",     "ISO-8859-1",  "LATIN1",	  "ISO-8859-2",
	"ISO-8859-15", "WINDOWS-1252", "CP1251",      "KOI8-R",	  "CP437",
	"SHIFT_JIS",   "EUC-JP",       "ISO-2022-JP", "GB2312",	  "GBK",
	"GB18030",     "BIG5",	       "EUC-KR",      "utf8",	  "nonexistent",
};

static const char text[] =
	"Az \xc3\xa9\xc3\x9f \xe2\x82\xac \xd0\x96 "
	"\xe6\x97\xa5\xe6\x9c\xac \xea\xb0\x80 \xf0\x9f\x98\x80";

static void one(const char *to)
{
	iconv_t cd = iconv_open(to, "UTF-8");

	printf("%-12s", to);
	if (cd == (iconv_t)-1) {
		printf(" open fails, errno %s\n",
		       errno == EINVAL ? "EINVAL" : "?");
		return;
	}
	char out[256];
	char *in = (char *)text, *o = out;
	size_t il = sizeof(text) - 1, ol = sizeof(out);
	errno = 0;
	size_t r = iconv(cd, &in, &il, &o, &ol);
	printf(" r %zd errno %d left %zu out", (ssize_t)r,
	       r == (size_t)-1 ? errno : 0, il);
	for (char *p = out; p < o; p++)
		printf("%02x", (unsigned char)*p);
	printf("\n");
	iconv_close(cd);
	/* Back to UTF-8, what came out. */
	cd = iconv_open("UTF-8", to);
	if (cd == (iconv_t)-1)
		return;
	char back[256];
	char *i2 = out, *o2 = back;
	size_t l2 = (size_t)(o - out), b2 = sizeof(back);
	r = iconv(cd, &i2, &l2, &o2, &b2);
	printf("%-12s back r %zd left %zu: %.*s\n", "", (ssize_t)r, l2,
	       (int)(o2 - back), back);
	iconv_close(cd);
}

int test_iconv(void)
{
	for (unsigned i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		one(sets[i]);
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
	char out[8], *o = out;
	char *in = (char *)"\xe2\x82";
	size_t il = 2, ol = sizeof(out);
	errno = 0;
	CHECK(iconv(cd, &in, &il, &o, &ol) == (size_t)-1 && errno == EINVAL);
	in = (char *)"\xff";
	il = 1;
	errno = 0;
	CHECK(iconv(cd, &in, &il, &o, &ol) == (size_t)-1 && errno == EILSEQ);
	in = (char *)"abcdefgh";
	il = 8;
	o = out;
	ol = 5;
	errno = 0;
	size_t r = iconv(cd, &in, &il, &o, &ol);
	printf("E2BIG %d consumed %zu written %td\n",
	       r == (size_t)-1 && errno == E2BIG, 8 - il, o - out);
	CHECK(iconv(cd, NULL, NULL, NULL, NULL) == 0);
	iconv_close(cd);
	return 0;
}
