// SPDX-License-Identifier: MIT
/* strptime over inputs and formats: the fields it sets, where it stops,
 * and where it fails; getdate is left out (it needs DATEMSK files). */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>

#include "check.h"

static const struct {
	const char *in, *fmt;
} cases[] = {
	{"2024-03-10 02:30:00", "%Y-%m-%d %H:%M:%S"},
	{"2024-03-10T02:30:00rest", "%FT%T"},
	{"Tue Feb 13 23:31:30 2009", "%c"},
	{"02/13/09", "%D"},
	{"13 February 2009", "%d %B %Y"},
	{"13 feb 09", "%d %b %y"},
	{"68 69 70", "%y %y %y"},
	{"11:59:59 PM", "%r"},
	{"12 am", "%I %p"},
	{"  7", "%e"},
	{"365", "%j"},
	{"1234567890", "%s"},
	{"Monday", "%A"},
	{"mon", "%a"},
	{"19 99", "%C %y"},
	{"2009 6 5", "%Y %U %w"},
	{"%literal", "%%literal"},
	{"23:61", "%H:%M"},
	{"24:00", "%H:%M"},
	{"13/45", "%m/%d"},
	{"2009-02-30", "%Y-%m-%d"},
	{"abc", "%Y"},
	{"2009", "%Y-%m"},
	{"   2009   12", "%Y %m"},
	{"+0100", "%z"},
	{"2009\t12", "%Y%n%m"},
	{"10:20", "%R"},
	{"10:20:30", "%T"},
	{"1/2/3", "%x"},
	{"1:2:3", "%X"},
};

int test_strptime(void)
{
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = -1;
		tm.tm_wday = -1;
		tm.tm_yday = -1;
		const char *end = strptime(cases[i].in, cases[i].fmt, &tm);
		printf("\"%s\" \"%s\": ", cases[i].in, cases[i].fmt);
		if (!end) {
			printf("NULL\n");
			continue;
		}
		printf("stop %td: %d-%d-%d %d:%d:%d wday %d yday %d\n",
		       end - cases[i].in, tm.tm_year, tm.tm_mon, tm.tm_mday,
		       tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday,
		       tm.tm_yday);
	}
	/* Round trip through strftime. */
	time_t t = 1718000000;
	struct tm a, b;
	char buf[64];
	gmtime_r(&t, &a);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &a);
	memset(&b, 0, sizeof(b));
	CHECK(strptime(buf, "%Y-%m-%d %H:%M:%S", &b) != NULL);
	CHECK(timegm(&b) == t);
	printf("round trip %s\n", buf);
	return 0;
}
