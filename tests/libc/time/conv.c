// SPDX-License-Identifier: MIT
/* <time.h>'s conversions under POSIX TZ strings set with setenv+tzset
 * (no zoneinfo files on either side): gmtime, localtime, mktime across
 * daylight-saving changes, timegm, tzname/timezone/daylight, tm_gmtoff
 * and tm_zone, asctime/ctime, difftime; <sys/time.h>'s utimes and
 * <sys/timeb.h>'s ftime only as calls that succeed. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timeb.h>
#include <time.h>
#include <utime.h>

#include "check.h"

static void show(const char *what, const struct tm *tm)
{
	if (!tm) {
		printf("%s: NULL\n", what);
		return;
	}
	printf("%s: %04d-%02d-%02d %02d:%02d:%02d wday %d yday %d isdst %d "
	       "gmtoff %ld zone %s\n",
	       what, tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday,
	       tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_wday, tm->tm_yday,
	       tm->tm_isdst, tm->tm_gmtoff, tm->tm_zone ? tm->tm_zone : "-");
}

static const time_t stamps[] = {
	0,
	-1,
	86399,
	951782400,
	1000000000,
	1078012800,
	1234567890,
	1710054000,
	1710053999,
	1710057600,
	1730613600,
	1730617200,
	1730620800,
	2147483647,
	2147483648LL,
	-2147483648LL,
	4102444800LL,
	253402300799LL,
	-62135596800LL,
};

static const char *const zones[] = {
	"UTC0",
	"EST5EDT,M3.2.0,M11.1.0",
	"CET-1CEST,M3.5.0,M10.5.0/3",
	"<+0530>-5:30",
	"NZST-12NZDT,M9.5.0,M4.1.0/3",
	"AEST-10AEDT,M10.1.0,M4.1.0/3",
	"<-03>3",
	"IST-2IDT,M3.4.4/26,M10.5.0",
	"XXX3YYY,J60/2,300/1:30",
};

static void zone(const char *tz)
{
	CHECK(setenv("TZ", tz, 1) == 0);
	tzset();
	printf("TZ=%s: tzname %s/%s timezone %ld daylight %d\n", tz, tzname[0],
	       tzname[1], timezone, daylight);
	for (unsigned i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		struct tm tm, *r = localtime_r(&stamps[i], &tm);
		char what[48];

		snprintf(what, sizeof(what), "  %lld", (long long)stamps[i]);
		show(what, r);
		if (r) {
			struct tm back = tm;
			time_t t = mktime(&back);
			CHECK(t == stamps[i]);
		}
	}
	/* mktime normalises fields and resolves isdst. */
	struct tm in[] = {
		{.tm_year = 124,
		 .tm_mon = 2,
		 .tm_mday = 10,
		 .tm_hour = 2,
		 .tm_min = 30,
		 .tm_isdst = -1},
		{.tm_year = 124,
		 .tm_mon = 10,
		 .tm_mday = 3,
		 .tm_hour = 1,
		 .tm_min = 30,
		 .tm_isdst = -1},
		{.tm_year = 124,
		 .tm_mon = 10,
		 .tm_mday = 3,
		 .tm_hour = 1,
		 .tm_min = 30,
		 .tm_isdst = 1},
		{.tm_year = 124,
		 .tm_mon = 10,
		 .tm_mday = 3,
		 .tm_hour = 1,
		 .tm_min = 30,
		 .tm_isdst = 0},
		{.tm_year = 123,
		 .tm_mon = 13,
		 .tm_mday = 35,
		 .tm_hour = 25,
		 .tm_min = 61,
		 .tm_sec = 61,
		 .tm_isdst = -1},
		{.tm_year = 124, .tm_mon = 0, .tm_mday = 0, .tm_isdst = -1},
		{.tm_year = 124,
		 .tm_mon = -1,
		 .tm_mday = -30,
		 .tm_hour = -1,
		 .tm_isdst = 0},
	};
	for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		time_t t = mktime(&in[i]);
		char what[48];

		snprintf(what, sizeof(what), "  mktime %lld", (long long)t);
		show(what, &in[i]);
	}
}

int test_conv(void)
{
	for (unsigned i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		struct tm tm;
		char what[48];

		snprintf(what, sizeof(what), "gmtime %lld",
			 (long long)stamps[i]);
		show(what, gmtime_r(&stamps[i], &tm));
		CHECK(timegm(&tm) == stamps[i]);
	}
	time_t huge = (time_t)1 << 60;
	errno = 0;
	CHECK(gmtime(&huge) == NULL && errno == EOVERFLOW);
	for (unsigned i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		zone(zones[i]);
	setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
	time_t t = 1234567890;
	char buf[32];
	printf("ctime %s", ctime(&t));
	printf("ctime_r %s", ctime_r(&t, buf));
	printf("asctime %s", asctime(gmtime(&t)));
	printf("difftime %a %a\n", difftime(t, 0), difftime(0, t));
	/* A bad TZ falls back to UTC, as musl does. */
	setenv("TZ", "!!bad", 1);
	tzset();
	show("bad TZ", localtime(&t));
	unsetenv("TZ");
	tzset();
	/* Timestamps on a file. */
	FILE *f = fopen("stamp", "w");
	fclose(f);
	struct utimbuf ub = {.actime = 1000000000, .modtime = 1234567890};
	CHECK_OK(utime("stamp", &ub));
	struct stat st;
	CHECK(stat("stamp", &st) == 0);
	printf("utime: atime %lld mtime %lld\n", (long long)st.st_atime,
	       (long long)st.st_mtime);
	struct timeval tv[2] = {{5, 0}, {7, 500000}};
	CHECK_OK(utimes("stamp", tv));
	CHECK(stat("stamp", &st) == 0);
	printf("utimes: mtime %lld.%09ld\n", (long long)st.st_mtime,
	       st.st_mtim.tv_nsec);
	struct timeb tb;
	CHECK(ftime(&tb) == 0 && tb.time > 1600000000);
	return 0;
}
