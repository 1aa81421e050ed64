// SPDX-License-Identifier: MIT
/* <stdlib.h>, <inttypes.h>: the integer and floating conversions over a
 * table of inputs: value, end offset and errno of each. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>

#include "check.h"

static const char *const ints[] = {
	"0",
	"-0",
	"+7",
	"  42xyz",
	"\t\n -17",
	"0x1f",
	"0X1F",
	"0x",
	"0xg",
	"017",
	"09",
	"z",
	"",
	"-",
	"+-1",
	"2147483647",
	"2147483648",
	"-2147483648",
	"-2147483649",
	"9223372036854775807",
	"9223372036854775808",
	"-9223372036854775808",
	"-9223372036854775809",
	"18446744073709551615",
	"18446744073709551616",
	"-1",
	"-18446744073709551615",
	"99999999999999999999999",
	"1e5",
	"  0b101",
	"0377",
	"1_000",
};
static const int bases[] = {0, 10, 16, 8, 2, 36};

static void integers(void)
{
	for (unsigned i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		for (unsigned b = 0; b < sizeof(bases) / sizeof(bases[0]);
		     b++) {
			const char *s = ints[i];
			char *end;
			int e1, e2, e3;

			errno = 0;
			long l = strtol(s, &end, bases[b]);
			e1 = errno;
			long o1 = end - s;
			errno = 0;
			unsigned long long u = strtoull(s, &end, bases[b]);
			e2 = errno;
			long o2 = end - s;
			errno = 0;
			intmax_t m = strtoimax(s, &end, bases[b]);
			e3 = errno;
			printf("\"%s\"/%d: %ld,%ld,%d %llu,%ld,%d %jd,%td,%d\n",
			       s, bases[b], l, o1, e1, u, o2, e2, m, end - s,
			       e3);
		}
	char *end;
	errno = 0;
	CHECK(strtol("1", &end, 1) == 0 && errno == EINVAL);
	errno = 0;
	CHECK(strtoul("1", &end, 37) == 0 && errno == EINVAL);
	printf("atoi %d atol %ld atoll %lld\n", atoi(" -12ab"), atol("77"),
	       atoll("-9000000000"));
	printf("strtoumax %ju strtoul(-1) %lu\n",
	       strtoumax("123456789012345", NULL, 10), strtoul("-1", NULL, 10));
}

static const char *const floats[] = {
	"0",
	"-0",
	"1",
	"-1.5",
	"  3.25e2x",
	"1e",
	"1e+",
	".5",
	"5.",
	".",
	"0x1p-2",
	"0x1.8p1",
	"0X.8",
	"0x",
	"0x1p",
	"inf",
	"-INFINITY",
	"infx",
	"nan",
	"NAN(123)",
	"nan(",
	"-nan",
	"1e308",
	"1e309",
	"-1e309",
	"1e-308",
	"4.9e-324",
	"2.4e-324",
	"2.5e-324",
	"1e-400",
	"0.1",
	"123456789012345678901234567890",
	"2.2250738585072011e-308",
	"1.7976931348623157e308",
	"1.7976931348623158e308",
	"0x1.fffffffffffff8p1023",
	"3.40282347e38",
	"3.40282357e38",
	"1.17549435e-38",
	"1.4e-45",
	"7e-46",
	"1.18973149535723176502e4932",
	"1e4933",
	"3.6451995318824746025e-4951",
	"0.000000000000000000001e21",
	"9007199254740993",
	"9007199254740992.5000000000000000001",
};

static void reals(void)
{
	for (unsigned i = 0; i < sizeof(floats) / sizeof(floats[0]); i++) {
		const char *s = floats[i];
		char *e1, *e2, *e3;
		int r1, r2, r3;

		errno = 0;
		double d = strtod(s, &e1);
		r1 = errno;
		errno = 0;
		float f = strtof(s, &e2);
		r2 = errno;
		errno = 0;
		long double ld = strtold(s, &e3);
		r3 = errno;
		printf("\"%s\": %a %td %d | %a %td %d | %La %td %d\n", s, d,
		       e1 - s, r1, (double)f, e2 - s, r2, ld, e3 - s, r3);
	}
	printf("atof %a\n", atof("2.5e-1"));
}

int test_strto(void)
{
	integers();
	reals();
	return 0;
}
