// SPDX-License-Identifier: MIT
/* <math.h>'s functions of one argument, in double, float and long
 * double, over one table of inputs (zeros, subnormals, small and huge
 * values, the edges of each function's domain, infinities, NaN): each
 * result in %a and which of invalid, divide-by-zero and overflow it
 * raised. */
#define _GNU_SOURCE
#include <fenv.h>
#include <float.h>
#include <math.h>

#include "check.h"
#include "mathfmt.h"

static const double in[] = {
	0.0,
	-0.0,
	0x1p-1074,
	-0x1p-1074,
	0x1.8p-1030,
	DBL_MIN,
	-DBL_MIN,
	1e-300,
	1e-20,
	1e-10,
	-1e-10,
	1e-5,
	0.1,
	-0.1,
	0.25,
	0.5,
	-0.5,
	0.7,
	0x1.fffffffffffffp-1,
	1.0,
	-1.0,
	0x1.0000000000001p0,
	1.5,
	-1.5,
	2.0,
	-2.0,
	2.718281828459045,
	3.0,
	-3.0,
	1.5707963267948966,
	3.141592653589793,
	-3.141592653589793,
	4.0,
	6.5,
	10.0,
	-10.0,
	20.5,
	50.0,
	88.7,
	100.0,
	-100.0,
	171.5,
	700.0,
	709.78,
	710.0,
	-745.2,
	1000.0,
	1e10,
	1e15,
	4503599627370496.5,
	1e22,
	-1e22,
	1e300,
	DBL_MAX,
	-DBL_MAX,
	INFINITY,
	-INFINITY,
	NAN,
};
#define NIN (sizeof(in) / sizeof(in[0]))

static void flags(void)
{
	int e = fetestexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW);

	printf("%s%s%s\n", e & FE_INVALID ? " I" : "",
	       e & FE_DIVBYZERO ? " Z" : "", e & FE_OVERFLOW ? " O" : "");
}

#define FUNCS(X)                                                               \
	X(sin)                                                                 \
	X(cos) X(tan) X(asin) X(acos) X(atan) X(sinh) X(cosh) X(tanh) X(asinh) \
		X(acosh) X(atanh) X(exp) X(exp2) X(expm1) X(log) X(log2)       \
			X(log10) X(log1p) X(logb) X(sqrt) X(cbrt) X(erf)       \
				X(erfc) X(tgamma) X(lgamma) X(ceil) X(floor)   \
					X(round) X(trunc) X(rint) X(nearbyint) \
						X(fabs)

#define BESSEL(X) X(j0) X(j1) X(y0) X(y1) X(exp10) X(significand)

/* The long double functions that are exact on any x86 (see mathfmt.h),
 * and those built on the x87's transcendental instructions. */
#define LONG_EXACT(X)                                                          \
	X(sin)                                                                 \
	X(cos) X(tan) X(logb) X(sqrt) X(cbrt) X(ceil) X(floor) X(round)        \
		X(trunc) X(rint) X(nearbyint) X(fabs)
#define LONG_X87(X)                                                            \
	X(asin)                                                                \
	X(acos) X(atan) X(sinh) X(cosh) X(tanh) X(asinh) X(acosh) X(atanh)     \
		X(exp) X(exp2) X(expm1) X(log) X(log2) X(log10) X(log1p)       \
			X(erf) X(erfc) X(tgamma) X(lgamma) X(exp10)

#define DOUBLE(fn)                                                             \
	for (unsigned i = 0; i < NIN; i++) {                                   \
		feclearexcept(FE_ALL_EXCEPT);                                  \
		double r = fn(in[i]);                                          \
		printf(#fn "(%s)=%s", fa(in[i]), fa(r));                       \
		flags();                                                       \
	}
#define FLOAT(fn)                                                              \
	for (unsigned i = 0; i < NIN; i++) {                                   \
		float x = (float)in[i];                                        \
		feclearexcept(FE_ALL_EXCEPT);                                  \
		float r = fn##f(x);                                            \
		printf(#fn "f(%s)=%s", fa(x), fa(r));                          \
		flags();                                                       \
	}
#define LONG(fn, out)                                                          \
	for (unsigned i = 0; i < NIN; i++) {                                   \
		long double x = in[i] * (i % 3 ? 1.0L : 1.0L + 0x1p-60L);      \
		feclearexcept(FE_ALL_EXCEPT);                                  \
		long double r = fn##l(x);                                      \
		printf(#fn "l(%s)=%s", fla(x), out(r));                        \
		flags();                                                       \
	}

int test_tables(void)
{
	FUNCS(DOUBLE)
	BESSEL(DOUBLE)
	FUNCS(FLOAT)
	BESSEL(FLOAT)
#define LONG_EXACT_ONE(fn) LONG(fn, fla)
#define LONG_X87_ONE(fn)   LONG(fn, fla48)
	LONG_EXACT(LONG_EXACT_ONE)
	LONG_X87(LONG_X87_ONE)
	/* lgamma's sign and the integer results. */
	for (unsigned i = 0; i < NIN; i++) {
		int s = 0;
		double r = lgamma_r(in[i], &s);

		feclearexcept(FE_ALL_EXCEPT);
		printf("lgamma_r(%s)=%s,%d ilogb=%d lrint=%ld llround=%lld",
		       fa(in[i]), fa(r), s, ilogb(in[i]),
		       fabs(in[i]) < 1e18 ? lrint(in[i]) : 0,
		       fabs(in[i]) < 1e18 ? llround(in[i]) : 0);
		flags();
		int e;
		double m = frexp(in[i], &e), ip;
		double fr = modf(in[i], &ip);
		printf("  frexp %s,%d modf %s,%s\n", fa(m), e, fa(fr), fa(ip));
	}
	return 0;
}
