// SPDX-License-Identifier: MIT
/* <complex.h> and <tgmath.h>: the complex functions over a grid of
 * values including zeros, infinities and NaN, and which type each
 * type-generic macro picks. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <tgmath.h>

#include "check.h"
#include "mathfmt.h"

static void p(const char *name, double complex z, double complex r)
{
	printf("%s(%s,%s)=%s,%s\n", name, fa(creal(z)), fa(cimag(z)),
	       fa(creal(r)), fa(cimag(r)));
}

#define FNS(X)                                                                 \
	X(cexp)                                                                \
	X(clog) X(csqrt) X(csin) X(ccos) X(ctan) X(casin) X(cacos) X(catan)    \
		X(csinh) X(ccosh) X(ctanh) X(casinh) X(cacosh) X(catanh)       \
			X(cproj) X(conj)

int test_complex(void)
{
	const double re[] = {0.0,   -0.0,     1.0,	 -2.5, 1e-300,
			     710.0, INFINITY, -INFINITY, NAN};
	const double im[] = {0.0, -0.0, 0.5, -3.0, INFINITY, NAN};

	for (unsigned i = 0; i < sizeof(re) / sizeof(re[0]); i++)
		for (unsigned j = 0; j < sizeof(im) / sizeof(im[0]); j++) {
			double complex z = CMPLX(re[i], im[j]);
#define CALL(f) p(#f, z, f(z));
			FNS(CALL)
			printf("cabs %s carg %s\n", fa(cabs(z)), fa(carg(z)));
			float complex zf = CMPLXF((float)re[i], (float)im[j]);
			float complex rf = cexpf(zf) + csqrtf(zf);
			long double complex zl = CMPLXL(re[i], im[j]);
			long double complex rl = clogl(zl);
			/* clogl: logl and atan2l (mathfmt.h) */
			printf("cexpf+csqrtf %s,%s clogl %s,%s\n",
			       fa(crealf(rf)), fa(cimagf(rf)),
			       fla48(creall(rl)), fla48(cimagl(rl)));
		}
	double complex a = CMPLX(1.5, -2.0);
	double complex b = cpow(a, CMPLX(0.5, 0.25));
	printf("cpow %s,%s\n", fa(creal(b)), fa(cimag(b)));
	b = a * CMPLX(INFINITY, NAN);
	printf("mul inf %d %d\n", isinf(creal(b)) || isinf(cimag(b)),
	       isnan(creal(b)));
	b = a / CMPLX(0.0, 0.0);
	printf("div 0 %s %s\n", fa(creal(b)), fa(cimag(b)));
	/* tgmath picks a type by the argument's. */
	float f = 2.0f;
	long double l = 2.0L;
	printf("tgmath sizes %zu %zu %zu %zu %zu\n", sizeof(sqrt(f)),
	       sizeof(sqrt(2.0)), sizeof(sqrt(l)), sizeof(sqrt(a)),
	       sizeof(pow(f, l)));
	printf("tgmath values %a %a %La\n", (double)sqrt(f), sqrt(2.0),
	       sqrt(l));
	printf("I %a%+ai\n", creal(I * I), cimag(I * I));
	return 0;
}
