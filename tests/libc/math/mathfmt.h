/* SPDX-License-Identifier: MIT */
/*
 * How the math programs print results so that bits compare between the
 * host's CPU and the guest's (QEMU's TCG emulates it):
 *   - any NaN prints as "nan": IEEE 754 leaves the sign and payload of a
 *     NaN result unspecified, and TCG and the hardware pick differently;
 *   - long double results of the functions musl computes with the x87's
 *     transcendental instructions (f2xm1, fyl2x, fyl2xp1, fpatan: the
 *     exp, log and atan families and what is built on them) print rounded
 *     to 48 bits: those instructions are not correctly rounded and TCG's
 *     emulation differs from the hardware's in the last bits. Everything
 *     else prints exactly, with %a.
 */
#ifndef LIBC_MATHFMT_H
#define LIBC_MATHFMT_H

#include <math.h>
#include <stdio.h>

static char *fmt_buf(void)
{
	static char bufs[8][64];
	static unsigned n;

	return bufs[n++ % 8];
}

static inline const char *fa(double x)
{
	char *b = fmt_buf();

	if (isnan(x))
		return "nan";
	snprintf(b, 64, "%a", x);
	return b;
}

static inline const char *fla(long double x)
{
	char *b = fmt_buf();

	if (isnan(x))
		return "nan";
	snprintf(b, 64, "%La", x);
	return b;
}

/* (x) rounded to nearest with a 48-bit significand, then printed. */
static inline const char *fla48(long double x)
{
	if (isfinite(x) && x != 0) {
		int e;
		long double m = frexpl(x, &e);

		x = ldexpl(rintl(ldexpl(m, 48)), e - 48);
	}
	return fla(x);
}

#endif /* LIBC_MATHFMT_H */
