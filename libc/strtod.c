// SPDX-License-Identifier: MIT
/*
 * strtod(), strtof(), strtold() and atof(), with glibc's syntax and
 * results. One parser serves double and float: it yields the IEEE bit
 * pattern for a given format, so strtof rounds straight from the decimal
 * digits instead of rounding twice through double.
 *
 * Short decimal inputs take a fast path of one exactly-rounded IEEE
 * operation (an integer below 2^53 times or divided by an exact power of
 * ten). Everything else goes through the exact big decimal of decimal.c,
 * which keeps 800 significant digits plus a "more digits were nonzero"
 * flag: every halfway point between two doubles has at most 768 digits, so
 * that is enough to round any input correctly.
 */
#include <kernel/strtox.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "decimal.h"

/* Bound on |exponent| kept while parsing; far beyond any finite result. */
#define EXP_LIMIT	100000000

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Whether (s) starts with the lower-case (word), ignoring case. */
static bool starts_with(const char *s, const char *word)
{
	for (; *word; s++, word++)
		if ((*s | 0x20) != *word)
			return false;
	return true;
}

static long long clamp_exp(long long e)
{
	return e > EXP_LIMIT ? EXP_LIMIT : e < -EXP_LIMIT ? -EXP_LIMIT : e;
}

/*
 * An optional exponent after a mantissa: a letter, a sign and at least one
 * digit; otherwise nothing is consumed ("1e+" parses as 1).
 */
static long long parse_exp(const char **sp, char letter)
{
	const char *s = *sp;
	long long e = 0;
	bool neg = false;

	if ((*s | 0x20) != letter)
		return 0;
	s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!is_digit(*s))
		return 0;
	for (; is_digit(*s); s++)
		e = clamp_exp(e * 10 + (*s - '0'));
	*sp = s;
	return neg ? -e : e;
}

static uint64_t inf_bits(const struct dec_ieee *f)
{
	return (((uint64_t)1 << f->exp_bits) - 1) << f->mant_bits;
}

/* Letters, digits and '_' make up a NaN's n-char-sequence. */
static bool is_nan_char(char c)
{
	return is_digit(c) || c == '_' ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/*
 * "nan" was seen; an optional "(n-char-sequence)" of letters, digits and
 * '_' follows. glibc reads the sequence with strtoull(base 0) and, if that
 * uses all of it, puts the number in the payload of a quiet NaN (including
 * strtoull's ERANGE, which leaks into errno).
 */
static uint64_t parse_nan(const char **sp, const struct dec_ieee *f)
{
	uint64_t quiet = (uint64_t)1 << (f->mant_bits - 1);
	uint64_t payload = 0;
	const char *s = *sp, *p;

	if (*s == '(') {
		for (p = s + 1; is_nan_char(*p); p++)
			;
		if (*p == ')') {
			char *end;
			unsigned long long v = strtoull(s + 1, &end, 0);

			if (end == p)
				payload = v & (quiet - 1);
			*sp = p + 1;
		}
	}
	return inf_bits(f) | quiet | payload;
}

/*
 * Hexadecimal mantissa after "0x", then an optional binary exponent.
 * 15 significant hex digits (60 bits) are kept; later nonzero digits only
 * set the sticky flag, which is all the rounding needs.
 */
static uint64_t parse_hex(const char **sp, const struct dec_ieee *f,
			  bool *range_err)
{
	const char *s = *sp + 2;
	uint64_t m = 0;
	long long be = 0;
	bool sticky = false, frac = false;
	struct decimal a;
	int kept = 0, d;

	for (;; s++) {
		if (*s == '.' && !frac) {
			frac = true;
			continue;
		}
		d = hex_value(*s);
		if (d < 0)
			break;
		if (kept < 15 && (m || d)) {
			m = m << 4 | d;
			kept++;
			be -= frac ? 4 : 0;
		} else if (kept == 15) {
			sticky |= d != 0;
			be += frac ? 0 : 4;
		} else if (frac) {
			be -= 4; /* leading zero of the fraction */
		}
	}
	be = clamp_exp(be + parse_exp(&s, 'p'));
	*sp = s;
	if (!m)
		return 0;
	/*
	 * Past these bounds the result is surely infinity or zero; clamping
	 * keeps the decimal shift short without changing it.
	 */
	if (be > 1100)
		be = 1100;
	if (be < -1300)
		be = -1300;
	dec_from_u64(&a, m);
	a.trunc = sticky;
	dec_shift(&a, (int)be);
	return dec_to_ieee(&a, f, range_err);
}

static const double pow10_dbl[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const float pow10_flt[] = {
	1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f,
};

/*
 * If (a) is m * 10^e with m and 10^|e| both exact in the format, one
 * multiplication or division rounds correctly. Returns false otherwise.
 */
static bool fast_path(const struct decimal *a, const struct dec_ieee *f,
		      uint64_t *bits)
{
	bool is_dbl = f == &dec_double;
	int e = a->dp - a->nd, max_e = is_dbl ? 22 : 10;
	uint64_t m = 0;

	if (a->trunc || a->nd > 19 || e > max_e || e < -max_e)
		return false;
	for (int i = 0; i < a->nd; i++)
		m = m * 10 + a->d[i];
	if (m >> (f->mant_bits + 1))
		return false;
	if (is_dbl) {
		double x = (double)m;

		x = e < 0 ? x / pow10_dbl[-e] : x * pow10_dbl[e];
		memcpy(bits, &x, sizeof(x));
	} else {
		float x = (float)m;
		uint32_t b;

		x = e < 0 ? x / pow10_flt[-e] : x * pow10_flt[e];
		memcpy(&b, &x, sizeof(b));
		*bits = b;
	}
	return true;
}

/*
 * Decimal mantissa and exponent. Leading zeros are skipped, the first
 * DEC_DIGITS significant digits are stored and the rest only noted in
 * (trunc). Returns false, consuming nothing, if there is no digit.
 */
static bool parse_dec(const char **sp, const struct dec_ieee *f,
		      uint64_t *bits, bool *range_err)
{
	const char *s = *sp;
	struct decimal a = { .nd = 0 };
	long long dp = 0;
	bool any = false, frac = false;

	for (;; s++) {
		if (*s == '.' && !frac) {
			frac = true;
			continue;
		}
		if (!is_digit(*s))
			break;
		any = true;
		if (*s == '0' && !a.nd) {
			dp -= frac; /* 0.000ddd */
			continue;
		}
		if (a.nd < DEC_DIGITS)
			a.d[a.nd++] = *s - '0';
		else if (*s != '0')
			a.trunc = true;
		dp += !frac;
	}
	if (!any)
		return false;
	dp += parse_exp(&s, 'e');
	*sp = s;

	while (a.nd && !a.d[a.nd - 1])
		a.nd--;
	if (!a.nd) {
		*bits = 0;
		return true;
	}
	a.dp = (int)clamp_exp(dp);
	if (!fast_path(&a, f, bits))
		*bits = dec_to_ieee(&a, f, range_err);
	return true;
}

/* The parser behind every entry point: returns the bits of the result. */
static uint64_t parse(const char *nptr, char **endptr,
		      const struct dec_ieee *f)
{
	const char *s = nptr;
	bool neg = false, range_err = false;
	uint64_t bits;

	while (is_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (starts_with(s, "inf")) {
		s += starts_with(s, "infinity") ? 8 : 3;
		bits = inf_bits(f);
	} else if (starts_with(s, "nan")) {
		s += 3;
		bits = parse_nan(&s, f);
	} else if (s[0] == '0' && (s[1] | 0x20) == 'x' &&
		   (hex_value(s[2]) >= 0 ||
		    (s[2] == '.' && hex_value(s[3]) >= 0))) {
		bits = parse_hex(&s, f, &range_err);
	} else if (!parse_dec(&s, f, &bits, &range_err)) {
		/* No number at all: +0, and the whole string is left. */
		s = nptr;
		bits = 0;
		neg = false;
	}
	if (range_err)
		errno = ERANGE;
	if (endptr)
		*endptr = (char *)s;
	return bits | (uint64_t)neg << (f->mant_bits + f->exp_bits);
}

double strtod(const char *nptr, char **endptr)
{
	uint64_t bits = parse(nptr, endptr, &dec_double);
	double x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

float strtof(const char *nptr, char **endptr)
{
	uint32_t bits = (uint32_t)parse(nptr, endptr, &dec_float);
	float x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

long double strtold(const char *nptr, char **endptr)
{
	return strtod(nptr, endptr);
}

double atof(const char *nptr)
{
	return strtod(nptr, NULL);
}
