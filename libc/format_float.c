// SPDX-License-Identifier: MIT
/*
 * format_float(): the C library's printf conversions for floating point
 * (%f %F %e %E %g %G %a %A), plugged into vformat() as its fmt_float_fn.
 *
 * Output must match glibc byte for byte, so nothing is approximated: the
 * double's exact value is expanded into a struct decimal (decimal.c) and
 * rounded once, half to even, at the requested digit, which is what glibc
 * does in the default rounding mode. Only the bits of the double are read,
 * so the FPU rounding mode plays no part. %a works on the bits directly.
 *
 * Limitation: a long double argument (the L modifier) is rounded to double
 * and printed as such, so "%.30Lf" shows the double's digits and %La prints
 * a double's "0x1.8p+0" where glibc prints the x87 form "0xcp-3".
 */
#include <kernel/format.h>

#include <stdint.h>
#include <string.h>

#include "decimal.h"

#define DBL_FRAC_BITS	52
#define DBL_EXP_MASK	0x7ff
#define DBL_BIAS	1023

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Writes e.g. "e+05" or "p-1022" to (buf); returns its length. */
static size_t put_exponent(char *buf, char letter, int exp, int min_digits)
{
	char tmp[12];
	size_t n = 0, len = 0;
	unsigned v = exp < 0 ? -(unsigned)exp : (unsigned)exp;

	buf[len++] = letter;
	buf[len++] = exp < 0 ? '-' : '+';
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || (int)n < min_digits);
	while (n)
		buf[len++] = tmp[--n];
	return len;
}

/* Turns digit values into characters, once rounding is done. */
static const char *ascii_digits(struct decimal *a)
{
	for (int i = 0; i < a->nd; i++)
		a->d[i] += '0';
	return (const char *)a->d;
}

/*
 * %f body from a rounded decimal: integer digits (with the zeros past the
 * last stored digit), then (prec) fraction digits, which are leading zeros,
 * stored digits and trailing zeros. (point) forces the '.' ('#').
 */
static size_t put_fixed(struct fmt_sink *sink, const struct fmt_spec *spec,
			const char *prefix, size_t plen, struct decimal *a,
			size_t prec, bool point)
{
	const char *d = ascii_digits(a);
	size_t nd = a->nd, ni, lead = 0, start = 0, nf = 0;
	struct fmt_run r[7];
	size_t n = 0;

	if (a->dp <= 0) {
		r[n++] = (struct fmt_run){ .s = "0", .n = 1 };
	} else {
		ni = min_sz(a->dp, nd);
		r[n++] = (struct fmt_run){ .s = d, .n = ni };
		r[n++] = (struct fmt_run){ .n = a->dp - ni, .c = '0' };
		start = a->dp;
	}
	if (prec || point)
		r[n++] = (struct fmt_run){ .s = ".", .n = 1 };
	if (a->dp < 0)
		lead = min_sz(-(long)a->dp, prec);
	if (nd > start)
		nf = min_sz(nd - start, prec - lead);
	r[n++] = (struct fmt_run){ .n = lead, .c = '0' };
	r[n++] = (struct fmt_run){ .s = d + start, .n = nf };
	r[n++] = (struct fmt_run){ .n = prec - lead - nf, .c = '0' };
	return fmt_padded(sink, spec, prefix, plen, r, n, true);
}

/* %e body from a decimal rounded to at most prec + 1 digits. */
static size_t put_sci(struct fmt_sink *sink, const struct fmt_spec *spec,
		      const char *prefix, size_t plen, struct decimal *a,
		      size_t prec, bool point, char letter)
{
	int exp10 = a->nd ? a->dp - 1 : 0;
	const char *d = ascii_digits(a);
	size_t nf = a->nd > 1 ? min_sz(a->nd - 1, prec) : 0;
	char ebuf[16];
	struct fmt_run r[5];
	size_t n = 0;

	r[n++] = (struct fmt_run){ .s = a->nd ? d : "0", .n = 1 };
	if (prec || point)
		r[n++] = (struct fmt_run){ .s = ".", .n = 1 };
	r[n++] = (struct fmt_run){ .s = d + 1, .n = nf };
	r[n++] = (struct fmt_run){ .n = prec - nf, .c = '0' };
	r[n++] = (struct fmt_run){
		.s = ebuf, .n = put_exponent(ebuf, letter, exp10, 2) };
	return fmt_padded(sink, spec, prefix, plen, r, n, true);
}

/*
 * %g: round to P significant digits, then pick %f or %e style by the
 * exponent X of the rounded value (C11 7.21.6.1p8). Without '#', trailing
 * zeros are not printed, which is the same as lowering the precision to
 * the stored digits (the decimal never keeps trailing zeros).
 */
static size_t put_general(struct fmt_sink *sink, const struct fmt_spec *spec,
			  const char *prefix, size_t plen, struct decimal *a)
{
	long long p = spec->prec < 0 ? 6 : spec->prec ? spec->prec : 1;
	bool alt = spec->flags & FMT_ALT;
	long long x, fp;

	dec_round(a, p);
	x = a->nd ? a->dp - 1 : 0;
	if (x < p && x >= -4) {
		fp = p - 1 - x;
		if (!alt && fp > a->nd - a->dp)
			fp = a->nd > a->dp ? a->nd - a->dp : 0;
		return put_fixed(sink, spec, prefix, plen, a, fp, alt);
	}
	fp = p - 1;
	if (!alt && fp > a->nd - 1)
		fp = a->nd - 1;
	return put_sci(sink, spec, prefix, plen, a, fp, alt,
		       spec->conv == 'G' ? 'E' : 'e');
}

/*
 * %a: glibc prints normal numbers as 0x1.hhhp+d and subnormals as
 * 0x0.hhhp-1022 (no renormalising), drops trailing zero digits when there
 * is no precision, and rounds half to even otherwise, letting the leading
 * digit become 2 ("%.0a" of 1.5 is "0x2p+0").
 */
static size_t put_hex(struct fmt_sink *sink, const struct fmt_spec *spec,
		      char *prefix, size_t plen, unsigned ef, uint64_t frac)
{
	const char *xdigits = spec->conv == 'A' ? "0123456789ABCDEF"
						: "0123456789abcdef";
	int nhex = DBL_FRAC_BITS / 4, exp;
	unsigned lead = ef != 0;
	char hex[DBL_FRAC_BITS / 4], lead_c, ebuf[16];
	struct fmt_run r[5];
	size_t n = 0;

	exp = ef ? (int)ef - DBL_BIAS : frac ? 1 - DBL_BIAS : 0;
	if (spec->prec < 0) {
		while (nhex && !(frac & 0xf)) {
			frac >>= 4;
			nhex--;
		}
	} else if (spec->prec < nhex) {
		int drop = 4 * (nhex - spec->prec);
		uint64_t all = (uint64_t)lead << DBL_FRAC_BITS | frac;
		uint64_t rem = all & (((uint64_t)1 << drop) - 1);
		uint64_t half = (uint64_t)1 << (drop - 1);

		all >>= drop;
		if (rem > half || (rem == half && (all & 1)))
			all++;
		nhex = spec->prec;
		lead = (unsigned)(all >> (4 * nhex));
		frac = all & (((uint64_t)1 << (4 * nhex)) - 1);
	}
	for (int i = 0; i < nhex; i++)
		hex[i] = xdigits[(frac >> (4 * (nhex - 1 - i))) & 0xf];

	prefix[plen++] = '0';
	prefix[plen++] = spec->conv == 'A' ? 'X' : 'x';
	lead_c = (char)('0' + lead);
	r[n++] = (struct fmt_run){ .s = &lead_c, .n = 1 };
	if (spec->prec > 0 || nhex || (spec->flags & FMT_ALT))
		r[n++] = (struct fmt_run){ .s = ".", .n = 1 };
	r[n++] = (struct fmt_run){ .s = hex, .n = nhex };
	if (spec->prec > nhex)
		r[n++] = (struct fmt_run){ .n = spec->prec - nhex, .c = '0' };
	r[n++] = (struct fmt_run){
		.s = ebuf,
		.n = put_exponent(ebuf, spec->conv == 'A' ? 'P' : 'p', exp, 1)
	};
	return fmt_padded(sink, spec, prefix, plen, r, n, true);
}

size_t format_float(struct fmt_sink *sink, const struct fmt_spec *spec,
		    va_list *ap)
{
	bool upper = spec->conv >= 'A' && spec->conv <= 'Z';
	uint64_t bits, frac, mant;
	struct decimal dec;
	char prefix[4];
	size_t plen = 0;
	unsigned ef;
	double x;

	if (spec->flags & FMT_LONG_DBL)
		x = (double)va_arg(*ap, long double);
	else
		x = va_arg(*ap, double);
	memcpy(&bits, &x, sizeof(bits));
	ef = (bits >> DBL_FRAC_BITS) & DBL_EXP_MASK;
	frac = bits & (((uint64_t)1 << DBL_FRAC_BITS) - 1);

	/* The sign bit shows even for NaN: glibc prints "-nan". */
	if (bits >> 63)
		prefix[plen++] = '-';
	else if (spec->flags & FMT_PLUS)
		prefix[plen++] = '+';
	else if (spec->flags & FMT_SPACE)
		prefix[plen++] = ' ';

	if (ef == DBL_EXP_MASK) {
		struct fmt_run run = { .n = 3 };

		if (frac)
			run.s = upper ? "NAN" : "nan";
		else
			run.s = upper ? "INF" : "inf";
		return fmt_padded(sink, spec, prefix, plen, &run, 1, false);
	}
	if (spec->conv == 'a' || spec->conv == 'A')
		return put_hex(sink, spec, prefix, plen, ef, frac);

	/* Exact value: mant * 2^(exponent), expanded in decimal. */
	mant = ef ? frac | (uint64_t)1 << DBL_FRAC_BITS : frac;
	dec_from_u64(&dec, mant);
	dec_shift(&dec, (ef ? (int)ef : 1) - DBL_BIAS - DBL_FRAC_BITS);

	switch (spec->conv) {
	case 'f':
	case 'F': {
		size_t prec = spec->prec < 0 ? 6 : spec->prec;

		dec_round(&dec, (long long)dec.dp + prec);
		return put_fixed(sink, spec, prefix, plen, &dec, prec,
				 spec->flags & FMT_ALT);
	}
	case 'e':
	case 'E': {
		size_t prec = spec->prec < 0 ? 6 : spec->prec;

		dec_round(&dec, (long long)prec + 1);
		return put_sci(sink, spec, prefix, plen, &dec, prec,
			       spec->flags & FMT_ALT, spec->conv);
	}
	default:
		return put_general(sink, spec, prefix, plen, &dec);
	}
}
