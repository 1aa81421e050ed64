// SPDX-License-Identifier: MIT
/* <time.h> with a zoneinfo (TZif) file: TZ naming a file by path, which
 * the C library maps to read. The file is written here (version 2, two
 * zones: AAA +1 h before the transition at 1000000 s, BBB +2 h from then
 * on, as its footer's rule also says), so neither side needs the host's
 * zoneinfo. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void be(unsigned char *p, int64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> 8 * (bytes - 1 - i));
}

/* A header: magic, version '2', then the six counts. */
static unsigned char *header(unsigned char *p, int timecnt, int typecnt,
			     int charcnt)
{
	memcpy(p, "TZif2", 5);
	be(p + 32, timecnt, 4);
	be(p + 36, typecnt, 4);
	be(p + 40, charcnt, 4);
	return p + 44;
}

static int write_zone(const char *path)
{
	static const char footer[] = "\nBBB-2\n";
	unsigned char z[44 + 44 + 8 + 1 + 12 + 8 + sizeof(footer) - 1] = { 0 };
	unsigned char *p = header(z, 0, 0, 0);	/* no version 1 data */
	FILE *f;

	p = header(p, 1, 2, 8);
	be(p, 1000000, 8);	/* the one transition */
	p += 8;
	*p++ = 1;		/* to type 1 */
	be(p, 3600, 4);		/* type 0: AAA, +1 h */
	p[5] = 0;
	p += 6;
	be(p, 7200, 4);		/* type 1: BBB, +2 h */
	p[5] = 4;
	p += 6;
	memcpy(p, "AAA\0BBB\0", 8);
	memcpy(p + 8, footer, sizeof(footer) - 1);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(z, 1, sizeof(z), f);
	return fclose(f);
}

int test_zoneinfo(void)
{
	char path[512], tz[520];
	static const time_t at[] = { 0, 999999, 1000000, 2000000000 };
	struct tm tm;

	CHECK(getcwd(path, sizeof(path) - 16) != NULL);
	strcat(path, "/zone.tzif");
	CHECK_OK(write_zone(path));
	snprintf(tz, sizeof(tz), ":%s", path);
	CHECK_OK(setenv("TZ", tz, 1));
	tzset();
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		CHECK(localtime_r(&at[i], &tm) != NULL);
		printf("%lld: %02d:%02d %s dst %d gmtoff %ld\n",
		       (long long)at[i], tm.tm_hour, tm.tm_min, tm.tm_zone,
		       tm.tm_isdst, tm.tm_gmtoff);
	}
	printf("tzname %s %s\n", tzname[0], tzname[1]);
	tm = (struct tm){ .tm_year = 70, .tm_mday = 20, .tm_hour = 12,
			  .tm_isdst = -1 };
	printf("mktime %lld\n", (long long)mktime(&tm));
	unsetenv("TZ");
	tzset();
	unlink(path);
	return 0;
}
