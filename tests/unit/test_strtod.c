// SPDX-License-Identifier: MIT
/*
 * Host tests for strtod() and strtof() (libc/strtod.c, built here as
 * toro_strtod and toro_strtof): every input is converted by both our code
 * and the host glibc, and the bit patterns, end pointers and errno must
 * agree. Hand-picked corner cases come first, then random decimal strings
 * of up to a thousand digits, exact halfway points between adjacent
 * doubles and floats (and inputs just either side of them), hexadecimal
 * floats and random junk, all from fixed seeds.
 */
#include "unit.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Our functions under the names tests/unit/Makefile.inc gives them. */
#define strtod toro_strtod
#define strtof toro_strtof
#define strtold toro_strtold
#define atof toro_atof
#define strtol toro_strtol
#define strtoll toro_strtoll
#define strtoul toro_strtoul
#define strtoull toro_strtoull
#define strtoimax toro_strtoimax
#define strtoumax toro_strtoumax
#include "kernel/strtox.h"
#undef strtod
#undef strtof
#undef strtold
#undef atof
#undef strtol
#undef strtoll
#undef strtoul
#undef strtoull
#undef strtoimax
#undef strtoumax

#define SHOW_MAX	8	/* mismatches printed per test */

static int mismatches;

static void report(const char *where, const char *kind, const char *s,
		   uint64_t want, long want_end, int want_err, uint64_t got,
		   long got_end, int got_err)
{
	if (++mismatches > SHOW_MAX)
		return;
	printf("    %s: %s(\"%.120s\"%s): glibc %#" PRIx64 " end %ld errno %d,"
	       " ours %#" PRIx64 " end %ld errno %d\n",
	       where, kind, s, strlen(s) > 120 ? "..." : "", want, want_end,
	       want_err, got, got_end, got_err);
}

/* Converts (s) with strtod and strtof of both libraries. */
static void same(const char *where, const char *s)
{
	char *ew, *eg;
	int rw, rg;

	{
		double w, g;
		uint64_t bw, bg;

		errno = 0;
		w = strtod(s, &ew);
		rw = errno;
		errno = 0;
		g = toro_strtod(s, &eg);
		rg = errno;
		memcpy(&bw, &w, sizeof(bw));
		memcpy(&bg, &g, sizeof(bg));
		if (bw != bg || ew != eg || rw != rg)
			report(where, "strtod", s, bw, ew - s, rw, bg, eg - s,
			       rg);
	}
	{
		float w, g;
		uint32_t bw, bg;

		errno = 0;
		w = strtof(s, &ew);
		rw = errno;
		errno = 0;
		g = toro_strtof(s, &eg);
		rg = errno;
		memcpy(&bw, &w, sizeof(bw));
		memcpy(&bg, &g, sizeof(bg));
		if (bw != bg || ew != eg || rw != rg)
			report(where, "strtof", s, bw, ew - s, rw, bg, eg - s,
			       rg);
	}
}

static const char *const tricky[] = {
	/* Syntax. */
	"", " ", "+", "-", ".", "-.", ".e5", "e5", "x", "-x", "1", "-1", "+1",
	"  \t\n\v\f\r-1.5x", "1.", "1.e5", ".5", "5.", "1e", "1e+", "1e-",
	"1e+-5", "1e--5", "1E5", "1e05", "1e+005", "1.5e+", "1,5", "1..5",
	"00000", "-0", "-0.0e99", "0e", "0e-99999999999999999",
	"0.0000000000000000000000000000000000000000000000000001e50",
	"1e-99999999999999999999", "1e99999999999999999999",
	"1e2147483648", "1e-2147483649", "123e-2147483650",
	/* Infinities and NaNs. */
	"inf", "-inf", "INF", "iNfInItY", "infinit", "infinity!", "infx", "in",
	"-Infinity", "nan", "-nan", "NaN", "nan(", "nan()", "nan(123)",
	"nan(0x7)", "nan(abc)", "nan(0xfffffffffffffffff)", "nan(-1)",
	"nan(a_b)", "nan(1 )", "-nan(5)", "nan(0x)", "nan(_)", "nan(0x7fffff)",
	"nan(0x8000000000001)", "nan(077)", "nan(99999999999999999999999)",
	"nanx", "na",
	/* Hexadecimal. */
	"0x", "0X", "-0x", "0xg", "0x.", "0x.p1", "0x1p", "0x1p+", "0x1P-2",
	"0x.8", "0x1.8p3", "0x1.8p3.5", "0x1.P1", "0x1.8P1x", "0xAbC.dEfp-3",
	"0x1p-1074", "0x1p-1075", "0x1.8p-1075", "0x1p-1076",
	"0x1.fffffffffffffp-1023", "0x1.ffffffffffffffp-1023",
	"0x1.fffffffffffff8p-1023", "0x1.fffffffffffff7p-1023",
	"0x0.fffffffffffffp-1022", "0x1.fffffffffffff7ffffp-1023",
	"0x1.fffffffffffff7ffp1023", "0x1.fffffffffffff8p1023",
	"0x1p-1022", "0x1.00000000000001p-1022", "0x1.000000000000080000001p0",
	"0x1.0000000000000800000000000000000000000000000000000000000001p0",
	"0x0000000000000000000000000000001p0", "0x1p99999999999999999999",
	"0x1p-99999999999999999999", "0x.00000000000000000000001p100",
	"0x1.fffffep127", "0x1.ffffffp127", "0x1p-149", "0x1p-150",
	"0x1.fffffcp-127", "0x1.fffffep-127",
	/* Doubles: famous and boundary values. */
	"0.1", "0.2", "0.3", "1e23", "8.98846567431158e307", "9007199254740993",
	"9007199254740993.0000000000000000001", "9007199254740995",
	"2.2250738585072011e-308", "2.2250738585072012e-308",
	"2.2250738585072014e-308", "2.225073858507201136057409796709131975934"
	"81999999999999999999999999999e-308",
	"4.9406564584124654e-324", "4.9e-324", "5e-324", "3e-324", "2e-324",
	"2.4703282292062327e-324", "2.4703282292062328e-324", "1e-324",
	"1e-400", "1.7976931348623157e308", "1.7976931348623158e308",
	"1.797693134862315807e308", "1.7976931348623159e308",
	"1.797693134862315708145274237317043567981e308", "1e308", "1e309",
	"179769313486231580793728971405303415079934132710037826936173778980444"
	"968292764750946649017977587207096330286416692887910946555547851940402"
	"630657488671505820681908902000708383676273854845817711531764475730270"
	"069855571366959622842914819860834936475292719074168444365510704342711"
	"559699508093042880177904174497791.9999999999999999999999999999999999",
	"123456789012345678901234567890", "1234567890123456789e-300",
	"7.0e-10", "1e22", "1e-22", "1e21", "4503599627370496.5",
	"4503599627370497.5", "1448997445238699",
	"0.500000000000000166533453693773481063544750213623046875",
	/* Floats. */
	"3.4028235e38", "3.4028236e38", "3.40282357e38", "3.402823567e38",
	"3.4028234663852886e38", "3.4028235677973366e38", "1e39", "1e38",
	"1.17549435e-38", "1.1754942e-38", "1.4e-45", "1e-45", "1e-46",
	"7.006492e-46", "7.0064923216240862e-46", "7.0064923216240863e-46",
	"16777217", "16777219", "33554435", "0.1f",
	"1.00000017881393432617187499",
	"1.000000178813934326171875", "1.00000017881393432617187501",
};

UNIT_TEST(strtod_tricky)
{
	mismatches = 0;
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		same("tricky", tricky[i]);
	CHECK_EQ(mismatches, 0);
}

/*
 * Inputs glibc 2.36 gets wrong: hex values a hair above half the smallest
 * subnormal come out as zero, although its own decimal path rounds the
 * same values up. We return the correctly rounded result.
 */
UNIT_TEST(strtod_glibc_hex_bug)
{
	char *end;

	errno = 0;
	CHECK(toro_strtof("0x1.000001p-150", &end) == 0x1p-149f);
	CHECK_EQ(errno, ERANGE);
	CHECK_EQ(*end, '\0');
	errno = 0;
	CHECK(toro_strtod("0x1.00000000000008p-1075", &end) == 0x1p-1074);
	CHECK_EQ(errno, ERANGE);
	CHECK(toro_strtof("7.0064927392435713065242176e-46", NULL) ==
	      0x1p-149f);
}

UNIT_TEST(strtod_other_entry_points)
{
	char *end;

	CHECK(toro_atof("  -2.5e1x") == -25.0);
	CHECK(toro_strtold("0.1", &end) == (long double)0.1);
	CHECK(*end == '\0');
	CHECK(toro_strtod("1", NULL) == 1.0);
}

/* Mostly short inputs; a few long enough to overflow the 800 kept. */
static unsigned random_length(void)
{
	switch (unit_rand_below(20)) {
	case 0:
		return 20 + unit_rand_below(100);
	case 1:
		return 100 + unit_rand_below(700);
	case 2:
		return unit_rand_below(4) ? 1 + unit_rand_below(30) : 780 + unit_rand_below(240);
	default:
		return 1 + unit_rand_below(20);
	}
}

static char *random_digits(char *p, unsigned n)
{
	/* Runs of 0s and 9s make carries and near-ties. */
	unsigned style = unit_rand_below(4);

	for (unsigned i = 0; i < n; i++) {
		unsigned d = unit_rand_below(10);

		if (style == 1 && unit_rand_below(8))
			d = 0;
		if (style == 2 && unit_rand_below(8))
			d = 9;
		*p++ = (char)('0' + d);
	}
	return p;
}

UNIT_TEST(strtod_random_decimal)
{
	static char buf[1200];

	mismatches = 0;
	unit_seed(3);
	for (int i = 0; i < 25000; i++) {
		unsigned n = random_length(), ip = unit_rand_below(n + 1);
		/* Aim the magnitude at -350..320, both formats' edges. */
		int mag = (int)unit_rand_below(671) - 350, e;
		char *p = buf;

		if (unit_rand_below(4) == 0)
			*p++ = unit_rand_below(2) ? '-' : '+';
		if (unit_rand_below(6) == 0) {
			memcpy(p, "000", 3);
			p += 3;
		}
		p = random_digits(p, ip);
		if (ip < n || unit_rand_below(3) == 0)
			*p++ = '.';
		p = random_digits(p, n - ip);
		e = mag - (int)ip;
		if (unit_rand_below(3) == 0 && mag > -40 && mag < 40 && ip)
			e = 0; /* float range without an exponent */
		if (e || unit_rand_below(4) == 0)
			p += sprintf(p, "%c%d", unit_rand_below(2) ? 'e' : 'E', e);
		*p = '\0';
		same("random", buf);
	}
	CHECK_EQ(mismatches, 0);
}

/*
 * Rewrites the mantissa digits of a "%e" string in place: +1 makes it a
 * hair above the value by raising the last digit (always 0 here, because
 * the precision exceeds the exact expansion), -1 a hair below by lowering
 * the last nonzero digit and filling with 9s.
 */
static void nudge(char *s, int dir)
{
	char *e = strchr(s, 'e'), *p;

	if (dir > 0) {
		e[-1] = '1';
		return;
	}
	for (p = e - 1; *p == '0' || *p == '.'; p--)
		if (*p == '0')
			*p = '9';
	(*p)--;
}

static void halfway_cases(const char *where, long double lo, long double hi,
			  int digits, char *buf, size_t cap)
{
	long double mid = (lo + hi) / 2; /* exact: 64-bit significand */

	snprintf(buf, cap, "%.*Le", digits, mid);
	same(where, buf);
	nudge(buf, 1);
	same(where, buf);
	snprintf(buf, cap, "%.*Le", digits, mid);
	nudge(buf, -1);
	same(where, buf);
	/* The deciding digit beyond the 800 digits we keep. */
	if (digits > 800) {
		char exp[16], *e;

		snprintf(buf, cap, "%.*Le", digits, mid);
		e = strchr(buf, 'e');
		snprintf(exp, sizeof(exp), "%s", e);
		snprintf(e, cap - (e - buf), "00000000000000000001%s", exp);
		same(where, buf);
	}
}

UNIT_TEST(strtod_random_halfway)
{
	static char buf[1200];

	mismatches = 0;
	unit_seed(4);
	for (int i = 0; i < 3000; i++) {
		uint64_t bits = unit_rand() >> 1;
		double d, next;
		float f, fnext;
		uint32_t fbits = (uint32_t)(unit_rand() >> 33);

		/* Half the time subnormal or near the top of the range. */
		if (unit_rand_below(4) == 0)
			bits &= 0x000fffffffffffffULL;
		else if (unit_rand_below(3) == 0)
			bits |= 0x7fe0000000000000ULL;
		memcpy(&d, &bits, sizeof(d));
		if (!isfinite(d))
			d = DBL_MAX;
		next = nextafter(d, INFINITY);
		halfway_cases("halfway",  d,
			      isinf(next) ? (long double)d + ldexpl(1, 971)
					  : (long double)next,
			      unit_rand_below(8) ? 780 : 960, buf, sizeof(buf));

		if (unit_rand_below(4) == 0)
			fbits &= 0x007fffff;
		memcpy(&f, &fbits, sizeof(f));
		if (!isfinite(f))
			f = FLT_MAX;
		fnext = nextafterf(f, INFINITY);
		halfway_cases("halfway-float", f,
			      isinf(fnext) ? (long double)f + ldexpl(1, 104)
					   : (long double)fnext,
			      160, buf, sizeof(buf));
	}
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(strtod_random_hex)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	char buf[96];

	mismatches = 0;
	unit_seed(5);
	for (int i = 0; i < 10000; i++) {
		unsigned n = 1 + unit_rand_below(unit_rand_below(4) ? 16 : 40);
		unsigned ip = unit_rand_below(n + 1);
		char *p = buf + sprintf(buf, "%s0%c", unit_rand_below(3) ? "" : "-",
					unit_rand_below(2) ? 'x' : 'X');

		for (unsigned k = 0; k < n; k++) {
			if (k == ip)
				*p++ = '.';
			*p++ = hex[unit_rand_below(sizeof(hex) - 1)];
		}
		if (unit_rand_below(5))
			sprintf(p, "%c%d", unit_rand_below(2) ? 'p' : 'P',
				(int)unit_rand_below(2300) - 1150);
		else
			*p = '\0';
		same("hex", buf);
	}
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(strtod_random_junk)
{
	static const char chars[] = "0123456789.eE+-xXpPinfatyINFATY()_ \t";
	char buf[16];

	mismatches = 0;
	unit_seed(6);
	for (int i = 0; i < 30000; i++) {
		unsigned n = 1 + unit_rand_below(12);

		for (unsigned k = 0; k < n; k++)
			buf[k] = chars[unit_rand_below(sizeof(chars) - 1)];
		buf[n] = '\0';
		same("junk", buf);
	}
	CHECK_EQ(mismatches, 0);
}
