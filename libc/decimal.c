// SPDX-License-Identifier: MIT
/*
 * Exact big-decimal arithmetic for printf's %f/%e/%g and for strtod (see
 * decimal.h). Only what those need is here: build from an integer, scale by
 * powers of two, round to a number of digits, and round to a binary format.
 * Scaling by 2^k is done k <= 60 bits at a time with one 64-bit accumulator
 * running over the digit array, so no big-integer multiply is needed.
 */
#include "decimal.h"

#include <string.h>

/* Largest single shift: a digit times 2^60 plus a carry fits in 64 bits. */
#define MAX_SHIFT	60

const struct dec_ieee dec_double = { .mant_bits = 52, .exp_bits = 11 };
const struct dec_ieee dec_float = { .mant_bits = 23, .exp_bits = 8 };

/* Keeps the invariant that the last digit is nonzero; zero has dp 0. */
static void trim(struct decimal *a)
{
	while (a->nd > 0 && a->d[a->nd - 1] == 0)
		a->nd--;
	if (a->nd == 0)
		a->dp = 0;
}

void dec_from_u64(struct decimal *a, uint64_t v)
{
	uint8_t tmp[20];
	int n = 0;

	while (v) {
		tmp[n++] = v % 10;
		v /= 10;
	}
	a->nd = 0;
	a->dp = n;
	a->trunc = false;
	while (n)
		a->d[a->nd++] = tmp[--n];
	trim(a);
}

/*
 * Divides by 2^k, long-division style from the top: read digits into (n)
 * until n >> k is nonzero, then emit one quotient digit per digit read.
 * The quotient has more digits than the dividend; those past DEC_DIGITS
 * are dropped into (trunc).
 */
static void shift_right(struct decimal *a, unsigned k)
{
	uint64_t mask = ((uint64_t)1 << k) - 1, n = 0;
	int r = 0, w = 0;

	while (!(n >> k)) {
		n = n * 10 + (r < a->nd ? a->d[r] : 0);
		r++;
	}
	/* The first quotient digit has the weight of digit r - 1. */
	a->dp -= r - 1;
	for (; r < a->nd; r++) {
		a->d[w++] = (uint8_t)(n >> k);
		n = (n & mask) * 10 + a->d[r];
	}
	while (n) {
		uint8_t q = (uint8_t)(n >> k);

		n = (n & mask) * 10;
		if (w < DEC_DIGITS)
			a->d[w++] = q;
		else if (q)
			a->trunc = true;
	}
	a->nd = w;
	trim(a);
}

/*
 * Multiplies by 2^k from the bottom up, writing each result digit
 * DEC_SLACK places higher than the digit it came from so the new leading
 * digits have room; then slides the result back to d[0].
 */
static void shift_left(struct decimal *a, unsigned k)
{
	int w = a->nd + DEC_SLACK, len;
	uint64_t n = 0;

	for (int r = a->nd - 1; r >= 0; r--) {
		n += (uint64_t)a->d[r] << k;
		a->d[--w] = n % 10;
		n /= 10;
	}
	while (n) {
		a->d[--w] = n % 10;
		n /= 10;
	}
	len = a->nd + DEC_SLACK - w;
	a->dp += len - a->nd;
	memmove(a->d, a->d + w, len);
	if (len > DEC_DIGITS) {
		for (int i = DEC_DIGITS; i < len; i++)
			if (a->d[i])
				a->trunc = true;
		len = DEC_DIGITS;
	}
	a->nd = len;
	trim(a);
}

void dec_shift(struct decimal *a, int k)
{
	while (k > 0 && a->nd) {
		unsigned s = k > MAX_SHIFT ? MAX_SHIFT : k;

		shift_left(a, s);
		k -= s;
	}
	while (k < 0 && a->nd) {
		unsigned s = -k > MAX_SHIFT ? MAX_SHIFT : -k;

		shift_right(a, s);
		k += s;
	}
}

/* Whether dropping digits from index n on must round up, half to even. */
static bool round_up(const struct decimal *a, int n)
{
	if (n >= a->nd)
		return false;
	if (a->d[n] != 5)
		return a->d[n] > 5;
	/* Anything after the 5 (digits are trimmed) puts us above half. */
	if (a->trunc || a->nd > n + 1)
		return true;
	return n > 0 && (a->d[n - 1] & 1);
}

void dec_round(struct decimal *a, long long n)
{
	int i;

	if (n >= a->nd)
		return;
	if (n < 0) {
		/* Below the first digit: less than half a unit, so zero. */
		a->nd = 0;
		a->dp = 0;
		a->trunc = false;
		return;
	}
	if (!round_up(a, (int)n)) {
		a->nd = (int)n;
	} else {
		for (i = (int)n - 1; i >= 0 && a->d[i] == 9; i--)
			;
		if (i < 0) {
			/* 9...9 rounds to 10...0: one digit, one place up. */
			a->d[0] = 1;
			a->nd = 1;
			a->dp++;
		} else {
			a->d[i]++;
			a->nd = i + 1;
		}
	}
	a->trunc = false;
	trim(a);
}

/*
 * Integer part of (a), which must be below 2^64, rounded half to even by
 * the fraction; (*inexact) says whether anything was rounded off.
 */
static uint64_t take_rounded(const struct decimal *a, bool *inexact)
{
	uint64_t m = 0;
	int i;

	if (a->dp < 0) {
		*inexact = a->nd > 0;
		return 0;
	}
	for (i = 0; i < a->dp; i++)
		m = m * 10 + (i < a->nd ? a->d[i] : 0);
	*inexact = a->nd > a->dp || a->trunc;
	/* round_up() looks at d[dp - 1] for a tie: the parity of m. */
	if (round_up(a, a->dp))
		m++;
	return m;
}

/*
 * Brings (a) into [1/2, 1) and returns e such that the original value is
 * a * 2^e. Each step scales by at most what keeps the value on the same
 * side of 1, so the loops converge without overshooting.
 */
static int normalize(struct decimal *a)
{
	int e = 0, k;

	while (a->dp > 0) {
		/* value < 10^dp, and 8^dp <= 10^dp */
		k = a->dp >= MAX_SHIFT / 3 ? MAX_SHIFT : a->dp * 3;
		dec_shift(a, -k);
		e += k;
	}
	while (a->dp < 0 || a->d[0] < 5) {
		/* value < 10^dp; 3.321 < log2(10) keeps it below 1 */
		k = a->dp < 0 ? (int)(-a->dp * 3321L / 1000) : 1;
		if (k > MAX_SHIFT)
			k = MAX_SHIFT;
		dec_shift(a, k);
		e -= k;
	}
	return e;
}

uint64_t dec_to_ieee(struct decimal *a, const struct dec_ieee *f,
		     bool *range_err)
{
	int bias = (1 << (f->exp_bits - 1)) - 1;
	int emin = 1 - bias, emax = bias, prec = f->mant_bits + 1;
	uint64_t inf = (uint64_t)(2 * bias + 1) << f->mant_bits;
	uint64_t m;
	bool inexact, tiny = true;
	int exp, sh;

	*range_err = false;
	if (a->nd == 0)
		return 0;
	/* Cheap bounds: value >= 10^(dp-1) >= 8^(dp-1), value < 10^dp. */
	if ((long long)(a->dp - 1) * 3 > emax + 1)
		goto overflow;
	if ((long long)a->dp * 3 < emin - prec - 1) {
		*range_err = true;
		return 0;
	}

	/* The value is in [2^exp, 2^(exp+1)). */
	exp = normalize(a) - 1;
	if (exp >= emin) {
		dec_shift(a, prec);
		m = take_rounded(a, &inexact);
		if (m >> prec) {
			m >>= 1;
			exp++;
		}
		if (exp > emax)
			goto overflow;
		return ((uint64_t)(exp + bias) << f->mant_bits) |
		       (m & (((uint64_t)1 << f->mant_bits) - 1));
	}

	/*
	 * Subnormal. x86 detects tininess after rounding: a value just below
	 * 2^emin that would round up to it with the full precision is not
	 * tiny, even though it is rounded with fewer bits.
	 */
	if (exp == emin - 1) {
		struct decimal full = *a;

		dec_shift(&full, prec);
		tiny = !(take_rounded(&full, &inexact) >> prec);
	}
	sh = prec - (emin - exp);
	if (sh < 0) {
		/* Below a quarter of the smallest subnormal. */
		m = 0;
		inexact = true;
	} else {
		dec_shift(a, sh);
		m = take_rounded(a, &inexact);
	}
	/* m == 2^mant_bits is 2^emin with exponent field 1: still right. */
	*range_err = tiny && inexact;
	return m;

overflow:
	*range_err = true;
	return inf;
}
