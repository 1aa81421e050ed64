// SPDX-License-Identifier: MIT
/* strftime with every conversion and modifier over a set of dates, in
 * the C and C.UTF-8 locales; wcsftime; strptime parsing them back. */
#define _GNU_SOURCE
#include <locale.h>
#include <stdlib.h>
#include <time.h>
#include <wchar.h>

#include "check.h"

static const char *const fmts[] = {
	"%a %A %b %B %h",
	"%c",
	"%C %y %Y %G %g",
	"%d %e %j",
	"%D %F %T %R",
	"%H %I %k %l %M %S %p %P",
	"%m %n%t%%",
	"%r",
	"%s",
	"%u %w %U %W %V",
	"%x %X",
	"%z %Z",
	"%Ec %EC %Ex %EX %Ey %EY",
	"%Od %Oe %OH %OI %Om %OM",
	"%OS %Ou %OU %OV %Ow %OW %Oy",
	"%+",
	"%10Y|%-d|%_d|%05d|%^a|%#b",
	"%-m/%-d %_H %-I",
	"%+4Y %+6Y %010F",
	"%G-W%V-%u",
	"%Q",
	"",
};

static const time_t dates[] = {
	0,	    951868800,	1104537599,  1104537600,    1230681600,
	1234567890, 1719792000, -1000000000, 32503680000LL, 2524608000LL};

int test_strftime(void)
{
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	for (int loc = 0; loc < 2; loc++) {
		CHECK(setlocale(LC_ALL, loc ? "C.UTF-8" : "C") != NULL);
		for (unsigned d = 0; d < sizeof(dates) / sizeof(dates[0]);
		     d++) {
			struct tm tm;

			localtime_r(&dates[d], &tm);
			for (unsigned f = 0; f < sizeof(fmts) / sizeof(fmts[0]);
			     f++) {
				char out[256];
				size_t n = strftime(out, sizeof(out), fmts[f],
						    &tm);

				printf("%zu [%s]\n", n, out);
			}
		}
	}
	struct tm tm;
	time_t t = 1234567890;
	gmtime_r(&t, &tm);
	char small[8];
	printf("too small: %zu\n", strftime(small, sizeof(small), "%c", &tm));
	wchar_t w[64];
	size_t n = wcsftime(w, 64, L"%A %d %B %Y %H:%M", &tm);
	printf("wcsftime %zu [%ls]\n", n, w);
	locale_t l = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	char out[64];
	strftime_l(out, sizeof(out), "%x", &tm, l);
	printf("strftime_l [%s]\n", out);
	freelocale(l);
	setlocale(LC_ALL, "C");
	unsetenv("TZ");
	tzset();
	return 0;
}
