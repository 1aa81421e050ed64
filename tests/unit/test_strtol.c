// SPDX-License-Identifier: MIT
/*
 * Host tests for the strtol() family (lib/strtol.c, built here under
 * toro_ names): each input goes through all six functions of both our code
 * and the host glibc, and values, end pointers and errno must agree. A
 * table of corner cases (prefixes, bases, every type's limits) is followed
 * by random strings and bases from a fixed seed.
 */
#include "unit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

/* Our functions under the names tests/unit/Makefile.inc gives them. */
#define strtol toro_strtol
#define strtoll toro_strtoll
#define strtoul toro_strtoul
#define strtoull toro_strtoull
#define strtoimax toro_strtoimax
#define strtoumax toro_strtoumax
#define strtod toro_strtod
#define strtof toro_strtof
#define strtold toro_strtold
#define atof toro_atof
#include "kernel/strtox.h"
#undef strtol
#undef strtoll
#undef strtoul
#undef strtoull
#undef strtoimax
#undef strtoumax
#undef strtod
#undef strtof
#undef strtold
#undef atof

#define SHOW_MAX	8	/* mismatches printed per test */

static int mismatches;

/* An end pointer that no conversion would produce. */
static char sentinel[1];

static bool valid_base(int base)
{
	return base == 0 || (base >= 2 && base <= 36);
}

/*
 * Runs one function of both libraries on (s); values are compared as 64-bit
 * patterns, which covers every result type here. For an invalid base glibc
 * leaves the end pointer alone (and the sanitizer's interceptors of some of
 * these functions store an indeterminate one), while ours stores (s).
 */
#define SAME_FN(fn, s, base)                                                   \
	do {                                                                   \
		char *ew = sentinel, *eg = sentinel;                           \
		uint64_t w, g;                                                 \
		int rw, rg;                                                    \
									       \
		errno = 0;                                                     \
		w = (uint64_t)fn(s, &ew, base);                                \
		rw = errno;                                                    \
		errno = 0;                                                     \
		g = (uint64_t)toro_##fn(s, &eg, base);                         \
		rg = errno;                                                    \
		if (!valid_base(base)) {                                       \
			ew = (char *)(s);                                      \
		}                                                              \
		if ((w != g || ew != eg || rw != rg) &&                        \
		    ++mismatches <= SHOW_MAX)                                  \
			printf("    %s(\"%s\", %d): glibc %#" PRIx64           \
			       " end %ld errno %d, ours %#" PRIx64             \
			       " end %ld errno %d\n",                          \
			       #fn, s, base, w,                                \
			       ew == sentinel ? -1L : (long)(ew - s), rw, g,   \
			       eg == sentinel ? -1L : (long)(eg - s), rg);     \
	} while (0)

static void same(const char *s, int base)
{
	SAME_FN(strtol, s, base);
	SAME_FN(strtoll, s, base);
	SAME_FN(strtoul, s, base);
	SAME_FN(strtoull, s, base);
	SAME_FN(strtoimax, s, base);
	SAME_FN(strtoumax, s, base);
}

static const char *const tricky[] = {
	"", " ", "+", "-", "- 5", "+-5", "0", "-0", "+0", "00", "1", "-1",
	"\v\f\r\n\t 5", "  -0x1f", "0x", "0X", "0x1", "0X1", "0xg", "0x 1",
	"-0x", "012", "09", "08", "0b1", "0b", "z", "Z", "zz", "1_000",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "-18446744073709551615",
	"-18446744073709551616", "99999999999999999999999abc",
	"-99999999999999999999999", "0x7fffffffffffffff", "0x8000000000000000",
	"-0x8000000000000000", "-0x8000000000000001", "0xffffffffffffffff",
	"0x10000000000000000", "01777777777777777777777",
	"02000000000000000000000", "1y2p0ge", "3w5e11264sgsf",
	"1111111111111111111111111111111111111111111111111111111111111111",
	"10000000000000000000000000000000000000000000000000000000000000000",
};

UNIT_TEST(strtol_tricky)
{
	static const int bases[] = { 0, 2, 8, 10, 16, 36, 1, -1, 37, 100 };

	mismatches = 0;
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
			same(tricky[i], bases[b]);
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(strtol_random)
{
	static const char chars[] = "0000111123456789abcdefxXzZ+- \t";
	char buf[40];

	mismatches = 0;
	unit_seed(7);
	for (int i = 0; i < 20000; i++) {
		unsigned n = unit_rand() % (unit_rand() % 4 ? 8 : 30);
		int base;

		for (unsigned k = 0; k < n; k++)
			buf[k] = chars[unit_rand() % (sizeof(chars) - 1)];
		buf[n] = '\0';
		switch (unit_rand() % 4) {
		case 0:
			base = 0;
			break;
		case 1:
			base = (int)(unit_rand() % 40) - 2;
			break;
		default:
			base = (int[]){ 2, 8, 10, 16, 36 }[unit_rand() % 5];
			break;
		}
		same(buf, base);
	}
	CHECK_EQ(mismatches, 0);
}
