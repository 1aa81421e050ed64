// SPDX-License-Identifier: MIT
/*
 * Host tests for the kernel's number parser (lib/parse_u64.c): every input
 * without a minus sign must give what the host's strtoull() gives (value,
 * end pointer, overflow as ERANGE), over a table of corner cases
 * (prefixes, bases, the 64-bit limit) and random strings and bases from a
 * fixed seed. A minus sign, which strtoull() accepts and the kernel does
 * not, converts nothing.
 */
#include "unit.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strtox.h"

static int mismatches;

static void same(const char *s, int base)
{
	char *ek, *eh;
	bool over;
	uint64_t k = kstrtou64(s, &ek, base, &over);

	errno = 0;
	unsigned long long h = strtoull(s, &eh, base);
	bool valid = base == 0 || (base >= 2 && base <= 36);

	if (!valid) {
		CHECK(k == 0 && ek == s);
		return;
	}
	if (k != h || ek != eh || over != (errno == ERANGE)) {
		if (mismatches++ < 8)
			fprintf(stderr, "  \"%s\" base %d: %llu/%td/%d vs "
				"%llu/%td/%d\n", s, base,
				(unsigned long long)k, ek - s, over, h,
				eh - s, errno == ERANGE);
		CHECK(false);
	}
}

UNIT_TEST(parse_u64_corner_cases)
{
	static const char *const inputs[] = {
		"", " ", "0", "00", "0x", "0x1g", "0X1f", " \t\n+42", "+",
		"++1", "12abc", "0777", "08", "0b101", "z", "Z", "10000",
		"18446744073709551615", "18446744073709551616",
		"99999999999999999999999", "0xffffffffffffffff",
		"0x10000000000000000", "  0x", "1 2",
	};
	static const int bases[] = { 0, 2, 8, 10, 16, 36, 1, 37, -1 };

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
			same(inputs[i], bases[b]);
}

UNIT_TEST(parse_u64_random_strings)
{
	static const char chars[] = "0123456789abcdefxXzZ +\t";
	char s[24];

	unit_seed(4242);
	for (int n = 0; n < 20000; n++) {
		size_t len = unit_rand_below(sizeof(s) - 1);

		for (size_t i = 0; i < len; i++)
			s[i] = chars[unit_rand_below(sizeof(chars) - 1)];
		s[len] = '\0';
		same(s, (int)unit_rand_below(38));
	}
}

UNIT_TEST(parse_u64_minus_converts_nothing)
{
	char *end;
	bool over = true;
	const char *s = " -5";

	CHECK(kstrtou64(s, &end, 10, &over) == 0);
	CHECK(end == s && !over);
}
