/* SPDX-License-Identifier: MIT */
/*
 * Big decimal numbers, private to the C library's conversions between
 * binary floating point and text (format_float.c, strtod.c).
 *
 * A struct decimal holds up to DEC_DIGITS significant decimal digits, which
 * is enough to hold any double exactly: the longest exact expansion (a
 * subnormal with a full mantissa) has 767 significant digits, and DBL_MAX
 * has 309 integer digits. Multiplying or dividing by a power of two is
 * exact as long as the result fits; beyond that the lowest digits are
 * dropped and remembered in (trunc), which is all correct rounding needs.
 */
#ifndef LIBC_DECIMAL_H
#define LIBC_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * 768 digits would do for doubles (every halfway point between two doubles
 * has at most 768 significant digits); the rest is margin.
 */
#define DEC_DIGITS	800
/* Room for the digits a 60-bit left shift adds (2^60 < 10^19). */
#define DEC_SLACK	20

struct decimal {
	/* Digit values 0..9, most significant first. */
	uint8_t d[DEC_DIGITS + DEC_SLACK];
	int nd;		/* digits in use; d[nd - 1] is never 0 */
	int dp;		/* value = 0.d[0]d[1]...d[nd - 1] * 10^dp */
	bool trunc;	/* nonzero digits beyond d[nd - 1] were dropped, so
			 * the true value is a little above the stored one */
};

/* An IEEE 754 binary interchange format. */
struct dec_ieee {
	int mant_bits;	/* stored fraction bits: 52 double, 23 float */
	int exp_bits;	/* exponent field bits: 11 double, 8 float */
};

extern const struct dec_ieee dec_double, dec_float;

/* Sets (a) to the integer (v), exactly. */
void dec_from_u64(struct decimal *a, uint64_t v);

/* Multiplies (a) by 2^(k); (k) may be negative. */
void dec_shift(struct decimal *a, int k);

/*
 * Rounds (a) to (n) significant digits, half to even (a tie is a stored
 * 5 followed by nothing, with (trunc) clear). (n) may be zero or negative:
 * the digit positions are those of (a), so rounding 0.7 (n = 0) gives 1.
 */
void dec_round(struct decimal *a, long long n);

/*
 * Returns the bit pattern (sign clear) of the value of (a) rounded to
 * format (f), nearest with ties to even, subnormals included. Sets
 * (*range_err) on overflow (result infinity) and on underflow, which
 * glibc reports when the result is inexact and tiny after rounding.
 * Destroys (a).
 */
uint64_t dec_to_ieee(struct decimal *a, const struct dec_ieee *f,
		     bool *range_err);

#endif /* LIBC_DECIMAL_H */
