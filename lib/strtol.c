// SPDX-License-Identifier: MIT
/*
 * strtol() and its siblings (declared in kernel/strtox.h): one parser that
 * produces a sign and a saturating magnitude, and thin wrappers that clamp
 * it to each result type. The kernel's command-line parser and the C
 * library share this code, so it uses integer arithmetic only.
 */
#include <kernel/strtox.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Digit value in bases up to 36, or 36 for anything that is no digit. */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/*
 * Parses (nptr); returns the magnitude and sets (*neg). (*over) is set if
 * the magnitude does not fit in unsigned long long; every digit is still
 * consumed, as glibc does.
 */
static unsigned long long parse(const char *nptr, char **endptr, int base,
				bool *neg, bool *over)
{
	const char *s = nptr;
	unsigned long long v = 0;
	bool any = false;

	*neg = false;
	*over = false;
	if (base < 0 || base == 1 || base > 36) {
		/* glibc leaves *endptr alone here; "nothing converted" is safer
		 * for callers that test endptr == nptr. */
		if (endptr)
			*endptr = (char *)nptr;
		errno = EINVAL;
		return 0;
	}
	while (is_space(*s))
		s++;
	if (*s == '-' || *s == '+')
		*neg = *s++ == '-';
	/* "0x" counts as a prefix only if a hex digit follows it. */
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	}
	if (base == 0)
		base = *s == '0' ? 8 : 10;
	for (;; s++) {
		unsigned d = digit_value(*s);

		if (d >= (unsigned)base)
			break;
		any = true;
		if (v > (ULLONG_MAX - d) / base)
			*over = true;
		else
			v = v * base + d;
	}
	if (endptr)
		*endptr = (char *)(any ? s : nptr);
	return v;
}

/* Clamps to [min, max] of a two's complement type: min == -max - 1. */
static long long to_signed(const char *nptr, char **endptr, int base,
			   long long min, long long max)
{
	bool neg, over;
	unsigned long long v = parse(nptr, endptr, base, &neg, &over);
	unsigned long long lim = neg ? (unsigned long long)-(min + 1) + 1
				     : (unsigned long long)max;

	if (over || v > lim) {
		errno = ERANGE;
		return neg ? min : max;
	}
	if (!neg || !v)
		return (long long)v;
	/* -(v - 1) - 1 reaches min without overflowing. */
	return -(long long)(v - 1) - 1;
}

static unsigned long long to_unsigned(const char *nptr, char **endptr,
				      int base, unsigned long long max)
{
	bool neg, over;
	unsigned long long v = parse(nptr, endptr, base, &neg, &over);

	if (over || v > max) {
		errno = ERANGE;
		return max;
	}
	return neg ? (0 - v) & max : v;
}

long strtol(const char *nptr, char **endptr, int base)
{
	return to_signed(nptr, endptr, base, LONG_MIN, LONG_MAX);
}

long long strtoll(const char *nptr, char **endptr, int base)
{
	return to_signed(nptr, endptr, base, LLONG_MIN, LLONG_MAX);
}

intmax_t strtoimax(const char *nptr, char **endptr, int base)
{
	return to_signed(nptr, endptr, base, INTMAX_MIN, INTMAX_MAX);
}

unsigned long strtoul(const char *nptr, char **endptr, int base)
{
	return to_unsigned(nptr, endptr, base, ULONG_MAX);
}

unsigned long long strtoull(const char *nptr, char **endptr, int base)
{
	return to_unsigned(nptr, endptr, base, ULLONG_MAX);
}

uintmax_t strtoumax(const char *nptr, char **endptr, int base)
{
	return to_unsigned(nptr, endptr, base, UINTMAX_MAX);
}
