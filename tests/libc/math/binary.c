// SPDX-License-Identifier: MIT
/* <math.h>'s functions of two and three arguments over a grid of special
 * and ordinary values, classification macros, and nan("..."). */
#define _GNU_SOURCE
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "mathfmt.h"

static const double v[] = {0.0,	  -0.0,	    0x1p-1074, 0.5,	  -0.75,
			   1.0,	  -1.0,	    2.0,       3.0,	  -2.5,
			   1e300, -DBL_MAX, INFINITY,  -INFINITY, NAN};
#define NV (sizeof(v) / sizeof(v[0]))

static void flags(void)
{
	int e = fetestexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW);

	printf("%s%s%s\n", e & FE_INVALID ? " I" : "",
	       e & FE_DIVBYZERO ? " Z" : "", e & FE_OVERFLOW ? " O" : "");
}

#define PAIR(fn)                                                               \
	for (unsigned i = 0; i < NV; i++)                                      \
		for (unsigned j = 0; j < NV; j++) {                            \
			feclearexcept(FE_ALL_EXCEPT);                          \
			double r = fn(v[i], v[j]);                             \
			printf(#fn "(%s,%s)=%s", fa(v[i]), fa(v[j]), fa(r));   \
			flags();                                               \
		}
#define PAIRF(fn)                                                              \
	for (unsigned i = 0; i < NV; i++)                                      \
		for (unsigned j = 0; j < NV; j++) {                            \
			feclearexcept(FE_ALL_EXCEPT);                          \
			float r = fn##f((float)v[i], (float)v[j]);             \
			printf(#fn "f(%s,%s)=%s", fa(v[i]), fa(v[j]), fa(r));  \
			flags();                                               \
		}
#define PAIRL(fn, out)                                                         \
	for (unsigned i = 0; i < NV; i++)                                      \
		for (unsigned j = 0; j < NV; j++) {                            \
			feclearexcept(FE_ALL_EXCEPT);                          \
			long double r = fn##l(v[i], v[j] / 3.0L);              \
			printf(#fn "l(%s,%s/3)=%s", fa(v[i]), fa(v[j]),        \
			       out(r));                                        \
			flags();                                               \
		}
#define ALL(X)                                                                 \
	X(pow)                                                                 \
	X(atan2) X(hypot) X(fmod) X(remainder) X(fmin) X(fmax) X(fdim)         \
		X(copysign) X(nextafter)

int test_binary(void)
{
	ALL(PAIR)
	ALL(PAIRF)
	/* powl and atan2l use the x87's fyl2x, f2xm1, fpatan (mathfmt.h). */
#define PAIRL_EXACT(fn) PAIRL(fn, fla)
	PAIRL(pow, fla48)
	PAIRL(atan2, fla48)
	PAIRL_EXACT(hypot)
	PAIRL_EXACT(fmod) PAIRL_EXACT(remainder) PAIRL_EXACT(fmin)
		PAIRL_EXACT(fmax) PAIRL_EXACT(fdim) PAIRL_EXACT(copysign)
			PAIRL_EXACT(nextafter) for (unsigned i = 0; i < NV; i++)
	{
		int q;
		double r = remquo(v[i], 0.75, &q);
		printf("remquo(%s)=%s,%d ", fa(v[i]), fa(r), q & 7);
		printf("fma=%s ", fa(fma(v[i], 3.0, -1.0)));
		printf("fmaf=%s ", fa(fmaf((float)v[i], 0x1p-20f, 1.0f)));
		printf("fmal=%s ", fla(fmal(v[i], 1.0L / 3, 1.0L)));
		printf("ldexp=%s,%s scalbln=%s ", fa(ldexp(v[i], 1000)),
		       fa(ldexp(v[i], -1070)), fa(scalbln(v[i], -3)));
		printf("nexttoward=%s ", fa(nexttoward(v[i], 0.0L)));
		printf("class=%d%d%d%d%d%d signbit=%d\n", fpclassify(v[i]),
		       isnan(v[i]) != 0, isinf(v[i]) != 0, isfinite(v[i]) != 0,
		       isnormal(v[i]) != 0, fpclassify(v[i]) == FP_SUBNORMAL,
		       signbit(v[i]) != 0);
	}
	printf("FP_ %d %d %d %d %d\n", FP_NAN, FP_INFINITE, FP_ZERO,
	       FP_SUBNORMAL, FP_NORMAL);
	printf("isgreater %d isless %d isunordered %d islessgreater %d\n",
	       isgreater(1.0, NAN), isless(-1.0, 0.0), isunordered(NAN, 1.0),
	       islessgreater(2.0, 2.0));
	const char *tags[] = {"", "1", "0x7", "abc", "123456789012"};
	for (unsigned i = 0; i < 5; i++) {
		double n = nan(tags[i]);
		uint64_t b;
		memcpy(&b, &n, 8);
		printf("nan(\"%s\") %016llx nanf %s\n", tags[i],
		       (unsigned long long)b, fa(nanf(tags[i])));
	}
	double s, c;
	sincos(0.5, &s, &c);
	printf("sincos %a %a\n", s, c);
	printf("pow edge %s %s %s\n", fa(pow(10, 308)), fa(pow(10, 309)),
	       fa(pow(-8, 1.0 / 3)));
	printf("math_errhandling %d\n", math_errhandling);
	printf("M_PI %a M_E %a M_SQRT2 %a\n", M_PI, M_E, M_SQRT2);
	printf("HUGE_VAL %a FLT_EVAL_METHOD %d\n", HUGE_VAL, FLT_EVAL_METHOD);
	return 0;
}
